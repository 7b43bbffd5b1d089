//! The Alerts tab: the alerts from the rules and the alert history (the Health panel beside
//! them is the Overview's).

use ipfs_kit_widgets::{Level, format as wfmt};
use ratatui::layout::Constraint;

use super::{Parts, badge, clock};
use crate::alerts::{AlertEventKind, AlertState, Severity};
use crate::tui::lists::{active_alert_rows, matches};
use crate::tui::model::Model;
use crate::tui::table::TableRow;

fn severity_level(s: Severity) -> Level {
    match s {
        Severity::Warning => Level::Warning,
        Severity::Critical => Level::Critical,
    }
}

fn value(v: f64) -> String {
    crate::alerts::format_number(v)
}

/// The alerts from the rules that pass the filter, and how many there are in all.
pub(super) fn active(m: &Model) -> (Parts, usize) {
    let ascii = m.theme.ascii;
    let parts = Parts {
        title: "Alerts from the rules".into(),
        columns: vec![
            ("Severity", Constraint::Length(if ascii { 15 } else { 12 })),
            ("State", Constraint::Length(13)),
            ("Since", Constraint::Length(8)),
            ("For", Constraint::Length(7)),
            ("Value", Constraint::Length(9)),
            ("Peak", Constraint::Length(9)),
            ("Message", Constraint::Fill(1)),
        ],
        rows: active_alert_rows(m)
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
        empty: "no alerts: every rule is within its thresholds".into(),
        middle_cut: Vec::new(),
    };
    (parts, m.snap.alerts.len())
}

/// The alert events that pass the filter, and how many there are in all.
pub(super) fn log(m: &Model) -> (Parts, usize) {
    let ascii = m.theme.ascii;
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
    let parts = Parts {
        title: "Alert history (alerts.jsonl)".into(),
        columns: vec![
            ("Event", Constraint::Length(if ascii { 19 } else { 16 })),
            ("When", Constraint::Length(14)),
            ("Severity", Constraint::Length(8)),
            ("Lasted", Constraint::Length(7)),
            ("Peak", Constraint::Length(9)),
            ("Message", Constraint::Fill(1)),
        ],
        rows,
        empty: "no alert has fired yet".into(),
        middle_cut: Vec::new(),
    };
    (parts, all.len())
}
