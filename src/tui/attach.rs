//! The dashboard attached to a running daemon: its snapshots arrive over the API's SSE
//! stream (the charts' rings fetched beside them), so this process polls nothing. When the
//! daemon goes away the feed says so and falls back to a collector of its own, into the same
//! channel: the screen keeps its last frame and goes on.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::client::Remote;
use crate::collector::Collector;
use crate::config::Config;
use crate::model::{History, Snapshot};
use crate::ophistory::OpHistory;

/// How often the charts' rings are fetched again.
const SERIES_EVERY: Duration = Duration::from_secs(5);

pub struct Feed {
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    /// What the header says: `attached <url>`, then `local: daemon gone` after a fallback.
    pub label: watch::Receiver<Option<String>>,
    task: JoinHandle<()>,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Follows `remote`; on its end collects locally with `cfg` (the node `locate` found).
pub fn attach(cfg: Config, remote: Remote, ops: Option<OpHistory>, first: Arc<Snapshot>) -> Feed {
    let (tx, snapshots) = watch::channel(first);
    let (label_tx, label) = watch::channel(Some(format!("attached {}", remote.url)));
    let task = tokio::spawn(async move {
        let rings = Arc::new(Mutex::new(None::<Arc<History>>));
        let fetcher = {
            let (remote, rings) = (remote.clone(), Arc::clone(&rings));
            tokio::spawn(async move {
                loop {
                    match remote.series().await {
                        Ok(h) => {
                            if let Ok(mut g) = rings.lock() {
                                *g = Some(Arc::new(h));
                            }
                        }
                        Err(e) => tracing::debug!("series: {e}"),
                    }
                    tokio::time::sleep(SERIES_EVERY).await;
                }
            })
        };
        let why = remote
            .follow(|mut snap| {
                if let Some(h) = rings.lock().ok().and_then(|g| g.clone()) {
                    snap.history = h;
                }
                tx.send(Arc::new(snap)).is_ok()
            })
            .await;
        fetcher.abort();
        tracing::warn!(url = %remote.url, "the daemon went away ({why}); collecting here");
        let _ = label_tx.send(Some("local: daemon gone".into()));
        let collector = Collector::spawn_with(&cfg, ops);
        let mut snaps = collector.snapshots.clone();
        while snaps.changed().await.is_ok() {
            if tx.send(snaps.borrow_and_update().clone()).is_err() {
                return;
            }
        }
    });
    Feed {
        snapshots,
        label,
        task,
    }
}
