//! The dashboard's widgets by stable id: what `ipfs-kit dashboard widgets` lists and
//! `widget-data` prints. Each id names one panel of the tabs (`tui::model::Panel`) and its
//! view is built by the same converter the screen draws it with (`tui::convert`), from the
//! same Model, so the JSON is what the screen shows. Pure: no I/O, no clock.
//!
//! Ids are a contract (scripts and the README use them): add new ones, never rename.

use serde::Serialize;

use ipfs_kit_widgets::{
    alert::AlertView, bars::BarsView, counter::CounterView, health::HealthView,
    heatmap::HeatmapView, history::HistoryView, line_chart::LineChartView, metric::MetricView,
    sparkline::SparklineView, status::StatusView,
};

use crate::tui::analysis::compute::DATES;
use crate::tui::convert as cv;
use crate::tui::model::{
    AuditPart, BarsKind, CounterKind, ListKind, MetricKind, Model, Panel, PerfPart, SparkKind, Src,
    Tab,
};
use crate::tui::table::TableView;

/// What kind of view a widget's data is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Status,
    Health,
    Counter,
    Metric,
    Sparkline,
    Bars,
    LineChart,
    Heatmap,
    Alerts,
    History,
    Table,
    /// Lines of text with a level each (the Performance tab's cache and last bulk run).
    Lines,
    /// The tail of a daemon's log.
    Log,
    /// The compliance gauge and its failing rules.
    Compliance,
}

/// One widget of the dashboard.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Widget {
    pub id: &'static str,
    /// What it shows, in words.
    pub title: &'static str,
    pub kind: Kind,
    /// The tabs that draw it (by their titles), the first being its home.
    #[serde(serialize_with = "tab_titles")]
    pub tabs: &'static [Tab],
    #[serde(skip)]
    pub panel: Panel,
}

fn tab_titles<S: serde::Serializer>(tabs: &&'static [Tab], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(tabs.iter().map(|t| t.title().to_lowercase()))
}

use Tab::{
    Alerts as TAl, Audit as TAu, Cluster as TCl, Daemons as TDa, Fleet as TFl, Host as THo,
    Node as TNo, Operations as TOp, Overview as TOv, Performance as TPe, Pins as TPi,
};

const fn w(
    id: &'static str,
    title: &'static str,
    kind: Kind,
    tabs: &'static [Tab],
    panel: Panel,
) -> Widget {
    Widget {
        id,
        title,
        kind,
        tabs,
        panel,
    }
}

