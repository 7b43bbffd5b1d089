//! A private ipfs-kit home (config, state, the embedded node) for tests of `daemon …` and
//! `supervise` against the real daemons, and `supervise` run as a child process. Both clean
//! up on drop, panics included.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use super::{daemons_under, tools};

/// A private state/config home for one test; stops whatever is left when dropped.
pub struct Kit {
    pub dir: tempfile::TempDir,
}

impl Kit {
    pub fn new() -> Kit {
        Kit {
            dir: tempfile::Builder::new()
                .prefix("ipfs-kit-sup-")
                .tempdir()
                .expect("tempdir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn state(&self) -> PathBuf {
        self.root().join("state/ipfs-kit")
    }

    pub fn kubo_repo(&self) -> PathBuf {
        self.state().join("node/kubo")
    }

    pub fn config(&self, text: &str) {
        let dir = self.root().join("config/ipfs-kit");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("config.toml"), text).expect("write config");
    }

    pub fn cmd(&self) -> Command {
        let bin_dir = tools()
            .ipfs
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root().join("home"))
            .env("XDG_CONFIG_HOME", self.root().join("config"))
            .env("XDG_STATE_HOME", self.root().join("state"))
            .env("IPFS_KIT_TOOLS_BIN", bin_dir);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run ipfs-kit")
    }

    pub fn status(&self) -> serde_json::Value {
        let out = self.run(&["daemon", "status", "--json"]);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "status is not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    pub fn daemon<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
        status
            .as_array()
            .and_then(|a| a.iter().find(|d| d["name"] == name))
            .unwrap_or_else(|| panic!("no {name} in {status}"))
    }

    /// Polls `daemon status --json` until `pred` holds.
    pub fn wait_status(
        &self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + limit;
        loop {
            let st = self.status();
            if pred(&st) {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; status: {st:#}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    pub fn ipfs(&self, args: &[&str]) -> String {
        let out = Command::new(tools().ipfs)
            .env("IPFS_PATH", self.kubo_repo())
            .args(args)
            .output()
            .expect("run ipfs");
        assert!(
            out.status.success(),
            "ipfs {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Kit {
    fn drop(&mut self) {
        let _ = self.run(&["daemon", "stop", "all"]);
        for pid in daemons_under(self.root()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn ready(st: &serde_json::Value, name: &str) -> bool {
    Kit::daemon(st, name)["state"] == "ready"
}

/// `supervise` as a child in its own process group, killed on drop.
pub struct Supervise(pub Child);

impl Drop for Supervise {
    fn drop(&mut self) {
        let pgid = nix::unistd::Pid::from_raw(self.0.id() as i32);
        let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
        let _ = self.0.wait();
    }
}

impl Kit {
    /// `ipfs-kit supervise ARGS` in its own process group, output to `<root>/<log>`.
    pub fn supervise(&self, args: &[&str], log: &str, env: &[(&str, String)]) -> Supervise {
        let file = std::fs::File::create(self.root().join(log)).expect("log");
        let mut cmd = self.cmd();
        cmd.arg("supervise")
            .args(args)
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log"))
            .stderr(file)
            .process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Supervise(cmd.spawn().expect("spawn supervise"))
    }

    /// Waits until a `supervise` child has finished its first start (its report of Cluster's
    /// start or adoption is in `log`) and both daemons are ready. `daemon status` alone may
    /// find both running while `supervise` is still inside that start, where a crash fails
    /// the start (exit 1) instead of being restarted.
    pub fn wait_supervised(&self, log: &str) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        while !["cluster start", "cluster adopt"]
            .iter()
            .any(|m| self.log(log).contains(m))
        {
            assert!(
                Instant::now() < deadline,
                "supervise did not finish its start:\n{}",
                self.log(log)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        self.wait_status("both ready", Duration::from_secs(120), |st| {
            ready(st, "kubo") && ready(st, "cluster")
        })
    }

    /// What a `supervise` child wrote to `<root>/<log>`.
    pub fn log(&self, log: &str) -> String {
        std::fs::read_to_string(self.root().join(log)).unwrap_or_default()
    }
}

impl Supervise {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.0.id() as i32), sig)
            .expect("signal supervise");
    }

    /// Waits for the exit; panics after `limit`. Returns the status and the time it took.
    pub fn wait_exit(&mut self, limit: Duration) -> (ExitStatus, Duration) {
        let began = Instant::now();
        loop {
            if let Ok(Some(st)) = self.0.try_wait() {
                return (st, began.elapsed());
            }
            assert!(
                began.elapsed() < limit,
                "supervise (pid {}) did not exit within {limit:?}",
                self.0.id()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Kills the process (not the group) with SIGKILL: what a crash or the OOM killer does.
pub fn kill9(pid: u64) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill -9");
}
