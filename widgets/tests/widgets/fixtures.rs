//! Fixed view data for tests and benches: no clocks, no randomness.
//! Shared with `benches/render.rs` through `#[path]`.

#![allow(dead_code)]

use ipfs_kit_widgets::{
    Draw, Level, Theme, Unit,
    alert::{AlertRow, AlertView, Severity, SeverityCounts},
    bars::{BarItem, BarsView},
    counter::{CounterView, Polarity},
    health::{HealthLevel, HealthView, ServiceHealth},
    heatmap::HeatmapView,
    history::{HistoryView, OpRow, OpStatus},
    line_chart::{LineChartView, Series},
    metric::{MetricView, Thresholds},
    sparkline::SparklineView,
    status::{NodeState, StatusView},
};
use ratatui::{
    buffer::Buffer,
    layout::{Constraint, Layout, Rect},
    widgets::Widget,
};

const MIB: f64 = 1024.0 * 1024.0;
const GIB: f64 = 1024.0 * MIB;

/// A pseudo-random but fixed wobble in 0..1.
fn wobble(i: usize) -> f64 {
    ((i * 7919 + 13) % 97) as f64 / 97.0
}

pub fn status() -> StatusView {
    StatusView {
        title: "Kubo".into(),
        state: NodeState::Running,
        uptime_secs: Some(3 * 86_400 + 4 * 3_600 + 12 * 60),
        peer_id: Some("12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo".into()),
        versions: vec![
            ("Kubo".into(), "0.39.0".into()),
            ("Cluster".into(), "1.1.6".into()),
        ],
        details: vec![
            ("API".into(), "127.0.0.1:5001".into()),
            ("Repo".into(), "/var/lib/ipfs".into()),
        ],
        error: None,
    }
}

pub fn status_stopped() -> StatusView {
    StatusView {
        title: "Cluster".into(),
        state: NodeState::Stopped,
        uptime_secs: None,
        peer_id: None,
        versions: vec![("Cluster".into(), "1.1.6".into())],
        details: vec![],
        error: Some("dial tcp 127.0.0.1:9094: connect: connection refused".into()),
    }
}

pub fn health() -> HealthView {
    let svc = |name: &str, level, response_ms, detail: Option<&str>| ServiceHealth {
        name: name.into(),
        level,
        response_ms,
        detail: detail.map(Into::into),
    };
    HealthView {
        title: "Health".into(),
        score: Some(72),
        services: vec![
            svc("Kubo API", HealthLevel::Healthy, Some(12.4), None),
            svc("Kubo gateway", HealthLevel::Healthy, Some(3.2), None),
            svc(
                "Cluster REST",
                HealthLevel::Degraded,
                Some(850.0),
                Some("slow responses"),
            ),
            svc(
                "S3 backend",
                HealthLevel::Unhealthy,
                None,
                Some("connection refused"),
            ),
            svc("Pinning service", HealthLevel::Unknown, None, None),
        ],
    }
}

pub fn alerts() -> AlertView {
    let row = |time: &str, severity, message: &str| AlertRow {
        time: time.into(),
        severity,
        message: message.into(),
    };
    let alerts = vec![
        row(
            "12:04:10",
            Severity::Critical,
            "S3 backend unreachable: connection refused",
        ),
        row(
            "12:03:55",
            Severity::Warning,
            "Repo 91% full (StorageMax 100 GiB)",
        ),
        row(
            "12:01:02",
            Severity::Warning,
            "Cluster REST slow: p95 850 ms",
        ),
        row("11:58:40", Severity::Info, "Kubo restarted by supervisor"),
        row("11:50:13", Severity::Info, "Peer count recovered: 42 peers"),
        row(
            "11:42:07",
            Severity::Info,
            "Pin of bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi done",
        ),
    ];
    AlertView {
        title: "Alerts".into(),
        counts: SeverityCounts::from_rows(&alerts),
        alerts,
    }
}

pub fn counter() -> CounterView {
    CounterView {
        title: "Pins".into(),
        value: 12_345.0,
        previous: Some(12_225.0),
        rate_per_sec: Some(2.0),
        unit: Unit::Count,
        polarity: Polarity::UpIsGood,
    }
}

