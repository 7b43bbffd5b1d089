//! Snapshot -> widget views: the only place that knows both the model and the widgets.
//! Pure functions of the Model (and the cell width where a chart resamples to it).

use std::time::Duration;

use chrono::{DateTime, Utc};
use ipfs_kit_widgets::{
    Indicator, Level, Unit,
    alert::{AlertRow, AlertView, Severity, SeverityCounts},
    bars::{BarItem, BarsView},
    counter::{CounterView, Polarity},
    format as wfmt,
    health::{HealthLevel as WHealth, HealthView, ServiceHealth},
    heatmap::HeatmapView,
    history::{HistoryView, OpRow, OpStatus},
    line_chart::{LineChartView, Series as Line},
    metric::{MetricView, Thresholds},
    sparkline::SparklineView,
    status::{NodeState, StatusView},
};
use ratatui::layout::Constraint;

use super::model::{BarsKind, CounterKind, ListKind, MetricKind, Model, OpState, SparkKind, Src};
use super::table::{TableRow, TableView};
use crate::model::{HealthLevel, SourceState, SourceStatus};
use crate::model::{Ring, Series};

/// `5m`, `1h`, `1d`.
pub fn window_label(d: Duration) -> String {
    wfmt::duration(d.as_secs())
}

/// `12:03:44` (UTC, like the header clock).
pub fn clock(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

fn short_id(id: &str, ascii: bool) -> String {
    if id.len() <= 16 {
        return id.to_string();
    }
    format!(
        "{}{}{}",
        &id[..8],
        wfmt::ellipsis(ascii),
        &id[id.len() - 6..]
    )
}

/// A source's state as a level and a word, for the header and lists.
pub fn source_badge<T>(s: &SourceStatus<T>) -> (Level, &'static str) {
    match s.state {
        SourceState::Ok => (Level::Ok, "ok"),
        SourceState::Degraded => (Level::Warning, "degraded"),
        SourceState::Down
            if s.endpoint_source.as_deref() == Some("default") && s.name == "cluster" =>
        {
            (Level::Unknown, "not found")
        }
        SourceState::Down => (Level::Critical, "down"),
        SourceState::Unknown => (Level::Unknown, "waiting"),
        SourceState::Disabled => (Level::Info, "off"),
    }
}

fn node_state<T>(s: &SourceStatus<T>) -> NodeState {
    match s.state {
        SourceState::Ok => NodeState::Running,
        SourceState::Degraded => NodeState::Degraded,
        SourceState::Down => NodeState::Stopped,
        SourceState::Unknown | SourceState::Disabled => NodeState::Unknown,
    }
}

fn endpoint_line<T>(s: &SourceStatus<T>) -> String {
    match (&s.endpoint, &s.endpoint_source) {
        (Some(e), Some(o)) => format!("{e} ({o})"),
        (Some(e), None) => e.clone(),
        _ => wfmt::NOT_AVAILABLE.into(),
    }
}

/// Seconds since the daemon of `role` started: the supervised one serving the watched API,
/// else the one daemon of that role on this host, when there is exactly one.
fn daemon_uptime(m: &Model, role: &str) -> Option<u64> {
    if let Some(up) = m.snap.watched_daemon(role).and_then(|d| d.uptime_secs) {
        return Some(up);
    }
    let host = m.snap.host.data.as_ref()?;
    let mut it = host.processes.iter().filter(|p| p.role == role);
    let first = it.next()?;
    it.next().is_none().then_some(first.run_time_secs)
}

pub fn status_view(m: &Model, src: Src) -> StatusView {
    let s = &m.snap;
    let ascii = m.theme.ascii;
    match src {
        Src::Kubo => {
            let k = &s.kubo;
            let d = k.data.as_ref();
            let mut details = Vec::new();
            if let Some(n) = d.and_then(|d| d.recursive_pins) {
                details.push((
                    "Pins".into(),
                    format!("{} recursive", wfmt::count(n as f64)),
                ));
            }
            details.push(("API".into(), endpoint_line(k)));
            if let Some(d) = d {
                if let Some(r) = &d.repo {
                    if let Some(p) = &r.path {
                        details.push(("Repo".into(), p.clone()));
                    }
                    let size = wfmt::bytes(r.size_bytes as f64);
                    details.push((
                        "Repo size".into(),
                        match r.storage_max_bytes {
                            Some(max) => {
                                format!("{size} of {} StorageMax", wfmt::bytes(max as f64))
                            }
                            None => format!("{size} (no StorageMax)"),
                        },
                    ));
                }
                details.push(("Agent".into(), d.agent_version.clone()));
                if let Some(sys) = &d.system {
                    details.push(("System".into(), sys.clone()));
                }
                if let Some(go) = &d.golang {
                    details.push(("Go".into(), go.clone()));
                }
            }
            StatusView {
                title: title_stale("Kubo", k.stale),
                state: node_state(k),
                uptime_secs: daemon_uptime(m, "kubo"),
                peer_id: d.map(|d| d.peer_id.clone()).filter(|p| !p.is_empty()),
                versions: d
                    .and_then(|d| d.version.clone())
                    .map(|v| vec![("Version".into(), v)])
                    .unwrap_or_default(),
                details,
                error: k.error.clone(),
            }
        }
        Src::Cluster => {
            let c = &s.cluster;
            let d = c.data.as_ref();
            let mut details = Vec::new();
            if let Some(d) = d {
                details.push(("Name".into(), d.peer_name.clone()));
            }
            details.push(("API".into(), endpoint_line(c)));
            if let Some(d) = d {
                details.push(("Peers".into(), format!("{} in the cluster", d.peer_count)));
                if let Some(ipfs) = &d.ipfs_peer_id {
                    details.push(("Its Kubo".into(), short_id(ipfs, ascii)));
                }
            }
            StatusView {
                title: title_stale("Cluster", c.stale),
                state: node_state(c),
                uptime_secs: daemon_uptime(m, "cluster"),
                peer_id: d.map(|d| d.peer_id.clone()).filter(|p| !p.is_empty()),
                versions: d
                    .map(|d| vec![("Version".into(), d.version.clone())])
                    .unwrap_or_default(),
                details,
                error: c
                    .error
                    .clone()
                    .or_else(|| d.and_then(|d| d.ipfs_error.clone())),
            }
        }
        Src::Host => {
            let h = &s.host;
            let d = h.data.as_ref();
            let mut details = Vec::new();
            if let Some(d) = d {
                details.push((
                    "Name".into(),
                    d.hostname.clone().unwrap_or_else(|| "?".into()),
                ));
                details.push(("Cores".into(), d.cpu_per_core.len().to_string()));
                let [a, b, c] = d.load_average;
                details.push(("Load".into(), format!("{a:.2} {b:.2} {c:.2}")));
                details.push(("Memory".into(), wfmt::bytes(d.memory_total_bytes as f64)));
            }
            StatusView {
                title: "Host".into(),
                state: node_state(h),
                uptime_secs: d.map(|d| d.uptime_secs),
                peer_id: None,
                versions: Vec::new(),
                details,
                error: h.error.clone(),
            }
        }
    }
}

fn title_stale(title: &str, stale: bool) -> String {
    if stale {
        format!("{title} (last known values)")
    } else {
        title.to_string()
    }
}

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

fn matches(filter: &str, fields: &[&str]) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty() || fields.iter().any(|x| x.to_lowercase().contains(&f))
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

/// Points of a ring inside the window ending at the snapshot's time.
fn in_window(
    ring: &Ring,
    now: DateTime<Utc>,
    window: Duration,
) -> impl Iterator<Item = (DateTime<Utc>, Option<f64>)> + '_ {
    let start = now - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::zero());
    ring.points()
        .filter(move |(t, _)| *t > start && *t <= now)
        .copied()
}

