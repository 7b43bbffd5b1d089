//! The dashboard's state: everything the screen shows is a function of this.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDate, Timelike, Utc};
use ipfs_kit_widgets::Theme;

use crate::model::Series;
use crate::model::Snapshot;

/// The tabs, in key order (`1` is Overview).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Overview,
    Node,
    Cluster,
    Host,
    Operations,
    Daemons,
    Alerts,
    Pins,
    /// Key `9`: latency per operation, the cache, bottlenecks, the last bulk run.
    Performance,
    /// Key `0`.
    Audit,
    /// Key `F`: one row per fleet node; shown only when a fleet is configured.
    Fleet,
}

impl Tab {
    pub const ALL: [Tab; 11] = [
        Tab::Overview,
        Tab::Node,
        Tab::Cluster,
        Tab::Host,
        Tab::Operations,
        Tab::Daemons,
        Tab::Alerts,
        Tab::Pins,
        Tab::Performance,
        Tab::Audit,
        Tab::Fleet,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Node => "Node",
            Tab::Cluster => "Cluster",
            Tab::Host => "Host",
            Tab::Operations => "Operations",
            Tab::Daemons => "Daemons",
            Tab::Alerts => "Alerts",
            Tab::Pins => "Pins",
            Tab::Performance => "Performance",
            Tab::Audit => "Audit",
            Tab::Fleet => "Fleet",
        }
    }

    /// The tab bar's label when the full titles do not fit.
    pub fn short_title(self) -> &'static str {
        match self {
            Tab::Overview => "Over",
            Tab::Node => "Node",
            Tab::Cluster => "Clus",
            Tab::Host => "Host",
            Tab::Operations => "Ops",
            Tab::Daemons => "Daem",
            Tab::Alerts => "Alrt",
            Tab::Pins => "Pins",
            Tab::Performance => "Perf",
            Tab::Audit => "Audt",
            Tab::Fleet => "Flt",
        }
    }

    /// The key that opens it: `1`-`9` in order, `0` for Audit, `F` for Fleet.
    pub fn key(self) -> char {
        match self {
            Tab::Audit => '0',
            Tab::Fleet => 'F',
            t => char::from_digit(t.index() as u32 + 1, 10).unwrap_or('?'),
        }
    }

    /// The tab a number key opens (`0` is Audit).
    pub fn from_number(n: u32) -> Option<Tab> {
        let c = char::from_digit(n, 10)?;
        Tab::ALL.iter().copied().find(|t| t.key() == c)
    }

    /// The number keys that open a tab, for messages: `1-9, 0`.
    pub fn keys_label() -> String {
        let digits: Vec<char> = Tab::ALL
            .iter()
            .map(|t| t.key())
            .filter(char::is_ascii_digit)
            .collect();
        let run: Vec<char> = digits.iter().copied().take_while(|c| *c != '0').collect();
        match (run.first(), run.last()) {
            (Some(a), Some(b)) if digits.contains(&'0') => format!("{a}-{b}, 0"),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "0".into(),
        }
    }
}

/// Which source a status widget describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Src {
    Kubo,
    Cluster,
    Host,
}

/// Counters: a value with its change over the time window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CounterKind {
    KuboPins,
    KuboPeers,
    ClusterPins,
    ClusterPeers,
    BitswapBlocks,
    Provided,
}

/// Metrics: a value against warning and critical thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricKind {
    Repo,
    Cpu,
    Memory,
    Swap,
    Disk,
}

/// Sparklines over the time window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SparkKind {
    BwIn,
    BwOut,
    KuboPeers,
    RepoSize,
    Cpu,
    Memory,
    NetRx,
    NetTx,
    ClusterPins,
    ClusterPeers,
}

impl SparkKind {
    pub fn series(self) -> Series {
        match self {
            SparkKind::BwIn => Series::KuboBwInRate,
            SparkKind::BwOut => Series::KuboBwOutRate,
            SparkKind::KuboPeers => Series::KuboPeers,
            SparkKind::RepoSize => Series::KuboRepoSize,
            SparkKind::Cpu => Series::HostCpuPercent,
            SparkKind::Memory => Series::HostMemUsedBytes,
            SparkKind::NetRx => Series::HostNetRxRate,
            SparkKind::NetTx => Series::HostNetTxRate,
            SparkKind::ClusterPins => Series::ClusterPins,
            SparkKind::ClusterPeers => Series::ClusterPeers,
        }
    }
}

