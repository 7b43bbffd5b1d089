//! `ipfs-kit supervise`: the foreground supervisor a service manager runs. It starts (or
//! adopts) every daemon in order, ticks the supervisor every 500 ms, and ends on SIGTERM,
//! SIGINT or SIGHUP — at once, even during a start or a readiness wait — or when a daemon
//! has spent its restart budget (then it stops what it runs and exits 2, so that the
//! service manager's `Restart=` takes over). Under systemd `Type=notify` it reports READY=1,
//! STATUS=, WATCHDOG=1 and STOPPING=1 (see `notify`).

use std::future::Future;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Interval, MissedTickBehavior, interval};

use super::LaunchError;
use super::manager::{Event, Supervisor};
use super::notify::{Notifier, summary};
use super::service::Request;
use crate::model::{DaemonState, DaemonStatus};
use crate::ophistory::OpHistory;

pub struct Options {
    /// Create missing repos (`--init`).
    pub init: bool,
    /// Leave the daemons running on the way out (`--leave-running`).
    pub leave_running: bool,
    /// Actions asked by others (the HTTP API), run between ticks; each recorded in `ops`
    /// as asked by its requester.
    pub requests: Option<mpsc::Receiver<Request>>,
    pub ops: Option<OpHistory>,
    /// Told once the first start is done (the node's APIs then exist to be watched).
    pub started: Option<oneshot::Sender<()>>,
}

/// What the caller does with what happens: print, record, publish.
pub struct Hooks<'a> {
    /// Each batch of supervisor events.
    pub events: &'a mut dyn FnMut(&[Event]),
    /// The start failed before any event said so.
    pub start_failed: &'a mut dyn FnMut(&LaunchError),
    /// The daemon statuses, when anything but an uptime changed.
    pub publish: &'a mut dyn FnMut(&[DaemonStatus]),
    /// The daemon statuses, every tick (the collector's copy, uptimes included).
    pub statuses: &'a mut dyn FnMut(&[DaemonStatus]),
    /// The events of a requested action (already recorded).
    pub acted: &'a mut dyn FnMut(&[Event]),
}

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A signal asked it to stop.
    Signalled,
    /// The first start failed.
    StartFailed,
    /// These daemons spent their restart budget.
    GaveUp(Vec<String>),
}

impl Outcome {
    /// 0 after a signal, 1 when the start failed, 2 after a give-up.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Signalled => 0,
            Outcome::StartFailed => 1,
            Outcome::GaveUp(_) => 2,
        }
    }
}

/// Runs until a signal or a give-up; the daemons are stopped (or left running) on return.
pub async fn run(sup: &mut Supervisor, opts: Options, hooks: Hooks<'_>) -> anyhow::Result<Outcome> {
    let cancel = sup.cancel_handle();
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    // Its own task: a signal must end a start or a readiness wait, not wait for the loop.
    let on_signal = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
                _ = hup.recv() => {}
            }
            cancel.cancel();
        })
    };
    let notifier = Notifier::from_env();
    let beat = notifier
        .as_ref()
        .and_then(Notifier::watchdog_interval)
        .map(|every| {
            let mut i = interval(every);
            i.set_missed_tick_behavior(MissedTickBehavior::Delay);
            i
        });
    let mut r = Runner {
        sup,
        hooks,
        notifier,
        beat,
        published: None,
        requests: opts.requests,
        ops: opts.ops,
        started: opts.started,
    };
    let outcome = r.supervise(opts.init).await;
    on_signal.abort();

    let why = match &outcome {
        Outcome::Signalled => "stopping on a signal".to_string(),
        Outcome::StartFailed => "stopping: the start failed".to_string(),
        Outcome::GaveUp(names) => {
            format!("stopping: {} spent the restart budget", names.join(", "))
        }
    };
    if let Some(n) = &r.notifier {
        n.stopping(&why);
    }
    if opts.leave_running && outcome != Outcome::StartFailed {
        r.sup.detach_all();
    } else {
        // Cluster before Kubo (reverse start order), each bounded by stop_timeout.
        let events = beating(&mut r.beat, r.notifier.as_ref(), r.sup.stop("all")).await?;
        (r.hooks.events)(&events);
    }
    Ok(outcome)
}

