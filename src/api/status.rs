//! The documents the read routes build from the snapshot: `/health` (levels and reasons)
//! and `/api/v1/status`, the original design's dashboard status (its status widget's
//! ok/warning/error resource verdict, the services with their states, the alert and
//! operation counts), with the health levels, scores and reasons this snapshot derives.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use crate::alerts::{Alert, AlertEvent};
use crate::model::{HealthLevel, Snapshot, SourceHealth, Status};
use crate::ophistory::{OpEntry, OpStatus};

/// `GET /health`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HealthDoc {
    /// Whether this answers 200: healthy or degraded (503: unhealthy, or nothing known yet).
    pub serving: bool,
    /// Whether the collector has polled yet.
    pub collected: bool,
    pub level: HealthLevel,
    pub score: Option<u8>,
    /// OK, WARNING, CRITICAL or UNKNOWN (the exit code of `--once`).
    pub status: Status,
    /// Per source (kubo, cluster, host, backend:<name>, vfs:<name>).
    pub sources: BTreeMap<String, SourceHealth>,
    /// Every reason for a level below healthy, worst first.
    pub reasons: Vec<String>,
    pub time: DateTime<Utc>,
}

pub fn health(snap: &Snapshot, collected: bool) -> HealthDoc {
    let h = &snap.health;
    HealthDoc {
        serving: collected && matches!(h.level, HealthLevel::Healthy | HealthLevel::Degraded),
        collected,
        level: h.level,
        score: h.score,
        status: h.status,
        sources: h.sources.clone(),
        reasons: if collected {
            h.reasons.clone()
        } else {
            vec!["the collector has not polled yet".into()]
        },
        time: snap.time,
    }
}

/// ok / warning / error, as the original's status widget words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    Warning,
    Error,
}

/// The host's resources with the original's verdict: error over 90 %, warning over 75 %
/// (CPU or memory, strict comparisons).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Resources {
    pub status: Verdict,
    pub message: Option<String>,
    pub cpu_percent: Option<f32>,
    pub memory_percent: Option<f64>,
    /// The fullest disk, percent used.
    pub disk_percent: Option<f64>,
    pub load_average: Option<[f64; 3]>,
}

/// One service (Kubo, Cluster, a supervised daemon, a backend) in a line.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Service {
    pub name: String,
    /// kubo, cluster, daemon or backend.
    pub kind: String,
    /// The word the dashboard shows: ok, degraded, down, not found, ready, crashed…
    pub state: String,
    pub level: Option<HealthLevel>,
    pub version: Option<String>,
    pub endpoint: Option<String>,
    pub error: Option<String>,
}

/// The Kubo and Cluster figures the Overview leads with.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Figures {
    pub kubo_peers: Option<u64>,
    pub kubo_pins: Option<u64>,
    pub repo_size_bytes: Option<u64>,
    pub repo_storage_max_bytes: Option<u64>,
    pub repo_usage_ratio: Option<f64>,
    pub cluster_peers: Option<u64>,
    pub cluster_pins: Option<u64>,
    pub bandwidth_in_bytes_per_sec: Option<f64>,
    pub bandwidth_out_bytes_per_sec: Option<f64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AlertSummary {
    pub firing_critical: usize,
    pub firing_warning: usize,
    pub pending: usize,
    pub unacknowledged: usize,
    /// The most severe active alerts (at most 10).
    pub top: Vec<Alert>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OperationSummary {
    /// Of the recent entries below: ok, failed, running.
    pub counts: BTreeMap<String, usize>,
    /// The newest entries (at most 20).
    pub recent: Vec<OpEntry>,
}

/// `GET /api/v1/status`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatusDoc {
    pub time: DateTime<Utc>,
    pub version: String,
    /// ipfs-kit's own word: OK, WARNING, CRITICAL, UNKNOWN.
    pub status: Status,
    pub level: HealthLevel,
    pub score: Option<u8>,
    pub reasons: Vec<String>,
    pub resources: Resources,
    pub services: Vec<Service>,
    /// Services by state word.
    pub service_counts: BTreeMap<String, usize>,
    pub figures: Figures,
    pub alerts: AlertSummary,
    pub operations: OperationSummary,
    /// This API refuses actions.
    pub read_only: bool,
}

pub fn resources(snap: &Snapshot) -> Resources {
    let Some(h) = &snap.host.data else {
        return Resources {
            status: Verdict::Warning,
            message: Some("no host sample yet".into()),
            cpu_percent: None,
            memory_percent: None,
            disk_percent: None,
            load_average: None,
        };
    };
    let mem = (h.memory_total_bytes > 0)
        .then(|| h.memory_used_bytes as f64 * 100.0 / h.memory_total_bytes as f64);
    let disk = h
        .disks
        .iter()
        .filter(|d| d.total_bytes > 0)
        .map(|d| {
            (d.total_bytes - d.free_bytes.min(d.total_bytes)) as f64 * 100.0 / d.total_bytes as f64
        })
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let cpu = f64::from(h.cpu_percent);
    let m = mem.unwrap_or(0.0);
    let (status, message) = if cpu > 90.0 || m > 90.0 {
        (Verdict::Error, Some("High resource usage".to_string()))
    } else if cpu > 75.0 || m > 75.0 {
        (
            Verdict::Warning,
            Some("Elevated resource usage".to_string()),
        )
    } else {
        (Verdict::Ok, None)
    };
    Resources {
        status,
        message,
        cpu_percent: Some(h.cpu_percent),
        memory_percent: mem,
        disk_percent: disk,
        load_average: Some(h.load_average),
    }
}

