//! Audit analytics over ipfs-kit's operation history (and the Python original's audit
//! events): patterns, anomalies, statistics, trends, correlation, compliance and reports.
//!
//! Pure computation: the caller opens files (and decompresses them), passes the current time
//! and the local UTC offset, and prints or draws the plain serde values this crate returns.
//!
//! ```
//! use ipfs_kit_audit::index::Loader;
//! let mut l = Loader::new();
//! l.read_lines("mem", [r#"{"timestamp": 1767323045, "action": "login", "status": "failure", "user_id": "bob"}"#]);
//! let (index, report) = l.finish();
//! assert_eq!((index.len(), report.bad_lines), (1, 0));
//! ```

pub mod anomalies;
pub mod chain;
pub mod cid;
pub mod compliance;
pub mod correlate;
pub mod events;
pub mod filter;
pub mod generator;
pub mod index;
pub mod intern;
mod parallel;
pub mod patterns;
pub mod report;
pub mod robust;
mod scan;
#[cfg(test)]
mod scan_tests;
pub mod stats;
pub mod time;
pub mod trends;

pub use events::{Event, Schema, Status};
pub use index::{Index, LoadReport, Loader};