/// Every widget the tabs draw, in tab order.
pub const WIDGETS: &[Widget] = &[
    w(
        "overview.health",
        "Health score and level per source",
        Kind::Health,
        &[TOv, TAl],
        Panel::Health,
    ),
    w(
        "overview.alerts",
        "Firing alerts, then health reasons and the Cluster's alerts",
        Kind::Alerts,
        &[TOv],
        Panel::List(ListKind::Alerts),
    ),
    w(
        "overview.activity",
        "Kubo bandwidth by hour and day (heat map)",
        Kind::Heatmap,
        &[TOv],
        Panel::Heatmap,
    ),
    w(
        "node.status",
        "Kubo: state, uptime, peer id, versions, API",
        Kind::Status,
        &[TNo, TOv],
        Panel::Status(Src::Kubo),
    ),
    w(
        "node.addresses",
        "Kubo's listen addresses",
        Kind::Table,
        &[TNo],
        Panel::List(ListKind::Addresses),
    ),
    w(
        "node.pin_count",
        "Kubo recursive pins and their change over the window",
        Kind::Counter,
        &[TNo, TOv, TPi],
        Panel::Counter(CounterKind::KuboPins),
    ),
    w(
        "node.peer_count",
        "Kubo swarm peers and their change over the window",
        Kind::Counter,
        &[TNo, TOv],
        Panel::Counter(CounterKind::KuboPeers),
    ),
    w(
        "node.blocks_received",
        "Bitswap blocks received",
        Kind::Counter,
        &[TNo],
        Panel::Counter(CounterKind::BitswapBlocks),
    ),
    w(
        "node.provided",
        "CIDs provided to the DHT",
        Kind::Counter,
        &[TNo],
        Panel::Counter(CounterKind::Provided),
    ),
    w(
        "node.repo",
        "Repo size against StorageMax",
        Kind::Metric,
        &[TNo, TOv],
        Panel::Metric(MetricKind::Repo),
    ),
    w(
        "node.bandwidth_in",
        "Kubo bandwidth in (sparkline)",
        Kind::Sparkline,
        &[TNo, TOv],
        Panel::Spark(SparkKind::BwIn),
    ),
    w(
        "node.bandwidth_out",
        "Kubo bandwidth out (sparkline)",
        Kind::Sparkline,
        &[TNo, TOv],
        Panel::Spark(SparkKind::BwOut),
    ),
    w(
        "node.peers_history",
        "Kubo swarm peers over the window (sparkline)",
        Kind::Sparkline,
        &[TNo, TOv],
        Panel::Spark(SparkKind::KuboPeers),
    ),
    w(
        "node.repo_history",
        "Repo size over the window (sparkline)",
        Kind::Sparkline,
        &[TNo],
        Panel::Spark(SparkKind::RepoSize),
    ),
    w(
        "node.bandwidth",
        "Kubo bandwidth in and out (line chart)",
        Kind::LineChart,
        &[TNo, TOv],
        Panel::Bandwidth,
    ),
    w(
        "cluster.status",
        "IPFS Cluster: state, peer id, versions, API",
        Kind::Status,
        &[TCl],
        Panel::Status(Src::Cluster),
    ),
    w(
        "cluster.alerts",
        "The Cluster's own health alerts",
        Kind::Alerts,
        &[TCl],
        Panel::List(ListKind::ClusterAlerts),
    ),
    w(
        "cluster.pin_count",
        "Cluster pins and their change over the window",
        Kind::Counter,
        &[TCl, TOv, TPi],
        Panel::Counter(CounterKind::ClusterPins),
    ),
    w(
        "cluster.peer_count",
        "Cluster peers and their change over the window",
        Kind::Counter,
        &[TCl],
        Panel::Counter(CounterKind::ClusterPeers),
    ),
    w(
        "cluster.pins_history",
        "Cluster pins over the window (sparkline)",
        Kind::Sparkline,
        &[TCl],
        Panel::Spark(SparkKind::ClusterPins),
    ),
    w(
        "cluster.peers_history",
        "Cluster peers over the window (sparkline)",
        Kind::Sparkline,
        &[TCl],
        Panel::Spark(SparkKind::ClusterPeers),
    ),
    w(
        "cluster.pin_status",
        "Pins by status (Cluster, else Kubo)",
        Kind::Bars,
        &[TCl, TOv, TPi],
        Panel::Bars(BarsKind::PinStatus),
    ),
    w(
        "cluster.free_space",
        "Free space per Cluster peer",
        Kind::Bars,
        &[TCl, TOv],
        Panel::Bars(BarsKind::FreeSpace),
    ),
    w(
        "cluster.peers",
        "Cluster peers: name, id, version, errors",
        Kind::Table,
        &[TCl],
        Panel::List(ListKind::ClusterPeers),
    ),
    w(
        "host.status",
        "The host: name, OS, uptime, load",
        Kind::Status,
        &[THo],
        Panel::Status(Src::Host),
    ),
    w(
        "host.processes",
        "Kubo and Cluster processes on the host",
        Kind::Table,
        &[THo],
        Panel::List(ListKind::Processes),
    ),
    w(
        "host.cpu",
        "Host CPU use",
        Kind::Metric,
        &[THo, TOv],
        Panel::Metric(MetricKind::Cpu),
    ),
    w(
        "host.memory",
        "Host memory use",
        Kind::Metric,
        &[THo, TOv],
        Panel::Metric(MetricKind::Memory),
    ),
    w(
        "host.swap",
        "Host swap use",
        Kind::Metric,
        &[THo],
        Panel::Metric(MetricKind::Swap),
    ),
    w(
        "host.disk",
        "Use of the disk holding the repo",
        Kind::Metric,
        &[THo, TOv],
        Panel::Metric(MetricKind::Disk),
    ),
    w(
        "host.cpu_history",
        "Host CPU over the window (sparkline)",
        Kind::Sparkline,
        &[THo, TOv],
        Panel::Spark(SparkKind::Cpu),
    ),
    w(
        "host.memory_history",
        "Host memory over the window (sparkline)",
        Kind::Sparkline,
        &[THo],
        Panel::Spark(SparkKind::Memory),
    ),
    w(
        "host.net_rx",
        "Host network received (sparkline)",
        Kind::Sparkline,
        &[THo],
        Panel::Spark(SparkKind::NetRx),
    ),
    w(
        "host.net_tx",
        "Host network sent (sparkline)",
        Kind::Sparkline,
        &[THo],
        Panel::Spark(SparkKind::NetTx),
    ),
    w(
        "host.cores",
        "CPU use per core",
        Kind::Bars,
        &[THo, TOv],
        Panel::Bars(BarsKind::Cores),
    ),
    w(
        "host.disks",
        "Disks: mount, use, free",
        Kind::Table,
        &[THo],
        Panel::List(ListKind::Disks),
    ),
    w(
        "operations.history",
        "The operation history, newest first",
        Kind::History,
        &[TOp, TOv],
        Panel::List(ListKind::History),
    ),
    w(
        "daemons.list",
        "The daemons ipfs-kit supervises: state, pid, restarts",
        Kind::Table,
        &[TDa],
        Panel::List(ListKind::Daemons),
    ),
    w(
        "daemons.log",
        "The log tail of the first daemon",
        Kind::Log,
        &[TDa],
        Panel::List(ListKind::DaemonLog),
    ),
    w(
        "alerts.firing",
        "Active alerts of the alert rules (pending and firing)",
        Kind::Table,
        &[TAl],
        Panel::List(ListKind::ActiveAlerts),
    ),
    w(
        "alerts.log",
        "Alert events (fired, resolved, acknowledged), newest first",
        Kind::Table,
        &[TAl],
        Panel::List(ListKind::AlertLog),
    ),
    w(
        "pins.list",
        "The pins (Cluster, else Kubo)",
        Kind::Table,
        &[TPi],
        Panel::List(ListKind::Pins),
    ),
    w(
        "performance.latency",
        "p95 latency per minute of the slowest operation",
        Kind::Sparkline,
        &[TPe],
        Panel::Perf(PerfPart::Latency),
    ),
    w(
        "performance.cache",
        "The cache's tiers: hit rate, entries, bytes",
        Kind::Lines,
        &[TPe],
        Panel::Perf(PerfPart::Cache),
    ),
    w(
        "performance.bulk",
        "The last bulk pin run",
        Kind::Lines,
        &[TPe],
        Panel::Perf(PerfPart::Bulk),
    ),
    w(
        "performance.operations",
        "Latency and success per operation, slowest p95 first",
        Kind::Table,
        &[TPe],
        Panel::List(ListKind::PerfOps),
    ),
    w(
        "performance.bottlenecks",
        "Bottlenecks and the setting to change",
        Kind::Table,
        &[TPe],
        Panel::List(ListKind::Bottlenecks),
    ),
    w(
        "audit.week",
        "Operations by hour and weekday (heat map)",
        Kind::Heatmap,
        &[TAu],
        Panel::Audit(AuditPart::Week),
    ),
    w(
        "audit.dates",
        "Operations by hour and date (heat map)",
        Kind::Heatmap,
        &[TAu],
        Panel::Audit(AuditPart::Dates),
    ),
    w(
        "audit.patterns",
        "Patterns found in the history",
        Kind::Table,
        &[TAu],
        Panel::Audit(AuditPart::Patterns),
    ),
    w(
        "audit.anomalies",
        "Anomalies found in the history",
        Kind::Table,
        &[TAu],
        Panel::Audit(AuditPart::Anomalies),
    ),
    w(
        "audit.compliance",
        "Compliance score against the audit policy",
        Kind::Compliance,
        &[TAu],
        Panel::Audit(AuditPart::Compliance),
    ),
    w(
        "audit.operation",
        "The selected operation: correlated events, timeline, causes",
        Kind::Table,
        &[TAu],
        Panel::Audit(AuditPart::Operation),
    ),
    w(
        "fleet.nodes",
        "Fleet nodes: health, Kubo and Cluster, peers, pins, repo, alerts, last seen",
        Kind::Table,
        &[TFl],
        Panel::List(ListKind::Fleet),
    ),
];

