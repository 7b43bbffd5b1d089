//! `ipfs-kit supervise`: the node's daemon. It supervises the daemons (the loop, signals and
//! sd_notify are `supervisor::foreground`), runs the collector once they are up, and serves
//! the HTTP API (`crate::api`) over both until it ends.

use std::sync::Arc;

use tokio::sync::{oneshot, watch};

use super::{open_history, print_event, record_failure, report, supervisor};
use crate::actions::Actions;
use crate::api::{self, Listen};
use crate::cli::ApiArgs;
use crate::collector::{Collector, Update};
use crate::config::Config;
use crate::model::{DaemonStatus, Snapshot};
use crate::ophistory::OpHistory;
use crate::supervisor::foreground::{self, Hooks, Options, Outcome};
use crate::supervisor::lock::{Mode, StateLock};
use crate::supervisor::{state_file, write_state};

/// Starts (or adopts) everything, restarts crashes within the budget; on SIGTERM/SIGINT/
/// SIGHUP, or after a give-up, stops what it runs (unless `leave_running`). One per state
/// dir: a second one is refused (exit 75) and touches nothing. The API is up from the start
/// (503 until the collector has polled); `<state>/api` is removed on the way out.
pub async fn run(
    cfg: &Config,
    init: bool,
    leave_running: bool,
    args: &ApiArgs,
) -> anyhow::Result<u8> {
    let listen = Listen::from_config(cfg, args.listen, args.read_only, args.tls());
    // A usage error (a non-loopback address without a token) before anything is touched.
    if let Some(warning) = api::server::check(cfg, &listen)? {
        crate::say!("ipfs-kit: {warning}");
    }
    let _lock = StateLock::acquire(&cfg.state_dir, Mode::Supervise)?;
    let mut sup = supervisor(cfg)?;
    let ops = open_history(cfg);
    // The monitor's minutes (supervisor actions) go to the cache's store for `performance`
    // until the collector, which persists them itself, runs.
    let monitor =
        crate::perf::store::spawn_persister(Arc::new(crate::cache::Cache::open(&cfg.cache)));

    let shared = Arc::new(cfg.clone());
    let (snap_tx, snap_rx) = watch::channel(Arc::new(Snapshot::empty(
        cfg.kubo.api.endpoint.to_string(),
        cfg.cluster.api.endpoint.to_string(),
        cfg.cluster.enabled,
    )));
    let (requester, requests) = crate::supervisor::service::requests();
    let actions = Actions::new(Arc::clone(&shared), ops.clone()).with_supervisor(Some(requester));
    let server = api::serve(
        Arc::clone(&shared),
        &listen,
        snap_rx,
        actions.clone(),
        ops.clone(),
    )
    .await?;
    crate::say!(
        "ipfs-kit: API at {} (token in {})",
        server.url,
        if cfg.api.token.is_some() {
            "the configured [api] token".to_string()
        } else {
            api::auth::token_file(&cfg.state_dir).display().to_string()
        }
    );

    let (started_tx, started_rx) = oneshot::channel();
    let (status_tx, status_rx) = watch::channel(Vec::<DaemonStatus>::new());
    // `/api/v1/daemons` (and so `daemon status`) from the first start on.
    server.hub.set_daemons(status_rx.clone());
    let collecting = tokio::spawn(collect_after_start(
        (*shared).clone(),
        ops.clone(),
        server.hub.clone(),
        actions,
        listen.read_only,
        started_rx,
        status_rx,
        snap_tx,
        monitor.abort_handle(),
    ));

    let outcome = foreground::run(
        &mut sup,
        Options {
            init,
            leave_running,
            requests: Some(requests),
            ops: ops.clone(),
            started: Some(started_tx),
        },
        Hooks {
            events: &mut |events| {
                report(ops.as_ref(), events);
                // Entries that waited for a full or read-only disk go out once it recovers.
                if let Some(ops) = &ops {
                    ops.flush();
                }
            },
            start_failed: &mut |e| {
                crate::say!("ipfs-kit: {e}");
                record_failure(ops.as_ref(), "start", "all", e);
            },
            publish: &mut |st| write_state(&cfg.state_dir, st.to_vec()),
            statuses: &mut |st| {
                let _ = status_tx.send(st.to_vec());
            },
            acted: &mut |events| events.iter().for_each(print_event),
        },
    )
    .await;
    server.shutdown().await;
    collecting.abort();
    let _ = collecting.await;
    monitor.abort();
    let outcome = outcome?;
    let _ = std::fs::remove_file(state_file(&cfg.state_dir));
    if let Outcome::GaveUp(names) = &outcome {
        crate::say!(
            "ipfs-kit: supervise: {} spent the restart budget; exiting {} so that the \
             service manager can restart the node",
            names.join(", "),
            outcome.exit_code()
        );
    }
    Ok(outcome.exit_code())
}

/// Once the first start is done the node's APIs exist: find them (as every mode does), run
/// the collector (it also archives the rotated history to IPFS) with the supervisor's
/// statuses fed in, hand its snapshots to the API and its channel to the actions.
#[allow(clippy::too_many_arguments)]
async fn collect_after_start(
    mut cfg: Config,
    ops: Option<OpHistory>,
    hub: api::Hub,
    actions: Actions,
    read_only: bool,
    started: oneshot::Receiver<()>,
    mut statuses: watch::Receiver<Vec<DaemonStatus>>,
    snapshots: watch::Sender<Arc<Snapshot>>,
    persister: tokio::task::AbortHandle,
) {
    if started.await.is_err() {
        return;
    }
    crate::locate::locate(&mut cfg).await;
    let collector = Collector::spawn_with(&cfg, ops.clone());
    persister.abort();
    let updates = collector.updates();
    let actions = Actions::new(Arc::new(cfg), ops)
        .with_supervisor(actions.supervisor())
        .with_collector(updates.clone(), collector.snapshots.clone())
        .read_only(read_only);
    hub.set_actions(actions);
    let _ = updates.try_send(Update::Daemons(statuses.borrow_and_update().clone()));
    let mut snaps = collector.snapshots.clone();
    loop {
        tokio::select! {
            changed = snaps.changed() => {
                if changed.is_err() {
                    return;
                }
                let _ = snapshots.send(snaps.borrow_and_update().clone());
            }
            changed = statuses.changed() => {
                if changed.is_err() {
                    return;
                }
                let st = statuses.borrow_and_update().clone();
                let _ = updates.try_send(Update::Daemons(st));
            }
        }
    }
}
