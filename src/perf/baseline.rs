//! Baselines (an operation's p95 when things were fine, saved by `performance baseline`) and
//! regressions: a p95 above baseline × factor. Kept in the cache's store for a year, under
//! `perf-baseline:<operation>`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cache::Cache;

const KEEP: Duration = Duration::from_secs(366 * 24 * 3600);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Baseline {
    pub operation: String,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// Samples it was computed from, and over what.
    pub samples: u64,
    pub timeframe: String,
    pub taken_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Regression {
    pub operation: String,
    pub baseline_p95_ms: f64,
    pub current_p95_ms: f64,
    /// current / baseline.
    pub ratio: f64,
    pub factor: f64,
}

fn key(op: &str) -> String {
    format!("perf-baseline:{op}")
}

pub fn save(cache: &Cache, b: &Baseline) {
    cache.set_json(&key(&b.operation), b, KEEP);
    cache.flush();
}

pub fn load(cache: &Cache, op: &str) -> Option<Baseline> {
    cache.get_json(&key(op))
}

/// Every saved baseline.
pub fn all(cache: &Cache) -> Vec<Baseline> {
    cache
        .scan_range("perf-baseline:", "perf-baseline;")
        .into_iter()
        .filter_map(|(_, v)| serde_json::from_slice(&v).ok())
        .collect()
}

/// A regression when `current_p95_ms` exceeds the baseline's p95 × `factor` (and the window
/// has at least `min_samples`, so one slow call is not a regression).
pub fn check(
    b: &Baseline,
    current_p95_ms: f64,
    samples: u64,
    factor: f64,
    min_samples: u64,
) -> Option<Regression> {
    (samples >= min_samples && b.p95_ms > 0.0 && current_p95_ms > b.p95_ms * factor).then(|| {
        Regression {
            operation: b.operation.clone(),
            baseline_p95_ms: b.p95_ms,
            current_p95_ms,
            ratio: current_p95_ms / b.p95_ms,
            factor,
        }
    })
}
