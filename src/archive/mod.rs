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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipfs_urls() {
        let cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
        assert_eq!(parse_ipfs_url(&format!("ipfs://{cid}/")), Some(cid));
        assert_eq!(parse_ipfs_url(&format!("/ipfs/{cid}")), Some(cid));
        assert_eq!(parse_ipfs_url("ipfs://not a cid"), None);
        assert_eq!(parse_ipfs_url(cid), None);
    }

    #[test]
    fn manifest_round_trip_and_a_damaged_one_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = Manifest::load(dir.path()).expect("no manifest yet");
        assert!(empty.archived.is_empty());
        let mut m = empty;
        m.archived.insert(
            "bafk".into(),
            Archived {
                bytes: 3,
                lines: 1,
                archived_at: "2026-01-01T00:00:00Z".into(),
                kubo_cid: "bafk".into(),
                cluster: "pinned".into(),
            },
        );
        m.save(dir.path()).expect("save");
        let back = Manifest::load(dir.path()).expect("load");
        assert_eq!(back.archived, m.archived);
        std::fs::write(Manifest::path(dir.path()), "{").expect("damage");
        let e = Manifest::load(dir.path()).expect_err("damaged");
        assert!(e.contains("manifest.json"), "{e}");
    }
}
