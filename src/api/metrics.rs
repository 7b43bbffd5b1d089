//! `GET /metrics`: the snapshot in the Prometheus text format 0.0.4, so a scraper watches
//! Kubo, Cluster, the host and the supervised daemons without Kubo's admin RPC exposed.
//!
//! Names follow the Prometheus rules: `ipfskit_` prefix, base units (seconds, bytes, ratios
//! 0-1), `_total` for counters. A figure the snapshot does not have (source down or not
//! polled yet, a call that failed) is left out rather than written as 0: data a down source
//! left behind is stale and omitted too, `ipfskit_source_up` says why. Runs on every scrape:
//! one String, no intermediate collections but the sorted operation list.

mod text;

use std::collections::BTreeMap;

use text::{Kind, Text};

use crate::model::{DaemonState, HealthLevel, Snapshot, SourceState, SourceStatus, Status};

const DAEMON_STATES: [DaemonState; 8] = [
    DaemonState::Stopped,
    DaemonState::Starting,
    DaemonState::Ready,
    DaemonState::Degraded,
    DaemonState::Stopping,
    DaemonState::Crashed,
    DaemonState::BackingOff,
    DaemonState::Failed,
];

/// The commit the binary was built from (set by build.rs when git is there).
const COMMIT: &str = match option_env!("IPFS_KIT_GIT_COMMIT") {
    Some(c) => c,
    None => "unknown",
};

/// The exposition of `snap` (and of the process's own performance monitor).
pub fn render(snap: &Snapshot) -> String {
    let mut t = Text::with_capacity(24 * 1024);
    t.family(
        "ipfskit_build_info",
        Kind::Gauge,
        "The ipfs-kit build serving these metrics.",
    );
    t.sample(
        "",
        &[("version", env!("CARGO_PKG_VERSION")), ("commit", COMMIT)],
        1u64,
    );
    t.family(
        "ipfskit_snapshot_timestamp_seconds",
        Kind::Gauge,
        "When the snapshot these figures come from was assembled (Unix time).",
    );
    t.value(snap.time.timestamp_millis() as f64 / 1000.0);
    sources(&mut t, snap);
    kubo(&mut t, snap);
    cluster(&mut t, snap);
    host(&mut t, snap);
    daemons(&mut t, snap);
    storage(&mut t, snap);
    alerts(&mut t, snap);
    health(&mut t, snap);
    state_writes(&mut t, snap);
    cache(&mut t, snap);
    operations(&mut t);
    t.finish()
}

/// The source's data when it is current: answered now (fully or in part), not kept from an
/// earlier poll.
fn fresh<T>(s: &SourceStatus<T>) -> Option<&T> {
    match s.state {
        SourceState::Ok | SourceState::Degraded if !s.stale => s.data.as_ref(),
        _ => None,
    }
}

/// 1 for a source that answered, 0 for one that did not; none for one not polled or off.
fn up(state: SourceState) -> Option<bool> {
    match state {
        SourceState::Ok | SourceState::Degraded => Some(true),
        SourceState::Down => Some(false),
        SourceState::Unknown | SourceState::Disabled => None,
    }
}

struct Polled<'a> {
    name: &'a str,
    state: SourceState,
    latency_ms: Option<u64>,
    failures: u32,
    last_success: Option<chrono::DateTime<chrono::Utc>>,
}

fn polled<T>(s: &SourceStatus<T>) -> Polled<'_> {
    Polled {
        name: &s.name,
        state: s.state,
        latency_ms: s.latency_ms,
        failures: s.consecutive_failures,
        last_success: s.last_success,
    }
}

