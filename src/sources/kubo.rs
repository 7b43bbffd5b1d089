//! The Kubo source: one poll = `id` (the liveness call) plus the figures around it, each
//! failing on its own. Slow or rarely-changing calls are cached with a TTL.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use super::http::{ApiError, HttpApi, client_for};
use super::kubo_api::{
    BitswapResponse, BwResponse, IdResponse, RepoStatResponse, SwarmPeersResponse, VersionResponse,
    provide_from_value,
};
use super::pin_count::PinKeysCounter;
use super::{CallErrors, Poll};
use crate::cache::{Cache, CachedCall};
use crate::config::KuboConfig;
use crate::model::KuboStats;

pub struct KuboSource {
    api: HttpApi,
    version: CachedCall<VersionResponse>,
    full_repo: CachedCall<RepoStatResponse>,
    pins: CachedCall<u64>,
    provide: CachedCall<Value>,
    /// The full `repo/stat` walks every block; one-shot runs skip it.
    full_repo_stat: bool,
    /// The last recursive pin count (0 before the first), which picks `pin/ls`'s form.
    last_pins: AtomicU64,
    /// Kubo's own latencies (its Prometheus endpoint), read every 30 s.
    own: super::kubo_metrics::OwnLatency,
}

/// Up to this many pins Kubo's buffered `pin/ls` answer (about 80 bytes a pin, built whole in
/// Kubo's memory) is used; above it, the stream.
const BUFFERED_PINS_MAX: u64 = 50_000;

impl KuboSource {
    pub fn new(cfg: &KuboConfig, timeout: Duration) -> Result<Self, ApiError> {
        Ok(KuboSource::with_client(
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
        cfg: &KuboConfig,
        timeout: Duration,
        cache: Option<&Arc<Cache>>,
    ) -> Self {
        let key = |call: &str| format!("kubo:{}:{call}", cfg.api.endpoint);
        KuboSource {
            api: HttpApi::with_client(client, &cfg.api.endpoint, cfg.api.auth.clone(), timeout)
                .named("kubo"),
            version: CachedCall::new(cache, key("version"), Duration::from_secs(600)),
            full_repo: CachedCall::new(cache, key("repo_stat"), cfg.full_repo_stat_every),
            pins: CachedCall::new(cache, key("recursive_pins"), cfg.pins_every),
            provide: CachedCall::new(cache, key("provide_stat"), Duration::from_secs(30)),
            full_repo_stat: true,
            last_pins: AtomicU64::new(0),
            own: Default::default(),
        }
    }

    /// Leaves out the block-walking full `repo/stat` (object count), for one-shot runs.
    pub fn without_full_repo_stat(mut self) -> Self {
        self.full_repo_stat = false;
        self
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        self.api
            .json(Method::POST, &format!("api/v0/{path}"), query)
            .await
    }

    /// The number of recursive pins. Buffered `pin/ls` (one write, a third of the stream's
    /// time in Kubo) counted as it arrives; once the last count was above
    /// `BUFFERED_PINS_MAX`, the NDJSON stream, which spares Kubo building the whole answer
    /// in memory. Both keep our side in constant memory.
    async fn count_recursive_pins(&self) -> Result<u64, ApiError> {
        let n = if self.last_pins.load(Ordering::Relaxed) > BUFFERED_PINS_MAX {
            self.api
                .ndjson_count(
                    Method::POST,
                    "api/v0/pin/ls",
                    &[("type", "recursive"), ("stream", "true")],
                )
                .await?
        } else {
            let path = "api/v0/pin/ls";
            let mut counter = PinKeysCounter::default();
            self.api
                .for_each_chunk(Method::POST, path, &[("type", "recursive")], |b| {
                    counter.feed(b)
                })
                .await?;
            counter.finish().map_err(|reason| ApiError::Decode {
                call: path.into(),
                reason,
            })?
        };
        self.last_pins.store(n, Ordering::Relaxed);
        Ok(n)
    }

    pub async fn poll(&self) -> Poll<KuboStats> {
        let started = Instant::now();
        // `id` is the liveness call, but the others do not wait for it: `pin/ls` takes a
        // while with many pins, and a daemon that is down refuses them all at once.
        let id_call = async { (self.call::<IdResponse>("id", &[]).await, started.elapsed()) };
        let ((id, latency), version, bw, repo, full, peers, pins, bitswap, provide, own) = tokio::join!(
            id_call,
            self.version.get_or_try(self.call("version", &[])),
            self.call::<BwResponse>("stats/bw", &[]),
            self.call::<RepoStatResponse>("repo/stat", &[("size-only", "true")]),
            async {
                if !self.full_repo_stat {
                    return Ok(None);
                }
                self.full_repo
                    .get_or_try(self.call("repo/stat", &[]))
                    .await
                    .map(Some)
            },
            self.call::<SwarmPeersResponse>("swarm/peers", &[]),
            self.pins.get_or_try(self.count_recursive_pins()),
            self.call::<BitswapResponse>("bitswap/stat", &[]),
            self.provide.get_or_try(self.call("provide/stat", &[])),
            self.own.get(&self.api),
        );

        let id = match id {
            Ok(id) => id,
            Err(e) => return Poll::down(e.to_string(), latency),
        };
        let mut errs = CallErrors::default();
        let version = errs.take("version", version);
        let full = errs.take("repo/stat (full)", full).flatten();
        let mut stats = KuboStats {
            peer_id: id.id,
            agent_version: id.agent_version,
            addresses: id.addresses.unwrap_or_default(),
            bandwidth: errs.take("stats/bw", bw).map(Into::into),
            repo: errs
                .take("repo/stat", repo)
                .map(|r| r.into_model(full.as_ref())),
            peers: errs
                .take("swarm/peers", peers)
                .map(|p| p.peers.map_or(0, |v| v.len() as u64)),
            recursive_pins: errs.take("pin/ls", pins),
            bitswap: errs.take("bitswap/stat", bitswap).map(Into::into),
            provide: errs
                .take("provide/stat", provide)
                .and_then(|v| provide_from_value(&v)),
            // Not a degradation when missing: a proxy in front of Kubo may pass only /api/v0.
            own_latency: own
                .inspect_err(|e| tracing::debug!("Kubo's own metrics: {e}"))
                .ok(),
            ..KuboStats::default()
        };
        if let Some(v) = version {
            stats.version = Some(v.version.clone());
            stats.commit = Some(v.commit.clone()).filter(|s| !s.is_empty());
            stats.repo_version = Some(v.repo.clone()).filter(|s| !s.is_empty());
            stats.system = Some(v.system.clone()).filter(|s| !s.is_empty());
            stats.golang = Some(v.golang.clone()).filter(|s| !s.is_empty());
        }
        Poll::up(stats, errs.0, latency)
    }
}
