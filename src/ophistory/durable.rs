//! A JSON Lines log that loses nothing to a full or read-only disk while the process lives:
//! a line that cannot be written waits in a bounded backlog, and the backlog is written, in
//! order and before anything newer, on the next append or `flush` (the owners call it on a
//! timer). Both the operation history and the alert history write through it.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;

use super::error::HistoryError;
use super::jsonl::{Chain, JsonlLog, encode_line};
use crate::model::StateWrites;

/// Lines kept in memory while the disk refuses them: at a few hundred bytes each, about
/// 2 MiB at most per log. Past it the oldest waiting line is dropped (and counted).
pub const BACKLOG_CAP: usize = 5000;

pub struct DurableLog {
    log: JsonlLog,
    backlog: VecDeque<Vec<u8>>,
    cap: usize,
    status: StateWrites,
}

/// What an append or flush changed, for a caller that reports on transitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is on disk (nothing was waiting).
    Written,
    /// Lines that had been waiting are now on disk too: this many.
    Recovered(u64),
    /// The disk refused; lines wait in memory (see `status`).
    Pending,
}

impl DurableLog {
    /// A log under `dir` (`<stem>.jsonl`, rotated at `max_bytes`, `keep` files). It opens the
    /// file at once; if that fails the log still works, and its appends wait in the backlog.
    pub fn open(dir: &Path, stem: &str, max_bytes: u64, keep: usize, cap: usize) -> Self {
        Self::open_with(JsonlLog::unopened(dir, stem, max_bytes, keep), cap)
    }

    /// As `open`, for a chained log (each file names its predecessor's CID; see `jsonl.rs`).
    pub fn open_chained(
        dir: &Path,
        stem: &str,
        max_bytes: u64,
        keep: usize,
        cap: usize,
        chain: Chain,
    ) -> Self {
        let mut log = JsonlLog::unopened(dir, stem, max_bytes, keep);
        log.set_chain(chain);
        Self::open_with(log, cap)
    }

    fn open_with(log: JsonlLog, cap: usize) -> Self {
        let mut durable = DurableLog {
            log,
            backlog: VecDeque::new(),
            cap: cap.max(1),
            status: StateWrites::default(),
        };
        // Only the file is touched (no line written): an error here shows up as `failing`
        // before anything is lost, so a read-only state dir is reported at start.
        if let Err(e) = durable.log.append_line(&[]) {
            durable.note_error(&e);
        }
        durable
    }

    /// Appends one value as one line, after any lines still waiting. `Err` only when the value
    /// cannot be encoded; a disk that refuses it makes `Ok(Outcome::Pending)` with the line
    /// kept for later.
    pub fn append<T: Serialize>(&mut self, value: &T) -> Result<Outcome, HistoryError> {
        let line = encode_line(value)?;
        if !self.backlog.is_empty() {
            self.push(line);
            let outcome = self.flush();
            if outcome == Outcome::Pending {
                self.status.failed_total += 1;
            }
            return Ok(outcome);
        }
        match self.log.append_line(&line) {
            Ok(()) => {
                self.status.failing = false;
                Ok(Outcome::Written)
            }
            Err(e) => {
                self.status.failed_total += 1;
                self.note_error(&e);
                self.push(line);
                Ok(Outcome::Pending)
            }
        }
    }

    /// Writes the waiting lines, oldest first, stopping at the first failure.
    pub fn flush(&mut self) -> Outcome {
        if self.backlog.is_empty() && !self.status.failing {
            return Outcome::Written;
        }
        let mut written = 0;
        while let Some(line) = self.backlog.front() {
            if let Err(e) = self.log.append_line(line) {
                self.note_error(&e);
                self.status.pending = self.backlog.len() as u64;
                return Outcome::Pending;
            }
            self.backlog.pop_front();
            written += 1;
        }
        self.status.pending = 0;
        if self.status.failing {
            // Nothing waited (the file could not be opened): test it without writing a line.
            if let Err(e) = self.log.append_line(&[]) {
                self.note_error(&e);
                return Outcome::Pending;
            }
            self.status.failing = false;
        }
        if written == 0 {
            Outcome::Written
        } else {
            Outcome::Recovered(written)
        }
    }

    pub fn status(&self) -> &StateWrites {
        &self.status
    }

    pub fn path(&self) -> PathBuf {
        self.log.current()
    }

    fn push(&mut self, line: Vec<u8>) {
        if self.backlog.len() >= self.cap {
            self.backlog.pop_front();
            self.status.dropped_total += 1;
        }
        self.backlog.push_back(line);
        self.status.pending = self.backlog.len() as u64;
    }

    fn note_error(&mut self, e: &HistoryError) {
        self.status.failing = true;
        self.status.last_error = Some(e.to_string());
        self.status.last_error_at = Some(Utc::now());
        self.status.path = Some(self.log.current().display().to_string());
    }
}
