//! The Performance tab: the collector's `PerfView` as widget views. Operation names and
//! bottleneck texts come from our code; the bulk summary comes from a file and is sanitised.

use ipfs_kit_widgets::{Level, Unit, format as wfmt, sanitize::one_line, sparkline::SparklineView};
use ratatui::layout::Constraint;

use super::Parts;
use crate::model::{OpPerf, PerfView};
use crate::perf::bottlenecks::Severity;
use crate::tui::model::{ListKind, Model};
use crate::tui::notices::Notice;
use crate::tui::table::TableRow;

/// Said before the collector's first performance pass.
pub const COLLECTING: &str = "collecting: the first figures come within 5 s";
/// Said when the monitor timed nothing in the last hour.
pub const NO_OPERATIONS: &str = "no timed operations yet";

fn view(m: &Model) -> Option<&PerfView> {
    m.snap.performance.as_deref()
}

fn ms(v: f64) -> String {
    wfmt::millis(v)
}

/// The status line: how old the figures are, or that none came yet.
pub fn perf_notices(m: &Model) -> Vec<Notice> {
    match view(m) {
        None => vec![(Level::Info, format!("Performance: {COLLECTING}."))],
        Some(v) => {
            let age = v.at.map_or_else(String::new, |at| {
                let secs = (m.snap.time - at).num_seconds().max(0).unsigned_abs();
                format!(", figures from {} ago", wfmt::duration(secs))
            });
            vec![(
                Level::Ok,
                format!(
                    "Performance of this process over the last hour: {} operation{}{age}.",
                    v.operations.len(),
                    if v.operations.len() == 1 { "" } else { "s" }
                ),
            )]
        }
    }
}

/// The operation under the cursor of the operations table.
fn selected(m: &Model) -> Option<&OpPerf> {
    let i = m.cursor.get(&ListKind::PerfOps).copied().unwrap_or(0);
    view(m)?.operations.get(i)
}

fn success_level(rate: f64) -> Option<Level> {
    if rate < 0.9 {
        Some(Level::Critical)
    } else if rate < 0.99 {
        Some(Level::Warning)
    } else {
        None
    }
}

/// Timed operations, slowest p95 over the hour first (the order the view keeps).
pub(super) fn operations(m: &Model) -> (Parts, usize) {
    let ops = view(m).map_or(&[][..], |v| &v.operations[..]);
    let rows: Vec<TableRow> = ops
        .iter()
        .filter(|o| super::matches(&m.filter, &[&o.operation]))
        .map(|o| TableRow {
            level: success_level(o.success_rate_1h),
            cells: vec![
                one_line(&o.operation).into_owned(),
                wfmt::count(o.count_1h as f64),
                wfmt::percent(o.success_rate_1h * 100.0),
                ms(o.p50_ms_1h),
                ms(o.p95_ms_1h),
                ms(o.p99_ms_1h),
                ms(o.max_ms_1h),
                if o.p95_ms_now > 0.0 {
                    ms(o.p95_ms_now)
                } else {
                    wfmt::NOT_AVAILABLE.into()
                },
            ],
        })
        .collect();
    let parts = Parts {
        title: "Slowest operations (1 h, by p95)".into(),
        columns: vec![
            ("Operation", Constraint::Fill(3)),
            ("Count", Constraint::Length(9)),
            ("OK", Constraint::Length(7)),
            ("p50", Constraint::Length(9)),
            ("p95", Constraint::Length(9)),
            ("p99", Constraint::Length(9)),
            ("max", Constraint::Length(9)),
            ("p95 now", Constraint::Length(9)),
        ],
        rows,
        empty: if view(m).is_some() {
            NO_OPERATIONS.into()
        } else {
            COLLECTING.into()
        },
        middle_cut: Vec::new(),
    };
    (parts, ops.len())
}

fn severity_level(s: Severity) -> Level {
    match s {
        Severity::High => Level::Critical,
        Severity::Medium => Level::Warning,
        Severity::Low => Level::Info,
    }
}