fn sources(t: &mut Text, snap: &Snapshot) {
    let all = [
        polled(&snap.kubo),
        polled(&snap.cluster),
        polled(&snap.host),
    ];
    let all = all.iter().filter(|p| up(p.state).is_some());
    t.family(
        "ipfskit_source_up",
        Kind::Gauge,
        "Whether the source answered its last poll (1) or not (0); absent when not polled yet or switched off.",
    );
    for p in all.clone() {
        t.sample("", &[("source", p.name)], up(p.state) == Some(true));
    }
    t.family(
        "ipfskit_source_latency_seconds",
        Kind::Gauge,
        "Response time of the source's primary call in its last poll.",
    );
    for p in all.clone() {
        if let (Some(true), Some(ms)) = (up(p.state), p.latency_ms) {
            t.sample("", &[("source", p.name)], ms as f64 / 1000.0);
        }
    }
    t.family(
        "ipfskit_source_consecutive_failures",
        Kind::Gauge,
        "Failed polls of the source in a row.",
    );
    for p in all.clone() {
        t.sample("", &[("source", p.name)], p.failures);
    }
    t.family(
        "ipfskit_source_last_success_timestamp_seconds",
        Kind::Gauge,
        "When the source last answered (Unix time).",
    );
    for p in all {
        if let Some(at) = p.last_success {
            t.sample(
                "",
                &[("source", p.name)],
                at.timestamp_millis() as f64 / 1000.0,
            );
        }
    }
}

fn kubo(t: &mut Text, snap: &Snapshot) {
    let Some(k) = fresh(&snap.kubo) else { return };
    t.family(
        "ipfskit_kubo_info",
        Kind::Gauge,
        "The watched Kubo node: its version, peer id and agent.",
    );
    t.sample(
        "",
        &[
            ("version", k.version.as_deref().unwrap_or("")),
            ("peer_id", &k.peer_id),
            ("agent_version", &k.agent_version),
        ],
        1u64,
    );
    let gauge = |t: &mut Text, name, help, v: Option<u64>| {
        t.family(name, Kind::Gauge, help);
        if let Some(v) = v {
            t.value(v);
        }
    };
    let counter = |t: &mut Text, name, help, v: Option<u64>| {
        t.family(name, Kind::Counter, help);
        if let Some(v) = v {
            t.value(v);
        }
    };
    gauge(t, "ipfskit_kubo_peers", "Connected swarm peers.", k.peers);
    gauge(
        t,
        "ipfskit_kubo_pins",
        "Recursive pins (ipfs pin ls --type=recursive).",
        k.recursive_pins,
    );
    let repo = k.repo.as_ref();
    gauge(
        t,
        "ipfskit_kubo_repo_size_bytes",
        "Size of the repo's blocks.",
        repo.map(|r| r.size_bytes),
    );
    gauge(
        t,
        "ipfskit_kubo_repo_storage_max_bytes",
        "Datastore.StorageMax; absent when unset (unlimited).",
        repo.and_then(|r| r.storage_max_bytes),
    );
    t.family(
        "ipfskit_kubo_repo_usage_ratio",
        Kind::Gauge,
        "Repo size over StorageMax (may exceed 1).",
    );
    if let Some(r) = repo.and_then(|r| r.usage_ratio) {
        t.value(r);
    }
    gauge(
        t,
        "ipfskit_kubo_repo_objects",
        "Blocks in the repo, from the (rarely run) full repo/stat.",
        repo.and_then(|r| r.num_objects),
    );
    let bw = k.bandwidth.as_ref();
    counter(
        t,
        "ipfskit_kubo_bandwidth_in_bytes_total",
        "Bytes Kubo received since it started (stats/bw TotalIn).",
        bw.map(|b| b.total_in_bytes),
    );
    counter(
        t,
        "ipfskit_kubo_bandwidth_out_bytes_total",
        "Bytes Kubo sent since it started (stats/bw TotalOut).",
        bw.map(|b| b.total_out_bytes),
    );
    if let Some(b) = &k.bitswap {
        gauge(
            t,
            "ipfskit_kubo_bitswap_wantlist_blocks",
            "Blocks in Kubo's bitswap wantlist.",
            Some(b.wantlist_len),
        );
        gauge(
            t,
            "ipfskit_kubo_bitswap_partners",
            "Bitswap partners.",
            Some(b.partners),
        );
        for (name, help, v) in [
            (
                "ipfskit_kubo_bitswap_received_blocks_total",
                "Blocks received by bitswap.",
                b.blocks_received,
            ),
            (
                "ipfskit_kubo_bitswap_received_bytes_total",
                "Block data received by bitswap.",
                b.data_received_bytes,
            ),
            (
                "ipfskit_kubo_bitswap_duplicate_received_blocks_total",
                "Blocks bitswap received that it already had.",
                b.dup_blocks_received,
            ),
            (
                "ipfskit_kubo_bitswap_duplicate_received_bytes_total",
                "Block data bitswap received that it already had.",
                b.dup_data_received_bytes,
            ),
            (
                "ipfskit_kubo_bitswap_received_messages_total",
                "Bitswap messages received.",
                b.messages_received,
            ),
            (
                "ipfskit_kubo_bitswap_sent_blocks_total",
                "Blocks sent by bitswap.",
                b.blocks_sent,
            ),
            (
                "ipfskit_kubo_bitswap_sent_bytes_total",
                "Block data sent by bitswap.",
                b.data_sent_bytes,
            ),
        ] {
            counter(t, name, help, Some(v));
        }
    }
    if let Some(p) = &k.provide {
        t.family(
            "ipfskit_kubo_provide_info",
            Kind::Gauge,
            "Kubo's provider system (sweep or legacy) and its connectivity.",
        );
        t.sample(
            "",
            &[
                ("system", &p.system),
                ("connectivity", p.connectivity.as_deref().unwrap_or("")),
            ],
            1u64,
        );
        gauge(
            t,
            "ipfskit_kubo_provide_queued_keys",
            "Keys waiting to be provided.",
            p.queued,
        );
        counter(
            t,
            "ipfskit_kubo_provide_provided_keys_total",
            "Keys provided (sweep: past operations; legacy: total reprovides).",
            p.provided_total,
        );
        counter(
            t,
            "ipfskit_kubo_provide_failed_keys_total",
            "Keys whose provide failed (sweep provider).",
            p.failed_total,
        );
        gauge(
            t,
            "ipfskit_kubo_provide_scheduled_keys",
            "Keys the reprovide schedule covers.",
            p.scheduled_keys,
        );
    }
}

