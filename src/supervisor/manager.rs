//! The supervisor: starts (or adopts) daemons in order, watches them, restarts crashed ones
//! with backoff within a budget, notices a Cluster waiting on a dead Kubo, and stops them.
//! Used by `ipfs-kit daemon …`, `ipfs-kit supervise` and the dashboard.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use super::LaunchError;
use super::cancel::Cancel;
use super::cluster::ClusterDir;
use super::kubo::KuboRepo;
use super::pidfile::{self, PidRecord};
use super::policy::{Decision, RestartTracker};
use super::ports::{is_free, next_free, owner_of};
use super::process::DaemonProcess;
use super::repo_init::{self, RepoState};
use super::spec::{DaemonSpec, Kind, PortConflict, SupervisorConfig};
use super::tools::Tools;
use crate::config::Endpoint;
use crate::config::to_multiaddr;
use crate::model::{DaemonState, DaemonStatus, PortInfo};

/// Something the supervisor did or saw; goes to the operation history and the screen.
#[derive(Clone, Debug)]
pub struct Event {
    pub daemon: String,
    pub kind: EventKind,
    pub detail: String,
    pub ok: bool,
    pub duration: Option<Duration>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Started,
    Adopted,
    Stopped,
    Crashed,
    Restarted,
    RestartFailed,
    GaveUp,
    Degraded,
    Recovered,
    PortMoved,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Started => "start",
            EventKind::Adopted => "adopt",
            EventKind::Stopped => "stop",
            EventKind::Crashed => "crash",
            EventKind::Restarted => "restart",
            EventKind::RestartFailed => "restart-failed",
            EventKind::GaveUp => "give-up",
            EventKind::Degraded => "degraded",
            EventKind::Recovered => "recovered",
            EventKind::PortMoved => "port-moved",
        }
    }
}

struct Managed {
    spec: DaemonSpec,
    state: DaemonState,
    proc: Option<DaemonProcess>,
    pid: Option<u32>,
    own_group: bool,
    adopted: bool,
    started_at: Option<DateTime<Utc>>,
    restarts: u32,
    last_exit: Option<String>,
    last_exit_at: Option<DateTime<Utc>>,
    tracker: RestartTracker,
    retry_at: Option<Instant>,
    api: Option<Endpoint>,
    message: Option<String>,
    /// Listen ports read from the config file, and that file's mtime: `status()` runs every
    /// 500 ms, the file changes only on init or a port fix.
    ports: Mutex<Option<(SystemTime, Ports)>>,
}

/// (name, port) pairs, e.g. ("api", 5001).
type Ports = Vec<(String, u16)>;

impl Managed {
    fn new(spec: DaemonSpec) -> Self {
        Managed {
            spec,
            state: DaemonState::Stopped,
            proc: None,
            pid: None,
            own_group: false,
            adopted: false,
            started_at: None,
            restarts: 0,
            last_exit: None,
            last_exit_at: None,
            tracker: RestartTracker::default(),
            retry_at: None,
            api: None,
            message: None,
            ports: Mutex::new(None),
        }
    }

    fn program(&self) -> &'static str {
        match self.spec.kind {
            Kind::Kubo => "ipfs",
            Kind::Cluster => "ipfs-cluster-service",
            Kind::Generic(_) => "",
        }
    }

    fn event(
        &self,
        kind: EventKind,
        detail: impl Into<String>,
        ok: bool,
        duration: Option<Duration>,
    ) -> Event {
        Event {
            daemon: self.spec.name.clone(),
            kind,
            detail: detail.into(),
            ok,
            duration,
        }
    }
}

pub struct Supervisor {
    cfg: SupervisorConfig,
    tools: Tools,
    daemons: Vec<Managed>,
    http: reqwest::Client,
    last_health_check: Option<Instant>,
    cancel: Cancel,
}

impl Supervisor {
    pub fn new(cfg: SupervisorConfig, tools: Tools) -> Self {
        let daemons = cfg.daemons.iter().cloned().map(Managed::new).collect();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Supervisor {
            cfg,
            tools,
            daemons,
            http,
            last_health_check: None,
            cancel: Cancel::default(),
        }
    }

