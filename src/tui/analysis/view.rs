//! What the Audit tab asks of the analysis worker and what it gets back: plain data, small
//! enough to send on every change (the worker keeps the Index; the model keeps only this).

use chrono::{DateTime, Utc};

/// The time range the Audit tab analyses, counted back from now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuditRange {
    Hour,
    Day,
    Week,
    Month,
    #[default]
    All,
}

impl AuditRange {
    pub const ALL: [AuditRange; 5] = [
        AuditRange::Hour,
        AuditRange::Day,
        AuditRange::Week,
        AuditRange::Month,
        AuditRange::All,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AuditRange::Hour => "last 1h",
            AuditRange::Day => "last 24h",
            AuditRange::Week => "last 7d",
            AuditRange::Month => "last 30d",
            AuditRange::All => "all history",
        }
    }

    /// Milliseconds back from now; `None` for all of it.
    pub fn millis(self) -> Option<i64> {
        const H: i64 = 3_600_000;
        match self {
            AuditRange::Hour => Some(H),
            AuditRange::Day => Some(24 * H),
            AuditRange::Week => Some(7 * 24 * H),
            AuditRange::Month => Some(30 * 24 * H),
            AuditRange::All => None,
        }
    }

    /// One step shorter (`by` < 0) or longer, stopping at the ends.
    pub fn step(self, by: isize) -> AuditRange {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        let j = i.saturating_add_signed(by).min(Self::ALL.len() - 1);
        Self::ALL[j]
    }
}

/// The operation selected on the Operations tab, by the ids its history line carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedOp {
    pub event_id: String,
    pub operation_id: String,
    /// `pin.add bafy…`, for the panel title.
    pub label: String,
}

/// One request to the worker; the newest one wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// As typed (`user=alice status=failed`); parsed by the worker.
    pub filter: String,
    pub range: AuditRange,
    pub selected: Option<SelectedOp>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PatternRow {
    pub id: String,
    pub key: String,
    pub description: String,
    pub occurrences: usize,
    pub confidence: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AnomalyRow {
    pub severity: String,
    pub kind: String,
    pub bucket: String,
    pub expected: String,
    pub observed: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RuleRow {
    pub id: String,
    pub severity: String,
    pub violations: u64,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ComplianceView {
    pub policy: String,
    /// Weighted score, 0-100.
    pub score: f64,
    pub band: String,
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    /// Failing rules, most severe first.
    pub failing: Vec<RuleRow>,
}

/// An event in a correlation, timeline or causal chain.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub time: DateTime<Utc>,
    pub label: String,
    pub status: String,
    /// Score and reasons (correlation, causes); empty for timeline entries.
    pub why: String,
}

/// The selected operation, analysed.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectedView {
    pub op: SelectedOp,
    /// The event was found in the loaded history.
    pub found: bool,
    pub correlated: Vec<EventRow>,
    /// `N events: action (k)…, 1.2 s`.
    pub timeline_summary: Option<String>,
    pub timeline: Vec<EventRow>,
    pub cause_confidence: f64,
    pub cause_explanation: String,
    pub causes: Vec<EventRow>,
}

/// Everything the Audit tab draws, computed off the render path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditView {
    /// The query this answers (the model shows it stale while a newer one runs).
    pub query: AuditQuery,
    pub computed_at: Option<DateTime<Utc>>,
    pub took_ms: u64,
    /// Events loaded from every source, and those the range and filter kept.
    pub loaded: usize,
    pub in_scope: usize,
    pub failures: usize,
    pub sources: usize,
    pub bad_lines: u64,
    /// Unreadable files and the first bad lines, `file:line: why`.
    pub problems: Vec<String>,
    /// Why the filter or the policy could not be used (`file:line:col: …` for a policy).
    pub filter_error: Option<String>,
    pub policy_error: Option<String>,
    /// `week[d][h]`, Monday first; `dates` the newest days, oldest first.
    pub week: Vec<[u64; 24]>,
    pub dates: Vec<(String, [u64; 24])>,
    pub patterns: Vec<PatternRow>,
    pub patterns_total: usize,
    pub anomalies: Vec<AnomalyRow>,
    pub anomalies_total: usize,
    pub compliance: Option<ComplianceView>,
    pub selected: Option<SelectedView>,
}
