//! One Fleet row per node, from its newest snapshot and the state of the connection to it:
//! what an operator scans a fleet for, in the order they look.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::{HealthLevel, Snapshot, SourceState, Status};

/// The connection to a node's daemon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Not answered yet.
    Connecting,
    /// Snapshots arrive.
    Up,
    /// The daemon does not answer (see `error`); its last figures are kept.
    Down,
}

impl Reach {
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::Connecting => "connecting",
            Reach::Up => "up",
            Reach::Down => "down",
        }
    }
}

/// A node as the Fleet tab and `ipfs-kit fleet --json` show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FleetRow {
    pub name: String,
    pub url: String,
    pub state: Reach,
    /// Why it is down.
    pub error: Option<String>,
    /// The daemon's health (of its last snapshot).
    pub health: Option<HealthLevel>,
    /// Its monitoring-plugin status (what `--once` would exit with there).
    pub status: Option<Status>,
    pub score: Option<u8>,
    pub kubo: Option<SourceState>,
    pub cluster: Option<SourceState>,
    /// Kubo's swarm peers.
    pub peers: Option<u64>,
    pub cluster_peers: Option<u64>,
    /// Kubo's recursive pins; Cluster's pins.
    pub pins: Option<u64>,
    pub cluster_pins: Option<u64>,
    pub repo_bytes: Option<u64>,
    pub repo_max_bytes: Option<u64>,
    /// Alerts firing (pending ones are not counted).
    pub alerts_firing: usize,
    /// When its newest snapshot arrived.
    pub last_seen: Option<DateTime<Utc>>,
}

impl FleetRow {
    /// A node before its first snapshot, or down with `error` and no figures.
    pub fn unseen(name: &str, url: &str, state: Reach, error: Option<String>) -> FleetRow {
        FleetRow {
            name: name.to_string(),
            url: url.to_string(),
            state,
            error,
            health: None,
            status: None,
            score: None,
            kubo: None,
            cluster: None,
            peers: None,
            cluster_peers: None,
            pins: None,
            cluster_pins: None,
            repo_bytes: None,
            repo_max_bytes: None,
            alerts_firing: 0,
            last_seen: None,
        }
    }

    /// A node's row from its snapshot, seen at `seen`.
    pub fn from_snapshot(name: &str, url: &str, s: &Snapshot, seen: DateTime<Utc>) -> FleetRow {
        let kubo = s.kubo.data.as_ref();
        let cluster = s.cluster.data.as_ref();
        let repo = kubo.and_then(|k| k.repo.as_ref());
        FleetRow {
            health: Some(s.health.level),
            status: Some(s.health.status),
            score: s.health.score,
            kubo: Some(s.kubo.state),
            cluster: Some(s.cluster.state),
            peers: kubo.and_then(|k| k.peers),
            cluster_peers: cluster.map(|c| c.peer_count),
            pins: kubo.and_then(|k| k.recursive_pins),
            cluster_pins: cluster.map(|c| c.pin_count),
            repo_bytes: repo.map(|r| r.size_bytes),
            repo_max_bytes: repo.and_then(|r| r.storage_max_bytes),
            alerts_firing: s.alerts.iter().filter(|a| a.is_firing()).count(),
            last_seen: Some(seen),
            ..FleetRow::unseen(name, url, Reach::Up, None)
        }
    }

    /// The same row, now unreachable: the figures stay (dimmed on screen), the state says why.
    pub fn gone(mut self, error: String) -> FleetRow {
        self.state = Reach::Down;
        self.error = Some(error);
        self
    }

    /// Worst first: down, then by health level, then score.
    pub fn badness(&self) -> (u8, u8, u8) {
        let reach = match self.state {
            Reach::Down => 2,
            Reach::Connecting => 1,
            Reach::Up => 0,
        };
        let level = match self.health {
            Some(HealthLevel::Unhealthy) => 3,
            Some(HealthLevel::Degraded) => 2,
            Some(HealthLevel::Unknown) | None => 1,
            Some(HealthLevel::Healthy) => 0,
        };
        (reach, level, 100 - self.score.unwrap_or(0).min(100))
    }

