//! The Pins tab: pins by status (also on the Overview and Cluster tabs) and the pin list.

use ipfs_kit_widgets::{
    Level, Unit,
    bars::{BarItem, BarsView},
};
use ratatui::layout::Constraint;

use super::{Parts, badge};
use crate::tui::lists::pin_rows;
use crate::tui::model::Model;
use crate::tui::table::TableRow;

fn pin_status_level(status: &str) -> Level {
    if status.contains("error") {
        Level::Critical
    } else if matches!(status, "pinned" | "remote" | "sharded") {
        Level::Ok
    } else if status.contains("queued") || status.ends_with("ing") {
        Level::Info
    } else {
        Level::Unknown
    }
}

/// The Cluster's pin counts by status, else Kubo's recursive pins.
pub(super) fn by_status(m: &Model) -> BarsView {
    let s = &m.snap;
    if let Some(st) = s.cluster.data.as_ref().and_then(|c| c.pin_status.as_ref()) {
        let mut bars: Vec<BarItem> = st
            .iter()
            .map(|(k, v)| BarItem {
                label: k.clone(),
                value: *v as f64,
                level: Some(pin_status_level(k)),
            })
            .collect();
        bars.sort_by_key(|b| std::cmp::Reverse(b.level.map_or(0, Level::rank)));
        BarsView {
            title: "Pins by status (Cluster)".into(),
            bars,
            unit: Unit::Count,
            max: None,
        }
    } else {
        let bars = s
            .kubo
            .data
            .as_ref()
            .and_then(|k| k.recursive_pins)
            .map(|n| {
                vec![BarItem {
                    label: "recursive".into(),
                    value: n as f64,
                    level: Some(Level::Ok),
                }]
            })
            .unwrap_or_default();
        BarsView {
            title: "Pins by status (Kubo; no Cluster)".into(),
            bars,
            unit: Unit::Count,
            max: None,
        }
    }
}

/// The loaded pins that pass the filter, and how many were loaded.
pub(super) fn table(m: &Model) -> (Parts, usize) {
    let ascii = m.theme.ascii;
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
    let parts = Parts {
        title,
        columns: vec![
            ("Status", Constraint::Length(if ascii { 19 } else { 16 })),
            ("CID", Constraint::Fill(3)),
            ("Name", Constraint::Fill(2)),
        ],
        rows: pin_rows(m)
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
        empty,
        middle_cut: vec![1],
    };
    (parts, p.pins.len())
}
