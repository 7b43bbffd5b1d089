//! The embedded default: a local Kubo + Cluster kept under the state dir, created on first
//! run, so a new user sees live data with no configuration. It is the supervisor's own
//! start (with `--init`, moving to free ports on a conflict), not a second way to run daemons.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::config::{Config, Endpoint};
use crate::supervisor::LaunchError;
use crate::supervisor::manager::{EventKind, Supervisor};
use crate::supervisor::spec::{PortConflict, SupervisorConfig};
use crate::supervisor::tools::Tools;

/// The embedded node's endpoints, and the supervisor that started (or adopted) it.
pub struct LocalNode {
    pub kubo_api: Endpoint,
    pub cluster_api: Endpoint,
    pub root: PathBuf,
    supervisor: Supervisor,
    /// Daemons this run started (not adopted): only these are stopped afterwards.
    started: Vec<String>,
    /// What the start did (started, adopted, moved ports), for the operation history.
    pub events: Vec<crate::supervisor::manager::Event>,
}

impl LocalNode {
    /// What this run started (pid, name); empty when both were already running.
    pub fn started(&self) -> Vec<(u32, String)> {
        self.supervisor
            .status()
            .into_iter()
            .filter(|s| self.started.contains(&s.name))
            .map(|s| (s.pid.unwrap_or(0), s.name))
            .collect()
    }

    /// The supervisor that started (or adopted) the node, for the dashboard to run.
    pub fn into_supervisor(self) -> Supervisor {
        self.supervisor
    }

    /// Stops what this run started, Cluster first; adopted daemons keep running.
    pub async fn stop(mut self) {
        for name in self.started.iter().rev() {
            let _ = self.supervisor.stop(name).await;
        }
    }
}

/// `<state_dir>/node`: where the embedded repos live.
pub fn node_root(state_dir: &Path) -> PathBuf {
    state_dir.join("node")
}

/// Initialises (first run) and starts the embedded Kubo and Cluster, or adopts them when
/// they already run. `progress` is told each step, for the terminal.
pub async fn start_local(
    cfg: &Config,
    progress: &mut dyn FnMut(&str),
) -> Result<LocalNode, LaunchError> {
    let mut sc = SupervisorConfig::from_config(cfg);
    sc.daemons
        .retain(|d| d.name == "kubo" || d.name == "cluster");
    // A port taken since the repo was made is not the new user's problem: move on.
    sc.port_conflict = PortConflict::NextFree;
    let root = sc
        .daemons
        .first()
        .and_then(|d| d.dir.parent())
        .map_or_else(|| node_root(&cfg.state_dir), Path::to_path_buf);
    let mut supervisor = Supervisor::new(sc, Tools::find()?);
    let events = supervisor.start("all", true).await?;
    let mut started = Vec::new();
    for e in &events {
        progress(&format!("{} {}: {}", e.daemon, e.kind.as_str(), e.detail));
        if e.kind == EventKind::Started {
            started.push(e.daemon.clone());
        }
    }
    let api = |name: &str| -> Result<Endpoint, LaunchError> {
        supervisor
            .status()
            .into_iter()
            .find(|s| s.name == name)
            .and_then(|s| s.api)
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| LaunchError::NotReady {
                name: name.to_string(),
                waited: cfg.supervisor.ready_timeout,
                log_tail: String::new(),
            })
    };
    Ok(LocalNode {
        kubo_api: api("kubo")?,
        cluster_api: api("cluster")?,
        root,
        supervisor,
        started,
        events,
    })
}

/// Starts (or reuses) the embedded Kubo + Cluster and points `cfg` at it.
pub async fn start_for(cfg: &mut Config) -> anyhow::Result<LocalNode> {
    let dirs: Vec<String> = SupervisorConfig::from_config(cfg)
        .daemons
        .iter()
        .filter(|d| d.name == "kubo" || d.name == "cluster")
        .map(|d| format!("{} {}", d.name, d.dir.display()))
        .collect();
    crate::say!(
        "ipfs-kit: no Kubo configured or running; starting the node ipfs-kit supervises ({})",
        dirs.join(", ")
    );
    let node = start_local(cfg, &mut |step| crate::say!("ipfs-kit: {step}"))
        .await
        .context("cannot start the embedded Kubo + Cluster")?;
    crate::locate::point_at(cfg, node.kubo_api.clone(), Some(node.cluster_api.clone()));
    Ok(node)
}

/// Stops what `start_for` started, and says so.
pub async fn stop_reporting(node: LocalNode) {
    let started = node.started();
    node.stop().await;
    if !started.is_empty() {
        let names: Vec<String> = started
            .iter()
            .map(|(pid, n)| format!("{n} (pid {pid})"))
            .collect();
        crate::say!(
            "ipfs-kit: stopped {} (started for this run)",
            names.join(", ")
        );
    }
}
