//! The running collector: one task per source on its own interval, timeout and backoff, and
//! the merge task that publishes `watch<Arc<Snapshot>>`.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until, timeout};

use crate::cache::Cache;
use crate::config::Config;
use crate::model::{SavedHistory, Snapshot};
use crate::ophistory::OpHistory;
use crate::sources::Poll;
use crate::sources::backends::BackendsSource;
use crate::sources::cluster::ClusterSource;
use crate::sources::host::HostSampler;
use crate::sources::kubo::KuboSource;
use crate::sources::vfs::VfsSource;

use super::{CollectorState, Update};

/// Retry delay after `failures` failed polls in a row: the interval, doubled per failure,
/// capped at `max` (but never below the interval).
pub fn backoff(interval: Duration, failures: u32, max: Duration) -> Duration {
    if failures == 0 {
        return interval;
    }
    let factor = 2u32.saturating_pow(failures.min(16));
    interval.saturating_mul(factor).min(max.max(interval))
}

/// Handle on a running collector.
pub struct Collector {
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    refresh: Arc<Notify>,
    tasks: Vec<JoinHandle<()>>,
    control: mpsc::Sender<Update>,
    cache: Arc<Cache>,
}

impl Collector {
    /// Starts every source task and the merge task on the current tokio runtime. Alert
    /// events are kept under the state dir.
    pub fn spawn(cfg: &Config) -> Collector {
        Collector::spawn_with(cfg, None)
    }