/// The widget with this id.
pub fn find(id: &str) -> Option<&'static Widget> {
    WIDGETS.iter().find(|w| w.id == id)
}

/// The widget that draws this panel.
pub fn for_panel(p: Panel) -> Option<&'static Widget> {
    WIDGETS.iter().find(|w| w.panel == p)
}

/// Every id, for messages.
pub fn ids() -> Vec<&'static str> {
    WIDGETS.iter().map(|w| w.id).collect()
}

/// The README's table of widget ids (between its `widget ids` markers; a test keeps the two
/// the same).
pub fn markdown_table() -> String {
    let mut t = String::from("| id | kind | tabs | shows |\n|---|---|---|---|\n");
    for w in WIDGETS {
        let kind = serde_json::to_value(w.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let tabs: Vec<String> = w.tabs.iter().map(|t| t.title().to_lowercase()).collect();
        t.push_str(&format!(
            "| `{}` | {kind} | {} | {} |\n",
            w.id,
            tabs.join(", "),
            w.title
        ));
    }
    t
}

/// Lines of text as the Performance tab shows them, each with its level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinesView {
    pub title: String,
    pub lines: Vec<Line>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub level: Option<ipfs_kit_widgets::Level>,
    pub text: String,
}

/// The log tail as the Daemons tab shows it (the filter applied).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogView {
    pub daemon: Option<String>,
    pub path: Option<String>,
    pub lines: Vec<String>,
    pub error: Option<String>,
}