    /// Cancelling it ends any start or readiness wait at once (`LaunchError::Cancelled`) and
    /// stops what it had half started; stops still run. For shutting down.
    pub fn cancel_handle(&self) -> Cancel {
        self.cancel.clone()
    }

    pub fn config(&self) -> &SupervisorConfig {
        &self.cfg
    }

    /// Indices for "all" or one name, in start order.
    pub fn resolve(&self, which: &str) -> Result<Vec<usize>, LaunchError> {
        if which == "all" {
            return Ok((0..self.daemons.len()).collect());
        }
        self.daemons
            .iter()
            .position(|d| d.spec.name == which)
            .map(|i| vec![i])
            .ok_or_else(|| LaunchError::UnknownDaemon(which.to_string()))
    }

    fn kubo_repo(&self, spec: &DaemonSpec) -> KuboRepo {
        KuboRepo::new(&self.tools.ipfs, &spec.dir)
    }

    fn cluster_dir(&self, spec: &DaemonSpec) -> ClusterDir {
        ClusterDir::new(&self.tools.cluster_service, &spec.dir)
    }

    /// The Kubo API the Cluster should use: the managed Kubo's.
    fn kubo_api(&self) -> Option<Endpoint> {
        let k = self
            .daemons
            .iter()
            .find(|d| matches!(d.spec.kind, Kind::Kubo))?;
        k.api
            .clone()
            .or_else(|| self.kubo_repo(&k.spec).api_file_endpoint())
    }

