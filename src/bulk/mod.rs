//! Bulk pin and unpin (`ipfs-kit pin add|rm --from FILE`): a list checked line by line before
//! anything is sent, one call per CID with bounded parallelism (neither Kubo nor Cluster has a
//! batch endpoint), a per-item JSONL report that `--resume` reads back, a compensating
//! rollback for `--transaction` (neither has transactions), and the last run's summary kept
//! for `performance batch-stats`.

pub mod backend;
pub mod cid;
pub mod input;
pub mod progress;
pub mod report;
pub mod run;
pub mod stats;

/// The default `--jobs`. Measured on the real daemons (BENCHMARKS.md, "Bulk pin"): see the
/// figures there; more in flight bought nothing on either daemon and only loads them.
pub const DEFAULT_JOBS: usize = 8;