/// Bar charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BarsKind {
    PinStatus,
    FreeSpace,
    Cores,
}

/// Lists that scroll and filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListKind {
    /// Health reasons, source errors and Cluster alerts.
    Alerts,
    /// The Cluster's own health alerts.
    ClusterAlerts,
    /// The dashboard's operation history.
    History,
    /// Kubo's listen addresses.
    Addresses,
    /// Cluster peers.
    ClusterPeers,
    /// Host disks.
    Disks,
    /// Kubo and Cluster daemons found on the host.
    Processes,
    /// Daemons of ipfs-kit's supervisor (selectable: start/stop/restart act on the cursor).
    Daemons,
    /// The selected daemon's log.
    DaemonLog,
    /// Alerts from the alert rules (selectable: `a` acknowledges the cursor's).
    ActiveAlerts,
    /// Alert events from `alerts.jsonl`, newest first.
    AlertLog,
    /// Pins (selectable: `u` unpins the cursor's).
    Pins,
    /// Timed operations, slowest p95 first (selectable: the latency chart shows the cursor's).
    PerfOps,
    /// Bottlenecks with their recommendations.
    Bottlenecks,
    /// Fleet nodes (selectable: Enter switches the dashboard to the cursor's).
    Fleet,
}

impl ListKind {
    /// Lists with a cursor row that keys act on.
    pub fn selectable(self) -> bool {
        matches!(
            self,
            ListKind::Daemons
                | ListKind::ActiveAlerts
                | ListKind::Pins
                | ListKind::PerfOps
                | ListKind::Fleet
        )
    }
}

/// One widget on a tab; focus, expansion and scrolling refer to these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Panel {
    Status(Src),
    Health,
    Counter(CounterKind),
    Metric(MetricKind),
    Spark(SparkKind),
    Bars(BarsKind),
    /// Kubo bandwidth in and out as a line chart.
    Bandwidth,
    /// Kubo bandwidth by hour of day.
    Heatmap,
    List(ListKind),
    /// One part of the Audit tab.
    Audit(AuditPart),
    /// One part of the Performance tab.
    Perf(PerfPart),
}

/// The Performance tab's panels besides its two lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PerfPart {
    /// p95 per minute of the operation under the cursor.
    Latency,
    /// Hit rate and sizes per tier.
    Cache,
    /// The last `pin add|rm --from` run.
    Bulk,
}

/// The Audit tab's panels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditPart {
    /// Events by hour of day × day of week.
    Week,
    /// Events by hour × date (the newest days).
    Dates,
    Patterns,
    Anomalies,
    /// The compliance gauge and the failing rules.
    Compliance,
    /// The operation selected on the Operations tab: correlated events, timeline, causes.
    Operation,
}

impl Panel {
    /// Whether the panel is a list that scrolls and filters.
    pub fn list(self) -> Option<ListKind> {
        match self {
            Panel::List(k) => Some(k),
            _ => None,
        }
    }
}

/// What covers the tabs, if anything.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    /// Asks before running a command that changes something.
    Confirm(Confirm),
    /// Typing a filter; the text is `Model::filter`, applied as it is typed.
    Filter,
    /// Typing a CID to pin; the text is `Model::input`.
    PinPrompt,
    /// Choosing which wizard to run.
    WizardMenu,
}

/// Actions that ask first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirm {
    RepoGc,
    Daemon { action: DaemonAction, name: String },
    Unpin { cid: String },
}

/// What the daemon keys ask of the supervisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaemonAction {
    Start,
    Stop,
    Restart,
}

impl DaemonAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DaemonAction::Start => "start",
            DaemonAction::Stop => "stop",
            DaemonAction::Restart => "restart",
        }
    }
}

/// The wizards the `w` key offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WizardChoice {
    Backend,
    Vfs,
    Monitoring,
}

impl WizardChoice {
    pub const ALL: [(char, WizardChoice, &'static str); 3] = [
        (
            'b',
            WizardChoice::Backend,
            "backend: a Kubo, Cluster, S3, path or pinning service",
        ),
        (
            'v',
            WizardChoice::Vfs,
            "vfs: MFS mounts, replication and cache",
        ),
        (
            'm',
            WizardChoice::Monitoring,
            "monitoring: intervals, alert thresholds, outputs",
        ),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WizardChoice::Backend => "backend",
            WizardChoice::Vfs => "vfs",
            WizardChoice::Monitoring => "monitoring",
        }
    }
}

