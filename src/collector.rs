//! The collector: one tokio task per source, each on its own interval, timeout and backoff,
//! sending polls to one merge task that owns the Snapshot and the history rings and publishes
//! `watch<Arc<Snapshot>>` (latest wins; nobody waits on a slow source).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until, timeout};

use crate::alerts::{AlertEngine, AlertHistory, Context};
use crate::config::Config;
use crate::model::{
    BackendStatus, ClusterStats, Health, HostStats, KuboStats, Snapshot, SourceState, SourceStatus,
    VfsMountStats,
};
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};
pub use crate::series::{History, Ring, Series};
use crate::sources::Poll;
use crate::sources::backends::BackendsSource;
use crate::sources::cluster::ClusterSource;
use crate::sources::host::HostSampler;
use crate::sources::kubo::KuboSource;
use crate::sources::vfs::VfsSource;

/// One poll result on its way to the merge task.
#[derive(Debug)]
pub enum Update {
    Host(Box<Poll<HostStats>>),
    Kubo(Box<Poll<KuboStats>>),
    Cluster(Box<Poll<ClusterStats>>),
    /// The operator acknowledged an alert (by id).
    Acknowledge(String),
    Vfs(Vec<VfsMountStats>),
    Backends(Vec<BackendStatus>),
    /// From the supervisor service: the daemons it runs.
    Daemons(Vec<crate::supervisor::status::DaemonStatus>),
}

impl Update {
    pub fn host(p: Poll<HostStats>) -> Self {
        Update::Host(Box::new(p))
    }
    pub fn kubo(p: Poll<KuboStats>) -> Self {
        Update::Kubo(Box::new(p))
    }
    pub fn cluster(p: Poll<ClusterStats>) -> Self {
        Update::Cluster(Box::new(p))
    }
}

/// Alert events the snapshot carries for the dashboard's alert history.
const ALERT_LOG_ROWS: usize = 200;

/// The merge side: applies polls to the snapshot and history. Pure apart from the clock
/// value it is handed, so `--once` and the running collector share it.
pub struct CollectorState {
    snap: Snapshot,
    history: Arc<History>,
    cluster_required: bool,
    alerts: AlertEngine,
    /// Where alert events and source state changes are kept (the running collector only).
    alert_log: Option<AlertHistory>,
    ops: Option<OpHistory>,
    /// Supervised daemons ready at the last update, and whether one became ready since.
    ready_daemons: std::collections::BTreeSet<String>,
    wake_sources: bool,
}

impl CollectorState {
    pub fn new(cfg: &Config) -> Self {
        let mut snap = Snapshot::empty(
            cfg.kubo.api.endpoint.to_string(),
            cfg.cluster.api.endpoint.to_string(),
            cfg.cluster.enabled,
        );
        snap.kubo.endpoint_source = Some(cfg.kubo.api.origin.to_string());
        snap.cluster.endpoint_source = Some(cfg.cluster.api.origin.to_string());
        let context = Context {
            cluster_required: cfg.cluster.required,
            // A Kubo found through its repo's `api` file: that repo's disk is the one to watch
            // (until Kubo reports its path itself, or the supervisor names its repo).
            repo_path: match &cfg.kubo.api.origin {
                crate::config::Origin::ApiFile(f) => f.parent().map(std::path::Path::to_path_buf),
                _ => None,
            },
            ..Context::default()
        };
        CollectorState {
            snap,
            history: Arc::new(History::new(cfg.history)),
            cluster_required: cfg.cluster.required,
            alerts: AlertEngine::new(cfg.alert_rules.clone(), context),
            alert_log: None,
            ops: None,
            ready_daemons: std::collections::BTreeSet::new(),
            wake_sources: false,
        }
    }

    /// Keeps alert events in `<state>/alerts.jsonl` (restoring alerts that were firing) and
    /// records source state changes in the operation history. Returns read warnings.
    pub fn persist(&mut self, state_dir: &std::path::Path, ops: Option<OpHistory>) -> Vec<String> {
        let mut warnings = Vec::new();
        match AlertHistory::open(state_dir, 500) {
            Ok((mut log, w)) => {
                warnings.extend(w.iter().map(|w| format!("{w:?}")));
                let events = self.alerts.restore(log.take_unresolved(), Utc::now());
                if let Err(e) = log.append(&events) {
                    warnings.push(format!("alert history: {e}"));
                }
                self.alert_log = Some(log);
            }
            Err(e) => warnings.push(format!("alert history not kept: {e}")),
        }
        self.ops = ops;
        warnings
    }