pub fn metric() -> MetricView {
    MetricView::new(
        "CPU",
        Some(92.5),
        Unit::Percent,
        Thresholds::higher_is_worse(75.0, 90.0),
    )
}

pub fn metric_free_space() -> MetricView {
    MetricView {
        max: Some(100.0 * GIB),
        ..MetricView::new(
            "Free space",
            Some(18.0 * GIB),
            Unit::Bytes,
            Thresholds::lower_is_worse(20.0 * GIB, 5.0 * GIB),
        )
    }
}

pub fn history() -> HistoryView {
    let actions = [
        "pin add",
        "pin rm",
        "restart",
        "gc",
        "pin add",
        "config set",
    ];
    let targets = [
        "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
        "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
        "kubo",
        "repo",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        "Datastore.StorageMax",
    ];
    let statuses = [
        OpStatus::Ok,
        OpStatus::Ok,
        OpStatus::Failed,
        OpStatus::Ok,
        OpStatus::Running,
        OpStatus::Ok,
    ];
    let rows = (0..14)
        .map(|i| OpRow {
            time: format!("12:{:02}:{:02}", 59 - i * 3, (i * 17) % 60),
            action: actions[i % actions.len()].into(),
            target: targets[i % targets.len()].into(),
            status: statuses[i % statuses.len()],
            duration_ms: (statuses[i % statuses.len()] != OpStatus::Running)
                .then_some(40 + (i as u64 * 1_337) % 9_000),
        })
        .collect();
    HistoryView {
        title: "Operations".into(),
        rows,
        filter: String::new(),
        selected: Some(2),
        offset: 0,
    }
}

pub fn sparkline() -> SparklineView {
    let values = (0..150)
        .map(|i| {
            // Two short outages, drawn as gaps.
            if (60..64).contains(&i) || i == 120 {
                None
            } else {
                let tri = (i % 40) as f64 / 40.0;
                Some((0.3 + 0.5 * tri + 0.2 * wobble(i)) * 4.0 * MIB)
            }
        })
        .collect();
    SparklineView {
        title: "Bandwidth in".into(),
        values,
        unit: Unit::BytesPerSec,
        max: None,
        level: None,
    }
}

pub fn bars() -> BarsView {
    BarsView {
        title: "Pins by status".into(),
        bars: vec![
            BarItem {
                label: "pinned".into(),
                value: 12_200.0,
                level: Some(Level::Ok),
            },
            BarItem {
                label: "pinning".into(),
                value: 95.0,
                level: Some(Level::Info),
            },
            BarItem {
                label: "queued".into(),
                value: 47.0,
                level: Some(Level::Info),
            },
            BarItem {
                label: "error".into(),
                value: 3.0,
                level: Some(Level::Critical),
            },
        ],
        unit: Unit::Count,
        max: None,
    }
}

pub fn bars_free_space() -> BarsView {
    BarsView {
        title: "Free space per peer".into(),
        bars: (0..6)
            .map(|i| BarItem::new(format!("peer-{i}"), (10.0 + 90.0 * wobble(i)) * GIB))
            .collect(),
        unit: Unit::Bytes,
        max: Some(120.0 * GIB),
    }
}

pub fn line_chart() -> LineChartView {
    let points = |phase: usize, scale: f64| {
        (0..=60)
            .map(|i| {
                let x = -300.0 + 5.0 * i as f64;
                let tri = ((i + phase) % 20) as f64 / 20.0;
                (x, (0.2 + 0.6 * tri + 0.2 * wobble(i + phase)) * scale)
            })
            .collect()
    };
    LineChartView {
        title: "Bandwidth".into(),
        series: vec![
            Series {
                name: "in".into(),
                points: points(0, 4.0 * MIB),
            },
            Series {
                name: "out".into(),
                points: points(7, 1.5 * MIB),
            },
        ],
        unit: Unit::BytesPerSec,
        x_labels: vec!["-5m".into(), "-2m30s".into(), "now".into()],
        x_bounds: Some([-300.0, 0.0]),
    }
}

