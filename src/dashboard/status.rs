//! `dashboard status`: the original design's status summary, in the words every other view
//! uses (`model/condition.rs`): the health status and score, each source's level and word,
//! firing alerts by severity, the supervised daemons. Pure.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::{HealthLevel, Snapshot, Status};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceLine {
    pub level: HealthLevel,
    /// The header's word: `ok`, `degraded`, `down`, `not found`, `off`, `waiting`.
    pub word: String,
    pub score: Option<u8>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertLine {
    pub critical: usize,
    pub warning: usize,
    /// Pending: holding for their `for`, not firing yet.
    pub pending: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DaemonLine {
    pub name: String,
    pub state: crate::model::DaemonState,
    pub restarts: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub schema_version: u32,
    pub snapshot_time: DateTime<Utc>,
    /// The exit code's status: OK, WARNING, CRITICAL, UNKNOWN.
    pub status: Status,
    pub level: HealthLevel,
    pub score: Option<u8>,
    pub sources: BTreeMap<String, SourceLine>,
    pub alerts: AlertLine,
    pub daemons: Vec<DaemonLine>,
    /// Every reason for a level below healthy, worst first.
    pub reasons: Vec<String>,
    /// Widgets `dashboard widget-data` can print.
    pub widgets: usize,
}

pub fn summary(s: &Snapshot) -> Summary {
    let mut sources: BTreeMap<String, SourceLine> = s
        .health
        .sources
        .iter()
        .map(|(name, h)| {
            (
                name.clone(),
                SourceLine {
                    level: h.level,
                    word: word(h.level).into(),
                    score: h.score,
                    reasons: h.reasons.clone(),
                },
            )
        })
        .collect();
    // Kubo, Cluster and the host in the header's words (which know "not found", "off").
    for name in ["kubo", "cluster", "host"] {
        let c = s.source_condition(name);
        let line = sources.entry(name.to_string()).or_insert(SourceLine {
            level: c.level,
            word: String::new(),
            score: None,
            reasons: Vec::new(),
        });
        line.word = c.word.to_string();
    }
    let counts = s.alert_counts();
    Summary {
        schema_version: SCHEMA_VERSION,
        snapshot_time: s.time,
        status: s.health.status,
        level: s.health.level,
        score: s.health.score,
        sources,
        alerts: AlertLine {
            critical: counts.critical,
            warning: counts.warning,
            pending: s.alerts.iter().filter(|a| !a.is_firing()).count(),
        },
        daemons: s
            .daemons
            .iter()
            .map(|d| DaemonLine {
                name: d.name.clone(),
                state: d.state,
                restarts: d.restarts,
            })
            .collect(),
        reasons: s.health.reasons.clone(),
        widgets: super::registry::WIDGETS.len(),
    }
}

fn word(l: HealthLevel) -> &'static str {
    match l {
        HealthLevel::Healthy => "ok",
        HealthLevel::Degraded => "degraded",
        HealthLevel::Unhealthy => "unhealthy",
        HealthLevel::Unknown => "unknown",
    }
}