fn cluster(t: &mut Text, snap: &Snapshot) {
    let Some(c) = fresh(&snap.cluster) else {
        return;
    };
    t.family(
        "ipfskit_cluster_info",
        Kind::Gauge,
        "The watched IPFS Cluster peer: its version, id and name.",
    );
    t.sample(
        "",
        &[
            ("version", &c.version),
            ("peer_id", &c.peer_id),
            ("peer_name", &c.peer_name),
        ],
        1u64,
    );
    t.family(
        "ipfskit_cluster_peers",
        Kind::Gauge,
        "Peers in the cluster, this one included.",
    );
    t.value(c.peer_count);
    t.family(
        "ipfskit_cluster_pins",
        Kind::Gauge,
        "Pins in the cluster's shared state (ipfs-cluster-ctl pin ls).",
    );
    t.value(c.pin_count);
    t.family(
        "ipfskit_cluster_pin_status",
        Kind::Gauge,
        "(pin, peer) pairs by status, as ipfs-cluster-ctl status lists them.",
    );
    for (status, n) in c.pin_status.iter().flatten() {
        t.sample("", &[("status", status)], *n);
    }
    t.family(
        "ipfskit_cluster_ipfs_connected",
        Kind::Gauge,
        "Whether the Cluster peer reaches its Kubo (it cannot pin otherwise).",
    );
    t.value(c.ipfs_error.is_none());
    t.family(
        "ipfskit_cluster_peer_free_bytes",
        Kind::Gauge,
        "Free space each peer reports in its freespace metric.",
    );
    for f in c.freespace.iter().filter(|f| f.valid) {
        t.sample("", &[("peer", &f.peer)], f.free_bytes);
    }
    t.family(
        "ipfskit_cluster_health_alerts",
        Kind::Gauge,
        "Cluster health alerts (GET /health/alerts) by name, e.g. ping for a peer down.",
    );
    let mut by_name: BTreeMap<&str, u64> = BTreeMap::new();
    for a in &c.alerts {
        *by_name.entry(&a.name).or_default() += 1;
    }
    for (name, n) in by_name {
        t.sample("", &[("name", name)], n);
    }
}