    /// The process already serving this daemon's repo/ports, if any: (pid if known, API).
    async fn find_running(&self, idx: usize) -> Option<(Option<u32>, Option<Endpoint>)> {
        let m = &self.daemons[idx];
        let recorded = pidfile::read_live(&self.cfg.state_dir, &m.spec.name).map(|r| r.pid);
        match &m.spec.kind {
            Kind::Kubo => {
                let repo = self.kubo_repo(&m.spec);
                let api = repo.api_file_endpoint()?;
                let answers = self
                    .http
                    .post(format!("{api}/api/v0/id"))
                    .send()
                    .await
                    .is_ok_and(|r| {
                        r.status().is_success() || r.status() == reqwest::StatusCode::FORBIDDEN
                    });
                answers.then(|| {
                    let pid = recorded
                        .or_else(|| pidfile::find_by_env("ipfs", "IPFS_PATH", &m.spec.dir))
                        .or_else(|| api_owner(&api, "ipfs"));
                    (pid, Some(api))
                })
            }
            Kind::Cluster => {
                let dir = self.cluster_dir(&m.spec);
                let api = dir.rest_api().ok()?;
                let answers = self
                    .http
                    .get(format!("{api}/id"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                answers.then(|| {
                    let pid = recorded
                        .or_else(|| {
                            pidfile::find_by_env(
                                "ipfs-cluster-service",
                                "IPFS_CLUSTER_PATH",
                                &m.spec.dir,
                            )
                        })
                        .or_else(|| api_owner(&api, "ipfs-cluster-service"));
                    (pid, Some(api))
                })
            }
            Kind::Generic(_) => recorded.map(|pid| (Some(pid), None)),
        }
    }

    /// Starts the named daemons (or adopts them when already running). `init` creates a
    /// missing repo/config. Stops at the first failure.
    pub async fn start(&mut self, which: &str, init: bool) -> Result<Vec<Event>, LaunchError> {
        let mut events = Vec::new();
        for idx in self.resolve(which)? {
            events.extend(self.start_one(idx, init).await?);
        }
        Ok(events)
    }

    async fn start_one(&mut self, idx: usize, init: bool) -> Result<Vec<Event>, LaunchError> {
        let began = Instant::now();
        let mut events = Vec::new();
        if self.cancel.is_cancelled() {
            return Err(LaunchError::Cancelled);
        }
        if self.daemons[idx].state.is_running() && self.is_alive(idx) {
            return Ok(events);
        }
        if let Some((pid, api)) = self.find_running(idx).await {
            let m = &mut self.daemons[idx];
            m.pid = pid;
            m.adopted = true;
            m.own_group =
                pidfile::read_live(&self.cfg.state_dir, &m.spec.name).is_some_and(|r| r.own_group);
            m.api = api;
            m.state = DaemonState::Ready;
            m.started_at = pid.and_then(process_start_time);
            m.message = None;
            if let Some(pid) = pid
                && pidfile::read_live(&self.cfg.state_dir, &m.spec.name).is_none()
            {
                let _ = pidfile::write(
                    &self.cfg.state_dir,
                    &m.spec.name,
                    &PidRecord {
                        pid,
                        own_group: false,
                        started_at: m.started_at.unwrap_or_else(Utc::now),
                        program: m.program().to_string(),
                    },
                );
            }
            let pid_text = pid.map_or("pid unknown".to_string(), |p| format!("pid {p}"));
            events.push(m.event(
                EventKind::Adopted,
                format!("already running ({pid_text}); watching it"),
                true,
                Some(began.elapsed()),
            ));
            return Ok(events);
        }

        self.prepare(idx, init, &mut events)?;
        let spec = self.daemons[idx].spec.clone();
        self.daemons[idx].state = DaemonState::Starting;
        let spawned = match &spec.kind {
            Kind::Kubo => self.kubo_repo(&spec).start(&[], &spec.log),
            Kind::Cluster => self.cluster_dir(&spec).start(&spec.log),
            Kind::Generic(g) => spawn_generic(&spec, &g.command),
        };
        let mut proc = match spawned {
            Ok(p) => p,
            Err(e) => {
                self.daemons[idx].state = DaemonState::Stopped;
                return Err(e);
            }
        };
        let limit = self.cfg.ready_timeout;
        let ready = async {
            match &spec.kind {
                Kind::Kubo => self
                    .kubo_repo(&spec)
                    .wait_ready(&mut proc, limit)
                    .await
                    .map(Some),
                Kind::Cluster => self
                    .cluster_dir(&spec)
                    .wait_ready(&mut proc, limit)
                    .await
                    .map(Some),
                Kind::Generic(g) => wait_generic(&self.http, &mut proc, g, limit)
                    .await
                    .map(|_| None),
            }
        };
        // A shutdown must not wait out a readiness wait (up to 90 s).
        let ready = tokio::select! {
            r = ready => r,
            () = self.cancel.cancelled() => Err(LaunchError::Cancelled),
        };
        let api = match ready {
            Ok(api) => api,
            Err(e) => {
                proc.stop_async(self.cfg.stop_timeout).await;
                let m = &mut self.daemons[idx];
                m.state = DaemonState::Stopped;
                m.message = Some(e.to_string());
                return Err(e);
            }
        };
        let m = &mut self.daemons[idx];
        let pid = proc.pid();
        m.pid = Some(pid);
        m.own_group = true;
        m.adopted = false;
        m.api = api;
        m.started_at = Some(Utc::now());
        m.state = DaemonState::Ready;
        m.message = None;
        m.proc = Some(proc);
        let _ = pidfile::write(
            &self.cfg.state_dir,
            &m.spec.name,
            &PidRecord {
                pid,
                own_group: true,
                started_at: Utc::now(),
                program: m.program().to_string(),
            },
        );
        let where_ = m
            .api
            .as_ref()
            .map_or(String::new(), |a| format!(", API {a}"));
        events.push(m.event(
            EventKind::Started,
            format!("ready (pid {pid}{where_})"),
            true,
            Some(began.elapsed()),
        ));
        Ok(events)
    }

    /// Init when asked, config checks, port checks, and pointing Cluster at the Kubo.
    fn prepare(
        &mut self,
        idx: usize,
        init: bool,
        events: &mut Vec<Event>,
    ) -> Result<(), LaunchError> {
        let spec = self.daemons[idx].spec.clone();
        let (ports, config_file) = match &spec.kind {
            Kind::Kubo => {
                let repo = self.kubo_repo(&spec);
                if ensure_repo(&spec.name, &spec.dir, repo.state(), init)? {
                    repo.create()?;
                }
                (repo.listen_ports()?, spec.dir.join("config"))
            }
            Kind::Cluster => {
                let dir = self.cluster_dir(&spec);
                let kubo = self.kubo_api().map(|e| to_multiaddr(&e));
                if ensure_repo(&spec.name, &spec.dir, dir.state(), init)? {
                    dir.create(kubo.as_deref().unwrap_or("/ip4/127.0.0.1/tcp/5001"))?;
                } else {
                    dir.check_config()?;
                    if let Some(k) = &kubo {
                        dir.point_at_kubo(k)?;
                    }
                }
                (dir.listen_ports()?, spec.dir.join("service.json"))
            }
            Kind::Generic(_) => (Vec::new(), spec.dir.clone()),
        };
        for (what, port) in ports {
            if is_free(port) {
                continue;
            }
            let owner =
                owner_of(port).map_or_else(|| "an unknown process".to_string(), |o| o.to_string());
            if self.cfg.port_conflict == PortConflict::NextFree
                && let Some(new) = next_free(port.saturating_add(1))
            {
                match &spec.kind {
                    Kind::Kubo => self.kubo_repo(&spec).move_port(&what, port, new)?,
                    Kind::Cluster => self.cluster_dir(&spec).move_port(&what, new)?,
                    Kind::Generic(_) => {}
                }
                events.push(self.daemons[idx].event(
                    EventKind::PortMoved,
                    format!("{what} port {port} is used by {owner}; moved to {new}"),
                    true,
                    None,
                ));
                continue;
            }
            return Err(LaunchError::PortBusy {
                name: spec.name.clone(),
                what,
                port,
                owner,
                config: config_file,
            });
        }
        Ok(())
    }

    fn is_alive(&mut self, idx: usize) -> bool {
        let m = &mut self.daemons[idx];
        if let Some(p) = m.proc.as_mut() {
            return p.exit_status().is_none();
        }
        m.pid.is_some_and(pidfile::is_alive)
    }

    /// Stops the named daemons (reverse start order): SIGTERM, SIGKILL after the timeout.
    pub async fn stop(&mut self, which: &str) -> Result<Vec<Event>, LaunchError> {
        let mut idxs = self.resolve(which)?;
        idxs.reverse();
        let mut events = Vec::new();
        for idx in idxs {
            if let Some(e) = self.stop_one(idx).await {
                events.push(e);
            }
        }
        Ok(events)
    }

    async fn stop_one(&mut self, idx: usize) -> Option<Event> {
        let began = Instant::now();
        if self.daemons[idx].pid.is_none()
            && self.daemons[idx].proc.is_none()
            && let Some((pid, _)) = self.find_running(idx).await
        {
            let m = &mut self.daemons[idx];
            m.pid = pid;
            m.own_group =
                pidfile::read_live(&self.cfg.state_dir, &m.spec.name).is_some_and(|r| r.own_group);
        }
        let timeout = self.cfg.stop_timeout;
        let state_dir = self.cfg.state_dir.clone();
        let m = &mut self.daemons[idx];
        let was_running = m.proc.is_some() || m.pid.is_some();
        m.state = DaemonState::Stopping;
        let exit = if let Some(mut p) = m.proc.take() {
            p.stop_async(timeout).await.map(describe_exit)
        } else if let Some(pid) = m.pid {
            terminate(pid, m.own_group, timeout).await;
            None
        } else {
            None
        };
        pidfile::remove(&state_dir, &m.spec.name);
        m.pid = None;
        m.state = DaemonState::Stopped;
        m.retry_at = None;
        if let Some(e) = &exit {
            m.last_exit = Some(e.clone());
            m.last_exit_at = Some(Utc::now());
        }
        was_running.then(|| {
            m.event(
                EventKind::Stopped,
                exit.unwrap_or_else(|| "stopped".into()),
                true,
                Some(began.elapsed()),
            )
        })
    }

    /// One supervision step: notice crashes, restart after backoff, give up past the budget,
    /// and mark a Cluster whose Kubo is unreachable as degraded.
    pub async fn tick(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        let now = Instant::now();
        let check_health = self
            .last_health_check
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1));
        if check_health {
            self.last_health_check = Some(now);
        }
        for idx in 0..self.daemons.len() {
            if self.cancel.is_cancelled() {
                break;
            }
            match self.daemons[idx].state {
                DaemonState::Ready | DaemonState::Degraded => {
                    if !self.is_alive(idx) {
                        events.extend(self.on_crash(idx, now));
                    } else if check_health && matches!(self.daemons[idx].spec.kind, Kind::Cluster) {
                        events.extend(self.check_cluster(idx).await);
                    }
                }
                DaemonState::BackingOff if self.daemons[idx].retry_at.is_some_and(|t| now >= t) => {
                    if let Some(kubo) = self.waits_for_kubo(idx) {
                        self.daemons[idx].message =
                            Some(format!("restarting once {kubo} is ready again"));
                        continue;
                    }
                    self.daemons[idx].retry_at = None;
                    // Every attempt counts, a failed one too: five failed restarts are five
                    // restarts, not zero.
                    self.daemons[idx].restarts += 1;
                    let attempt = self.daemons[idx].restarts;
                    match self.start_one(idx, false).await {
                        Ok(mut started) => {
                            for e in &mut started {
                                e.kind = EventKind::Restarted;
                                e.detail = format!("restart #{attempt}: {}", e.detail);
                            }
                            events.extend(started);
                        }
                        // Shutting down: not a failed restart, and nothing more to do.
                        Err(LaunchError::Cancelled) => break,
                        Err(e) => {
                            let m = &mut self.daemons[idx];
                            m.last_exit = Some(format!("restart #{attempt} failed: {e}"));
                            m.last_exit_at = Some(Utc::now());
                            events.push(m.event(
                                EventKind::RestartFailed,
                                e.to_string(),
                                false,
                                None,
                            ));
                            events.extend(self.decide(idx, Instant::now()));
                        }
                    }
                }
                _ => {}
            }
        }
        events
    }