/// The compliance panel: the score with its level, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComplianceData {
    pub compliance: Option<crate::tui::analysis::view::ComplianceView>,
    pub level: Option<ipfs_kit_widgets::Level>,
    /// Said instead of the score when there is none.
    pub missing: Option<String>,
}

/// A widget's view, as its converter built it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum View {
    Status(StatusView),
    Health(HealthView),
    Counter(CounterView),
    Metric(MetricView),
    Sparkline(SparklineView),
    Bars(BarsView),
    LineChart(LineChartView),
    Heatmap(HeatmapView),
    Alerts(AlertView),
    History(HistoryView),
    Table(TableView),
    Lines(LinesView),
    Log(LogView),
    Compliance(ComplianceData),
}

/// Sparklines and the date heat map are sized to their panel on screen; here to `columns`
/// (sparkline samples) and the retained dates.
pub fn view(w: &Widget, m: &Model, columns: usize) -> View {
    match w.panel {
        Panel::Status(src) => View::Status(cv::status_view(m, src)),
        Panel::Health => View::Health(cv::health_view(m)),
        Panel::Counter(k) => View::Counter(cv::counter_view(m, k)),
        Panel::Metric(k) => View::Metric(cv::metric_view(m, k)),
        Panel::Spark(k) => View::Sparkline(cv::spark_view(m, k, columns)),
        Panel::Bars(k) => View::Bars(cv::bars_view(m, k)),
        Panel::Bandwidth => View::LineChart(cv::bandwidth_view(m)),
        Panel::Heatmap => View::Heatmap(cv::heatmap_view(m)),
        Panel::List(k @ (ListKind::Alerts | ListKind::ClusterAlerts)) => {
            View::Alerts(cv::alert_view(m, k))
        }
        Panel::List(ListKind::History) => View::History(cv::history_view(m)),
        Panel::List(ListKind::DaemonLog) => View::Log(log_view(m)),
        Panel::List(k) => View::Table(cv::table_view(m, k)),
        Panel::Perf(PerfPart::Latency) => View::Sparkline(cv::latency_view(m)),
        Panel::Perf(PerfPart::Cache) => View::Lines(lines("Cache", cv::cache_lines(m))),
        Panel::Perf(PerfPart::Bulk) => View::Lines(lines("Last bulk run", cv::bulk_lines(m))),
        Panel::Audit(AuditPart::Week) => View::Heatmap(cv::week_view(m)),
        Panel::Audit(AuditPart::Dates) => View::Heatmap(cv::dates_view(m, DATES)),
        Panel::Audit(AuditPart::Patterns) => View::Table(cv::patterns_table(m)),
        Panel::Audit(AuditPart::Anomalies) => View::Table(cv::anomalies_table(m)),
        Panel::Audit(AuditPart::Operation) => View::Table(cv::operation_table(m)),
        Panel::Audit(AuditPart::Compliance) => View::Compliance(match cv::compliance(m) {
            Some((c, level)) => ComplianceData {
                compliance: Some(c.clone()),
                level: Some(level),
                missing: None,
            },
            None => ComplianceData {
                compliance: None,
                level: None,
                missing: Some(cv::compliance_missing(m)),
            },
        }),
    }
}

