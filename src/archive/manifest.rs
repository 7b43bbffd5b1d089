//! `history-archive/manifest.json`: every rotated file archived, by CID.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub v: u32,
    pub archived: BTreeMap<String, Archived>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archived {
    pub bytes: u64,
    pub lines: u64,
    /// RFC 3339.
    pub archived_at: String,
    /// The CID Kubo's add returned: equal to the key unless Kubo imports differently.
    pub kubo_cid: String,
    /// "pinned", "not configured or not answering", or the error Cluster gave.
    pub cluster: String,
}

impl Manifest {
    pub fn path(state_dir: &Path) -> PathBuf {
        super::archive_dir(state_dir).join("manifest.json")
    }

    /// The manifest, empty when there is none yet; a damaged one is an error naming it.
    pub fn load(state_dir: &Path) -> Result<Manifest, String> {
        let path = Self::path(state_dir);
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                format!(
                    "{}: {e} (move it away: the uploader rebuilds it as it archives again)",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
                v: 1,
                ..Manifest::default()
            }),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    pub fn save(&self, state_dir: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::atomic_file::write(&Self::path(state_dir), &bytes)
    }
}