pub(super) fn bottlenecks(m: &Model) -> Parts {
    let rows = view(m)
        .map(|v| {
            v.bottlenecks
                .iter()
                .map(|b| TableRow {
                    level: Some(severity_level(b.severity)),
                    cells: vec![
                        format!("{:?}", b.severity).to_lowercase(),
                        one_line(&format!("{} {}", b.kind, b.subject)).into_owned(),
                        one_line(&b.observed).into_owned(),
                        one_line(&b.recommendation).into_owned(),
                    ],
                })
                .collect()
        })
        .unwrap_or_default();
    Parts {
        title: "Bottlenecks".into(),
        columns: vec![
            ("Severity", Constraint::Length(8)),
            ("What", Constraint::Fill(2)),
            ("Observed", Constraint::Fill(2)),
            ("Recommendation", Constraint::Fill(5)),
        ],
        rows,
        empty: if view(m).is_some() {
            "no bottlenecks: host, endpoints and daemons within their thresholds".into()
        } else {
            COLLECTING.into()
        },
        middle_cut: Vec::new(),
    }
}

/// p95 per minute of the cursor's operation over the last 30 minutes, the minute in progress
/// last.
pub fn latency_view(m: &Model) -> SparklineView {
    let Some(o) = selected(m) else {
        return SparklineView {
            title: "p95 latency".into(),
            values: Vec::new(),
            unit: Unit::Millis,
            max: None,
            level: None,
        };
    };
    let mut values = o.p95_per_minute.clone();
    values.push((o.p95_ms_now > 0.0).then_some(o.p95_ms_now));
    SparklineView {
        title: format!("p95 {}", one_line(&o.operation)),
        values,
        unit: Unit::Millis,
        max: None,
        level: success_level(o.success_rate_1h),
    }
}

fn tier_line(name: &str, entries: u64, bytes: u64, max: u64) -> String {
    let bound = if max > 0 {
        format!(" / {}", wfmt::bytes(max as f64))
    } else {
        String::new()
    };
    format!(
        "{name}: {} entries, {}{bound}",
        wfmt::count(entries as f64),
        wfmt::bytes(bytes as f64)
    )
}

/// The cache panel's lines: hit rate, then each tier's size and bound.
pub fn cache_lines(m: &Model) -> Vec<(Option<Level>, String)> {
    let Some(v) = view(m) else {
        return vec![(None, COLLECTING.into())];
    };
    let c = &v.cache;
    let rate = if c.requests == 0 {
        "hit rate n/a (no requests yet)".to_string()
    } else {
        format!(
            "hit rate {} ({} of {} requests)",
            wfmt::percent(c.hit_rate * 100.0),
            wfmt::count(c.hits as f64),
            wfmt::count(c.requests as f64)
        )
    };
    let mut out = vec![
        (Some(Level::Ok), rate),
        (
            None,
            tier_line(
                "memory",
                c.memory_entries,
                c.memory_bytes,
                c.memory_max_bytes,
            ),
        ),
    ];
    match &c.disk_unavailable {
        Some(why) => out.push((
            Some(Level::Warning),
            format!("disk: unavailable ({})", one_line(why)),
        )),
        None => out.push((
            None,
            tier_line("disk", c.disk_entries, c.disk_bytes, c.disk_max_bytes),
        )),
    }
    out.push((
        None,
        format!(
            "hits mem {} disk {}, evicted mem {} disk {}",
            wfmt::count(c.memory_hits as f64),
            wfmt::count(c.disk_hits as f64),
            wfmt::count(c.memory_evictions as f64),
            wfmt::count(c.disk_evictions as f64)
        ),
    ));
    if c.disk_errors > 0 {
        out.push((
            Some(Level::Warning),
            format!("{} disk errors", wfmt::count(c.disk_errors as f64)),
        ));
    }
    out
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => wfmt::NOT_AVAILABLE.into(),
        other => other.to_string(),
    }
}

/// The last bulk run's summary, field by field as the file has them (sanitised).
pub fn bulk_lines(m: &Model) -> Vec<(Option<Level>, String)> {
    let Some(v) = view(m) else {
        return vec![(None, COLLECTING.into())];
    };
    match &v.last_bulk {
        None => vec![(None, "no bulk run yet".into())],
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let level = match (k.as_str(), v.as_u64()) {
                    ("failed", Some(n)) if n > 0 => Some(Level::Critical),
                    _ => None,
                };
                (level, one_line(&format!("{k}: {}", scalar(v))).into_owned())
            })
            .collect(),
        Some(other) => vec![(None, one_line(&scalar(other)).into_owned())],
    }
}
