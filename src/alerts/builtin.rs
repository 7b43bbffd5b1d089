//! The rules every IPFS operator wants without writing any. Each can be overridden field by
//! field, or disabled, by naming it in `[[alerts.rules]]`.
//!
//! Choice of `for`: conditions that change slowly or are already debounced upstream (repo
//! usage, disk, pin errors, Cluster's own health alerts, a source not answering) fire at once,
//! so a single `--once` run reports them; noisy ones (CPU, memory, peer count) must hold.

use std::time::Duration;

use super::metric::{Metric, SourceName};
use super::rule::{Op, Rule};

struct B {
    name: &'static str,
    metric: Metric,
    op: Op,
    warning: Option<f64>,
    critical: Option<f64>,
    for_secs: u64,
    hysteresis: f64,
    message: &'static str,
}

fn rule(b: B) -> Rule {
    Rule {
        name: b.name.to_string(),
        metric: b.metric,
        op: b.op,
        warning: b.warning,
        critical: b.critical,
        for_duration: Duration::from_secs(b.for_secs),
        clear_for: Duration::from_secs(b.for_secs),
        hysteresis: b.hysteresis,
        message: b.message.to_string(),
        builtin: true,
    }
}

fn down(name: &'static str, src: SourceName, critical: bool, message: &'static str) -> Rule {
    rule(B {
        name,
        metric: Metric::SourceDown(src),
        op: Op::Ge,
        warning: (!critical).then_some(1.0),
        critical: critical.then_some(1.0),
        for_secs: 0,
        hysteresis: 0.0,
        message,
    })
}

fn daemon(name: &'static str, metric: Metric, critical: bool, message: &'static str) -> Rule {
    rule(B {
        name,
        metric,
        op: Op::Ge,
        warning: (!critical).then_some(1.0),
        critical: critical.then_some(1.0),
        for_secs: 0,
        hysteresis: 0.0,
        message,
    })
}