pub fn heatmap() -> HeatmapView {
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let cells = (0..7)
        .map(|d| {
            (0..24)
                .map(|h| {
                    // No data before the collector started on Monday morning.
                    if d == 0 && h < 6 {
                        None
                    } else {
                        // Busy office hours on weekdays.
                        let busy = if d < 5 && (9..18).contains(&h) {
                            1.0
                        } else {
                            0.25
                        };
                        Some(busy * (0.5 + 0.5 * wobble(d * 24 + h)) * 2.0 * GIB)
                    }
                })
                .collect()
        })
        .collect();
    HeatmapView {
        title: "Transfer by hour".into(),
        row_labels: days.iter().map(|d| d.to_string()).collect(),
        col_labels: (0..24).map(|h| format!("{h:02}")).collect(),
        cells,
        unit: Unit::Bytes,
        max: None,
    }
}

/// Every widget with its fixture, by name.
pub fn all() -> Vec<(&'static str, Box<dyn Draw>)> {
    vec![
        ("status", Box::new(status())),
        ("health", Box::new(health())),
        ("alert", Box::new(alerts())),
        ("counter", Box::new(counter())),
        ("metric", Box::new(metric())),
        ("history", Box::new(history())),
        ("sparkline", Box::new(sparkline())),
        ("bars", Box::new(bars())),
        ("line_chart", Box::new(line_chart())),
        ("heatmap", Box::new(heatmap())),
    ]
}

/// Every widget with empty view data.
pub fn all_empty() -> Vec<(&'static str, Box<dyn Draw>)> {
    vec![
        ("status", Box::new(StatusView::default())),
        ("health", Box::new(HealthView::default())),
        ("alert", Box::new(AlertView::default())),
        ("counter", Box::new(CounterView::default())),
        (
            "metric",
            Box::new(MetricView::new(
                "",
                None,
                Unit::Percent,
                Thresholds::default(),
            )),
        ),
        ("history", Box::new(HistoryView::default())),
        ("sparkline", Box::new(SparklineView::default())),
        ("bars", Box::new(BarsView::default())),
        ("line_chart", Box::new(LineChartView::default())),
        ("heatmap", Box::new(HeatmapView::default())),
    ]
}

/// The views the overview screen draws, built once.
pub struct Overview {
    pub status: StatusView,
    pub health: HealthView,
    pub alerts: AlertView,
    pub counter: CounterView,
    pub metric: MetricView,
    pub free: MetricView,
    pub history: HistoryView,
    pub sparkline: SparklineView,
    pub bars: BarsView,
    pub line_chart: LineChartView,
    pub heatmap: HeatmapView,
}

impl Overview {
    pub fn new() -> Self {
        Self {
            status: status(),
            health: health(),
            alerts: alerts(),
            counter: counter(),
            metric: metric(),
            free: metric_free_space(),
            history: history(),
            sparkline: sparkline(),
            bars: bars(),
            line_chart: line_chart(),
            heatmap: heatmap(),
        }
    }

    /// Lays every widget out in `area`, as a dashboard's overview tab would.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let [top, mid, charts, bottom] = Layout::vertical([
            Constraint::Length(10),
            Constraint::Length(8),
            Constraint::Length(14),
            Constraint::Fill(1),
        ])
        .areas(area);
        let [status, health, alerts] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Fill(2),
        ])
        .areas(top);
        self.status.themed(theme).render(status, buf);
        self.health.themed(theme).render(health, buf);
        self.alerts.themed(theme).render(alerts, buf);

        let [counter, gauges, spark, bars] =
            Layout::horizontal([Constraint::Fill(1); 4]).areas(mid);
        let [cpu, free] = Layout::vertical([Constraint::Fill(1); 2]).areas(gauges);
        self.counter.themed(theme).render(counter, buf);
        self.metric.themed(theme).render(cpu, buf);
        self.free.themed(theme).render(free, buf);
        self.sparkline.themed(theme).render(spark, buf);
        self.bars.themed(theme).render(bars, buf);

        let [chart, heat] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(86)]).areas(charts);
        self.line_chart.themed(theme).render(chart, buf);
        self.heatmap.themed(theme).render(heat, buf);

        self.history.themed(theme).render(bottom, buf);
    }
}