    /// For a Cluster: the name of the managed Kubo it must wait for, while that Kubo is
    /// crashed or coming back. A Cluster restarted before its Kubo waits out its readiness
    /// for nothing. (A Kubo stopped on purpose is not waited for.)
    fn waits_for_kubo(&self, idx: usize) -> Option<String> {
        if !matches!(self.daemons[idx].spec.kind, Kind::Cluster) {
            return None;
        }
        self.daemons
            .iter()
            .find(|d| matches!(d.spec.kind, Kind::Kubo))
            .filter(|k| {
                matches!(
                    k.state,
                    DaemonState::Crashed
                        | DaemonState::BackingOff
                        | DaemonState::Starting
                        | DaemonState::Failed
                )
            })
            .map(|k| k.spec.name.clone())
    }

    fn on_crash(&mut self, idx: usize, now: Instant) -> Vec<Event> {
        let state_dir = self.cfg.state_dir.clone();
        let m = &mut self.daemons[idx];
        let exit = match m.proc.take() {
            Some(mut p) => p
                .exit_status()
                .map_or_else(|| "exited".to_string(), describe_exit),
            None => "exited (not started by this ipfs-kit: exit status unknown)".to_string(),
        };
        pidfile::remove(&state_dir, &m.spec.name);
        m.pid = None;
        m.last_exit = Some(exit.clone());
        m.last_exit_at = Some(Utc::now());
        m.state = DaemonState::Crashed;
        let mut events = vec![m.event(EventKind::Crashed, exit, false, None)];
        events.extend(self.decide(idx, now));
        events
    }