/// The tail of a daemon's log, as last read from its file.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct LogTail {
    pub daemon: String,
    pub path: String,
    pub lines: Vec<String>,
    /// Why it could not be read.
    pub error: Option<String>,
}

/// One pin as the Pins tab lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct PinRow {
    pub cid: String,
    pub name: String,
    /// Cluster: the worst status over the peers (`pinned`, `pinning`, `pin_error`...);
    /// Kubo: the pin type (`recursive`).
    pub status: String,
}

/// The pin list, loaded when the Pins tab opens and after each pin change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PinList {
    /// `cluster` or `kubo`.
    pub via: String,
    pub pins: Vec<PinRow>,
    /// More pins exist than were loaded.
    pub truncated: bool,
    pub error: Option<String>,
    pub loading: bool,
}

/// How an operation of the dashboard ended (or that it has not yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpState {
    Running,
    Ok,
    Failed,
}

/// One entry of the in-memory operation history: an action the dashboard took.
#[derive(Clone, Debug, PartialEq)]
pub struct OpEntry {
    pub id: u64,
    /// When it started; set by the event loop (update() never reads a clock).
    pub time: Option<DateTime<Utc>>,
    pub action: String,
    pub target: String,
    pub state: OpState,
    pub duration_ms: Option<u64>,
    /// Also written to the operation history file (so the Operations list shows it from
    /// there, once).
    pub recorded: bool,
}

/// Operation history kept in memory, newest first.
pub const MAX_OPS: usize = 500;

/// Static facts about this run, for plain-words advice and the help screen.
#[derive(Clone, Debug, Default)]
pub struct AppInfo {
    /// The config file to point people at (`~/.config/ipfs-kit/config.toml`).
    pub config_path: String,
    /// Where the logs are (`~/.local/state/ipfs-kit/logs`).
    pub log_dir: String,
    /// Actions that change something are refused.
    pub read_only: bool,
    /// `ipfs-kit x.y.z`.
    pub version: String,
    /// Why daemons cannot be started from here (no supervisor: Kubo or Cluster not
    /// installed); `None` when the supervisor runs.
    pub no_supervisor: Option<String>,
    /// Daemons this dashboard starts are stopped when it ends (`--stop-on-exit`).
    pub stop_on_exit: bool,
    /// Where the snapshots come from: `local` (this process's collector), `attached <url>`,
    /// or `local: daemon gone` after a fallback. Shown in the header.
    pub feed: Option<String>,
}

/// The fleet, when one is configured: the nodes' rows as the watcher sends them, how the
/// tab orders them, and the node the whole dashboard shows instead of its own (`Enter`).
#[derive(Clone, Debug, Default)]
pub struct FleetState {
    pub rows: Arc<Vec<crate::fleet::FleetRow>>,
    pub sort: crate::fleet::FleetSort,
    /// The node on screen; `None`: this dashboard's own node.
    pub viewing: Option<String>,
}

/// Kubo bandwidth by (day, hour): the heat map's data, accumulated from the history rings as
/// snapshots arrive, so it covers the whole session, not only the retained window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Activity {
    buckets: BTreeMap<(NaiveDate, u32), Bucket>,
    last: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Bucket {
    in_sum: f64,
    in_n: u32,
    out_sum: f64,
    out_n: u32,
}

/// Days the heat map shows.
pub const ACTIVITY_DAYS: usize = 7;

impl Activity {
    /// Takes in the ring points newer than what was already counted.
    pub fn absorb(&mut self, snap: &Snapshot) {
        let h = &snap.history;
        let last = self.last;
        let newer = |t: &DateTime<Utc>| last.is_none_or(|l| *t > l);
        let mut newest = last;
        for (series, is_in) in [(Series::KuboBwInRate, true), (Series::KuboBwOutRate, false)] {
            let ring = h.ring(series);
            // Newest first, stopping at what was counted before.
            for (t, v) in ring.points().rev().take_while(|(t, _)| newer(t)) {
                newest = newest.max(Some(*t));
                let Some(v) = v.filter(|v| v.is_finite()) else {
                    continue;
                };
                let b = self.buckets.entry((t.date_naive(), t.hour())).or_default();
                if is_in {
                    b.in_sum += v;
                    b.in_n += 1;
                } else {
                    b.out_sum += v;
                    b.out_n += 1;
                }
            }
        }
        self.last = newest;
        if let Some(now) = newest {
            let oldest = now.date_naive() - ChronoDuration::days(ACTIVITY_DAYS as i64);
            self.buckets.retain(|(d, _), _| *d > oldest);
        }
    }

