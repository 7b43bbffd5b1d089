//! Tracing to a file under the state dir, never to a terminal the TUI owns.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Lines the log writer's queue holds before dropping.
const LOG_QUEUE_LINES: usize = 1000;

/// Starts file logging at `<state_dir>/logs/ipfs-kit.log` at `info`.
pub fn init(state_dir: &Path) -> Option<WorkerGuard> {
    init_at(state_dir, "info")
}

/// Starts file logging at `<state_dir>/logs/ipfs-kit.log`; the filter (`target=level,…`, or a
/// level) is `IPFS_KIT_LOG`, else `default_level` ([monitoring.outputs] log_level). Returns
/// None, logging nothing, when the directory or the file cannot be made (a read-only state
/// dir: `rolling::never` would panic there).
pub fn init_at(state_dir: &Path, default_level: &str) -> Option<WorkerGuard> {
    let dir = state_dir.join("logs");
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::RollingFileAppender::builder()
        .rotation(tracing_appender::rolling::Rotation::NEVER)
        .filename_prefix("ipfs-kit.log")
        .build(&dir)
        .ok()?;
    // The default queue pre-allocates room for 128,000 lines (~4 MiB resident); a
    // dashboard logs a few lines a minute. Lines beyond the queue are dropped, not blocked on.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(appender);
    // `Targets` takes the `target=level,…` directives people use; EnvFilter's span and field
    // filters would bring in a regex engine (about 0.2 MiB resident) nobody here needs.
    let filter = filter(std::env::var("IPFS_KIT_LOG").ok().as_deref(), default_level);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false),
        )
        .with(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// `IPFS_KIT_LOG` when it parses, else `default_level`, else `info`.
fn filter(env: Option<&str>, default_level: &str) -> Targets {
    env.and_then(|f| f.parse::<Targets>().ok())
        .or_else(|| default_level.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

#[cfg(test)]
mod tests {
    use super::filter;
    use tracing::Level;

    #[test]
    fn the_env_wins_and_a_bad_filter_falls_back() {
        let f = filter(Some("ipfs_kit::collector=debug,warn"), "info");
        assert!(f.would_enable("ipfs_kit::collector", &Level::DEBUG));
        assert!(!f.would_enable("ipfs_kit::tui", &Level::INFO));
        assert!(f.would_enable("ipfs_kit::tui", &Level::WARN));
        let f = filter(Some("=[nonsense"), "debug");
        assert!(f.would_enable("ipfs_kit", &Level::DEBUG));
        let f = filter(None, "warn");
        assert!(f.would_enable("ipfs_kit", &Level::WARN));
        assert!(!f.would_enable("ipfs_kit", &Level::INFO));
    }
}
