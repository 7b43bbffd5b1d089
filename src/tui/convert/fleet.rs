//! The Fleet tab: one row per node, worst first by default (`o` changes the order); a node
//! that does not answer is a row down with its error, its last figures kept.

use ipfs_kit_widgets::Level;
use ratatui::layout::Constraint;

use super::{Parts, badge, clock};
use crate::fleet::{FleetRow, Reach};
use crate::model::{HealthLevel, SourceState};
use crate::tui::lists::fleet_rows;
use crate::tui::model::Model;
use crate::tui::table::TableRow;

fn reach_level(r: &FleetRow) -> Level {
    match (r.state, r.health) {
        (Reach::Down, _) => Level::Critical,
        (Reach::Connecting, _) => Level::Unknown,
        (Reach::Up, Some(HealthLevel::Healthy)) => Level::Ok,
        (Reach::Up, Some(HealthLevel::Degraded)) => Level::Warning,
        (Reach::Up, Some(HealthLevel::Unhealthy)) => Level::Critical,
        (Reach::Up, _) => Level::Unknown,
    }
}

fn source(s: Option<SourceState>) -> String {
    s.map_or("-".into(), |s| s.as_str().to_string())
}

fn count(n: Option<u64>) -> String {
    n.map_or("-".into(), |n| n.to_string())
}

/// The rows that pass the filter, and how many nodes there are.
pub(super) fn table(m: &Model) -> (Parts, usize) {
    let ascii = m.theme.ascii;
    let total = m.fleet.as_ref().map_or(0, |f| f.rows.len());
    let sort = m.fleet.as_ref().map(|f| f.sort).unwrap_or_default();
    let title = match m.viewing() {
        Some(n) => format!(
            "Fleet ({total} nodes, {}; showing {n}, Esc: back)",
            sort.as_str()
        ),
        None => format!(
            "Fleet ({total} nodes, {}; Enter: show a node, o: order)",
            sort.as_str()
        ),
    };
    let rows = fleet_rows(m)
        .into_iter()
        .map(|r| {
            let level = reach_level(r);
            let state = match (r.state, r.health) {
                (Reach::Up, Some(h)) => h.as_str(),
                (s, _) => s.as_str(),
            };
            let shown = if m.viewing() == Some(r.name.as_str()) {
                format!("{} *", r.name)
            } else {
                r.name.clone()
            };
            let seen = r.last_seen.map_or("never".into(), clock);
            TableRow {
                level: Some(level),
                cells: vec![
                    shown,
                    badge(level, state, ascii),
                    r.score.map_or("-".into(), |s| s.to_string()),
                    source(r.kubo),
                    source(r.cluster),
                    format!("{}/{}", count(r.peers), count(r.cluster_peers)),
                    format!("{}/{}", count(r.pins), count(r.cluster_pins)),
                    r.repo_text(),
                    r.alerts_firing.to_string(),
                    seen,
                    r.error.clone().unwrap_or_else(|| r.url.clone()),
                ],
            }
        })
        .collect();
    let parts = Parts {
        title,
        columns: vec![
            ("Node", Constraint::Length(18)),
            ("Health", Constraint::Length(if ascii { 13 } else { 12 })),
            ("Score", Constraint::Length(5)),
            ("Kubo", Constraint::Length(8)),
            ("Cluster", Constraint::Length(8)),
            ("Peers", Constraint::Length(9)),
            ("Pins", Constraint::Length(13)),
            ("Repo", Constraint::Length(14)),
            ("Alerts", Constraint::Length(6)),
            ("Seen", Constraint::Length(8)),
            ("URL / error", Constraint::Fill(1)),
        ],
        rows,
        empty: "no fleet node matches the filter".into(),
        middle_cut: Vec::new(),
    };
    (parts, total)
}
