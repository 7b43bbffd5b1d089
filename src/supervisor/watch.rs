//! A dashboard that finds the state dir supervised by another process (`supervise`, another
//! dashboard) watches without supervising: it shows that supervisor's published statuses
//! (`<state>/daemons/supervisor.json`) in the Snapshot and runs no daemon actions.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::cluster::ClusterDir;
use super::kubo::KuboRepo;
use super::lock::Holder;
use super::read_state;
use super::spec::{Kind, SupervisorConfig};
use crate::collector::Update;
use crate::config::{Config, Endpoint};

/// What the Daemons tab (and the no-terminal summary) says instead of offering actions.
pub fn watching(holder: Option<&Holder>) -> String {
    let who = holder.map_or_else(|| "another ipfs-kit".to_string(), Holder::describe);
    format!("watching: supervised by {who}, which starts and stops the daemons")
}

/// The Kubo and Cluster APIs the running supervisor published, if it did.
pub fn published_apis(state_dir: &std::path::Path) -> Option<(Endpoint, Option<Endpoint>)> {
    let st = read_state(state_dir)?;
    let api = |name: &str| {
        st.daemons
            .iter()
            .find(|d| d.name == name)
            .and_then(|d| d.api.as_deref())
            .and_then(|a| a.parse().ok())
    };
    Some((api("kubo")?, api("cluster")))
}

/// The APIs the supervised repos are configured to serve (Kubo's `Addresses.API`, Cluster's
/// REST API), for a holder that is still starting them and has published nothing yet.
pub fn configured_apis(cfg: &Config) -> Option<(Endpoint, Option<Endpoint>)> {
    let sc = SupervisorConfig::from_config(cfg);
    let dir = |want: fn(&Kind) -> bool| sc.daemons.iter().find(|d| want(&d.kind)).map(|d| &d.dir);
    // Only the files are read: the binaries' paths do not matter here.
    let repo = KuboRepo::new(Path::new("ipfs"), dir(|k| matches!(k, Kind::Kubo))?);
    let config = repo.read_config().ok()?;
    let kubo = match config.pointer("/Addresses/API")? {
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Array(a) => a.iter().find_map(|v| v.as_str()?.parse().ok()),
        _ => None,
    }?;
    let cluster = dir(|k| matches!(k, Kind::Cluster)).and_then(|d| {
        ClusterDir::new(Path::new("ipfs-cluster-service"), d)
            .rest_api()
            .ok()
    });
    Some((kubo, cluster))
}

/// Feeds the other supervisor's statuses to the collector every second; aborted on drop.
pub struct Watcher(JoinHandle<()>);

impl Watcher {
    pub fn spawn(state_dir: PathBuf, updates: mpsc::Sender<Update>) -> Watcher {
        Watcher(tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                let daemons = read_state(&state_dir).map(|st| st.daemons);
                if updates
                    .send(Update::Daemons(daemons.unwrap_or_default()))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }))
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}
