//! `/metrics`' exposition (api::metrics::render) of a snapshot taken from a real Kubo and
//! Cluster: the figures are the snapshot's and what the daemons say, names from outside are
//! escaped, and `promtool check metrics` finds nothing to say.

// Test progress and figures on stderr.
#![allow(clippy::disallowed_macros)]

#[path = "support/prometheus.rs"]
mod prometheus;

mod support;

use std::time::Duration;

use ipfs_kit::api::metrics::render;
use ipfs_kit::config::{self, Overrides};
use ipfs_kit::model::{DaemonState, DaemonStatus};
use support::{Harness, NO_HOST_DISK_ALERT, TestEnv, runtime};

fn count_lines(s: &str) -> f64 {
    s.lines().filter(|l| !l.trim().is_empty()).count() as f64
}

#[test]
fn a_real_nodes_figures_are_exported_as_the_snapshot_has_them_and_promtool_is_clean() {
    let h = Harness::full();
    h.write_config(NO_HOST_DISK_ALERT);
    // A second node connected to the first, so the peer count is not 0.
    let other = Harness::kubo();
    let addr = other.ipfs(&["id", "-f", "<addrs>"]);
    let addr = addr
        .lines()
        .find(|a| a.starts_with("/ip4/127.0.0.1/tcp/"))
        .expect("a loopback tcp address")
        .to_string();
    let id = other.ipfs(&["id", "-f", "<id>"]);
    h.ipfs(&["swarm", "connect", &format!("{addr}/p2p/{}", id.trim())]);
    let cids = h.add_files(3, "metrics");
    h.cluster_ctl(&["pin", "add", "--wait", &cids[0]]);

    let env = TestEnv(vec![
        ("HOME", h.root().join("home").display().to_string()),
        (
            "XDG_CONFIG_HOME",
            h.root().join("config").display().to_string(),
        ),
        ("IPFS_KIT_KUBO_API", h.kubo_api.to_string()),
        (
            "IPFS_KIT_CLUSTER_API",
            h.cluster_api
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default(),
        ),
        (
            "IPFS_KIT_STATE_DIR",
            h.root().join("state").display().to_string(),
        ),
    ]);
    let cfg = config::load(&Overrides::default(), &env).expect("config");
    let snap = runtime().block_on(ipfs_kit::collector::collect_once(
        &cfg,
        Duration::from_secs(20),
    ));
    let text = render(&snap);
    let m = prometheus::samples(&text);
    let get = |k: &str| {
        *m.get(k)
            .unwrap_or_else(|| panic!("no sample {k} in:\n{text}"))
    };

    let kubo = snap.kubo.data.as_ref().expect("kubo answered");
    let cluster = snap.cluster.data.as_ref().expect("cluster answered");
    // The snapshot's figures…
    assert_eq!(get("ipfskit_kubo_peers"), kubo.peers.expect("peers") as f64);
    assert_eq!(
        get("ipfskit_kubo_pins"),
        kubo.recursive_pins.expect("pins") as f64
    );
    let repo = kubo.repo.as_ref().expect("repo stat");
    assert_eq!(get("ipfskit_kubo_repo_size_bytes"), repo.size_bytes as f64);
    assert_eq!(get("ipfskit_cluster_pins"), cluster.pin_count as f64);
    assert_eq!(get("ipfskit_cluster_peers"), cluster.peer_count as f64);
    let bw = kubo.bandwidth.as_ref().expect("bandwidth");
    assert_eq!(
        get("ipfskit_kubo_bandwidth_in_bytes_total"),
        bw.total_in_bytes as f64
    );
    // …and what the daemons themselves say.
    assert_eq!(
        get("ipfskit_kubo_peers"),
        count_lines(&h.ipfs(&["swarm", "peers"]))
    );
    assert!(get("ipfskit_kubo_peers") >= 1.0);
    assert_eq!(
        get("ipfskit_kubo_pins"),
        count_lines(&h.ipfs(&["pin", "ls", "--type=recursive", "-q"]))
    );
    assert_eq!(get("ipfskit_cluster_pins"), 1.0);
    assert_eq!(get("ipfskit_cluster_peers"), 1.0);
    assert_eq!(get("ipfskit_cluster_pin_status{status=\"pinned\"}"), 1.0);
    for s in ["kubo", "cluster", "host"] {
        assert_eq!(get(&format!("ipfskit_source_up{{source=\"{s}\"}}")), 1.0);
    }
    assert_eq!(
        get("ipfskit_health_score_ratio{source=\"kubo\"}"),
        f64::from(snap.health.sources["kubo"].score.expect("score")) / 100.0
    );
    assert_eq!(get("ipfskit_alerts_firing{severity=\"critical\"}"), 0.0);
    // The RPC calls this run made, as histograms: +Inf bucket = count > 0.
    let n = get("ipfskit_rpc_duration_seconds_count{op=\"kubo.id\"}");
    assert!(n >= 1.0, "{text}");
    assert_eq!(
        get("ipfskit_rpc_duration_seconds_bucket{op=\"kubo.id\",le=\"+Inf\"}"),
        n
    );
    assert!(get("ipfskit_rpc_duration_seconds_sum{op=\"kubo.id\"}") > 0.0);
    assert!(
        m.keys()
            .any(|k| k.starts_with("ipfskit_build_info{version=\""))
    );

    prometheus::check_metrics(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));

    // A daemon whose name carries a quote, a backslash and a newline: escaped, still clean.
    let mut odd = (*snap).clone();
    odd.daemons.push(DaemonStatus {
        name: "kubo \"b\\ack\"\nup".into(),
        state: DaemonState::Crashed,
        pid: None,
        adopted: false,
        started_at: None,
        uptime_secs: None,
        restarts: 2,
        last_exit: Some("killed by SIGKILL".into()),
        last_exit_at: None,
        ports: Vec::new(),
        api: None,
        dir: "/tmp".into(),
        log: "/tmp/log".into(),
        message: None,
    });
    let text = render(&odd);
    assert!(
        text.contains(
            "ipfskit_daemon_state{daemon=\"kubo \\\"b\\\\ack\\\"\\nup\",state=\"crashed\"} 1\n"
        ),
        "{text}"
    );
    prometheus::check_metrics(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
}
