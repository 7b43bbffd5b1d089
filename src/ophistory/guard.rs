//! A started operation. Finishing it records the outcome and the duration; dropping it
//! unfinished (task cancelled, panic, early `?`) records it as failed, so nothing stays
//! `running` in the trail while the process lives.

use std::fmt::Display;
use std::time::Instant;

use serde_json::Value;

use super::entry::{OpEntry, OpStatus};
use super::error::HistoryError;
use super::store::OpHistory;

pub struct OpGuard {
    history: OpHistory,
    entry: OpEntry,
    started: Instant,
    finished: bool,
}

impl OpGuard {
    pub(crate) fn new(history: OpHistory, entry: OpEntry) -> Self {
        OpGuard {
            history,
            entry,
            started: Instant::now(),
            finished: false,
        }
    }

    pub fn operation_id(&self) -> &str {
        &self.entry.operation_id
    }

    /// Adds a detail to the outcome line (a pid, a port, the peers a pin went to).
    pub fn detail(&mut self, key: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.entry.details.insert(key.into(), value.into());
        self
    }

    pub fn ok(mut self) -> Result<OpEntry, HistoryError> {
        self.finish_as(OpStatus::Ok, None)
    }

    pub fn fail(mut self, error: impl Display) -> Result<OpEntry, HistoryError> {
        self.finish_as(OpStatus::Failed, Some(error.to_string()))
    }

    /// `ok` or `fail` from a result, so `history.start(..).finish(&result)` wraps any call.
    pub fn finish<T, E: Display>(self, result: &Result<T, E>) -> Result<OpEntry, HistoryError> {
        match result {
            Ok(_) => self.ok(),
            Err(e) => self.fail(e),
        }
    }

    fn finish_as(
        &mut self,
        status: OpStatus,
        error: Option<String>,
    ) -> Result<OpEntry, HistoryError> {
        self.finished = true;
        let mut entry = self.entry.clone();
        entry.event_id = self.history.next_id("e");
        entry.status = status;
        entry.duration_ms =
            Some(self.started.elapsed().as_millis().min(u128::from(u64::MAX)) as u64);
        if let Some(e) = error {
            entry.details.insert("error".into(), Value::String(e));
        }
        self.history.write(entry.clone())?;
        Ok(entry)
    }
}

impl Drop for OpGuard {
    fn drop(&mut self) {
        if !self.finished {
            // Nobody to return the error to; it stays visible through `last_error`.
            let _ = self.finish_as(
                OpStatus::Failed,
                Some(
                    "abandoned: ended without reporting an outcome (cancelled or panicked)".into(),
                ),
            );
        }
    }
}
