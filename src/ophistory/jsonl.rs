//! An append-only JSON Lines log with size-based rotation (`<stem>.jsonl`, `<stem>.1.jsonl`,
//! ... oldest last), and a reader that skips damaged lines instead of failing.
//!
//! A process killed mid-write leaves a torn last line. Reading reports it as a warning; opening
//! for append first ends it with a newline, so the next entry starts on a line of its own and
//! only the torn one is lost.
//!
//! Several processes append to one log (the dashboard, `supervise`, one-shot commands). Every
//! append and rotation holds an exclusive `flock` on `<stem>.lock` and first checks that its
//! file is still the current one, so nobody appends to a file another process just rotated,
//! and two processes never rotate the same file twice.
//!
//! A chained log (the operation history) starts each new file with a chain line naming the
//! rotated file's CID (`ipfs_kit_audit::chain`), and, when archiving is on, hard-links the
//! rotated file into the archive's pending dir for the uploader (the link outlives keep_files).

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::HistoryError;

pub struct JsonlLog {
    dir: PathBuf,
    stem: String,
    max_bytes: u64,
    keep: usize,
    /// `None` until opened, and again after a failed write: the next append opens the file
    /// afresh, which ends a line a failed write may have left unfinished.
    file: Option<(File, u64)>,
    chain: Option<Chain>,
    lock: Option<File>,
}

/// What a chained log does at rotation.
#[derive(Clone, Debug)]
pub struct Chain {
    /// Where rotated files wait for upload (`<cid>.jsonl`); `None` when archiving is off.
    pub pending_dir: Option<PathBuf>,
}

/// A line that could not be read, for the caller to show; everything else was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadWarning {
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ReadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "skipped {}:{}: {}",
            self.file.display(),
            self.line,
            self.message
        )
    }
}

impl JsonlLog {
    /// A log whose file is opened by the first append (so a state dir that cannot be written
    /// yet fails the appends, not the caller's start-up). `keep` counts every file, the
    /// current one included; at least 1.
    pub fn unopened(dir: &Path, stem: &str, max_bytes: u64, keep: usize) -> Self {
        JsonlLog {
            dir: dir.to_path_buf(),
            stem: stem.to_string(),
            max_bytes,
            keep: keep.max(1),
            file: None,
            chain: None,
            lock: None,
        }
    }

    /// Makes this a chained log (see the module doc).
    pub fn set_chain(&mut self, chain: Chain) {
        self.chain = Some(chain);
    }

    /// Appends one encoded line (ending in a newline), rotating first when it would push the
    /// current file past the size limit (a file never holds less than one line). On failure
    /// nothing of it stays in the file (a partial write is cut off again) and the file is
    /// reopened by the next append. An empty line only opens the file: a test of the disk.
    pub fn append_line(&mut self, line: &[u8]) -> Result<(), HistoryError> {
        let result = self.try_append(line);
        if result.is_err() {
            self.file = None;
        }
        result
    }

    fn try_append(&mut self, line: &[u8]) -> Result<(), HistoryError> {
        let locked = self.lock();
        let result = self.append_locked(line);
        if locked && let Some(l) = &self.lock {
            let _ = l.unlock();
        }
        result
    }

