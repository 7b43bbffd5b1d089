//! A Kubo repo we manage: init, config, start, readiness (api file, then `POST /api/v0/id`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::ports::free_port;
use super::process::DaemonProcess;
use super::repo_init::{self, RepoState};
use super::{LaunchError, run_checked};
use crate::config::Endpoint;

pub struct KuboRepo {
    bin: PathBuf,
    path: PathBuf,
}

impl KuboRepo {
    pub fn new(bin: &Path, path: &Path) -> Self {
        KuboRepo {
            bin: bin.to_path_buf(),
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A command for the `ipfs` CLI on this repo.
    pub fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env("IPFS_PATH", &self.path).env("IPFS_TELEMETRY", "off");
        c
    }

    /// Whether the repo is there, absent, or half made by an interrupted init.
    pub fn state(&self) -> RepoState {
        repo_init::inspect_kubo(&self.path)
    }

    /// The repo's `config` file.
    pub fn config_file(&self) -> PathBuf {
        self.path.join("config")
    }

    /// `ipfs init --profile=<profiles>`.
    pub fn init(&self, profiles: &[&str]) -> Result<(), LaunchError> {
        std::fs::create_dir_all(&self.path)
            .map_err(|e| LaunchError::io(format!("cannot create {}", self.path.display()), e))?;
        let mut cmd = self.command();
        cmd.arg("init");
        if !profiles.is_empty() {
            cmd.arg(format!("--profile={}", profiles.join(",")));
        }
        run_checked(&mut cmd).map(|_| ())
    }

    /// A new repo for the embedded node, whole or not at all: `ipfs init --profile=randomports`
    /// with the API and Gateway on free loopback ports, made in a temporary directory that is
    /// renamed into place. Kubo's config names its datastores by relative paths, so the move
    /// changes nothing inside.
    pub fn create(&self) -> Result<(), LaunchError> {
        repo_init::create_atomically(&self.path, |tmp| {
            let repo = KuboRepo::new(&self.bin, tmp);
            repo.init(&["randomports"])?;
            let api =
                free_port().map_err(|e| LaunchError::io("no free port for the Kubo API", e))?;
            let gw =
                free_port().map_err(|e| LaunchError::io("no free port for the Kubo gateway", e))?;
            repo.set_config_json("Addresses.API", &format!("\"/ip4/127.0.0.1/tcp/{api}\""))?;
            repo.set_config_json("Addresses.Gateway", &format!("\"/ip4/127.0.0.1/tcp/{gw}\""))
        })
    }

    /// `ipfs config --json KEY VALUE`.
    pub fn set_config_json(&self, key: &str, json: &str) -> Result<(), LaunchError> {
        run_checked(self.command().args(["config", "--json", key, json])).map(|_| ())
    }

    /// The repo's config, checked before a start so a corrupt file is reported by name
    /// (and left as it is) instead of as a daemon crash.
    pub fn read_config(&self) -> Result<serde_json::Value, LaunchError> {
        let file = self.config_file();
        let text = std::fs::read_to_string(&file)
            .map_err(|e| LaunchError::io(format!("cannot read {}", file.display()), e))?;
        serde_json::from_str(&text).map_err(|e| LaunchError::BadFile {
            file,
            message: format!(
                "not valid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            ),
        })
    }

    /// TCP ports the daemon will bind: API, Gateway and Swarm (port 0 = OS-chosen, skipped).
    pub fn listen_ports(&self) -> Result<Vec<(String, u16)>, LaunchError> {
        let cfg = self.read_config()?;
        let mut out = Vec::new();
        for key in ["API", "Gateway", "Swarm"] {
            let addrs: Vec<String> = match cfg.pointer(&format!("/Addresses/{key}")) {
                Some(serde_json::Value::String(s)) => vec![s.clone()],
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            for a in addrs {
                let entry = tcp_port(&a)
                    .filter(|p| *p != 0)
                    .map(|p| (key.to_lowercase(), p));
                // IPv4 and IPv6 listeners on one port are one port to check.
                if let Some(e) = entry.filter(|e| !out.contains(e)) {
                    out.push(e);
                }
            }
        }
        Ok(out)
    }

    /// The RPC address in the `api` file a running daemon writes.
    pub fn api_file_endpoint(&self) -> Option<Endpoint> {
        std::fs::read_to_string(self.path.join("api"))
            .ok()?
            .parse()
            .ok()
    }

    /// Starts `ipfs daemon`; output goes to `log`. A leftover `api` file from a crashed daemon
    /// is removed first so readiness cannot be fooled by it.
    pub fn start(&self, extra_args: &[&str], log: &Path) -> Result<DaemonProcess, LaunchError> {
        let _ = std::fs::remove_file(self.path.join("api"));
        let mut cmd = self.command();
        cmd.arg("daemon").args(extra_args);
        DaemonProcess::spawn("kubo", cmd, log)
    }

    /// Waits until the api file exists and `POST /api/v0/id` answers.
    pub async fn wait_ready(
        &self,
        proc: &mut DaemonProcess,
        limit: Duration,
    ) -> Result<Endpoint, LaunchError> {
        let started = Instant::now();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| LaunchError::io("http client", std::io::Error::other(e)))?;
        while started.elapsed() < limit {
            proc.check_alive()?;
            if let Some(ep) = self.api_file_endpoint() {
                let url = format!("{ep}/api/v0/id");
                // 403 is an API that is up but wants credentials (API.Authorizations).
                if let Ok(r) = client.post(&url).send().await
                    && (r.status().is_success() || r.status() == reqwest::StatusCode::FORBIDDEN)
                {
                    return Ok(ep);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(LaunchError::NotReady {
            name: "kubo".into(),
            waited: limit,
            log_tail: proc.log_tail(15),
        })
    }
}

/// The TCP port of a multiaddr such as `/ip4/127.0.0.1/tcp/5001` (None for udp/quic).
pub fn tcp_port(maddr: &str) -> Option<u16> {
    let parts: Vec<&str> = maddr.split('/').collect();
    parts
        .iter()
        .position(|p| *p == "tcp")
        .and_then(|i| parts.get(i + 1)?.parse().ok())
}

impl KuboRepo {
    /// Moves every `/tcp/<old>` of `Addresses.<key>` (api, gateway or swarm) to `new`.
    pub fn move_port(&self, key: &str, old: u16, new: u16) -> Result<(), LaunchError> {
        let cfg = self.read_config()?;
        let field = match key {
            "api" => "API",
            "gateway" => "Gateway",
            "swarm" => "Swarm",
            _ => return Ok(()),
        };
        let Some(v) = cfg.pointer(&format!("/Addresses/{field}")) else {
            return Ok(());
        };
        let from = format!("/tcp/{old}");
        let to = format!("/tcp/{new}");
        let moved = match v {
            serde_json::Value::String(s) => serde_json::Value::from(s.replace(&from, &to)),
            serde_json::Value::Array(a) => serde_json::Value::Array(
                a.iter()
                    .map(|x| {
                        x.as_str().map_or(x.clone(), |s| {
                            serde_json::Value::from(s.replace(&from, &to))
                        })
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        self.set_config_json(&format!("Addresses.{field}"), &moved.to_string())
    }
}
