//! The one way in for actions on the node: the dashboard's keys (`tui/effects.rs`) and the
//! HTTP API's handlers (`api/`) both build a [`Request`] and hand it to [`Actions::execute`],
//! which runs it against the supervisor, the pins code, the collector or a live probe, and
//! records it in the operation history once, as asked by whoever asked.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, watch};

use crate::collector::Update;
use crate::config::Config;
use crate::model::{BackendStatus, Snapshot};
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};
use crate::supervisor::service::{Action, SupervisorRequester};

/// An action on the node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Daemon { action: Action, name: String },
    Pin { cid: String },
    Unpin { cid: String },
    Ack { id: String },
    BackendCheck { name: String },
}

impl Request {
    /// The operation-history action it is recorded as.
    pub fn action(&self) -> String {
        match self {
            Request::Daemon { action, .. } => format!("daemon.{}", action.as_str()),
            Request::Pin { .. } => "pin.add".into(),
            Request::Unpin { .. } => "pin.remove".into(),
            Request::Ack { .. } => "alert.acknowledge".into(),
            Request::BackendCheck { .. } => "backend.check".into(),
        }
    }

    fn resource(&self) -> (&'static str, &str) {
        match self {
            Request::Daemon { name, .. } => ("daemon", name),
            Request::Pin { cid } | Request::Unpin { cid } => ("pin", cid),
            Request::Ack { id } => ("alert", id),
            Request::BackendCheck { name } => ("backend", name),
        }
    }
}

/// Why an action was not done; each kind has its HTTP status in the API.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    ReadOnly(String),
    #[error("{0}")]
    Conflict(String),
    /// Nothing here can do it now (no supervisor, collector not running).
    #[error("{0}")]
    Unavailable(String),
    /// It was tried and failed.
    #[error("{0}")]
    Failed(String),
}

/// What an action did.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Done {
    /// One line: what happened.
    pub message: String,
    /// Daemon actions: the daemons' statuses after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daemons: Option<Vec<crate::model::DaemonStatus>>,
    /// Backend checks: the probe's result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<BackendStatus>,
}

/// What actions run against. Cheap to clone.
#[derive(Clone)]
pub struct Actions {
    cfg: Arc<Config>,
    ops: Option<OpHistory>,
    supervisor: Option<SupervisorRequester>,
    /// The collector's channel (acknowledgements, a fresh backend status).
    collector: Option<mpsc::Sender<Update>>,
    snapshots: Option<watch::Receiver<Arc<Snapshot>>>,
    /// Refuse every action (recorded as refused).
    read_only: bool,
    /// An attached client: actions go to the daemon's API (which records them).
    remote: Option<crate::api::client::Remote>,
}

impl Actions {
    pub fn new(cfg: Arc<Config>, ops: Option<OpHistory>) -> Self {
        Actions {
            cfg,
            ops,
            supervisor: None,
            collector: None,
            snapshots: None,
            read_only: false,
            remote: None,
        }
    }

    pub fn with_remote(mut self, r: crate::api::client::Remote) -> Self {
        self.remote = Some(r);
        self
    }

    pub fn with_supervisor(mut self, s: Option<SupervisorRequester>) -> Self {
        self.supervisor = s;
        self
    }

    pub fn with_collector(
        mut self,
        updates: mpsc::Sender<Update>,
        snapshots: watch::Receiver<Arc<Snapshot>>,
    ) -> Self {
        self.collector = Some(updates);
        self.snapshots = Some(snapshots);
        self
    }

