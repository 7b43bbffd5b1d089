//! What `daemon status` says about a daemon, with the real Kubo (issue 11 item 5): failed
//! restarts are counted, and a Kubo started by hand on our repo under another spelling of
//! its path still has a pid and an uptime.

mod support;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use support::kit::Kit;
use support::tools;

/// The shared kit, plus Kubo's own entry in `daemon status` and processes of the test's own
/// (killed with their group when dropped, before the kit stops what is left).
struct Counts {
    kit: Kit,
    children: Vec<Child>,
}

impl Counts {
    fn new(config: &str) -> Counts {
        let kit = Kit::new();
        kit.config(config);
        Counts {
            kit,
            children: Vec::new(),
        }
    }

    fn wait_kubo(
        &self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let st = self
            .kit
            .wait_status(what, limit, |st| pred(Kit::daemon(st, "kubo")));
        Kit::daemon(&st, "kubo").clone()
    }

    /// The port of Kubo's API from the repo's `api` file (`/ip4/127.0.0.1/tcp/PORT`).
    fn api_port(&self) -> u16 {
        let text = std::fs::read_to_string(self.kit.kubo_repo().join("api")).expect("api file");
        text.trim()
            .rsplit('/')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {text}"))
    }
}

impl Drop for Counts {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(c.id() as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
            let _ = c.wait();
        }
    }
}

#[test]
fn failed_restarts_are_counted() {
    let mut kit = Counts::new(
        "[supervisor]\nrestart_backoff = \"200ms\"\nrestart_backoff_max = \"400ms\"\nrestart_budget = 3\n",
    );
    let log = std::fs::File::create(kit.kit.root().join("supervise.log")).expect("log");
    let child = kit
        .kit
        .cmd()
        .args(["supervise", "--init"])
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("spawn supervise");
    kit.children.push(child);
    // Until `supervise` publishes its own view (it started Kubo: not adopted), which it does
    // once Cluster is up too; a `daemon status` before that finds Kubo on its own.
    let published = kit
        .kit
        .root()
        .join("state/ipfs-kit/daemons/supervisor.json");
    let k = kit.wait_kubo("supervise ready", Duration::from_secs(120), |k| {
        published.exists() && k["state"] == "ready" && k["adopted"] == false
    });
    let pid = k["pid"].as_u64().expect("pid") as i32;
    let port = kit.api_port();

    // Kill it and take its API port, so that every restart fails ("port in use").
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill -9");
    let deadline = Instant::now() + Duration::from_secs(10);
    let squatter = loop {
        if let Ok(l) = TcpListener::bind(("127.0.0.1", port)) {
            break l;
        }
        assert!(Instant::now() < deadline, "port {port} not released");
        std::thread::sleep(Duration::from_millis(10));
    };
    let k = kit.wait_kubo("kubo failed", Duration::from_secs(60), |k| {
        k["state"] == "failed" || k["api"].is_null()
    });
    let log = std::fs::read_to_string(kit.kit.root().join("supervise.log")).unwrap_or_default();
    assert_eq!(k["state"], "failed", "{k:#}\nsupervise's log:\n{log}");
    assert_eq!(
        k["restarts"].as_u64(),
        Some(3),
        "three attempts, all failed: {k:#}"
    );
    let last = k["last_exit"].as_str().unwrap_or_default();
    assert!(last.starts_with("restart #3 failed:"), "{last}");
    let text =
        String::from_utf8_lossy(&kit.kit.run(&["daemon", "status", "kubo"]).stdout).into_owned();
    assert!(text.contains("restarts 3"), "{text}");
    drop(squatter);
}

#[test]
fn a_kubo_started_by_hand_under_another_path_spelling_has_a_pid_and_an_uptime() {
    let mut kit = Counts::new("");
    let out = kit.kit.run(&["daemon", "start", "kubo", "--init"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        kit.kit.run(&["daemon", "stop", "kubo"]).status.code(),
        Some(0)
    );

    // The same repo through a relative IPFS_PATH: not the spelling ipfs-kit looks for.
    let node = kit
        .kit
        .kubo_repo()
        .parent()
        .map(Path::to_path_buf)
        .expect("node dir");
    let by_hand = Command::new(tools().ipfs)
        .current_dir(&node)
        .env("IPFS_PATH", "kubo")
        .env("IPFS_TELEMETRY", "off")
        .arg("daemon")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .expect("ipfs daemon");
    let pid = by_hand.id();
    kit.children.push(by_hand);
    let k = kit.wait_kubo("kubo adopted", Duration::from_secs(60), |k| {
        k["state"] == "ready"
    });
    assert_eq!(k["pid"].as_u64(), Some(u64::from(pid)), "{k:#}");
    assert!(k["uptime_secs"].as_u64().is_some(), "uptime known: {k:#}");
    let text =
        String::from_utf8_lossy(&kit.kit.run(&["daemon", "status", "kubo"]).stdout).into_owned();
    assert!(
        text.contains(&format!("pid {pid}")) && !text.contains("up -"),
        "{text}"
    );
}
