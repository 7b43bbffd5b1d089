//! What IPFS Cluster's REST API reports.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct ClusterStats {
    pub peer_id: String,
    pub peer_name: String,
    pub version: String,
    /// The error Cluster reports about its own Kubo (`/id` → `ipfs.error`); Cluster keeps
    /// running but cannot pin while this is set.
    pub ipfs_error: Option<String>,
    pub ipfs_peer_id: Option<String>,
    /// Peers in the cluster (`GET /peers`), this one included.
    pub peer_count: u64,
    pub peers: Vec<ClusterPeer>,
    /// Pins in the shared state (`GET /allocations`): what `ipfs-cluster-ctl pin ls` lists.
    pub pin_count: u64,
    /// Status of each (pin, peer) pair as `ipfs-cluster-ctl status` lists them, by status name.
    pub pin_status: Option<BTreeMap<String, u64>>,
    /// Health alerts (`GET /health/alerts`), e.g. an expired `ping` = a peer down.
    pub alerts: Vec<ClusterAlert>,
    /// The `freespace` metric per peer.
    pub freespace: Vec<PeerFreeSpace>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct ClusterPeer {
    pub peer_id: String,
    pub peer_name: String,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct ClusterAlert {
    pub name: String,
    pub peer: String,
    pub value: String,
    /// Unix nanoseconds when the alert's metric expired.
    pub expire_unix_ns: i64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct PeerFreeSpace {
    pub peer: String,
    pub free_bytes: u64,
    pub valid: bool,
}
