//! An ipfs-cluster-service config dir we manage: init (crdt), loopback ports, pointing it at
//! a Kubo, start, readiness (the READY log line, or `/id` with no `ipfs.error`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::ports::free_port;
use super::process::DaemonProcess;
use super::repo_init::{self, RepoState};
use super::{LaunchError, run_checked};
use crate::config::Endpoint;

const READY_LINE: &str = "IPFS Cluster is READY";

pub struct ClusterDir {
    bin: PathBuf,
    path: PathBuf,
}

impl ClusterDir {
    pub fn new(bin: &Path, path: &Path) -> Self {
        ClusterDir {
            bin: bin.to_path_buf(),
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn service_json(&self) -> PathBuf {
        self.path.join("service.json")
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env("IPFS_CLUSTER_PATH", &self.path);
        c
    }

    /// Whether the dir is there, absent, or half made by an interrupted init.
    pub fn state(&self) -> RepoState {
        repo_init::inspect_cluster(&self.path)
    }

    /// A new config dir, whole or not at all: init and `configure_loopback` in a temporary
    /// directory renamed into place (service.json holds no path of the dir itself).
    pub fn create(&self, kubo_api: &str) -> Result<(), LaunchError> {
        repo_init::create_atomically(&self.path, |tmp| {
            let dir = ClusterDir::new(&self.bin, tmp);
            dir.init()?;
            dir.configure_loopback(kubo_api)
        })
    }

    /// `ipfs-cluster-service init --consensus crdt`.
    pub fn init(&self) -> Result<(), LaunchError> {
        std::fs::create_dir_all(&self.path)
            .map_err(|e| LaunchError::io(format!("cannot create {}", self.path.display()), e))?;
        run_checked(
            self.command()
                .args(["init", "--consensus", "crdt", "--force"]),
        )
        .map(|_| ())
    }

    fn read_service(&self) -> Result<Value, LaunchError> {
        let file = self.service_json();
        let text = std::fs::read_to_string(&file)
            .map_err(|e| LaunchError::io(format!("cannot read {}", file.display()), e))?;
        serde_json::from_str(&text).map_err(|e| LaunchError::BadFile {
            file: file.clone(),
            message: format!(
                "not valid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            ),
        })
    }

    fn write_service(&self, v: &Value) -> Result<(), LaunchError> {
        let file = self.service_json();
        let tmp = self.path.join(".service.json.tmp");
        let text = serde_json::to_string_pretty(v)
            .map_err(|e| LaunchError::io("encode service.json", std::io::Error::other(e)))?;
        std::fs::write(&tmp, text)
            .map_err(|e| LaunchError::io(format!("cannot write {}", tmp.display()), e))?;
        std::fs::rename(&tmp, &file)
            .map_err(|e| LaunchError::io(format!("cannot replace {}", file.display()), e))
    }

    /// Puts every listener on a free 127.0.0.1 port, turns mDNS off and points the connector
    /// and proxy at `kubo_api` (a multiaddr such as `/ip4/127.0.0.1/tcp/5001`).
    pub fn configure_loopback(&self, kubo_api: &str) -> Result<(), LaunchError> {
        let mut v = self.read_service()?;
        let loopback = |what: &str| -> Result<String, LaunchError> {
            let p =
                free_port().map_err(|e| LaunchError::io(format!("no free port for {what}"), e))?;
            Ok(format!("/ip4/127.0.0.1/tcp/{p}"))
        };
        let swarm = loopback("cluster swarm")?;
        self.set(
            &mut v,
            "/cluster",
            "listen_multiaddress",
            serde_json::json!([swarm]),
        )?;
        self.set(&mut v, "/cluster", "mdns_interval", Value::from("0s"))?;
        self.set(
            &mut v,
            "/api/restapi",
            "http_listen_multiaddress",
            Value::from(loopback("REST API")?),
        )?;
        self.set(
            &mut v,
            "/api/ipfsproxy",
            "listen_multiaddress",
            Value::from(loopback("IPFS proxy")?),
        )?;
        self.set(
            &mut v,
            "/api/pinsvcapi",
            "http_listen_multiaddress",
            Value::from(loopback("pinning service API")?),
        )?;
        self.set(
            &mut v,
            "/ipfs_connector/ipfshttp",
            "node_multiaddress",
            Value::from(kubo_api),
        )?;
        self.set(
            &mut v,
            "/api/ipfsproxy",
            "node_multiaddress",
            Value::from(kubo_api),
        )?;
        self.write_service(&v)
    }

    /// Points the connector and proxy at `kubo_api`, leaving everything else as it is.
    pub fn point_at_kubo(&self, kubo_api: &str) -> Result<(), LaunchError> {
        let mut v = self.read_service()?;
        if v.pointer("/ipfs_connector/ipfshttp/node_multiaddress")
            .and_then(Value::as_str)
            == Some(kubo_api)
        {
            return Ok(());
        }
        self.set(
            &mut v,
            "/ipfs_connector/ipfshttp",
            "node_multiaddress",
            Value::from(kubo_api),
        )?;
        self.set(
            &mut v,
            "/api/ipfsproxy",
            "node_multiaddress",
            Value::from(kubo_api),
        )?;
        self.write_service(&v)
    }

    /// Sets `key` in the object at `section` (a JSON pointer) of service.json.
    fn set(
        &self,
        v: &mut Value,
        section: &str,
        key: &str,
        value: Value,
    ) -> Result<(), LaunchError> {
        let obj = v
            .pointer_mut(section)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| LaunchError::BadFile {
                file: self.service_json(),
                message: format!("section {section} is missing or not an object"),
            })?;
        obj.insert(key.to_string(), value);
        Ok(())
    }

    /// TCP ports the peer will bind (cluster swarm, REST, proxy, pinning service API).
    pub fn listen_ports(&self) -> Result<Vec<(String, u16)>, LaunchError> {
        let v = self.read_service()?;
        let mut out = Vec::new();
        let mut add = |name: &str, val: Option<&Value>| {
            let addrs: Vec<&str> = match val {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for a in addrs {
                if let Some(p) = super::kubo::tcp_port(a).filter(|p| *p != 0) {
                    out.push((name.to_string(), p));
                }
            }
        };
        add("cluster", v.pointer("/cluster/listen_multiaddress"));
        add(
            "restapi",
            v.pointer("/api/restapi/http_listen_multiaddress"),
        );
        add("ipfsproxy", v.pointer("/api/ipfsproxy/listen_multiaddress"));
        add(
            "pinsvcapi",
            v.pointer("/api/pinsvcapi/http_listen_multiaddress"),
        );
        Ok(out)
    }

    /// Moves the listener called `name` (as in `listen_ports`) to `port` on 127.0.0.1.
    pub fn move_port(&self, name: &str, port: u16) -> Result<(), LaunchError> {
        let mut v = self.read_service()?;
        let addr = format!("/ip4/127.0.0.1/tcp/{port}");
        match name {
            "cluster" => self.set(
                &mut v,
                "/cluster",
                "listen_multiaddress",
                serde_json::json!([addr]),
            )?,
            "restapi" => self.set(
                &mut v,
                "/api/restapi",
                "http_listen_multiaddress",
                Value::from(addr),
            )?,
            "ipfsproxy" => self.set(
                &mut v,
                "/api/ipfsproxy",
                "listen_multiaddress",
                Value::from(addr),
            )?,
            "pinsvcapi" => self.set(
                &mut v,
                "/api/pinsvcapi",
                "http_listen_multiaddress",
                Value::from(addr),
            )?,
            _ => return Ok(()),
        }
        self.write_service(&v)
    }

    /// Checks service.json before a start, so a corrupt file is reported by name.
    pub fn check_config(&self) -> Result<(), LaunchError> {
        self.read_service().map(|_| ())
    }

    /// The REST API address from service.json.
    pub fn rest_api(&self) -> Result<Endpoint, LaunchError> {
        let v = self.read_service()?;
        let raw = v
            .pointer("/api/restapi/http_listen_multiaddress")
            .and_then(Value::as_str)
            .ok_or_else(|| LaunchError::BadFile {
                file: self.service_json(),
                message: "api.restapi.http_listen_multiaddress is missing".into(),
            })?;
        raw.parse().map_err(|m| LaunchError::BadFile {
            file: self.service_json(),
            message: format!("api.restapi.http_listen_multiaddress: {m}"),
        })
    }

    pub fn start(&self, log: &Path) -> Result<DaemonProcess, LaunchError> {
        let mut cmd = self.command();
        cmd.arg("daemon");
        DaemonProcess::spawn("cluster", cmd, log)
    }

    /// Waits for the READY log line, or `/id` answering with no `ipfs.error` (`/health`
    /// answers 204 long before the peer is ready, so it is not used).
    pub async fn wait_ready(
        &self,
        proc: &mut DaemonProcess,
        limit: Duration,
    ) -> Result<Endpoint, LaunchError> {
        let api = self.rest_api()?;
        let started = Instant::now();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| LaunchError::io("http client", std::io::Error::other(e)))?;
        while started.elapsed() < limit {
            proc.check_alive()?;
            if proc.log_since_start().contains(READY_LINE) {
                return Ok(api);
            }
            if let Ok(r) = client.get(format!("{api}/id")).send().await
                && r.status().is_success()
                && let Ok(v) = r.json::<Value>().await
                && v.pointer("/ipfs/error")
                    .and_then(Value::as_str)
                    .is_some_and(str::is_empty)
                && v.pointer("/ipfs/id")
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            {
                return Ok(api);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(LaunchError::NotReady {
            name: "cluster".into(),
            waited: limit,
            log_tail: proc.log_tail(15),
        })
    }
}