    /// Locks the lock file; false when it cannot be had (a read-only dir fails the append
    /// anyway, and a filesystem without locks still gets the single-process behaviour).
    fn lock(&mut self) -> bool {
        if self.lock.is_none() {
            let _ = fs::create_dir_all(&self.dir);
            let path = self.dir.join(format!("{}.lock", self.stem));
            self.lock = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)
                .ok();
        }
        self.lock.as_ref().is_some_and(|l| l.lock().is_ok())
    }

    /// Forgets the open file if another process rotated it away (its inode is no longer the
    /// current path's); refreshes the size others' appends changed.
    fn sync_with_others(&mut self) {
        use std::os::unix::fs::MetadataExt;
        let Some((file, size)) = self.file.as_mut() else {
            return;
        };
        let ours = file.metadata();
        let theirs = fs::metadata(file_path(&self.dir, &self.stem, 0));
        match (ours, theirs) {
            (Ok(o), Ok(t)) if o.ino() == t.ino() && o.dev() == t.dev() => *size = o.len(),
            _ => self.file = None,
        }
    }

    fn append_locked(&mut self, line: &[u8]) -> Result<(), HistoryError> {
        self.sync_with_others();
        let size = self.ensure_open()?;
        if size > 0 && size + line.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        let path = self.current();
        let Some((file, size)) = self.file.as_mut() else {
            return Err(HistoryError::Open {
                path,
                error: std::io::Error::other("the file was not opened"),
            });
        };
        // One write call per line: with O_APPEND, lines from several processes do not mix.
        match file.write(line) {
            Ok(n) if n == line.len() => {
                *size += n as u64;
                Ok(())
            }
            Ok(n) => {
                // A full disk takes what fits. Cut it off, so the retry starts a whole line
                // where this one began (and no half line is left to damage the next).
                cut_partial(file, n);
                Err(HistoryError::Write {
                    path,
                    error: std::io::Error::new(
                        std::io::ErrorKind::StorageFull,
                        format!("only {n} of {} bytes written (disk full?)", line.len()),
                    ),
                })
            }
            Err(source) => Err(HistoryError::Write {
                path,
                error: source,
            }),
        }
    }

    /// Opens the current file if it is not open; returns its size.
    fn ensure_open(&mut self) -> Result<u64, HistoryError> {
        if let Some((_, size)) = &self.file {
            return Ok(*size);
        }
        fs::create_dir_all(&self.dir).map_err(|source| HistoryError::CreateDir {
            path: self.dir.clone(),
            error: source,
        })?;
        let (file, size) = open_current(&self.current())?;
        self.file = Some((file, size));
        Ok(size)
    }

    pub fn current(&self) -> PathBuf {
        file_path(&self.dir, &self.stem, 0)
    }

    fn rotate(&mut self) -> Result<(), HistoryError> {
        let err = |path: PathBuf| {
            move |source| HistoryError::Rotate {
                path,
                error: source,
            }
        };
        // Drop every file at or past the last index kept, including leftovers of a larger
        // `keep` from an earlier config.
        for (i, path) in rotated_files(&self.dir, &self.stem) {
            if i + 1 >= self.keep {
                fs::remove_file(&path).map_err(err(path.clone()))?;
            }
        }
        for i in (1..self.keep.saturating_sub(1)).rev() {
            let from = file_path(&self.dir, &self.stem, i);
            if from.exists() {
                let to = file_path(&self.dir, &self.stem, i + 1);
                fs::rename(&from, &to).map_err(err(from.clone()))?;
            }
        }
        let current = self.current();
        let header = self
            .chain
            .clone()
            .and_then(|c| chain_at_rotation(&current, &c));
        if self.keep > 1 {
            let to = file_path(&self.dir, &self.stem, 1);
            fs::rename(&current, &to).map_err(err(current.clone()))?;
        } else {
            fs::remove_file(&current).map_err(err(current.clone()))?;
        }
        self.file = None;
        self.ensure_open()?;
        if let (Some(header), Some((file, size))) = (header, self.file.as_mut()) {
            file.write_all(&header)
                .map_err(|source| HistoryError::Write {
                    path: self.dir.join(format!("{}.jsonl", self.stem)),
                    error: source,
                })?;
            *size += header.len() as u64;
        }
        Ok(())
    }
}

/// The chain line for the file about to rotate, and its pending link for the uploader. A
/// failure here costs the chain line or the upload, never the rotation (said in the log).
fn chain_at_rotation(current: &Path, chain: &Chain) -> Option<Vec<u8>> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    // One streaming pass: the file may be as large as max_file_bytes allows.
    let header =
        match File::open(current).and_then(|f| ipfs_kit_audit::chain::header_for_reader(f, &now)) {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(
                    "history chain: cannot read {} to chain it: {e}",
                    current.display()
                );
                return None;
            }
        };
    if let Some(dir) = &chain.pending_dir {
        let link = dir.join(format!("{}.jsonl", header.prev_cid));
        let kept = fs::create_dir_all(dir).and_then(|()| match fs::hard_link(current, &link) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // A filesystem without hard links: a copy (whole or not at all) does it.
            Err(_) => {
                let tmp = link.with_extension("tmp");
                fs::copy(current, &tmp).and_then(|_| fs::rename(&tmp, &link))
            }
            ok => ok,
        });
        if let Err(e) = kept {
            tracing::warn!(
                "history archive: cannot keep {} for upload at {}: {e}",
                current.display(),
                link.display()
            );
        }
    }
    Some(ipfs_kit_audit::chain::encode_header(&header))
}

