//! Every mode finds the node the same way (issue 11, item 7): after `daemon start all
//! --init`, `--once` watches the node the supervisor runs, as the dashboard does; and
//! `IPFS_PATH` / `IPFS_CLUSTER_PATH` name the repos the supervisor runs unless the config
//! names others. Real Kubo and Cluster.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use support::kit::Kit;
use support::{NO_HOST_DISK_ALERT, run_json};

/// The kit's home, with the host disk alert off (exit codes must not depend on this disk)
/// and extra variables for each run.
struct Home(Kit);

impl Home {
    fn new() -> Home {
        let kit = Kit::new();
        kit.config(NO_HOST_DISK_ALERT);
        Home(kit)
    }

    fn root(&self) -> &std::path::Path {
        self.0.root()
    }

    fn cmd(&self, extra_env: &[(&str, PathBuf)]) -> Command {
        let mut c = self.0.cmd();
        c.env("IPFS_TELEMETRY", "off");
        for (k, v) in extra_env {
            c.env(k, v);
        }
        c
    }

    fn run(&self, extra_env: &[(&str, PathBuf)], args: &[&str]) -> Output {
        self.cmd(extra_env)
            .args(args)
            .output()
            .expect("run ipfs-kit")
    }
}

fn started_ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "daemon start all --init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn once_watches_the_node_daemon_start_made() {
    let h = Home::new();
    started_ok(&h.run(&[], &["daemon", "start", "all", "--init"]));
    let api = std::fs::read_to_string(h.root().join("state/ipfs-kit/node/kubo/api"))
        .expect("the embedded Kubo writes its api file");

    let mut once = h.cmd(&[]);
    once.args(["--once", "--json"]);
    let (code, snap, stderr) = run_json(once);
    assert_eq!(snap["kubo"]["state"], "ok", "stderr: {stderr}\n{snap:#}");
    assert_eq!(snap["cluster"]["state"], "ok", "{snap:#}");
    let port = api.trim().rsplit('/').next().expect("port in the api file");
    let endpoint = snap["kubo"]["endpoint"].as_str().unwrap_or_default();
    assert!(
        endpoint.ends_with(&format!(":{port}")) || endpoint.ends_with(&format!(":{port}/")),
        "--once watches {endpoint}, the node runs at {api}"
    );
    assert_eq!(code, 0, "{snap:#}");

    // The no-terminal summary (plain `ipfs-kit` in a pipe) finds it too, without starting
    // a second node.
    let plain = h.run(&[], &[]);
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.contains("kubo     ok"), "{text}");
    assert!(
        !String::from_utf8_lossy(&plain.stderr).contains("starting the node"),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
}

#[test]
fn ipfs_path_names_the_repos_the_supervisor_runs() {
    let h = Home::new();
    let kubo = h.root().join("my-kubo");
    let cluster = h.root().join("my-cluster");
    let env = [
        ("IPFS_PATH", kubo.clone()),
        ("IPFS_CLUSTER_PATH", cluster.clone()),
    ];
    started_ok(&h.run(&env, &["daemon", "start", "all", "--init"]));
    assert!(kubo.join("config").is_file(), "Kubo's repo is IPFS_PATH");
    assert!(
        cluster.join("service.json").is_file(),
        "Cluster's is IPFS_CLUSTER_PATH"
    );
    assert!(
        !h.root().join("state/ipfs-kit/node/kubo").exists(),
        "no embedded repo is made when IPFS_PATH is set"
    );

    // `--once` with the same environment finds that Kubo through $IPFS_PATH/api.
    let mut once = h.cmd(&env);
    once.args(["--once", "--json"]);
    let (_, snap, stderr) = run_json(once);
    assert_eq!(snap["kubo"]["state"], "ok", "stderr: {stderr}\n{snap:#}");

    // A repo the config names wins over IPFS_PATH.
    let named = h.root().join("named-kubo");
    let conf = h.root().join("config/ipfs-kit/config.toml");
    let text = std::fs::read_to_string(&conf).expect("config");
    std::fs::write(
        &conf,
        format!(
            "[supervisor]\nkubo_repo = {:?}\n\n{text}",
            named.display().to_string()
        ),
    )
    .expect("config");
    let out = h.run(&env, &["daemon", "status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    let dir = status
        .as_array()
        .and_then(|a| a.iter().find(|d| d["name"] == "kubo"))
        .and_then(|d| d["dir"].as_str())
        .unwrap_or_default()
        .to_string();
    assert_eq!(dir, named.display().to_string(), "{status:#}");
    let _ = h.run(
        &[("IPFS_PATH", kubo), ("IPFS_CLUSTER_PATH", cluster)],
        &["daemon", "stop", "all"],
    );
}