pub fn rules() -> Vec<Rule> {
    let d = |n: &str| n.to_string();
    vec![
        rule(B {
            name: "kubo_repo_usage",
            metric: Metric::KuboRepoUsagePercent,
            op: Op::Ge,
            warning: Some(80.0),
            critical: Some(95.0),
            for_secs: 0,
            hysteresis: 2.0,
            message: "Kubo repo at {value}% of StorageMax (threshold {threshold}%)",
        }),
        rule(B {
            name: "kubo_peers_low",
            metric: Metric::KuboPeers,
            op: Op::Lt,
            warning: Some(1.0),
            critical: None,
            for_secs: 300,
            hysteresis: 0.0,
            message: "Kubo has {value} swarm peers (floor {threshold})",
        }),
        rule(B {
            name: "cluster_pin_error",
            metric: Metric::ClusterPinStatus(d("pin_error")),
            op: Op::Gt,
            warning: Some(0.0),
            critical: None,
            for_secs: 0,
            hysteresis: 0.0,
            message: "{value} Cluster pin allocation(s) in pin_error",
        }),
        rule(B {
            name: "cluster_pin_unexpectedly_unpinned",
            metric: Metric::ClusterPinStatus(d("unexpectedly_unpinned")),
            op: Op::Gt,
            warning: Some(0.0),
            critical: None,
            for_secs: 0,
            hysteresis: 0.0,
            message: "{value} Cluster pin allocation(s) unexpectedly unpinned",
        }),
        rule(B {
            name: "cluster_pins_queued_too_long",
            metric: Metric::ClusterPinsQueuedMinutes,
            op: Op::Ge,
            warning: Some(30.0),
            critical: Some(120.0),
            for_secs: 0,
            hysteresis: 0.0,
            message: "Cluster pins queued or pinning for {value} min without the queue emptying \
                      (threshold {threshold} min)",
        }),
        rule(B {
            name: "cluster_peers_missing",
            metric: Metric::ClusterPeersMissing,
            op: Op::Gt,
            warning: Some(0.0),
            critical: None,
            for_secs: 60,
            hysteresis: 0.0,
            message: "{value} Cluster peer(s) missing or reporting an error",
        }),
        rule(B {
            name: "cluster_health_alerts",
            metric: Metric::ClusterHealthAlerts,
            op: Op::Gt,
            warning: Some(0.0),
            critical: None,
            for_secs: 0,
            hysteresis: 0.0,
            message: "Cluster reports {value} health alert(s)",
        }),
        rule(B {
            name: "cluster_kubo_unreachable",
            metric: Metric::ClusterIpfsError,
            op: Op::Ge,
            warning: Some(1.0),
            critical: None,
            for_secs: 0,
            hysteresis: 0.0,
            message: "Cluster cannot reach its Kubo: it cannot pin until it can",
        }),
        rule(B {
            name: "host_disk_free",
            metric: Metric::HostDiskFreePercent,
            op: Op::Lt,
            warning: Some(10.0),
            critical: Some(5.0),
            for_secs: 0,
            hysteresis: 1.0,
            message: "{value}% available on the Kubo repo's filesystem (threshold {threshold}%)",
        }),
        rule(B {
            name: "host_cpu",
            metric: Metric::HostCpuPercent,
            op: Op::Ge,
            warning: Some(90.0),
            critical: None,
            for_secs: 300,
            hysteresis: 5.0,
            message: "host CPU at {value}% (threshold {threshold}%)",
        }),
        rule(B {
            name: "host_memory",
            metric: Metric::HostMemoryPercent,
            op: Op::Ge,
            warning: Some(90.0),
            critical: Some(97.0),
            for_secs: 120,
            hysteresis: 2.0,
            message: "host memory at {value}% (threshold {threshold}%)",
        }),
        down(
            "source_kubo_down",
            SourceName::Kubo,
            true,
            "Kubo is not answering",
        ),
        down(
            "source_cluster_down",
            SourceName::Cluster,
            false,
            "IPFS Cluster is not answering",
        ),
        down(
            "source_host_down",
            SourceName::Host,
            false,
            "host figures are unavailable",
        ),
        daemon(
            "daemon_kubo_crashed",
            Metric::DaemonCrashed(d("kubo")),
            false,
            "the supervised Kubo daemon crashed",
        ),
        daemon(
            "daemon_kubo_restart_budget",
            Metric::DaemonRestartBudgetExhausted(d("kubo")),
            true,
            "the supervised Kubo daemon keeps crashing; restarts stopped",
        ),
        daemon(
            "daemon_cluster_crashed",
            Metric::DaemonCrashed(d("cluster")),
            false,
            "the supervised Cluster daemon crashed",
        ),
        daemon(
            "daemon_cluster_restart_budget",
            Metric::DaemonRestartBudgetExhausted(d("cluster")),
            true,
            "the supervised Cluster daemon keeps crashing; restarts stopped",
        ),
        // Held 2 min: the hour's p95 moves slowly, but a burst right after a baseline was
        // taken should not page anyone.
        rule(B {
            name: "performance_regression",
            metric: Metric::PerfRegressions,
            op: Op::Ge,
            warning: Some(1.0),
            critical: None,
            for_secs: 120,
            hysteresis: 0.0,
            message: "{value} operation(s) slower than their baseline (p95 over the last hour \
                      above baseline × 2); `ipfs-kit performance bottlenecks` names them",
        }),
        // At once: every entry written meanwhile only waits in memory.
        rule(B {
            name: "state_dir_unwritable",
            metric: Metric::StateUnwritable,
            op: Op::Ge,
            warning: Some(1.0),
            critical: None,
            for_secs: 0,
            hysteresis: 0.0,
            message: "ipfs-kit cannot write its history to the state directory (full or \
                      read-only disk?); entries wait in memory until it can",
        }),
    ]
}
