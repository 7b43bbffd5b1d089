//! What the supervisor knows about each daemon, as shown by `daemon status --json`, the
//! dashboard and the snapshot.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DaemonState {
    Stopped,
    Starting,
    Ready,
    /// Running but not serving fully (Cluster whose Kubo is unreachable).
    Degraded,
    Stopping,
    Crashed,
    /// Waiting to restart after a crash.
    BackingOff,
    /// Crashed more often than the restart budget allows; no more restarts.
    Failed,
}

impl DaemonState {
    pub fn as_str(self) -> &'static str {
        match self {
            DaemonState::Stopped => "stopped",
            DaemonState::Starting => "starting",
            DaemonState::Ready => "ready",
            DaemonState::Degraded => "degraded",
            DaemonState::Stopping => "stopping",
            DaemonState::Crashed => "crashed",
            DaemonState::BackingOff => "backing-off",
            DaemonState::Failed => "failed",
        }
    }

    pub fn is_running(self) -> bool {
        matches!(
            self,
            DaemonState::Starting | DaemonState::Ready | DaemonState::Degraded
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PortInfo {
    pub name: String,
    pub port: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DaemonStatus {
    pub name: String,
    pub state: DaemonState,
    pub pid: Option<u32>,
    /// Found already running and watched rather than started by ipfs-kit.
    pub adopted: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub uptime_secs: Option<u64>,
    /// Automatic restarts since the supervisor started.
    pub restarts: u32,
    /// How the process last ended, e.g. "exit code 1" or "killed by SIGKILL".
    pub last_exit: Option<String>,
    pub last_exit_at: Option<DateTime<Utc>>,
    pub ports: Vec<PortInfo>,
    /// The API address it serves.
    pub api: Option<String>,
    /// Repo or config directory.
    pub dir: String,
    pub log: String,
    /// Why it is degraded, failed or stopped.
    pub message: Option<String>,
}

impl DaemonStatus {
    /// Whether the two say the same thing but for the uptime, which changes every second.
    pub fn same_but_uptime(&self, other: &DaemonStatus) -> bool {
        *self
            == DaemonStatus {
                uptime_secs: self.uptime_secs,
                ..other.clone()
            }
    }

    /// `same_but_uptime` for whole lists.
    pub fn all_same_but_uptime(a: &[DaemonStatus], b: &[DaemonStatus]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_but_uptime(y))
    }
}