    /// Whether a supervised daemon became ready since the last call (sources should be
    /// polled now).
    pub fn take_wake(&mut self) -> bool {
        std::mem::take(&mut self.wake_sources)
    }

    /// Whether `daemons` says what the snapshot already says, uptimes aside (they change
    /// every second while a daemon runs).
    fn same_daemons(&self, daemons: &[crate::supervisor::status::DaemonStatus]) -> bool {
        crate::supervisor::status::DaemonStatus::all_same_but_uptime(&self.snap.daemons, daemons)
    }

    /// Facts from the supervisor for the `daemon.*` alert metrics.
    pub fn alert_context(&mut self) -> &mut Context {
        self.alerts.context_mut()
    }

    fn record_transition(
        &self,
        source: &str,
        before: SourceState,
        after: SourceState,
        error: Option<&str>,
    ) {
        let Some(ops) = &self.ops else { return };
        let (action, status) = match (before, after) {
            (b, SourceState::Down) if b != SourceState::Down => ("source.down", OpStatus::Failed),
            (SourceState::Down | SourceState::Unknown, SourceState::Ok | SourceState::Degraded) => {
                ("source.up", OpStatus::Ok)
            }
            _ => return,
        };
        let mut op = NewOp::new(EventType::System, action).resource("source", source);
        if let Some(e) = error {
            op = op.detail("error", e);
        }
        let _ = ops.record(op, status);
    }

