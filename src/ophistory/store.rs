//! The operation history a running ipfs-kit writes to: a bounded ring in memory for the
//! dashboard, every line appended to `history.jsonl` for the audit trail.
//!
//! Clone it into every task that records. Appends go through one std Mutex around the ring
//! and the file: an entry is a few hundred bytes written with one call, cheaper than a channel
//! hop to a writer task, and a query made right after a record sees it.
//!
//! A write the disk refuses is kept in memory and written later (`DurableLog`); `flush` retries
//! (the owners call it on a timer). Callers may ignore `record`'s result: the failure is
//! reported here, on stderr in CLI modes (`report_on_stderr`), and in `write_status` for the
//! snapshot, the dashboard and the `state_dir_unwritable` alert.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;

use super::config::HistoryOptions;
use super::durable::{BACKLOG_CAP, DurableLog, Outcome};
use super::entry::{NewOp, OpEntry, OpStatus};
use super::error::HistoryError;
use super::guard::OpGuard;
use super::identity;
use super::jsonl::{Chain, ReadWarning};
use super::query::{Filter, QueryResult, STEM, query};
use crate::model::StateWrites;

#[derive(Clone)]
pub struct OpHistory {
    inner: Arc<Inner>,
    /// Who asked, when not this process's OS user (an API client: `api:<peer>`).
    user: Option<Arc<str>>,
}

struct Inner {
    dir: PathBuf,
    session_id: String,
    user_id: String,
    seq: AtomicU64,
    /// Say on stderr when writes start failing, recover, or are lost at exit (CLI modes; off
    /// while the dashboard owns the terminal).
    stderr: AtomicBool,
    state: Mutex<State>,
}

struct State {
    ring: VecDeque<OpEntry>,
    capacity: usize,
    log: DurableLog,
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
        // A state dir that cannot be written does not stop anything: entries wait in memory.
        let log = DurableLog::open_chained(
            &opts.dir,
            STEM,
            opts.max_file_bytes,
            opts.keep_files,
            BACKLOG_CAP,
            Chain {
                pending_dir: opts
                    .archive_to_ipfs
                    .then(|| crate::archive::pending_dir(&opts.dir)),
            },
        );
        let history = OpHistory {
            inner: Arc::new(Inner {
                dir: opts.dir.clone(),
                session_id: identity::new_session_id(),
                user_id: identity::os_user(),
                seq: AtomicU64::new(0),
                stderr: AtomicBool::new(false),
                state: Mutex::new(State {
                    ring: loaded.entries.into_iter().rev().collect(),
                    capacity,
                    log,
                }),
            }),
            user: None,
        };
        Ok((history, loaded.warnings))
    }

    pub fn session_id(&self) -> &str {
        &self.inner.session_id
    }

    pub fn user_id(&self) -> &str {
        self.user.as_deref().unwrap_or(&self.inner.user_id)
    }

    /// The same history, its entries recorded as asked by `user` (an API client) rather
    /// than the OS user running ipfs-kit.
    pub fn as_user(&self, user: &str) -> OpHistory {
        OpHistory {
            inner: Arc::clone(&self.inner),
            user: Some(Arc::from(user)),
        }
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

    /// The last failure to write while it is not resolved: shown in the dashboard.
    pub fn last_error(&self) -> Option<String> {
        let st = self.lock();
        let w = st.log.status();
        w.failing.then(|| w.last_error.clone()).flatten()
    }

    /// How writes to `history.jsonl` fare (failures, entries waiting, dropped).
    pub fn write_status(&self) -> StateWrites {
        self.lock().log.status().clone()
    }

    /// Writes entries that wait for the disk, in order. Cheap when nothing waits. Only a
    /// recovery is said: the failure was said when it began.
    pub fn flush(&self) {
        let outcome = self.lock().log.flush();
        if let Outcome::Recovered(_) = outcome {
            self.report(&outcome);
        }
    }

    /// Whether write failures, recoveries and entries lost at exit are said on stderr.
    pub fn report_on_stderr(&self, on: bool) {
        self.inner.stderr.store(on, Ordering::Relaxed);
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
            user_id: self.user_id().to_string(),
            status,
            details: op.details,
        }
    }

    /// Puts the entry in the ring (replacing its operation's earlier line) and on disk; `Err`
    /// when the disk refused it (it then waits in memory and is written later).
    pub(crate) fn write(&self, entry: OpEntry) -> Result<(), HistoryError> {
        let (outcome, say) = {
            let mut st = self.lock();
            if let Some(i) = st
                .ring
                .iter()
                .rposition(|e| e.operation_id == entry.operation_id)
            {
                st.ring.remove(i);
            }
            let was_failing = st.log.status().failing;
            let outcome = st.log.append(&entry);
            st.ring.push_back(entry);
            while st.ring.len() > st.capacity {
                st.ring.pop_front();
            }
            let outcome = outcome?;
            // Said once when writes start failing, not for every entry that waits.
            (outcome, !(was_failing && outcome == Outcome::Pending))
        };
        if say {
            self.report(&outcome);
        }
        match outcome {
            Outcome::Pending => {
                let w = self.write_status();
                Err(HistoryError::Pending {
                    path: self.inner.dir.join(format!("{STEM}.jsonl")),
                    reason: w.last_error.unwrap_or_default(),
                    pending: w.pending,
                })
            }
            _ => Ok(()),
        }
    }

    /// Says on stderr (when asked to) that writes fail or work again.
    fn report(&self, outcome: &Outcome) {
        if !self.inner.stderr.load(Ordering::Relaxed) {
            return;
        }
        let w = self.write_status();
        let path = self.inner.dir.join(format!("{STEM}.jsonl"));
        match outcome {
            Outcome::Written => {}
            Outcome::Pending => crate::say!(
                "ipfs-kit: cannot write the operation history: {}. {} entr{} kept in memory \
                 and written when the file can be written again (free space on its filesystem \
                 or make it writable).",
                w.last_error.as_deref().unwrap_or("write failed"),
                w.pending,
                if w.pending == 1 { "y" } else { "ies" },
            ),
            Outcome::Recovered(n) => crate::say!(
                "ipfs-kit: operation history written again: {n} waiting entr{} saved to {}{}.",
                if *n == 1 { "y" } else { "ies" },
                path.display(),
                if w.dropped_total > 0 {
                    format!(" ({} dropped while the backlog was full)", w.dropped_total)
                } else {
                    String::new()
                }
            ),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves consistent data: keep going.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Inner {
    /// The last chance for entries still waiting; what cannot be written now is lost, and said.
    fn drop(&mut self) {
        let st = self
            .state
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if st.log.status().pending == 0 {
            return;
        }
        st.log.flush();
        let w = st.log.status();
        if w.pending > 0 && *self.stderr.get_mut() {
            crate::say!(
                "ipfs-kit: {} operation history entr{} could not be written to {} and {} lost: {}",
                w.pending,
                if w.pending == 1 { "y" } else { "ies" },
                st.log.path().display(),
                if w.pending == 1 { "is" } else { "are" },
                w.last_error.as_deref().unwrap_or("write failed")
            );
        }
    }
}
