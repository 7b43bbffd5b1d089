//! The performance monitor's view for the dashboard's Performance tab (and `--once --json`
//! when a monitor runs): per-operation latency, the cache's tiers, bottlenecks, the last bulk
//! pin run. Built by the collector's performance task (perf/view.rs).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize, JsonSchema)]
pub struct PerfView {
    pub at: Option<DateTime<Utc>>,
    /// Slowest p95 over the last hour first.
    pub operations: Vec<OpPerf>,
    pub cache: crate::cache::CacheStats,
    pub bottlenecks: Vec<crate::perf::bottlenecks::Bottleneck>,
    /// The last `pin add|rm --from` run's summary, as it wrote it.
    pub last_bulk: Option<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, JsonSchema)]
pub struct OpPerf {
    pub operation: String,
    pub count_1h: u64,
    pub success_rate_1h: f64,
    pub p50_ms_1h: f64,
    pub p95_ms_1h: f64,
    pub p99_ms_1h: f64,
    pub max_ms_1h: f64,
    /// p95 of the minute in progress (0 without samples yet).
    pub p95_ms_now: f64,
    /// p95 of each of the last 30 finished minutes, oldest first (`None`: no samples).
    pub p95_per_minute: Vec<Option<f64>>,
}