    pub fn apply(&mut self, update: Update) {
        let now = Utc::now();
        let before = [
            self.snap.host.state,
            self.snap.kubo.state,
            self.snap.cluster.state,
        ];
        if let Update::Acknowledge(id) = &update {
            match self.alerts.acknowledge(id, now) {
                Ok(Some(event)) => {
                    if let Some(log) = &mut self.alert_log {
                        let _ = log.append(std::slice::from_ref(&event));
                    }
                    if let Some(ops) = &self.ops {
                        let op = NewOp::new(EventType::Admin, "alert.acknowledge")
                            .resource("alert", id.clone());
                        let _ = ops.record(op, OpStatus::Ok);
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!("acknowledge {id}: {e}"),
            }
            self.snap.alerts = self.alerts.active();
            return;
        }
        self.apply_poll(update, now);
        let after = [
            self.snap.host.state,
            self.snap.kubo.state,
            self.snap.cluster.state,
        ];
        let errors = [
            &self.snap.host.error,
            &self.snap.kubo.error,
            &self.snap.cluster.error,
        ];
        for (i, name) in ["host", "kubo", "cluster"].iter().enumerate() {
            if before[i] != after[i] {
                self.record_transition(name, before[i], after[i], errors[i].as_deref());
            }
        }
    }

    fn apply_poll(&mut self, update: Update, now: chrono::DateTime<Utc>) {
        let h = Arc::make_mut(&mut self.history);
        match update {
            Update::Acknowledge(_) => {}
            Update::Vfs(v) => self.snap.vfs = v,
            Update::Daemons(d) => {
                use crate::supervisor::status::DaemonState;
                let facts = &mut self.alerts.context_mut().daemons;
                facts.clear();
                for st in &d {
                    facts.insert(
                        st.name.clone(),
                        crate::alerts::DaemonFacts {
                            crashed: matches!(
                                st.state,
                                DaemonState::Crashed
                                    | DaemonState::BackingOff
                                    | DaemonState::Failed
                            ),
                            restart_budget_exhausted: st.state == DaemonState::Failed,
                        },
                    );
                }
                // A daemon that just became ready is polled at once, not after its source's
                // backoff: the operator restarted it and wants to see it.
                let ready: std::collections::BTreeSet<String> = d
                    .iter()
                    .filter(|s| s.state == DaemonState::Ready)
                    .map(|s| s.name.clone())
                    .collect();
                self.wake_sources |= ready.difference(&self.ready_daemons).next().is_some()
                    && !self.ready_daemons.is_empty();
                self.ready_daemons = ready;
                self.snap.daemons = d;
                // The supervised Kubo's repo is where its disk space matters, even when Kubo
                // does not report its path (only a full `repo/stat` does).
                if let Some(kubo) = self.snap.watched_daemon("kubo") {
                    self.alerts.context_mut().repo_path = Some(kubo.dir.clone().into());
                }
            }
            Update::Backends(mut b) => {
                // A failed probe keeps the time of the backend's last success.
                for new in &mut b {
                    if new.last_success.is_none() {
                        new.last_success = self
                            .snap
                            .backends
                            .iter()
                            .find(|old| old.name == new.name)
                            .and_then(|old| old.last_success);
                    }
                }
                self.snap.backends = b;
            }
            Update::Host(p) => {
                merge(&mut self.snap.host, *p, now);
                let d = self
                    .snap
                    .host
                    .data
                    .as_ref()
                    .filter(|_| !self.snap.host.stale);
                h.push(
                    Series::HostCpuPercent,
                    now,
                    d.map(|d| f64::from(d.cpu_percent)),
                );
                h.push(
                    Series::HostMemUsedBytes,
                    now,
                    d.map(|d| d.memory_used_bytes as f64),
                );
                h.push(
                    Series::HostNetRxRate,
                    now,
                    d.map(|d| d.net_rx_bytes_per_sec),
                );
                h.push(
                    Series::HostNetTxRate,
                    now,
                    d.map(|d| d.net_tx_bytes_per_sec),
                );
            }
            Update::Kubo(p) => {
                merge(&mut self.snap.kubo, *p, now);
                let d = self
                    .snap
                    .kubo
                    .data
                    .as_ref()
                    .filter(|_| !self.snap.kubo.stale);
                let bw = d.and_then(|d| d.bandwidth.as_ref());
                h.push(
                    Series::KuboBwInRate,
                    now,
                    bw.map(|b| b.rate_in_bytes_per_sec),
                );
                h.push(
                    Series::KuboBwOutRate,
                    now,
                    bw.map(|b| b.rate_out_bytes_per_sec),
                );
                h.push(
                    Series::KuboPeers,
                    now,
                    d.and_then(|d| d.peers).map(|v| v as f64),
                );
                h.push(
                    Series::KuboRepoSize,
                    now,
                    d.and_then(|d| d.repo.as_ref()).map(|r| r.size_bytes as f64),
                );
                h.push(
                    Series::KuboPins,
                    now,
                    d.and_then(|d| d.recursive_pins).map(|v| v as f64),
                );
            }
            Update::Cluster(p) => {
                merge(&mut self.snap.cluster, *p, now);
                let d = self
                    .snap
                    .cluster
                    .data
                    .as_ref()
                    .filter(|_| !self.snap.cluster.stale);
                h.push(Series::ClusterPins, now, d.map(|d| d.pin_count as f64));
                h.push(Series::ClusterPeers, now, d.map(|d| d.peer_count as f64));
            }
        }
        self.snap.time = now;
    }

    /// The current snapshot with alerts evaluated and health derived.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        self.snap.history = Arc::clone(&self.history);
        let events = self.alerts.evaluate(&self.snap, Utc::now());
        if let Some(log) = &mut self.alert_log {
            if let Err(e) = log.append(&events) {
                tracing::warn!("alert history: {e}");
            }
            // Rebuilt only when something happened; snapshots share it otherwise.
            if !events.is_empty() || self.snap.alert_log.is_empty() {
                self.snap.alert_log =
                    Arc::new(log.recent().take(ALERT_LOG_ROWS).cloned().collect());
            }
        }
        self.snap.alerts = self.alerts.active();
        self.snap.health = Health::derive(&self.snap, self.cluster_required);
        Arc::new(self.snap.clone())
    }
}

fn merge<T>(s: &mut SourceStatus<T>, p: Poll<T>, now: chrono::DateTime<Utc>) {
    s.last_attempt = Some(now);
    s.latency_ms = Some(p.latency.as_millis().min(u128::from(u64::MAX)) as u64);
    match p.data {
        Some(data) => {
            s.state = if p.errors.is_empty() {
                SourceState::Ok
            } else {
                SourceState::Degraded
            };
            s.data = Some(data);
            s.stale = false;
            s.error = None;
            s.errors = p.errors;
            s.last_success = Some(now);
            s.consecutive_failures = 0;
        }
        None => {
            s.state = SourceState::Down;
            s.error = p.error.or_else(|| Some("no answer".into()));
            s.errors.clear();
            s.consecutive_failures = s.consecutive_failures.saturating_add(1);
            // Keep the last good values for display, marked stale.
            s.stale = s.data.is_some();
        }
    }
}

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
        for w in state.persist(&cfg.state_dir, ops) {
            tracing::warn!("{w}");
        }
        let (snap_tx, snap_rx) = watch::channel(state.snapshot());
        let (tx, mut rx) = mpsc::channel::<Update>(64);
        let control = tx.clone();
        let refresh = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        let origin = Instant::now();

