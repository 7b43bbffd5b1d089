//! The embedded default: a local Kubo + Cluster kept under the state dir, created on first
//! run, so a new user sees live data with no configuration.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::Endpoint;
use crate::supervisor::LaunchError;
use crate::supervisor::cluster::ClusterDir;
use crate::supervisor::kubo::KuboRepo;
use crate::supervisor::ports::{free_port, is_free};
use crate::supervisor::process::DaemonProcess;
use crate::supervisor::tools::Tools;

const READY_WAIT: Duration = Duration::from_secs(90);

/// The embedded node's endpoints and the processes this run started (stopped on drop).
pub struct LocalNode {
    pub kubo_api: Endpoint,
    pub cluster_api: Endpoint,
    pub root: PathBuf,
    started: Vec<DaemonProcess>,
}

impl LocalNode {
    /// What this run started (pid, name); empty when both were already running.
    pub fn started(&self) -> Vec<(u32, String)> {
        self.started
            .iter()
            .map(|p| (p.pid(), p.name().to_string()))
            .collect()
    }

    /// Stops what this run started, Cluster first.
    pub fn stop(mut self) {
        while let Some(mut p) = self.started.pop() {
            p.stop(Duration::from_secs(15));
        }
    }
}

/// `<state_dir>/node`: where the embedded repos live.
pub fn node_root(state_dir: &Path) -> PathBuf {
    state_dir.join("node")
}

/// Initialises (first run) and starts the embedded Kubo and Cluster, or reuses them when
/// they already run. `progress` is told each step, for the terminal.
pub async fn start_local(
    state_dir: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<LocalNode, LaunchError> {
    let tools = Tools::find()?;
    let root = node_root(state_dir);
    let logs = state_dir.join("logs");
    let kubo = KuboRepo::new(&tools.ipfs, &root.join("kubo"));
    let mut started = Vec::new();

    if !kubo.is_initialized() {
        progress(&format!(
            "creating a local Kubo repo in {}",
            kubo.path().display()
        ));
        kubo.init(&["randomports"])?;
        set_loopback_ports(&kubo)?;
    }

    let kubo_api = match running_kubo(&kubo).await {
        Some(ep) => {
            progress(&format!("using the local Kubo already running at {ep}"));
            ep
        }
        None => {
            ensure_ports_free(&kubo)?;
            progress("starting Kubo");
            let mut p = kubo.start(&[], &logs.join("kubo.log"))?;
            let ep = kubo.wait_ready(&mut p, READY_WAIT).await?;
            started.push(p);
            ep
        }
    };
    let kubo_maddr = to_multiaddr(&kubo_api);

    let cluster = ClusterDir::new(&tools.cluster_service, &root.join("cluster"));
    if !cluster.is_initialized() {
        progress(&format!(
            "creating a local IPFS Cluster peer in {}",
            cluster.path().display()
        ));
        cluster.init()?;
        cluster.configure_loopback(&kubo_maddr)?;
    } else {
        cluster.point_at_kubo(&kubo_maddr)?;
    }
    let cluster_api = cluster.rest_api()?;
    if answers(&format!("{cluster_api}/id"), false).await {
        progress(&format!(
            "using the local Cluster already running at {cluster_api}"
        ));
    } else {
        progress("starting IPFS Cluster");
        let mut p = cluster.start(&logs.join("cluster.log"))?;
        cluster.wait_ready(&mut p, READY_WAIT).await?;
        started.push(p);
    }

    Ok(LocalNode {
        kubo_api,
        cluster_api,
        root,
        started,
    })
}

/// API and gateway on 127.0.0.1 ports chosen now (the swarm port is random via the profile).
fn set_loopback_ports(kubo: &KuboRepo) -> Result<(), LaunchError> {
    let api = free_port().map_err(|e| LaunchError::io("no free port for the Kubo API", e))?;
    let gw = free_port().map_err(|e| LaunchError::io("no free port for the Kubo gateway", e))?;
    kubo.set_config_json("Addresses.API", &format!("\"/ip4/127.0.0.1/tcp/{api}\""))?;
    kubo.set_config_json("Addresses.Gateway", &format!("\"/ip4/127.0.0.1/tcp/{gw}\""))
}

/// When a port the embedded Kubo wants is taken, move it to a free one rather than fail.
fn ensure_ports_free(kubo: &KuboRepo) -> Result<(), LaunchError> {
    let cfg_path = kubo.path().join("config");
    let text = std::fs::read_to_string(&cfg_path)
        .map_err(|e| LaunchError::io(format!("cannot read {}", cfg_path.display()), e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| LaunchError::BadFile {
        file: cfg_path.clone(),
        message: format!(
            "not valid JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        ),
    })?;
    let port_of = |key: &str| {
        v.pointer(&format!("/Addresses/{key}"))
            .and_then(|a| a.as_str())
            .and_then(|a| a.rsplit('/').next())
            .and_then(|p| p.parse::<u16>().ok())
    };
    let taken = |p: Option<u16>| p.is_some_and(|p| p != 0 && !is_free(p));
    if taken(port_of("API")) || taken(port_of("Gateway")) {
        set_loopback_ports(kubo)?;
    }
    Ok(())
}

async fn running_kubo(kubo: &KuboRepo) -> Option<Endpoint> {
    let ep = kubo.api_file_endpoint()?;
    answers(&format!("{ep}/api/v0/id"), true)
        .await
        .then_some(ep)
}

async fn answers(url: &str, post: bool) -> bool {
    let Ok(client) = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
    else {
        return false;
    };
    let req = if post {
        client.post(url)
    } else {
        client.get(url)
    };
    matches!(req.send().await, Ok(r) if r.status().is_success())
}

/// `http://127.0.0.1:5001` -> `/ip4/127.0.0.1/tcp/5001`, the form Cluster's config takes.
pub fn to_multiaddr(ep: &Endpoint) -> String {
    let url = ep.url();
    let host = url
        .host_str()
        .unwrap_or("127.0.0.1")
        .trim_matches(['[', ']']);
    let port = url.port_or_known_default().unwrap_or(5001);
    let proto = if host.parse::<std::net::Ipv4Addr>().is_ok() {
        "ip4"
    } else if host.parse::<std::net::Ipv6Addr>().is_ok() {
        "ip6"
    } else {
        "dns"
    };
    format!("/{proto}/{host}/tcp/{port}")
}
