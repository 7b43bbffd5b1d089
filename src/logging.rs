//! Tracing to a file under the state dir, never to a terminal the TUI owns.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

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
    let (writer, guard) = tracing_appender::non_blocking(appender);
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