fn host(t: &mut Text, snap: &Snapshot) {
    let Some(h) = fresh(&snap.host) else { return };
    t.family(
        "ipfskit_host_cpu_usage_ratio",
        Kind::Gauge,
        "CPU use over all cores, 0-1.",
    );
    t.value(f64::from(h.cpu_percent) / 100.0);
    t.family(
        "ipfskit_host_cpu_core_usage_ratio",
        Kind::Gauge,
        "CPU use per core, 0-1.",
    );
    let mut core = String::new();
    for (i, c) in h.cpu_per_core.iter().enumerate() {
        core.clear();
        let _ = std::fmt::Write::write_fmt(&mut core, format_args!("{i}"));
        t.sample("", &[("core", &core)], f64::from(*c) / 100.0);
    }
    for (name, help, v) in [
        (
            "ipfskit_host_memory_total_bytes",
            "Physical memory.",
            h.memory_total_bytes,
        ),
        (
            "ipfskit_host_memory_used_bytes",
            "Physical memory in use.",
            h.memory_used_bytes,
        ),
        (
            "ipfskit_host_swap_total_bytes",
            "Swap space.",
            h.swap_total_bytes,
        ),
        (
            "ipfskit_host_swap_used_bytes",
            "Swap space in use.",
            h.swap_used_bytes,
        ),
        (
            "ipfskit_host_uptime_seconds",
            "Time since the host booted.",
            h.uptime_secs,
        ),
    ] {
        t.family(name, Kind::Gauge, help);
        t.value(v);
    }
    for (name, help, v) in [
        (
            "ipfskit_host_load1",
            "Load average over 1 minute.",
            h.load_average[0],
        ),
        (
            "ipfskit_host_load5",
            "Load average over 5 minutes.",
            h.load_average[1],
        ),
        (
            "ipfskit_host_load15",
            "Load average over 15 minutes.",
            h.load_average[2],
        ),
    ] {
        t.family(name, Kind::Gauge, help);
        t.value(v);
    }
    type DiskFigure = fn(&crate::model::DiskStats) -> u64;
    let disk: [(&'static str, &'static str, DiskFigure); 4] = [
        (
            "ipfskit_host_disk_size_bytes",
            "Filesystem size (df's size).",
            |d| d.total_bytes,
        ),
        (
            "ipfskit_host_disk_free_bytes",
            "Free space, the root reserve included.",
            |d| d.free_bytes,
        ),
        (
            "ipfskit_host_disk_available_bytes",
            "Space an unprivileged writer can still use (df's avail).",
            |d| d.available_bytes,
        ),
        (
            "ipfskit_host_disk_used_bytes",
            "Used space, size minus free (df's used).",
            |d| d.used_bytes,
        ),
    ];
    for (name, help, f) in disk {
        t.family(name, Kind::Gauge, help);
        for d in &h.disks {
            t.sample(
                "",
                &[("mount_point", &d.mount_point), ("fstype", &d.file_system)],
                f(d),
            );
        }
    }
    t.family(
        "ipfskit_host_disk_used_ratio",
        Kind::Gauge,
        "df's Use%: used over used plus available, 0-1.",
    );
    for d in &h.disks {
        if let Some(p) = d.use_percent {
            t.sample(
                "",
                &[("mount_point", &d.mount_point), ("fstype", &d.file_system)],
                p / 100.0,
            );
        }
    }
    t.family(
        "ipfskit_host_network_received_bytes_total",
        Kind::Counter,
        "Bytes received on all non-loopback interfaces.",
    );
    t.value(h.net_rx_total_bytes);
    t.family(
        "ipfskit_host_network_sent_bytes_total",
        Kind::Counter,
        "Bytes sent on all non-loopback interfaces.",
    );
    t.value(h.net_tx_total_bytes);
    let mut pid = String::new();
    t.family(
        "ipfskit_host_process_cpu_usage_ratio",
        Kind::Gauge,
        "CPU use of each Kubo and Cluster process on the host, in cores (may exceed 1).",
    );
    for p in &h.processes {
        pid.clear();
        let _ = std::fmt::Write::write_fmt(&mut pid, format_args!("{}", p.pid));
        t.sample(
            "",
            &[("role", &p.role), ("pid", &pid)],
            f64::from(p.cpu_percent) / 100.0,
        );
    }
    t.family(
        "ipfskit_host_process_resident_memory_bytes",
        Kind::Gauge,
        "Resident memory of each Kubo and Cluster process on the host.",
    );
    for p in &h.processes {
        pid.clear();
        let _ = std::fmt::Write::write_fmt(&mut pid, format_args!("{}", p.pid));
        t.sample("", &[("role", &p.role), ("pid", &pid)], p.rss_bytes);
    }
}

