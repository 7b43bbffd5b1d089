//! Serving the API: where it listens (loopback on a free port unless told; beyond loopback
//! only with a configured token), TLS, the files other processes find it by (`<state>/api`,
//! `<state>/api.token`), and the shutdown that goes with the process's own.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::actions::Actions;
use crate::cmd::UsageError;
use crate::config::{Config, Secret};
use crate::model::{DaemonStatus, Snapshot};
use crate::ophistory::OpHistory;

/// Where and how to listen (flags over `[api]`).
#[derive(Clone, Debug, Default)]
pub struct Listen {
    pub addr: Option<SocketAddr>,
    /// Certificate chain and private key (PEM).
    pub tls: Option<(PathBuf, PathBuf)>,
    pub read_only: bool,
}

impl Listen {
    /// `[api]` with the command line's flags over it.
    pub fn from_config(
        cfg: &Config,
        listen: Option<SocketAddr>,
        read_only: bool,
        tls: Option<(PathBuf, PathBuf)>,
    ) -> Self {
        Listen {
            addr: listen.or(cfg.api.listen),
            tls,
            read_only: read_only || cfg.api.read_only,
        }
    }
}

/// `<state>/api`: the base URL of the running API, one line.
pub fn url_file(state_dir: &Path) -> PathBuf {
    state_dir.join("api")
}

/// What the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    cfg: Arc<Config>,
    token: Secret,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    actions: RwLock<Actions>,
    ops: Option<OpHistory>,
    /// The newest snapshot's JSON, encoded once for every client that asks.
    json: Mutex<Option<(Arc<Snapshot>, Arc<str>)>>,
    /// Set on shutdown: ends the streams (SSE, log follow).
    stopping: watch::Receiver<bool>,
    /// `supervise`'s supervisor statuses, every tick: live from the first start on, while
    /// the snapshot has them only once the collector runs (after that start).
    daemons: OnceLock<watch::Receiver<Vec<DaemonStatus>>>,
}

impl Hub {
    pub fn cfg(&self) -> &Config {
        &self.0.cfg
    }
    pub fn token(&self) -> &Secret {
        &self.0.token
    }
    pub fn ops(&self) -> Option<&OpHistory> {
        self.0.ops.as_ref()
    }
    pub fn actions(&self) -> Actions {
        match self.0.actions.read() {
            Ok(a) => a.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
    /// The collector arrived (supervise starts it after the first start of the daemons).
    pub fn set_actions(&self, a: Actions) {
        match self.0.actions.write() {
            Ok(mut g) => *g = a,
            Err(p) => *p.into_inner() = a,
        }
    }
    pub fn snapshots(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.0.snapshots.clone()
    }
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.0.snapshots.borrow().clone()
    }
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.0.stopping.clone()
    }

    /// Serve the supervisor's own statuses for `/api/v1/daemons` (set once).
    pub fn set_daemons(&self, statuses: watch::Receiver<Vec<DaemonStatus>>) {
        let _ = self.0.daemons.set(statuses);
    }

    /// The daemons as the supervisor sees them now (else as the snapshot has them), uptimes
    /// counted to this second as `daemon status` counts them from `supervisor.json`.
    pub fn daemons(&self) -> Vec<DaemonStatus> {
        let mut list = match self.0.daemons.get() {
            Some(rx) if !rx.borrow().is_empty() => rx.borrow().clone(),
            _ => self.snapshot().daemons.clone(),
        };
        crate::supervisor::count_uptimes(&mut list);
        list
    }

    /// `snap` as compact JSON, encoded once per snapshot however many clients ask.
    pub fn json(&self, snap: &Arc<Snapshot>) -> Arc<str> {
        let mut cache = match self.0.json.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if let Some((s, j)) = cache.as_ref()
            && Arc::ptr_eq(s, snap)
        {
            return Arc::clone(j);
        }
        let text: Arc<str> = serde_json::to_string(&**snap)
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
            .into();
        *cache = Some((Arc::clone(snap), Arc::clone(&text)));
        text
    }
}

/// Whether the collector has polled anything yet (before that a snapshot says nothing).
pub fn collected(snap: &Snapshot) -> bool {
    snap.host.last_attempt.is_some() || snap.kubo.last_attempt.is_some()
}

/// The running API.
pub struct ApiHandle {
    pub url: String,
    pub hub: Hub,
    handle: axum_server::Handle,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    state_dir: PathBuf,
}

