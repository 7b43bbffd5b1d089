//! Errors of the history files (operation history and alert history share them).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot create history directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open history file {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write history file {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot rotate history file {path}: {source}")]
    Rotate {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read history file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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
    Encode(#[from] serde_json::Error),
}
