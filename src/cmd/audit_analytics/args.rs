//! The `audit-analytics` command line: the original design's subcommands and flags.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

/// Inputs and time range, shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Read events from FILE instead of this host's history and alerts (repeatable; `-` is
    /// stdin, `ipfs://CID` an archived history file; gzip is detected).
    #[arg(long = "file", value_name = "FILE")]
    pub files: Vec<String>,
    /// Only the last N hours.
    #[arg(long, value_name = "N", conflicts_with_all = ["days", "since"])]
    pub hours: Option<u32>,
    /// Only the last N days.
    #[arg(long, value_name = "N", conflicts_with = "since")]
    pub days: Option<u32>,
    /// Only events at or after WHEN: a duration back ("24h", "7d") or an RFC 3339 time.
    #[arg(long, value_name = "WHEN", value_parser = crate::cli::since_arg)]
    pub since: Option<DateTime<Utc>>,
    /// Only events before WHEN (same forms as --since).
    #[arg(long, value_name = "WHEN", value_parser = crate::cli::since_arg)]
    pub until: Option<DateTime<Utc>>,
    /// One JSON document (its schema: assets/audit-analytics.schema.json).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Recurring behaviour: failed logins, off-hours work, bursts, crash loops, flapping pins…
    Patterns {
        #[command(flatten)]
        common: Common,
        /// Only these detectors (comma-separated ids; `patterns --list` shows them).
        #[arg(
            long = "type",
            alias = "types",
            value_name = "ID,…",
            value_delimiter = ','
        )]
        types: Vec<String>,
        /// Only findings at or above this confidence (0-1).
        #[arg(long, value_name = "C", default_value_t = 0.0, value_parser = unit_interval)]
        confidence: f64,
        /// List the detectors and exit.
        #[arg(long)]
        list: bool,
    },
    /// Unusual hours, users and failure rates (robust z-scores against a baseline).
    Anomalies {
        #[command(flatten)]
        common: Common,
        /// |z| at or above which a value is reported (3.5 is Iglewicz & Hoaglin's cut-off).
        #[arg(long, value_name = "Z", default_value_t = 3.5, value_parser = positive)]
        threshold: f64,
    },
    /// Events related to one event, with a score and the reasons.
    Correlate {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "ID")]
        event_id: String,
        /// How far before and after to look ("300s", "10m").
        #[arg(long, value_name = "DURATION", default_value = "300s", value_parser = window_arg)]
        window: i64,
        /// Only related events scoring at least this (0-1).
        #[arg(long, value_name = "S", default_value_t = 0.3, value_parser = unit_interval)]
        threshold: f64,
        #[arg(long, value_name = "N", default_value_t = 50)]
        max_results: usize,
    },
    /// Every event of one operation, in order, with its duration and subsystems.
    Timeline {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "ID")]
        operation_id: String,
    },
    /// The chain of events that most likely led to one event.
    Causation {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "ID")]
        event_id: String,
        #[arg(long, value_name = "N", default_value_t = 10)]
        max_depth: usize,
    },
    /// What followed one event: downstream events and failures, users and resources touched.
    Impact {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "ID")]
        event_id: String,
        #[arg(long, value_name = "DURATION", default_value = "600s", value_parser = window_arg)]
        window: i64,
    },
    /// Score the history against a policy (TOML; [audit] policy, else the built-in example).
    Compliance {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "FILE.toml")]
        policy: Option<PathBuf>,
        /// Violations listed (all are counted).
        #[arg(long, value_name = "N", default_value_t = 20)]
        max_violations: usize,
    },
    /// Counts, failure rates and durations grouped by a field.
    Stats {
        #[command(flatten)]
        common: Common,
        /// event_type, action, user, resource, resource_type, status, subsystem, daemon, cid,
        /// session, operation, ip, schema or details.KEY.
        #[arg(long, value_name = "FIELD", default_value = "event_type")]
        group_by: String,
        /// Groups shown (0 = all).
        #[arg(long, value_name = "N", default_value_t = 10)]
        top: usize,
    },
    /// A metric per period, with the change from the previous period and the slope.
    Trends {
        #[command(flatten)]
        common: Common,
        /// event_count, failed_auth, failures or unique_users.
        #[arg(long, value_name = "METRIC", default_value = "event_count")]
        metric: String,
        /// hourly, daily or weekly.
        #[arg(long, value_name = "PERIOD", default_value = "daily")]
        period: String,
    },
    /// A report: activity, compliance, timeline, heatmap or anomalies as json, csv, text or html.
    Report {
        #[command(flatten)]
        common: Common,
        #[arg(long = "type", value_name = "TYPE", default_value = "activity")]
        kind: String,
        #[arg(long, value_name = "FORMAT", default_value = "text")]
        format: String,
        /// Write to FILE (atomically) instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_name = "FILE.toml")]
        policy: Option<PathBuf>,
        #[arg(long, value_name = "ID")]
        operation_id: Option<String>,
        #[arg(long, value_name = "Z", default_value_t = 3.5, value_parser = positive)]
        threshold: f64,
    },
    /// Print the JSON Schema of the --json documents.
    Schema,
}

fn unit_interval(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a number from 0 to 1")),
    }
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{s:?} is not a positive number")),
    }
}

/// "300s", "10m", "1h" or plain seconds → milliseconds.
fn window_arg(s: &str) -> Result<i64, String> {
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(secs as i64 * 1000);
    }
    humantime::parse_duration(s)
        .map(|d| d.as_millis() as i64)
        .map_err(|e| format!("{s:?} is not a duration like 300s or 10m: {e}"))
}
