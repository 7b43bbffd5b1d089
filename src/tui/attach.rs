//! The dashboard attached to a running daemon: its snapshots arrive over the API's SSE
//! stream (the charts' rings fetched beside them), so this process polls nothing. When the
//! daemon goes away the feed says so and falls back to a collector of its own, into the same
//! channel: the screen keeps its last frame and goes on.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
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
    /// After a fallback: the local collector's channel and snapshots, for the actions
    /// (set before the label changes).
    pub local: watch::Receiver<Option<Local>>,
    task: JoinHandle<()>,
}

/// The handles of the collector a fallen-back feed runs.
pub type Local = (
    mpsc::Sender<crate::collector::Update>,
    watch::Receiver<Arc<Snapshot>>,
);

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Follows `remote`; on its end collects locally with `cfg` (the node `locate` found).
pub fn attach(cfg: Config, remote: Remote, ops: Option<OpHistory>, first: Arc<Snapshot>) -> Feed {
    let (tx, snapshots) = watch::channel(first);
    let (label_tx, label) = watch::channel(Some(format!("attached {}", remote.url)));
    let (local_tx, local) = watch::channel(None::<Local>);
    let task = tokio::spawn(async move {
        let why = stream(&remote, &tx, || {}).await;
        tracing::warn!(url = %remote.url, "the daemon went away ({why}); collecting here");
        let collector = Collector::spawn_with(&cfg, ops);
        let _ = local_tx.send(Some((collector.updates(), collector.snapshots.clone())));
        let _ = label_tx.send(Some("local: daemon gone".into()));
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
        local,
        task,
    }
}

/// Follows fleet node `name` for the dashboard switched to it: like `attach`, but when its
/// daemon goes away the screen keeps its last frame, the header says it is down, and it is
/// asked again (it is that node the operator chose to look at, not this host's).
pub fn view(name: String, remote: Remote, first: Arc<Snapshot>) -> Feed {
    let up = format!("fleet {name} {}", remote.url);
    let (tx, snapshots) = watch::channel(first);
    let (label_tx, label) = watch::channel(Some(up.clone()));
    let (_, local) = watch::channel(None::<Local>);
    let task = tokio::spawn(async move {
        loop {
            let why = stream(&remote, &tx, || {
                label_tx.send_if_modified(|l| {
                    let changed = l.as_deref() != Some(up.as_str());
                    *l = Some(up.clone());
                    changed
                });
            })
            .await;
            if tx.is_closed() {
                return;
            }
            let why = crate::term::one_line(&why).into_owned();
            let _ = label_tx.send(Some(format!("fleet {name}: down, {why}")));
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
    Feed {
        snapshots,
        label,
        local,
        task,
    }
}

/// Sends `remote`'s snapshots (with the charts' rings fetched beside them) into `tx` until
/// its stream ends; returns why. `on_snapshot` runs for each.
async fn stream(
    remote: &Remote,
    tx: &watch::Sender<Arc<Snapshot>>,
    mut on_snapshot: impl FnMut(),
) -> String {
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
            on_snapshot();
            tx.send(Arc::new(snap)).is_ok()
        })
        .await;
    fetcher.abort();
    why
}
