//! The operation history a running ipfs-kit writes to: a bounded ring in memory for the
//! dashboard, every line appended to `history.jsonl` for the audit trail.
//!
//! Clone it into every task that records. Appends go through one std Mutex around the ring
//! and the file: an entry is a few hundred bytes written with one call, cheaper than a channel
//! hop to a writer task, and a query made right after a record sees it.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;

use super::config::HistoryOptions;
use super::entry::{NewOp, OpEntry, OpStatus};
use super::error::HistoryError;
use super::guard::OpGuard;
use super::identity;
use super::jsonl::{JsonlLog, ReadWarning};
use super::query::{Filter, QueryResult, STEM, query};

#[derive(Clone)]
pub struct OpHistory {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    session_id: String,
    user_id: String,
    seq: AtomicU64,
    state: Mutex<State>,
}

struct State {
    ring: VecDeque<OpEntry>,
    capacity: usize,
    log: JsonlLog,
    last_error: Option<String>,
}

impl OpHistory {
    /// Opens the history under `opts.dir`, loading the newest entries into memory. The
    /// warnings name lines that were skipped (a torn last line after a crash, say).
    pub fn open(opts: &HistoryOptions) -> Result<(OpHistory, Vec<ReadWarning>), HistoryError> {
        let capacity = opts.in_memory.max(1);
        // Read before opening for append: opening ends a torn last line, which would then
        // no longer be reported as torn.
        let loaded = query(
            &opts.dir,
            &Filter {
                limit: Some(capacity),
                ..Filter::default()
            },
        )?;
        let log = JsonlLog::open(&opts.dir, STEM, opts.max_file_bytes, opts.keep_files)?;
        let history = OpHistory {
            inner: Arc::new(Inner {
                dir: opts.dir.clone(),
                session_id: identity::new_session_id(),
                user_id: identity::os_user(),
                seq: AtomicU64::new(0),
                state: Mutex::new(State {
                    ring: loaded.entries.into_iter().rev().collect(),
                    capacity,
                    log,
                    last_error: None,
                }),
            }),
        };
        Ok((history, loaded.warnings))
    }

    pub fn session_id(&self) -> &str {
        &self.inner.session_id
    }

    pub fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Starts an operation: writes a `running` line now; the guard writes the outcome with
    /// the duration (and `failed` if it is dropped unfinished). A write failure does not stop
    /// the operation; see `last_error`.
    pub fn start(&self, op: NewOp) -> OpGuard {
        let entry = self.entry(op, OpStatus::Running);
        let _ = self.write(entry.clone());
        OpGuard::new(self.clone(), entry)
    }

    /// Records a one-off event (a crash seen, a source going down) with its outcome.
    pub fn record(&self, op: NewOp, status: OpStatus) -> Result<OpEntry, HistoryError> {
        let entry = self.entry(op, status);
        self.write(entry.clone())?;
        Ok(entry)
    }

    /// Records an operation that was timed elsewhere (it started `duration` ago).
    pub fn record_timed(
        &self,
        op: NewOp,
        status: OpStatus,
        duration: std::time::Duration,
    ) -> Result<OpEntry, HistoryError> {
        let mut entry = self.entry(op, status);
        entry.duration_ms = Some(duration.as_millis().min(u128::from(u64::MAX)) as u64);
        entry.timestamp -= chrono::Duration::from_std(duration).unwrap_or_default();
        self.write(entry.clone())?;
        Ok(entry)
    }

    /// The newest `n` entries in memory, newest first, one per operation.
    pub fn recent(&self, n: usize) -> Vec<OpEntry> {
        self.lock().ring.iter().rev().take(n).cloned().collect()
    }

    /// Reads the files (everything kept on disk, not just the ring).
    pub fn query(&self, filter: &Filter) -> Result<QueryResult, HistoryError> {
        // Holding the lock keeps a rotation in this process from running mid-read.
        let _guard = self.lock();
        query(&self.inner.dir, filter)
    }

    /// The last failure to write, if any: shown in the dashboard's status line.
    pub fn last_error(&self) -> Option<String> {
        self.lock().last_error.clone()
    }

    pub(crate) fn next_id(&self, kind: &str) -> String {
        let n = self.inner.seq.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{kind}{n}", self.inner.session_id)
    }

    fn entry(&self, op: NewOp, status: OpStatus) -> OpEntry {
        OpEntry {
            event_id: self.next_id("e"),
            operation_id: self.next_id("op"),
            session_id: self.inner.session_id.clone(),
            timestamp: Utc::now(),
            duration_ms: None,
            event_type: op.event_type,
            action: op.action,
            resource: op.resource,
            resource_type: op.resource_type,
            user_id: self.inner.user_id.clone(),
            status,
            details: op.details,
        }
    }

    /// Puts the entry in the ring (replacing its operation's earlier line) and on disk.
    pub(crate) fn write(&self, entry: OpEntry) -> Result<(), HistoryError> {
        let mut st = self.lock();
        if let Some(i) = st
            .ring
            .iter()
            .rposition(|e| e.operation_id == entry.operation_id)
        {
            st.ring.remove(i);
        }
        let result = st.log.append(&entry);
        st.ring.push_back(entry);
        while st.ring.len() > st.capacity {
            st.ring.pop_front();
        }
        st.last_error = result.as_ref().err().map(ToString::to_string);
        result
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves consistent data: keep going.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
