//! Alerts as the snapshot, the JSON document and the on-disk history carry them.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Ordered: `Critical` is worse than `Warning`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// The condition holds but not yet for the rule's `for` duration.
    Pending,
    Firing,
    Resolved,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Alert {
    /// `<rule>-<start in Unix milliseconds>`: stable across restarts (history keeps it).
    pub id: String,
    pub rule: String,
    pub metric: String,
    pub severity: Severity,
    pub state: AlertState,
    /// The rule's message rendered with the latest value.
    pub message: String,
    /// Latest value; `None` while the metric has no current value (source down, stale).
    pub value: Option<f64>,
    /// The threshold of the current severity.
    pub threshold: f64,
    /// Worst value seen since the alert started (highest for `>`/`>=`, lowest for `<`/`<=`).
    pub peak: f64,
    /// When the condition was first seen (start of pending).
    pub started_at: DateTime<Utc>,
    pub fired_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Set by the operator; stays set until the alert resolves.
    pub acknowledged: bool,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// From `started_at` to `resolved_at`, or to the latest evaluation.
    pub duration_secs: u64,
}

impl Alert {
    pub fn is_firing(&self) -> bool {
        self.state == AlertState::Firing
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertEventKind {
    Fired,
    /// Warning -> critical while firing.
    Escalated,
    /// Critical -> warning while firing.
    Deescalated,
    Resolved,
    Acknowledged,
}

/// One change in an alert's life: what the engine returns and the alert history stores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AlertEvent {
    pub at: DateTime<Utc>,
    pub kind: AlertEventKind,
    /// The alert as it is after the change.
    pub alert: Alert,
}
