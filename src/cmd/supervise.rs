//! `ipfs-kit supervise`: the foreground supervisor for a service manager; the loop, signals
//! and sd_notify are `supervisor::foreground`.

use super::{open_history, record_failure, report, supervisor};
use crate::config::Config;
use crate::supervisor::foreground::{self, Hooks, Options, Outcome};
use crate::supervisor::lock::{Mode, StateLock};
use crate::supervisor::{state_file, write_state};

/// Starts (or adopts) everything, restarts crashes within the budget; on SIGTERM/SIGINT/
/// SIGHUP, or after a give-up, stops what it runs (unless `leave_running`). One per state
/// dir: a second one is refused (exit 75) and touches nothing.
pub async fn run(cfg: &Config, init: bool, leave_running: bool) -> anyhow::Result<u8> {
    let _lock = StateLock::acquire(&cfg.state_dir, Mode::Supervise)?;
    let mut sup = supervisor(cfg)?;
    let ops = open_history(cfg);
    // Rotated history files go to IPFS ([history] archive_to_ipfs) while we supervise.
    let archiver = crate::archive::spawn(cfg, ops.clone());
    // The monitor's minutes (supervisor actions) go to the cache's store for `performance`.
    let monitor = crate::perf::store::spawn_persister(std::sync::Arc::new(
        crate::cache::Cache::open(&cfg.cache),
    ));
    let outcome = foreground::run(
        &mut sup,
        Options {
            init,
            leave_running,
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
        },
    )
    .await;
    if let Some(a) = archiver {
        a.abort();
    }
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
