//! The one data model: a Snapshot of every source, published by the collector and read by
//! every view (TUI, `--once --json`, alerts, history). Plain data, serde + JSON Schema.

mod cluster;
mod condition;
mod daemon;
mod health;
mod host;
mod kubo;
mod perf;
pub mod series;
mod source;
mod state_writes;
mod storage;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

pub use cluster::{ClusterAlert, ClusterPeer, ClusterStats, PeerFreeSpace};
pub use condition::{AlertCounts, Condition, local_port};
pub use daemon::{DaemonState, DaemonStatus, PortInfo};
pub use health::{Health, HealthLevel, Status, alert_source};
pub use host::{DiskStats, HostStats, ProcessStats};
pub use kubo::{BandwidthStats, BitswapStats, KuboStats, ProvideStats, RepoStats};
pub use perf::{OpPerf, PerfView};
pub use series::{History, Ring, SavedHistory, Series};
pub use source::{SourceState, SourceStatus};
pub use state_writes::StateWrites;
pub use storage::{BackendStatus, VfsMountStats};

/// Bumped whenever a field changes meaning or disappears; additions keep the version.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct Snapshot {
    pub schema_version: u32,
    /// When this snapshot was assembled (RFC 3339, UTC).
    pub time: DateTime<Utc>,
    pub host: SourceStatus<HostStats>,
    pub kubo: SourceStatus<KuboStats>,
    pub cluster: SourceStatus<ClusterStats>,
    /// Configured storage backends and their last probe.
    pub backends: Vec<BackendStatus>,
    /// VFS mounts with size, blocks and local share.
    pub vfs: Vec<VfsMountStats>,
    /// Daemons run by ipfs-kit's supervisor (empty when it runs none).
    pub daemons: Vec<DaemonStatus>,
    /// Active alerts (pending and firing) from the alert rules, most severe first.
    pub alerts: Vec<crate::alerts::Alert>,
    /// Derived from the source states and alerts; drives the exit code of headless modes.
    pub health: Health,
    /// ipfs-kit's own writes to its state dir (operation and alert history): failures,
    /// entries waiting in memory, entries dropped.
    pub state_writes: StateWrites,
    /// ipfs-kit's performance monitor (the dashboard and `supervise` run one; absent in
    /// one-shot runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance: Option<Arc<PerfView>>,
    /// Recent alert events (fired, escalated, resolved, acknowledged), newest first, from
    /// `alerts.jsonl`; for the dashboard's alert history, not part of the JSON document.
    #[serde(skip)]
    #[schemars(skip)]
    pub alert_log: Arc<Vec<crate::alerts::AlertEvent>>,
    /// Time series for charts; not part of the JSON document.
    #[serde(skip)]
    #[schemars(skip)]
    pub history: Arc<History>,
}

impl Snapshot {
    /// An empty snapshot: every source not yet polled.
    pub fn empty(kubo_endpoint: String, cluster_endpoint: String, cluster_enabled: bool) -> Self {
        let mut cluster = SourceStatus::new("cluster", Some(cluster_endpoint));
        if !cluster_enabled {
            cluster.state = SourceState::Disabled;
        }
        let mut snap = Snapshot {
            schema_version: SCHEMA_VERSION,
            time: Utc::now(),
            host: SourceStatus::new("host", None),
            kubo: SourceStatus::new("kubo", Some(kubo_endpoint)),
            cluster,
            backends: Vec::new(),
            vfs: Vec::new(),
            daemons: Vec::new(),
            alerts: Vec::new(),
            health: Health::default(),
            state_writes: StateWrites::default(),
            performance: None,
            alert_log: Arc::new(Vec::new()),
            history: Arc::new(History::default()),
        };
        snap.health = Health::derive(&snap, true);
        snap
    }

    /// The supervised daemon named `role` ("kubo" or "cluster") that serves the API this
    /// snapshot watches, if ipfs-kit supervises it.
    pub fn watched_daemon(&self, role: &str) -> Option<&DaemonStatus> {
        let watched = match role {
            "kubo" => self.kubo.endpoint.as_deref(),
            _ => self.cluster.endpoint.as_deref(),
        }?;
        let same = |api: &str| watched.trim_end_matches('/') == api.trim_end_matches('/');
        self.daemons
            .iter()
            .find(|d| d.name == role && d.api.as_deref().is_some_and(same))
    }
}
