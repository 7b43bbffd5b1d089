//! The `[history]` config section: where the binary's state dir gets its limits from.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer};

/// `[history]`: size of the JSONL files and of the in-memory ring.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HistorySection {
    /// Rotate `history.jsonl` once the next entry would take it past this size (>= 4096).
    #[serde(deserialize_with = "max_file_bytes")]
    pub max_file_bytes: u64,
    /// Files kept, the current one included (1-100).
    #[serde(deserialize_with = "keep_files")]
    pub keep_files: usize,
    /// Entries kept in memory for the dashboard (1-100000).
    #[serde(deserialize_with = "in_memory")]
    pub in_memory: usize,
    /// Add each rotated file to the watched Kubo (pinned; through Cluster too when one
    /// answers). The chain line at the top of each file is written either way.
    pub archive_to_ipfs: bool,
}

impl Default for HistorySection {
    fn default() -> Self {
        HistorySection {
            max_file_bytes: 4 * 1024 * 1024,
            keep_files: 5,
            in_memory: 1000,
            archive_to_ipfs: true,
        }
    }
}

impl HistorySection {
    pub fn options(&self, dir: PathBuf) -> HistoryOptions {
        HistoryOptions {
            dir,
            max_file_bytes: self.max_file_bytes,
            keep_files: self.keep_files,
            in_memory: self.in_memory,
            archive_to_ipfs: self.archive_to_ipfs,
        }
    }
}

/// Everything `OpHistory::open` needs.
#[derive(Clone, Debug)]
pub struct HistoryOptions {
    /// The state directory; the files are `history.jsonl`, `history.1.jsonl`, ...
    pub dir: PathBuf,
    pub max_file_bytes: u64,
    pub keep_files: usize,
    pub in_memory: usize,
    /// Rotated files are kept for the uploader (`crate::archive`).
    pub archive_to_ipfs: bool,
}

impl HistoryOptions {
    pub fn new(dir: PathBuf) -> Self {
        HistorySection::default().options(dir)
    }
}

fn ranged<'de, D: Deserializer<'de>>(d: D, key: &str, min: u64, max: u64) -> Result<u64, D::Error> {
    let v = u64::deserialize(d)?;
    if v < min || v > max {
        return Err(serde::de::Error::custom(format!(
            "{key} = {v} is out of range; use {min} to {max}"
        )));
    }
    Ok(v)
}

fn max_file_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    ranged(d, "max_file_bytes", 4096, 1 << 40)
}

fn keep_files<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    ranged(d, "keep_files", 1, 100).map(|v| v as usize)
}

fn in_memory<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    ranged(d, "in_memory", 1, 100_000).map(|v| v as usize)
}
