//! The history's trail on IPFS: rotated `history.jsonl` files are added to the watched Kubo
//! (pinned, and through Cluster when one answers), and `audit-analytics verify` walks the
//! chain of CIDs the files record (`ipfs_kit_audit::chain`).
//!
//! On disk, under the state dir:
//! - `history-archive/pending/<cid>.jsonl`: a hard link to each rotated file, made at rotation
//!   (`ophistory::jsonl`), removed once uploaded; it outlives `keep_files`, so a Kubo that is
//!   down delays the upload but loses nothing.
//! - `history-archive/manifest.json`: what was archived, when, and how (atomic rewrites).

mod kubo;
mod manifest;
mod upload;

use std::path::{Path, PathBuf};

pub use kubo::{Kubo, PinCheck, cat};
pub use manifest::{Archived, Manifest};
pub use upload::{UploadSummary, spawn, upload_pending};

pub fn archive_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("history-archive")
}

pub fn pending_dir(state_dir: &Path) -> PathBuf {
    archive_dir(state_dir).join("pending")
}

/// The CID an `ipfs://CID` (or `/ipfs/CID`) address names.
pub fn parse_ipfs_url(s: &str) -> Option<&str> {
    let cid = s
        .strip_prefix("ipfs://")
        .or_else(|| s.strip_prefix("/ipfs/"))?
        .trim_end_matches('/');
    crate::pins::parse_cid(cid).ok().map(|_| cid)
}
