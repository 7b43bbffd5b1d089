//! The Daemons tab: the supervised daemons (the log below them is drawn by render/log.rs).

use ipfs_kit_widgets::{Level, format as wfmt};
use ratatui::layout::Constraint;

use super::{Parts, badge, clock};
use crate::model::DaemonState;
use crate::tui::lists::daemon_rows;
use crate::tui::model::Model;
use crate::tui::table::TableRow;

pub fn daemon_level(s: DaemonState) -> Level {
    match s {
        DaemonState::Ready => Level::Ok,
        DaemonState::Starting | DaemonState::Stopping | DaemonState::BackingOff => Level::Info,
        DaemonState::Degraded => Level::Warning,
        DaemonState::Crashed | DaemonState::Failed => Level::Critical,
        DaemonState::Stopped => Level::Unknown,
    }
}

/// Rows as the cursor counts them (not filtered: the filter searches the log here).
pub(super) fn table(m: &Model) -> (Parts, usize) {
    let ascii = m.theme.ascii;
    let parts = Parts {
        title: "Supervised daemons".into(),
        columns: vec![
            ("State", Constraint::Length(if ascii { 23 } else { 20 })),
            ("Name", Constraint::Length(8)),
            ("PID", Constraint::Length(8)),
            ("Up", Constraint::Length(8)),
            ("Restarts", Constraint::Length(8)),
            ("Last exit", Constraint::Fill(2)),
            ("Ports", Constraint::Fill(3)),
            ("Note", Constraint::Fill(3)),
        ],
        rows: daemon_rows(m)
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
        empty: m
            .info
            .no_supervisor
            .clone()
            .unwrap_or_else(|| "no daemons: the supervisor has not reported yet".to_string()),
        middle_cut: Vec::new(),
    };
    (parts, m.snap.daemons.len())
}
