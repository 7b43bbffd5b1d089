//! The running collector against real daemons: snapshots flow, and a daemon going away becomes
//! a state (stale data kept, gaps in history, backoff) rather than an error.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ipfs_kit::collector::Collector;
use ipfs_kit::config::{self, Overrides};
use ipfs_kit::model::Series;
use ipfs_kit::model::{Snapshot, SourceState};
use support::{Harness, NO_HOST_DISK_ALERT, TestEnv, runtime};
use tokio::sync::watch;

async fn wait_for(
    rx: &mut watch::Receiver<Arc<Snapshot>>,
    what: &str,
    limit: Duration,
    pred: impl Fn(&Snapshot) -> bool,
) -> Arc<Snapshot> {
    let deadline = Instant::now() + limit;
    loop {
        let snap = rx.borrow_and_update().clone();
        if pred(&snap) {
            return snap;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out waiting for {what}; last snapshot: {}",
            serde_json::to_string(&*snap).unwrap_or_default()
        );
        let _ = tokio::time::timeout(left, rx.changed()).await;
    }
}

#[test]
fn collector_tracks_a_daemon_going_down() {
    let mut h = Harness::full();
    h.write_config(NO_HOST_DISK_ALERT);
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
    ]);
    let ov = Overrides {
        interval: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    let mut cfg = config::load(&ov, &env).expect("config");
    let snapshot_file = h.root().join("latest.json");
    cfg.snapshot_file = Some(snapshot_file.clone());
    let rt = runtime();
    rt.block_on(async {
        let collector = Collector::spawn(&cfg);
        let mut rx = collector.snapshots.clone();

        let snap = wait_for(&mut rx, "all sources ok", Duration::from_secs(20), |s| {
            s.kubo.state == SourceState::Ok
                && s.cluster.state == SourceState::Ok
                && s.host.state == SourceState::Ok
        })
        .await;
        let peer_id = snap
            .kubo
            .data
            .as_ref()
            .map(|d| d.peer_id.clone())
            .expect("peer id");
        assert!(peer_id.starts_with("12D3KooW"), "{peer_id}");
        assert_eq!(snap.health.status.exit_code(), 0);

        let rings_before = snap.history.ring(Series::HostCpuPercent).len();
        let snap = wait_for(&mut rx, "history grows", Duration::from_secs(10), |s| {
            s.history.ring(Series::HostCpuPercent).len() > rings_before + 2
        })
        .await;
        assert!(snap.history.ring(Series::KuboPeers).len() >= 2);
        // [monitoring.outputs] snapshot_file: the latest snapshot as JSON, for other tools.
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&snapshot_file).expect("snapshot file"))
                .expect("JSON");
        assert_eq!(written["schema_version"], 1);
        assert_eq!(written["kubo"]["data"]["peer_id"], peer_id.as_str());

        h.stop_kubo();
        let snap = wait_for(
            &mut rx,
            "kubo down with stale data",
            Duration::from_secs(20),
            |s| s.kubo.state == SourceState::Down && s.kubo.consecutive_failures >= 2,
        )
        .await;
        assert!(snap.kubo.stale, "last good values are kept, marked stale");
        assert_eq!(
            snap.kubo.data.as_ref().map(|d| d.peer_id.as_str()),
            Some(peer_id.as_str())
        );
        assert!(
            snap.kubo.error.as_deref().unwrap_or("").contains("connect"),
            "{:?}",
            snap.kubo.error
        );
        assert!(snap.kubo.last_success.is_some());
        assert!(
            snap.history
                .ring(Series::KuboPeers)
                .points()
                .any(|p| p.1.is_none()),
            "the outage is a gap in the history"
        );
        assert_eq!(snap.health.status.exit_code(), 2);
        // The Cluster is still up but now reports that its Kubo is gone.
        let snap = wait_for(&mut rx, "cluster notices", Duration::from_secs(20), |s| {
            s.cluster
                .data
                .as_ref()
                .is_some_and(|d| d.ipfs_error.is_some())
        })
        .await;
        assert_eq!(snap.cluster.state, SourceState::Ok);

        // Backoff: failures are retried less and less often, so the count grows slowly.
        let failures_then = snap.kubo.consecutive_failures;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let now = rx.borrow().kubo.consecutive_failures;
        assert!(
            now - failures_then <= 4,
            "retried {} times in 3 s despite backoff",
            now - failures_then
        );

        collector.refresh_now();
        drop(collector);
    });
}

#[test]
fn a_restarted_collector_starts_from_the_cached_charts_and_slow_answers() {
    let h = Harness::kubo();
    h.write_config(NO_HOST_DISK_ALERT);
    let env = TestEnv(vec![
        ("HOME", h.root().join("home").display().to_string()),
        (
            "XDG_CONFIG_HOME",
            h.root().join("config").display().to_string(),
        ),
        ("IPFS_KIT_KUBO_API", h.kubo_api.to_string()),
    ]);
    let ov = Overrides {
        interval: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    let cfg = config::load(&ov, &env).expect("config");
    let cache_file = cfg.cache.disk_path();
    assert!(
        cache_file.starts_with(h.root().join("home/.cache/ipfs-kit")),
        "{}",
        cache_file.display()
    );
    let rt = runtime();
    rt.block_on(async {
        let first = Collector::spawn(&cfg);
        let mut rx = first.snapshots.clone();
        wait_for(
            &mut rx,
            "kubo ok with 10 CPU points",
            Duration::from_secs(20),
            |s| {
                s.kubo.state == SourceState::Ok
                    && s.history.ring(Series::HostCpuPercent).len() >= 10
            },
        )
        .await;
        // Ring saves come every 10 host intervals (3 s here), flushes every 2 s.
        tokio::time::sleep(Duration::from_secs(6)).await;
        drop(rx);
        drop(first);
    });
    // A new runtime and collector: a new process as far as the cache knows.
    let rt = runtime();
    rt.block_on(async {
        let second = Collector::spawn(&cfg);
        let snap = second.snapshots.borrow().clone();
        let restored = snap.history.restored_until().expect("charts restored");
        assert!(snap.history.ring(Series::HostCpuPercent).len() >= 10);
        assert!(restored <= chrono::Utc::now());
        let mut rx = second.snapshots.clone();
        wait_for(&mut rx, "kubo ok", Duration::from_secs(20), |s| {
            s.kubo.state == SourceState::Ok
        })
        .await;
        // The slow calls (version, full repo stat, pin count, provide stat) came from the disk
        // tier instead of the daemon.
        let stats = second.cache().stats();
        assert!(stats.disk_hits >= 3, "{stats:?}");
    });
}
