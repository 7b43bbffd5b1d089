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

/// The default `--jobs`, measured on the real daemons at 1–32 (BENCHMARKS.md, "Bulk pin"):
/// Kubo serialises pinning (pinner lock + flush per pin), so in-flight requests only overlap
/// HTTP and command overhead: 1 → 8 gained a third or more in every run, past 8 at most 10%
/// (and less with the least load). Cluster commits one pin at a time: --jobs hardly mattered.
/// 8 also stays under Cluster's own 10 concurrent pins.
pub const DEFAULT_JOBS: usize = 8;
