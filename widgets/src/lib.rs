//! Pure drawing of plain view data into a ratatui `Buffer`.
//!
//! This crate knows nothing of IPFS, tokio or config: the binary turns its Snapshot into the
//! plain view structs defined here. The dashboard issue fills it in.