pub fn counter_view(m: &Model, kind: CounterKind) -> CounterView {
    let s = &m.snap;
    let k = s.kubo.data.as_ref();
    let c = s.cluster.data.as_ref();
    let (title, series, now_value, polarity): (&str, Option<Series>, Option<f64>, Polarity) =
        match kind {
            CounterKind::KuboPins => (
                "Pins",
                Some(Series::KuboPins),
                k.and_then(|k| k.recursive_pins).map(|v| v as f64),
                Polarity::Neutral,
            ),
            CounterKind::KuboPeers => (
                "Swarm peers",
                Some(Series::KuboPeers),
                k.and_then(|k| k.peers).map(|v| v as f64),
                Polarity::UpIsGood,
            ),
            CounterKind::ClusterPins => (
                "Cluster pins",
                Some(Series::ClusterPins),
                c.map(|c| c.pin_count as f64),
                Polarity::Neutral,
            ),
            CounterKind::ClusterPeers => (
                "Cluster peers",
                Some(Series::ClusterPeers),
                c.map(|c| c.peer_count as f64),
                Polarity::UpIsGood,
            ),
            CounterKind::BitswapBlocks => (
                "Blocks received",
                None,
                k.and_then(|k| k.bitswap.as_ref())
                    .map(|b| b.blocks_received as f64),
                Polarity::Neutral,
            ),
            CounterKind::Provided => (
                "Provided",
                None,
                k.and_then(|k| k.provide.as_ref()?.provided_total)
                    .map(|v| v as f64),
                Polarity::UpIsGood,
            ),
        };
    // Change over the window: the first and last present samples in it.
    let (mut first, mut last) = (None, None);
    if let Some(series) = series {
        for (t, v) in in_window(s.history.ring(series), s.time, m.window()) {
            if let Some(v) = v {
                first.get_or_insert((t, v));
                last = Some((t, v));
            }
        }
    }
    let value = now_value.or(last.map(|l| l.1));
    let (previous, rate) = match (first, last) {
        (Some((t0, v0)), Some((t1, v1))) if t1 > t0 => {
            let secs = (t1 - t0).num_milliseconds() as f64 / 1000.0;
            (Some(v0), Some((v1 - v0) / secs))
        }
        _ => (None, None),
    };
    CounterView {
        title: format!("{title} ({})", window_label(m.window())),
        value: value.unwrap_or(f64::NAN),
        previous,
        rate_per_sec: rate,
        unit: Unit::Count,
        polarity,
    }
}

