//! `collect_once`: one pass over every source under one deadline, for the headless modes.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{Instant, timeout};

use crate::config::Config;
use crate::model::{HostStats, Snapshot};
use crate::sources::Poll;
use crate::sources::backends::BackendsSource;
use crate::sources::cluster::ClusterSource;
use crate::sources::host::HostSampler;
use crate::sources::kubo::KuboSource;
use crate::sources::vfs::VfsSource;

use super::{CollectorState, Update};

/// CPU use in a one-shot run is measured over this window, concurrently with the API calls.
/// Shorter than sysinfo's recommended 200 ms to keep `--once` quick; at 100 Hz kernel ticks
/// that still resolves 5% of two cores.
const ONCE_CPU_WINDOW: Duration = Duration::from_millis(100);

/// One pass over every source, concurrently, under one deadline: what `--once` prints. The
/// block-walking full `repo/stat` is left out (no object count).
use super::tasks::{credentials_path, sources_client};

pub async fn collect_once(cfg: &Config, deadline: Duration) -> Arc<Snapshot> {
    let mut state = CollectorState::new(cfg);
    let timed_out = |what: &str| format!("{what} did not answer within the {deadline:?} deadline");

    let watched_ports = crate::sources::host::watched_ports(cfg);
    let host = async {
        let sampled = tokio::task::spawn_blocking(|| -> Result<HostStats, String> {
            let mut s = HostSampler::watching(watched_ports)?;
            std::thread::sleep(ONCE_CPU_WINDOW);
            Ok(s.sample())
        });
        let started = Instant::now();
        match timeout(deadline, sampled).await {
            Ok(Ok(Ok(stats))) => Poll::up(stats, Default::default(), started.elapsed()),
            Ok(Ok(Err(e))) => Poll::down(e, started.elapsed()),
            Ok(Err(e)) => Poll::down(format!("host sampler failed: {e}"), started.elapsed()),
            Err(_) => Poll::down(timed_out("host"), deadline),
        }
    };
    let client = sources_client(cfg);
    let kubo = async {
        match &client {
            Ok(c) => {
                let k = KuboSource::with_client(c, &cfg.kubo, deadline).without_full_repo_stat();
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
                ClusterSource::with_client(c, &cfg.cluster, deadline).poll(),
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
    let (h, k, c, v, b) = tokio::join!(host, kubo, cluster, vfs, backends);
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
