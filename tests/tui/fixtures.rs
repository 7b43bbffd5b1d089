//! Snapshots and models built in code, with fixed times and values: no clocks, no daemons.
//! Shared with `benches/overview.rs` through `#[path]`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use ipfs_kit::model::History;
use ipfs_kit::model::Series;
use ipfs_kit::model::{
    BandwidthStats, BitswapStats, ClusterAlert, ClusterPeer, ClusterStats, DiskStats, Health,
    HostStats, KuboStats, PeerFreeSpace, ProcessStats, ProvideStats, RepoStats, Snapshot,
    SourceState, SourceStatus,
};
use ipfs_kit::tui::{AppInfo, Model};
use ipfs_kit_widgets::Theme;

pub const KUBO_ID: &str = "12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo";
pub const CLUSTER_ID: &str = "12D3KooWAZWobXKmv41yf9DEkDCpR3jxwQji9ERVqNaHQgGmVWQP";
pub const PEER2_ID: &str = "12D3KooWJ1mYxA6Xc4F8VpDGtwZmqKtxv6yZrTq2uP8FhZbYb5Nq";

const MIB: f64 = 1024.0 * 1024.0;
const GIB: u64 = 1024 * 1024 * 1024;

/// Saturday 21 November 2026, 12:00:00 UTC: "now" in every fixture.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
        .single()
        .expect("valid time")
}

/// A fixed wobble in 0..1.
fn wobble(i: i64) -> f64 {
    ((i * 7919 + 13).rem_euclid(97)) as f64 / 97.0
}

fn status<T>(
    name: &str,
    endpoint: Option<&str>,
    origin: &str,
    data: T,
    latency: u64,
) -> SourceStatus<T> {
    let mut s = SourceStatus::new(name, endpoint.map(Into::into));
    s.state = SourceState::Ok;
    s.endpoint_source = Some(origin.into());
    s.last_success = Some(now());
    s.last_attempt = Some(now());
    s.latency_ms = Some(latency);
    s.data = Some(data);
    s
}

pub fn host_stats(cpu: f32, mem_used_gib: f64) -> HostStats {
    HostStats {
        hostname: Some("ipfs-1".into()),
        cpu_percent: cpu,
        cpu_per_core: vec![cpu + 5.0, cpu - 5.0, cpu + 1.0, (cpu - 20.0).max(0.0)],
        memory_total_bytes: 16 * GIB,
        memory_used_bytes: (mem_used_gib * GIB as f64) as u64,
        swap_total_bytes: 2 * GIB,
        swap_used_bytes: GIB / 8,
        load_average: [0.52, 0.40, 0.31],
        uptime_secs: 3 * 86_400 + 4 * 3_600 + 12 * 60,
        disks: vec![
            // 5 GiB reserved for root: df says 55 GiB used, 40 GiB available, 58%.
            DiskStats::new("/".into(), "ext4".into(), 100 * GIB, 45 * GIB, 40 * GIB),
            DiskStats::new(
                "/var/lib/ipfs".into(),
                "xfs".into(),
                500 * GIB,
                180 * GIB,
                180 * GIB,
            ),
        ],
        net_rx_bytes_per_sec: 1.5 * MIB,
        net_tx_bytes_per_sec: 0.4 * MIB,
        net_rx_total_bytes: 40 * GIB,
        net_tx_total_bytes: 12 * GIB,
        processes: vec![
            ProcessStats {
                role: "kubo".into(),
                pid: 4242,
                name: "ipfs".into(),
                cpu_percent: 12.5,
                rss_bytes: 420 * 1024 * 1024,
                run_time_secs: 2 * 86_400 + 3_600,
                listen_ports: vec![4001, 5001, 8080],
            },
            ProcessStats {
                role: "cluster".into(),
                pid: 4300,
                name: "ipfs-cluster-service".into(),
                cpu_percent: 1.5,
                rss_bytes: 80 * 1024 * 1024,
                run_time_secs: 2 * 86_400,
                listen_ports: vec![9094, 9096],
            },
        ],
    }
}