fn daemons(t: &mut Text, snap: &Snapshot) {
    t.family(
        "ipfskit_daemon_state",
        Kind::Gauge,
        "The state of each daemon ipfs-kit supervises: 1 for the current one.",
    );
    for d in &snap.daemons {
        for s in DAEMON_STATES {
            t.sample(
                "",
                &[("daemon", &d.name), ("state", s.as_str())],
                d.state == s,
            );
        }
    }
    t.family(
        "ipfskit_daemon_restarts_total",
        Kind::Counter,
        "Automatic restarts of each supervised daemon since the supervisor started.",
    );
    for d in &snap.daemons {
        t.sample("", &[("daemon", &d.name)], d.restarts);
    }
    t.family(
        "ipfskit_daemon_uptime_seconds",
        Kind::Gauge,
        "Time each supervised daemon has been running.",
    );
    for d in &snap.daemons {
        if let Some(u) = d.uptime_secs {
            t.sample("", &[("daemon", &d.name)], u);
        }
    }
}

fn storage(t: &mut Text, snap: &Snapshot) {
    t.family(
        "ipfskit_backend_up",
        Kind::Gauge,
        "Whether each configured storage backend passed its last probe.",
    );
    for b in &snap.backends {
        if let Some(u) = up(b.state) {
            t.sample("", &[("backend", &b.name), ("kind", &b.kind)], u);
        }
    }
    t.family(
        "ipfskit_backend_latency_seconds",
        Kind::Gauge,
        "Duration of each backend's last probe.",
    );
    for b in &snap.backends {
        if let Some(ms) = b.latency_ms {
            t.sample(
                "",
                &[("backend", &b.name), ("kind", &b.kind)],
                ms as f64 / 1000.0,
            );
        }
    }
    type VfsFigure = fn(&crate::model::VfsMountStats) -> Option<u64>;
    let vfs: [(&'static str, &'static str, VfsFigure); 3] = [
        (
            "ipfskit_vfs_size_bytes",
            "Size of each VFS mount (files/stat).",
            |v| v.size_bytes,
        ),
        (
            "ipfskit_vfs_local_bytes",
            "Bytes of each VFS mount held by this node.",
            |v| v.local_bytes,
        ),
        ("ipfskit_vfs_blocks", "Blocks of each VFS mount.", |v| {
            v.blocks
        }),
    ];
    for (name, help, f) in vfs {
        t.family(name, Kind::Gauge, help);
        for v in &snap.vfs {
            if let Some(x) = f(v) {
                t.sample("", &[("mount", &v.name)], x);
            }
        }
    }
}