impl ApiHandle {
    /// Ends the streams, lets requests in flight finish (2 s at most), removes `<state>/api`.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        self.handle.graceful_shutdown(Some(Duration::from_secs(2)));
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        remove_url_file(&self.state_dir, &self.url);
    }
}

impl Drop for ApiHandle {
    fn drop(&mut self) {
        // On an early return (an error) the file must not outlive the API either.
        if !self.task.is_finished() {
            self.handle.shutdown();
        }
        remove_url_file(&self.state_dir, &self.url);
    }
}

/// Removes `<state>/api` if it still names this API (a later process may have replaced it).
fn remove_url_file(state_dir: &Path, url: &str) {
    let path = url_file(state_dir);
    if std::fs::read_to_string(&path).is_ok_and(|t| t.trim() == url) {
        let _ = std::fs::remove_file(&path);
    }
}

/// Refuses what must not be served: a non-loopback address without a token the operator
/// chose (a usage error, exit 64). Plain http beyond loopback is not refused: the warning
/// to give is returned.
pub fn check(cfg: &Config, listen: &Listen) -> anyhow::Result<Option<String>> {
    let Some(addr) = listen.addr.filter(|a| !a.ip().is_loopback()) else {
        return Ok(None);
    };
    if cfg.api.token.is_none() {
        return Err(UsageError::new(
            "--listen",
            addr.to_string(),
            "a non-loopback address needs a token chosen by you: set [api] token or \
             token_env in the config, or IPFS_KIT_TOKEN (at least 16 characters)",
        )
        .into());
    }
    Ok(listen.tls.is_none().then(|| {
        format!(
            "warning: the API listens on {addr} over plain http: the token and everything \
             else cross the network readable; use --tls-cert/--tls-key"
        )
    }))
}

/// Binds and serves the API over `snapshots` until `ApiHandle::shutdown`. A non-loopback
/// address is `check`ed by the caller first.
pub async fn serve(
    cfg: Arc<Config>,
    listen: &Listen,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    actions: Actions,
    ops: Option<OpHistory>,
) -> anyhow::Result<ApiHandle> {
    let addr = listen
        .addr
        .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    let token = match &cfg.api.token {
        Some(t) => t.clone(),
        None => super::auth::load_or_create(&cfg.state_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot write the API token {}: {e}",
                super::auth::token_file(&cfg.state_dir).display()
            )
        })?,
    };
    let (stop, stopping) = watch::channel(false);
    let hub = Hub(Arc::new(Inner {
        cfg: Arc::clone(&cfg),
        token,
        snapshots,
        actions: RwLock::new(actions.read_only(listen.read_only)),
        ops,
        json: Mutex::new(None),
        stopping,
        daemons: OnceLock::new(),
    }));
    let app =
        super::routes::router(hub.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let std_listener = std::net::TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("the API cannot listen on {addr}: {e}"))?;
    std_listener.set_nonblocking(true)?;
    let bound = std_listener.local_addr()?;
    let handle = axum_server::Handle::new();
    let (scheme, task) = match &listen.tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot load the TLS certificate {} and key {}: {e}",
                        cert.display(),
                        key.display()
                    )
                })?;
            let server = axum_server::from_tcp_rustls(std_listener, tls).handle(handle.clone());
            (
                "https",
                tokio::spawn(async move {
                    if let Err(e) = server.serve(app).await {
                        tracing::error!("the API stopped: {e}");
                    }
                }),
            )
        }
        None => {
            let server = axum_server::from_tcp(std_listener).handle(handle.clone());
            (
                "http",
                tokio::spawn(async move {
                    if let Err(e) = server.serve(app).await {
                        tracing::error!("the API stopped: {e}");
                    }
                }),
            )
        }
    };
    // Listening on every address: local clients (those that read the file) use loopback.
    let host = match bound.ip() {
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        ip => ip.to_string(),
    };
    let url = format!("{scheme}://{host}:{}", bound.port());
    crate::atomic_file::write(&url_file(&cfg.state_dir), format!("{url}\n").as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", url_file(&cfg.state_dir).display()))?;
    tracing::info!(%url, read_only = listen.read_only, "API listening");
    Ok(ApiHandle {
        url,
        hub,
        handle,
        stop,
        task,
        state_dir: cfg.state_dir.clone(),
    })
}
