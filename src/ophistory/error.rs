//! Errors of the history files (operation history and alert history share them).

use std::path::PathBuf;

/// The OS error is part of each message and deliberately not a `source()`: anyhow's `{e:#}`
/// prints the chain, and a message that also names its source would say it twice.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot create history directory {path}: {error}")]
    CreateDir {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot open history file {path}: {error}")]
    Open {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot write history file {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot rotate history file {path}: {error}")]
    Rotate {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot read history file {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The disk refused the entry; it waits in memory and is written when it can be.
    #[error(
        "cannot write {path} ({reason}); {pending} entries kept in memory until it can be written"
    )]
    Pending {
        path: PathBuf,
        reason: String,
        pending: u64,
    },
    #[error("cannot encode a history entry: {0}")]
    Encode(serde_json::Error),
}

// Not `#[from]`: that would make it the source as well, and `{e:#}` would print it twice.
impl From<serde_json::Error> for HistoryError {
    fn from(e: serde_json::Error) -> Self {
        HistoryError::Encode(e)
    }
}