fn percent(used: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| used as f64 / total as f64 * 100.0)
}

/// The disk that holds the Kubo repo (longest mount point that prefixes its path), else `/`.
fn repo_disk(m: &Model) -> Option<&crate::model::DiskStats> {
    let host = m.snap.host.data.as_ref()?;
    let repo = m
        .snap
        .kubo
        .data
        .as_ref()
        .and_then(|k| k.repo.as_ref()?.path.clone())
        .unwrap_or_else(|| "/".into());
    host.disks
        .iter()
        .filter(|d| repo.starts_with(&d.mount_point))
        .max_by_key(|d| d.mount_point.len())
        .or_else(|| host.disks.iter().find(|d| d.mount_point == "/"))
        .or_else(|| host.disks.first())
}

pub fn metric_view(m: &Model, kind: MetricKind) -> MetricView {
    let s = &m.snap;
    let host = s.host.data.as_ref();
    match kind {
        MetricKind::Repo => {
            let repo = s.kubo.data.as_ref().and_then(|k| k.repo.as_ref());
            let title = match repo {
                Some(r) if r.storage_max_bytes.is_none() => "Repo (no StorageMax)",
                _ => "Repo",
            };
            MetricView::new(
                title,
                repo.and_then(|r| r.usage_ratio).map(|r| r * 100.0),
                Unit::Percent,
                Thresholds::higher_is_worse(80.0, 95.0),
            )
        }
        MetricKind::Cpu => MetricView::new(
            "CPU",
            host.map(|h| f64::from(h.cpu_percent)),
            Unit::Percent,
            Thresholds::higher_is_worse(75.0, 90.0),
        ),
        MetricKind::Memory => MetricView::new(
            "Memory",
            host.and_then(|h| percent(h.memory_used_bytes, h.memory_total_bytes)),
            Unit::Percent,
            Thresholds::higher_is_worse(80.0, 90.0),
        ),
        MetricKind::Swap => {
            let v = host.and_then(|h| percent(h.swap_used_bytes, h.swap_total_bytes));
            MetricView::new(
                if host.is_some() && v.is_none() {
                    "Swap (none)".to_string()
                } else {
                    "Swap".to_string()
                },
                v,
                Unit::Percent,
                Thresholds::higher_is_worse(50.0, 80.0),
            )
        }
        MetricKind::Disk => {
            let d = repo_disk(m);
            let title = match d {
                Some(d) if d.mount_point.len() <= 8 => format!("Disk {}", d.mount_point),
                Some(_) => "Repo disk".to_string(),
                None => "Disk".to_string(),
            };
            MetricView::new(
                title,
                d.and_then(|d| {
                    percent(
                        d.total_bytes.saturating_sub(d.available_bytes),
                        d.total_bytes,
                    )
                }),
                Unit::Percent,
                Thresholds::higher_is_worse(80.0, 90.0),
            )
        }
    }
}

