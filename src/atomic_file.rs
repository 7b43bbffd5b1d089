//! Replacing a file so that a reader (or a crash) sees the old content or the new, never a
//! half-written one: write a temporary file beside it, sync, rename over, sync the directory.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically, creating the parent directory when missing.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_mode(path, bytes, 0o666)
}

/// As `write`, readable by the owner only (0600 from the start: a secret is never in a file
/// others could open, not even for a moment).
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_mode(path, bytes, 0o600)
}

fn write_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename is durable once the directory is; some file systems refuse to open a
        // directory for syncing, which is not worth failing the write for.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("sub/report.html");
        super::write(&p, b"one").expect("write");
        super::write(&p, b"two").expect("rewrite");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let entries = std::fs::read_dir(dir.path().join("sub"))
            .expect("dir")
            .count();
        assert_eq!(entries, 1);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        super::write(&p, b"old").expect("write");
        // A directory in the way of the rename target's temporary name's parent: not
        // portable to provoke; writing into a path whose parent is a file fails instead.
        let bad = p.join("child");
        assert!(super::write(&bad, b"new").is_err());
        assert_eq!(std::fs::read(&p).expect("read"), b"old");
    }
}
