//! One line of the audit trail. Field names follow the AuditEvent schema of ipfs_kit_py
//! (`event_type`, `action`, `timestamp`, `user_id`, `resource`, `resource_type`, `status`,
//! `details`) plus the ids its correlation tools expect at the top level (`event_id`,
//! `operation_id`, `session_id`). `timestamp` is RFC 3339, not the original's float epoch.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Event types from the original schema that ipfs-kit produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// Daemon start/stop/restart and crashes, source state changes.
    System,
    /// Wizard runs and config changes.
    Admin,
    /// Pin and unpin.
    Data,
    /// Storage backend actions.
    Backend,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpStatus {
    Ok,
    Failed,
    /// Started and not finished; on disk after a restart it means the process died first.
    Running,
}

impl OpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OpStatus::Ok => "ok",
            OpStatus::Failed => "failed",
            OpStatus::Running => "running",
        }
    }
}

impl std::str::FromStr for OpStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ok" => Ok(OpStatus::Ok),
            "failed" => Ok(OpStatus::Failed),
            "running" => Ok(OpStatus::Running),
            other => Err(format!(
                "unknown status {other:?}; use ok, failed or running"
            )),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OpEntry {
    /// Unique per line.
    pub event_id: String,
    /// Unique per operation; a long operation writes a `running` line and then its outcome
    /// with the same id. Readers keep the newest line of each.
    pub operation_id: String,
    /// One per process run.
    pub session_id: String,
    /// When the operation started.
    pub timestamp: DateTime<Utc>,
    /// Set once the operation finished; absent on `running` lines and one-off events.
    pub duration_ms: Option<u64>,
    pub event_type: EventType,
    /// What was done, dotted: `daemon.start`, `pin.add`, `config.save`, `source.down`.
    pub action: String,
    /// What it was done to: a daemon name, a CID, a config path, a source name.
    pub resource: Option<String>,
    /// The kind of `resource`: `daemon`, `pin`, `config`, `source`.
    pub resource_type: Option<String>,
    /// The OS user who ran ipfs-kit.
    pub user_id: String,
    pub status: OpStatus,
    /// Anything else, as a JSON object (`error` holds the failure message).
    #[serde(default)]
    pub details: Map<String, Value>,
}

/// What to record: built by the caller, completed (ids, time, user) by the history.
#[derive(Clone, Debug)]
pub struct NewOp {
    pub event_type: EventType,
    pub action: String,
    pub resource: Option<String>,
    pub resource_type: Option<String>,
    pub details: Map<String, Value>,
}

impl NewOp {
    pub fn new(event_type: EventType, action: impl Into<String>) -> Self {
        NewOp {
            event_type,
            action: action.into(),
            resource: None,
            resource_type: None,
            details: Map::new(),
        }
    }

    pub fn resource(mut self, kind: impl Into<String>, name: impl Into<String>) -> Self {
        self.resource_type = Some(kind.into());
        self.resource = Some(name.into());
        self
    }

    pub fn detail(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.details.insert(key.into(), value.into());
        self
    }
}
