//! The HTTP API that `ipfs-kit supervise` (and a dashboard running its own collector) serves:
//! routes, auth, SSE and `/metrics`; and the client attached modes use.

pub mod metrics;