    fn decide(&mut self, idx: usize, now: Instant) -> Vec<Event> {
        let policy = self.cfg.policy;
        let m = &mut self.daemons[idx];
        match m.tracker.on_crash(&policy, now) {
            Decision::RestartAfter(delay) => {
                m.state = DaemonState::BackingOff;
                m.retry_at = Some(now + delay);
                m.message = Some(format!(
                    "restarting in {}",
                    humantime::format_duration(delay)
                ));
                Vec::new()
            }
            Decision::GiveUp => {
                m.state = DaemonState::Failed;
                let msg = format!(
                    "crashed {} times within {}; restart budget spent, not restarting (start it again with `s` on the dashboard's Daemons tab, or `ipfs-kit daemon start {}` when no supervisor runs)",
                    policy.budget + 1,
                    humantime::format_duration(policy.window),
                    m.spec.name
                );
                m.message = Some(msg.clone());
                vec![m.event(EventKind::GaveUp, msg, false, None)]
            }
        }
    }

    async fn check_cluster(&mut self, idx: usize) -> Option<Event> {
        let api = self.daemons[idx].api.clone()?;
        let v: serde_json::Value = self
            .http
            .get(format!("{api}/id"))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let ipfs_err = v
            .pointer("/ipfs/error")
            .and_then(|e| e.as_str())
            .filter(|e| !e.is_empty())
            .map(str::to_string);
        let m = &mut self.daemons[idx];
        match (m.state, ipfs_err) {
            (DaemonState::Ready, Some(e)) => {
                m.state = DaemonState::Degraded;
                let msg = format!("running but cannot reach its Kubo: {e}");
                m.message = Some(msg.clone());
                Some(m.event(EventKind::Degraded, msg, false, None))
            }
            (DaemonState::Degraded, None) => {
                m.state = DaemonState::Ready;
                m.message = None;
                Some(m.event(EventKind::Recovered, "reaches its Kubo again", true, None))
            }
            _ => None,
        }
    }