    /// Rows newest day first (`today` at the top), 24 hourly cells each: mean bytes/s in + out.
    pub fn grid(&self, today: NaiveDate) -> Vec<(String, Vec<Option<f64>>)> {
        (0..ACTIVITY_DAYS)
            .map(|back| {
                let day = today - ChronoDuration::days(back as i64);
                let cells = (0..24)
                    .map(|hour| {
                        self.buckets.get(&(day, hour)).and_then(|b| {
                            let mean = |s: f64, n: u32| (n > 0).then(|| s / f64::from(n));
                            match (mean(b.in_sum, b.in_n), mean(b.out_sum, b.out_n)) {
                                (None, None) => None,
                                (i, o) => Some(i.unwrap_or(0.0) + o.unwrap_or(0.0)),
                            }
                        })
                    })
                    .collect();
                (day.weekday().to_string(), cells)
            })
            .collect()
    }
}

/// Time windows `+`/`-` step through; capped by what the collector retains.
pub const ZOOMS: [Duration; 9] = [
    Duration::from_secs(60),
    Duration::from_secs(120),
    Duration::from_secs(300),
    Duration::from_secs(600),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(24 * 3600),
];

/// The Audit tab's state: what was asked of the analysis worker and what came back.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// The query the tab wants answered (filter, range, selected operation).
    pub query: crate::tui::analysis::AuditQuery,
    /// The last query sent to the worker (`None`: paused, the tab is not shown).
    pub asked: Option<crate::tui::analysis::AuditQuery>,
    /// The newest result; older than `query` while `busy`.
    pub view: Option<Arc<crate::tui::analysis::AuditView>>,
    /// The worker is loading or computing.
    pub busy: bool,
    /// The filter being typed (applied with Enter).
    pub input: String,
}

/// The dashboard's whole state.
#[derive(Clone, Debug)]
pub struct Model {
    pub info: AppInfo,
    pub theme: Theme,
    /// The snapshot on screen.
    pub snap: Arc<Snapshot>,
    /// The newest snapshot received while frozen.
    pub pending: Option<Arc<Snapshot>>,
    pub frozen: bool,
    pub tab: Tab,
    /// The focused panel of each tab; `None` is the tab's first panel.
    pub focus: [Option<Panel>; Tab::ALL.len()],
    /// The focused panel fills the body.
    pub expanded: bool,
    pub overlay: Overlay,
    /// Lists show only rows containing this (any case).
    pub filter: String,
    /// Index into [`ZOOMS`].
    pub zoom: usize,
    /// First row shown, per list.
    pub scroll: BTreeMap<ListKind, usize>,
    /// Newest first.
    pub ops: VecDeque<OpEntry>,
    pub next_op: u64,
    /// The newest entries of the operation history file, newest first; `None` when this
    /// run keeps no history file (then `ops` is all there is).
    pub audit: Option<Vec<crate::ophistory::OpEntry>>,
    /// Cursor row per selectable list (index into the filtered rows).
    pub cursor: BTreeMap<ListKind, usize>,
    /// The log of the daemon under the cursor.
    pub log: Option<LogTail>,
    /// The log view keeps to the newest line.
    pub log_follow: bool,
    pub pins: PinList,
    /// Text typed into a prompt.
    pub input: String,
    /// First line of the help shown (it scrolls on small screens).
    pub help_scroll: usize,
    pub activity: Activity,
    pub analysis: Analysis,
    /// `None`: no fleet configured (the Fleet tab is hidden).
    pub fleet: Option<FleetState>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// A one-line note in the footer until the next key (why a key did nothing).
    pub flash: Option<String>,
    pub quit: bool,
    /// Something on screen changed since the last draw.
    pub dirty: bool,
}

