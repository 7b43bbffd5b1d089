//! Operation history, the audit trail: every action ipfs-kit takes or sees (daemon
//! start/stop/restart and crashes, wizard runs and config changes, pin/unpin, source state
//! changes) as an entry with ids, time, duration, user, target, outcome and details.
//!
//! Kept in a bounded ring in memory and appended to `history.jsonl` under the directory the
//! binary passes in, rotated by size (`history.1.jsonl`, ... oldest last, `keep_files` in all).
//! Entries follow the AuditEvent schema of the original (see `entry.rs`).
//!
//! ```ignore
//! let (history, warnings) = OpHistory::open(&HistoryOptions::new(state_dir))?;
//! let op = history.start(NewOp::new(EventType::System, "daemon.start").resource("daemon", "kubo"));
//! let result = supervisor.start_kubo().await;
//! op.finish(&result)?;
//! let page = ophistory::query(&state_dir, &Filter { status: Some(OpStatus::Failed), ..Default::default() })?;
//! ```

mod config;
pub(crate) mod durable;
mod entry;
mod error;
mod guard;
mod identity;
pub mod jsonl;
mod probe;
mod query;
mod store;

pub use config::{HistoryOptions, HistorySection};
pub use entry::{EventType, NewOp, OpEntry, OpStatus};
pub use error::HistoryError;
pub use guard::OpGuard;
pub use identity::os_user;
pub use jsonl::ReadWarning;
pub use probe::probe_dir;
pub use query::{Filter, QueryResult, parse_since, query};
pub use store::OpHistory;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_chain;
#[cfg(test)]
mod tests_durable;