    /// Finds daemons running outside this process (for `daemon status` and the dashboard)
    /// without starting anything.
    pub async fn discover(&mut self) {
        for idx in 0..self.daemons.len() {
            if self.daemons[idx].state.is_running()
                || self.daemons[idx].state == DaemonState::BackingOff
            {
                continue;
            }
            if let Some((pid, api)) = self.find_running(idx).await {
                let m = &mut self.daemons[idx];
                m.pid = pid;
                m.api = api;
                m.adopted = true;
                m.state = DaemonState::Ready;
                m.started_at = pid.and_then(process_start_time);
            }
        }
        for idx in 0..self.daemons.len() {
            if matches!(self.daemons[idx].spec.kind, Kind::Cluster)
                && self.daemons[idx].state.is_running()
            {
                self.check_cluster(idx).await;
            }
        }
    }

    pub fn status(&self) -> Vec<DaemonStatus> {
        self.daemons
            .iter()
            .map(|m| {
                let ports = self.listen_ports(m);
                DaemonStatus {
                    name: m.spec.name.clone(),
                    state: m.state,
                    pid: m.pid,
                    adopted: m.adopted,
                    started_at: m.started_at,
                    uptime_secs: m
                        .started_at
                        .filter(|_| m.state.is_running())
                        .map(|t| (Utc::now() - t).num_seconds().max(0) as u64),
                    restarts: m.restarts,
                    last_exit: m.last_exit.clone(),
                    last_exit_at: m.last_exit_at,
                    ports: ports
                        .into_iter()
                        .map(|(name, port)| PortInfo { name, port })
                        .collect(),
                    api: m.api.as_ref().map(|a| a.to_string()),
                    dir: m.spec.dir.display().to_string(),
                    log: m.spec.log.display().to_string(),
                    message: m.message.clone(),
                }
            })
            .collect()
    }

    /// The ports in `m`'s config file, reread only when the file's mtime changed.
    fn listen_ports(&self, m: &Managed) -> Vec<(String, u16)> {
        let file = match &m.spec.kind {
            Kind::Kubo => self.kubo_repo(&m.spec).config_file(),
            Kind::Cluster => self.cluster_dir(&m.spec).service_json(),
            Kind::Generic(_) => return Vec::new(),
        };
        let Ok(mtime) = std::fs::metadata(&file).and_then(|md| md.modified()) else {
            return Vec::new();
        };
        let mut cache = m.ports.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, ports)) = cache.as_ref().filter(|(at, _)| *at == mtime) {
            return ports.clone();
        }
        let ports = match &m.spec.kind {
            Kind::Kubo => self.kubo_repo(&m.spec).listen_ports(),
            _ => self.cluster_dir(&m.spec).listen_ports(),
        }
        .unwrap_or_default();
        *cache = Some((mtime, ports.clone()));
        ports
    }

    /// Daemons this process started (not adopted) that are still running: (name, pid).
    pub fn started_here(&self) -> Vec<(String, Option<u32>)> {
        self.daemons
            .iter()
            .filter(|m| m.proc.is_some())
            .map(|m| (m.spec.name.clone(), m.pid))
            .collect()
    }

    /// Lets every daemon this process started outlive it.
    pub fn detach_all(&mut self) {
        for m in &mut self.daemons {
            if let Some(p) = m.proc.take() {
                p.detach();
            }
        }
    }
}

