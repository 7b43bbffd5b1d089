//! Health derived from the snapshot: a level and a 0-100 score per source and overall, and the
//! monitoring-plugin status (OK/WARNING/CRITICAL/UNKNOWN) that headless modes exit with.
//!
//! Formula (also in ARCHITECTURE.md):
//! - level per source: ok -> healthy, degraded -> degraded, down -> unhealthy (an auto-probed
//!   Cluster that is down -> unknown, "not configured"), not yet polled -> unknown, disabled ->
//!   left out. Then every firing alert worsens the source its metric belongs to (`kubo.*`,
//!   `source.kubo.*`, `daemon.kubo.*` -> kubo, and so on): warning -> degraded, critical ->
//!   unhealthy. Repo use against StorageMax, a Cluster that cannot reach its Kubo, Cluster
//!   health alerts etc. come in this way, from the (configurable) alert rules.
//! - score per source: healthy 100, degraded 60, unhealthy 0; minus 10 when its primary call
//!   took over 1 s, 25 over 3 s. Unknown sources have no score.
//! - overall score: weighted mean of the scored sources (kubo 5, cluster 3, host 2); overall
//!   level: the worst source level (unknown only when every source is unknown).
//! - status: CRITICAL when Kubo is unhealthy or any alert fires at critical; WARNING when any
//!   source is degraded or unhealthy or any alert fires at warning; UNKNOWN when nothing could
//!   be assessed; else OK.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Snapshot, SourceState, SourceStatus};
use crate::alerts::{Alert, Severity};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HealthLevel {
    Healthy,
    Unknown,
    Degraded,
    Unhealthy,
}

impl HealthLevel {
    /// As the JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthLevel::Healthy => "healthy",
            HealthLevel::Unknown => "unknown",
            HealthLevel::Degraded => "degraded",
            HealthLevel::Unhealthy => "unhealthy",
        }
    }
}

/// Monitoring-plugin status; its number is the process exit code.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl Status {
    pub fn exit_code(self) -> i32 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct SourceHealth {
    pub level: HealthLevel,
    pub score: Option<u8>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct Health {
    pub level: HealthLevel,
    pub score: Option<u8>,
    pub status: Status,
    pub sources: BTreeMap<String, SourceHealth>,
    /// Every reason for a level below healthy, worst first.
    pub reasons: Vec<String>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            level: HealthLevel::Unknown,
            score: None,
            status: Status::Unknown,
            sources: BTreeMap::new(),
            reasons: Vec::new(),
        }
    }
}

/// The source an alert's metric belongs to.
pub fn alert_source(metric: &str) -> &str {
    let mut parts = metric.split('.');
    match parts.next() {
        Some("source" | "daemon") => match parts.next() {
            Some("cluster") => "cluster",
            Some("host") => "host",
            _ => "kubo",
        },
        Some("cluster") => "cluster",
        // ipfs-kit's own state dir lives on the host's disks, like `host.disk_free_*`.
        Some("host" | "state") => "host",
        // An operation's latency belongs to the source it calls (`perf.p95_ms.cluster.pins`).
        Some("perf") => match (parts.next(), parts.next()) {
            (Some("p95_ms"), Some("cluster")) => "cluster",
            (Some("p95_ms"), Some("host")) => "host",
            _ => "kubo",
        },
        _ => "kubo",
    }
}

