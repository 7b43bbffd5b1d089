//! Turns a metric path into a number from the Snapshot (plus the few facts the snapshot does
//! not carry). `None` means "no current value": the source is down, stale, disabled or has not
//! reported that figure; the engine then neither starts nor resolves anything for the rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::metric::{Metric, SourceName};
use crate::model::{HostStats, Snapshot, SourceState, SourceStatus};

/// What the engine knows beyond the snapshot: facts from the config and, once the supervisor
/// publishes them, the daemons it runs. Everything is optional; an absent fact makes the
/// metrics that need it `None`, so their rules stay quiet.
#[derive(Clone, Debug)]
pub struct Context {
    /// Cluster peers the operator expects (config); `None`: count peers reporting an error.
    pub expected_cluster_peers: Option<u64>,
    /// A Cluster that is not required (auto-probed, not configured) never counts as down.
    pub cluster_required: bool,
    /// Kubo repo path from the config, used for disk space until Kubo reports its own.
    pub repo_path: Option<PathBuf>,
    /// Supervised daemons by name (`kubo`, `cluster`); the supervisor fills this in.
    pub daemons: BTreeMap<String, DaemonFacts>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            expected_cluster_peers: None,
            cluster_required: true,
            repo_path: None,
            daemons: BTreeMap::new(),
        }
    }
}

/// The minimal hook for the supervisor: two facts per daemon it runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DaemonFacts {
    /// Exited without being asked to and is not running (yet).
    pub crashed: bool,
    /// The restart policy has given up.
    pub restart_budget_exhausted: bool,
}

/// Values that need more than one snapshot, kept by the engine between evaluations.
///
/// The snapshot only has counts per status, not per-CID ages, so "pins queued too long" is
/// approximated as "the queued count has stayed above zero, without a break, for N minutes".
/// A queue that keeps refilling with new pins that each finish quickly also counts; a pin that
/// stays queued while every other pin drains is caught exactly.
#[derive(Clone, Debug, Default)]
pub struct Trend {
    queued_since: Option<DateTime<Utc>>,
    now: Option<DateTime<Utc>>,
}

impl Trend {
    pub fn observe(&mut self, snap: &Snapshot, now: DateTime<Utc>) {
        match queued_count(snap) {
            Some(0) => self.queued_since = None,
            Some(_) => {
                self.queued_since.get_or_insert(now);
            }
            // A gap in Cluster data (cached pin status, source down) does not reset the clock:
            // the pins are most likely still queued.
            None => {}
        }
        self.now = Some(now);
    }

    fn queued_minutes(&self, snap: &Snapshot) -> Option<f64> {
        match (self.queued_since, self.now) {
            (Some(since), Some(now)) => {
                Some((now - since).num_milliseconds().max(0) as f64 / 60_000.0)
            }
            _ => queued_count(snap).filter(|n| *n == 0).map(|_| 0.0),
        }
    }
}

/// A metric's current value from the snapshot alone (no context, no trend).
pub fn value(snapshot: &Snapshot, metric: &Metric) -> Option<f64> {
    value_in(snapshot, metric, &Context::default(), None)
}