    pub fn read_only(mut self, on: bool) -> Self {
        self.read_only = on;
        self
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn supervisor(&self) -> Option<SupervisorRequester> {
        self.supervisor.clone()
    }

    /// The history as `by` records in it (this process's user when `None`).
    fn history(&self, by: Option<&str>) -> Option<OpHistory> {
        self.ops
            .as_ref()
            .map(|o| by.map_or_else(|| o.clone(), |u| o.as_user(u)))
    }

    /// Runs `req` for `by` (`None`: this process's user, as the dashboard's keys).
    pub async fn execute(&self, req: Request, by: Option<&str>) -> Result<Done, ActionError> {
        if self.read_only {
            let why = "read-only: this ipfs-kit refuses actions (--read-only or [api] read_only)";
            self.refused(&req, by, why);
            return Err(ActionError::ReadOnly(why.into()));
        }
        if let Some(r) = &self.remote {
            return r.act(&req).await;
        }
        match req {
            Request::Daemon { action, name } => self.daemon(action, &name, by).await,
            Request::Pin { cid } => {
                let cid = self.cid(&Request::Pin { cid }, by)?;
                crate::pins::add(&self.cfg, &cid, self.history(by).as_ref())
                    .await
                    .map(|via| Done {
                        message: format!("through {}", via.as_str()),
                        ..Done::default()
                    })
                    .map_err(ActionError::Failed)
            }
            Request::Unpin { cid } => {
                let cid = self.cid(&Request::Unpin { cid }, by)?;
                crate::pins::remove(&self.cfg, &cid, self.history(by).as_ref())
                    .await
                    .map(|via| Done {
                        message: format!("through {}", via.as_str()),
                        ..Done::default()
                    })
                    .map_err(ActionError::Failed)
            }
            Request::Ack { id } => self.ack(id, by).await,
            Request::BackendCheck { name } => self.check(&name, by).await,
        }
    }

    /// A CID checked before anything is sent (a typo is refused and recorded here, not
    /// as a daemon error).
    fn cid(&self, req: &Request, by: Option<&str>) -> Result<String, ActionError> {
        let (_, raw) = req.resource();
        crate::pins::parse_cid(raw).map_err(|e| {
            self.refused(req, by, &e);
            ActionError::BadInput(e)
        })
    }

    async fn daemon(
        &self,
        action: Action,
        name: &str,
        by: Option<&str>,
    ) -> Result<Done, ActionError> {
        let req = Request::Daemon {
            action,
            name: name.to_string(),
        };
        let Some(sup) = &self.supervisor else {
            let why = "no supervisor in this run (another process supervises the state dir, \
                       or the daemons' tools are missing)";
            self.refused(&req, by, why);
            return Err(ActionError::Unavailable(why.into()));
        };
        let known = crate::supervisor::spec::SupervisorConfig::from_config(&self.cfg)
            .daemons
            .iter()
            .any(|d| d.name == name);
        if !known && name != "all" {
            let why = format!(
                "no daemon {name:?}; the supervised daemons are named in GET /api/v1/daemons"
            );
            return Err(ActionError::NotFound(why));
        }
        // The supervisor records the events (or the failure) itself, as asked by `by`.
        let (events, statuses) = sup
            .run_reporting(action, name, by.map(str::to_string))
            .await
            .map_err(ActionError::Failed)?;
        let failed: Vec<String> = events
            .iter()
            .filter(|e| !e.ok)
            .map(|e| e.detail.clone())
            .collect();
        if !failed.is_empty() {
            return Err(ActionError::Failed(failed.join("; ")));
        }
        let message = if events.is_empty() {
            format!("{name}: nothing to {}", action.as_str())
        } else {
            events
                .iter()
                .map(|e| format!("{} {}", e.daemon, e.kind.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Ok(Done {
            message,
            daemons: Some(statuses),
            ..Done::default()
        })
    }

    async fn ack(&self, id: String, by: Option<&str>) -> Result<Done, ActionError> {
        let (Some(tx), Some(snaps)) = (&self.collector, &self.snapshots) else {
            return Err(ActionError::Unavailable(
                "no collector in this run to acknowledge alerts".into(),
            ));
        };
        let alert = snaps.borrow().alerts.iter().find(|a| a.id == id).cloned();
        let Some(alert) = alert else {
            return Err(ActionError::NotFound(format!(
                "no active alert {id:?}; GET /api/v1/alerts lists them"
            )));
        };
        if alert.acknowledged {
            return Err(ActionError::Conflict(format!(
                "alert {id} is already acknowledged"
            )));
        }
        // The collector records it (once, as `by`) when it applies it.
        tx.send(Update::Acknowledge {
            id: id.clone(),
            by: by.map(str::to_string),
        })
        .await
        .map_err(|_| ActionError::Unavailable("the collector has stopped".into()))?;
        Ok(Done {
            message: format!("acknowledged {id}"),
            ..Done::default()
        })
    }

    async fn check(&self, name: &str, by: Option<&str>) -> Result<Done, ActionError> {
        let Some(cfg) = self.cfg.backends.get(name) else {
            return Err(ActionError::NotFound(format!(
                "no backend {name:?} in [backends]"
            )));
        };
        let began = Instant::now();
        let source = crate::sources::backends::BackendsSource::new(
            [(name.to_string(), cfg.clone())],
            crate::collector::credentials_path(&self.cfg).as_deref(),
            self.cfg
                .kubo
                .api
                .timeout
                .max(std::time::Duration::from_secs(10)),
        );
        let Some(status) = source.poll().await.into_iter().next() else {
            return Err(ActionError::Failed("the probe returned nothing".into()));
        };
        let ok = status.error.is_none();
        if let Some(ops) = self.history(by) {
            let mut op = NewOp::new(EventType::Backend, "backend.check").resource("backend", name);
            op = match &status.error {
                Some(e) => op.detail("error", e.clone()),
                None => op.detail("result", status.summary.clone().unwrap_or_default()),
            };
            let st = if ok { OpStatus::Ok } else { OpStatus::Failed };
            let _ = ops.record_timed(op, st, began.elapsed());
        }
        // The snapshot shows the fresh result at once rather than after the next interval.
        if let (Some(tx), Some(snaps)) = (&self.collector, &self.snapshots) {
            let mut all = snaps.borrow().backends.clone();
            match all.iter_mut().find(|b| b.name == name) {
                Some(b) => *b = status.clone(),
                None => all.push(status.clone()),
            }
            let _ = tx.try_send(Update::Backends(all));
        }
        Ok(Done {
            message: match &status.error {
                Some(e) => format!("{name}: probe failed: {e}"),
                None => format!("{name}: {}", status.summary.clone().unwrap_or_default()),
            },
            backend: Some(status),
            ..Done::default()
        })
    }

    /// Records an action that was refused before it ran.
    fn refused(&self, req: &Request, by: Option<&str>, why: &str) {
        if let Some(ops) = self.history(by) {
            let (kind, name) = req.resource();
            let op = NewOp::new(EventType::System, req.action())
                .resource(kind, name.to_string())
                .detail("error", why.to_string())
                .detail("refused", true);
            let _ = ops.record(op, OpStatus::Failed);
        }
    }
}