/// SIGTERM (to the group when we made one), wait, then SIGKILL.
async fn terminate(pid: u32, own_group: bool, timeout: Duration) {
    let target = Pid::from_raw(pid as i32);
    let send = |sig: Signal| {
        if own_group {
            let _ = killpg(target, sig);
        } else {
            let _ = kill(target, sig);
        }
    };
    send(Signal::SIGTERM);
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if !pidfile::is_alive(pid) {
            if own_group {
                let _ = killpg(target, Signal::SIGKILL);
            }
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    send(Signal::SIGKILL);
    for _ in 0..100 {
        if !pidfile::is_alive(pid) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The pid listening on `api`'s port when its command line is `program`'s: how a daemon
/// started by hand on our repo (another IPFS_PATH spelling, `--repo-dir`) is still found,
/// so its uptime shows and a tick does not take it for dead.
fn api_owner(api: &Endpoint, program: &str) -> Option<u32> {
    let port = api.url().port_or_known_default()?;
    owner_of(port)
        .filter(|o| {
            o.command
                .split(' ')
                .next()
                .is_some_and(|argv0| argv0.ends_with(program))
        })
        .and_then(|o| o.pid)
}

/// "exit code 1", "killed by SIGKILL".
pub fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => match Signal::try_from(sig) {
            Ok(s) => format!("killed by {}", s.as_str()),
            Err(_) => format!("killed by signal {sig}"),
        },
        _ => "ended".to_string(),
    }
}

/// When a process started, from /proc/<pid>/stat (field 22, clock ticks after boot).
fn process_start_time(pid: u32) -> Option<DateTime<Utc>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    let ticks: u64 = rest.split_whitespace().nth(19)?.parse().ok()?;
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()??
        .max(1) as u64;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let age = uptime - ticks as f64 / hz as f64;
    Some(Utc::now() - chrono::Duration::milliseconds((age.max(0.0) * 1000.0) as i64))
}

fn spawn_generic(spec: &DaemonSpec, command: &[String]) -> Result<DaemonProcess, LaunchError> {
    let (prog, args) = command.split_first().ok_or_else(|| LaunchError::BadFile {
        file: spec.dir.clone(),
        message: format!("daemon {} has an empty command", spec.name),
    })?;
    let mut cmd = std::process::Command::new(prog);
    cmd.args(args).current_dir(&spec.dir);
    DaemonProcess::spawn(&spec.name, cmd, &spec.log)
}

async fn wait_generic(
    http: &reqwest::Client,
    proc: &mut DaemonProcess,
    g: &super::spec::GenericSpec,
    limit: Duration,
) -> Result<(), LaunchError> {
    let started = Instant::now();
    loop {
        proc.check_alive()?;
        let url_ok = match &g.ready_url {
            Some(u) => http
                .get(u)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success()),
            None => true,
        };
        let log_ok = g
            .ready_log
            .as_ref()
            .is_none_or(|l| proc.log_since_start().contains(l.as_str()));
        if url_ok && log_ok {
            return Ok(());
        }
        if started.elapsed() > limit {
            return Err(LaunchError::NotReady {
                name: proc.name().to_string(),
                waited: limit,
                log_tail: proc.log_tail(15),
            });
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether a repo is to be created now: only when absent and `--init` was given; a repo half
/// made by an interrupted init is reported with the way out, never overwritten.
fn ensure_repo(
    name: &str,
    dir: &std::path::Path,
    state: RepoState,
    init: bool,
) -> Result<bool, LaunchError> {
    match state {
        RepoState::Ready => Ok(false),
        RepoState::Interrupted(reason) => Err(repo_init::interrupted(name, dir, &reason)),
        RepoState::Absent if init => Ok(true),
        RepoState::Absent => Err(LaunchError::NotInitialized {
            name: name.to_string(),
            dir: dir.to_path_buf(),
        }),
    }
}
