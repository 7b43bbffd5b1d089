//! `ipfs-kit --once --json` against a real Kubo and a real Cluster.

mod support;

use std::time::Duration;

use support::{Harness, NO_HOST_DISK_ALERT, run_json};

fn count_lines(s: &str) -> usize {
    s.lines().filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn figures_match_the_daemons_own_tools() {
    let h = Harness::full();
    h.write_config(NO_HOST_DISK_ALERT);
    let root = h.root().display().to_string();

    h.add_files(25, "kubo");
    let cids = h.add_files(5, "cluster");
    for c in &cids {
        h.cluster_ctl(&["pin", "add", "--wait", c]);
    }

    let id: serde_json::Value = serde_json::from_str(&h.ipfs(&["id"])).expect("ipfs id json");
    let pins = count_lines(&h.ipfs(&["pin", "ls", "--type=recursive", "-q"]));
    let repo_size: u64 = h
        .ipfs(&["repo", "stat", "--size-only"])
        .lines()
        .find_map(|l| {
            l.strip_prefix("RepoSize:")
                .map(|v| v.trim().parse().expect("RepoSize"))
        })
        .expect("RepoSize line");
    let cluster_peers = h
        .cluster_ctl(&["peers", "ls"])
        .lines()
        .filter(|l| l.contains(" | ") && l.contains("Sees"))
        .count();
    let cluster_pins = count_lines(&h.cluster_ctl(&["pin", "ls"]));

    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json"]);
    let (code, j, stderr) = run_json(cmd);
    assert_eq!(
        code, 0,
        "exit code; health: {}\nstderr: {stderr}",
        j["health"]
    );

    assert_eq!(j["schema_version"], 1);
    let time = j["time"].as_str().expect("time");
    assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{time}");

    let k = &j["kubo"]["data"];
    assert_eq!(j["kubo"]["state"], "ok", "{}", j["kubo"]);
    assert_eq!(k["peer_id"], id["ID"]);
    assert_eq!(k["agent_version"], id["AgentVersion"]);
    assert_eq!(k["recursive_pins"].as_u64(), Some(pins as u64));
    assert!(pins >= 30, "25 + 5 files pinned, ipfs says {pins}");
    let ours = k["repo"]["size_bytes"].as_u64().expect("repo size") as f64;
    let diff = (ours - repo_size as f64).abs() / repo_size as f64;
    assert!(
        diff <= 0.10,
        "repo size {ours} vs ipfs repo stat {repo_size}"
    );

    let c = &j["cluster"]["data"];
    assert_eq!(j["cluster"]["state"], "ok", "{}", j["cluster"]);
    assert_eq!(cluster_peers, 1);
    assert_eq!(c["peer_count"].as_u64(), Some(cluster_peers as u64));
    assert_eq!(c["pin_count"].as_u64(), Some(cluster_pins as u64));
    assert_eq!(cluster_pins, 5);
    assert_eq!(c["pin_status"]["pinned"].as_u64(), Some(5));
    assert!(c["ipfs_error"].is_null());

    let host = &j["host"]["data"];
    assert!(host["memory_total_bytes"].as_u64().unwrap_or(0) > 0);
    let procs = host["processes"].as_array().expect("processes");
    let kubo_pid = h.kubo.as_ref().map(|p| p.pid()).expect("kubo pid");
    assert!(
        procs
            .iter()
            .any(|p| p["role"] == "kubo" && p["pid"].as_u64() == Some(u64::from(kubo_pid))),
        "kubo pid {kubo_pid} not in {procs:?}"
    );

    assert_eq!(j["health"]["status"], "OK");
    assert_eq!(j["health"]["score"], 100);

    // The human summary tells the same story.
    let out = h.ipfs_kit().arg("--once").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("pins {pins}")), "{text}");
    assert!(text.contains("health OK"), "{text}");
    drop(h);
    assert!(
        support::daemons_under(std::path::Path::new(&root)).is_empty(),
        "daemons left running under {root}"
    );
}

#[test]
fn kubo_down_is_critical_cluster_down_is_warning() {
    let mut h = Harness::full();
    h.write_config(NO_HOST_DISK_ALERT);

    h.stop_cluster();
    let mut cmd = h.ipfs_kit();
    cmd.args(["snapshot", "--json"]);
    let (code, j, _) = run_json(cmd);
    assert_eq!(j["kubo"]["state"], "ok");
    assert_eq!(j["cluster"]["state"], "down");
    assert!(
        j["cluster"]["error"]
            .as_str()
            .unwrap_or("")
            .contains("connect"),
        "{}",
        j["cluster"]
    );
    assert_eq!(
        code, 1,
        "a configured Cluster that is down is WARNING: {}",
        j["health"]
    );
    assert_eq!(j["health"]["status"], "WARNING");

    h.stop_kubo();
    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json", "--timeout", "3s"]);
    let started = std::time::Instant::now();
    let (code, j, _) = run_json(cmd);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 2, "{}", j["health"]);
    assert_eq!(j["kubo"]["state"], "down");
    assert!(j["kubo"]["data"].is_null());
    let err = j["kubo"]["error"].as_str().expect("kubo error text");
    assert!(
        err.contains("Connection refused") || err.contains("connect"),
        "{err}"
    );
    assert_eq!(j["health"]["status"], "CRITICAL");
    assert_eq!(j["host"]["state"], "ok");
}

#[test]
fn cluster_whose_kubo_died_is_degraded() {
    let mut h = Harness::full();
    h.stop_kubo();
    // Cluster notices within its 1 s retry; give it a moment.
    std::thread::sleep(Duration::from_secs(2));
    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json"]);
    let (code, j, _) = run_json(cmd);
    assert_eq!(j["cluster"]["state"], "ok");
    let e = j["cluster"]["data"]["ipfs_error"]
        .as_str()
        .expect("ipfs_error");
    assert!(e.contains("connection refused"), "{e}");
    assert_eq!(j["health"]["sources"]["cluster"]["level"], "degraded");
    assert_eq!(code, 2, "Kubo itself is down: CRITICAL");
}