    /// The repo as a table cell: `84.0 GiB 42%` (of StorageMax), `84.0 GiB`, or `-`.
    pub fn repo_text(&self) -> String {
        match (self.repo_bytes, self.repo_use()) {
            (Some(b), Some(u)) => format!("{} {:.0}%", crate::format::bytes(b), u * 100.0),
            (Some(b), None) => crate::format::bytes(b),
            _ => "-".into(),
        }
    }

    /// Repo use against StorageMax, 0-1.
    pub fn repo_use(&self) -> Option<f64> {
        match (self.repo_bytes, self.repo_max_bytes) {
            (Some(b), Some(m)) if m > 0 => Some(b as f64 / m as f64),
            _ => None,
        }
    }
}

/// How the Fleet tab orders its rows (`o` cycles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FleetSort {
    /// Down and unhealthy first: what needs looking at.
    #[default]
    Worst,
    Name,
    Pins,
    Peers,
    Repo,
    Alerts,
}

impl FleetSort {
    pub const ALL: [FleetSort; 6] = [
        FleetSort::Worst,
        FleetSort::Name,
        FleetSort::Pins,
        FleetSort::Peers,
        FleetSort::Repo,
        FleetSort::Alerts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FleetSort::Worst => "worst first",
            FleetSort::Name => "name",
            FleetSort::Pins => "pins",
            FleetSort::Peers => "peers",
            FleetSort::Repo => "repo use",
            FleetSort::Alerts => "alerts",
        }
    }

    pub fn next(self) -> FleetSort {
        let i = FleetSort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        FleetSort::ALL[(i + 1) % FleetSort::ALL.len()]
    }

    /// Sorts `rows` (figures: largest first; ties by name).
    pub fn sort(self, rows: &mut [&FleetRow]) {
        rows.sort_by(|a, b| {
            let by = match self {
                FleetSort::Worst => b.badness().cmp(&a.badness()),
                FleetSort::Name => std::cmp::Ordering::Equal,
                FleetSort::Pins => b.pins.cmp(&a.pins),
                FleetSort::Peers => b.peers.cmp(&a.peers),
                FleetSort::Repo => b
                    .repo_use()
                    .unwrap_or(-1.0)
                    .total_cmp(&a.repo_use().unwrap_or(-1.0)),
                FleetSort::Alerts => b.alerts_firing.cmp(&a.alerts_firing),
            };
            by.then_with(|| a.name.cmp(&b.name))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, state: Reach, health: HealthLevel, pins: u64) -> FleetRow {
        FleetRow {
            health: Some(health),
            pins: Some(pins),
            ..FleetRow::unseen(name, "http://x:1", state, None)
        }
    }

    #[test]
    fn worst_first_puts_down_then_unhealthy_nodes_on_top() {
        let rows = [
            row("a", Reach::Up, HealthLevel::Healthy, 5),
            row("b", Reach::Down, HealthLevel::Healthy, 1),
            row("c", Reach::Up, HealthLevel::Unhealthy, 9),
        ];
        let mut r: Vec<&FleetRow> = rows.iter().collect();
        FleetSort::Worst.sort(&mut r);
        let names: Vec<&str> = r.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["b", "c", "a"]);
        FleetSort::Pins.sort(&mut r);
        let names: Vec<&str> = r.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
        FleetSort::Name.sort(&mut r);
        let names: Vec<&str> = r.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn a_gone_node_keeps_its_figures_and_says_why() {
        let r = row("a", Reach::Up, HealthLevel::Healthy, 5).gone("connection refused".into());
        assert_eq!(r.state, Reach::Down);
        assert_eq!(r.pins, Some(5));
        assert_eq!(r.error.as_deref(), Some("connection refused"));
    }
}
