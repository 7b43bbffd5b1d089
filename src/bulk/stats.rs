//! The last bulk run's outcome, kept as `<state>/bulk-last.json` (replaced atomically at the
//! end of each run) for `ipfs-kit performance batch-stats` and the Performance tab.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::report::Op;

pub const FILE: &str = "bulk-last.json";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastRun {
    pub schema_version: u32,
    pub op: Op,
    /// `cluster` or `kubo`.
    pub via: String,
    pub started: DateTime<Utc>,
    pub duration_ms: u64,
    /// Items in the input (repeated lines once), those done by an earlier run included.
    pub total: usize,
    /// Pinned (for `rm`: unpinned) by this run.
    pub done: usize,
    pub already: usize,
    pub failed: usize,
    pub skipped: usize,
    pub rolled_back: usize,
    pub rollback_failed: usize,
    /// Items a `--resume` report said were done, not sent again.
    pub resumed_done: usize,
    /// Items that reached the daemon and came back, per second.
    pub rate_per_s: f64,
    pub jobs: usize,
    pub transaction: bool,
    pub fail_fast: bool,
    pub interrupted: bool,
    pub exit_code: u8,
    /// `--from` (`-` for stdin).
    pub input: String,
    /// `--report`, or none when the report went to stdout.
    pub report: Option<String>,
    /// The first failures: line, target, error.
    pub failures: Vec<Failure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub line: usize,
    pub target: String,
    pub error: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a bulk-run summary ({source}); the next bulk run replaces it")]
    Decode {
        path: PathBuf,
        source: serde_json::Error,
    },
}

pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE)
}

/// Writes the summary atomically (`atomic_file`: temp file, fsync, rename, directory sync):
/// a reader sees the old one or the new one.
pub fn write(state_dir: &Path, run: &LastRun) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(run).map_err(std::io::Error::other)?;
    crate::atomic_file::write(&path(state_dir), &bytes)
}

/// The last run's summary; `None` when no bulk run has finished in this state dir.
pub fn read_last(state_dir: &Path) -> Result<Option<LastRun>, StatsError> {
    let path = path(state_dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StatsError::Read { path, source }),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|source| StatsError::Decode { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_then_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(read_last(dir.path()).expect("read").is_none());
        let run = LastRun {
            schema_version: 1,
            op: Op::Add,
            via: "kubo".into(),
            started: Utc::now(),
            duration_ms: 3200,
            total: 1000,
            done: 990,
            already: 5,
            failed: 5,
            skipped: 0,
            rolled_back: 0,
            rollback_failed: 0,
            resumed_done: 0,
            rate_per_s: 312.5,
            jobs: 8,
            transaction: false,
            fail_fast: false,
            interrupted: false,
            exit_code: 1,
            input: "cids.txt".into(),
            report: Some("r.jsonl".into()),
            failures: vec![Failure {
                line: 7,
                target: "Qm…".into(),
                error: "timed out".into(),
            }],
        };
        write(dir.path(), &run).expect("write");
        assert_eq!(read_last(dir.path()).expect("read"), Some(run));
        // Nothing but the file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .collect();
        assert_eq!(names.len(), 1);
        std::fs::write(path(dir.path()), "{").expect("write");
        assert!(matches!(
            read_last(dir.path()),
            Err(StatsError::Decode { .. })
        ));
    }
}
