//! `ipfs-kit supervise`: the foreground supervisor for a service manager.

use std::time::Duration;

use super::{open_history, record_failure, report, supervisor};
use crate::config::Config;
use crate::supervisor::{state_file, write_state};

/// `supervise`: foreground supervisor for a service manager. Starts (or adopts) everything,
/// restarts crashes within the budget, and on SIGTERM/SIGINT/SIGHUP stops what it runs
/// (unless `leave_running`).
pub async fn run(cfg: &Config, init: bool, leave_running: bool) -> anyhow::Result<u8> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sup = supervisor(cfg)?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let ops = open_history(cfg);
    match sup.start("all", init).await {
        Ok(events) => report(ops.as_ref(), &events),
        Err(e) => {
            crate::say!("ipfs-kit: {e}");
            record_failure(ops.as_ref(), "start", "all", &e);
            report(ops.as_ref(), &sup.stop("all").await?);
            return Ok(1);
        }
    }
    write_state(&cfg.state_dir, sup.status());
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                let events = sup.tick().await;
                report(ops.as_ref(), &events);
                // Entries that waited for a full or read-only disk go out once it recovers.
                if let Some(ops) = &ops {
                    ops.flush();
                }
                write_state(&cfg.state_dir, sup.status());
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => break,
        }
    }
    if leave_running {
        sup.detach_all();
    } else {
        report(ops.as_ref(), &sup.stop("all").await?);
    }
    let _ = std::fs::remove_file(state_file(&cfg.state_dir));
    Ok(0)
}
