//! A test write in the state dir, for modes that keep no history of their own (`--once`): it
//! reports a full or read-only state dir the way a running ipfs-kit's histories would.

use std::io::Write;
use std::path::Path;

use chrono::Utc;

use crate::model::StateWrites;

/// Creates, writes and removes a small file in `dir`. A dir that does not exist yet is not
/// created (nothing has been written there, so nothing is lost) and counts as writable.
pub fn probe_dir(dir: &Path) -> StateWrites {
    if !dir.is_dir() {
        return StateWrites::default();
    }
    let path = dir.join(format!(".write-test.{}", std::process::id()));
    // A block, not a byte: a nearly full disk may still take a byte. No fsync (it would cost
    // `--once` milliseconds): tmpfs and ext4 refuse the write itself when full.
    let result = std::fs::File::create(&path).and_then(|mut f| f.write_all(&[b'\n'; 4096]));
    let _ = std::fs::remove_file(&path);
    match result {
        Ok(()) => StateWrites::default(),
        Err(e) => StateWrites {
            failing: true,
            failed_total: 1,
            last_error: Some(format!("cannot write in the state directory: {e}")),
            last_error_at: Some(Utc::now()),
            path: Some(dir.display().to_string()),
            ..StateWrites::default()
        },
    }
}
