//! Metric paths a rule can watch. Parsed once when the config is read (`try_from = "String"`),
//! so a typo becomes a config error pointing at the value, not a rule that silently never fires.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// A source of the snapshot, for `source.<name>.*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceName {
    Host,
    Kubo,
    Cluster,
}

impl SourceName {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceName::Host => "host",
            SourceName::Kubo => "kubo",
            SourceName::Cluster => "cluster",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "host" => Some(SourceName::Host),
            "kubo" => Some(SourceName::Kubo),
            "cluster" => Some(SourceName::Cluster),
            _ => None,
        }
    }
}

/// What a rule compares against its thresholds. See `resolve.rs` for how each is computed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum Metric {
    /// Repo size as a percentage of `Datastore.StorageMax` (absent when StorageMax is unset).
    KuboRepoUsagePercent,
    KuboRepoSizeBytes,
    /// Connected swarm peers.
    KuboPeers,
    /// Recursive pins.
    KuboPins,
    /// Cluster peers (this one included).
    ClusterPeers,
    /// Expected peers (from the context) minus peers answering without error; without an
    /// expectation, the peers that report an error.
    ClusterPeersMissing,
    /// Pins in the shared state.
    ClusterPins,
    /// (pin, peer) pairs in one tracker status, e.g. `pin_error`.
    ClusterPinStatus(String),
    /// (pin, peer) pairs in `pin_queued`, `queued` or `pinning`.
    ClusterPinsQueued,
    /// Minutes the queued count has stayed above zero without a break (engine-tracked).
    ClusterPinsQueuedMinutes,
    /// Cluster health alerts (`GET /health/alerts`).
    ClusterHealthAlerts,
    /// 1 while Cluster cannot reach its Kubo, else 0.
    ClusterIpfsError,
    HostCpuPercent,
    HostMemoryPercent,
    /// Space left to unprivileged writers on the filesystem holding the Kubo repo (else `/`),
    /// in percent: 100 − df's Use%, so root's reserve counts as neither used nor available.
    HostDiskFreePercent,
    HostDiskFreeBytes,
    /// 1 while the source is down, 0 while it answers.
    SourceDown(SourceName),
    /// Response time of the source's primary call.
    SourceLatencyMs(SourceName),
    /// 1 while a supervised daemon has exited unexpectedly and is not running.
    DaemonCrashed(String),
    /// 1 once the supervisor gave up restarting a daemon.
    DaemonRestartBudgetExhausted(String),
    /// 1 while ipfs-kit cannot write its operation or alert history to the state dir.
    StateUnwritable,
    /// Operations whose p95 over the last hour is above their saved baseline × the slow
    /// factor (`performance baseline --operation` saves one); absent without a monitor.
    PerfRegressions,
    /// One operation's p95 over the last hour, in ms (`perf.p95_ms.kubo.id`).
    PerfP95Ms(String),
}

/// Tracker status names of IPFS Cluster v1.1 (`api/types.go`), to catch typos.
pub const PIN_STATUSES: &[&str] = &[
    "undefined",
    "cluster_error",
    "pin_error",
    "unpin_error",
    "error",
    "pinned",
    "pinning",
    "unpinning",
    "unpinned",
    "remote",
    "pin_queued",
    "unpin_queued",
    "queued",
    "sharded",
    "unexpectedly_unpinned",
];

/// Every fixed metric name, shown when a name is unknown.
const FIXED: &[(&str, Metric)] = &[
    ("kubo.repo.usage_percent", Metric::KuboRepoUsagePercent),
    ("kubo.repo.size_bytes", Metric::KuboRepoSizeBytes),
    ("kubo.peers", Metric::KuboPeers),
    ("kubo.pins", Metric::KuboPins),
    ("cluster.peers", Metric::ClusterPeers),
    ("cluster.peers_missing", Metric::ClusterPeersMissing),
    ("cluster.pins", Metric::ClusterPins),
    ("cluster.pins.queued", Metric::ClusterPinsQueued),
    (
        "cluster.pins.queued_minutes",
        Metric::ClusterPinsQueuedMinutes,
    ),
    ("cluster.health_alerts", Metric::ClusterHealthAlerts),
    ("cluster.ipfs_error", Metric::ClusterIpfsError),
    ("host.cpu_percent", Metric::HostCpuPercent),
    ("host.memory_percent", Metric::HostMemoryPercent),
    ("host.disk_free_percent", Metric::HostDiskFreePercent),
    ("host.disk_free_bytes", Metric::HostDiskFreeBytes),
    ("state.unwritable", Metric::StateUnwritable),
    ("perf.regressions", Metric::PerfRegressions),
];

