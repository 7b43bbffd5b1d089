//! The HTTP API that `ipfs-kit supervise` (and a dashboard running its own collector)
//! serves: routes, auth, SSE and `/metrics`; and the client attached modes use.
//!
//! - `server`: bind (loopback on a free port by default), TLS, `<state>/api`, shutdown.
//! - `auth`: `<state>/api.token` and the bearer check; `error`: the JSON errors.
//! - `routes`: the handlers, documented for `openapi`; `status`, `logs`: what they build.
//!
//! Actions go through `crate::actions`, the same path as the dashboard's keys.

pub mod auth;
pub mod client;
pub mod config;
pub mod error;
mod logs;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod server;
pub mod status;

pub use server::{ApiHandle, Hub, Listen, serve};