pub fn kubo_stats(repo_ratio: f64) -> KuboStats {
    let max = 200 * GIB;
    KuboStats {
        peer_id: KUBO_ID.into(),
        agent_version: "kubo/0.39.0/".into(),
        version: Some("0.39.0".into()),
        commit: Some("abc1234".into()),
        repo_version: Some("16".into()),
        system: Some("amd64/linux".into()),
        golang: Some("go1.25.4".into()),
        addresses: vec![
            "/ip4/127.0.0.1/tcp/4001".into(),
            "/ip4/10.0.0.5/tcp/4001".into(),
            "/ip4/10.0.0.5/udp/4001/quic-v1".into(),
            "/ip6/::1/tcp/4001".into(),
        ],
        bandwidth: Some(BandwidthStats {
            total_in_bytes: 50 * GIB,
            total_out_bytes: 20 * GIB,
            rate_in_bytes_per_sec: 2.5 * MIB,
            rate_out_bytes_per_sec: 0.8 * MIB,
        }),
        repo: Some(RepoStats {
            size_bytes: (max as f64 * repo_ratio) as u64,
            storage_max_bytes: Some(max),
            usage_ratio: Some(repo_ratio),
            num_objects: Some(1_234_567),
            path: Some("/var/lib/ipfs/kubo".into()),
        }),
        peers: Some(42),
        recursive_pins: Some(12_345),
        bitswap: Some(BitswapStats {
            wantlist_len: 3,
            partners: 40,
            blocks_received: 98_765,
            data_received_bytes: 3 * GIB,
            dup_blocks_received: 120,
            dup_data_received_bytes: 12 * 1024 * 1024,
            messages_received: 200_000,
            blocks_sent: 45_000,
            data_sent_bytes: GIB,
        }),
        provide: Some(ProvideStats {
            system: "sweep".into(),
            queued: Some(12),
            provided_total: Some(54_321),
            failed_total: Some(3),
            scheduled_keys: Some(12_345),
            connectivity: Some("online".into()),
        }),
    }
}

pub fn cluster_stats() -> ClusterStats {
    let mut pin_status = BTreeMap::new();
    pin_status.insert("pinned".to_string(), 24_500);
    pin_status.insert("pinning".to_string(), 95);
    pin_status.insert("pin_queued".to_string(), 47);
    pin_status.insert("pin_error".to_string(), 3);
    ClusterStats {
        peer_id: CLUSTER_ID.into(),
        peer_name: "ipfs-1".into(),
        version: "1.1.6".into(),
        ipfs_error: None,
        ipfs_peer_id: Some(KUBO_ID.into()),
        peer_count: 2,
        peers: vec![
            ClusterPeer {
                peer_id: CLUSTER_ID.into(),
                peer_name: "ipfs-1".into(),
                error: None,
            },
            ClusterPeer {
                peer_id: PEER2_ID.into(),
                peer_name: "ipfs-2".into(),
                error: Some("context deadline exceeded".into()),
            },
        ],
        pin_count: 12_300,
        pin_status: Some(pin_status),
        alerts: vec![ClusterAlert {
            name: "ping".into(),
            peer: PEER2_ID.into(),
            value: String::new(),
            expire_unix_ns: (now() - chrono::Duration::seconds(75))
                .timestamp_nanos_opt()
                .unwrap_or(0),
        }],
        freespace: vec![
            PeerFreeSpace {
                peer: CLUSTER_ID.into(),
                free_bytes: 180 * GIB,
                valid: true,
            },
            PeerFreeSpace {
                peer: PEER2_ID.into(),
                free_bytes: 35 * GIB,
                valid: true,
            },
        ],
    }
}

/// Ten minutes of history: host every second, Kubo every 2 s (with a 20 s outage), Cluster
/// every 5 s.
pub fn history() -> History {
    let mut h = History::new(Duration::from_secs(600));
    let t0 = now() - chrono::Duration::seconds(600);
    for s in 1..=600i64 {
        let t = t0 + chrono::Duration::seconds(s);
        let w = wobble(s);
        h.push(Series::HostCpuPercent, t, Some(20.0 + 30.0 * w));
        h.push(Series::HostMemUsedBytes, t, Some((6.0 + w) * GIB as f64));
        h.push(Series::HostNetRxRate, t, Some((1.0 + w) * MIB));
        h.push(Series::HostNetTxRate, t, Some((0.2 + 0.3 * w) * MIB));
        if s % 2 == 0 {
            let down = (300..320).contains(&s);
            let tri = (s % 120) as f64 / 120.0;
            let v = |x: f64| (!down).then_some(x);
            h.push(Series::KuboBwInRate, t, v((1.0 + 2.0 * tri + w) * MIB));
            h.push(Series::KuboBwOutRate, t, v((0.3 + 0.6 * tri) * MIB));
            h.push(Series::KuboPeers, t, v(30.0 + (12.0 * tri).round()));
            h.push(
                Series::KuboRepoSize,
                t,
                v(100.0 * GIB as f64 + s as f64 * 1e6),
            );
            h.push(Series::KuboPins, t, v(12_225.0 + (s / 5) as f64));
        }
        if s % 5 == 0 {
            h.push(Series::ClusterPins, t, Some(12_200.0 + (s / 6) as f64));
            h.push(Series::ClusterPeers, t, Some(2.0));
        }
    }
    h
}

