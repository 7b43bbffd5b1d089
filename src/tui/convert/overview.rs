//! The Overview's summary widgets: the Health panel (also on the Alerts tab) and the alerts
//! the snapshot implies (the Cluster tab shows the Cluster's own ones the same way).

use chrono::DateTime;
use ipfs_kit_widgets::{
    Indicator,
    alert::{AlertRow, AlertView, Severity, SeverityCounts},
    health::{HealthLevel as WHealth, HealthView, ServiceHealth},
};

use super::{clock, matches, peer_label};
use crate::model::HealthLevel;
use crate::tui::model::{ListKind, Model};

fn whealth(l: HealthLevel) -> WHealth {
    match l {
        HealthLevel::Healthy => WHealth::Healthy,
        HealthLevel::Degraded => WHealth::Degraded,
        HealthLevel::Unhealthy => WHealth::Unhealthy,
        HealthLevel::Unknown => WHealth::Unknown,
    }
}

pub fn health_view(m: &Model) -> HealthView {
    let s = &m.snap;
    let services = [
        ("Kubo", "kubo", s.kubo.latency_ms),
        ("Cluster", "cluster", s.cluster.latency_ms),
        ("Host", "host", None),
    ]
    .into_iter()
    .filter_map(|(name, key, ms)| {
        let h = s.health.sources.get(key)?;
        Some(ServiceHealth {
            name: name.into(),
            level: whealth(h.level),
            response_ms: ms.map(|v| v as f64),
            detail: h
                .reasons
                .first()
                .map(|r| r.strip_prefix(&format!("{key}: ")).unwrap_or(r).to_string()),
        })
    })
    .collect();
    HealthView {
        title: format!("Health {}", s.health.status.as_str()),
        score: s.health.score,
        services,
    }
}

fn severity(l: HealthLevel) -> Severity {
    match l {
        HealthLevel::Unhealthy => Severity::Critical,
        HealthLevel::Degraded => Severity::Warning,
        HealthLevel::Healthy | HealthLevel::Unknown => Severity::Info,
    }
}

/// Every alert the snapshot implies: health reasons, then the Cluster's own alerts.
pub fn alert_rows(m: &Model, cluster_only: bool) -> Vec<AlertRow> {
    let s = &m.snap;
    let now = clock(s.time);
    let mut rows: Vec<AlertRow> = Vec::new();
    if !cluster_only {
        for h in s.health.sources.values() {
            for r in &h.reasons {
                rows.push(AlertRow {
                    time: now.clone(),
                    severity: severity(h.level),
                    message: r.clone(),
                });
            }
        }
        rows.sort_by_key(|r| match r.severity {
            Severity::Critical => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        });
    }
    if let Some(c) = &s.cluster.data {
        let mut alerts: Vec<_> = c.alerts.iter().collect();
        alerts.sort_by_key(|a| std::cmp::Reverse(a.expire_unix_ns));
        for a in alerts {
            let t = DateTime::from_timestamp_nanos(a.expire_unix_ns);
            let peer = peer_label(m, &a.peer);
            rows.push(AlertRow {
                time: clock(t),
                severity: Severity::Warning,
                message: format!("cluster alert {} from peer {peer} ({})", a.name, a.value)
                    .replace(" ()", ""),
            });
        }
    }
    rows
}

/// The rows of `alert_rows` that pass the filter.
pub(super) fn filtered_alert_rows(m: &Model, kind: ListKind) -> Vec<AlertRow> {
    alert_rows(m, kind == ListKind::ClusterAlerts)
        .into_iter()
        .filter(|r| matches(&m.filter, &[&r.message, r.severity.word()]))
        .collect()
}

pub fn alert_view(m: &Model, kind: ListKind) -> AlertView {
    let all = alert_rows(m, kind == ListKind::ClusterAlerts);
    let counts = SeverityCounts::from_rows(&all);
    let mut rows: Vec<AlertRow> = all
        .into_iter()
        .filter(|r| matches(&m.filter, &[&r.message, r.severity.word()]))
        .collect();
    let skip = m
        .scroll
        .get(&kind)
        .copied()
        .unwrap_or(0)
        .min(rows.len().saturating_sub(1));
    rows.drain(..skip);
    let base = if kind == ListKind::ClusterAlerts {
        "Cluster alerts"
    } else {
        "Alerts"
    };
    let mut title = base.to_string();
    if !m.filter.trim().is_empty() {
        title.push_str(&format!(" (filter \"{}\")", m.filter.trim()));
    }
    if skip > 0 {
        title.push_str(&format!(" from #{}", skip + 1));
    }
    AlertView {
        title,
        counts,
        alerts: rows,
    }
}