impl Health {
    /// `cluster_required`: whether a down Cluster counts against health.
    pub fn derive(snap: &Snapshot, cluster_required: bool) -> Health {
        let mut sources = BTreeMap::new();

        let mut levels: BTreeMap<String, SourceHealth> = BTreeMap::new();
        levels.insert("kubo".into(), base("kubo", &snap.kubo, true));
        if snap.cluster.state != SourceState::Disabled {
            levels.insert(
                "cluster".into(),
                base("cluster", &snap.cluster, cluster_required),
            );
        }
        levels.insert("host".into(), base("host", &snap.host, true));
        for b in &snap.backends {
            let (level, reason) = match b.state {
                SourceState::Ok => (HealthLevel::Healthy, None),
                SourceState::Unknown | SourceState::Disabled => (HealthLevel::Unknown, None),
                _ => (
                    HealthLevel::Unhealthy,
                    Some(format!(
                        "backend {}: {}",
                        b.name,
                        b.error.as_deref().unwrap_or("probe failed")
                    )),
                ),
            };
            levels.insert(
                format!("backend:{}", b.name),
                SourceHealth {
                    level,
                    score: None,
                    reasons: reason.into_iter().collect(),
                },
            );
        }
        for v in &snap.vfs {
            let (level, reason) = match &v.error {
                None => (HealthLevel::Healthy, None),
                Some(e) => (
                    HealthLevel::Degraded,
                    Some(format!("vfs {} ({}): {e}", v.name, v.location)),
                ),
            };
            levels.insert(
                format!("vfs:{}", v.name),
                SourceHealth {
                    level,
                    score: None,
                    reasons: reason.into_iter().collect(),
                },
            );
        }

        let firing: Vec<&Alert> = snap.alerts.iter().filter(|a| a.is_firing()).collect();
        for a in &firing {
            let level = match a.severity {
                Severity::Critical => HealthLevel::Unhealthy,
                Severity::Warning => HealthLevel::Degraded,
            };
            if let Some(h) = levels.get_mut(alert_source(&a.metric)) {
                worsen(h, level, format!("alert {}: {}", a.rule, a.message));
            }
        }
        let latency = |name: &str| match name {
            "kubo" => snap.kubo.latency_ms,
            "cluster" => snap.cluster.latency_ms,
            n => n
                .strip_prefix("backend:")
                .and_then(|b| snap.backends.iter().find(|x| x.name == b))
                .and_then(|b| b.latency_ms),
        };
        for (name, h) in levels {
            let scored = finish(h, latency(&name));
            sources.insert(name, scored);
        }

        let weight = |name: &str| match name {
            "kubo" => 5.0,
            "cluster" => 3.0,
            "host" => 2.0,
            _ => 1.0,
        };
        let (sum, total) = sources
            .iter()
            .filter_map(|(n, s)| s.score.map(|sc| (f64::from(sc) * weight(n), weight(n))))
            .fold((0.0, 0.0), |(a, b), (x, w)| (a + x, b + w));
        let score = (total > 0.0).then(|| (sum / total).round().clamp(0.0, 100.0) as u8);

        let known: Vec<HealthLevel> = sources
            .values()
            .map(|s| s.level)
            .filter(|l| *l != HealthLevel::Unknown)
            .collect();
        let level = known.iter().copied().max().unwrap_or(HealthLevel::Unknown);

        let kubo_level = sources.get("kubo").map(|s| s.level);
        // The same counts the views show.
        let alerts = super::AlertCounts::of(&snap.alerts);
        let status = if known.is_empty() {
            Status::Unknown
        } else if kubo_level == Some(HealthLevel::Unhealthy) || alerts.critical > 0 {
            Status::Critical
        } else if level >= HealthLevel::Degraded || alerts.total() > 0 {
            Status::Warning
        } else if kubo_level == Some(HealthLevel::Unknown) {
            Status::Unknown
        } else {
            Status::Ok
        };

        let mut reasons: Vec<(HealthLevel, String)> = sources
            .values()
            .flat_map(|s| s.reasons.iter().map(move |r| (s.level, r.clone())))
            .collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.0));
        Health {
            level,
            score,
            status,
            sources,
            reasons: reasons.into_iter().map(|(_, r)| r).collect(),
        }
    }
}

fn base<T>(name: &str, s: &SourceStatus<T>, required: bool) -> SourceHealth {
    let (level, reason) = match s.state {
        SourceState::Ok => (HealthLevel::Healthy, None),
        SourceState::Degraded => {
            let calls: Vec<String> = s.errors.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            (
                HealthLevel::Degraded,
                Some(format!("{name}: some calls failed ({})", calls.join("; "))),
            )
        }
        SourceState::Down if required => (
            HealthLevel::Unhealthy,
            Some(format!(
                "{name} is down: {}",
                s.error.as_deref().unwrap_or("no answer")
            )),
        ),
        SourceState::Down => (
            HealthLevel::Unknown,
            Some(format!(
                "{name} not configured and not answering at the default address"
            )),
        ),
        SourceState::Unknown => (HealthLevel::Unknown, Some(format!("{name} not polled yet"))),
        SourceState::Disabled => (HealthLevel::Unknown, None),
    };
    SourceHealth {
        level,
        score: None,
        reasons: reason.into_iter().collect(),
    }
}