const PATTERNS: &str = "cluster.pin_status.<status>, source.<host|kubo|cluster>.down, \
     source.<host|kubo|cluster>.latency_ms, daemon.<name>.crashed, \
     daemon.<name>.restart_budget_exhausted, perf.p95_ms.<operation>";

impl FromStr for Metric {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if let Some((_, m)) = FIXED.iter().find(|(name, _)| *name == s) {
            return Ok(m.clone());
        }
        if let Some(status) = s.strip_prefix("cluster.pin_status.") {
            if PIN_STATUSES.contains(&status) {
                return Ok(Metric::ClusterPinStatus(status.to_string()));
            }
            return Err(format!(
                "unknown Cluster pin status {status:?} in metric {s:?}; one of: {}",
                PIN_STATUSES.join(", ")
            ));
        }
        if let Some(op) = s.strip_prefix("perf.p95_ms.") {
            if is_operation_name(op) {
                return Ok(Metric::PerfP95Ms(op.to_string()));
            }
            return Err(format!(
                "bad operation {op:?} in metric {s:?}; use a name `ipfs-kit performance metrics` \
                 lists, e.g. perf.p95_ms.kubo.id"
            ));
        }
        if let Some(rest) = s.strip_prefix("source.")
            && let Some((name, field)) = rest.split_once('.')
        {
            let Some(src) = SourceName::parse(name) else {
                return Err(format!(
                    "unknown source {name:?} in metric {s:?}; use host, kubo or cluster"
                ));
            };
            match field {
                "down" => return Ok(Metric::SourceDown(src)),
                "latency_ms" => return Ok(Metric::SourceLatencyMs(src)),
                _ => {}
            }
        }
        if let Some(rest) = s.strip_prefix("daemon.")
            && let Some((name, field)) = rest.rsplit_once('.')
            && is_daemon_name(name)
        {
            match field {
                "crashed" => return Ok(Metric::DaemonCrashed(name.to_string())),
                "restart_budget_exhausted" => {
                    return Ok(Metric::DaemonRestartBudgetExhausted(name.to_string()));
                }
                _ => {}
            }
        }
        let names: Vec<&str> = FIXED.iter().map(|(n, _)| *n).collect();
        Err(format!(
            "unknown metric {s:?}; known metrics: {}, {PATTERNS}",
            names.join(", ")
        ))
    }
}

impl TryFrom<String> for Metric {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

fn is_daemon_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Operation names as the monitor writes them: `kubo.repo/stat`, `tui.frame`.
fn is_operation_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-'))
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((name, _)) = FIXED.iter().find(|(_, m)| m == self) {
            return f.write_str(name);
        }
        match self {
            Metric::ClusterPinStatus(s) => write!(f, "cluster.pin_status.{s}"),
            Metric::SourceDown(s) => write!(f, "source.{}.down", s.as_str()),
            Metric::SourceLatencyMs(s) => write!(f, "source.{}.latency_ms", s.as_str()),
            Metric::DaemonCrashed(d) => write!(f, "daemon.{d}.crashed"),
            Metric::DaemonRestartBudgetExhausted(d) => {
                write!(f, "daemon.{d}.restart_budget_exhausted")
            }
            Metric::PerfP95Ms(op) => write!(f, "perf.p95_ms.{op}"),
            // Every other variant is in FIXED.
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for name in [
            "kubo.repo.usage_percent",
            "kubo.peers",
            "cluster.pin_status.pin_error",
            "cluster.pins.queued_minutes",
            "source.kubo.down",
            "source.cluster.latency_ms",
            "daemon.kubo.crashed",
            "daemon.my-cluster.restart_budget_exhausted",
            "host.disk_free_percent",
            "state.unwritable",
            "perf.regressions",
            "perf.p95_ms.kubo.repo/stat",
        ] {
            let m: Metric = name.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(m.to_string(), name);
        }
    }

    #[test]
    fn unknown_names_explain_what_is_known() {
        let e = "kubo.peer".parse::<Metric>().unwrap_err();
        assert!(e.contains("unknown metric \"kubo.peer\""), "{e}");
        assert!(e.contains("kubo.peers"), "{e}");
        let e = "cluster.pin_status.pin_eror".parse::<Metric>().unwrap_err();
        assert!(e.contains("pin_error"), "{e}");
        let e = "source.lotus.down".parse::<Metric>().unwrap_err();
        assert!(e.contains("host, kubo or cluster"), "{e}");
        assert!("daemon.Kubo.crashed".parse::<Metric>().is_err());
        assert!("daemon.kubo.exploded".parse::<Metric>().is_err());
        let e = "perf.p95_ms.".parse::<Metric>().unwrap_err();
        assert!(e.contains("perf.p95_ms.kubo.id"), "{e}");
    }
}
