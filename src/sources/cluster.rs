//! The IPFS Cluster source: `/id` is the liveness call; peers, allocations, alerts and
//! free space each tick; per-peer pin status (expensive: it asks every peer's Kubo) cached.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::future::Cache;
use reqwest::Method;

use super::cluster_api::{AlertResponse, IdResponse, MetricResponse, PeerLine, PinInfoLine};
use super::http::{ApiError, HttpApi, decode};
use super::{CallErrors, Poll};
use crate::config::ClusterConfig;
use crate::model::{ClusterPeer, ClusterStats};

/// At most this many peers are listed by name; all are counted.
const MAX_LISTED_PEERS: usize = 256;

pub struct ClusterSource {
    api: HttpApi,
    pin_status: Cache<(), Arc<BTreeMap<String, u64>>>,
}

impl ClusterSource {
    pub fn new(cfg: &ClusterConfig, timeout: Duration) -> Result<Self, ApiError> {
        Ok(ClusterSource {
            api: HttpApi::new(&cfg.api.endpoint, cfg.api.auth.clone(), timeout)?,
            pin_status: Cache::builder()
                .max_capacity(1)
                .time_to_live(cfg.pin_status_every)
                .build(),
        })
    }

    pub async fn poll(&self) -> Poll<ClusterStats> {
        let started = Instant::now();
        let id: IdResponse = match self.api.json(Method::GET, "id", &[]).await {
            Ok(id) => id,
            Err(e) => return Poll::down(e.to_string(), started.elapsed()),
        };
        let latency = started.elapsed();

        let (peers, allocations, status, alerts, freespace) = tokio::join!(
            self.peers(),
            self.api
                .ndjson_count(Method::GET, "allocations", &[("filter", "all")]),
            self.pin_status
                .try_get_with((), async { self.pin_status_counts().await.map(Arc::new) }),
            self.api
                .json::<Option<Vec<AlertResponse>>>(Method::GET, "health/alerts", &[]),
            self.api.json::<Option<Vec<MetricResponse>>>(
                Method::GET,
                "monitor/metrics/freespace",
                &[]
            ),
        );

        let mut errs = CallErrors::default();
        let (peer_count, peers) = errs.take("peers", peers).unwrap_or_default();
        let ipfs = id.ipfs.unwrap_or(super::cluster_api::IpfsId {
            id: None,
            error: String::new(),
        });
        let stats = ClusterStats {
            peer_id: id.id,
            peer_name: id.peername,
            version: id.version,
            ipfs_error: Some(ipfs.error).filter(|e| !e.is_empty()),
            ipfs_peer_id: ipfs.id.filter(|s| !s.is_empty()),
            peer_count,
            peers,
            pin_count: errs.take("allocations", allocations).unwrap_or(0),
            pin_status: errs.take("pins", status).map(|m| (*m).clone()),
            alerts: errs
                .take("health/alerts", alerts)
                .flatten()
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            freespace: errs
                .take("monitor/metrics/freespace", freespace)
                .flatten()
                .unwrap_or_default()
                .into_iter()
                .filter_map(MetricResponse::into_freespace)
                .collect(),
        };
        if !id.error.is_empty() {
            errs.0.insert("id".to_string(), id.error);
        }
        Poll::up(stats, errs.0, latency)
    }

    async fn peers(&self) -> Result<(u64, Vec<ClusterPeer>), ApiError> {
        let mut listed = Vec::new();
        let count = self
            .api
            .ndjson(Method::GET, "peers", &[], |line| {
                let p: PeerLine = decode("peers", line)?;
                if listed.len() < MAX_LISTED_PEERS {
                    listed.push(ClusterPeer {
                        peer_id: p.id,
                        peer_name: p.peername,
                        error: Some(p.error).filter(|e| !e.is_empty()),
                    });
                }
                Ok(())
            })
            .await?;
        Ok((count, listed))
    }

    async fn pin_status_counts(&self) -> Result<BTreeMap<String, u64>, ApiError> {
        let mut counts = BTreeMap::new();
        self.api
            .ndjson(Method::GET, "pins", &[], |line| {
                let info: PinInfoLine = decode("pins", line)?;
                for st in info.peer_map.unwrap_or_default().into_values() {
                    let key = if st.status.is_empty() {
                        "undefined".to_string()
                    } else {
                        st.status
                    };
                    *counts.entry(key).or_insert(0) += 1;
                }
                Ok(())
            })
            .await?;
        Ok(counts)
    }
}