struct Runner<'a, 'h> {
    sup: &'a mut Supervisor,
    hooks: Hooks<'h>,
    notifier: Option<Notifier>,
    /// WATCHDOG=1 every half WATCHDOG_USEC, when systemd asked for it.
    beat: Option<Interval>,
    published: Option<Vec<DaemonStatus>>,
    requests: Option<mpsc::Receiver<Request>>,
    ops: Option<OpHistory>,
    started: Option<oneshot::Sender<()>>,
}

impl Runner<'_, '_> {
    async fn supervise(&mut self, init: bool) -> Outcome {
        let cancel = self.sup.cancel_handle();
        if let Some(n) = &self.notifier {
            n.status("starting the daemons");
        }
        let started = beating(
            &mut self.beat,
            self.notifier.as_ref(),
            self.sup.start("all", init),
        )
        .await;
        match started {
            Ok(events) => (self.hooks.events)(&events),
            Err(LaunchError::Cancelled) => return Outcome::Signalled,
            Err(e) => {
                (self.hooks.start_failed)(&e);
                return Outcome::StartFailed;
            }
        }
        self.publish();
        if let Some(n) = &self.notifier {
            n.ready(&summary(&self.sup.status()));
        }
        if let Some(tx) = self.started.take() {
            let _ = tx.send(());
        }
        let mut tick = interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return Outcome::Signalled,
                () = next_beat(&mut self.beat) => {
                    if let Some(n) = &self.notifier {
                        n.watchdog();
                    }
                }
                Some(req) = next_request(&mut self.requests) => {
                    let events = beating(
                        &mut self.beat,
                        self.notifier.as_ref(),
                        req.perform(self.sup, self.ops.as_ref()),
                    )
                    .await;
                    (self.hooks.acted)(&events);
                    self.publish();
                }
                _ = tick.tick() => {
                    let events =
                        beating(&mut self.beat, self.notifier.as_ref(), self.sup.tick()).await;
                    (self.hooks.events)(&events);
                    self.publish();
                    let failed: Vec<String> = self
                        .sup
                        .status()
                        .into_iter()
                        .filter(|d| d.state == DaemonState::Failed)
                        .map(|d| d.name)
                        .collect();
                    if !failed.is_empty() {
                        return Outcome::GaveUp(failed);
                    }
                }
            }
        }
    }

    /// supervisor.json and STATUS=, when anything but an uptime changed.
    fn publish(&mut self) {
        let st = self.sup.status();
        (self.hooks.statuses)(&st);
        if self
            .published
            .as_deref()
            .is_some_and(|p| DaemonStatus::all_same_but_uptime(p, &st))
        {
            return;
        }
        (self.hooks.publish)(&st);
        if let Some(n) = &self.notifier {
            n.status(&summary(&st));
        }
        self.published = Some(st);
    }
}

/// Runs `work`, sending WATCHDOG=1 on the beat while it runs: a restart's readiness wait
/// (up to `ready_timeout`) is work, not a hang.
async fn beating<T>(
    beat: &mut Option<Interval>,
    notifier: Option<&Notifier>,
    work: impl Future<Output = T>,
) -> T {
    let Some(n) = notifier.filter(|_| beat.is_some()) else {
        return work.await;
    };
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            () = next_beat(beat) => n.watchdog(),
        }
    }
}

/// The next requested action; never, without a channel (or once it closed).
async fn next_request(rx: &mut Option<mpsc::Receiver<Request>>) -> Option<Request> {
    match rx {
        Some(r) => match r.recv().await {
            Some(req) => Some(req),
            None => {
                *rx = None;
                std::future::pending().await
            }
        },
        None => std::future::pending().await,
    }
}

/// The next watchdog beat; never, without a watchdog.
async fn next_beat(beat: &mut Option<Interval>) {
    match beat {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}