/// A metric's current value; `trend` is needed for `cluster.pins.queued_minutes` only.
pub fn value_in(
    snap: &Snapshot,
    metric: &Metric,
    ctx: &Context,
    trend: Option<&Trend>,
) -> Option<f64> {
    let count = |n: u64| n as f64;
    match metric {
        Metric::KuboRepoUsagePercent => fresh(&snap.kubo)?
            .repo
            .as_ref()?
            .usage_ratio
            .map(|r| r * 100.0),
        Metric::KuboRepoSizeBytes => fresh(&snap.kubo)?
            .repo
            .as_ref()
            .map(|r| count(r.size_bytes)),
        Metric::KuboPeers => fresh(&snap.kubo)?.peers.map(count),
        Metric::KuboPins => fresh(&snap.kubo)?.recursive_pins.map(count),
        Metric::ClusterPeers => fresh(&snap.cluster).map(|c| count(c.peer_count)),
        Metric::ClusterPeersMissing => {
            let c = fresh(&snap.cluster)?;
            let errored = c.peers.iter().filter(|p| p.error.is_some()).count() as u64;
            let answering = c.peer_count.saturating_sub(errored);
            Some(count(match ctx.expected_cluster_peers {
                Some(expected) => expected.saturating_sub(answering),
                None => errored,
            }))
        }
        Metric::ClusterPins => fresh(&snap.cluster).map(|c| count(c.pin_count)),
        Metric::ClusterPinStatus(status) => {
            let map = fresh(&snap.cluster)?.pin_status.as_ref()?;
            Some(count(map.get(status).copied().unwrap_or(0)))
        }
        Metric::ClusterPinsQueued => queued_count(snap).map(count),
        Metric::ClusterPinsQueuedMinutes => trend?.queued_minutes(snap),
        Metric::ClusterHealthAlerts => fresh(&snap.cluster).map(|c| c.alerts.len() as f64),
        Metric::ClusterIpfsError => fresh(&snap.cluster).map(|c| flag(c.ipfs_error.is_some())),
        Metric::HostCpuPercent => fresh(&snap.host).map(|h| f64::from(h.cpu_percent)),
        Metric::HostMemoryPercent => {
            let h = fresh(&snap.host)?;
            (h.memory_total_bytes > 0)
                .then(|| h.memory_used_bytes as f64 / h.memory_total_bytes as f64 * 100.0)
        }
        Metric::HostDiskFreePercent => {
            let d = repo_disk(fresh(&snap.host)?, repo_path(snap, ctx).as_deref())?;
            d.available_percent()
        }
        Metric::HostDiskFreeBytes => repo_disk(fresh(&snap.host)?, repo_path(snap, ctx).as_deref())
            .map(|d| count(d.available_bytes)),
        Metric::SourceDown(name) => {
            let (state, required) = match name {
                SourceName::Host => (snap.host.state, true),
                SourceName::Kubo => (snap.kubo.state, true),
                SourceName::Cluster => (snap.cluster.state, ctx.cluster_required),
            };
            match state {
                SourceState::Ok | SourceState::Degraded => Some(0.0),
                SourceState::Down if required => Some(1.0),
                _ => None,
            }
        }
        Metric::SourceLatencyMs(name) => {
            let (state, latency) = match name {
                SourceName::Host => (snap.host.state, snap.host.latency_ms),
                SourceName::Kubo => (snap.kubo.state, snap.kubo.latency_ms),
                SourceName::Cluster => (snap.cluster.state, snap.cluster.latency_ms),
            };
            matches!(state, SourceState::Ok | SourceState::Degraded)
                .then_some(latency)
                .flatten()
                .map(count)
        }
        Metric::DaemonCrashed(name) => ctx.daemons.get(name).map(|d| flag(d.crashed)),
        Metric::DaemonRestartBudgetExhausted(name) => ctx
            .daemons
            .get(name)
            .map(|d| flag(d.restart_budget_exhausted)),
        Metric::StateUnwritable => Some(flag(snap.state_writes.failing)),
        Metric::PerfRegressions => snap.performance.as_ref().map(|p| {
            count(
                p.bottlenecks
                    .iter()
                    .filter(|b| b.kind == crate::perf::bottlenecks::REGRESSION)
                    .count() as u64,
            )
        }),
        Metric::PerfP95Ms(op) => snap
            .performance
            .as_ref()?
            .operations
            .iter()
            .find(|o| &o.operation == op && o.count_1h > 0)
            .map(|o| o.p95_ms_1h),
    }
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Data from the latest poll only: stale values kept for display must not keep an alert alive.
fn fresh<T>(s: &SourceStatus<T>) -> Option<&T> {
    match s.state {
        SourceState::Ok | SourceState::Degraded if !s.stale => s.data.as_ref(),
        _ => None,
    }
}

/// (pin, peer) pairs waiting for or in the middle of a pin.
fn queued_count(snap: &Snapshot) -> Option<u64> {
    let map = fresh(&snap.cluster)?.pin_status.as_ref()?;
    Some(
        ["pin_queued", "queued", "pinning"]
            .iter()
            .filter_map(|k| map.get(*k))
            .sum(),
    )
}

/// The repo path Kubo reported (even from stale data: it does not move), else the config's.
fn repo_path(snap: &Snapshot, ctx: &Context) -> Option<PathBuf> {
    snap.kubo
        .data
        .as_ref()
        .and_then(|k| k.repo.as_ref()?.path.clone())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| ctx.repo_path.clone())
}

/// The disk whose mount point is the longest prefix of `path`, else the one mounted at `/`.
fn repo_disk<'a>(host: &'a HostStats, path: Option<&Path>) -> Option<&'a crate::model::DiskStats> {
    let path = path.unwrap_or(Path::new("/"));
    host.disks
        .iter()
        .filter(|d| path.starts_with(&d.mount_point))
        .max_by_key(|d| d.mount_point.len())
        .or_else(|| host.disks.iter().find(|d| d.mount_point == "/"))
}
