//! The Audit tab: the analysis worker's last view as widget views, and the status line
//! (range, filter, how old the result is, what went wrong). Every string from the history
//! files is sanitised here, before it reaches a widget.

use ipfs_kit_widgets::{Level, Unit, heatmap::HeatmapView, sanitize::one_line};
use ratatui::layout::Constraint;

use crate::tui::analysis::view::{AuditView, ComplianceView, EventRow};
use crate::tui::model::Model;
use crate::tui::notices::Notice;
use crate::tui::table::{TableRow, TableView};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn clean(s: &str) -> String {
    one_line(s).into_owned()
}

fn view(m: &Model) -> Option<&AuditView> {
    m.analysis.view.as_deref()
}

fn hours() -> Vec<String> {
    (0..24).map(|h| format!("{h:02}")).collect()
}

fn cells(row: &[u64; 24]) -> Vec<Option<f64>> {
    row.iter().map(|&n| Some(n as f64)).collect()
}

/// `12 s`, `3 min`, `2 h`: how long ago a result was computed, by the snapshot clock.
fn age(m: &Model, v: &AuditView) -> Option<String> {
    let at = v.computed_at?;
    let secs = (m.snap.time - at).num_seconds().max(0).unsigned_abs();
    Some(ipfs_kit_widgets::format::duration(secs))
}

/// The status line: what is analysed, how old the result is, and every problem in words.
pub fn audit_notices(m: &Model) -> Vec<Notice> {
    let a = &m.analysis;
    let q = &a.query;
    let mut scope = q.range.label().to_string();
    if !q.filter.trim().is_empty() {
        scope.push_str(&format!(", filter \"{}\"", clean(q.filter.trim())));
    }
    let mut out = Vec::new();
    match view(m) {
        None => out.push((Level::Info, format!("Audit of {scope}: analysing…"))),
        Some(v) => {
            let stale = v.query != *q;
            let when = age(m, v).map_or_else(String::new, |a| format!(", analysed {a} ago"));
            let counts = format!(
                "{} of {} events, {} failed, from {} file{}",
                v.in_scope,
                v.loaded,
                v.failures,
                v.sources,
                if v.sources == 1 { "" } else { "s" }
            );
            if stale || a.busy {
                out.push((
                    Level::Info,
                    format!("Audit of {scope}: analysing… (showing the result{when}: {counts})"),
                ));
            } else {
                out.push((
                    Level::Ok,
                    format!("Audit of {scope}: {counts}{when} in {} ms", v.took_ms),
                ));
            }
            if let Some(e) = &v.filter_error {
                out.push((
                    Level::Warning,
                    format!("{}; showing every event (press / to edit).", clean(e)),
                ));
            }
            if let Some(e) = &v.policy_error {
                out.push((
                    Level::Warning,
                    format!("Audit policy not used: {}.", clean(e)),
                ));
            }
            if v.bad_lines > 0 {
                out.push((
                    Level::Warning,
                    format!(
                        "{} history line{} could not be read and {} left out.",
                        v.bad_lines,
                        if v.bad_lines == 1 { "" } else { "s" },
                        if v.bad_lines == 1 { "was" } else { "were" }
                    ),
                ));
            }
            for p in v.problems.iter().filter(|p| p.starts_with("cannot")) {
                out.push((Level::Warning, clean(p)));
            }
        }
    }
    out
}

pub fn week_view(m: &Model) -> HeatmapView {
    let v = view(m);
    let title = match v {
        Some(v) => format!("Activity by hour and weekday ({} events)", v.in_scope),
        None => "Activity by hour and weekday".into(),
    };
    HeatmapView {
        title,
        row_labels: WEEKDAYS.iter().map(|d| d.to_string()).collect(),
        col_labels: hours(),
        cells: v
            .filter(|v| v.in_scope > 0)
            .map(|v| v.week.iter().map(cells).collect())
            .unwrap_or_default(),
        unit: Unit::Count,
        max: None,
    }
}

/// The newest `rows` dates (the panel shows what fits).
pub fn dates_view(m: &Model, rows: usize) -> HeatmapView {
    let v = view(m).filter(|v| v.in_scope > 0);
    let dates = v.map_or(&[][..], |v| &v.dates[..]);
    let shown = &dates[dates.len().saturating_sub(rows.max(1))..];
    HeatmapView {
        title: "Activity by hour and date".into(),
        // `11-21`: the year and month repeat down the column.
        row_labels: shown
            .iter()
            .map(|(d, _)| d.get(5..).unwrap_or(d).to_string())
            .collect(),
        col_labels: hours(),
        cells: shown.iter().map(|(_, c)| cells(c)).collect(),
        unit: Unit::Count,
        max: None,
    }
}

