//! The Node tab: Kubo's status, listen addresses, repo use, bandwidth chart and heatmap.

use ipfs_kit_widgets::{
    Unit, format as wfmt,
    heatmap::HeatmapView,
    line_chart::{LineChartView, Series as Line},
    metric::{MetricView, Thresholds},
    status::StatusView,
};
use ratatui::layout::Constraint;

use super::charts::in_window;
use super::{Parts, endpoint_line, node_state, title_stale, window_label};
use crate::model::Series;
use crate::tui::model::Model;
use crate::tui::table::TableRow;

pub(super) fn status(m: &Model) -> StatusView {
    let k = &m.snap.kubo;
    let d = k.data.as_ref();
    let mut details = Vec::new();
    if let Some(n) = d.and_then(|d| d.recursive_pins) {
        details.push((
            "Pins".into(),
            format!("{} recursive", wfmt::count(n as f64)),
        ));
    }
    details.push(("API".into(), endpoint_line(k)));
    if let Some(d) = d {
        if let Some(r) = &d.repo {
            if let Some(p) = &r.path {
                details.push(("Repo".into(), p.clone()));
            }
            let size = wfmt::bytes(r.size_bytes as f64);
            details.push((
                "Repo size".into(),
                match r.storage_max_bytes {
                    Some(max) => {
                        format!("{size} of {} StorageMax", wfmt::bytes(max as f64))
                    }
                    None => format!("{size} (no StorageMax)"),
                },
            ));
        }
        details.push(("Agent".into(), d.agent_version.clone()));
        if let Some(sys) = &d.system {
            details.push(("System".into(), sys.clone()));
        }
        if let Some(go) = &d.golang {
            details.push(("Go".into(), go.clone()));
        }
    }
    StatusView {
        title: title_stale("Kubo", k.stale),
        state: node_state(m, "kubo"),
        uptime_secs: m.snap.daemon_uptime("kubo"),
        peer_id: d.map(|d| d.peer_id.clone()).filter(|p| !p.is_empty()),
        versions: d
            .and_then(|d| d.version.clone())
            .map(|v| vec![("Version".into(), v)])
            .unwrap_or_default(),
        details,
        error: k.error.clone(),
    }
}

pub(super) fn repo_metric(m: &Model) -> MetricView {
    let repo = m.snap.kubo.data.as_ref().and_then(|k| k.repo.as_ref());
    let title = match repo {
        Some(r) if r.storage_max_bytes.is_none() => "Repo (no StorageMax)",
        _ => "Repo",
    };
    MetricView::new(
        title,
        repo.and_then(|r| r.usage_ratio).map(|r| r * 100.0),
        Unit::Percent,
        Thresholds::higher_is_worse(80.0, 95.0),
    )
}

pub(super) fn addresses(m: &Model) -> Parts {
    Parts {
        title: "Listen addresses".into(),
        columns: vec![("Address", Constraint::Fill(1))],
        rows: m
            .snap
            .kubo
            .data
            .as_ref()
            .map(|k| {
                k.addresses
                    .iter()
                    .map(|a| TableRow {
                        level: None,
                        cells: vec![a.clone()],
                    })
                    .collect()
            })
            .unwrap_or_default(),
        empty: "no addresses (Kubo not answering)".into(),
        middle_cut: Vec::new(),
    }
}

pub fn bandwidth_view(m: &Model) -> LineChartView {
    let s = &m.snap;
    let w = m.window();
    let line = |name: &str, series| Line {
        name: name.into(),
        points: in_window(s.history.ring(series), s.time, w)
            .filter_map(|(t, v)| {
                let x = (t - s.time).num_milliseconds() as f64 / 1000.0;
                v.filter(|v| v.is_finite()).map(|v| (x, v))
            })
            .collect(),
    };
    let secs = w.as_secs_f64();
    LineChartView {
        title: format!("Kubo bandwidth, last {}", window_label(w)),
        series: vec![
            line("in", Series::KuboBwInRate),
            line("out", Series::KuboBwOutRate),
        ],
        unit: Unit::BytesPerSec,
        x_labels: vec![
            format!("-{}", window_label(w)),
            format!("-{}", window_label(w / 2)),
            "now".into(),
        ],
        x_bounds: Some([-secs, 0.0]),
    }
}

pub fn heatmap_view(m: &Model) -> HeatmapView {
    let rows = m.activity.grid(m.snap.time.date_naive());
    HeatmapView {
        title: "Kubo bandwidth by hour (UTC)".into(),
        row_labels: rows.iter().map(|(l, _)| l.clone()).collect(),
        col_labels: (0..24).map(|h| format!("{h:02}")).collect(),
        cells: rows.into_iter().map(|(_, c)| c).collect(),
        unit: Unit::BytesPerSec,
        max: None,
    }
}
