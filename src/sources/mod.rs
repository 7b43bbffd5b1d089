//! Data sources: each a small typed client whose `poll` returns a `Poll` — data plus what
//! failed — and never an error the caller has to handle.

pub mod backends;
pub mod cluster;
mod cluster_api;
pub mod host;
pub mod http;
pub mod kubo;
mod kubo_api;
pub mod kubo_metrics;
mod listeners;
mod pin_count;
pub mod vfs;

use std::collections::BTreeMap;
use std::time::Duration;

/// The outcome of one poll of one source.
#[derive(Debug, Clone)]
pub struct Poll<T> {
    /// None when the source did not answer its primary call.
    pub data: Option<T>,
    /// Why the primary call failed.
    pub error: Option<String>,
    /// Secondary calls that failed, by call name.
    pub errors: BTreeMap<String, String>,
    /// Time taken by the primary call.
    pub latency: Duration,
}

impl<T> Poll<T> {
    pub fn up(data: T, errors: BTreeMap<String, String>, latency: Duration) -> Self {
        Poll {
            data: Some(data),
            error: None,
            errors,
            latency,
        }
    }

    pub fn down(error: impl Into<String>, latency: Duration) -> Self {
        Poll {
            data: None,
            error: Some(error.into()),
            errors: BTreeMap::new(),
            latency,
        }
    }
}

/// Collects the failures of a poll's secondary calls by name.
#[derive(Default)]
pub struct CallErrors(pub BTreeMap<String, String>);

impl CallErrors {
    /// The value, or None with the error recorded under `call`.
    pub fn take<T, E: std::fmt::Display>(&mut self, call: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.insert(call.to_string(), e.to_string());
                None
            }
        }
    }
}