fn table(
    title: String,
    columns: Vec<(&'static str, Constraint)>,
    rows: Vec<TableRow>,
) -> TableView {
    TableView {
        title,
        columns,
        total: rows.len(),
        rows,
        empty: String::new(),
        ..TableView::default()
    }
}

pub fn patterns_table(m: &Model) -> TableView {
    let v = view(m);
    let rows: Vec<TableRow> = v
        .map(|v| {
            v.patterns
                .iter()
                .map(|p| TableRow {
                    level: Some(if p.confidence >= 0.8 {
                        Level::Warning
                    } else {
                        Level::Info
                    }),
                    cells: vec![
                        format!("{:.2}", p.confidence),
                        p.occurrences.to_string(),
                        clean(&p.id),
                        clean(&p.description),
                    ],
                })
                .collect()
        })
        .unwrap_or_default();
    let total = v.map_or(0, |v| v.patterns_total);
    let mut t = table(
        format!("Patterns ({total})"),
        vec![
            ("conf", Constraint::Length(5)),
            ("n", Constraint::Length(5)),
            ("pattern", Constraint::Length(22)),
            ("what", Constraint::Fill(1)),
        ],
        rows,
    );
    t.empty = if v.is_some() {
        "no patterns in these events".into()
    } else {
        "analysing…".into()
    };
    t
}

fn severity_level(s: &str) -> Level {
    match s {
        "critical" | "high" => Level::Critical,
        "medium" => Level::Warning,
        _ => Level::Info,
    }
}

pub fn anomalies_table(m: &Model) -> TableView {
    let v = view(m);
    let ascii = m.theme.ascii;
    let rows: Vec<TableRow> = v
        .map(|v| {
            v.anomalies
                .iter()
                .map(|a| {
                    let level = severity_level(&a.severity);
                    TableRow {
                        level: Some(level),
                        cells: vec![
                            format!("{} {}", level.glyph(ascii), a.severity),
                            clean(&a.bucket),
                            a.expected.clone(),
                            a.observed.clone(),
                            clean(&a.description),
                        ],
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let total = v.map_or(0, |v| v.anomalies_total);
    let mut t = table(
        format!("Anomalies ({total})"),
        vec![
            ("severity", Constraint::Length(10)),
            ("bucket", Constraint::Length(22)),
            ("expected", Constraint::Length(9)),
            ("seen", Constraint::Length(6)),
            ("what", Constraint::Fill(1)),
        ],
        rows,
    );
    t.empty = if v.is_some() {
        "no anomalies in these events".into()
    } else {
        "analysing…".into()
    };
    t
}

/// The compliance result and the level its band is drawn in.
pub fn compliance(m: &Model) -> Option<(&ComplianceView, Level)> {
    let c = view(m)?.compliance.as_ref()?;
    let level = match c.band.as_str() {
        "excellent" | "good" => Level::Ok,
        "fair" => Level::Warning,
        _ => Level::Critical,
    };
    Some((c, level))
}

/// Why there is no compliance score (policy error, still analysing).
pub fn compliance_missing(m: &Model) -> String {
    match view(m) {
        None => "analysing…".into(),
        Some(v) => match &v.policy_error {
            Some(e) => format!("policy not used: {}", clean(e)),
            None => "no policy".into(),
        },
    }
}

fn event_row(section: &str, e: &EventRow, ascii: bool) -> TableRow {
    let level = match e.status.as_str() {
        "failed" => Level::Critical,
        "warning" => Level::Warning,
        "running" => Level::Info,
        "ok" => Level::Ok,
        _ => Level::Unknown,
    };
    TableRow {
        level: Some(level),
        cells: vec![
            format!("{} {section}", level.glyph(ascii)),
            super::clock(e.time),
            clean(&e.label),
            clean(&e.status),
            clean(&e.why),
        ],
    }
}

/// The selected operation: correlated events, its timeline, and its causal chain.
pub fn operation_table(m: &Model) -> TableView {
    let ascii = m.theme.ascii;
    let columns = vec![
        ("", Constraint::Length(8)),
        ("time", Constraint::Length(8)),
        ("event", Constraint::Fill(3)),
        ("status", Constraint::Length(7)),
        ("score, why", Constraint::Fill(2)),
    ];
    let selected = view(m).and_then(|v| v.selected.as_ref()).filter(|s| {
        // A result for another selection is not shown as this one's.
        Some(&s.op) == m.analysis.query.selected.as_ref()
    });
    let Some(s) = selected else {
        let empty = match &m.analysis.query.selected {
            None => "select an operation on the Operations tab (5, then up/down)".to_string(),
            Some(op) => format!("analysing {}…", clean(&op.label)),
        };
        let mut t = table("Selected operation".into(), columns, Vec::new());
        t.empty = empty;
        return t;
    };
    let label = clean(&s.op.label);
    if !s.found {
        let mut t = table(format!("Operation {label}"), columns, Vec::new());
        t.empty = format!(
            "event {} is not in the loaded history (outside the files read?)",
            clean(&s.op.event_id)
        );
        return t;
    }
    let mut rows: Vec<TableRow> = Vec::new();
    rows.extend(s.timeline.iter().map(|e| event_row("step", e, ascii)));
    rows.extend(s.correlated.iter().map(|e| event_row("related", e, ascii)));
    rows.extend(s.causes.iter().map(|e| event_row("cause", e, ascii)));
    let title = format!(
        "Operation {label}: {} related, cause {:.2}{}",
        s.correlated.len(),
        s.cause_confidence,
        s.timeline_summary
            .as_ref()
            .map_or_else(String::new, |t| format!(", {}", clean(t)))
    );
    let mut t = table(title, columns, rows);
    t.empty = clean(&s.cause_explanation);
    t
}
