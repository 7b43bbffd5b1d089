//! The collector: one tokio task per source, each on its own interval, timeout and backoff,
//! sending polls to one merge task that owns the Snapshot and the history rings and publishes
//! `watch<Arc<Snapshot>>` (latest wins; nobody waits on a slow source).

mod once;
mod state;
mod tasks;

pub use once::{collect_once, collect_once_with};
pub use state::{ALERT_LOG_ROWS, CollectorState};
pub use tasks::{Collector, backoff, credentials_path};

use crate::model::{BackendStatus, ClusterStats, HostStats, KuboStats, VfsMountStats};
use crate::sources::Poll;

/// One poll result on its way to the merge task.
#[derive(Debug)]
pub enum Update {
    Host(Box<Poll<HostStats>>),
    Kubo(Box<Poll<KuboStats>>),
    Cluster(Box<Poll<ClusterStats>>),
    /// The operator acknowledged an alert (by id); `by`: who asked, when not this
    /// process's user (an API client).
    Acknowledge {
        id: String,
        by: Option<String>,
    },
    Vfs(Vec<VfsMountStats>),
    Backends(Vec<BackendStatus>),
    /// From the supervisor service: the daemons it runs.
    Daemons(Vec<crate::model::DaemonStatus>),
    /// Timer: write history entries and alert events that wait for the disk.
    RetryWrites,
    /// The performance monitor's view (bottlenecks are added from the snapshot's host).
    Perf(
        Box<crate::model::PerfView>,
        Vec<crate::perf::baseline::Baseline>,
    ),
}

impl Update {
    pub fn host(p: Poll<HostStats>) -> Self {
        Update::Host(Box::new(p))
    }
    pub fn kubo(p: Poll<KuboStats>) -> Self {
        Update::Kubo(Box::new(p))
    }
    pub fn cluster(p: Poll<ClusterStats>) -> Self {
        Update::Cluster(Box::new(p))
    }
}
