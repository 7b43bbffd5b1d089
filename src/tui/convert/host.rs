//! The Host tab: the host's status, CPU, memory, swap and disk, cores, disks and the IPFS
//! processes.

use ipfs_kit_widgets::{
    Level, Unit,
    bars::{BarItem, BarsView},
    format as wfmt,
    metric::{MetricView, Thresholds},
    status::StatusView,
};
use ratatui::layout::Constraint;

use super::{Parts, badge, percent, source_node_state};
use crate::model::{DiskStats, ProcessStats};
use crate::tui::model::{MetricKind, Model};
use crate::tui::table::TableRow;

pub(super) fn status(m: &Model) -> StatusView {
    let h = &m.snap.host;
    let d = h.data.as_ref();
    let mut details = Vec::new();
    if let Some(d) = d {
        details.push((
            "Name".into(),
            d.hostname.clone().unwrap_or_else(|| "?".into()),
        ));
        details.push(("Cores".into(), d.cpu_per_core.len().to_string()));
        let [a, b, c] = d.load_average;
        details.push(("Load".into(), format!("{a:.2} {b:.2} {c:.2}")));
        details.push(("Memory".into(), wfmt::bytes(d.memory_total_bytes as f64)));
    }
    StatusView {
        title: "Host".into(),
        state: source_node_state(m.snap.source_condition("host")),
        uptime_secs: d.map(|d| d.uptime_secs),
        peer_id: None,
        versions: Vec::new(),
        details,
        error: h.error.clone(),
    }
}

/// The disk that holds the Kubo repo (longest mount point that prefixes its path), else `/`.
fn repo_disk(m: &Model) -> Option<&DiskStats> {
    let host = m.snap.host.data.as_ref()?;
    let repo = m
        .snap
        .kubo
        .data
        .as_ref()
        .and_then(|k| k.repo.as_ref()?.path.clone())
        .unwrap_or_else(|| "/".into());
    host.disks
        .iter()
        .filter(|d| repo.starts_with(&d.mount_point))
        .max_by_key(|d| d.mount_point.len())
        .or_else(|| host.disks.iter().find(|d| d.mount_point == "/"))
        .or_else(|| host.disks.first())
}

/// CPU, memory, swap and the repo's disk (the repo metric is the Node tab's).
pub(super) fn metric(m: &Model, kind: MetricKind) -> MetricView {
    let host = m.snap.host.data.as_ref();
    match kind {
        MetricKind::Repo => super::node::repo_metric(m),
        MetricKind::Cpu => MetricView::new(
            "CPU",
            host.map(|h| f64::from(h.cpu_percent)),
            Unit::Percent,
            Thresholds::higher_is_worse(75.0, 90.0),
        ),
        MetricKind::Memory => MetricView::new(
            "Memory",
            host.and_then(|h| percent(h.memory_used_bytes, h.memory_total_bytes)),
            Unit::Percent,
            Thresholds::higher_is_worse(80.0, 90.0),
        ),
        MetricKind::Swap => {
            let v = host.and_then(|h| percent(h.swap_used_bytes, h.swap_total_bytes));
            MetricView::new(
                if host.is_some() && v.is_none() {
                    "Swap (none)".to_string()
                } else {
                    "Swap".to_string()
                },
                v,
                Unit::Percent,
                Thresholds::higher_is_worse(50.0, 80.0),
            )
        }
        MetricKind::Disk => {
            let d = repo_disk(m);
            let title = match d {
                Some(d) if d.mount_point.len() <= 8 => format!("Disk {}", d.mount_point),
                Some(_) => "Repo disk".to_string(),
                None => "Disk".to_string(),
            };
            MetricView::new(
                title,
                // df's Use% (used / (used + available)), as the Disks table and alert.
                d.and_then(|d| d.use_percent),
                Unit::Percent,
                Thresholds::higher_is_worse(80.0, 90.0),
            )
        }
    }
}

