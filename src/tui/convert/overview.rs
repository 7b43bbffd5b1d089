//! The Overview's summary widgets: the Health panel (also on the Alerts tab) and the alerts
//! the snapshot implies (the Cluster tab shows the Cluster's own ones the same way).

use chrono::DateTime;
use ipfs_kit_widgets::{
    Indicator,
    alert::{AlertRow, AlertView, Severity, SeverityCounts},
    health::{HealthLevel as WHealth, HealthView, ServiceHealth},
};

use super::{clock, matches, peer_label};
use crate::alerts::Alert;
use crate::model::{AlertCounts, HealthLevel, alert_source};
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

fn severity(s: crate::alerts::Severity) -> Severity {
    match s {
        crate::alerts::Severity::Critical => Severity::Critical,
        crate::alerts::Severity::Warning => Severity::Warning,
    }
}

/// Whether an alert is about the Cluster (its metric is `cluster.*`, `source.cluster` …).
fn about_cluster(a: &Alert) -> bool {
    alert_source(&a.metric) == "cluster"
}

/// The alerts the snapshot holds: the firing alerts from the rules at their severity (the
/// Cluster tab: those about the Cluster), then, for the record, the health reasons no alert
/// stands for and the Cluster's own health alerts (what `cluster_health_alerts` counts).
pub fn alert_rows(m: &Model, cluster_only: bool) -> Vec<AlertRow> {
    let s = &m.snap;
    let now = clock(s.time);
    let mut rows: Vec<AlertRow> = s
        .alerts
        .iter()
        .filter(|a| a.is_firing() && (!cluster_only || about_cluster(a)))
        .map(|a| AlertRow {
            time: clock(a.fired_at.unwrap_or(a.started_at)),
            severity: severity(a.severity),
            message: a.message.clone(),
        })
        .collect();
    if !cluster_only {
        rows.extend(
            s.health
                .reasons
                .iter()
                .filter(|r| !r.starts_with("alert "))
                .map(|r| AlertRow {
                    time: now.clone(),
                    severity: Severity::Info,
                    message: r.clone(),
                }),
        );
    }
    if let Some(c) = &s.cluster.data {
        let mut alerts: Vec<_> = c.alerts.iter().collect();
        alerts.sort_by_key(|a| std::cmp::Reverse(a.expire_unix_ns));
        for a in alerts {
            let t = DateTime::from_timestamp_nanos(a.expire_unix_ns);
            let peer = peer_label(m, &a.peer);
            rows.push(AlertRow {
                time: clock(t),
                severity: Severity::Info,
                message: format!("cluster alert {} from peer {peer} ({})", a.name, a.value)
                    .replace(" ()", ""),
            });
        }
    }
    rows
}

/// Critical and warning: the firing alerts (`Snapshot::alert_counts`, what the health status
/// and the exit code count); info: the rows for the record.
fn counts(m: &Model, rows: &[AlertRow], cluster_only: bool) -> SeverityCounts {
    let c = if cluster_only {
        let about: Vec<Alert> = m
            .snap
            .alerts
            .iter()
            .filter(|a| about_cluster(a))
            .cloned()
            .collect();
        AlertCounts::of(&about)
    } else {
        m.snap.alert_counts()
    };
    SeverityCounts {
        critical: c.critical,
        warning: c.warning,
        info: rows.iter().filter(|r| r.severity == Severity::Info).count(),
    }
}

/// The rows of `alert_rows` that pass the filter.
pub(super) fn filtered_alert_rows(m: &Model, kind: ListKind) -> Vec<AlertRow> {
    alert_rows(m, kind == ListKind::ClusterAlerts)
        .into_iter()
        .filter(|r| matches(&m.filter, &[&r.message, r.severity.word()]))
        .collect()
}

pub fn alert_view(m: &Model, kind: ListKind) -> AlertView {
    let cluster_only = kind == ListKind::ClusterAlerts;
    let all = alert_rows(m, cluster_only);
    let counts = counts(m, &all, cluster_only);
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