    /// As `spawn`, also recording source state changes and acknowledgements in `ops`.
    pub fn spawn_with(cfg: &Config, ops: Option<OpHistory>) -> Collector {
        let mut state = CollectorState::new(cfg);
        let archiver = crate::archive::spawn(cfg, ops.clone());
        for w in state.persist(&cfg.state_dir, ops) {
            tracing::warn!("{w}");
        }
        // The slow calls' answers and the charts' rings outlive the process in the cache.
        let cache = Arc::new(Cache::open(&cfg.cache));
        let rings_key = format!("history:{}", cfg.kubo.api.endpoint);
        if let Some(saved) = cache.get_json::<SavedHistory>(&rings_key) {
            state.restore_history(&saved, chrono::Utc::now());
        }
        let (snap_tx, snap_rx) = watch::channel(state.snapshot());
        let (tx, mut rx) = mpsc::channel::<Update>(64);
        let control = tx.clone();
        let refresh = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        // Rotated history files go to IPFS ([history] archive_to_ipfs).
        tasks.extend(archiver);
        let origin = Instant::now();

        let snapshot_file = cfg.snapshot_file.clone();
        let mut last_written = None;
        let rings_cache = Arc::clone(&cache);
        let rings_ttl = cfg.history;
        // Often enough that a restart loses little, and a quick test sees it happen.
        let save_rings_every = SAVE_RINGS_EVERY.min(cfg.host_interval * 10);
        let mut rings_saved = std::time::Instant::now();
        let wake = refresh.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(update) = rx.recv().await {
                // Coalesce into one publication: a poll waits a moment for the rest of its
                // tick (the sources poll on one grid and answer within milliseconds of each
                // other); an acknowledgement goes out with whatever is already waiting.
                let wait = match update {
                    Update::Acknowledge { .. } => Duration::ZERO,
                    _ => COALESCE,
                };
                // The supervisor reports twice a second; a report that changes nothing but
                // uptimes is kept for the next publication instead of making one. A retry
                // with nothing waiting changes nothing either.
                let quiet = match &update {
                    Update::Daemons(d) => state.same_daemons(d),
                    Update::RetryWrites => !state.writes_pending(),
                    _ => false,
                };
                state.apply(update);
                if quiet {
                    continue;
                }
                let until = Instant::now() + wait;
                while let Ok(Some(more)) = tokio::time::timeout_at(until, rx.recv()).await {
                    state.apply(more);
                }
                if state.take_wake() {
                    wake.notify_waiters();
                }
                let snap = crate::perf::timed("collector.publish", || state.snapshot(), |_| true);
                if rings_saved.elapsed() >= save_rings_every {
                    rings_saved = std::time::Instant::now();
                    rings_cache.set_json(&rings_key, &state.saved_history(), rings_ttl);
                }
                if let Some(path) = &snapshot_file
                    && last_written
                        .is_none_or(|t: std::time::Instant| t.elapsed() >= SNAPSHOT_FILE_EVERY)
                {
                    last_written = Some(std::time::Instant::now());
                    write_snapshot_file(path, &snap);
                }
                if snap_tx.send(snap).is_err() {
                    break;
                }
            }
        }));

        // Entries that wait for a full or read-only disk are written when it recovers, even
        // if nothing else is recorded meanwhile.
        let retry = control.clone();
        tasks.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(RETRY_WRITES_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            every.tick().await;
            loop {
                every.tick().await;
                if retry.send(Update::RetryWrites).await.is_err() {
                    return;
                }
            }
        }));

        tasks.push(spawn_host(
            origin,
            cfg.host_interval,
            tx.clone(),
            refresh.clone(),
            crate::sources::host::watched_ports(cfg),
        ));

        // One HTTP client (connection pool, TLS set-up) for every source.
        let client = sources_client(cfg).map_err(|e| e.to_string());
        let kubo_timeout = cfg.kubo.api.timeout;
        let kubo = client
            .as_ref()
            .map(|c| KuboSource::with_client(c, &cfg.kubo, kubo_timeout, Some(&cache)))
            .map_err(Clone::clone);
        tasks.push(spawn_loop(
            "kubo",
            origin,
            cfg.kubo.api.interval,
            kubo_timeout,
            cfg.max_backoff,
            tx.clone(),
            refresh.clone(),
            Arc::new(kubo),
            |src| async move {
                match src.as_ref() {
                    Ok(s) => s.poll().await,
                    Err(e) => Poll::down(e.clone(), Duration::ZERO),
                }
            },
            Update::kubo,
        ));

        if cfg.cluster.enabled {
            let cl_timeout = cfg.cluster.api.timeout;
            let cluster = client
                .as_ref()
                .map(|c| ClusterSource::with_client(c, &cfg.cluster, cl_timeout, Some(&cache)))
                .map_err(Clone::clone);
            tasks.push(spawn_loop(
                "cluster",
                origin,
                cfg.cluster.api.interval,
                cl_timeout,
                cfg.max_backoff,
                tx,
                refresh.clone(),
                Arc::new(cluster),
                |src| async move {
                    match src.as_ref() {
                        Ok(s) => s.poll().await,
                        Err(e) => Poll::down(e.clone(), Duration::ZERO),
                    }
                },
                Update::cluster,
            ));
        }

        if let Some(every) = cfg.vfs_interval
            && let Ok(client) = &client
            && let vfs =
                VfsSource::with_client(client, &cfg.kubo, cfg.vfs.clone(), cfg.kubo.api.timeout)
            && !vfs.is_empty()
        {
            let vfs = Arc::new(vfs);
            tasks.push(spawn_every(
                origin,
                every,
                control.clone(),
                refresh.clone(),
                move || {
                    let vfs = vfs.clone();
                    async move { Update::Vfs(vfs.poll().await) }
                },
            ));
        }

        let backends = BackendsSource::new(
            cfg.backends.clone(),
            credentials_path(cfg).as_deref(),
            cfg.kubo.api.timeout.max(Duration::from_secs(10)),
        );
        if let Some(every) = cfg.backends_interval
            && !backends.is_empty()
        {
            let backends = Arc::new(backends);
            tasks.push(spawn_every(
                origin,
                every,
                control.clone(),
                refresh.clone(),
                move || {
                    let backends = backends.clone();
                    async move { Update::Backends(backends.poll().await) }
                },
            ));
        }

        // The performance monitor: its minutes go to the store (for `ipfs-kit performance`),
        // its view to the snapshot (the Performance tab), the process's cache figures to the
        // store every half minute (for `performance cache-stats` elsewhere).
        tasks.push(spawn_perf(
            Arc::clone(&cache),
            control.clone(),
            cfg.state_dir.clone(),
        ));

        // Commits the disk tier's queued writes off the runtime's thread (each is an fsync).
        let flushing = Arc::clone(&cache);
        tasks.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(FLUSH_CACHE_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let c = Arc::clone(&flushing);
                let _ = tokio::task::spawn_blocking(move || c.flush()).await;
            }
        }));

        Collector {
            snapshots: snap_rx,
            refresh,
            tasks,
            control,
            cache,
        }
    }

    /// The process's cache (the slow calls' answers, the charts' rings; the performance
    /// monitor and `performance cache-stats` read it).
    pub fn cache(&self) -> &Arc<Cache> {
        &self.cache
    }

    /// The channel other producers (the supervisor service) send updates on.
    pub fn updates(&self) -> mpsc::Sender<Update> {
        self.control.clone()
    }

    /// Marks an active alert as seen; the next snapshot shows it acknowledged.
    pub fn acknowledge(&self, alert_id: &str) {
        let _ = self.control.try_send(Update::Acknowledge {
            id: alert_id.to_string(),
            by: None,
        });
    }

    /// Polls every source now instead of waiting for its next tick.
    pub fn refresh_now(&self) {
        self.refresh.notify_waiters();
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn spawn_perf(
    cache: Arc<Cache>,
    tx: mpsc::Sender<Update>,
    state_dir: std::path::PathBuf,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let builder = Arc::new(std::sync::Mutex::new(
            crate::perf::view::ViewBuilder::default(),
        ));
        let mut every = tokio::time::interval(PERF_VIEW_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for n in 0u64.. {
            every.tick().await;
            let (c, b, dir) = (Arc::clone(&cache), Arc::clone(&builder), state_dir.clone());
            let built = tokio::task::spawn_blocking(move || {
                let mut b = b.lock().unwrap_or_else(|p| p.into_inner());
                let (mut view, baselines) =
                    b.step(crate::perf::global(), &c, crate::perf::unix_minute());
                view.last_bulk = crate::perf::last_bulk_run(&dir);
                if n.is_multiple_of(6) {
                    crate::perf::store::report_cache_stats(&c);
                }
                (view, baselines)
            })
            .await;
            let Ok((view, baselines)) = built else {
                continue;
            };
            if tx
                .send(Update::Perf(Box::new(view), baselines))
                .await
                .is_err()
            {
                return;
            }
        }
    })
}

