//! The lists that keys act on (daemons, alerts from the rules, pins) and the alert history:
//! their rows after the filter, in the order the cursor counts them, and their table views.

use ipfs_kit_widgets::{Level, format as wfmt};
use ratatui::layout::Constraint;

use super::convert::clock;
use super::model::{ListKind, Model, PinRow};
use super::table::{TableRow, TableView};
use crate::alerts::{Alert, AlertEventKind, AlertState, Severity};
use crate::model::{DaemonState, DaemonStatus};

fn matches(m: &Model, fields: &[&str]) -> bool {
    let f = m.filter.trim().to_lowercase();
    f.is_empty() || fields.iter().any(|x| x.to_lowercase().contains(&f))
}

/// The supervisor's daemons. Not filtered: on the Daemons tab the filter searches the
/// selected daemon's log, which must stay selected while it does.
pub fn daemon_rows(m: &Model) -> Vec<&DaemonStatus> {
    m.snap.daemons.iter().collect()
}

/// Alerts from the rules that pass the filter, most severe first (as the snapshot has them).
pub fn active_alert_rows(m: &Model) -> Vec<&Alert> {
    m.snap
        .alerts
        .iter()
        .filter(|a| matches(m, &[&a.rule, &a.message, a.severity.as_str()]))
        .collect()
}

/// Loaded pins that pass the filter.
pub fn pin_rows(m: &Model) -> Vec<&PinRow> {
    m.pins
        .pins
        .iter()
        .filter(|p| matches(m, &[&p.cid, &p.name, &p.status]))
        .collect()
}

pub fn daemon_level(s: DaemonState) -> Level {
    match s {
        DaemonState::Ready => Level::Ok,
        DaemonState::Starting | DaemonState::Stopping | DaemonState::BackingOff => Level::Info,
        DaemonState::Degraded => Level::Warning,
        DaemonState::Crashed | DaemonState::Failed => Level::Critical,
        DaemonState::Stopped => Level::Unknown,
    }
}

fn severity_level(s: Severity) -> Level {
    match s {
        Severity::Warning => Level::Warning,
        Severity::Critical => Level::Critical,
    }
}

fn badge(level: Level, word: &str, ascii: bool) -> String {
    format!("{} {word}", level.glyph(ascii))
}

fn value(v: f64) -> String {
    crate::alerts::format_number(v)
}