/// Everything up and answering; one Cluster peer with an error and a ping alert.
/// Built from `Snapshot::empty` so fields added to the Snapshot later keep their defaults.
pub fn snapshot() -> Snapshot {
    let mut s = Snapshot::empty(
        "http://127.0.0.1:5001".into(),
        "http://127.0.0.1:9094".into(),
        true,
    );
    s.time = now();
    s.host = status("host", None, "local", host_stats(32.5, 7.2), 3);
    s.kubo = status(
        "kubo",
        Some("http://127.0.0.1:5001"),
        "default",
        kubo_stats(0.42),
        12,
    );
    s.cluster = status(
        "cluster",
        Some("http://127.0.0.1:9094"),
        "config ~/.config/ipfs-kit/config.toml",
        cluster_stats(),
        25,
    );
    s.history = Arc::new(history());
    with_health(s)
}

/// Thresholds crossed: CPU critical (95%), memory warning (85%), repo warning (90%); the
/// Cluster degraded (one call failing).
pub fn snapshot_alarm() -> Snapshot {
    let mut s = snapshot();
    s.host.data = Some(host_stats(95.0, 13.6));
    s.kubo.data = Some(kubo_stats(0.90));
    // A call failing while the source answers: degraded, whatever the alert rules say.
    s.cluster.state = SourceState::Degraded;
    s.cluster
        .errors
        .insert("pins".into(), "pins timed out".into());
    with_health(s)
}

/// Kubo refuses connections at the default address; no Cluster configured; host fine.
pub fn snapshot_down() -> Snapshot {
    let mut s = snapshot();
    s.kubo.state = SourceState::Down;
    s.kubo.data = None;
    s.kubo.latency_ms = Some(0);
    s.kubo.error =
        Some("cannot connect to http://127.0.0.1:5001: Connection refused (os error 111)".into());
    s.kubo.consecutive_failures = 3;
    s.cluster.state = SourceState::Down;
    s.cluster.data = None;
    s.cluster.endpoint_source = Some("default".into());
    s.cluster.error =
        Some("cannot connect to http://127.0.0.1:9094: Connection refused (os error 111)".into());
    s.history = Arc::new(History::new(Duration::from_secs(600)));
    // Nothing listens at Kubo's address any more.
    if let Some(h) = s.host.data.as_mut() {
        h.processes.retain(|p| p.role != "kubo");
    }
    // What the built-in rule `source_kubo_down` makes of it.
    let mut down = alert(
        "source_kubo_down",
        Severity::Critical,
        AlertState::Firing,
        false,
        1.0,
        80,
        "Kubo is not answering",
    );
    down.metric = "source.kubo.down".into();
    s.alerts = vec![down];
    s.health = Health::derive(&s, false);
    s
}

fn with_health(mut s: Snapshot) -> Snapshot {
    s.health = Health::derive(&s, true);
    s
}

pub fn info() -> AppInfo {
    AppInfo {
        config_path: "~/.config/ipfs-kit/config.toml".into(),
        log_dir: "~/.local/state/ipfs-kit/logs".into(),
        read_only: false,
        version: "ipfs-kit (test)".into(),
        no_supervisor: None,
        stop_on_exit: false,
        feed: None,
    }
}

/// A model over `snap` for a `w` x `h` terminal.
pub fn model_with(snap: Snapshot, w: u16, h: u16, theme: Theme) -> Model {
    let mut m = Model::new(info(), theme, Arc::new(snap), (w, h));
    // Two earlier operations with fixed times, so the history widget has rows.
    use ipfs_kit::tui::model::{OpEntry, OpState};
    m.ops.push_front(OpEntry {
        id: 901,
        time: Some(now() - chrono::Duration::seconds(95)),
        action: "refresh".into(),
        target: "all sources".into(),
        state: OpState::Ok,
        duration_ms: Some(180),
        recorded: false,
    });
    m.ops.push_front(OpEntry {
        id: 902,
        time: Some(now() - chrono::Duration::seconds(40)),
        action: "repo.gc".into(),
        target: "Kubo repo at http://127.0.0.1:5001: removed 12 blocks".into(),
        state: OpState::Ok,
        duration_ms: Some(2_400),
        recorded: false,
    });
    m
}

pub fn model(w: u16, h: u16) -> Model {
    model_with(snapshot(), w, h, Theme::default())
}

// --- Daemons, alerts and pins -------------------------------------------------------------

