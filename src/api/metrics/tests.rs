//! The exposition's rules on snapshots built in place (the figures against real daemons and
//! promtool are in tests/metrics.rs).

use std::time::Duration;

use super::*;
use crate::model::{DaemonStatus, KuboStats};

fn daemon(name: &str, state: DaemonState) -> DaemonStatus {
    DaemonStatus {
        name: name.into(),
        state,
        pid: Some(42),
        adopted: false,
        started_at: None,
        uptime_secs: Some(90),
        restarts: 3,
        last_exit: None,
        last_exit_at: None,
        ports: Vec::new(),
        api: None,
        dir: "/tmp/x".into(),
        log: "/tmp/x.log".into(),
        message: None,
    }
}

fn lines_of<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|r| r.starts_with('{') || r.starts_with(' '))
        })
        .collect()
}

#[test]
fn daemon_names_from_outside_are_escaped_in_labels() {
    let mut snap = Snapshot::empty("http://127.0.0.1:5001".into(), String::new(), false);
    snap.daemons
        .push(daemon("we\"ird\\name\nline2", DaemonState::Ready));
    let text = render(&snap);
    assert!(
        text.contains(
            "ipfskit_daemon_state{daemon=\"we\\\"ird\\\\name\\nline2\",state=\"ready\"} 1\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "ipfskit_daemon_state{daemon=\"we\\\"ird\\\\name\\nline2\",state=\"crashed\"} 0\n"
    ));
    assert!(
        text.contains("ipfskit_daemon_restarts_total{daemon=\"we\\\"ird\\\\name\\nline2\"} 3\n")
    );
    // No raw newline inside a sample: every line is a comment or a whole sample.
    for l in text.lines() {
        assert!(l.starts_with('#') || l.starts_with("ipfskit_"), "{l:?}");
    }
}

#[test]
fn figures_a_source_does_not_have_are_left_out() {
    let mut snap = Snapshot::empty("http://127.0.0.1:5001".into(), String::new(), false);
    let text = render(&snap);
    // Not polled yet: no up/down, no figures; the build info is always there.
    assert!(lines_of(&text, "ipfskit_source_up").is_empty(), "{text}");
    assert!(lines_of(&text, "ipfskit_kubo_peers").is_empty());
    assert!(!text.contains("# HELP ipfskit_kubo_peers"));
    assert_eq!(lines_of(&text, "ipfskit_build_info").len(), 1);

    // Down with the last good data kept: up is 0, the stale figures are not exported.
    snap.kubo.state = SourceState::Down;
    snap.kubo.stale = true;
    snap.kubo.data = Some(KuboStats {
        peers: Some(7),
        recursive_pins: Some(3),
        ..KuboStats::default()
    });
    let text = render(&snap);
    assert_eq!(
        lines_of(&text, "ipfskit_source_up"),
        ["ipfskit_source_up{source=\"kubo\"} 0"]
    );
    assert!(lines_of(&text, "ipfskit_kubo_peers").is_empty(), "{text}");

    // Up again, but the pin count call failed: peers yes, pins absent (not 0).
    snap.kubo.state = SourceState::Degraded;
    snap.kubo.stale = false;
    if let Some(k) = snap.kubo.data.as_mut() {
        k.recursive_pins = None;
    }
    let text = render(&snap);
    assert_eq!(
        lines_of(&text, "ipfskit_kubo_peers"),
        ["ipfskit_kubo_peers 7"]
    );
    assert!(lines_of(&text, "ipfskit_kubo_pins").is_empty());
    assert_eq!(
        lines_of(&text, "ipfskit_source_up"),
        ["ipfskit_source_up{source=\"kubo\"} 1"]
    );
}

#[test]
fn le_labels_are_the_monitors_bounds() {
    let bounds: Vec<f64> = crate::perf::totals::BOUNDS_US
        .iter()
        .map(|us| *us as f64 / 1e6)
        .collect();
    let labels: Vec<f64> = LE.iter().map(|s| s.parse().expect("number")).collect();
    assert_eq!(bounds, labels);
}

#[test]
fn call_latencies_are_cumulative_histograms() {
    // The process's monitor, as /metrics reads it; the op name is this test's own.
    for ms in [1, 2, 3, 40, 700] {
        crate::perf::record("kubo.metrics-test", Duration::from_millis(ms), ms != 700);
    }
    crate::perf::record("collector.metrics-test", Duration::from_millis(5), true);
    let snap = Snapshot::empty("http://127.0.0.1:5001".into(), String::new(), false);
    let text = render(&snap);
    let buckets: Vec<(String, u64)> = lines_of(&text, "ipfskit_rpc_duration_seconds_bucket")
        .into_iter()
        .filter(|l| l.contains("op=\"kubo.metrics-test\""))
        .map(|l| {
            let le = l.split("le=\"").nth(1).and_then(|r| r.split('"').next());
            let v = l.rsplit(' ').next().and_then(|v| v.parse().ok());
            (le.expect("le").to_string(), v.expect("value"))
        })
        .collect();
    assert_eq!(buckets.len(), LE.len() + 1, "{text}");
    assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{buckets:?}");
    let at = |le: &str| buckets.iter().find(|b| b.0 == le).map(|b| b.1);
    assert_eq!(at("0.001"), Some(1));
    assert_eq!(at("0.0025"), Some(2));
    assert_eq!(at("0.005"), Some(3));
    assert_eq!(at("0.05"), Some(4));
    assert_eq!(at("+Inf"), Some(5));
    assert!(text.contains("ipfskit_rpc_duration_seconds_count{op=\"kubo.metrics-test\"} 5\n"));
    assert!(text.contains("ipfskit_rpc_failures_total{op=\"kubo.metrics-test\"} 1\n"));
    let sum: f64 = lines_of(&text, "ipfskit_rpc_duration_seconds_sum")
        .into_iter()
        .find(|l| l.contains("kubo.metrics-test"))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .expect("sum");
    assert!((sum - 0.746).abs() < 0.746 * 0.01, "{sum}");
    // ipfs-kit's own operations go to their own family.
    assert!(
        text.contains(
            "ipfskit_operation_duration_seconds_count{op=\"collector.metrics-test\"} 1\n"
        )
    );
    assert!(!text.contains("ipfskit_rpc_duration_seconds_count{op=\"collector.metrics-test\"}"));
}