/// Title, columns, rows after the filter, rows before it, and what to say when empty.
type Parts = (
    String,
    Vec<(&'static str, Constraint)>,
    Vec<TableRow>,
    usize,
    String,
);

/// Table views of the lists above and of the alert history.
pub fn table(m: &Model, kind: ListKind) -> TableView {
    let ascii = m.theme.ascii;
    let (title, columns, rows, total, empty): Parts = match kind {
        ListKind::Daemons => (
            "Supervised daemons".into(),
            vec![
                ("State", Constraint::Length(if ascii { 23 } else { 20 })),
                ("Name", Constraint::Length(8)),
                ("PID", Constraint::Length(8)),
                ("Up", Constraint::Length(8)),
                ("Restarts", Constraint::Length(8)),
                ("Last exit", Constraint::Fill(2)),
                ("Ports", Constraint::Fill(3)),
                ("Note", Constraint::Fill(3)),
            ],
            daemon_rows(m)
                .into_iter()
                .map(|d| {
                    let level = daemon_level(d.state);
                    let mut state = d.state.as_str().to_string();
                    if d.adopted && d.state.is_running() {
                        state.push_str(" (adopted)");
                    }
                    let exit = match (&d.last_exit, d.last_exit_at) {
                        (Some(e), Some(t)) => format!("{e} at {}", clock(t)),
                        (Some(e), None) => e.clone(),
                        _ => String::new(),
                    };
                    let ports = d
                        .ports
                        .iter()
                        .map(|p| format!("{} {}", p.name, p.port))
                        .collect::<Vec<_>>()
                        .join(", ");
                    TableRow {
                        level: Some(level),
                        cells: vec![
                            badge(level, &state, ascii),
                            d.name.clone(),
                            d.pid.map(|p| p.to_string()).unwrap_or_default(),
                            d.uptime_secs.map(wfmt::duration).unwrap_or_default(),
                            d.restarts.to_string(),
                            exit,
                            ports,
                            d.message.clone().unwrap_or_else(|| d.dir.clone()),
                        ],
                    }
                })
                .collect(),
            m.snap.daemons.len(),
            m.info
                .no_supervisor
                .clone()
                .unwrap_or_else(|| "no daemons: the supervisor has not reported yet".to_string()),
        ),
        ListKind::ActiveAlerts => (
            "Alerts from the rules".into(),
            vec![
                ("Severity", Constraint::Length(if ascii { 15 } else { 12 })),
                ("State", Constraint::Length(13)),
                ("Since", Constraint::Length(8)),
                ("For", Constraint::Length(7)),
                ("Value", Constraint::Length(9)),
                ("Peak", Constraint::Length(9)),
                ("Message", Constraint::Fill(1)),
            ],
            active_alert_rows(m)
                .into_iter()
                .map(|a| {
                    let level = severity_level(a.severity);
                    let state = match (a.state, a.acknowledged) {
                        (AlertState::Firing, true) => "acknowledged",
                        (AlertState::Firing, false) => "firing",
                        (AlertState::Pending, _) => "pending",
                        (AlertState::Resolved, _) => "resolved",
                    };
                    TableRow {
                        level: Some(level),
                        cells: vec![
                            badge(level, a.severity.as_str(), ascii),
                            state.into(),
                            clock(a.started_at),
                            wfmt::duration(a.duration_secs),
                            a.value.map(value).unwrap_or_else(|| "n/a".into()),
                            value(a.peak),
                            a.message.clone(),
                        ],
                    }
                })
                .collect(),
            m.snap.alerts.len(),
            "no alerts: every rule is within its thresholds".into(),
        ),
        ListKind::AlertLog => {
            let all = &m.snap.alert_log;
            let rows: Vec<TableRow> = all
                .iter()
                .filter(|e| {
                    matches(
                        m,
                        &[&e.alert.rule, &e.alert.message, e.alert.severity.as_str()],
                    )
                })
                .map(|e| {
                    let (level, word) = match e.kind {
                        AlertEventKind::Fired => (severity_level(e.alert.severity), "fired"),
                        AlertEventKind::Escalated => (Level::Critical, "escalated"),
                        AlertEventKind::Deescalated => (Level::Warning, "de-escalated"),
                        AlertEventKind::Resolved => (Level::Ok, "resolved"),
                        AlertEventKind::Acknowledged => (Level::Info, "acknowledged"),
                    };
                    TableRow {
                        level: Some(level),
                        cells: vec![
                            badge(level, word, ascii),
                            // UTC, as every other time on the dashboard.
                            e.at.format("%m-%d %H:%M:%S").to_string(),
                            e.alert.severity.as_str().into(),
                            wfmt::duration(e.alert.duration_secs),
                            value(e.alert.peak),
                            e.alert.message.clone(),
                        ],
                    }
                })
                .collect();
            (
                "Alert history (alerts.jsonl)".into(),
                vec![
                    ("Event", Constraint::Length(if ascii { 19 } else { 16 })),
                    ("When", Constraint::Length(14)),
                    ("Severity", Constraint::Length(8)),
                    ("Lasted", Constraint::Length(7)),
                    ("Peak", Constraint::Length(9)),
                    ("Message", Constraint::Fill(1)),
                ],
                rows,
                all.len(),
                "no alert has fired yet".into(),
            )
        }
        ListKind::Pins => {
            let p = &m.pins;
            let mut title = if p.via.is_empty() {
                "Pins".to_string()
            } else {
                format!("Pins (through {})", p.via)
            };
            if p.loading {
                title.push_str(", loading");
            }
            if p.truncated {
                title.push_str(", first ones only");
            }
            let empty = match (&p.error, p.loading) {
                (Some(e), _) => format!("cannot list pins: {e}"),
                (None, true) => "loading...".into(),
                (None, false) => "no pins (p adds one)".into(),
            };
            (
                title,
                vec![
                    ("Status", Constraint::Length(if ascii { 19 } else { 16 })),
                    ("CID", Constraint::Fill(3)),
                    ("Name", Constraint::Fill(2)),
                ],
                pin_rows(m)
                    .into_iter()
                    .map(|r| {
                        let level = match r.status.as_str() {
                            "pinned" | "recursive" | "direct" | "remote" => Level::Ok,
                            "pinning" | "queued" | "pin_queued" => Level::Info,
                            "pin_error" | "unpin_error" | "unexpectedly_unpinned" | "error" => {
                                Level::Critical
                            }
                            _ => Level::Unknown,
                        };
                        TableRow {
                            level: Some(level),
                            cells: vec![
                                badge(level, &r.status, ascii),
                                r.cid.clone(),
                                r.name.clone(),
                            ],
                        }
                    })
                    .collect(),
                p.pins.len(),
                empty,
            )
        }
        _ => (String::new(), Vec::new(), Vec::new(), 0, String::new()),
    };
    let columns = fit_columns(columns, &rows);
    let selected = kind
        .selectable()
        .then(|| m.cursor.get(&kind).copied().unwrap_or(0))
        .filter(|i| *i < rows.len());
    TableView {
        title,
        columns,
        rows,
        total,
        // The Daemons list is not filtered (the filter is the log's there).
        filter: if kind == ListKind::Daemons {
            String::new()
        } else {
            m.filter.clone()
        },
        offset: m.scroll.get(&kind).copied().unwrap_or(0),
        empty,
        middle_cut: if kind == ListKind::Pins {
            vec![1]
        } else {
            Vec::new()
        },
        selected,
    }
}

/// Columns sized by what they hold: fixed-width ones no wider than their header and widest
/// cell (at most the width given), and the rest sharing the room in proportion to their
/// widest cell (up to 40), so the text columns get the room and are cut about evenly.
fn fit_columns(
    columns: Vec<(&'static str, Constraint)>,
    rows: &[TableRow],
) -> Vec<(&'static str, Constraint)> {
    columns
        .into_iter()
        .enumerate()
        .map(|(i, (name, c))| {
            let widest = rows
                .iter()
                .filter_map(|r| r.cells.get(i))
                .map(|cell| wfmt::width(cell))
                .chain([wfmt::width(name)])
                .max()
                .unwrap_or(0);
            let widest = u16::try_from(widest).unwrap_or(u16::MAX);
            match c {
                Constraint::Length(max) => (name, Constraint::Length(widest.min(max))),
                // Capped, so one long message does not starve the other columns.
                Constraint::Fill(_) => (name, Constraint::Fill(widest.clamp(1, 40))),
                c => (name, c),
            }
        })
        .collect()
}

/// The log lines the log view shows: all of them, or those containing the filter.
pub fn log_lines(m: &Model) -> Vec<&str> {
    let Some(log) = &m.log else {
        return Vec::new();
    };
    let f = m.filter.trim().to_lowercase();
    log.lines
        .iter()
        .map(String::as_str)
        .filter(|l| {
            f.is_empty() || l.starts_with(crate::supervisor::START_MARKER) || {
                l.to_lowercase().contains(&f)
            }
        })
        .collect()
}
