//! Replacing files so that a crash at any moment leaves either the old or the new
//! content, never a mix: write a temp file in the same directory, fsync, rename over.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// New content, fully written and synced, waiting to be renamed over `target`.
pub(crate) struct Staged {
    temp: NamedTempFile,
    target: PathBuf,
}

fn dir_of(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates the temp file with `mode` from the start (so a secret is never readable by
/// others, not even for a moment), writes `contents` and syncs it to disk.
pub(crate) fn stage(target: &Path, contents: &str, mode: u32) -> io::Result<Staged> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .permissions(Permissions::from_mode(mode))
        .tempfile_in(dir_of(target))?;
    temp.write_all(contents.as_bytes())?;
    temp.as_file().sync_all()?;
    Ok(Staged {
        temp,
        target: target.to_path_buf(),
    })
}

/// The mode a replaced file keeps, or `default` for a new one.
pub(crate) fn mode_of(path: &Path, default: u32) -> io::Result<u32> {
    match fs::metadata(path) {
        Ok(m) => Ok(m.permissions().mode() & 0o777),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(default),
        Err(e) => Err(e),
    }
}

/// A second name for the file at `path` as it is now, made atomically: a hard link to the
/// same inode (the rename that follows gives `path` a new inode), or a staged copy where
/// links are not supported.
pub(crate) fn keep_copy(path: &Path, copy: &Path) -> io::Result<()> {
    let link = copy.with_extension("bak-link");
    let _ = fs::remove_file(&link);
    match fs::hard_link(path, &link) {
        Ok(()) => fs::rename(&link, copy),
        Err(_) => {
            let text = fs::read_to_string(path)?;
            let mode = mode_of(path, 0o600)?;
            stage(copy, &text, mode)?.commit().map(drop)
        }
    }
}

impl Staged {
    /// Renames the temp file over the target and syncs the directory entry.
    pub(crate) fn commit(self) -> io::Result<PathBuf> {
        let Staged { temp, target } = self;
        temp.persist(&target).map_err(|e| e.error)?;
        File::open(dir_of(&target))?.sync_all()?;
        Ok(target)
    }
}
