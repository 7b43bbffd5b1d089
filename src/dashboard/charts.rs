//! `dashboard chart`: a metric as a line, scatter, bar, pie or heat map chart, built from the
//! same Model the screen draws: time series from the snapshot's history rings, current
//! values through the bar converters, heat maps through the heat-map converters (Kubo
//! bandwidth by day and hour; the operation history by weekday and hour, through the audit
//! analysis). Pure; CSV is written here too, so JSON and CSV cannot disagree.

use chrono::{DateTime, Utc};
use serde::Serialize;

use ipfs_kit_widgets::Unit;
use ipfs_kit_widgets::heatmap::HeatmapView;

use crate::model::Series;
use crate::tui::convert as cv;
use crate::tui::model::{BarsKind, Model};

/// Bumped when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ChartType {
    /// A time series from the history rings.
    Line,
    /// A time series as points (x: seconds before the snapshot) with a least-squares trend.
    Scatter,
    /// Current values.
    Bar,
    /// Current values as shares of their total.
    Pie,
    /// Counts or means by hour (columns) and day (rows).
    Heatmap,
}

impl ChartType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChartType::Line => "line",
            ChartType::Scatter => "scatter",
            ChartType::Bar => "bar",
            ChartType::Pie => "pie",
            ChartType::Heatmap => "heatmap",
        }
    }
}

/// Where a metric's figures come from.
#[derive(Clone, Copy, Debug)]
enum Figures {
    /// History rings: (series name, ring).
    Rings(&'static [(&'static str, Series)]),
    /// A bar converter's bars.
    Bars(BarsKind),
    /// Firing alerts by severity.
    AlertSeverity,
    /// Score per source (0-100).
    HealthScores,
    /// Kubo bandwidth by day and hour (the Overview's heat map).
    Activity,
    /// The operation history by weekday and hour (the Audit tab's heat map).
    OperationsWeek,
}

/// A metric a chart can show.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    pub id: &'static str,
    pub title: &'static str,
    from: Figures,
}

const TIME: &[ChartType] = &[ChartType::Line, ChartType::Scatter];
const NOW: &[ChartType] = &[ChartType::Bar, ChartType::Pie];
const HEAT: &[ChartType] = &[ChartType::Heatmap];

const fn metric(id: &'static str, title: &'static str, from: Figures) -> Metric {
    Metric { id, title, from }
}

pub const METRICS: &[Metric] = &[
    metric(
        "kubo.bandwidth",
        "Kubo bandwidth in and out",
        Figures::Rings(&[("in", Series::KuboBwInRate), ("out", Series::KuboBwOutRate)]),
    ),
    metric(
        "kubo.peers",
        "Kubo swarm peers",
        Figures::Rings(&[("peers", Series::KuboPeers)]),
    ),
    metric(
        "kubo.repo_size",
        "Kubo repo size",
        Figures::Rings(&[("repo", Series::KuboRepoSize)]),
    ),
    metric(
        "kubo.pins",
        "Kubo recursive pins",
        Figures::Rings(&[("pins", Series::KuboPins)]),
    ),
    metric(
        "cluster.pins",
        "Cluster pins",
        Figures::Rings(&[("pins", Series::ClusterPins)]),
    ),
    metric(
        "cluster.peers",
        "Cluster peers",
        Figures::Rings(&[("peers", Series::ClusterPeers)]),
    ),
    metric(
        "host.cpu",
        "Host CPU use",
        Figures::Rings(&[("cpu", Series::HostCpuPercent)]),
    ),
    metric(
        "host.memory",
        "Host memory used",
        Figures::Rings(&[("memory", Series::HostMemUsedBytes)]),
    ),
    metric(
        "host.network",
        "Host network received and sent",
        Figures::Rings(&[("rx", Series::HostNetRxRate), ("tx", Series::HostNetTxRate)]),
    ),
    metric(
        "pins.status",
        "Pins by status",
        Figures::Bars(BarsKind::PinStatus),
    ),
    metric(
        "cluster.free_space",
        "Free space per Cluster peer",
        Figures::Bars(BarsKind::FreeSpace),
    ),
    metric(
        "host.cores",
        "CPU use per core",
        Figures::Bars(BarsKind::Cores),
    ),
    metric(
        "alerts.severity",
        "Firing alerts by severity",
        Figures::AlertSeverity,
    ),
    metric(
        "health.scores",
        "Health score per source",
        Figures::HealthScores,
    ),
    metric(
        "kubo.activity",
        "Kubo bandwidth by day and hour",
        Figures::Activity,
    ),
    metric(
        "operations",
        "Operations by weekday and hour",
        Figures::OperationsWeek,
    ),
];

impl Metric {
    /// The chart types this metric can be drawn as.
    pub fn types(&self) -> &'static [ChartType] {
        match self.from {
            Figures::Rings(_) => TIME,
            Figures::Bars(_) | Figures::AlertSeverity | Figures::HealthScores => NOW,
            Figures::Activity | Figures::OperationsWeek => HEAT,
        }
    }

    /// Whether it needs the audit analysis of the history files.
    pub fn needs_analysis(&self) -> bool {
        matches!(self.from, Figures::OperationsWeek)
    }
}

