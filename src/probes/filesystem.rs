//! A local directory: it exists, is a directory, takes a new file, and has room for the
//! quota (statvfs: the space an unprivileged writer may use).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use ipfs_kit_wizards::ProbeReport;

use crate::format::bytes;

pub(super) async fn probe(path: &Path, quota: Option<u64>) -> Result<ProbeReport, String> {
    let path = path.to_path_buf();
    // Blocking syscalls (a hung network mount must not stall the runtime); the caller's
    // timeout still bounds how long we wait for them.
    tokio::task::spawn_blocking(move || check(&path, quota))
        .await
        .map_err(|e| format!("filesystem probe did not finish: {e}"))?
}

fn check(path: &Path, quota: Option<u64>) -> Result<ProbeReport, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{shown} does not exist; create it first"),
        _ => format!("cannot read {shown}: {e}"),
    })?;
    if !meta.is_dir() {
        return Err(format!("{shown} is not a directory"));
    }
    write_and_remove(path).map_err(|e| format!("{shown} is not writable: {e}"))?;
    let st = nix::sys::statvfs::statvfs(path)
        .map_err(|e| format!("cannot read the free space of {shown}: {e}"))?;
    // The statvfs field types differ between platforms (u32 or u64).
    #[allow(clippy::unnecessary_cast)]
    let (unit, avail, blocks) = (
        st.fragment_size() as u64,
        st.blocks_available() as u64,
        st.blocks() as u64,
    );
    let free = avail.saturating_mul(unit);
    let total = blocks.saturating_mul(unit);
    if let Some(q) = quota
        && free < q
    {
        return Err(format!(
            "{shown} has {} free, less than the quota of {}",
            bytes(free),
            bytes(q)
        ));
    }
    let mut report = ProbeReport::new(format!("Directory {shown}: {} free", bytes(free)))
        .fact("path", shown.to_string())
        .fact("writable", "yes")
        .fact("free", bytes(free))
        .fact("size", bytes(total));
    if let Some(q) = quota {
        report = report.fact("quota", bytes(q));
    }
    Ok(report)
}

/// Creates, syncs and removes a uniquely named file: only a real write proves the
/// directory is writable (permission bits say nothing about read-only mounts or root).
fn write_and_remove(dir: &Path) -> std::io::Result<()> {
    let file = probe_file(dir);
    // create_new: never touch a file we did not create.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)?;
    let written = f.write_all(b"ipfs-kit probe\n").and_then(|()| f.sync_all());
    drop(f);
    let removed = std::fs::remove_file(&file);
    written?;
    removed
}

fn probe_file(dir: &Path) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    dir.join(format!(".ipfs-kit-probe-{}-{nanos}", std::process::id()))
}
