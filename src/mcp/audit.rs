//! The audit-analytics tools: `ipfs-kit audit-analytics … --json` over this host's
//! operation history and alert log, the same documents.

use rmcp::model::{CallToolResult, ContentBlock};
use schemars::JsonSchema;
use serde::Deserialize;

use super::context::{Call, document, flag, parse};
use super::output;
use super::tool::{Hints, ToolDef};
use crate::cmd::audit_analytics::{self, AuditAction};

/// The time range every audit tool takes.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Range {
    /// Only the last N hours.
    pub hours: Option<u32>,
    /// Only the last N days.
    pub days: Option<u32>,
    /// Only events at or after: a duration back ("24h", "7d") or an RFC 3339 time.
    pub since: Option<String>,
    /// Only events before (same forms as since).
    pub until: Option<String>,
}

async fn run(call: &Call, sub: &str, r: Range, mut argv: Vec<String>) -> CallToolResult {
    argv.insert(0, sub.to_string());
    flag(&mut argv, "--hours", r.hours);
    flag(&mut argv, "--days", r.days);
    flag(&mut argv, "--since", r.since);
    flag(&mut argv, "--until", r.until);
    let json = !argv.iter().any(|a| a == "--format");
    if json {
        argv.push("--json".into());
    }
    let action: AuditAction = match parse(&argv) {
        Ok(a) => a,
        Err(e) => return output::fail(e),
    };
    let mut buf = Vec::new();
    let res = audit_analytics::run_to(call.cfg(), &action, &mut buf).await;
    if json {
        return document(res, &buf);
    }
    match res {
        Err(e) => output::fail(format!("{e:#}")),
        Ok(_) => {
            let mut text = String::from_utf8_lossy(&buf).into_owned();
            if text.len() > output::MAX_BYTES {
                let more = text.len() - output::MAX_BYTES;
                let mut end = output::MAX_BYTES;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
                text.push_str(&format!(
                    "\n[truncated, {more} more bytes: narrow the range]"
                ));
            }
            CallToolResult::success(vec![ContentBlock::text(text)])
        }
    }
}

macro_rules! params {
    ($name:ident { $($(#[$m:meta])* $f:ident : $t:ty),* $(,)? }) => {
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$m])* pub $f: $t,)*
            /// Only the last N hours.
            pub hours: Option<u32>,
            /// Only the last N days.
            pub days: Option<u32>,
            /// Only events at or after: a duration back ("24h", "7d") or an RFC 3339 time.
            pub since: Option<String>,
            /// Only events before (same forms as since).
            pub until: Option<String>,
        }
        impl $name {
            fn range(&mut self) -> Range {
                Range {
                    hours: self.hours.take(),
                    days: self.days.take(),
                    since: self.since.take(),
                    until: self.until.take(),
                }
            }
        }
    };
}

params!(Patterns {
    /// Only these detectors (ids, e.g. failed_auth_burst).
    types: Option<Vec<String>>,
    /// Only findings at or above this confidence (0-1).
    confidence: Option<f64>,
});
params!(Anomalies {
    /// |z| at or above which a value is reported (default 3.5).
    threshold: Option<f64>,
});
params!(Correlate {
    /// The event to correlate (an operation-history id).
    event_id: String,
    /// How far before and after to look, e.g. "300s", "10m".
    window: Option<String>,
    /// Only related events scoring at least this (0-1; default 0.3).
    threshold: Option<f64>,
    /// At most N related events (default 50, at most 1000).
    limit: Option<usize>,
});
params!(Timeline {
    /// The operation whose events to put in order.
    operation_id: String,
});
params!(Causation {
    /// The event whose likely causes to trace.
    event_id: String,
    /// How many steps back (default 10).
    max_depth: Option<usize>,
});
params!(Impact {
    /// The event whose consequences to find.
    event_id: String,
    /// How far after to look, e.g. "600s".
    window: Option<String>,
});
params!(Compliance {
    /// Violations listed (default 20, at most 1000; all are counted).
    limit: Option<usize>,
});
params!(Statistics {
    /// event_type, action, user, resource, resource_type, status, subsystem, daemon, cid,
    /// session, operation, ip, schema or details.KEY (default event_type).
    group_by: Option<String>,
    /// Groups shown (default 10, at most 1000).
    limit: Option<usize>,
});
params!(Trends {
    /// event_count, failed_auth, failures or unique_users (default event_count).
    metric: Option<String>,
    /// hourly, daily or weekly (default daily).
    period: Option<String>,
});
params!(Report {
    /// activity, compliance, timeline, heatmap or anomalies (default activity).
    report_type: Option<String>,
    /// json (default), text, csv or html.
    format: Option<String>,
    /// The operation, for a timeline report.
    operation_id: Option<String>,
});

