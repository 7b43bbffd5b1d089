//! The `--json` document of every `audit-analytics` subcommand; its JSON Schema is committed
//! as assets/audit-analytics.schema.json.

use chrono::{DateTime, Utc};
use ipfs_kit_audit::LoadReport;
use ipfs_kit_audit::anomalies::Anomaly;
use ipfs_kit_audit::compliance::Compliance;
use ipfs_kit_audit::correlate::{Causation, Impact, Related, Timeline};
use ipfs_kit_audit::patterns::Pattern;
use ipfs_kit_audit::report::Report;
use ipfs_kit_audit::stats::Stats;
use ipfs_kit_audit::trends::Trend;
use schemars::JsonSchema;
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

/// One document per run: what was read, which events were analysed, and the result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Document {
    pub schema_version: u32,
    pub generated_at: DateTime<Utc>,
    pub input: InputSummary,
    pub range: RangeSummary,
    #[serde(flatten)]
    pub output: Output,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct InputSummary {
    /// The files read ("<stdin>", "ipfs://CID" for archived ones).
    pub sources: Vec<String>,
    /// Lines, events, blank and bad lines (the first bad ones with file:line).
    pub load: LoadReport,
}

/// The time range analysed; `None` ends are open.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RangeSummary {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Events inside the range.
    pub events: usize,
    /// The UTC offset, in minutes, that local hours (off-hours, heat maps) were counted in.
    pub utc_offset_minutes: i32,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "command", content = "result", rename_all = "snake_case")]
pub enum Output {
    Patterns(Vec<Pattern>),
    Anomalies(Vec<Anomaly>),
    Correlate(Correlated),
    Timeline(Timeline),
    Causation(Causation),
    Impact(Impact),
    Compliance(Compliance),
    Stats(Stats),
    Trends(Trend),
    Report(Report),
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Correlated {
    pub event_id: String,
    pub label: String,
    pub time: DateTime<Utc>,
    pub window_ms: i64,
    pub related: Vec<Related>,
}

/// The schema, pretty-printed, with a trailing newline.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Document);
    let mut s =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