fn worsen(h: &mut SourceHealth, level: HealthLevel, reason: String) {
    if level > h.level {
        h.level = level;
    }
    h.reasons.push(reason);
}

fn finish(mut h: SourceHealth, latency_ms: Option<u64>) -> SourceHealth {
    let base: i32 = match h.level {
        HealthLevel::Healthy => 100,
        HealthLevel::Degraded => 60,
        HealthLevel::Unhealthy => 0,
        HealthLevel::Unknown => return h,
    };
    let penalty = match latency_ms {
        Some(ms) if ms > 3000 => 25,
        Some(ms) if ms > 1000 => 10,
        _ => 0,
    };
    h.score = Some((base - penalty).clamp(0, 100) as u8);
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::test_support::firing;
    use crate::model::{ClusterStats, KuboStats};

    fn snap(kubo: SourceState, cluster: SourceState) -> Snapshot {
        let mut s = Snapshot::empty("k".into(), "c".into(), true);
        s.host.state = SourceState::Ok;
        s.kubo.state = kubo;
        s.cluster.state = cluster;
        if kubo == SourceState::Ok {
            s.kubo.data = Some(KuboStats::default());
        }
        if cluster == SourceState::Ok {
            s.cluster.data = Some(ClusterStats::default());
        }
        s
    }

    #[test]
    fn all_ok_is_ok_100() {
        let h = Health::derive(&snap(SourceState::Ok, SourceState::Ok), true);
        assert_eq!(
            (h.status, h.level, h.score),
            (Status::Ok, HealthLevel::Healthy, Some(100))
        );
    }

    #[test]
    fn kubo_down_is_critical() {
        let h = Health::derive(&snap(SourceState::Down, SourceState::Ok), true);
        assert_eq!(h.status, Status::Critical);
        assert_eq!(h.level, HealthLevel::Unhealthy);
        // kubo 0 * 5 + cluster 100 * 3 + host 100 * 2 over 10
        assert_eq!(h.score, Some(50));
    }

    #[test]
    fn required_cluster_down_is_warning_optional_is_ok() {
        let h = Health::derive(&snap(SourceState::Ok, SourceState::Down), true);
        assert_eq!(h.status, Status::Warning);
        let h = Health::derive(&snap(SourceState::Ok, SourceState::Down), false);
        assert_eq!(h.status, Status::Ok);
        assert!(h.reasons[0].contains("not configured"), "{:?}", h.reasons);
    }

    #[test]
    fn a_warning_alert_degrades_its_source() {
        let mut s = snap(SourceState::Ok, SourceState::Ok);
        s.alerts.push(firing(
            "cluster_kubo_unreachable",
            "cluster.ipfs_error",
            Severity::Warning,
        ));
        let h = Health::derive(&s, true);
        assert_eq!(h.status, Status::Warning);
        assert_eq!(h.sources["cluster"].level, HealthLevel::Degraded);
        assert_eq!(h.sources["cluster"].score, Some(60));
        assert!(
            h.reasons[0].contains("cluster_kubo_unreachable"),
            "{:?}",
            h.reasons
        );
    }

    #[test]
    fn a_critical_alert_is_critical_and_slow_api_costs_score() {
        let mut s = snap(SourceState::Ok, SourceState::Ok);
        s.kubo.latency_ms = Some(1500);
        s.alerts.push(firing(
            "kubo_repo_usage",
            "kubo.repo.usage_percent",
            Severity::Critical,
        ));
        let h = Health::derive(&s, true);
        assert_eq!(h.status, Status::Critical);
        assert_eq!(h.sources["kubo"].score, Some(0));
        s.alerts.clear();
        let h = Health::derive(&s, true);
        assert_eq!(h.sources["kubo"].score, Some(90));
        // A critical host alert is CRITICAL too, though Kubo is fine.
        s.alerts.push(firing(
            "host_memory",
            "host.memory_percent",
            Severity::Critical,
        ));
        assert_eq!(Health::derive(&s, true).status, Status::Critical);
    }

    #[test]
    fn nothing_polled_is_unknown() {
        let s = Snapshot::empty("k".into(), "c".into(), true);
        assert_eq!(Health::derive(&s, true).status, Status::Unknown);
    }
}
