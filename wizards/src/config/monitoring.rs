//! `[monitoring]`: what the collector polls and how often, when alerts fire, and where
//! results go. Every field has a default, so `[monitoring]` alone is a valid section.

use std::fmt::Display;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::values::{AbsPath, Interval, LogLevel, Percent, SourceInterval};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitoringConfig {
    pub sources: Sources,
    pub thresholds: Thresholds,
    pub outputs: Outputs,
}

/// Poll interval per source, or `off`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sources {
    /// Kubo RPC: peers, bandwidth, repo size.
    pub kubo: SourceInterval,
    /// IPFS Cluster REST: peers and pin status.
    pub cluster: SourceInterval,
    /// This host: CPU, memory, disks.
    pub host: SourceInterval,
    /// The connection probe of every `[backends.*]` entry.
    pub backends: SourceInterval,
    /// `files/stat` of every `[vfs.*]` mount.
    pub vfs: SourceInterval,
}

fn every(secs: u64) -> SourceInterval {
    SourceInterval::Every(Interval(Duration::from_secs(secs)))
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            kubo: every(2),
            cluster: every(5),
            host: every(1),
            backends: every(60),
            vfs: every(30),
        }
    }
}

/// Levels for a value that is bad when high: warning at `warning` or more, critical at
/// `critical` or more, so `warning < critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Levels<T>")]
#[serde(bound(deserialize = "T: Deserialize<'de> + PartialOrd + Display + Copy"))]
pub struct Above<T> {
    pub warning: T,
    pub critical: T,
}

/// Levels for a value that is bad when low: warning below `warning`, critical below
/// `critical`, so `warning > critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Levels<T>")]
#[serde(bound(deserialize = "T: Deserialize<'de> + PartialOrd + Display + Copy"))]
pub struct Below<T> {
    pub warning: T,
    pub critical: T,
}

/// The unchecked pair as written in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Levels<T> {
    warning: T,
    critical: T,
}

impl<T: PartialOrd + Display + Copy> Above<T> {
    pub fn new(warning: T, critical: T) -> Result<Self, String> {
        if warning < critical {
            Ok(Above { warning, critical })
        } else {
            Err(format!(
                "warning {warning} is not below critical {critical}; expected warning < critical, since the warning should come first as the value rises"
            ))
        }
    }
}

impl<T: PartialOrd + Display + Copy> Below<T> {
    pub fn new(warning: T, critical: T) -> Result<Self, String> {
        if warning > critical {
            Ok(Below { warning, critical })
        } else {
            Err(format!(
                "warning {warning} is not above critical {critical}; expected warning > critical, since the warning should come first as the value falls"
            ))
        }
    }
}

impl<T: PartialOrd + Display + Copy> TryFrom<Levels<T>> for Above<T> {
    type Error = String;
    fn try_from(l: Levels<T>) -> Result<Self, String> {
        Above::new(l.warning, l.critical)
    }
}

impl<T: PartialOrd + Display + Copy> TryFrom<Levels<T>> for Below<T> {
    type Error = String;
    fn try_from(l: Levels<T>) -> Result<Self, String> {
        Below::new(l.warning, l.critical)
    }
}

/// Alert thresholds, each with a warning and a critical level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Kubo repo size as a share of its `Datastore.StorageMax` (GC starts near 90%).
    pub repo_used_percent: Above<Percent>,
    /// Connected swarm peers: alert when fewer than these.
    pub min_peers: Below<u32>,
    /// Pins in error state (Kubo or Cluster).
    pub pin_errors: Above<u32>,
    /// Cluster peers that do not answer.
    pub cluster_peers_down: Above<u32>,
    /// Free space on the disk holding the repo: alert when below these.
    pub disk_free_percent: Below<Percent>,
    pub cpu_percent: Above<Percent>,
    pub memory_percent: Above<Percent>,
}

impl Default for Thresholds {
    fn default() -> Self {
        let pct = |w, c| Above {
            warning: Percent(w),
            critical: Percent(c),
        };
        Thresholds {
            repo_used_percent: pct(80, 95),
            min_peers: Below {
                warning: 4,
                critical: 1,
            },
            pin_errors: Above {
                warning: 1,
                critical: 10,
            },
            cluster_peers_down: Above {
                warning: 1,
                critical: 2,
            },
            disk_free_percent: Below {
                warning: Percent(15),
                critical: Percent(5),
            },
            cpu_percent: pct(85, 95),
            memory_percent: pct(85, 95),
        }
    }
}

/// Where monitoring results go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Outputs {
    /// How long samples and alerts are kept in history.
    pub history_retention: Interval,
    /// Where the latest snapshot is written as JSON on every tick; none to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_file: Option<AbsPath>,
    pub log_level: LogLevel,
}

impl Default for Outputs {
    fn default() -> Self {
        Outputs {
            history_retention: Interval(Duration::from_secs(24 * 3600)),
            snapshot_file: None,
            log_level: LogLevel::Info,
        }
    }
}
