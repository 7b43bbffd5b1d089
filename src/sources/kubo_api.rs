//! Kubo RPC response shapes (field names exactly as Kubo emits them) and their conversion
//! into the model. Kept apart from the polling so fixtures can test the decoding alone.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::model::{BandwidthStats, BitswapStats, ProvideStats, RepoStats};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdResponse {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(default)]
    pub agent_version: String,
    #[serde(default)]
    pub addresses: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionResponse {
    pub version: String,
    #[serde(default)]
    pub commit: String,
    #[serde(default)]
    pub repo: String,
    #[serde(default)]
    pub system: String,
    #[serde(default)]
    pub golang: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BwResponse {
    pub total_in: i64,
    pub total_out: i64,
    pub rate_in: f64,
    pub rate_out: f64,
}

impl From<BwResponse> for BandwidthStats {
    fn from(b: BwResponse) -> Self {
        BandwidthStats {
            total_in_bytes: b.total_in.max(0) as u64,
            total_out_bytes: b.total_out.max(0) as u64,
            rate_in_bytes_per_sec: b.rate_in.max(0.0),
            rate_out_bytes_per_sec: b.rate_out.max(0.0),
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RepoStatResponse {
    pub repo_size: u64,
    pub storage_max: u64,
    #[serde(default)]
    pub num_objects: u64,
    #[serde(default)]
    pub repo_path: String,
}

impl RepoStatResponse {
    /// `full` is the last full stat (for the object count and path), if any.
    pub fn into_model(self, full: Option<&RepoStatResponse>) -> RepoStats {
        // Kubo reports u64::MAX when StorageMax is unset.
        let max =
            (self.storage_max != u64::MAX && self.storage_max > 0).then_some(self.storage_max);
        let path = full
            .map(|f| f.repo_path.clone())
            .or(Some(self.repo_path.clone()))
            .filter(|p| !p.is_empty());
        RepoStats {
            size_bytes: self.repo_size,
            storage_max_bytes: max,
            usage_ratio: max.map(|m| self.repo_size as f64 / m as f64),
            num_objects: full.map(|f| f.num_objects),
            path,
        }
    }
}

/// `swarm/peers`: `Peers` is null when there are none.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SwarmPeersResponse {
    pub peers: Option<Vec<IgnoredAny>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BitswapResponse {
    #[serde(default)]
    pub wantlist: Option<Vec<IgnoredAny>>,
    #[serde(default)]
    pub peers: Option<Vec<IgnoredAny>>,
    pub blocks_received: u64,
    pub data_received: u64,
    pub dup_blks_received: u64,
    pub dup_data_received: u64,
    pub messages_received: u64,
    pub blocks_sent: u64,
    pub data_sent: u64,
}

impl From<BitswapResponse> for BitswapStats {
    fn from(b: BitswapResponse) -> Self {
        BitswapStats {
            wantlist_len: b.wantlist.map_or(0, |w| w.len() as u64),
            partners: b.peers.map_or(0, |p| p.len() as u64),
            blocks_received: b.blocks_received,
            data_received_bytes: b.data_received,
            dup_blocks_received: b.dup_blks_received,
            dup_data_received_bytes: b.dup_data_received,
            messages_received: b.messages_received,
            blocks_sent: b.blocks_sent,
            data_sent_bytes: b.data_sent,
        }
    }
}

/// `provide/stat` has two shapes (Sweep, snake_case; Legacy, PascalCase) that change between
/// releases; read the few figures we show by path and leave the rest.
pub fn provide_from_value(v: &Value) -> Option<ProvideStats> {
    let num = |v: &Value, path: &[&str]| -> Option<u64> {
        path.iter()
            .try_fold(v, |cur, k| cur.get(k))
            .and_then(Value::as_u64)
    };
    if let Some(s) = v.get("Sweep").filter(|s| !s.is_null()) {
        return Some(ProvideStats {
            system: "sweep".into(),
            queued: num(s, &["queues", "pending_key_provides"]),
            provided_total: num(s, &["operations", "past", "keys_provided"]),
            failed_total: num(s, &["operations", "past", "keys_failed"]),
            scheduled_keys: num(s, &["schedule", "keys"]),
            connectivity: s
                .get("connectivity")
                .and_then(|c| c.get("status"))
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    if let Some(l) = v.get("Legacy").filter(|l| !l.is_null()) {
        return Some(ProvideStats {
            system: "legacy".into(),
            queued: None,
            provided_total: num(l, &["TotalReprovides"]),
            failed_total: None,
            scheduled_keys: num(l, &["LastReprovideBatchSize"]),
            connectivity: None,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::http::decode;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/kubo/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn id_and_version() {
        let id: IdResponse = decode("id", &fixture("id.json")).unwrap();
        assert!(id.id.starts_with("12D3KooW"));
        assert_eq!(id.agent_version, "kubo/0.39.0/");
        let v: VersionResponse = decode("version", &fixture("version.json")).unwrap();
        assert_eq!(v.version, "0.39.0");
    }

    #[test]
    fn empty_peers_is_null() {
        let p: SwarmPeersResponse = decode("swarm/peers", &fixture("swarm_peers.json")).unwrap();
        assert!(p.peers.is_none());
    }

    #[test]
    fn repo_stat_size_only_and_full() {
        let small: RepoStatResponse =
            decode("repo/stat", &fixture("repo_stat_size_only.json")).unwrap();
        let full: RepoStatResponse = decode("repo/stat", &fixture("repo_stat.json")).unwrap();
        assert_eq!(small.num_objects, 0);
        let m = small.into_model(Some(&full));
        assert_eq!(m.storage_max_bytes, Some(10_000_000_000));
        assert_eq!(m.num_objects, Some(1));
        assert!(m.usage_ratio.unwrap() < 0.001);
        assert_eq!(m.path.as_deref(), Some("/tmp/cap/kubo"));
    }

    #[test]
    fn unset_storage_max_is_unlimited() {
        let r = RepoStatResponse {
            repo_size: 5,
            storage_max: u64::MAX,
            num_objects: 0,
            repo_path: String::new(),
        };
        let m = r.into_model(None);
        assert_eq!(
            (m.storage_max_bytes, m.usage_ratio, m.path),
            (None, None, None)
        );
    }

    #[test]
    fn bw_and_bitswap() {
        let bw: BwResponse = decode("stats/bw", &fixture("stats_bw.json")).unwrap();
        assert_eq!(BandwidthStats::from(bw).total_in_bytes, 0);
        let b: BitswapResponse = decode("bitswap/stat", &fixture("bitswap_stat.json")).unwrap();
        let b = BitswapStats::from(b);
        assert_eq!((b.wantlist_len, b.partners), (0, 0));
    }

    #[test]
    fn provide_sweep() {
        let v: Value = decode("provide/stat", &fixture("provide_stat.json")).unwrap();
        let p = provide_from_value(&v).unwrap();
        assert_eq!(p.system, "sweep");
        assert_eq!(p.scheduled_keys, Some(1));
        assert_eq!(p.connectivity.as_deref(), Some("offline"));
        assert!(provide_from_value(&serde_json::json!({"Sweep": null, "Legacy": null})).is_none());
    }

    #[test]
    fn empty_pin_ls_is_braces() {
        // Non-stream pin/ls with no pins is `{}`; it is counted as it arrives (pin_count.rs),
        // but make sure the captured non-empty form still decodes as the map it is.
        let v: Value = decode("pin/ls", &fixture("pin_ls_1pin.json")).unwrap();
        assert_eq!(v["Keys"].as_object().map(|m| m.len()), Some(1));
        let lines = fixture("pin_ls_stream_3pins.json");
        assert_eq!(
            lines
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count(),
            4
        );
    }
}