/// A ring resampled to `cols` columns over the window, oldest first: each column is the mean
/// of the samples that fall in it, or the sample just before it while that is recent (the
/// poll interval may be longer than a column). A column that is at least half gap is a gap.
pub fn resample(
    ring: &Ring,
    now: DateTime<Utc>,
    window: Duration,
    cols: usize,
) -> Vec<Option<f64>> {
    if cols == 0 {
        return Vec::new();
    }
    let window_ms = window.as_millis().max(1) as f64;
    let step = window_ms / cols as f64;
    let start = now - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::zero());
    let pts: Vec<(f64, Option<f64>)> = ring
        .points()
        .map(|(t, v)| ((*t - start).num_milliseconds() as f64, *v))
        .collect();
    // Typical spacing of samples: how long a sample stands for.
    let spacing = match (pts.first(), pts.last()) {
        (Some(a), Some(b)) if pts.len() > 1 => (b.0 - a.0) / (pts.len() - 1) as f64,
        _ => step,
    };
    let hold = (spacing * 1.5).max(step);
    let mut out = Vec::with_capacity(cols);
    let mut j = 0; // first point not yet consumed
    let mut before: Option<(f64, Option<f64>)> = None;
    for i in 0..cols {
        let end = step * (i + 1) as f64;
        let (mut sum, mut n, mut gaps) = (0.0, 0u32, 0u32);
        while j < pts.len() && pts[j].0 <= end {
            let (t, v) = pts[j];
            if t > end - step {
                match v {
                    Some(v) if v.is_finite() => {
                        sum += v;
                        n += 1;
                    }
                    _ => gaps += 1,
                }
            }
            before = Some(pts[j]);
            j += 1;
        }
        // A column that was mostly down shows as a gap, so a short outage stays visible
        // when a column spans more than it.
        out.push(if gaps > 0 && gaps >= n {
            None
        } else if n > 0 {
            Some(sum / f64::from(n))
        } else {
            before.filter(|(t, _)| end - t <= hold).and_then(|(_, v)| v)
        });
    }
    out
}

pub fn spark_view(m: &Model, kind: SparkKind, cols: usize) -> SparklineView {
    let s = &m.snap;
    let (title, unit, max) = match kind {
        SparkKind::BwIn => ("In", Unit::BytesPerSec, None),
        SparkKind::BwOut => ("Out", Unit::BytesPerSec, None),
        SparkKind::KuboPeers => ("Peers", Unit::Count, None),
        SparkKind::RepoSize => ("Repo", Unit::Bytes, None),
        SparkKind::Cpu => ("CPU", Unit::Percent, Some(100.0)),
        SparkKind::Memory => (
            "Memory",
            Unit::Bytes,
            s.host.data.as_ref().map(|h| h.memory_total_bytes as f64),
        ),
        SparkKind::NetRx => ("Rx", Unit::BytesPerSec, None),
        SparkKind::NetTx => ("Tx", Unit::BytesPerSec, None),
        SparkKind::ClusterPins => ("Pins", Unit::Count, None),
        SparkKind::ClusterPeers => ("Peers", Unit::Count, None),
    };
    SparklineView {
        title: title.into(),
        values: resample(s.history.ring(kind.series()), s.time, m.window(), cols),
        unit,
        max,
        level: None,
    }
}

fn pin_status_level(status: &str) -> Level {
    if status.contains("error") {
        Level::Critical
    } else if matches!(status, "pinned" | "remote" | "sharded") {
        Level::Ok
    } else if status.contains("queued") || status.ends_with("ing") {
        Level::Info
    } else {
        Level::Unknown
    }
}

fn peer_label(m: &Model, peer: &str) -> String {
    m.snap
        .cluster
        .data
        .as_ref()
        .and_then(|c| c.peers.iter().find(|p| p.peer_id == peer))
        .map(|p| p.peer_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| short_id(peer, m.theme.ascii))
}

