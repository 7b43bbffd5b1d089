//! Snapshot -> widget views: the only place that knows both the model and the widgets.
//! Pure functions of the Model (and the cell width where a chart resamples to it).
//!
//! One module per tab holds the views that tab is about (`node`, `cluster`, `host`,
//! `operations`, `daemons`, `alerts`, `pins`, `performance`; `overview` the Health and alert summaries);
//! `charts` the time-series widgets every tab uses. This file has the helpers they share and
//! the dispatch from a panel's kind to its module.

mod alerts;
mod audit;
mod charts;
mod cluster;
mod daemons;
mod fleet;
mod host;
mod node;
mod operations;
mod overview;
mod performance;
mod pins;

use std::time::Duration;

use chrono::{DateTime, Utc};
use ipfs_kit_widgets::{
    Level, bars::BarsView, format as wfmt, metric::MetricView, status::NodeState,
    status::StatusView,
};
use ratatui::layout::Constraint;

pub use audit::{
    anomalies_table, audit_notices, compliance, compliance_missing, dates_view, operation_table,
    patterns_table, week_view,
};
pub use charts::{counter_view, resample, spark_view};
pub use daemons::daemon_level;
pub use node::{bandwidth_view, heatmap_view};
pub use operations::{history_ids, history_view};
pub use overview::{alert_rows, alert_view, health_view};
pub use performance::{bulk_lines, cache_lines, latency_view, perf_notices};

use super::model::{BarsKind, ListKind, MetricKind, Model, Src};
use super::table::{TableRow, TableView};
use crate::model::DaemonState;
use crate::model::{Condition, HealthLevel, Snapshot, SourceStatus};

/// `5m`, `1h`, `1d`.
pub fn window_label(d: Duration) -> String {
    wfmt::duration(d.as_secs())
}

/// `12:03:44` (UTC, like the header clock).
pub fn clock(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

pub(crate) fn short_id(id: &str, ascii: bool) -> String {
    crate::format::short_id_with(id, wfmt::ellipsis(ascii))
}

/// A health level as a glyph level.
fn health_level(l: HealthLevel) -> Level {
    match l {
        HealthLevel::Healthy => Level::Ok,
        HealthLevel::Degraded => Level::Warning,
        HealthLevel::Unhealthy => Level::Critical,
        HealthLevel::Unknown => Level::Unknown,
    }
}

/// A source's condition as a level and a word, for the header: the same level as the Health
/// panel and the JSON (`Snapshot::source_condition`).
pub fn source_badge(s: &Snapshot, name: &str) -> (Level, &'static str) {
    let c = s.source_condition(name);
    (health_level(c.level), c.word)
}

/// The state a Kubo or Cluster status panel shows. A daemon ipfs-kit supervises says what it
/// is doing when it is not serving (crashed, backing off, starting…), as on the Daemons tab;
/// otherwise the source's condition decides, with the header's word for a down one.
fn node_state(m: &Model, role: &str) -> NodeState {
    let c = m.snap.source_condition(role);
    let serving = matches!(c.word, "ok" | "degraded" | "unhealthy");
    if let Some(d) = m.snap.watched_daemon(role).filter(|_| !serving) {
        match d.state {
            DaemonState::Starting => return NodeState::Starting,
            DaemonState::Stopping => return NodeState::Stopping,
            DaemonState::Stopped => return NodeState::Stopped,
            DaemonState::Crashed => return NodeState::Crashed,
            DaemonState::BackingOff => return NodeState::BackingOff,
            DaemonState::Failed => return NodeState::Failed,
            // Ready or degraded by the supervisor's last look, not answering the collector.
            DaemonState::Ready | DaemonState::Degraded => {}
        }
    }
    source_node_state(c)
}

fn source_node_state(c: Condition) -> NodeState {
    match (c.word, c.level) {
        ("down", _) => NodeState::Down,
        (_, HealthLevel::Healthy) => NodeState::Running,
        (_, HealthLevel::Degraded | HealthLevel::Unhealthy) => NodeState::Degraded,
        (_, HealthLevel::Unknown) => NodeState::Unknown,
    }
}

fn endpoint_line<T>(s: &SourceStatus<T>) -> String {
    match (&s.endpoint, &s.endpoint_source) {
        (Some(e), Some(o)) => format!("{e} ({o})"),
        (Some(e), None) => e.clone(),
        _ => wfmt::NOT_AVAILABLE.into(),
    }
}

fn title_stale(title: &str, stale: bool) -> String {
    if stale {
        format!("{title} (last known values)")
    } else {
        title.to_string()
    }
}

fn matches(filter: &str, fields: &[&str]) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty() || fields.iter().any(|x| x.to_lowercase().contains(&f))
}

fn percent(used: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| used as f64 / total as f64 * 100.0)
}

