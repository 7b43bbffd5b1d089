//! IPFS Cluster REST response shapes (snake_case, as Cluster emits them).

use serde::Deserialize;

use crate::model::{ClusterAlert, PeerFreeSpace};

#[derive(Debug, Deserialize)]
pub struct IdResponse {
    pub id: String,
    #[serde(default)]
    pub peername: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub ipfs: Option<IpfsId>,
}

#[derive(Debug, Deserialize)]
pub struct IpfsId {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub error: String,
}

/// One line of `GET /peers`.
#[derive(Debug, Deserialize)]
pub struct PeerLine {
    pub id: String,
    #[serde(default)]
    pub peername: String,
    #[serde(default)]
    pub error: String,
}

/// One line of `GET /pins` (GlobalPinInfo); only the per-peer status is read.
#[derive(Debug, Deserialize)]
pub struct PinInfoLine {
    #[serde(default)]
    pub peer_map: Option<std::collections::HashMap<String, PeerPinStatus>>,
}

#[derive(Debug, Deserialize)]
pub struct PeerPinStatus {
    #[serde(default)]
    pub status: String,
}

#[derive(Debug, Deserialize)]
pub struct AlertResponse {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub peer: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub expire: i64,
}

impl From<AlertResponse> for ClusterAlert {
    fn from(a: AlertResponse) -> Self {
        ClusterAlert {
            name: a.name,
            peer: a.peer,
            value: a.value,
            expire_unix_ns: a.expire,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct MetricResponse {
    #[serde(default)]
    pub peer: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub valid: bool,
}

impl MetricResponse {
    pub fn into_freespace(self) -> Option<PeerFreeSpace> {
        Some(PeerFreeSpace {
            free_bytes: self.value.trim().parse().ok()?,
            peer: self.peer,
            valid: self.valid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::http::decode;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/cluster/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn lines(name: &str) -> Vec<Vec<u8>> {
        fixture(name)
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect()
    }

    #[test]
    fn id_healthy_and_with_kubo_down() {
        let id: IdResponse = decode("id", &fixture("id.json")).unwrap();
        assert_eq!(id.version, "1.1.6");
        assert!(id.ipfs.unwrap().error.is_empty());
        let down: IdResponse = decode("id", &fixture("id_kubo_down.json")).unwrap();
        let ipfs = down.ipfs.unwrap();
        assert!(ipfs.error.contains("connection refused"), "{}", ipfs.error);
        assert!(ipfs.id.is_none());
    }

    #[test]
    fn empty_streams_are_204_with_no_body() {
        assert!(fixture("pins_empty.json").is_empty());
        assert!(fixture("allocations_empty.json").is_empty());
        let none: Option<Vec<AlertResponse>> =
            decode("health/alerts", &fixture("health_alerts_none.json")).unwrap();
        assert_eq!(none.map(|v| v.len()), Some(0));
    }

    #[test]
    fn pins_status_lines() {
        let all = lines("pins.json");
        assert_eq!(all.len(), 3);
        for l in all {
            let p: PinInfoLine = decode("pins", &l).unwrap();
            let statuses: Vec<String> = p
                .peer_map
                .unwrap()
                .into_values()
                .map(|s| s.status)
                .collect();
            assert_eq!(statuses, vec!["pinned".to_string()]);
        }
        assert_eq!(lines("allocations.json").len(), 3);
        let peers: Vec<PeerLine> = lines("peers_one.json")
            .iter()
            .map(|l| decode("peers", l).unwrap())
            .collect();
        assert_eq!(peers.len(), 1);
        assert_eq!(peers[0].peername, "vm");
    }

    #[test]
    fn freespace_metric() {
        let m: Vec<MetricResponse> =
            decode("monitor/metrics/freespace", &fixture("freespace.json")).unwrap();
        let f: Vec<PeerFreeSpace> = m
            .into_iter()
            .filter_map(MetricResponse::into_freespace)
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].free_bytes, 9_999_979_229);
    }
}