        let snapshot_file = cfg.snapshot_file.clone();
        let mut last_written = None;
        let wake = refresh.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(update) = rx.recv().await {
                // Coalesce into one publication: a poll waits a moment for the rest of its
                // tick (the sources poll on one grid and answer within milliseconds of each
                // other); an acknowledgement goes out with whatever is already waiting.
                let wait = match update {
                    Update::Acknowledge(_) => Duration::ZERO,
                    _ => COALESCE,
                };
                // The supervisor reports twice a second; a report that changes nothing but
                // uptimes is kept for the next publication instead of making one.
                let quiet = matches!(&update, Update::Daemons(d) if state.same_daemons(d));
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
                let snap = state.snapshot();
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

        tasks.push(spawn_host(
            origin,
            cfg.host_interval,
            tx.clone(),
            refresh.clone(),
        ));

        // One HTTP client (connection pool, TLS set-up) for every source.
        let client = sources_client(cfg).map_err(|e| e.to_string());
        let kubo_timeout = cfg.kubo.api.timeout;
        let kubo = client
            .as_ref()
            .map(|c| KuboSource::with_client(c, &cfg.kubo, kubo_timeout))
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
                .map(|c| ClusterSource::with_client(c, &cfg.cluster, cl_timeout))
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

        Collector {
            snapshots: snap_rx,
            refresh,
            tasks,
            control,
        }
    }

    /// The channel other producers (the supervisor service) send updates on.
    pub fn updates(&self) -> mpsc::Sender<Update> {
        self.control.clone()
    }