/// When a source that polls every `interval` polls next, `delay` (its interval, or longer
/// while backing off) after a poll that ended `now`. Every source polls on the grid of whole
/// intervals from one `origin`, rather than `delay` after its previous poll ended, so the
/// polls of one tick land together and the dashboard draws them as one frame instead of one
/// frame per source as their phases drift apart. At least half an interval passes after a
/// poll, so a source slower than its interval is not polled back to back.
fn next_poll(origin: Instant, interval: Duration, delay: Duration, now: Instant) -> Instant {
    let earliest = now
        .checked_add(delay.saturating_sub(interval / 2))
        .unwrap_or(now);
    grid_after(origin, interval, earliest)
}

/// The first instant after `t` on the grid of whole `period`s from `origin`.
fn grid_after(origin: Instant, period: Duration, t: Instant) -> Instant {
    if period.is_zero() {
        return t;
    }
    let done = t.saturating_duration_since(origin).as_nanos() / period.as_nanos();
    let n = u32::try_from(done.saturating_add(1)).unwrap_or(u32::MAX);
    origin
        .checked_add(period.saturating_mul(n))
        .or_else(|| t.checked_add(period))
        .unwrap_or(t)
}

/// Sends `make()`'s update every `every` (or on a refresh) until the collector goes away.
fn spawn_every<F, Fut>(
    origin: Instant,
    every: Duration,
    tx: mpsc::Sender<Update>,
    refresh: Arc<Notify>,
    make: F,
) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Update> + Send,
{
    tokio::spawn(async move {
        loop {
            if tx.send(make().await).await.is_err() {
                return;
            }
            tokio::select! {
                _ = sleep_until(next_poll(origin, every, every, Instant::now())) => {}
                _ = refresh.notified() => {}
            }
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn spawn_loop<S, T, F, Fut>(
    name: &'static str,
    origin: Instant,
    interval: Duration,
    call_timeout: Duration,
    max_backoff: Duration,
    tx: mpsc::Sender<Update>,
    refresh: Arc<Notify>,
    source: Arc<S>,
    poll: F,
    wrap: fn(Poll<T>) -> Update,
) -> JoinHandle<()>
where
    S: Send + Sync + 'static,
    T: Send + 'static,
    F: Fn(Arc<S>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Poll<T>> + Send,
{
    tokio::spawn(async move {
        let mut failures = 0u32;
        loop {
            let p = match timeout(call_timeout, poll(source.clone())).await {
                Ok(p) => p,
                Err(_) => Poll::down(
                    format!("{name} did not answer within {call_timeout:?}"),
                    call_timeout,
                ),
            };
            failures = if p.data.is_none() { failures + 1 } else { 0 };
            if tx.send(wrap(p)).await.is_err() {
                return;
            }
            let delay = backoff(interval, failures, max_backoff);
            tokio::select! {
                _ = sleep_until(next_poll(origin, interval, delay, Instant::now())) => {}
                _ = refresh.notified() => {}
            }
        }
    })
}

fn spawn_host(
    origin: Instant,
    interval: Duration,
    tx: mpsc::Sender<Update>,
    refresh: Arc<Notify>,
    watched_ports: Vec<u16>,
) -> JoinHandle<()> {
    let interval = interval.max(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
    tokio::spawn(async move {
        let sampler = tokio::task::spawn_blocking(|| HostSampler::watching(watched_ports));
        let mut sampler = match sampler.await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                let _ = tx.send(Update::host(Poll::down(e, Duration::ZERO))).await;
                return;
            }
            Err(e) => {
                let _ = tx
                    .send(Update::host(Poll::down(
                        format!("host sampler failed: {e}"),
                        Duration::ZERO,
                    )))
                    .await;
                return;
            }
        };
        // CPU use is measured between two readings at least MINIMUM_CPU_UPDATE_INTERVAL apart.
        let after = |reading: Instant| {
            next_poll(origin, interval, interval, Instant::now())
                .max(reading + sysinfo::MINIMUM_CPU_UPDATE_INTERVAL)
        };
        sleep_until(after(Instant::now())).await;
        loop {
            let started = Instant::now();
            let joined = tokio::task::spawn_blocking(move || {
                let stats = sampler.sample();
                (sampler, stats)
            })
            .await;
            let (s, stats) = match joined {
                Ok(v) => v,
                Err(e) => {
                    let _ = tx
                        .send(Update::host(Poll::down(
                            format!("host sampler failed: {e}"),
                            Duration::ZERO,
                        )))
                        .await;
                    return;
                }
            };
            sampler = s;
            let p = Poll::up(stats, Default::default(), started.elapsed());
            if tx.send(Update::host(p)).await.is_err() {
                return;
            }
            tokio::select! {
                _ = sleep_until(after(started)) => {}
                _ = refresh.notified() => {}
            }
        }
    })
}

/// How long the merge task waits for the other sources of a tick before publishing.
const COALESCE: Duration = Duration::from_millis(50);

/// The client the Kubo, Cluster and VFS sources share.
pub(super) fn sources_client(
    cfg: &Config,
) -> Result<reqwest::Client, crate::sources::http::ApiError> {
    let cluster = cfg.cluster.enabled.then_some(&cfg.cluster.api.endpoint);
    crate::sources::http::client_for(std::iter::once(&cfg.kubo.api.endpoint).chain(cluster))
}

/// The snapshot file ([monitoring.outputs] snapshot_file) is rewritten at most this often.
const SNAPSHOT_FILE_EVERY: Duration = Duration::from_secs(2);
/// How often the charts' rings go to the cache (what a restart restores).
const SAVE_RINGS_EVERY: Duration = Duration::from_secs(15);
/// How often the performance view is rebuilt (and the monitor's minutes persisted).
const PERF_VIEW_EVERY: Duration = Duration::from_secs(5);
/// How often the disk tier's queued writes are committed (one fsync each).
const FLUSH_CACHE_EVERY: Duration = Duration::from_secs(2);

/// How often entries waiting for the disk (history, alert events) are tried again.
pub const RETRY_WRITES_EVERY: Duration = Duration::from_secs(3);

/// Writes the snapshot as JSON, atomically (temp file + rename) so readers never see half.
fn write_snapshot_file(path: &std::path::Path, snap: &Snapshot) {
    let tmp = path.with_extension("tmp");
    let written = serde_json::to_vec_pretty(snap)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        tracing::warn!("snapshot file {}: {e}", path.display());
    }
}

/// `credentials.toml` beside the config file (where the wizards put secrets).
pub fn credentials_path(cfg: &Config) -> Option<std::path::PathBuf> {
    cfg.file
        .clone()
        .or_else(|| crate::config::default_config_path(&crate::config::ProcessEnv))
        .map(|f| f.with_file_name("credentials.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_stay_on_the_grid() {
        let origin = Instant::now();
        let s = Duration::from_secs(1);
        let ms = Duration::from_millis;
        let at = |t: Duration| origin + t;
        // A quick poll: the next tick.
        assert_eq!(next_poll(origin, s, s, origin), at(s));
        assert_eq!(next_poll(origin, s, s, at(ms(1030))), at(2 * s));
        // Backing off: `delay` later, still on the grid.
        assert_eq!(next_poll(origin, s, 4 * s, at(ms(2020))), at(6 * s));
        // A poll that overran skips the ticks it missed and rests at least half an interval.
        assert_eq!(next_poll(origin, s, s, at(ms(3400))), at(4 * s));
        assert_eq!(next_poll(origin, s, s, at(ms(3600))), at(5 * s));
        // Another interval on the same grid.
        assert_eq!(next_poll(origin, 2 * s, 2 * s, at(ms(10))), at(2 * s));
        let t = at(ms(5));
        assert_eq!(grid_after(origin, Duration::ZERO, t), t);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let i = Duration::from_secs(2);
        let max = Duration::from_secs(30);
        assert_eq!(backoff(i, 0, max), i);
        assert_eq!(backoff(i, 1, max), Duration::from_secs(4));
        assert_eq!(backoff(i, 3, max), Duration::from_secs(16));
        assert_eq!(backoff(i, 10, max), max);
        assert_eq!(
            backoff(Duration::from_secs(60), 3, max),
            Duration::from_secs(60)
        );
    }
}
