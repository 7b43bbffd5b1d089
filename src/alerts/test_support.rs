//! Snapshots and clocks built in code for the alert tests.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use crate::model::{
    ClusterPeer, ClusterStats, DiskStats, HostStats, KuboStats, RepoStats, Snapshot, SourceState,
};

/// A fixed start plus `secs`.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .single()
        .map(|t| t + chrono::Duration::seconds(secs))
        .expect("a valid fixed date")
}

/// Every source answering with plain data.
pub fn snap() -> Snapshot {
    let mut s = Snapshot::empty("k".into(), "c".into(), true);
    s.host.state = SourceState::Ok;
    s.kubo.state = SourceState::Ok;
    s.cluster.state = SourceState::Ok;
    s.host.data = Some(HostStats {
        cpu_percent: 10.0,
        memory_total_bytes: 1000,
        memory_used_bytes: 250,
        disks: vec![disk("/", 100, 50), disk("/srv", 1000, 300)],
        ..Default::default()
    });
    s.kubo.data = Some(KuboStats {
        peers: Some(8),
        recursive_pins: Some(3),
        repo: Some(RepoStats {
            size_bytes: 500,
            storage_max_bytes: Some(1000),
            usage_ratio: Some(0.5),
            path: Some("/srv/ipfs".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    s.cluster.data = Some(ClusterStats {
        peer_count: 3,
        peers: vec![peer("a", None), peer("b", None), peer("c", None)],
        pin_count: 4,
        pin_status: Some(BTreeMap::from([("pinned".to_string(), 4)])),
        ..Default::default()
    });
    s
}

/// A disk with no root reserve (free = available).
pub fn disk(mount: &str, total: u64, available: u64) -> DiskStats {
    DiskStats::new(mount.into(), "ext4".into(), total, available, available)
}

pub fn peer(id: &str, error: Option<&str>) -> ClusterPeer {
    ClusterPeer {
        peer_id: id.into(),
        peer_name: id.into(),
        error: error.map(Into::into),
    }
}

/// `snap()` with host CPU at `pct` (exact in f32 for whole numbers).
pub fn cpu(pct: f32) -> Snapshot {
    let mut s = snap();
    if let Some(h) = s.host.data.as_mut() {
        h.cpu_percent = pct;
    }
    s
}

/// `snap()` with `n` Kubo peers.
pub fn peers(n: u64) -> Snapshot {
    let mut s = snap();
    if let Some(k) = s.kubo.data.as_mut() {
        k.peers = Some(n);
    }
    s
}

/// `snap()` with Cluster pin status counts.
pub fn pin_status(pairs: &[(&str, u64)]) -> Snapshot {
    let mut s = snap();
    if let Some(c) = s.cluster.data.as_mut() {
        c.pin_status = Some(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect());
    }
    s
}

/// An alert of `rule` on `metric`, firing now at `severity`.
pub fn firing(rule: &str, metric: &str, severity: crate::alerts::Severity) -> crate::alerts::Alert {
    let now = Utc::now();
    crate::alerts::Alert {
        id: format!("{rule}-1"),
        rule: rule.into(),
        metric: metric.into(),
        severity,
        state: crate::alerts::AlertState::Firing,
        message: format!("{rule} fired"),
        value: Some(1.0),
        threshold: 0.0,
        peak: 1.0,
        started_at: now,
        fired_at: Some(now),
        resolved_at: None,
        acknowledged: false,
        acknowledged_at: None,
        duration_secs: 0,
    }
}