macro_rules! lim {
    ($v:expr, $d:expr) => {
        match output::limit($v, $d) {
            Ok(n) => n,
            Err(e) => return e,
        }
    };
}

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            "audit_analytics_get_patterns",
            "Recurring behaviour in the history: failed-login bursts, off-hours work, crash loops, flapping pins.",
            Hints::READ,
            |call, mut p: Patterns| async move {
                let r = p.range();
                let mut a = Vec::new();
                flag(&mut a, "--type", p.types.map(|t| t.join(",")));
                flag(&mut a, "--confidence", p.confidence);
                run(&call, "patterns", r, a).await
            },
        ),
        ToolDef::new(
            "audit_analytics_detect_anomalies",
            "Unusual hours, users and failure rates (robust z-scores against a baseline).",
            Hints::READ,
            |call, mut p: Anomalies| async move {
                let r = p.range();
                let mut a = Vec::new();
                flag(&mut a, "--threshold", p.threshold);
                run(&call, "anomalies", r, a).await
            },
        ),
        ToolDef::new(
            "audit_analytics_correlate_events",
            "Events related to one event, each with a score and the reasons.",
            Hints::READ,
            |call, mut p: Correlate| async move {
                let r = p.range();
                let n = lim!(p.limit, 50);
                let mut a = vec!["--event-id".into(), p.event_id];
                flag(&mut a, "--window", p.window);
                flag(&mut a, "--threshold", p.threshold);
                flag(&mut a, "--max-results", Some(n));
                run(&call, "correlate", r, a).await
            },
        ),
        ToolDef::new(
            "audit_analytics_reconstruct_timeline",
            "Every event of one operation, in order, with its duration and subsystems.",
            Hints::READ,
            |call, mut p: Timeline| async move {
                let r = p.range();
                run(
                    &call,
                    "timeline",
                    r,
                    vec!["--operation-id".into(), p.operation_id],
                )
                .await
            },
        ),
        ToolDef::new(
            "audit_analytics_analyze_causation",
            "The chain of events that most likely led to one event.",
            Hints::READ,
            |call, mut p: Causation| async move {
                let r = p.range();
                let mut a = vec!["--event-id".into(), p.event_id];
                flag(&mut a, "--max-depth", p.max_depth);
                run(&call, "causation", r, a).await
            },
        ),
        ToolDef::new(
            "audit_analytics_assess_impact",
            "What followed one event: downstream events and failures, users and resources touched.",
            Hints::READ,
            |call, mut p: Impact| async move {
                let r = p.range();
                let mut a = vec!["--event-id".into(), p.event_id];
                flag(&mut a, "--window", p.window);
                run(&call, "impact", r, a).await
            },
        ),
        ToolDef::new(
            "audit_analytics_get_compliance_score",
            "The history scored against the policy ([audit] policy, else the built-in example).",
            Hints::READ,
            |call, mut p: Compliance| async move {
                let r = p.range();
                let n = lim!(p.limit, 20);
                run(
                    &call,
                    "compliance",
                    r,
                    vec!["--max-violations".into(), n.to_string()],
                )
                .await
            },
        ),
        ToolDef::new(
            "audit_analytics_get_statistics",
            "Counts, failure rates and durations grouped by a field.",
            Hints::READ,
            |call, mut p: Statistics| async move {
                let r = p.range();
                let n = lim!(p.limit, 10);
                let mut a = vec!["--top".into(), n.to_string()];
                flag(&mut a, "--group-by", p.group_by);
                run(&call, "stats", r, a).await
            },
        ),
        ToolDef::new(
            "audit_analytics_analyze_trends",
            "A metric per period, with the change from the previous period and the slope.",
            Hints::READ,
            |call, mut p: Trends| async move {
                let r = p.range();
                let mut a = Vec::new();
                flag(&mut a, "--metric", p.metric);
                flag(&mut a, "--period", p.period);
                run(&call, "trends", r, a).await
            },
        ),
        ToolDef::new(
            "audit_analytics_generate_report",
            "A report (activity, compliance, timeline, heatmap or anomalies) as the JSON document, or as text, CSV or HTML.",
            Hints::READ,
            |call, mut p: Report| async move {
                let r = p.range();
                let mut a = Vec::new();
                flag(&mut a, "--type", p.report_type);
                flag(&mut a, "--operation-id", p.operation_id);
                match p.format.as_deref() {
                    None | Some("json") => {}
                    Some(f) => flag(&mut a, "--format", Some(f)),
                }
                run(&call, "report", r, a).await
            },
        ),
    ]
}