fn peer_label(m: &Model, peer: &str) -> String {
    m.snap
        .cluster
        .data
        .as_ref()
        .and_then(|c| c.peers.iter().find(|p| p.peer_id == peer))
        .map(|p| p.peer_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| short_id(peer, m.theme.ascii))
}

fn badge(level: Level, word: &str, ascii: bool) -> String {
    format!("{} {word}", level.glyph(ascii))
}

pub fn status_view(m: &Model, src: Src) -> StatusView {
    match src {
        Src::Kubo => node::status(m),
        Src::Cluster => cluster::status(m),
        Src::Host => host::status(m),
    }
}

pub fn metric_view(m: &Model, kind: MetricKind) -> MetricView {
    match kind {
        MetricKind::Repo => node::repo_metric(m),
        _ => host::metric(m, kind),
    }
}

pub fn bars_view(m: &Model, kind: BarsKind) -> BarsView {
    match kind {
        BarsKind::PinStatus => pins::by_status(m),
        BarsKind::FreeSpace => cluster::free_space(m),
        BarsKind::Cores => host::cores(m),
    }
}

/// A table as its tab's module builds it, before the rows are filtered and placed.
struct Parts {
    title: String,
    columns: Vec<(&'static str, Constraint)>,
    rows: Vec<TableRow>,
    empty: String,
    /// Columns cut in the middle rather than at the end (IDs).
    middle_cut: Vec<usize>,
}

/// The dashboard's own lists.
pub fn table_view(m: &Model, kind: ListKind) -> TableView {
    match kind {
        ListKind::Addresses => filtered(m, kind, node::addresses(m)),
        ListKind::ClusterPeers => filtered(m, kind, cluster::peers(m)),
        ListKind::Disks => filtered(m, kind, host::disks(m)),
        ListKind::Processes => filtered(m, kind, host::processes(m)),
        ListKind::Daemons => with_cursor(m, kind, daemons::table(m)),
        ListKind::ActiveAlerts => with_cursor(m, kind, alerts::active(m)),
        ListKind::AlertLog => with_cursor(m, kind, alerts::log(m)),
        ListKind::Pins => with_cursor(m, kind, pins::table(m)),
        ListKind::PerfOps => with_cursor(m, kind, performance::operations(m)),
        ListKind::Bottlenecks => filtered(m, kind, performance::bottlenecks(m)),
        ListKind::Fleet => with_cursor(m, kind, fleet::table(m)),
        // Alerts and history have widgets of their own.
        ListKind::Alerts | ListKind::ClusterAlerts | ListKind::History | ListKind::DaemonLog => {
            filtered(
                m,
                kind,
                Parts {
                    title: String::new(),
                    columns: Vec::new(),
                    rows: Vec::new(),
                    empty: String::new(),
                    middle_cut: Vec::new(),
                },
            )
        }
    }
}

/// A list only scrolled: the filter applied here, columns as given.
fn filtered(m: &Model, kind: ListKind, p: Parts) -> TableView {
    let total = p.rows.len();
    let rows: Vec<TableRow> = p
        .rows
        .into_iter()
        .filter(|r| {
            let cells: Vec<&str> = r.cells.iter().map(String::as_str).collect();
            matches(&m.filter, &cells)
        })
        .collect();
    TableView {
        title: p.title,
        columns: p.columns,
        rows,
        total,
        filter: m.filter.clone(),
        offset: m.scroll.get(&kind).copied().unwrap_or(0),
        empty: p.empty,
        middle_cut: p.middle_cut,
        selected: None,
    }
}

/// A list the keys act on: rows already filtered as the cursor counts them (`total` before
/// the filter), columns fitted to what they hold, the cursor's row selected.
fn with_cursor(m: &Model, kind: ListKind, (p, total): (Parts, usize)) -> TableView {
    let columns = fit_columns(p.columns, &p.rows);
    let selected = kind
        .selectable()
        .then(|| m.cursor.get(&kind).copied().unwrap_or(0))
        .filter(|i| *i < p.rows.len());
    TableView {
        title: p.title,
        columns,
        rows: p.rows,
        total,
        // The Daemons list is not filtered (the filter is the log's there).
        filter: if kind == ListKind::Daemons {
            String::new()
        } else {
            m.filter.clone()
        },
        offset: m.scroll.get(&kind).copied().unwrap_or(0),
        empty: p.empty,
        middle_cut: p.middle_cut,
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

/// How many rows a list has after the filter, to bound scrolling.
pub fn list_len(m: &Model, kind: ListKind) -> usize {
    match kind {
        ListKind::Alerts | ListKind::ClusterAlerts => overview::filtered_alert_rows(m, kind).len(),
        ListKind::History => history_view(m).matching().len(),
        ListKind::DaemonLog => super::lists::log_lines(m).len(),
        _ => table_view(m, kind).rows.len(),
    }
}
