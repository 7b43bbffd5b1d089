//! The IPFS Cluster source: `/id` is the liveness call; allocations and alerts each tick;
//! peers and free space (slow to change) and per-peer pin status (expensive: it asks every
//! peer's Kubo) cached.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;

use super::cluster_api::{AlertResponse, IdResponse, MetricResponse, PeerLine, PinInfoLine};
use super::http::{ApiError, HttpApi, client_for, decode};
use super::{CallErrors, Poll};
use crate::cache::{Cache, CachedCall};
use crate::config::ClusterConfig;
use crate::model::{ClusterPeer, ClusterStats, PeerFreeSpace};

/// At most this many peers are listed by name; all are counted.
const MAX_LISTED_PEERS: usize = 256;

/// How long the peer list and the free-space metrics are kept. Both change at Cluster's own
/// pace (its peer monitor checks every 15 s and the disk informer sends a metric every 15 s,
/// by default), and `/peers` makes Cluster ask every peer for its ID: asking each tick would
/// mostly fetch the same answer.
const PEERS_AND_FREESPACE_EVERY: Duration = Duration::from_secs(10);

pub struct ClusterSource {
    api: HttpApi,
    pin_status: CachedCall<BTreeMap<String, u64>>,
    peers: CachedCall<(u64, Vec<ClusterPeer>)>,
    freespace: CachedCall<Vec<PeerFreeSpace>>,
}

impl ClusterSource {
    pub fn new(cfg: &ClusterConfig, timeout: Duration) -> Result<Self, ApiError> {
        Ok(ClusterSource::with_client(
            &client_for([&cfg.api.endpoint])?,
            cfg,
            timeout,
            None,
        ))
    }

    /// As `new`, on a shared client (see `http::client_for`), keeping the slow calls in
    /// `cache` (none: every poll asks).
    pub fn with_client(
        client: &reqwest::Client,
        cfg: &ClusterConfig,
        timeout: Duration,
        cache: Option<&Arc<Cache>>,
    ) -> Self {
        let key = |call: &str| format!("cluster:{}:{call}", cfg.api.endpoint);
        ClusterSource {
            api: HttpApi::with_client(client, &cfg.api.endpoint, cfg.api.auth.clone(), timeout)
                .named("cluster"),
            pin_status: CachedCall::new(cache, key("pin_status"), cfg.pin_status_every),
            peers: CachedCall::new(cache, key("peers"), PEERS_AND_FREESPACE_EVERY),
            freespace: CachedCall::new(cache, key("freespace"), PEERS_AND_FREESPACE_EVERY),
        }
    }

    pub async fn poll(&self) -> Poll<ClusterStats> {
        let started = Instant::now();
        let id: IdResponse = match self.api.json(Method::GET, "id", &[]).await {
            Ok(id) => id,
            Err(e) => return Poll::down(e.to_string(), started.elapsed()),
        };
        let latency = started.elapsed();

        let (peers, (allocations, status), alerts, freespace) = tokio::join!(
            self.peers.get_or_try(self.peers()),
            async {
                let allocations = self
                    .api
                    .ndjson_count(Method::GET, "allocations", &[("filter", "all")])
                    .await;
                // Cluster answers /pins by listing every pin of its Kubo (to tell pinned from
                // unexpectedly unpinned), which costs a quarter second at 10,000 Kubo pins:
                // with no Cluster pins there is nothing to ask about.
                let status = if matches!(allocations, Ok(0)) {
                    Ok(BTreeMap::new())
                } else {
                    self.pin_status.get_or_try(self.pin_status_counts()).await
                };
                (allocations, status)
            },
            self.api
                .json::<Option<Vec<AlertResponse>>>(Method::GET, "health/alerts", &[]),
            self.freespace.get_or_try(async {
                let metrics: Option<Vec<MetricResponse>> = self
                    .api
                    .json(Method::GET, "monitor/metrics/freespace", &[])
                    .await?;
                let free = metrics.unwrap_or_default().into_iter();
                Ok::<_, ApiError>(free.filter_map(MetricResponse::into_freespace).collect())
            }),
        );

        let mut errs = CallErrors::default();
        let (peer_count, peers) = errs
            .take("peers", peers)
            .map(|p| (p.0, p.1.clone()))
            .unwrap_or_default();
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
            pin_status: errs.take("pins", status),
            alerts: errs
                .take("health/alerts", alerts)
                .flatten()
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            freespace: errs
                .take("monitor/metrics/freespace", freespace)
                .map(|f| f.to_vec())
                .unwrap_or_default(),
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