fn alerts(t: &mut Text, snap: &Snapshot) {
    let (mut firing, mut pending) = ([0u64; 2], [0u64; 2]);
    for a in &snap.alerts {
        let i = usize::from(a.severity == crate::alerts::Severity::Critical);
        match a.state {
            crate::alerts::AlertState::Firing => firing[i] += 1,
            crate::alerts::AlertState::Pending => pending[i] += 1,
            crate::alerts::AlertState::Resolved => {}
        }
    }
    for (name, help, n) in [
        (
            "ipfskit_alerts_firing",
            "Alerts firing, by severity (acknowledged ones included).",
            firing,
        ),
        (
            "ipfskit_alerts_pending",
            "Alerts whose condition holds but not yet for the rule's duration, by severity.",
            pending,
        ),
    ] {
        t.family(name, Kind::Gauge, help);
        t.sample("", &[("severity", "warning")], n[0]);
        t.sample("", &[("severity", "critical")], n[1]);
    }
    t.family(
        "ipfskit_alert_active",
        Kind::Gauge,
        "Each pending or firing alert, 1, with its rule, metric, severity and state.",
    );
    for a in &snap.alerts {
        let state = match a.state {
            crate::alerts::AlertState::Firing => "firing",
            crate::alerts::AlertState::Pending => "pending",
            crate::alerts::AlertState::Resolved => continue,
        };
        t.sample(
            "",
            &[
                ("rule", &a.rule),
                ("metric", &a.metric),
                ("severity", a.severity.as_str()),
                ("state", state),
                (
                    "acknowledged",
                    if a.acknowledged { "true" } else { "false" },
                ),
            ],
            1u64,
        );
    }
}

fn level_str(l: HealthLevel) -> &'static str {
    match l {
        HealthLevel::Healthy => "healthy",
        HealthLevel::Unknown => "unknown",
        HealthLevel::Degraded => "degraded",
        HealthLevel::Unhealthy => "unhealthy",
    }
}

fn health(t: &mut Text, snap: &Snapshot) {
    let h = &snap.health;
    t.family(
        "ipfskit_health_score_ratio",
        Kind::Gauge,
        "Health score of each source, 0-1 (healthy 1, degraded 0.6, unhealthy 0, less when slow).",
    );
    for (name, s) in &h.sources {
        if let Some(score) = s.score {
            t.sample("", &[("source", name)], f64::from(score) / 100.0);
        }
    }
    t.family(
        "ipfskit_health_overall_score_ratio",
        Kind::Gauge,
        "Weighted mean of the sources' scores (kubo 5, cluster 3, host 2, others 1), 0-1.",
    );
    if let Some(score) = h.score {
        t.value(f64::from(score) / 100.0);
    }
    t.family(
        "ipfskit_health_level",
        Kind::Gauge,
        "Health level of each source: 1 for the current one.",
    );
    let levels = [
        HealthLevel::Healthy,
        HealthLevel::Unknown,
        HealthLevel::Degraded,
        HealthLevel::Unhealthy,
    ];
    for (name, s) in &h.sources {
        for l in levels {
            t.sample(
                "",
                &[("source", name), ("level", level_str(l))],
                s.level == l,
            );
        }
    }
    t.family(
        "ipfskit_health_status",
        Kind::Gauge,
        "The monitoring-plugin status headless modes exit with: 1 for the current one.",
    );
    for s in [
        Status::Ok,
        Status::Warning,
        Status::Critical,
        Status::Unknown,
    ] {
        t.sample("", &[("status", s.as_str())], h.status == s);
    }
}

fn state_writes(t: &mut Text, snap: &Snapshot) {
    let w = &snap.state_writes;
    t.family(
        "ipfskit_state_write_failing",
        Kind::Gauge,
        "Whether the last write to the state dir's histories failed.",
    );
    t.value(w.failing);
    t.family(
        "ipfskit_state_write_failures_total",
        Kind::Counter,
        "History entries whose first write failed since ipfs-kit started.",
    );
    t.value(w.failed_total);
    t.family(
        "ipfskit_state_write_pending_entries",
        Kind::Gauge,
        "History entries waiting in memory for the disk.",
    );
    t.value(w.pending);
    t.family(
        "ipfskit_state_write_dropped_entries_total",
        Kind::Counter,
        "History entries dropped because the backlog was full.",
    );
    t.value(w.dropped_total);
}

