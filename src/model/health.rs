//! Health derived from the snapshot: a level and a 0-100 score per source and overall, and the
//! monitoring-plugin status (OK/WARNING/CRITICAL/UNKNOWN) that headless modes exit with.
//!
//! Formula (also in ARCHITECTURE.md):
//! - level per source: ok -> healthy, degraded -> degraded, down -> unhealthy (an auto-probed
//!   Cluster that is down -> unknown, "not configured"), not yet polled -> unknown, disabled ->
//!   left out. A Cluster whose Kubo is unreachable, or with health alerts, is degraded. Kubo
//!   with repo use >= 80% of StorageMax is degraded, >= 95% unhealthy.
//! - score per source: healthy 100, degraded 60, unhealthy 0; minus 10 when its primary call
//!   took over 1 s, 25 over 3 s. Unknown sources have no score.
//! - overall score: weighted mean of the scored sources (kubo 5, cluster 3, host 2); overall
//!   level: the worst source level (unknown only when every source is unknown).
//! - status: CRITICAL when Kubo is unhealthy; WARNING when any source is degraded or the
//!   Cluster is unhealthy; UNKNOWN when nothing could be assessed; else OK.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Snapshot, SourceState, SourceStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthLevel {
    Healthy,
    Unknown,
    Degraded,
    Unhealthy,
}

/// Monitoring-plugin status; its number is the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
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

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SourceHealth {
    pub level: HealthLevel,
    pub score: Option<u8>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
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

const REPO_WARN: f64 = 0.80;
const REPO_CRIT: f64 = 0.95;

impl Health {
    /// `cluster_required`: whether a down Cluster counts against health.
    pub fn derive(snap: &Snapshot, cluster_required: bool) -> Health {
        let mut sources = BTreeMap::new();

        let mut kubo = base("kubo", &snap.kubo, true);
        if let Some(ratio) = snap
            .kubo
            .data
            .as_ref()
            .and_then(|d| d.repo.as_ref()?.usage_ratio)
        {
            let pct = ratio * 100.0;
            if ratio >= REPO_CRIT {
                worsen(
                    &mut kubo,
                    HealthLevel::Unhealthy,
                    format!("kubo: repo at {pct:.0}% of StorageMax"),
                );
            } else if ratio >= REPO_WARN {
                worsen(
                    &mut kubo,
                    HealthLevel::Degraded,
                    format!("kubo: repo at {pct:.0}% of StorageMax"),
                );
            }
        }
        sources.insert("kubo".to_string(), finish(kubo, snap.kubo.latency_ms));

        if snap.cluster.state != SourceState::Disabled {
            let mut cluster = base("cluster", &snap.cluster, cluster_required);
            if snap.cluster.state == SourceState::Ok
                && let Some(d) = &snap.cluster.data
            {
                if let Some(e) = &d.ipfs_error {
                    worsen(
                        &mut cluster,
                        HealthLevel::Degraded,
                        format!("cluster: cannot reach its Kubo: {e}"),
                    );
                }
                if !d.alerts.is_empty() {
                    let names: Vec<&str> = d.alerts.iter().map(|a| a.name.as_str()).collect();
                    worsen(
                        &mut cluster,
                        HealthLevel::Degraded,
                        format!(
                            "cluster: {} health alert(s): {}",
                            d.alerts.len(),
                            names.join(", ")
                        ),
                    );
                }
            }
            sources.insert(
                "cluster".to_string(),
                finish(cluster, snap.cluster.latency_ms),
            );
        }

        let host = base("host", &snap.host, true);
        sources.insert("host".to_string(), finish(host, None));

        let weight = |name: &str| match name {
            "kubo" => 5.0,
            "cluster" => 3.0,
            _ => 2.0,
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
        let status = if known.is_empty() {
            Status::Unknown
        } else if kubo_level == Some(HealthLevel::Unhealthy) {
            Status::Critical
        } else if level >= HealthLevel::Degraded {
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
    use crate::model::{ClusterStats, KuboStats, RepoStats};

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
    fn cluster_without_its_kubo_is_degraded() {
        let mut s = snap(SourceState::Ok, SourceState::Ok);
        if let Some(d) = s.cluster.data.as_mut() {
            d.ipfs_error = Some("connection refused".into());
        }
        let h = Health::derive(&s, true);
        assert_eq!(h.status, Status::Warning);
        assert_eq!(h.sources["cluster"].score, Some(60));
    }

    #[test]
    fn full_repo_is_critical_and_slow_api_costs_score() {
        let mut s = snap(SourceState::Ok, SourceState::Ok);
        s.kubo.latency_ms = Some(1500);
        if let Some(d) = s.kubo.data.as_mut() {
            d.repo = Some(RepoStats {
                usage_ratio: Some(0.97),
                ..Default::default()
            });
        }
        let h = Health::derive(&s, true);
        assert_eq!(h.status, Status::Critical);
        assert_eq!(h.sources["kubo"].score, Some(0));
        s.kubo.data.as_mut().unwrap().repo = None;
        let h = Health::derive(&s, true);
        assert_eq!(h.sources["kubo"].score, Some(90));
    }

    #[test]
    fn nothing_polled_is_unknown() {
        let s = Snapshot::empty("k".into(), "c".into(), true);
        assert_eq!(Health::derive(&s, true).status, Status::Unknown);
    }
}
