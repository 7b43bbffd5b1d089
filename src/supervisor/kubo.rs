//! A Kubo repo we manage: init, config, start, readiness (api file, then `POST /api/v0/id`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::process::DaemonProcess;
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

    pub fn is_initialized(&self) -> bool {
        self.path.join("config").is_file()
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

    /// `ipfs config --json KEY VALUE`.
    pub fn set_config_json(&self, key: &str, json: &str) -> Result<(), LaunchError> {
        run_checked(self.command().args(["config", "--json", key, json])).map(|_| ())
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