fn cache(t: &mut Text, snap: &Snapshot) {
    let Some(p) = &snap.performance else { return };
    let c = &p.cache;
    let disk = c.disk_path.is_some();
    t.family(
        "ipfskit_cache_requests_total",
        Kind::Counter,
        "Lookups in ipfs-kit's cache.",
    );
    t.value(c.requests);
    t.family(
        "ipfskit_cache_hits_total",
        Kind::Counter,
        "Cache lookups answered, by tier.",
    );
    t.sample("", &[("tier", "memory")], c.memory_hits);
    if disk {
        t.sample("", &[("tier", "disk")], c.disk_hits);
    }
    t.family(
        "ipfskit_cache_misses_total",
        Kind::Counter,
        "Cache lookups not answered.",
    );
    t.value(c.misses);
    t.family(
        "ipfskit_cache_evictions_total",
        Kind::Counter,
        "Entries evicted by the size bound, by tier.",
    );
    t.sample("", &[("tier", "memory")], c.memory_evictions);
    if disk {
        t.sample("", &[("tier", "disk")], c.disk_evictions);
    }
    let tiers = |t: &mut Text, name, help, mem: u64, dsk: u64| {
        t.family(name, Kind::Gauge, help);
        t.sample("", &[("tier", "memory")], mem);
        if disk {
            t.sample("", &[("tier", "disk")], dsk);
        }
    };
    tiers(
        t,
        "ipfskit_cache_entries",
        "Entries in the cache, by tier.",
        c.memory_entries,
        c.disk_entries,
    );
    tiers(
        t,
        "ipfskit_cache_size_bytes",
        "Bytes the cache holds, by tier.",
        c.memory_bytes,
        c.disk_bytes,
    );
    tiers(
        t,
        "ipfskit_cache_max_bytes",
        "The cache's size bound, by tier.",
        c.memory_max_bytes,
        c.disk_max_bytes,
    );
    if disk {
        t.family(
            "ipfskit_cache_disk_errors_total",
            Kind::Counter,
            "Errors reading or writing the cache's disk tier.",
        );
        t.value(c.disk_errors);
    }
}

/// `perf::totals::BOUNDS_US` in seconds, as `le` labels (a test checks they agree).
const LE: [&str; 16] = [
    "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "0.5", "1", "2.5", "10", "30",
];

/// Operations the monitor names after an HTTP API (`kubo.id`, `cluster.pins`): the RPC calls.
fn is_rpc(op: &str) -> bool {
    ["kubo.", "cluster.", "http."]
        .iter()
        .any(|p| op.starts_with(p))
}

/// The performance monitor's samples since the process started, as histograms: daemon RPC
/// calls, and ipfs-kit's own operations (collector passes, supervisor actions, pins, frames).
fn operations(t: &mut Text) {
    let totals = crate::perf::global().totals();
    let mut ops: Vec<(&String, &crate::perf::totals::Totals)> = totals.iter().collect();
    ops.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (rpc, name, failed, help, failed_help) in [
        (
            true,
            "ipfskit_rpc_duration_seconds",
            "ipfskit_rpc_failures_total",
            "Time to the response headers of ipfs-kit's calls to the daemons' APIs, by endpoint.",
            "Calls to the daemons' APIs that failed or answered with an error status, by endpoint.",
        ),
        (
            false,
            "ipfskit_operation_duration_seconds",
            "ipfskit_operation_failures_total",
            "Duration of ipfs-kit's own operations (collector passes, supervisor actions, pins, frames).",
            "ipfs-kit's own operations that failed.",
        ),
    ] {
        let mine = || ops.iter().filter(|(op, _)| is_rpc(op) == rpc);
        t.family(name, Kind::Histogram, help);
        for (op, tot) in mine() {
            let mut cum = 0u64;
            for (i, n) in tot.buckets.iter().enumerate() {
                cum += n;
                let bound = LE.get(i).copied().unwrap_or("+Inf");
                t.sample("_bucket", &[("op", op), ("le", bound)], cum);
            }
            t.sample("_sum", &[("op", op)], tot.sum_us as f64 / 1e6);
            t.sample("_count", &[("op", op)], cum);
        }
        t.family(failed, Kind::Counter, failed_help);
        for (op, tot) in mine() {
            t.sample("", &[("op", op)], tot.failed);
        }
    }
}

#[cfg(test)]
mod tests;