pub fn find(id: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.id == id)
}

/// The metrics a chart type can show, for messages.
pub fn ids_for(t: ChartType) -> Vec<&'static str> {
    METRICS
        .iter()
        .filter(|m| m.types().contains(&t))
        .map(|m| m.id)
        .collect()
}

/// An x value: a time (line), seconds before the snapshot (scatter), or a label.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum X {
    Time(DateTime<Utc>),
    Seconds(f64),
    Label(String),
}

impl X {
    fn text(&self) -> String {
        match self {
            X::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            X::Seconds(s) => format!("{s}"),
            X::Label(l) => l.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    pub x: X,
    /// `null`: no value (a gap where the source was down, an empty heat-map cell).
    pub y: Option<f64>,
    /// Pie charts: the share of the total, 0-100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
}

/// Least-squares line through a scatter series: y = slope·x + intercept.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Trend {
    pub slope: f64,
    pub intercept: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartSeries {
    pub name: String,
    pub points: Vec<Point>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub schema_version: u32,
    pub chart_type: ChartType,
    pub metric: &'static str,
    pub title: String,
    /// How y values are meant (`bytes_per_sec`, `percent`…).
    pub unit: Unit,
    /// The snapshot the chart was built from.
    pub snapshot_time: DateTime<Utc>,
    pub series: Vec<ChartSeries>,
}

/// Builds the chart; `None` when the metric cannot be drawn as `t` (see `Metric::types`).
pub fn build(m: &Model, metric: &'static Metric, t: ChartType) -> Option<Chart> {
    if !metric.types().contains(&t) {
        return None;
    }
    let snap = &m.snap;
    let (title, unit, series) = match metric.from {
        Figures::Rings(rings) => {
            let series = rings
                .iter()
                .map(|(name, s)| time_series(m, name, *s, t))
                .collect();
            (metric.title.to_string(), ring_unit(rings[0].1), series)
        }
        Figures::Bars(k) => {
            let v = cv::bars_view(m, k);
            let values = v.bars.iter().map(|b| (b.label.clone(), b.value)).collect();
            (v.title, v.unit, vec![now_series(metric.id, values, t)])
        }
        Figures::AlertSeverity => {
            let c = snap.alert_counts();
            let values = vec![
                ("critical".to_string(), c.critical as f64),
                ("warning".to_string(), c.warning as f64),
            ];
            (
                metric.title.to_string(),
                Unit::Count,
                vec![now_series(metric.id, values, t)],
            )
        }
        Figures::HealthScores => {
            let values = snap
                .health
                .sources
                .iter()
                .filter_map(|(name, h)| Some((name.clone(), f64::from(h.score?))))
                .collect();
            (
                metric.title.to_string(),
                Unit::Count,
                vec![now_series(metric.id, values, t)],
            )
        }
        Figures::Activity => heat(cv::heatmap_view(m)),
        Figures::OperationsWeek => heat(cv::week_view(m)),
    };
    Some(Chart {
        schema_version: SCHEMA_VERSION,
        chart_type: t,
        metric: metric.id,
        title,
        unit,
        snapshot_time: snap.time,
        series,
    })
}

fn ring_unit(s: Series) -> Unit {
    match s {
        Series::HostCpuPercent => Unit::Percent,
        Series::HostMemUsedBytes | Series::KuboRepoSize => Unit::Bytes,
        Series::HostNetRxRate
        | Series::HostNetTxRate
        | Series::KuboBwInRate
        | Series::KuboBwOutRate => Unit::BytesPerSec,
        Series::KuboPeers | Series::KuboPins | Series::ClusterPins | Series::ClusterPeers => {
            Unit::Count
        }
    }
}

/// Every retained point of the ring, oldest first (gaps kept as `null`).
fn time_series(m: &Model, name: &str, s: Series, t: ChartType) -> ChartSeries {
    let now = m.snap.time;
    let points: Vec<Point> = m
        .snap
        .history
        .ring(s)
        .points()
        .map(|(at, v)| Point {
            x: match t {
                ChartType::Scatter => X::Seconds((*at - now).num_milliseconds() as f64 / 1000.0),
                _ => X::Time(*at),
            },
            y: v.filter(|v| v.is_finite()),
            percent: None,
        })
        .collect();
    let trend = (t == ChartType::Scatter).then(|| trend(&points)).flatten();
    ChartSeries {
        name: name.to_string(),
        points,
        trend,
    }
}

fn now_series(name: &str, values: Vec<(String, f64)>, t: ChartType) -> ChartSeries {
    let total: f64 = values.iter().map(|(_, v)| v.max(0.0)).sum();
    let points = values
        .into_iter()
        .map(|(label, v)| Point {
            x: X::Label(label),
            y: v.is_finite().then_some(v),
            percent: (t == ChartType::Pie).then(|| {
                if total > 0.0 {
                    v.max(0.0) / total * 100.0
                } else {
                    0.0
                }
            }),
        })
        .collect();
    ChartSeries {
        name: name.to_string(),
        points,
        trend: None,
    }
}

/// One series per heat-map row (a day), one point per column (an hour).
fn heat(v: HeatmapView) -> (String, Unit, Vec<ChartSeries>) {
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let series = v
        .row_labels
        .iter()
        .zip(&v.cells)
        .map(|(row, cells)| ChartSeries {
            name: row.clone(),
            points: cells
                .iter()
                .enumerate()
                .map(|(i, c)| Point {
                    x: X::Label(v.col_labels.get(i).unwrap_or(&hours[i % 24]).clone()),
                    y: *c,
                    percent: None,
                })
                .collect(),
            trend: None,
        })
        .collect();
    (v.title, v.unit, series)
}

/// Least squares over the points with a value; fewer than two: none; all at one x: flat at
/// the mean.
fn trend(points: &[Point]) -> Option<Trend> {
    let xy: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| match (&p.x, p.y) {
            (X::Seconds(x), Some(y)) => Some((*x, y)),
            _ => None,
        })
        .collect();
    if xy.len() < 2 {
        return None;
    }
    let n = xy.len() as f64;
    let mx = xy.iter().map(|p| p.0).sum::<f64>() / n;
    let my = xy.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    Some(Trend {
        slope,
        intercept: my - slope * mx,
    })
}

/// RFC 4180 CSV (every field sanitised: labels come from outside, e.g. peer names): `x`, then one column per series (and `<series>_percent` for pies); one row
/// per distinct x in the order they first appear (time order for time series). A missing
/// value is an empty cell.
pub fn to_csv(c: &Chart) -> String {
    let mut out = String::new();
    let pie = c.chart_type == ChartType::Pie;
    let mut head = vec!["x".to_string()];
    for s in &c.series {
        head.push(s.name.clone());
        if pie {
            head.push(format!("{}_percent", s.name));
        }
    }
    let row = |out: &mut String, fields: &[String]| {
        let clean: Vec<String> = fields
            .iter()
            .map(|f| ipfs_kit_widgets::sanitize::one_line(f).into_owned())
            .collect();
        ipfs_kit_audit::report::csv_row(out, &clean);
    };
    row(&mut out, &head);
    let mut xs: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for s in &c.series {
        for p in &s.points {
            let x = p.x.text();
            if !index.contains_key(&x) {
                index.insert(x.clone(), xs.len());
                xs.push(x);
            }
        }
    }
    if c.series
        .iter()
        .any(|s| matches!(s.points.first(), Some(Point { x: X::Time(_), .. })))
    {
        // RFC 3339 in UTC with fixed precision sorts as text in time order.
        xs.sort();
    }
    // Per series, x → its first point there.
    let cells: Vec<std::collections::HashMap<String, &Point>> = c
        .series
        .iter()
        .map(|s| {
            let mut m = std::collections::HashMap::new();
            for p in &s.points {
                m.entry(p.x.text()).or_insert(p);
            }
            m
        })
        .collect();
    let num = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    for x in &xs {
        let mut cells_row = vec![x.clone()];
        for m in &cells {
            let p = m.get(x);
            cells_row.push(num(p.and_then(|p| p.y)));
            if pie {
                cells_row.push(num(p.and_then(|p| p.percent)));
            }
        }
        row(&mut out, &cells_row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(x: f64, y: f64) -> Point {
        Point {
            x: X::Seconds(x),
            y: Some(y),
            percent: None,
        }
    }

    #[test]
    fn trend_is_least_squares_and_flat_without_x_spread() {
        let t = trend(&[pt(0.0, 1.0), pt(1.0, 3.0), pt(2.0, 5.0)]).expect("trend");
        assert!((t.slope - 2.0).abs() < 1e-9 && (t.intercept - 1.0).abs() < 1e-9);
        let t = trend(&[pt(1.0, 2.0), pt(1.0, 4.0)]).expect("trend");
        assert_eq!((t.slope, t.intercept), (0.0, 3.0));
        assert_eq!(trend(&[pt(1.0, 2.0)]), None);
    }

    #[test]
    fn pie_shares_add_up_and_csv_has_a_percent_column() {
        let s = now_series(
            "pins.status",
            vec![("pinned".into(), 3.0), ("queued".into(), 1.0)],
            ChartType::Pie,
        );
        let shares: Vec<f64> = s.points.iter().filter_map(|p| p.percent).collect();
        assert_eq!(shares, vec![75.0, 25.0]);
        let c = Chart {
            schema_version: 1,
            chart_type: ChartType::Pie,
            metric: "pins.status",
            title: "t".into(),
            unit: Unit::Count,
            snapshot_time: Utc::now(),
            series: vec![s],
        };
        assert_eq!(
            to_csv(&c),
            "x,pins.status,pins.status_percent\r\npinned,3,75\r\nqueued,1,25\r\n"
        );
    }
}