use ipfs_kit::alerts::{Alert, AlertEvent, AlertEventKind, AlertState, Severity};
use ipfs_kit::model::{DaemonState, DaemonStatus, PortInfo};
use ipfs_kit::tui::Tab;
use ipfs_kit::tui::model::{LogTail, PinList, PinRow};

/// A valid CIDv0 (the empty directory's).
pub const CID_V0: &str = "QmYrSWPyteeWoStkpsYvMRXbx1AGnc1B7addpQERxnMo2T";
pub const CID_PINNED: &str = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
pub const CID_PINNING: &str = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
pub const CID_ERROR: &str = "bafybeihkoviema7g3gxyt6la7vd5ho32ictqbilu3wnlo3rs7ewhnp7lly";

pub const KUBO_LOG: &str = "/home/ops/.local/state/ipfs-kit/logs/kubo.log";
pub const CLUSTER_LOG: &str = "/home/ops/.local/state/ipfs-kit/logs/cluster.log";

fn ports(list: &[(&str, u16)]) -> Vec<PortInfo> {
    list.iter()
        .map(|(n, p)| PortInfo {
            name: (*n).into(),
            port: *p,
        })
        .collect()
}

/// A ready Kubo (started by ipfs-kit an hour and a bit ago).
pub fn kubo_daemon() -> DaemonStatus {
    DaemonStatus {
        name: "kubo".into(),
        state: DaemonState::Ready,
        pid: Some(4242),
        adopted: false,
        started_at: Some(now() - chrono::Duration::seconds(3_725)),
        uptime_secs: Some(3_725),
        restarts: 0,
        last_exit: None,
        last_exit_at: None,
        ports: ports(&[("api", 5001), ("gateway", 8080), ("swarm", 4001)]),
        api: Some("http://127.0.0.1:5001".into()),
        dir: "/var/lib/ipfs/kubo".into(),
        log: KUBO_LOG.into(),
        message: None,
    }
}

/// A Cluster that crashed twice and waits to restart.
pub fn cluster_daemon() -> DaemonStatus {
    DaemonStatus {
        name: "cluster".into(),
        state: DaemonState::BackingOff,
        pid: None,
        adopted: false,
        started_at: None,
        uptime_secs: None,
        restarts: 2,
        last_exit: Some("killed by SIGKILL".into()),
        last_exit_at: Some(now() - chrono::Duration::seconds(30)),
        ports: ports(&[("cluster", 9096), ("restapi", 9094)]),
        api: Some("http://127.0.0.1:9094".into()),
        dir: "/var/lib/ipfs/cluster".into(),
        log: CLUSTER_LOG.into(),
        message: Some("restarting in 4s".into()),
    }
}

/// The supervisor's two daemons.
pub fn daemons() -> Vec<DaemonStatus> {
    vec![kubo_daemon(), cluster_daemon()]
}

/// The tail of Kubo's log: an earlier run, a start marker, and the current run.
pub fn kubo_log() -> LogTail {
    // Lines as Kubo v0.39.0 wrote them under ipfs-kit's supervisor (tabs as spaces, as the
    // dashboard reads them), around a restart.
    let lines = [
        "Received interrupt signal, shutting down...",
        "(Hit ctrl-c again to force-shutdown the daemon.)",
        "--- ipfs-kit: kubo starting at 2026-11-21T10:57:55Z ---",
        "Initializing daemon...",
        "Kubo version: 0.39.0",
        "Repo version: 18",
        "System version: amd64/linux",
        "Golang version: go1.26.8",
        "PeerID: 12D3KooWSQBHUM3raBzRPYqRJ8GrnqkTHJUozTJpjsNnY2KKEase",
        "Swarm listening on 127.0.0.1:34725 (TCP)",
        "Swarm listening on [::1]:34725 (TCP)",
        "Run 'ipfs id' to inspect announced and discovered multiaddrs of this node.",
        "RPC API server listening on /ip4/127.0.0.1/tcp/5001",
        "WebUI: http://127.0.0.1:5001/webui",
        "Gateway server listening on /ip4/127.0.0.1/tcp/8080",
        "Daemon is ready",
        "2026-11-22T05:45:01.127Z ERROR cmd/ipfs kubo/daemon.go:743 failed to bootstrap (no peers found): consider updating Bootstrap or Peering section of your config",
    ];
    LogTail {
        daemon: "kubo".into(),
        path: KUBO_LOG.into(),
        lines: lines.iter().map(|l| (*l).to_string()).collect(),
        error: None,
    }
}

