use super::test_support::*;
use super::*;
use crate::model::SourceState;

fn m(name: &str) -> Metric {
    name.parse().unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn v(s: &crate::model::Snapshot, name: &str) -> Option<f64> {
    value(s, &m(name))
}

#[test]
fn kubo_and_host_figures() {
    let s = snap();
    assert_eq!(v(&s, "kubo.repo.usage_percent"), Some(50.0));
    assert_eq!(v(&s, "kubo.repo.size_bytes"), Some(500.0));
    assert_eq!(v(&s, "kubo.peers"), Some(8.0));
    assert_eq!(v(&s, "kubo.pins"), Some(3.0));
    assert_eq!(v(&s, "host.cpu_percent"), Some(10.0));
    assert_eq!(v(&s, "host.memory_percent"), Some(25.0));
    assert_eq!(v(&s, "source.kubo.down"), Some(0.0));
}

#[test]
fn disk_free_is_the_repo_filesystem_else_root() {
    let mut s = snap();
    // Repo at /srv/ipfs: the /srv disk (300 of 1000 free), not / (50 of 100).
    assert_eq!(v(&s, "host.disk_free_percent"), Some(30.0));
    assert_eq!(v(&s, "host.disk_free_bytes"), Some(300.0));
    // A mount that is only a string prefix (/srvx) must not match /srv.
    if let Some(r) = s.kubo.data.as_mut().and_then(|k| k.repo.as_mut()) {
        r.path = Some("/srvx/ipfs".into());
    }
    assert_eq!(v(&s, "host.disk_free_percent"), Some(50.0));
    // Unknown repo path: the config's, else /.
    s.kubo.data = None;
    assert_eq!(v(&s, "host.disk_free_percent"), Some(50.0));
    let ctx = Context {
        repo_path: Some("/srv/data".into()),
        ..Context::default()
    };
    assert_eq!(
        value_in(&s, &m("host.disk_free_percent"), &ctx, None),
        Some(30.0)
    );
}

#[test]
fn disk_free_is_dfs_available_share() {
    let mut s = snap();
    let h = s.host.data.as_mut().expect("host");
    // 1000 bytes, 500 free of which 100 reserved for root: df says 500 used, 400 available,
    // Use% = 500 / 900 rounded up = 56%. The share left is 44%, not 400 / 1000 = 40%.
    h.disks = vec![crate::model::DiskStats::new(
        "/srv".into(),
        "ext4".into(),
        1000,
        500,
        400,
    )];
    assert_eq!(v(&s, "host.disk_free_percent"), Some(44.0));
    assert_eq!(v(&s, "host.disk_free_bytes"), Some(400.0));
}

#[test]
fn repo_path_survives_kubo_going_down() {
    let mut s = snap();
    s.kubo.state = SourceState::Down;
    s.kubo.stale = true;
    assert_eq!(v(&s, "host.disk_free_percent"), Some(30.0));
    // ...but stale Kubo figures are not current values.
    assert_eq!(v(&s, "kubo.peers"), None);
    assert_eq!(v(&s, "source.kubo.down"), Some(1.0));
}

#[test]
fn cluster_pin_status_and_queue() {
    let s = pin_status(&[
        ("pinned", 4),
        ("pin_error", 2),
        ("pin_queued", 1),
        ("pinning", 2),
    ]);
    assert_eq!(v(&s, "cluster.pin_status.pin_error"), Some(2.0));
    // A known status that is absent counts 0; no pin status at all is no value.
    assert_eq!(v(&s, "cluster.pin_status.unexpectedly_unpinned"), Some(0.0));
    assert_eq!(v(&s, "cluster.pins.queued"), Some(3.0));
    let mut none = snap();
    if let Some(c) = none.cluster.data.as_mut() {
        c.pin_status = None;
    }
    assert_eq!(v(&none, "cluster.pin_status.pin_error"), None);
    assert_eq!(v(&s, "cluster.pins"), Some(4.0));
}

#[test]
fn queued_minutes_needs_the_trend() {
    let s = pin_status(&[("pin_queued", 1)]);
    let metric = m("cluster.pins.queued_minutes");
    assert_eq!(value(&s, &metric), None);
    let ctx = Context::default();
    let mut t = Trend::default();
    t.observe(&s, at(0));
    t.observe(&s, at(90));
    assert_eq!(value_in(&s, &metric, &ctx, Some(&t)), Some(1.5));
    // A gap in Cluster data keeps the clock running.
    let mut gap = s.clone();
    gap.cluster.state = SourceState::Down;
    t.observe(&gap, at(120));
    assert_eq!(value_in(&gap, &metric, &ctx, Some(&t)), Some(2.0));
    // An empty queue resets it.
    let empty = pin_status(&[("pinned", 1)]);
    t.observe(&empty, at(150));
    assert_eq!(value_in(&empty, &metric, &ctx, Some(&t)), Some(0.0));
    t.observe(&s, at(160));
    assert_eq!(value_in(&s, &metric, &ctx, Some(&t)), Some(0.0));
}

#[test]
fn cluster_peers_missing_and_alerts() {
    let mut s = snap();
    assert_eq!(v(&s, "cluster.peers_missing"), Some(0.0));
    if let Some(c) = s.cluster.data.as_mut() {
        c.peers[1] = peer("b", Some("dial backoff"));
        c.alerts.push(crate::model::ClusterAlert {
            name: "ping".into(),
            peer: "b".into(),
            value: String::new(),
            expire_unix_ns: 0,
        });
        c.ipfs_error = Some("connection refused".into());
    }
    assert_eq!(v(&s, "cluster.peers_missing"), Some(1.0));
    let ctx = Context {
        expected_cluster_peers: Some(5),
        ..Context::default()
    };
    // 5 expected, 3 listed of which 1 errors: 3 missing.
    assert_eq!(
        value_in(&s, &m("cluster.peers_missing"), &ctx, None),
        Some(3.0)
    );
    assert_eq!(v(&s, "cluster.health_alerts"), Some(1.0));
    assert_eq!(v(&s, "cluster.ipfs_error"), Some(1.0));
}

#[test]
fn source_down_respects_required_and_disabled() {
    let mut s = snap();
    s.cluster.state = SourceState::Down;
    assert_eq!(v(&s, "source.cluster.down"), Some(1.0));
    let optional = Context {
        cluster_required: false,
        ..Context::default()
    };
    assert_eq!(
        value_in(&s, &m("source.cluster.down"), &optional, None),
        None
    );
    s.cluster.state = SourceState::Disabled;
    assert_eq!(v(&s, "source.cluster.down"), None);
    s.kubo.state = SourceState::Unknown;
    assert_eq!(v(&s, "source.kubo.down"), None);
    s.host.latency_ms = Some(12);
    assert_eq!(v(&s, "source.host.latency_ms"), Some(12.0));
}

#[test]
fn daemon_facts_come_from_the_context() {
    let s = snap();
    assert_eq!(v(&s, "daemon.kubo.crashed"), None);
    let mut ctx = Context::default();
    ctx.daemons.insert(
        "kubo".into(),
        DaemonFacts {
            crashed: true,
            restart_budget_exhausted: false,
        },
    );
    assert_eq!(
        value_in(&s, &m("daemon.kubo.crashed"), &ctx, None),
        Some(1.0)
    );
    assert_eq!(
        value_in(&s, &m("daemon.kubo.restart_budget_exhausted"), &ctx, None),
        Some(0.0)
    );
    assert_eq!(value_in(&s, &m("daemon.cluster.crashed"), &ctx, None), None);
}

#[test]
fn perf_metrics_come_from_the_monitor_view_and_are_absent_without_one() {
    use crate::model::{OpPerf, PerfView};
    use crate::perf::bottlenecks::{Bottleneck, REGRESSION, Severity};
    let mut s = snap();
    assert_eq!(v(&s, "perf.regressions"), None);
    assert_eq!(v(&s, "perf.p95_ms.kubo.id"), None);
    let op = |name: &str, count: u64, p95: f64| OpPerf {
        operation: name.into(),
        count_1h: count,
        success_rate_1h: 1.0,
        p50_ms_1h: p95 / 2.0,
        p95_ms_1h: p95,
        p99_ms_1h: p95,
        max_ms_1h: p95,
        p95_ms_now: 0.0,
        p95_per_minute: vec![],
    };
    let b = |kind: &'static str| Bottleneck {
        kind: kind.into(),
        subject: "kubo.id".into(),
        severity: Severity::Medium,
        observed: String::new(),
        recommendation: String::new(),
    };
    s.performance = Some(std::sync::Arc::new(PerfView {
        operations: vec![op("kubo.id", 40, 12.5), op("kubo.repo/stat", 0, 0.0)],
        bottlenecks: vec![b(REGRESSION), b("slow_endpoint"), b(REGRESSION)],
        ..PerfView::default()
    }));
    assert_eq!(v(&s, "perf.regressions"), Some(2.0));
    assert_eq!(v(&s, "perf.p95_ms.kubo.id"), Some(12.5));
    // No samples in the hour: no value, so a rule on it neither fires nor resolves.
    assert_eq!(v(&s, "perf.p95_ms.kubo.repo/stat"), None);
    assert_eq!(
        crate::model::alert_source("perf.p95_ms.cluster.pins"),
        "cluster"
    );
    assert_eq!(crate::model::alert_source("perf.regressions"), "kubo");
}