impl Model {
    pub fn new(info: AppInfo, theme: Theme, snap: Arc<Snapshot>, size: (u16, u16)) -> Self {
        let mut activity = Activity::default();
        activity.absorb(&snap);
        let mut m = Model {
            info,
            theme,
            snap,
            pending: None,
            frozen: false,
            tab: Tab::Overview,
            focus: [None; Tab::ALL.len()],
            expanded: false,
            overlay: Overlay::None,
            filter: String::new(),
            zoom: usize::MAX,
            scroll: BTreeMap::new(),
            ops: VecDeque::new(),
            next_op: 1,
            audit: None,
            cursor: BTreeMap::new(),
            log: None,
            log_follow: true,
            pins: PinList::default(),
            input: String::new(),
            help_scroll: 0,
            activity,
            analysis: Analysis::default(),
            fleet: None,
            size,
            flash: None,
            quit: false,
            dirty: true,
        };
        // Charts open on the whole retained window; `+` zooms in.
        m.zoom = m.max_zoom();
        m
    }

    /// The time window charts show.
    pub fn window(&self) -> Duration {
        ZOOMS[self.zoom.min(ZOOMS.len() - 1)]
    }

    /// The longest zoom the retained history covers (at least the shortest zoom).
    pub fn max_zoom(&self) -> usize {
        let retained = self.snap.history.window();
        ZOOMS.iter().rposition(|z| *z <= retained).unwrap_or(0)
    }

    /// Running operations.
    pub fn running(&self, action: &str) -> bool {
        self.ops
            .iter()
            .any(|o| o.state == OpState::Running && o.action == action)
    }

    /// The daemon under the Daemons cursor.
    pub fn selected_daemon(&self) -> Option<&crate::model::DaemonStatus> {
        let rows = crate::tui::lists::daemon_rows(self);
        let i = self.cursor.get(&ListKind::Daemons).copied().unwrap_or(0);
        rows.get(i).copied()
    }

    /// The alert under the Alerts cursor.
    pub fn selected_alert(&self) -> Option<&crate::alerts::Alert> {
        let rows = crate::tui::lists::active_alert_rows(self);
        let i = self
            .cursor
            .get(&ListKind::ActiveAlerts)
            .copied()
            .unwrap_or(0);
        rows.get(i).copied()
    }

    /// The pin under the Pins cursor.
    pub fn selected_pin(&self) -> Option<&PinRow> {
        let rows = crate::tui::lists::pin_rows(self);
        let i = self.cursor.get(&ListKind::Pins).copied().unwrap_or(0);
        rows.get(i).copied()
    }

    /// Whether `kind` has a cursor row here: the selectable lists, and the operation history
    /// on the Operations tab (its selection is what the Audit tab analyses).
    pub fn has_cursor(&self, kind: ListKind) -> bool {
        kind.selectable() || (kind == ListKind::History && self.tab == Tab::Operations)
    }

    /// The operation under the Operations cursor, by the ids of its history line; `None` for
    /// an action of this session not yet in the file.
    pub fn selected_op(&self) -> Option<crate::tui::analysis::SelectedOp> {
        let i = self.cursor.get(&ListKind::History).copied().unwrap_or(0);
        crate::tui::convert::history_ids(self)
            .get(i)
            .cloned()
            .flatten()
    }

    /// The tabs on the tab bar, in order: Fleet only with a fleet.
    pub fn tabs(&self) -> Vec<Tab> {
        Tab::ALL
            .iter()
            .copied()
            .filter(|t| *t != Tab::Fleet || self.fleet.is_some())
            .collect()
    }

    /// The tab after (`by` 1) or before (-1) the current one on the tab bar.
    pub fn tab_step(&self, by: isize) -> Tab {
        let tabs = self.tabs();
        let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0) as isize;
        let n = tabs.len() as isize;
        tabs[((i + by).rem_euclid(n)) as usize]
    }

    /// The fleet node under the Fleet cursor.
    pub fn selected_fleet_node(&self) -> Option<&crate::fleet::FleetRow> {
        let rows = crate::tui::lists::fleet_rows(self);
        let i = self.cursor.get(&ListKind::Fleet).copied().unwrap_or(0);
        rows.get(i).copied()
    }

    /// The fleet node the dashboard shows instead of its own.
    pub fn viewing(&self) -> Option<&str> {
        self.fleet.as_ref()?.viewing.as_deref()
    }

    /// Cluster answered its last poll.
    pub fn cluster_up(&self) -> bool {
        use crate::model::SourceState;
        matches!(
            self.snap.cluster.state,
            SourceState::Ok | SourceState::Degraded
        )
    }

    /// Kubo answered its last poll.
    pub fn kubo_up(&self) -> bool {
        use crate::model::SourceState;
        matches!(
            self.snap.kubo.state,
            SourceState::Ok | SourceState::Degraded
        )
    }
}
