//! The supervisor as a running service for the dashboard: one task owns the Supervisor,
//! ticks it, runs start/stop/restart commands sent over a channel, records every event in the
//! operation history, publishes daemon statuses into the collector (so they are part of the
//! Snapshot) and into `<state>/daemons/supervisor.json` for other ipfs-kit processes.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::cancel::Cancel;
use super::manager::{Event, Supervisor};
use super::{record_event, write_state};
use crate::collector::Update;
use crate::model::DaemonStatus;
use crate::ophistory::OpHistory;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
        }
    }
}

/// The events, and the daemons' statuses right after them (before anyone publishes them).
type Reply = oneshot::Sender<Result<(Vec<Event>, Vec<DaemonStatus>), String>>;

/// One daemon action on its way to whoever owns the Supervisor (this service, or the
/// `supervise` loop): what, on which daemon, who asked, and where the outcome goes.
pub struct Request {
    pub action: Action,
    pub which: String,
    /// Who asked, when not this process's user (an API client): recorded as the user.
    pub by: Option<String>,
    reply: Reply,
}

impl Request {
    /// Runs the action on `sup`, records its events (or its failure) in `ops` once, as
    /// asked by `by`, answers the requester, and returns the events.
    pub async fn perform(self, sup: &mut Supervisor, ops: Option<&OpHistory>) -> Vec<Event> {
        let Request {
            action,
            which,
            by,
            reply,
        } = self;
        let result = match action {
            Action::Start => sup.start(&which, false).await,
            Action::Stop => sup.stop(&which).await,
            Action::Restart => match sup.stop(&which).await {
                Ok(mut stopped) => sup.start(&which, false).await.map(|started| {
                    stopped.extend(started);
                    stopped
                }),
                Err(e) => Err(e),
            },
        };
        let result = result.map_err(|e| e.to_string());
        let ops = ops.map(|o| by.as_deref().map_or_else(|| o.clone(), |u| o.as_user(u)));
        match &result {
            Ok(events) => events.iter().for_each(|e| record_event(ops.as_ref(), e)),
            Err(e) => {
                if let Some(ops) = &ops {
                    let op = crate::ophistory::NewOp::new(
                        crate::ophistory::EventType::System,
                        format!("daemon.{}", action.as_str()),
                    )
                    .resource("daemon", which.clone())
                    .detail("error", e.clone());
                    let _ = ops.record(op, crate::ophistory::OpStatus::Failed);
                }
            }
        }
        let events = result.clone().unwrap_or_default();
        let _ = reply.send(result.map(|ev| (ev, sup.status())));
        events
    }
}

/// A requester and the receiving end its requests arrive at.
pub fn requests() -> (SupervisorRequester, mpsc::Receiver<Request>) {
    let (tx, rx) = mpsc::channel(16);
    (SupervisorRequester { tx }, rx)
}

enum Msg {
    Shutdown {
        stop_started: bool,
        done: oneshot::Sender<Vec<(String, Option<u32>)>>,
    },
}

/// Handle on the running supervisor service.
pub struct SupervisorService {
    tx: mpsc::Sender<Msg>,
    requester: SupervisorRequester,
    task: JoinHandle<()>,
    cancel: Cancel,
}

impl SupervisorService {
    /// `updates`: the collector's channel (`Collector::updates()`), for daemon statuses.
    pub fn spawn(
        mut sup: Supervisor,
        ops: Option<OpHistory>,
        state_dir: PathBuf,
        updates: mpsc::Sender<Update>,
    ) -> Self {
        let (tx, mut rx) = mpsc::channel::<Msg>(4);
        let (requester, mut requests) = requests();
        let cancel = sup.cancel_handle();
        let task = tokio::spawn(async move {
            // supervisor.json is rewritten when something other than uptimes changed (other
            // ipfs-kit processes compute uptimes from `started_at`).
            let mut written: Option<Vec<DaemonStatus>> = None;
            let mut publish = |sup: &Supervisor| {
                let st = sup.status();
                if !written
                    .as_deref()
                    .is_some_and(|w| DaemonStatus::all_same_but_uptime(w, &st))
                {
                    write_state(&state_dir, st.clone());
                    written = Some(st.clone());
                }
                let _ = updates.try_send(Update::Daemons(st));
            };
            // Finding what already runs reads /proc and asks the daemons: done here, after
            // the dashboard's first frame, not before it.
            sup.discover().await;
            publish(&sup);
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        let events = sup.tick().await;
                        for e in &events {
                            record_event(ops.as_ref(), e);
                        }
                        publish(&sup);
                    }
                    Some(req) = requests.recv() => {
                        req.perform(&mut sup, ops.as_ref()).await;
                        publish(&sup);
                    }
                    msg = rx.recv() => match msg {
                        Some(Msg::Shutdown { stop_started, done }) => {
                            let started = sup.started_here();
                            if stop_started {
                                // Cluster before the Kubo it depends on.
                                for (name, _) in started.iter().rev() {
                                    if let Ok(events) = sup.stop(name).await {
                                        events.iter().for_each(|e| record_event(ops.as_ref(), e));
                                    }
                                }
                            } else {
                                sup.detach_all();
                            }
                            let _ = std::fs::remove_file(super::state_file(&state_dir));
                            let _ = done.send(started);
                            return;
                        }
                        None => {
                            sup.detach_all();
                            return;
                        }
                    }
                }
            }
        });
        SupervisorService {
            tx,
            requester,
            task,
            cancel,
        }
    }

    /// Runs an action and waits for its outcome.
    pub async fn run(&self, action: Action, which: &str) -> Result<Vec<Event>, String> {
        self.requester.run(action, which).await
    }

    /// A sender the dashboard can keep in its command handlers.
    pub fn requester(&self) -> SupervisorRequester {
        self.requester.clone()
    }

    /// Ends the service: stops the daemons this process started when `stop_started`, else
    /// lets them run on; adopted daemons always run on. Returns the daemons it had started
    /// (name, pid), stopped or left running.
    pub async fn shutdown(self, stop_started: bool) -> Vec<(String, Option<u32>)> {
        // A restart in progress (its readiness wait is up to 90 s) ends now.
        self.cancel.cancel();
        let (done, rx) = oneshot::channel();
        let mut started = Vec::new();
        if self
            .tx
            .send(Msg::Shutdown { stop_started, done })
            .await
            .is_ok()
        {
            started = rx.await.unwrap_or_default();
        }
        let _ = self.task.await;
        started
    }
}

/// A cloneable way to send actions to the service.
#[derive(Clone)]
pub struct SupervisorRequester {
    tx: mpsc::Sender<Request>,
}

impl SupervisorRequester {
    pub async fn run(&self, action: Action, which: &str) -> Result<Vec<Event>, String> {
        self.run_as(action, which, None).await
    }

    /// As `run`, recorded as asked by `by` (an API client).
    pub async fn run_as(
        &self,
        action: Action,
        which: &str,
        by: Option<String>,
    ) -> Result<Vec<Event>, String> {
        self.run_reporting(action, which, by)
            .await
            .map(|(events, _)| events)
    }

    /// As `run_as`, with the daemons' statuses as the action left them.
    pub async fn run_reporting(
        &self,
        action: Action,
        which: &str,
        by: Option<String>,
    ) -> Result<(Vec<Event>, Vec<DaemonStatus>), String> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Request {
                action,
                which: which.to_string(),
                by,
                reply,
            })
            .await
            .map_err(|_| "the supervisor has stopped".to_string())?;
        rx.await
            .map_err(|_| "the supervisor has stopped".to_string())?
    }
}
