//! How ipfs-kit's own writes to its state directory fare: the operation history
//! (`history.jsonl`) and the alert history (`alerts.jsonl`). A full or read-only disk must not
//! lose the audit trail silently, so failures are counted here, shown, and alerted on.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StateWrites {
    /// True while the last attempt to write failed: entries wait in memory (or, for `--once`,
    /// its test write in the state dir failed).
    pub failing: bool,
    /// Entries whose first write failed since this process started (each counted once, however
    /// often it is retried). `--once` counts its one test write.
    pub failed_total: u64,
    /// Entries kept in memory, waiting for the disk; written in order when it recovers.
    pub pending: u64,
    /// Entries dropped (oldest first) because more were waiting than the backlog holds.
    pub dropped_total: u64,
    /// The last write error, in words.
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    /// The file the last failed write was for.
    pub path: Option<String>,
}

impl StateWrites {
    /// Adds another log's figures: counts summed, the newer error kept.
    pub fn merge(&mut self, other: &StateWrites) {
        self.failing |= other.failing;
        self.failed_total += other.failed_total;
        self.pending += other.pending;
        self.dropped_total += other.dropped_total;
        if other.last_error_at > self.last_error_at {
            self.last_error.clone_from(&other.last_error);
            self.last_error_at = other.last_error_at;
            self.path.clone_from(&other.path);
        }
    }
}
