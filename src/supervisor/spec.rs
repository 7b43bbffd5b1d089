//! What the supervisor runs: Kubo, ipfs-cluster-service, and generic commands an operator
//! runs beside them, with where their files live.

use std::path::PathBuf;
use std::time::Duration;

use super::policy::RestartPolicy;

#[derive(Clone, Debug)]
pub struct GenericSpec {
    /// Program and arguments.
    pub command: Vec<String>,
    /// Ready when a GET on this URL answers 2xx.
    pub ready_url: Option<String>,
    /// Ready when the log contains this text.
    pub ready_log: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Kubo,
    Cluster,
    Generic(GenericSpec),
}

#[derive(Clone, Debug)]
pub struct DaemonSpec {
    pub name: String,
    pub kind: Kind,
    /// Repo (Kubo), config dir (Cluster) or working directory (generic).
    pub dir: PathBuf,
    pub log: PathBuf,
}

/// What to do when a port a daemon needs is taken by someone else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortConflict {
    /// Refuse to start, naming the owner.
    Fail,
    /// Move the daemon to the next free port (rewrites its config).
    NextFree,
}

#[derive(Clone, Debug)]
pub struct SupervisorConfig {
    pub state_dir: PathBuf,
    pub policy: RestartPolicy,
    pub stop_timeout: Duration,
    pub ready_timeout: Duration,
    pub port_conflict: PortConflict,
    pub daemons: Vec<DaemonSpec>,
}

impl SupervisorConfig {
    /// Kubo and Cluster under `<state>/node/` (the embedded default), logs under `<state>/logs/`.
    pub fn embedded(state_dir: &std::path::Path) -> Self {
        let node = state_dir.join("node");
        let logs = state_dir.join("logs");
        SupervisorConfig {
            state_dir: state_dir.to_path_buf(),
            policy: RestartPolicy::default(),
            stop_timeout: Duration::from_secs(20),
            ready_timeout: Duration::from_secs(90),
            port_conflict: PortConflict::Fail,
            daemons: vec![
                DaemonSpec {
                    name: "kubo".into(),
                    kind: Kind::Kubo,
                    dir: node.join("kubo"),
                    log: logs.join("kubo.log"),
                },
                DaemonSpec {
                    name: "cluster".into(),
                    kind: Kind::Cluster,
                    dir: node.join("cluster"),
                    log: logs.join("cluster.log"),
                },
            ],
        }
    }
}

impl SupervisorConfig {
    /// From the resolved config: repos (default under the state dir), policy, extras.
    pub fn from_config(cfg: &crate::config::Config) -> Self {
        let s = &cfg.supervisor;
        let mut sc = SupervisorConfig::embedded(&cfg.state_dir);
        if let Some(p) = &s.kubo_repo {
            sc.daemons[0].dir = p.clone();
        }
        if let Some(p) = &s.cluster_dir {
            sc.daemons[1].dir = p.clone();
        }
        sc.policy = RestartPolicy {
            initial_backoff: s.restart_backoff,
            max_backoff: s.restart_backoff_max,
            budget: s.restart_budget,
            window: s.restart_window,
        };
        sc.stop_timeout = s.stop_timeout;
        sc.ready_timeout = s.ready_timeout;
        sc.port_conflict = match s.on_port_conflict {
            crate::config::PortConflictSetting::Fail => PortConflict::Fail,
            crate::config::PortConflictSetting::NextFree => PortConflict::NextFree,
        };
        for x in &s.extra {
            sc.daemons.push(DaemonSpec {
                name: x.name.clone(),
                kind: Kind::Generic(GenericSpec {
                    command: x.command.clone(),
                    ready_url: x.ready_url.clone(),
                    ready_log: x.ready_log.clone(),
                }),
                dir: x.dir.clone().unwrap_or_else(|| cfg.state_dir.clone()),
                log: cfg.state_dir.join("logs").join(format!("{}.log", x.name)),
            });
        }
        sc
    }
}
