//! Test harness: a throwaway Kubo (`--profile=test`, online, loopback, OS-chosen ports) and a
//! single-peer Cluster (crdt, loopback ports, pointed at that Kubo), started for real, waited
//! for until really ready, and always stopped — the processes are killed on drop, panics
//! included. A missing binary fails the test with the install command; nothing is skipped.

#![allow(dead_code)]

pub mod kit;
pub mod tmux;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use ipfs_kit::config::Endpoint;
use ipfs_kit::config::to_multiaddr;
use ipfs_kit::supervisor::cluster::ClusterDir;
use ipfs_kit::supervisor::kubo::KuboRepo;
use ipfs_kit::supervisor::process::DaemonProcess;
use ipfs_kit::supervisor::tools::Tools;

const READY: Duration = Duration::from_secs(90);

/// Turns off the alert on the test machine's own free disk space, for tests whose exit code
/// or health must depend only on the daemons: a CI runner with under 10% free would
/// otherwise report "degraded" (it did: 8.3% free).
pub const NO_HOST_DISK_ALERT: &str =
    "[[alerts.rules]]\nname = \"host_disk_free\"\nenabled = false\n";

pub fn tools() -> Tools {
    match Tools::find() {
        Ok(t) => t,
        Err(e) => panic!("integration tests need the real daemons: {e}"),
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub tools: Tools,
    pub kubo_repo: KuboRepo,
    pub cluster_dir: Option<ClusterDir>,
    pub kubo: Option<DaemonProcess>,
    pub cluster: Option<DaemonProcess>,
    pub kubo_api: Endpoint,
    pub cluster_api: Option<Endpoint>,
}

impl Harness {
    /// Kubo only.
    pub fn kubo() -> Harness {
        Harness::kubo_with(|_| {})
    }

    /// Kubo only, with `configure` run on the repo between init and start.
    pub fn kubo_with(configure: impl FnOnce(&KuboRepo)) -> Harness {
        let tools = tools();
        let dir = tempfile::Builder::new()
            .prefix("ipfs-kit-test-")
            .tempdir()
            .expect("tempdir");
        let kubo_repo = KuboRepo::new(&tools.ipfs, &dir.path().join("kubo"));
        kubo_repo
            .init(&["test"])
            .unwrap_or_else(|e| panic!("ipfs init: {e}"));
        configure(&kubo_repo);
        let rt = runtime();
        let mut proc = kubo_repo
            .start(&[], &dir.path().join("logs/kubo.log"))
            .unwrap_or_else(|e| panic!("start kubo: {e}"));
        let kubo_api = rt
            .block_on(kubo_repo.wait_ready(&mut proc, READY))
            .unwrap_or_else(|e| panic!("kubo not ready: {e}"));
        Harness {
            dir,
            tools,
            kubo_repo,
            cluster_dir: None,
            kubo: Some(proc),
            cluster: None,
            kubo_api,
            cluster_api: None,
        }
    }

    /// Kubo and a single-peer Cluster on top of it.
    pub fn full() -> Harness {
        let mut h = Harness::kubo();
        let cdir = ClusterDir::new(&h.tools.cluster_service, &h.dir.path().join("cluster"));
        cdir.init().unwrap_or_else(|e| panic!("cluster init: {e}"));
        cdir.configure_loopback(&to_multiaddr(&h.kubo_api))
            .unwrap_or_else(|e| panic!("cluster config: {e}"));
        let mut proc = cdir
            .start(&h.dir.path().join("logs/cluster.log"))
            .unwrap_or_else(|e| panic!("start cluster: {e}"));
        let api = runtime()
            .block_on(cdir.wait_ready(&mut proc, READY))
            .unwrap_or_else(|e| panic!("cluster not ready: {e}"));
        h.cluster_api = Some(api);
        h.cluster = Some(proc);
        h.cluster_dir = Some(cdir);
        h
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the `ipfs` CLI on the test repo; panics with its output on failure.
    pub fn ipfs(&self, args: &[&str]) -> String {
        let out = self
            .kubo_repo
            .command()
            .args(args)
            .output()
            .expect("run ipfs");
        check("ipfs", args, &out)
    }

    /// Runs `ipfs-cluster-ctl` against the test peer.
    pub fn cluster_ctl(&self, args: &[&str]) -> String {
        let api = self.cluster_api.as_ref().expect("cluster started");
        let out = Command::new(&self.tools.cluster_ctl)
            .arg("--host")
            .arg(to_multiaddr(api))
            .args(args)
            .output()
            .expect("run ipfs-cluster-ctl");
        check("ipfs-cluster-ctl", args, &out)
    }

    /// Adds `n` small distinct files with `ipfs add` (pinned) and returns their CIDs.
    pub fn add_files(&self, n: usize, tag: &str) -> Vec<String> {
        let dir = self.root().join(format!("files-{tag}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        (0..n)
            .map(|i| {
                let f = dir.join(format!("f{i}.txt"));
                std::fs::write(&f, format!("ipfs-kit test file {tag} {i}\n")).expect("write");
                self.ipfs(&["add", "-Q", f.to_str().expect("utf8 path")])
                    .trim()
                    .to_string()
            })
            .collect()
    }

    /// Writes the config `ipfs_kit()` reads (`$XDG_CONFIG_HOME/ipfs-kit/config.toml`).
    pub fn write_config(&self, text: &str) {
        let dir = self.root().join("config/ipfs-kit");
        std::fs::create_dir_all(&dir).expect("mkdir config dir");
        std::fs::write(dir.join("config.toml"), text).expect("write config");
    }

    /// The `ipfs-kit` binary with the environment pointed at this harness, and no user config.
    pub fn ipfs_kit(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root().join("home"))
            .env("XDG_CONFIG_HOME", self.root().join("config"))
            .env("XDG_STATE_HOME", self.root().join("state"))
            .env("IPFS_KIT_KUBO_API", self.kubo_api.to_string());
        if let Some(api) = &self.cluster_api {
            c.env("IPFS_KIT_CLUSTER_API", api.to_string());
        }
        c
    }

    pub fn stop_kubo(&mut self) {
        if let Some(mut p) = self.kubo.take() {
            p.stop(Duration::from_secs(20));
        }
    }

    pub fn stop_cluster(&mut self) {
        if let Some(mut p) = self.cluster.take() {
            p.stop(Duration::from_secs(20));
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // Cluster first: it would otherwise log Kubo errors while Kubo stops.
        self.stop_cluster();
        self.stop_kubo();
    }
}

fn check(tool: &str, args: &[&str], out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{tool} {args:?} failed ({}): {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Runs a prepared ipfs-kit command and parses its stdout as the snapshot JSON.
pub fn run_json(mut cmd: Command) -> (i32, serde_json::Value, String) {
    let out = cmd.output().expect("run ipfs-kit");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

/// Processes whose command line names this test's directory or whose environment points
/// into it (daemons started by ipfs-kit carry IPFS_PATH / IPFS_CLUSTER_PATH).
pub fn daemons_under(root: &Path) -> Vec<u32> {
    let needle = root.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd);
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            (cmd.contains("ipfs\0daemon") || cmd.contains("ipfs-cluster-service\0daemon"))
                && String::from_utf8_lossy(&env).contains(&needle)
        })
        .collect()
}

/// A fixed environment for `config::load`, so tests never read the real one.
pub struct TestEnv(pub Vec<(&'static str, String)>);

impl ipfs_kit::config::Env for TestEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

/// The trimmed text of a file another process writes (`<state>/api`, its token), once it
/// exists; panics after 60 s.
pub fn wait_file(p: &Path) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Ok(t) = std::fs::read_to_string(p) {
            return t.trim().to_string();
        }
        assert!(std::time::Instant::now() < deadline, "no {}", p.display());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