/// One value as one JSON line.
pub fn encode_line<T: Serialize>(value: &T) -> Result<Vec<u8>, HistoryError> {
    let mut line = serde_json::to_vec(value)?;
    line.push(b'\n');
    Ok(line)
}

/// Removes the `n` bytes a short write just appended, if nobody appended after them. If that
/// fails, reopening ends the fragment with a newline: one damaged line, skipped on reading.
fn cut_partial(file: &mut File, n: usize) {
    let (Ok(end), Ok(meta)) = (file.stream_position(), file.metadata()) else {
        return;
    };
    if meta.len() == end
        && let Some(start) = end.checked_sub(n as u64)
    {
        let _ = file.set_len(start);
    }
}

/// `<stem>.jsonl` for index 0, `<stem>.<i>.jsonl` after.
pub fn file_path(dir: &Path, stem: &str, index: usize) -> PathBuf {
    if index == 0 {
        dir.join(format!("{stem}.jsonl"))
    } else {
        dir.join(format!("{stem}.{index}.jsonl"))
    }
}

/// The existing files of a log, newest first.
pub fn files_newest_first(dir: &Path, stem: &str) -> Vec<PathBuf> {
    let mut rotated = rotated_files(dir, stem);
    rotated.sort_by_key(|(i, _)| *i);
    let current = file_path(dir, stem, 0);
    current
        .exists()
        .then_some(current)
        .into_iter()
        .chain(rotated.into_iter().map(|(_, p)| p))
        .collect()
}

/// Rotated files (`<stem>.<i>.jsonl`, i >= 1) with their index, in no particular order.
fn rotated_files(dir: &Path, stem: &str) -> Vec<(usize, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let prefix = format!("{stem}.");
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let index = name
                .to_str()?
                .strip_prefix(&prefix)?
                .strip_suffix(".jsonl")?
                .parse::<usize>()
                .ok()
                .filter(|i| *i >= 1)?;
            Some((index, e.path()))
        })
        .collect()
}

fn open_current(path: &Path) -> Result<(File, u64), HistoryError> {
    let open_err = |source| HistoryError::Open {
        path: path.to_path_buf(),
        error: source,
    };
    let mut file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(open_err)?;
    let mut size = file.metadata().map_err(open_err)?.len();
    if size > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::End(-1))
            .and_then(|_| file.read_exact(&mut last))
            .map_err(open_err)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")
                .map_err(|source| HistoryError::Write {
                    path: path.to_path_buf(),
                    error: source,
                })?;
            size += 1;
        }
    }
    Ok((file, size))
}

/// Reads every line of one file in order; damaged lines become warnings.
pub fn read_file<T: DeserializeOwned>(
    path: &Path,
) -> Result<(Vec<T>, Vec<ReadWarning>), HistoryError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(source) => {
            return Err(HistoryError::Read {
                path: path.to_path_buf(),
                error: source,
            });
        }
    };
    let ends_cleanly = bytes.last() == Some(&b'\n');
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let last_index = lines.len().saturating_sub(1);
    let mut values = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) || ipfs_kit_audit::chain::is_header_line(line) {
            continue;
        }
        match serde_json::from_slice::<T>(line) {
            Ok(v) => values.push(v),
            Err(e) => {
                let message = if !ends_cleanly && i == last_index {
                    format!("torn last line (the writer was probably killed mid-write): {e}")
                } else {
                    format!("damaged line: {e}")
                };
                warnings.push(ReadWarning {
                    file: path.to_path_buf(),
                    line: i + 1,
                    message,
                });
            }
        }
    }
    Ok((values, warnings))
}
