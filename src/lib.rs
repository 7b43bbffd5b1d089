//! ipfs-kit: the operator's console for IPFS nodes and clusters.
//!
//! The binary (`main.rs`) is a thin edge over this library, so integration tests and
//! benchmarks can use the same code.

pub mod actions;
pub mod alerts;
pub mod analytics;
pub mod api;
pub mod archive;
pub mod atomic_file;
pub mod bulk;
pub mod cache;
pub mod cli;
pub mod cmd;
pub mod collector;
pub mod config;
pub mod dashboard;
pub mod embedded;
pub mod fleet;
pub mod format;
pub mod locate;
pub mod logging;
pub mod mcp;
pub mod model;
pub mod ophistory;
pub mod perf;
pub mod pins;
pub mod probes;
pub mod schema;
pub mod sources;
pub mod supervisor;
pub mod term;
pub mod tui;
