//! An append-only JSON Lines log with size-based rotation (`<stem>.jsonl`, `<stem>.1.jsonl`,
//! ... oldest last), and a reader that skips damaged lines instead of failing.
//!
//! A process killed mid-write leaves a torn last line. Reading reports it as a warning; opening
//! for append first ends it with a newline, so the next entry starts on a line of its own and
//! only the torn one is lost.

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
    file: File,
    size: u64,
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
    /// Opens (creating the directory and file) for append. `keep` counts every file, the
    /// current one included; at least 1.
    pub fn open(dir: &Path, stem: &str, max_bytes: u64, keep: usize) -> Result<Self, HistoryError> {
        fs::create_dir_all(dir).map_err(|error| HistoryError::CreateDir {
            path: dir.to_path_buf(),
            error,
        })?;
        let path = file_path(dir, stem, 0);
        let (file, size) = open_current(&path)?;
        Ok(JsonlLog {
            dir: dir.to_path_buf(),
            stem: stem.to_string(),
            max_bytes,
            keep: keep.max(1),
            file,
            size,
        })
    }

    /// Appends one value as one line, rotating first when the line would push the current file
    /// past the size limit (a file never holds less than one line).
    pub fn append<T: Serialize>(&mut self, value: &T) -> Result<(), HistoryError> {
        let mut line = serde_json::to_vec(value)?;
        line.push(b'\n');
        if self.size > 0 && self.size + line.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        // One write call per line: with O_APPEND, lines from several processes do not mix.
        self.file
            .write_all(&line)
            .map_err(|error| HistoryError::Write {
                path: self.current(),
                error,
            })?;
        self.size += line.len() as u64;
        Ok(())
    }

    pub fn current(&self) -> PathBuf {
        file_path(&self.dir, &self.stem, 0)
    }

    fn rotate(&mut self) -> Result<(), HistoryError> {
        let err = |path: PathBuf| move |error| HistoryError::Rotate { path, error };
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
        if self.keep > 1 {
            let to = file_path(&self.dir, &self.stem, 1);
            fs::rename(&current, &to).map_err(err(current.clone()))?;
        } else {
            fs::remove_file(&current).map_err(err(current.clone()))?;
        }
        let (file, size) = open_current(&current)?;
        self.file = file;
        self.size = size;
        Ok(())
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
    let open_err = |error| HistoryError::Open {
        path: path.to_path_buf(),
        error,
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
            file.write_all(b"\n").map_err(|error| HistoryError::Write {
                path: path.to_path_buf(),
                error,
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
        Err(error) => {
            return Err(HistoryError::Read {
                path: path.to_path_buf(),
                error,
            });
        }
    };
    let ends_cleanly = bytes.last() == Some(&b'\n');
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let last_index = lines.len().saturating_sub(1);
    let mut values = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
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