pub fn bars_view(m: &Model, kind: BarsKind) -> BarsView {
    let s = &m.snap;
    match kind {
        BarsKind::PinStatus => {
            if let Some(st) = s.cluster.data.as_ref().and_then(|c| c.pin_status.as_ref()) {
                let mut bars: Vec<BarItem> = st
                    .iter()
                    .map(|(k, v)| BarItem {
                        label: k.clone(),
                        value: *v as f64,
                        level: Some(pin_status_level(k)),
                    })
                    .collect();
                bars.sort_by_key(|b| std::cmp::Reverse(b.level.map_or(0, Level::rank)));
                BarsView {
                    title: "Pins by status (Cluster)".into(),
                    bars,
                    unit: Unit::Count,
                    max: None,
                }
            } else {
                let bars = s
                    .kubo
                    .data
                    .as_ref()
                    .and_then(|k| k.recursive_pins)
                    .map(|n| {
                        vec![BarItem {
                            label: "recursive".into(),
                            value: n as f64,
                            level: Some(Level::Ok),
                        }]
                    })
                    .unwrap_or_default();
                BarsView {
                    title: "Pins by status (Kubo; no Cluster)".into(),
                    bars,
                    unit: Unit::Count,
                    max: None,
                }
            }
        }
        BarsKind::FreeSpace => BarsView {
            title: "Free space per peer".into(),
            bars: s
                .cluster
                .data
                .as_ref()
                .map(|c| {
                    c.freespace
                        .iter()
                        .map(|f| BarItem {
                            label: peer_label(m, &f.peer),
                            value: f.free_bytes as f64,
                            level: (!f.valid).then_some(Level::Unknown),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            unit: Unit::Bytes,
            max: None,
        },
        BarsKind::Cores => {
            let t = Thresholds::higher_is_worse(75.0, 90.0);
            BarsView {
                title: "CPU per core".into(),
                bars: s
                    .host
                    .data
                    .as_ref()
                    .map(|h| {
                        h.cpu_per_core
                            .iter()
                            .enumerate()
                            .map(|(i, v)| BarItem {
                                label: format!("cpu{i}"),
                                value: f64::from(*v),
                                level: Some(t.level(Some(f64::from(*v)))),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                unit: Unit::Percent,
                max: Some(100.0),
            }
        }
    }
}

pub fn bandwidth_view(m: &Model) -> LineChartView {
    let s = &m.snap;
    let w = m.window();
    let line = |name: &str, series| Line {
        name: name.into(),
        points: in_window(s.history.ring(series), s.time, w)
            .filter_map(|(t, v)| {
                let x = (t - s.time).num_milliseconds() as f64 / 1000.0;
                v.filter(|v| v.is_finite()).map(|v| (x, v))
            })
            .collect(),
    };
    let secs = w.as_secs_f64();
    LineChartView {
        title: format!("Kubo bandwidth, last {}", window_label(w)),
        series: vec![
            line("in", Series::KuboBwInRate),
            line("out", Series::KuboBwOutRate),
        ],
        unit: Unit::BytesPerSec,
        x_labels: vec![
            format!("-{}", window_label(w)),
            format!("-{}", window_label(w / 2)),
            "now".into(),
        ],
        x_bounds: Some([-secs, 0.0]),
    }
}

pub fn heatmap_view(m: &Model) -> HeatmapView {
    let rows = m.activity.grid(m.snap.time.date_naive());
    HeatmapView {
        title: "Kubo bandwidth by hour (UTC)".into(),
        row_labels: rows.iter().map(|(l, _)| l.clone()).collect(),
        col_labels: (0..24).map(|h| format!("{h:02}")).collect(),
        cells: rows.into_iter().map(|(_, c)| c).collect(),
        unit: Unit::BytesPerSec,
        max: None,
    }
}

pub fn history_view(m: &Model) -> HistoryView {
    let session = |o: &super::model::OpEntry| {
        (
            o.time,
            OpRow {
                time: o.time.map_or_else(|| "--:--:--".into(), clock),
                action: o.action.clone(),
                target: o.target.clone(),
                status: match o.state {
                    OpState::Running => OpStatus::Running,
                    OpState::Ok => OpStatus::Ok,
                    OpState::Failed => OpStatus::Failed,
                },
                duration_ms: o.duration_ms,
            },
        )
    };
    let (title, rows) = match &m.audit {
        // The history file holds the dashboard's recorded actions, the supervisor's events,
        // source changes and what other ipfs-kit commands did; the session adds the rest,
        // and the actions still running (most are written to the file when they end).
        Some(audit) => {
            let mut rows: Vec<(Option<DateTime<Utc>>, OpRow)> = m
                .ops
                .iter()
                .filter(|o| !o.recorded || o.state == OpState::Running)
                .map(session)
                .chain(audit.iter().map(|e| (Some(e.timestamp), audit_row(e))))
                .collect();
            // Newest first; not yet stamped (just asked for) on top.
            rows.sort_by_key(|(t, _)| {
                std::cmp::Reverse(t.map_or(i64::MAX, |t| t.timestamp_millis()))
            });
            (
                "Operation history",
                rows.into_iter().map(|(_, r)| r).collect(),
            )
        }
        None => (
            "Operations (this session; no history file)",
            m.ops.iter().map(|o| session(o).1).collect(),
        ),
    };
    HistoryView {
        title: title.into(),
        rows,
        filter: m.filter.clone(),
        selected: None,
        offset: m.scroll.get(&ListKind::History).copied().unwrap_or(0),
    }
}

/// An operation-history line as a row: `daemon.start` on `kubo`, with the error if failed.
fn audit_row(e: &crate::ophistory::OpEntry) -> OpRow {
    use crate::ophistory::OpStatus as S;
    let mut target = e.resource.clone().unwrap_or_default();
    let note = e
        .details
        .get("error")
        .or_else(|| e.details.get("message"))
        .or_else(|| e.details.get("result"))
        .and_then(|v| v.as_str());
    if let Some(n) = note.filter(|n| !n.is_empty()) {
        target = if target.is_empty() {
            n.to_string()
        } else {
            format!("{target}: {n}")
        };
    }
    OpRow {
        time: clock(e.timestamp),
        action: e.action.clone(),
        target,
        status: match e.status {
            S::Ok => OpStatus::Ok,
            S::Failed => OpStatus::Failed,
            S::Running => OpStatus::Running,
        },
        duration_ms: e.duration_ms,
    }
}

fn badge(level: Level, word: &str, ascii: bool) -> String {
    format!("{} {word}", level.glyph(ascii))
}

/// The dashboard's own lists.
pub fn table_view(m: &Model, kind: ListKind) -> TableView {
    let s = &m.snap;
    let ascii = m.theme.ascii;
    let (title, columns, rows, empty): (
        &str,
        Vec<(&'static str, Constraint)>,
        Vec<TableRow>,
        &str,
    ) = match kind {
        ListKind::Addresses => (
            "Listen addresses",
            vec![("Address", Constraint::Fill(1))],
            s.kubo
                .data
                .as_ref()
                .map(|k| {
                    k.addresses
                        .iter()
                        .map(|a| TableRow {
                            level: None,
                            cells: vec![a.clone()],
                        })
                        .collect()
                })
                .unwrap_or_default(),
            "no addresses (Kubo not answering)",
        ),
        ListKind::ClusterPeers => (
            "Cluster peers",
            vec![
                ("State", Constraint::Length(if ascii { 12 } else { 9 })),
                ("Name", Constraint::Fill(1)),
                ("Peer ID", Constraint::Fill(2)),
                ("Error", Constraint::Fill(2)),
            ],
            s.cluster
                .data
                .as_ref()
                .map(|c| {
                    c.peers
                        .iter()
                        .map(|p| {
                            let level = if p.error.is_some() {
                                Level::Critical
                            } else {
                                Level::Ok
                            };
                            let word = if p.error.is_some() { "error" } else { "ok" };
                            TableRow {
                                level: Some(level),
                                cells: vec![
                                    badge(level, word, ascii),
                                    p.peer_name.clone(),
                                    p.peer_id.clone(),
                                    p.error.clone().unwrap_or_default(),
                                ],
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
            "no peers (Cluster not answering)",
        ),
        ListKind::Disks => (
            "Disks",
            vec![
                ("Use", Constraint::Length(if ascii { 15 } else { 12 })),
                ("Mount", Constraint::Fill(2)),
                ("FS", Constraint::Length(8)),
                ("Used", Constraint::Length(10)),
                ("Size", Constraint::Length(10)),
            ],
            s.host
                .data
                .as_ref()
                .map(|h| {
                    let t = Thresholds::higher_is_worse(80.0, 90.0);
                    h.disks
                        .iter()
                        .map(|d| {
                            let used = d.total_bytes.saturating_sub(d.available_bytes);
                            let pct = percent(used, d.total_bytes);
                            let level = t.level(pct);
                            TableRow {
                                level: Some(level),
                                cells: vec![
                                    format!(
                                        "{} {}",
                                        level.glyph(ascii),
                                        pct.map_or("n/a".into(), wfmt::percent)
                                    ),
                                    d.mount_point.clone(),
                                    d.file_system.clone(),
                                    wfmt::bytes(used as f64),
                                    wfmt::bytes(d.total_bytes as f64),
                                ],
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
            "no disks",
        ),
        ListKind::Processes => (
            "IPFS daemons on this host",
            vec![
                ("Role", Constraint::Length(8)),
                ("PID", Constraint::Length(8)),
                ("Name", Constraint::Fill(1)),
                ("CPU", Constraint::Length(7)),
                ("RSS", Constraint::Length(10)),
                ("Up", Constraint::Length(8)),
            ],
            s.host
                .data
                .as_ref()
                .map(|h| {
                    h.processes
                        .iter()
                        .map(|p| TableRow {
                            level: None,
                            cells: vec![
                                p.role.clone(),
                                p.pid.to_string(),
                                p.name.clone(),
                                wfmt::percent(f64::from(p.cpu_percent)),
                                wfmt::bytes(p.rss_bytes as f64),
                                wfmt::duration(p.run_time_secs),
                            ],
                        })
                        .collect()
                })
                .unwrap_or_default(),
            "no Kubo or Cluster process found on this host",
        ),
        // Alerts and history have widgets of their own.
        ListKind::Alerts | ListKind::ClusterAlerts | ListKind::History | ListKind::DaemonLog => {
            ("", Vec::new(), Vec::new(), "")
        }
        ListKind::Daemons | ListKind::ActiveAlerts | ListKind::AlertLog | ListKind::Pins => {
            return super::lists::table(m, kind);
        }
    };
    let total = rows.len();
    let rows: Vec<TableRow> = rows
        .into_iter()
        .filter(|r| {
            let cells: Vec<&str> = r.cells.iter().map(String::as_str).collect();
            matches(&m.filter, &cells)
        })
        .collect();
    TableView {
        title: title.into(),
        columns,
        rows,
        total,
        filter: m.filter.clone(),
        offset: m.scroll.get(&kind).copied().unwrap_or(0),
        empty: empty.into(),
        middle_cut: if kind == ListKind::ClusterPeers {
            vec![2]
        } else {
            Vec::new()
        },
        selected: None,
    }
}

/// How many rows a list has after the filter, to bound scrolling.
pub fn list_len(m: &Model, kind: ListKind) -> usize {
    match kind {
        ListKind::Alerts | ListKind::ClusterAlerts => {
            alert_rows(m, kind == ListKind::ClusterAlerts)
                .iter()
                .filter(|r| matches(&m.filter, &[&r.message, r.severity.word()]))
                .count()
        }
        ListKind::History => history_view(m).matching().len(),
        ListKind::DaemonLog => super::lists::log_lines(m).len(),
        _ => table_view(m, kind).rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{History, Series};

    fn ring(points: &[(i64, Option<f64>)]) -> (History, DateTime<Utc>) {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut h = History::new(Duration::from_secs(3600));
        for (s, v) in points {
            h.push(Series::KuboPeers, now + chrono::Duration::seconds(*s), *v);
        }
        (h, now)
    }

    #[test]
    fn resample_keeps_gaps_newest_right_and_holds_between_samples() {
        // Samples every 2 s over the last 20 s, down from -10 s to -4 s.
        let pts: Vec<(i64, Option<f64>)> = (-19..=0)
            .step_by(2)
            .map(|s| {
                (
                    s,
                    (!(-10..=-4).contains(&s)).then_some(f64::from(s as i32 + 100)),
                )
            })
            .collect();
        let (h, now) = ring(&pts);
        let cols = resample(h.ring(Series::KuboPeers), now, Duration::from_secs(20), 20);
        assert_eq!(cols.len(), 20);
        // Newest at the right.
        assert_eq!(cols[19], Some(99.0));
        // The outage is a gap, not bridged.
        assert!(cols[10..16].iter().all(Option::is_none), "{cols:?}");
        // Between two samples the earlier one holds (1 s columns, 2 s interval).
        assert!(cols[1].is_some() && cols[2].is_some(), "{cols:?}");
        // Nothing before the first sample.
        let (h, now) = ring(&[(0, Some(1.0))]);
        let cols = resample(h.ring(Series::KuboPeers), now, Duration::from_secs(60), 6);
        assert_eq!(cols, vec![None, None, None, None, None, Some(1.0)]);
    }
}
