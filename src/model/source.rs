//! The state of one data source as every view sees it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// Not polled yet.
    Unknown,
    /// The last poll answered fully.
    Ok,
    /// The source answered but some of its calls failed (see `errors`).
    Degraded,
    /// The source did not answer (see `error`).
    Down,
    /// Switched off in the config.
    Disabled,
}

impl SourceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceState::Unknown => "unknown",
            SourceState::Ok => "ok",
            SourceState::Degraded => "degraded",
            SourceState::Down => "down",
            SourceState::Disabled => "disabled",
        }
    }
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct SourceStatus<T> {
    pub name: String,
    pub state: SourceState,
    /// The API address polled (never with credentials).
    pub endpoint: Option<String>,
    /// Where that address came from (flag, env, config file, api file, default).
    pub endpoint_source: Option<String>,
    /// Why the source is down.
    pub error: Option<String>,
    /// Calls that failed while the source as a whole answered, by call name.
    pub errors: BTreeMap<String, String>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_attempt: Option<DateTime<Utc>>,
    /// Response time of the source's primary call.
    pub latency_ms: Option<u64>,
    /// Failed polls in a row.
    pub consecutive_failures: u32,
    /// True when `data` is from an earlier successful poll, kept while the source is down.
    pub stale: bool,
    pub data: Option<T>,
}

impl<T> SourceStatus<T> {
    pub fn new(name: &str, endpoint: Option<String>) -> Self {
        SourceStatus {
            name: name.to_string(),
            state: SourceState::Unknown,
            endpoint,
            endpoint_source: None,
            error: None,
            errors: BTreeMap::new(),
            last_success: None,
            last_attempt: None,
            latency_ms: None,
            consecutive_failures: 0,
            stale: false,
            data: None,
        }
    }
}
