//! Watches every node of the fleet at once: one task per node follows its daemon's snapshot
//! stream, so a slow or dead node never holds the others. The rows go out on one watch
//! channel (for the Fleet tab); each node's snapshots on a channel of its own (for the
//! dashboard switched to it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::FleetNode;
use super::row::{FleetRow, Reach};
use crate::api::client::Remote;
use crate::config::Secret;
use crate::model::Snapshot;

/// Between reconnection attempts to a node that is down: doubling up to the last.
const RETRY: [Duration; 4] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
];

/// One node: its client and its newest snapshot.
#[derive(Clone)]
pub struct NodeFeed {
    pub node: FleetNode,
    pub remote: Remote,
    /// `None` until its first snapshot.
    pub snapshots: watch::Receiver<Option<Arc<Snapshot>>>,
}

pub struct Fleet {
    /// One row per node, in the configured order.
    pub rows: watch::Receiver<Arc<Vec<FleetRow>>>,
    pub nodes: Vec<NodeFeed>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Fleet {
    /// Starts watching `nodes`; a node without its own token uses `default_token`. A node
    /// whose client cannot even be built is a row down with that error.
    pub fn spawn(nodes: Vec<FleetNode>, default_token: Option<Secret>) -> Fleet {
        let initial: Vec<FleetRow> = nodes
            .iter()
            .map(|n| FleetRow::unseen(&n.name, &n.url, Reach::Connecting, None))
            .collect();
        let table = Arc::new(Mutex::new(initial.clone()));
        let (rows_tx, rows) = watch::channel(Arc::new(initial));
        let rows_tx = Arc::new(rows_tx);
        let mut feeds = Vec::new();
        let mut tasks = Vec::new();
        for (i, node) in nodes.into_iter().enumerate() {
            let publish = {
                let (table, rows_tx) = (Arc::clone(&table), Arc::clone(&rows_tx));
                move |row: FleetRow| {
                    if let Ok(mut t) = table.lock() {
                        if let Some(slot) = t.get_mut(i) {
                            *slot = row;
                        }
                        let _ = rows_tx.send(Arc::new(t.clone()));
                    }
                }
            };
            match node.remote(default_token.as_ref()) {
                Ok(remote) => {
                    let (snap_tx, snapshots) = watch::channel(None);
                    tasks.push(tokio::spawn(follow(
                        node.clone(),
                        remote.clone(),
                        snap_tx,
                        publish,
                    )));
                    feeds.push(NodeFeed {
                        node,
                        remote,
                        snapshots,
                    });
                }
                Err(e) => publish(FleetRow::unseen(
                    &node.name,
                    &node.url,
                    Reach::Down,
                    Some(e),
                )),
            }
        }
        Fleet {
            rows,
            nodes: feeds,
            tasks,
        }
    }

    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<&NodeFeed> {
        self.nodes.iter().find(|n| n.node.name == name)
    }
}

/// Follows one node for ever: its snapshots become its row; when its stream ends the row
/// goes down with why, and the node is asked again after a pause.
async fn follow(
    node: FleetNode,
    remote: Remote,
    snaps: watch::Sender<Option<Arc<Snapshot>>>,
    publish: impl Fn(FleetRow),
) {
    let mut attempt = 0usize;
    let mut last: Option<FleetRow> = None;
    loop {
        let mut got = false;
        let why = remote
            .follow(|snap| {
                got = true;
                let row = FleetRow::from_snapshot(&node.name, &node.url, &snap, Utc::now());
                publish(row.clone());
                last = Some(row);
                let _ = snaps.send(Some(Arc::new(snap)));
                true
            })
            .await;
        if got {
            attempt = 0;
        }
        tracing::debug!(node = %node.name, "fleet node down: {why}");
        let why = crate::term::one_line(&why).into_owned();
        publish(match last.clone() {
            Some(r) => r.gone(why),
            None => FleetRow::unseen(&node.name, &node.url, Reach::Down, Some(why)),
        });
        tokio::time::sleep(RETRY[attempt.min(RETRY.len() - 1)]).await;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, url: String) -> FleetNode {
        FleetNode {
            name: name.into(),
            url,
            token: None,
        }
    }

    /// A port nobody listens on is down at once; a host that takes the connection and never
    /// answers is down after the subscription's deadline; neither holds the other.
    #[tokio::test]
    async fn refused_and_stalled_nodes_become_rows_down_without_holding_each_other() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let refused = format!("http://{}", closed.local_addr().expect("addr"));
        drop(closed);
        let stall = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let stalled = format!("http://{}", stall.local_addr().expect("addr"));
        // Accepts, reads nothing, answers nothing.
        let _holder = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((s, _)) = stall.accept().await {
                held.push(s);
            }
        });
        let fleet = Fleet::spawn(
            vec![node("refused", refused), node("stalled", stalled)],
            None,
        );
        let mut rows = fleet.rows.clone();
        let began = std::time::Instant::now();
        let mut refused_down_at = None;
        loop {
            let now = rows.borrow_and_update().clone();
            if refused_down_at.is_none() && now[0].state == Reach::Down {
                refused_down_at = Some(began.elapsed());
            }
            if now[1].state == Reach::Down {
                assert!(
                    now[1]
                        .error
                        .as_deref()
                        .unwrap_or("")
                        .contains("no answer within"),
                    "{now:?}"
                );
                break;
            }
            assert!(began.elapsed() < Duration::from_secs(30), "{now:?}");
            let _ = tokio::time::timeout(Duration::from_secs(1), rows.changed()).await;
        }
        let at = refused_down_at.expect("the refused node went down first");
        assert!(at < Duration::from_secs(5), "refused after {at:?}");
    }
}
