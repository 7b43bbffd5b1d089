//! The config file as written on disk: every field optional with a default, unknown keys
//! rejected so a typo is an error with a line number rather than a silent no-op.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::auth::Auth;
use super::endpoint::Endpoint;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub kubo: KuboSection,
    pub cluster: ClusterSection,
    pub host: HostSection,
    pub collector: CollectorSection,
    pub paths: PathsSection,
    pub supervisor: SupervisorSection,
    pub alerts: crate::alerts::AlertsSection,
    pub history: crate::ophistory::HistorySection,
    pub audit: crate::analytics::AuditSection,
    pub cache: crate::cache::CacheSection,
    /// The daemon's HTTP API (`supervise`, and a dashboard running its own collector).
    pub api: crate::api::config::ApiSection,
    /// `[[fleet.nodes]]`: remote ipfs-kit daemons for the Fleet tab and `ipfs-kit fleet`.
    pub fleet: crate::fleet::FleetSection,
    /// Storage backends probed on an interval (written by `ipfs-kit wizard backend`).
    pub backends: std::collections::BTreeMap<String, ipfs_kit_wizards::BackendConfig>,
    /// VFS mounts (written by `ipfs-kit wizard vfs`).
    pub vfs: std::collections::BTreeMap<String, ipfs_kit_wizards::VfsConfig>,
    /// Intervals, thresholds and outputs (written by `ipfs-kit wizard monitoring`).
    pub monitoring: Option<ipfs_kit_wizards::MonitoringConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KuboSection {
    /// RPC API address; when absent it is discovered ($IPFS_PATH/api, ~/.ipfs/api, :5001).
    pub api: Option<Endpoint>,
    /// `bearer:TOKEN` or `basic:USER:PASSWORD`.
    pub auth: Option<Auth>,
    /// Name of an environment variable holding the auth string, to keep it out of the file.
    pub auth_env: Option<String>,
    #[serde(deserialize_with = "interval")]
    pub interval: Duration,
    #[serde(deserialize_with = "interval")]
    pub timeout: Duration,
    /// How often to count pins (`pin/ls?type=recursive&stream=true`).
    #[serde(deserialize_with = "interval")]
    pub pins_every: Duration,
    /// How often to run the full `repo/stat` that walks every block (slow on big repos).
    #[serde(deserialize_with = "interval")]
    pub full_repo_stat_every: Duration,
}

impl Default for KuboSection {
    fn default() -> Self {
        KuboSection {
            api: None,
            auth: None,
            auth_env: None,
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            pins_every: Duration::from_secs(10),
            full_repo_stat_every: Duration::from_secs(600),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterSection {
    /// `true`: always watch; `false`: never; absent: watch, and treat it as required only
    /// when an address is configured.
    pub enabled: Option<bool>,
    pub api: Option<Endpoint>,
    pub auth: Option<Auth>,
    pub auth_env: Option<String>,
    #[serde(deserialize_with = "interval")]
    pub interval: Duration,
    #[serde(deserialize_with = "interval")]
    pub timeout: Duration,
    /// How often to ask for per-peer pin status (`GET /pins` asks every peer's Kubo).
    #[serde(deserialize_with = "interval")]
    pub pin_status_every: Duration,
}

impl Default for ClusterSection {
    fn default() -> Self {
        ClusterSection {
            enabled: None,
            api: None,
            auth: None,
            auth_env: None,
            interval: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            pin_status_every: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HostSection {
    #[serde(deserialize_with = "interval")]
    pub interval: Duration,
}

impl Default for HostSection {
    fn default() -> Self {
        HostSection {
            interval: Duration::from_secs(1),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CollectorSection {
    /// How much history the in-memory rings keep (charts, trends).
    #[serde(deserialize_with = "interval")]
    pub history: Duration,
    /// Longest wait between retries of a source that is down.
    #[serde(deserialize_with = "interval")]
    pub max_backoff: Duration,
}

impl Default for CollectorSection {
    fn default() -> Self {
        CollectorSection {
            history: Duration::from_secs(600),
            max_backoff: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PathsSection {
    /// Where history, logs and the embedded node live (default $XDG_STATE_HOME/ipfs-kit).
    pub state_dir: Option<PathBuf>,
}

/// A humantime duration ("500ms", "2s", "10m") between 100 ms and 7 days.
fn interval<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    parse_interval(&text).map_err(serde::de::Error::custom)
}

pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let dur = humantime::parse_duration(text.trim()).map_err(|e| {
        format!("invalid duration {text:?} ({e}); write e.g. \"500ms\", \"2s\" or \"10m\"")
    })?;
    if dur < Duration::from_millis(100) || dur > Duration::from_secs(7 * 24 * 3600) {
        return Err(format!(
            "duration {text:?} is out of range; use 100ms to 7d"
        ));
    }
    Ok(dur)
}

/// How `ipfs-kit daemon`, `supervise` and the dashboard run Kubo and Cluster.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupervisorSection {
    /// Kubo repo (default <state_dir>/node/kubo).
    pub kubo_repo: Option<PathBuf>,
    /// Cluster config dir (default <state_dir>/node/cluster).
    pub cluster_dir: Option<PathBuf>,
    /// First restart delay; doubled per crash up to `restart_backoff_max`.
    #[serde(deserialize_with = "interval")]
    pub restart_backoff: Duration,
    #[serde(deserialize_with = "interval")]
    pub restart_backoff_max: Duration,
    /// Restarts allowed within `restart_window`; past it the daemon is `failed`.
    pub restart_budget: u32,
    #[serde(deserialize_with = "interval")]
    pub restart_window: Duration,
    /// Graceful stop time before SIGKILL.
    #[serde(deserialize_with = "interval")]
    pub stop_timeout: Duration,
    #[serde(deserialize_with = "interval")]
    pub ready_timeout: Duration,
    /// "fail" (default): refuse and name the owner; "next-free": move to the next free port.
    pub on_port_conflict: PortConflictSetting,
    /// Other daemons an operator runs beside Kubo and Cluster.
    pub extra: Vec<ExtraDaemon>,
}

impl Default for SupervisorSection {
    fn default() -> Self {
        SupervisorSection {
            kubo_repo: None,
            cluster_dir: None,
            restart_backoff: Duration::from_secs(1),
            restart_backoff_max: Duration::from_secs(60),
            restart_budget: 5,
            restart_window: Duration::from_secs(600),
            stop_timeout: Duration::from_secs(20),
            ready_timeout: Duration::from_secs(90),
            on_port_conflict: PortConflictSetting::Fail,
            extra: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortConflictSetting {
    #[default]
    Fail,
    NextFree,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraDaemon {
    pub name: String,
    /// Program and arguments, e.g. ["/usr/local/bin/my-gateway", "--port", "8081"].
    pub command: Vec<String>,
    /// Working directory (default: the state dir).
    pub dir: Option<PathBuf>,
    pub ready_url: Option<String>,
    pub ready_log: Option<String>,
}
