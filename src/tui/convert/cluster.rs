//! The Cluster tab: the Cluster's status, its peers and their free space.

use ipfs_kit_widgets::{
    Level, Unit,
    bars::{BarItem, BarsView},
    status::StatusView,
};
use ratatui::layout::Constraint;

use super::{Parts, badge, endpoint_line, node_state, peer_label, short_id, title_stale};

use crate::tui::model::Model;
use crate::tui::table::TableRow;

pub(super) fn status(m: &Model) -> StatusView {
    let ascii = m.theme.ascii;
    let c = &m.snap.cluster;
    let d = c.data.as_ref();
    let mut details = Vec::new();
    if let Some(d) = d {
        details.push(("Name".into(), d.peer_name.clone()));
    }
    details.push(("API".into(), endpoint_line(c)));
    if let Some(d) = d {
        details.push(("Peers".into(), format!("{} in the cluster", d.peer_count)));
        if let Some(ipfs) = &d.ipfs_peer_id {
            details.push(("Its Kubo".into(), short_id(ipfs, ascii)));
        }
    }
    StatusView {
        title: title_stale("Cluster", c.stale),
        state: node_state(m, "cluster"),
        uptime_secs: m.snap.daemon_uptime("cluster"),
        peer_id: d.map(|d| d.peer_id.clone()).filter(|p| !p.is_empty()),
        versions: d
            .map(|d| vec![("Version".into(), d.version.clone())])
            .unwrap_or_default(),
        details,
        error: c
            .error
            .clone()
            .or_else(|| d.and_then(|d| d.ipfs_error.clone())),
    }
}

pub(super) fn free_space(m: &Model) -> BarsView {
    BarsView {
        title: "Free space per peer".into(),
        bars: m
            .snap
            .cluster
            .data
            .as_ref()
            .map(|c| {
                c.freespace
                    .iter()
                    .map(|f| BarItem {
                        label: peer_label(m, &f.peer),
                        value: f.free_bytes as f64,
                        level: (!f.valid).then_some(Level::Unknown),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        unit: Unit::Bytes,
        max: None,
    }
}

pub(super) fn peers(m: &Model) -> Parts {
    let ascii = m.theme.ascii;
    Parts {
        title: "Cluster peers".into(),
        columns: vec![
            ("State", Constraint::Length(if ascii { 12 } else { 9 })),
            ("Name", Constraint::Fill(1)),
            ("Peer ID", Constraint::Fill(2)),
            ("Error", Constraint::Fill(2)),
        ],
        rows: m
            .snap
            .cluster
            .data
            .as_ref()
            .map(|c| {
                c.peers
                    .iter()
                    .map(|p| {
                        let level = if p.error.is_some() {
                            Level::Critical
                        } else {
                            Level::Ok
                        };
                        let word = if p.error.is_some() { "error" } else { "ok" };
                        TableRow {
                            level: Some(level),
                            cells: vec![
                                badge(level, word, ascii),
                                p.peer_name.clone(),
                                p.peer_id.clone(),
                                p.error.clone().unwrap_or_default(),
                            ],
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        empty: "no peers (Cluster not answering)".into(),
        middle_cut: vec![2],
    }
}