/// The snapshot with the supervisor's daemons.
pub fn snapshot_daemons() -> Snapshot {
    let mut s = snapshot();
    s.daemons = daemons();
    s
}

/// The Daemons tab with Kubo selected and its log loaded.
pub fn model_daemons(w: u16, h: u16, theme: Theme) -> Model {
    let mut m = model_with(snapshot_daemons(), w, h, theme);
    m.tab = Tab::Daemons;
    m.log = Some(kubo_log());
    m
}

fn alert(
    rule: &str,
    severity: Severity,
    state: AlertState,
    acknowledged: bool,
    value: f64,
    ago_secs: i64,
    message: &str,
) -> Alert {
    let started = now() - chrono::Duration::seconds(ago_secs);
    Alert {
        id: format!("{rule}-{}", started.timestamp_millis()),
        rule: rule.into(),
        metric: rule.replace('_', "."),
        severity,
        state,
        message: message.into(),
        value: Some(value),
        threshold: match severity {
            Severity::Warning => 80.0,
            Severity::Critical => 90.0,
        },
        peak: value + 2.0,
        started_at: started,
        fired_at: (state != AlertState::Pending).then(|| started + chrono::Duration::seconds(60)),
        resolved_at: None,
        acknowledged,
        acknowledged_at: acknowledged.then(|| now() - chrono::Duration::seconds(20)),
        duration_secs: ago_secs as u64,
    }
}

/// A firing critical, an acknowledged warning and a pending warning, most severe first.
pub fn alerts() -> Vec<Alert> {
    vec![
        alert(
            "cpu_high",
            Severity::Critical,
            AlertState::Firing,
            false,
            95.0,
            300,
            "CPU at 95% (critical above 90%)",
        ),
        alert(
            "memory_high",
            Severity::Warning,
            AlertState::Firing,
            true,
            85.0,
            900,
            "Memory at 85% (warning above 80%)",
        ),
        alert(
            "repo_usage",
            Severity::Warning,
            AlertState::Pending,
            false,
            82.0,
            30,
            "Kubo repo at 82% of StorageMax (warning above 80%)",
        ),
    ]
}

/// Alert events, newest first: memory acknowledged, CPU fired, disk resolved, memory fired.
pub fn alert_log() -> Vec<AlertEvent> {
    let a = alerts();
    let mut disk = alert(
        "disk_full",
        Severity::Warning,
        AlertState::Resolved,
        false,
        88.0,
        3_600,
        "Disk / at 88% (warning above 85%)",
    );
    disk.resolved_at = Some(now() - chrono::Duration::seconds(1_800));
    disk.duration_secs = 1_800;
    vec![
        AlertEvent {
            at: now() - chrono::Duration::seconds(20),
            kind: AlertEventKind::Acknowledged,
            alert: a[1].clone(),
        },
        AlertEvent {
            at: now() - chrono::Duration::seconds(240),
            kind: AlertEventKind::Fired,
            alert: a[0].clone(),
        },
        AlertEvent {
            at: now() - chrono::Duration::seconds(1_800),
            kind: AlertEventKind::Resolved,
            alert: disk,
        },
        AlertEvent {
            at: now() - chrono::Duration::seconds(840),
            kind: AlertEventKind::Fired,
            alert: a[1].clone(),
        },
    ]
}

/// The snapshot with alerts from the rules and their history.
pub fn snapshot_alerts() -> Snapshot {
    let mut s = snapshot();
    s.alerts = alerts();
    s.alert_log = Arc::new(alert_log());
    s.health = Health::derive(&s, true);
    s
}

/// The Alerts tab with the critical alert selected.
pub fn model_alerts(w: u16, h: u16, theme: Theme) -> Model {
    let mut m = model_with(snapshot_alerts(), w, h, theme);
    m.tab = Tab::Alerts;
    m
}

/// Three pins through Cluster: pinned, pinning and failed.
pub fn pin_list() -> PinList {
    let row = |cid: &str, name: &str, status: &str| PinRow {
        cid: cid.into(),
        name: name.into(),
        status: status.into(),
    };
    PinList {
        via: "cluster".into(),
        pins: vec![
            row(CID_PINNED, "website-2026-11", "pinned"),
            row(CID_PINNING, "dataset/shard-0042", "pinning"),
            row(CID_ERROR, "", "pin_error"),
        ],
        truncated: false,
        error: None,
        loading: false,
    }
}

/// The Pins tab with the list loaded.
pub fn model_pins(w: u16, h: u16, theme: Theme) -> Model {
    let mut m = model_with(snapshot(), w, h, theme);
    m.tab = Tab::Pins;
    m.pins = pin_list();
    m
}