fn lines(title: &str, text: Vec<(Option<ipfs_kit_widgets::Level>, String)>) -> LinesView {
    LinesView {
        title: title.into(),
        lines: text
            .into_iter()
            .map(|(level, text)| Line { level, text })
            .collect(),
    }
}

fn log_view(m: &Model) -> LogView {
    let lines = crate::tui::lists::log_lines(m)
        .into_iter()
        .map(str::to_string)
        .collect();
    LogView {
        daemon: m.log.as_ref().map(|l| l.daemon.clone()),
        path: m.log.as_ref().map(|l| l.path.clone()),
        lines,
        error: m.log.as_ref().and_then(|l| l.error.clone()),
    }
}

/// What a widget needs loaded beside the snapshot (the dashboard loads it on demand too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// The pin list (a Cluster or Kubo call).
    Pins,
    /// The daemon log tail.
    Log,
    /// The audit analysis of the history files.
    Analysis,
    /// Every fleet node's snapshot (`[[fleet.nodes]]`).
    Fleet,
}

pub fn needs(w: &Widget) -> Needs {
    match w.panel {
        Panel::List(ListKind::Pins) => Needs::Pins,
        Panel::List(ListKind::DaemonLog) => Needs::Log,
        Panel::Audit(_) => Needs::Analysis,
        Panel::List(ListKind::Fleet) => Needs::Fleet,
        _ => Needs::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::sync::Arc;

    fn model(size: (u16, u16)) -> Model {
        let snap = crate::model::Snapshot::empty("http://127.0.0.1:5001".into(), "x".into(), true);
        Model::new(
            crate::tui::AppInfo::default(),
            ipfs_kit_widgets::Theme::default(),
            Arc::new(snap),
            size,
        )
    }

    #[test]
    fn ids_are_unique_and_named_after_their_home_tab() {
        let ids: BTreeSet<&str> = WIDGETS.iter().map(|w| w.id).collect();
        assert_eq!(ids.len(), WIDGETS.len());
        let panels: BTreeSet<Panel> = WIDGETS.iter().map(|w| w.panel).collect();
        assert_eq!(panels.len(), WIDGETS.len(), "one id per panel");
        for w in WIDGETS {
            let (tab, name) = w.id.split_once('.').expect("tab.name");
            assert_eq!(tab, w.tabs[0].title().to_lowercase(), "{}", w.id);
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                w.id
            );
        }
    }

    #[test]
    fn the_readme_lists_every_widget_id() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("<!-- widget ids:")
            .and_then(|i| readme[i..].find('\n').map(|j| i + j + 1))
            .expect("the README's widget ids marker");
        let end = readme.find("<!-- end widget ids -->").expect("end marker");
        assert_eq!(
            &readme[start..end],
            markdown_table(),
            "README.md's widget table is out of date; replace it with markdown_table()'s output"
        );
    }

    /// Every panel any tab draws at any size has an id, and each widget's tabs are exactly
    /// the tabs that draw it (at the largest size, where every panel shows).
    #[test]
    fn covers_every_panel_the_tabs_draw() {
        let mut drawn: BTreeSet<(usize, Panel)> = BTreeSet::new();
        for size in [(80, 24), (120, 40), (240, 70)] {
            let mut m = model(size);
            for tab in Tab::ALL {
                m.tab = tab;
                for (p, _) in crate::tui::layout::grid(&m).panels() {
                    assert!(for_panel(*p).is_some(), "{p:?} on {tab:?} has no widget id");
                    drawn.insert((tab.index(), *p));
                }
            }
        }
        for w in WIDGETS {
            for tab in Tab::ALL {
                assert_eq!(
                    w.tabs.contains(&tab),
                    drawn.contains(&(tab.index(), w.panel)),
                    "{} on {tab:?}",
                    w.id
                );
            }
        }
    }
}
