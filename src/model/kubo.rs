//! What Kubo's RPC API reports.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct KuboStats {
    pub peer_id: String,
    pub agent_version: String,
    /// From `version` (cached): e.g. "0.39.0".
    pub version: Option<String>,
    pub commit: Option<String>,
    pub repo_version: Option<String>,
    pub system: Option<String>,
    pub golang: Option<String>,
    pub addresses: Vec<String>,
    pub bandwidth: Option<BandwidthStats>,
    pub repo: Option<RepoStats>,
    /// Connected swarm peers.
    pub peers: Option<u64>,
    /// Recursive pins, counted by streaming `pin/ls`.
    pub recursive_pins: Option<u64>,
    pub bitswap: Option<BitswapStats>,
    pub provide: Option<ProvideStats>,
}

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct BandwidthStats {
    pub total_in_bytes: u64,
    pub total_out_bytes: u64,
    pub rate_in_bytes_per_sec: f64,
    pub rate_out_bytes_per_sec: f64,
}

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct RepoStats {
    pub size_bytes: u64,
    /// `Datastore.StorageMax`; None when unset (unlimited).
    pub storage_max_bytes: Option<u64>,
    /// `size_bytes / storage_max_bytes`, 0-1 (may exceed 1).
    pub usage_ratio: Option<f64>,
    /// Block count from the (rarely run) full `repo/stat`.
    pub num_objects: Option<u64>,
    pub path: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct BitswapStats {
    pub wantlist_len: u64,
    pub partners: u64,
    pub blocks_received: u64,
    pub data_received_bytes: u64,
    pub dup_blocks_received: u64,
    pub dup_data_received_bytes: u64,
    pub messages_received: u64,
    pub blocks_sent: u64,
    pub data_sent_bytes: u64,
}

/// Provide/reprovide progress; `system` says which provider reported it.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct ProvideStats {
    /// `sweep` (default since 0.39) or `legacy`.
    pub system: String,
    /// Keys waiting to be provided.
    pub queued: Option<u64>,
    /// Keys provided in total (sweep: past operations; legacy: total reprovides).
    pub provided_total: Option<u64>,
    pub failed_total: Option<u64>,
    /// Keys the reprovide schedule covers.
    pub scheduled_keys: Option<u64>,
    /// Sweep connectivity status (e.g. "online", "offline").
    pub connectivity: Option<String>,
}