    /// Marks an active alert as seen; the next snapshot shows it acknowledged.
    pub fn acknowledge(&self, alert_id: &str) {
        let _ = self
            .control
            .try_send(Update::Acknowledge(alert_id.to_string()));
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
) -> JoinHandle<()> {
    let interval = interval.max(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
    tokio::spawn(async move {
        let mut sampler = match tokio::task::spawn_blocking(HostSampler::new).await {
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
fn sources_client(cfg: &Config) -> Result<reqwest::Client, crate::sources::http::ApiError> {
    let cluster = cfg.cluster.enabled.then_some(&cfg.cluster.api.endpoint);
    crate::sources::http::client_for(std::iter::once(&cfg.kubo.api.endpoint).chain(cluster))
}

/// The snapshot file ([monitoring.outputs] snapshot_file) is rewritten at most this often.
const SNAPSHOT_FILE_EVERY: Duration = Duration::from_secs(2);

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
fn credentials_path(cfg: &Config) -> Option<std::path::PathBuf> {
    cfg.file
        .clone()
        .or_else(|| crate::config::default_config_path(&crate::config::ProcessEnv))
        .map(|f| f.with_file_name("credentials.toml"))
}

/// CPU use in a one-shot run is measured over this window, concurrently with the API calls.
/// Shorter than sysinfo's recommended 200 ms to keep `--once` quick; at 100 Hz kernel ticks
/// that still resolves 5% of two cores.
const ONCE_CPU_WINDOW: Duration = Duration::from_millis(100);

/// One pass over every source, concurrently, under one deadline: what `--once` prints. The
/// block-walking full `repo/stat` is left out (no object count).
pub async fn collect_once(cfg: &Config, deadline: Duration) -> Arc<Snapshot> {
    let mut state = CollectorState::new(cfg);
    let timed_out = |what: &str| format!("{what} did not answer within the {deadline:?} deadline");

    let host = async {
        let sampled = tokio::task::spawn_blocking(|| -> Result<HostStats, String> {
            let mut s = HostSampler::new()?;
            std::thread::sleep(ONCE_CPU_WINDOW);
            Ok(s.sample())
        });
        let started = Instant::now();
        match timeout(deadline, sampled).await {
            Ok(Ok(Ok(stats))) => Poll::up(stats, Default::default(), started.elapsed()),
            Ok(Ok(Err(e))) => Poll::down(e, started.elapsed()),
            Ok(Err(e)) => Poll::down(format!("host sampler failed: {e}"), started.elapsed()),
            Err(_) => Poll::down(timed_out("host"), deadline),
        }
    };
    let client = sources_client(cfg);
    let kubo = async {
        match &client {
            Ok(c) => {
                let k = KuboSource::with_client(c, &cfg.kubo, deadline).without_full_repo_stat();
                timeout(deadline, k.poll())
                    .await
                    .unwrap_or_else(|_| Poll::down(timed_out("kubo"), deadline))
            }
            Err(e) => Poll::down(e.to_string(), Duration::ZERO),
        }
    };
    let cluster = async {
        if !cfg.cluster.enabled {
            return None;
        }
        Some(match &client {
            Ok(c) => timeout(
                deadline,
                ClusterSource::with_client(c, &cfg.cluster, deadline).poll(),
            )
            .await
            .unwrap_or_else(|_| Poll::down(timed_out("cluster"), deadline)),
            Err(e) => Poll::down(e.to_string(), Duration::ZERO),
        })
    };
    let vfs = async {
        let v = VfsSource::with_client(client.as_ref().ok()?, &cfg.kubo, cfg.vfs.clone(), deadline);
        if v.is_empty() || cfg.vfs_interval.is_none() {
            return None;
        }
        timeout(deadline, v.poll()).await.ok()
    };
    let backends = async {
        let b = BackendsSource::new(
            cfg.backends.clone(),
            credentials_path(cfg).as_deref(),
            deadline,
        );
        if b.is_empty() || cfg.backends_interval.is_none() {
            return None;
        }
        timeout(deadline, b.poll()).await.ok()
    };
    let (h, k, c, v, b) = tokio::join!(host, kubo, cluster, vfs, backends);
    if let Some(b) = b {
        state.apply(Update::Backends(b));
    }
    if let Some(v) = v {
        state.apply(Update::Vfs(v));
    }
    state.apply(Update::host(h));
    state.apply(Update::kubo(k));
    if let Some(c) = c {
        state.apply(Update::cluster(c));
    }
    state.snapshot()
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

    use crate::config::test_env::env;

    #[test]
    fn daemon_reports_that_change_only_uptimes_are_quiet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let overrides = crate::config::Overrides {
            state_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        let cfg = crate::config::load(&overrides, &env(&[])).expect("config");
        let mut state = CollectorState::new(&cfg);
        let report = |st: &str, uptime: u64| {
            let d: crate::supervisor::status::DaemonStatus = serde_json::from_value(
                serde_json::json!({"name": "kubo", "state": st, "pid": 7, "adopted": false,
                    "uptime_secs": uptime, "restarts": 0, "ports": [], "dir": "d", "log": "l"}),
            )
            .expect("status");
            vec![d]
        };
        assert!(!state.same_daemons(&report("ready", 1)));
        state.apply(Update::Daemons(report("ready", 1)));
        assert!(state.same_daemons(&report("ready", 2)));
        assert!(!state.same_daemons(&report("crashed", 2)));
        assert!(!state.same_daemons(&[]));
    }

    #[test]
    fn the_supervised_kubo_serving_the_watched_api_names_the_repo_for_disk_alerts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let overrides = crate::config::Overrides {
            state_dir: Some(dir.path().to_path_buf()),
            kubo_api: Some("127.0.0.1:5999".into()),
            ..Default::default()
        };
        let cfg = crate::config::load(&overrides, &env(&[])).expect("config");
        let mut state = CollectorState::new(&cfg);
        let report = |api: &str| {
            let d: crate::supervisor::status::DaemonStatus =
                serde_json::from_value(serde_json::json!({"name": "kubo", "state": "ready",
                    "pid": 7, "adopted": false, "restarts": 0, "ports": [], "api": api,
                    "dir": "/srv/ipfs", "log": "l"}))
                .expect("status");
            vec![d]
        };
        // Another Kubo's repo says nothing about the watched one.
        state.apply(Update::Daemons(report("http://127.0.0.1:6000")));
        assert_eq!(state.alerts.context_mut().repo_path, None);
        state.apply(Update::Daemons(report(
            &state.snap.kubo.endpoint.clone().unwrap_or_default(),
        )));
        assert_eq!(
            state.alerts.context_mut().repo_path,
            Some(std::path::PathBuf::from("/srv/ipfs"))
        );
    }

    #[test]
    fn a_kubo_found_by_its_api_file_names_its_repo_for_disk_alerts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).expect("mkdir");
        std::fs::write(repo.join("api"), "/ip4/127.0.0.1/tcp/5999").expect("api file");
        let vars = env(&[
            ("IPFS_PATH", &repo.display().to_string()),
            ("HOME", &dir.path().display().to_string()),
        ]);
        let overrides = crate::config::Overrides {
            state_dir: Some(dir.path().join("state")),
            ..Default::default()
        };
        let cfg = crate::config::load(&overrides, &vars).expect("config");
        let mut state = CollectorState::new(&cfg);
        assert_eq!(state.alerts.context_mut().repo_path, Some(repo));
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