pub(super) fn cores(m: &Model) -> BarsView {
    let t = Thresholds::higher_is_worse(75.0, 90.0);
    BarsView {
        title: "CPU per core".into(),
        bars: m
            .snap
            .host
            .data
            .as_ref()
            .map(|h| {
                h.cpu_per_core
                    .iter()
                    .enumerate()
                    .map(|(i, v)| BarItem {
                        label: format!("cpu{i}"),
                        value: f64::from(*v),
                        level: Some(t.level(Some(f64::from(*v)))),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        unit: Unit::Percent,
        max: Some(100.0),
    }
}

pub(super) fn disks(m: &Model) -> Parts {
    let ascii = m.theme.ascii;
    Parts {
        title: "Disks".into(),
        columns: vec![
            // df's columns: Use% rounded up to whole percent, Used = size − free, Avail.
            ("Use", Constraint::Length(if ascii { 11 } else { 6 })),
            ("Mount", Constraint::Fill(2)),
            ("FS", Constraint::Length(5)),
            ("Used", Constraint::Length(10)),
            ("Avail", Constraint::Length(10)),
            ("Size", Constraint::Length(10)),
        ],
        rows: m
            .snap
            .host
            .data
            .as_ref()
            .map(|h| {
                let t = Thresholds::higher_is_worse(80.0, 90.0);
                h.disks
                    .iter()
                    .map(|d| {
                        let pct = d.use_percent;
                        let level = t.level(pct);
                        TableRow {
                            level: Some(level),
                            cells: vec![
                                format!(
                                    "{} {}",
                                    level.glyph(ascii),
                                    pct.map_or("n/a".into(), |p| format!("{p:.0}%"))
                                ),
                                d.mount_point.clone(),
                                d.file_system.clone(),
                                wfmt::bytes(d.used_bytes as f64),
                                wfmt::bytes(d.available_bytes as f64),
                                wfmt::bytes(d.total_bytes as f64),
                            ],
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        empty: "no disks".into(),
        middle_cut: Vec::new(),
    }
}

/// The Kubo and Cluster processes on this host, the watched ones (serving the APIs this
/// dashboard watches) first; other repos' daemons are listed as `other`, not counted as ours.
pub(super) fn processes(m: &Model) -> Parts {
    let ascii = m.theme.ascii;
    let mut procs: Vec<(&ProcessStats, bool)> = m
        .snap
        .host
        .data
        .as_ref()
        .map(|h| {
            h.processes
                .iter()
                .map(|p| (p, m.snap.is_watched(p)))
                .collect()
        })
        .unwrap_or_default();
    // Watched first, then by role as listed.
    procs.sort_by_key(|(_, watched)| !*watched);
    let watched = procs.iter().filter(|(_, w)| *w).count();
    let other = procs.len() - watched;
    let title = if other == 0 {
        "IPFS daemons on this host".to_string()
    } else {
        format!("IPFS daemons on this host: {watched} watched, {other} other")
    };
    Parts {
        title,
        columns: vec![
            ("", Constraint::Length(if ascii { 11 } else { 9 })),
            ("Role", Constraint::Length(8)),
            ("PID", Constraint::Length(8)),
            ("Name", Constraint::Fill(1)),
            ("CPU", Constraint::Length(7)),
            ("RSS", Constraint::Length(10)),
            ("Up", Constraint::Length(8)),
        ],
        rows: procs
            .into_iter()
            .map(|(p, watched)| {
                let (level, word) = if watched {
                    (Level::Ok, "watched")
                } else {
                    (Level::Unknown, "other")
                };
                TableRow {
                    level: Some(level),
                    cells: vec![
                        badge(level, word, ascii),
                        p.role.clone(),
                        p.pid.to_string(),
                        p.name.clone(),
                        wfmt::percent(f64::from(p.cpu_percent)),
                        wfmt::bytes(p.rss_bytes as f64),
                        wfmt::duration(p.run_time_secs),
                    ],
                }
            })
            .collect(),
        empty: "no Kubo or Cluster process found on this host".into(),
        middle_cut: Vec::new(),
    }
}
