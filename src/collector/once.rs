//! `collect_once`: one pass over every source under one deadline, for the headless modes.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{Instant, timeout};

use crate::config::Config;
use crate::model::Snapshot;
use crate::sources::Poll;
use crate::sources::backends::BackendsSource;
use crate::sources::cluster::ClusterSource;
use crate::sources::host::OnceSample;
use crate::sources::kubo::KuboSource;
use crate::sources::vfs::VfsSource;

use super::{CollectorState, Update};

/// CPU use in a one-shot run is measured from the first host reading until the daemons have
/// answered, and over at least this long: two 100 Hz kernel ticks per core. (A fixed 100 ms
/// window was most of `--once`'s time when the daemons answer in 10 ms.)
const ONCE_CPU_WINDOW: Duration = Duration::from_millis(20);

/// One pass over every source, concurrently, under one deadline: what `--once` prints. The
/// block-walking full `repo/stat` is left out (no object count).
use super::tasks::{credentials_path, sources_client};

pub async fn collect_once(cfg: &Config, deadline: Duration) -> Arc<Snapshot> {
    collect_once_with(cfg, deadline, None).await
}

/// As [`collect_once`], the charts' rings first seeded with a running collector's (saved in
/// the cache), so `dashboard chart` and the sparklines have the history the screen has.
pub async fn collect_once_with(
    cfg: &Config,
    deadline: Duration,
    rings: Option<&crate::model::SavedHistory>,
) -> Arc<Snapshot> {
    let mut state = CollectorState::new(cfg);
    if let Some(saved) = rings {
        state.restore_history(saved, chrono::Utc::now());
    }
    let timed_out = |what: &str| format!("{what} did not answer within the {deadline:?} deadline");

    // The first host reading now; the second once the daemons have answered (below).
    let started = Instant::now();
    let host_sample = OnceSample::start(crate::sources::host::watched_ports(cfg));
    let client = sources_client(cfg);
    let kubo = async {
        match &client {
            Ok(c) => {
                let k =
                    KuboSource::with_client(c, &cfg.kubo, deadline, None).without_full_repo_stat();
                timeout(deadline, k.poll())
                    .await
                    .unwrap_or_else(|_| Poll::down(timed_out("kubo"), deadline))
            }
            Err(e) => Poll::down(e.to_string(), Duration::ZERO),
        }
    };
    let cluster = async {
        if !cfg.cluster.enabled {
            return None;
        }
        Some(match &client {
            Ok(c) => timeout(
                deadline,
                ClusterSource::with_client(c, &cfg.cluster, deadline, None).poll(),
            )
            .await
            .unwrap_or_else(|_| Poll::down(timed_out("cluster"), deadline)),
            Err(e) => Poll::down(e.to_string(), Duration::ZERO),
        })
    };
    let vfs = async {
        let v = VfsSource::with_client(client.as_ref().ok()?, &cfg.kubo, cfg.vfs.clone(), deadline);
        if v.is_empty() || cfg.vfs_interval.is_none() {
            return None;
        }
        timeout(deadline, v.poll()).await.ok()
    };
    let backends = async {
        let b = BackendsSource::new(
            cfg.backends.clone(),
            credentials_path(cfg).as_deref(),
            deadline,
        );
        if b.is_empty() || cfg.backends_interval.is_none() {
            return None;
        }
        timeout(deadline, b.poll()).await.ok()
    };
    let (k, c, v, b) = tokio::join!(kubo, cluster, vfs, backends);
    let h = match timeout(
        deadline.saturating_sub(started.elapsed()),
        host_sample.finish(ONCE_CPU_WINDOW),
    )
    .await
    {
        Ok(Ok(stats)) => Poll::up(stats, Default::default(), started.elapsed()),
        Ok(Err(e)) => Poll::down(e, started.elapsed()),
        Err(_) => Poll::down(timed_out("host"), deadline),
    };
    if let Some(b) = b {
        state.apply(Update::Backends(b));
    }
    if let Some(v) = v {
        state.apply(Update::Vfs(v));
    }
    state.apply(Update::host(h));
    state.apply(Update::kubo(k));
    if let Some(c) = c {
        state.apply(Update::cluster(c));
    }
    state.set_state_probe(crate::ophistory::probe_dir(&cfg.state_dir));
    state.snapshot()
}
