//! Tracing to a file under the state dir, never to a terminal the TUI owns.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Lines the log writer's queue holds before dropping.
const LOG_QUEUE_LINES: usize = 1000;

/// Starts file logging at `<state_dir>/logs/ipfs-kit.log` at `info`.
pub fn init(state_dir: &Path) -> Option<WorkerGuard> {
    init_at(state_dir, "info")
}

/// Starts file logging at `<state_dir>/logs/ipfs-kit.log`; the filter is `IPFS_KIT_LOG`, else
/// `default_level` ([monitoring.outputs] log_level). Returns None, logging nothing, when the
/// directory cannot be made.
pub fn init_at(state_dir: &Path, default_level: &str) -> Option<WorkerGuard> {
    let dir = state_dir.join("logs");
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "ipfs-kit.log");
    // The default queue pre-allocates room for 128,000 lines (~4 MiB resident); a
    // dashboard logs a few lines a minute. Lines beyond the queue are dropped, not blocked on.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(appender);
    let filter =
        EnvFilter::try_from_env("IPFS_KIT_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