pub fn build(snap: &Snapshot, recent: &[OpEntry], read_only: bool) -> StatusDoc {
    let level_of = |name: &str| snap.health.sources.get(name).map(|s| s.level);
    let mut services = Vec::new();
    let kubo = snap.source_condition("kubo");
    services.push(Service {
        name: "kubo".into(),
        kind: "kubo".into(),
        state: kubo.word.into(),
        level: level_of("kubo"),
        version: snap.kubo.data.as_ref().and_then(|k| k.version.clone()),
        endpoint: snap.kubo.endpoint.clone(),
        error: snap.kubo.error.clone(),
    });
    if snap.cluster.state != crate::model::SourceState::Disabled {
        let c = snap.source_condition("cluster");
        services.push(Service {
            name: "cluster".into(),
            kind: "cluster".into(),
            state: c.word.into(),
            level: level_of("cluster"),
            version: snap.cluster.data.as_ref().map(|c| c.version.clone()),
            endpoint: snap.cluster.endpoint.clone(),
            error: snap.cluster.error.clone(),
        });
    }
    for d in &snap.daemons {
        services.push(Service {
            name: d.name.clone(),
            kind: "daemon".into(),
            state: d.state.as_str().into(),
            level: None,
            version: None,
            endpoint: d.api.clone(),
            error: d.message.clone(),
        });
    }
    for b in &snap.backends {
        services.push(Service {
            name: b.name.clone(),
            kind: "backend".into(),
            state: b.state.as_str().into(),
            level: level_of(&format!("backend:{}", b.name)),
            version: None,
            endpoint: Some(b.target.clone()),
            error: b.error.clone(),
        });
    }
    let mut service_counts = BTreeMap::new();
    for s in &services {
        *service_counts.entry(s.state.clone()).or_insert(0) += 1;
    }
    let k = snap.kubo.data.as_ref();
    let c = snap.cluster.data.as_ref();
    let figures = Figures {
        kubo_peers: k.and_then(|k| k.peers),
        kubo_pins: k.and_then(|k| k.recursive_pins),
        repo_size_bytes: k.and_then(|k| k.repo.as_ref()).map(|r| r.size_bytes),
        repo_storage_max_bytes: k
            .and_then(|k| k.repo.as_ref())
            .and_then(|r| r.storage_max_bytes),
        repo_usage_ratio: k.and_then(|k| k.repo.as_ref()).and_then(|r| r.usage_ratio),
        cluster_peers: c.map(|c| c.peer_count),
        cluster_pins: c.map(|c| c.pin_count),
        bandwidth_in_bytes_per_sec: k
            .and_then(|k| k.bandwidth.as_ref())
            .map(|b| b.rate_in_bytes_per_sec),
        bandwidth_out_bytes_per_sec: k
            .and_then(|k| k.bandwidth.as_ref())
            .map(|b| b.rate_out_bytes_per_sec),
    };
    let counts = snap.alert_counts();
    let alerts = AlertSummary {
        firing_critical: counts.critical,
        firing_warning: counts.warning,
        pending: snap
            .alerts
            .iter()
            .filter(|a| a.state == crate::alerts::AlertState::Pending)
            .count(),
        unacknowledged: snap.alerts.iter().filter(|a| !a.acknowledged).count(),
        top: snap.alerts.iter().take(10).cloned().collect(),
    };
    let mut op_counts = BTreeMap::new();
    for s in [OpStatus::Ok, OpStatus::Failed, OpStatus::Running] {
        op_counts.insert(
            s.as_str().to_string(),
            recent.iter().filter(|e| e.status == s).count(),
        );
    }
    StatusDoc {
        time: snap.time,
        version: env!("CARGO_PKG_VERSION").into(),
        status: snap.health.status,
        level: snap.health.level,
        score: snap.health.score,
        reasons: snap.health.reasons.clone(),
        resources: resources(snap),
        services,
        service_counts,
        figures,
        alerts,
        operations: OperationSummary {
            counts: op_counts,
            recent: recent.to_vec(),
        },
        read_only,
    }
}

/// `GET /api/v1/history`.
#[derive(Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct HistoryDoc {
    pub entries: Vec<OpEntry>,
    /// Lines that could not be read (file:line and why).
    pub warnings: Vec<String>,
}

/// `GET /api/v1/alerts`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AlertsDoc {
    /// Pending and firing alerts, most severe first.
    pub active: Vec<Alert>,
    /// Fired, escalated, resolved and acknowledged events, newest first.
    pub events: Vec<AlertEvent>,
}
