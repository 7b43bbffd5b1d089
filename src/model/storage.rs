//! Configured storage backends (probed on an interval) and VFS mounts (Kubo `files/stat`).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use super::SourceState;

/// One `[backends.<name>]` entry and what its last connection probe found.
#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct BackendStatus {
    pub name: String,
    /// kubo, cluster, s3, filesystem or pinning-service.
    pub kind: String,
    /// Where it points (URL, bucket, path), never with credentials.
    pub target: String,
    pub state: SourceState,
    /// What the probe found, in one line.
    pub summary: Option<String>,
    /// The probe's findings as label/value pairs.
    pub facts: Vec<(String, String)>,
    pub error: Option<String>,
    pub latency_ms: Option<u64>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_attempt: Option<DateTime<Utc>>,
}

/// One `[vfs.<name>]` mount.
#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct VfsMountStats {
    pub name: String,
    /// `mfs:/path` or `mount:/local/path`.
    pub location: String,
    pub backends: Vec<String>,
    pub replicas: u32,
    /// From `files/stat` (MFS mounts only).
    pub hash: Option<String>,
    pub size_bytes: Option<u64>,
    pub blocks: Option<u64>,
    /// Bytes of it held by this node (`SizeLocal`).
    pub local_bytes: Option<u64>,
    /// `local_bytes / size_bytes`, 0-1.
    pub local_share: Option<f64>,
    pub error: Option<String>,
    pub last_attempt: Option<DateTime<Utc>>,
}
