//! Reports: activity, compliance, timeline, heat map and anomalies, each as JSON, CSV
//! (RFC 4180), plain text or one self-contained HTML file (inline CSS and SVG, no scripts).
//! Every renderer is linear in the size of what it renders.

use std::fmt::Write as _;
use std::ops::Range;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::anomalies::{self, Anomaly, AnomalyConfig};
use crate::compliance::{self, Compliance, Policy};
use crate::correlate::{self, Timeline};
use crate::index::Index;
use crate::intern::NONE;
use crate::stats::{self, GroupBy, GroupStats};
use crate::time::{DAY, Local, to_time};
use crate::trends::{self, Metric, Period, Trend};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Activity,
    Compliance,
    Timeline,
    Heatmap,
    Anomalies,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Text,
    Html,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("unknown report type {0:?}; use activity, compliance, timeline, heatmap or anomalies")]
    Kind(String),
    #[error("unknown format {0:?}; use json, csv, text or html")]
    Format(String),
    #[error("a compliance report needs a policy (--policy FILE)")]
    NoPolicy,
    #[error("a timeline report needs an operation id (--operation-id ID)")]
    NoOperation,
    #[error("no events belong to operation {0:?}")]
    UnknownOperation(String),
}

impl FromStr for ReportKind {
    type Err = ReportError;
    fn from_str(s: &str) -> Result<Self, ReportError> {
        Ok(match s {
            "activity" => ReportKind::Activity,
            "compliance" => ReportKind::Compliance,
            "timeline" => ReportKind::Timeline,
            "heatmap" => ReportKind::Heatmap,
            "anomalies" => ReportKind::Anomalies,
            _ => return Err(ReportError::Kind(s.into())),
        })
    }
}

impl FromStr for Format {
    type Err = ReportError;
    fn from_str(s: &str) -> Result<Self, ReportError> {
        Ok(match s {
            "json" => Format::Json,
            "csv" => Format::Csv,
            "text" | "txt" => Format::Text,
            "html" => Format::Html,
            _ => return Err(ReportError::Format(s.into())),
        })
    }
}

/// Events per (day of week × hour of day) and per (date × hour), local time.
#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Heatmap {
    /// `week[d][h]`, d = 0 Monday … 6 Sunday.
    pub week: Vec<[u64; 24]>,
    /// One row per local date from the first event's to the last's.
    pub dates: Vec<(String, [u64; 24])>,
    pub max_week: u64,
    pub max_date: u64,
}

pub fn heatmap(ix: &Index, range: Range<usize>, local: Local) -> Heatmap {
    let mut week = vec![[0u64; 24]; 7];
    let mut dates: Vec<(String, [u64; 24])> = Vec::new();
    let recs = &ix.recs[range];
    if let (Some(a), Some(b)) = (recs.first(), recs.last()) {
        let d0 = local.floor(a.t, DAY);
        let n = ((local.floor(b.t, DAY) - d0) / DAY + 1) as usize;
        let off = i64::from(local.offset_minutes) * 60_000;
        dates = (0..n)
            .map(|d| {
                (
                    to_time(d0 + d as i64 * DAY + off)
                        .format("%Y-%m-%d")
                        .to_string(),
                    [0u64; 24],
                )
            })
            .collect();
        for r in recs {
            let h = local.hour(r.t) as usize;
            week[local.weekday(r.t) as usize][h] += 1;
            dates[((r.t - d0) / DAY) as usize].1[h] += 1;
        }
    }
    let max_week = week.iter().flatten().copied().max().unwrap_or(0);
    let max_date = dates.iter().flat_map(|d| d.1).max().unwrap_or(0);
    Heatmap {
        week,
        dates,
        max_week,
        max_date,
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Activity {
    pub total_events: u64,
    pub unique_users: u64,
    pub failures: u64,
    /// 0–100.
    pub failure_rate_pct: f64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub event_types: Vec<GroupStats>,
    pub top_users: Vec<GroupStats>,
    pub top_actions: Vec<GroupStats>,
    pub daily: Trend,
    pub heatmap: Heatmap,
}

pub fn activity(ix: &Index, range: Range<usize>, local: Local) -> Activity {
    let types = stats::group(ix, range.clone(), &GroupBy::EventType);
    let mut users = stats::group(ix, range.clone(), &GroupBy::User);
    let mut actions = stats::group(ix, range.clone(), &GroupBy::Action);
    let unique_users = users.groups.iter().filter(|g| g.key != "unknown").count() as u64;
    users.groups.retain(|g| g.key != "unknown");
    users.groups.truncate(5);
    actions.groups.truncate(5);
    let failures = ix.recs[range.clone()].iter().filter(|r| r.failed()).count() as u64;
    let total = range.len() as u64;
    Activity {
        total_events: total,
        unique_users,
        failures,
        failure_rate_pct: 100.0 * failures as f64 / total.max(1) as f64,
        first: ix
            .recs
            .get(range.start)
            .filter(|_| total > 0)
            .map(|r| to_time(r.t)),
        last: range
            .end
            .checked_sub(1)
            .and_then(|i| ix.recs.get(i))
            .filter(|_| total > 0)
            .map(|r| to_time(r.t)),
        event_types: types.groups,
        top_users: users.groups,
        top_actions: actions.groups,
        daily: trends::trend(ix, range.clone(), Metric::EventCount, Period::Daily, local),
        heatmap: heatmap(ix, range, local),
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Report {
    Activity(Box<Activity>),
    Compliance(Box<Compliance>),
    Timeline(Box<Timeline>),
    Heatmap(Box<Heatmap>),
    Anomalies(Vec<Anomaly>),
}

pub struct Input<'a> {
    pub ix: &'a Index,
    pub range: Range<usize>,
    pub local: Local,
    pub now_ms: i64,
    pub policy: Option<&'a Policy>,
    pub operation_id: Option<&'a str>,
    pub anomaly: AnomalyConfig,
    pub max_violations: usize,
}

pub fn build(kind: ReportKind, i: &Input<'_>) -> Result<Report, ReportError> {
    Ok(match kind {
        ReportKind::Activity => {
            Report::Activity(Box::new(activity(i.ix, i.range.clone(), i.local)))
        }
        ReportKind::Heatmap => Report::Heatmap(Box::new(heatmap(i.ix, i.range.clone(), i.local))),
        ReportKind::Anomalies => {
            Report::Anomalies(anomalies::detect(i.ix, i.range.clone(), &i.anomaly))
        }
        ReportKind::Compliance => {
            let p = i.policy.ok_or(ReportError::NoPolicy)?;
            Report::Compliance(Box::new(compliance::evaluate(
                i.ix,
                i.range.clone(),
                p,
                i.local,
                i.now_ms,
                i.max_violations,
            )))
        }
        ReportKind::Timeline => {
            let op = i.operation_id.ok_or(ReportError::NoOperation)?;
            Report::Timeline(Box::new(
                correlate::timeline(i.ix, op)
                    .ok_or_else(|| ReportError::UnknownOperation(op.into()))?,
            ))
        }
    })
}

pub fn render(r: &Report, f: Format) -> String {
    match f {
        Format::Json => serde_json::to_string_pretty(r).unwrap_or_default(),
        Format::Csv => {
            let (head, rows) = table(r);
            let mut s = String::new();
            csv_row(&mut s, &head);
            for row in rows {
                csv_row(&mut s, &row);
            }
            s
        }
        Format::Text => text(r),
        Format::Html => html(r),
    }
}

fn t(d: &DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn opt(v: Option<u32>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

fn group_rows(section: &str, g: &[GroupStats], out: &mut Vec<Vec<String>>) {
    for s in g {
        out.push(vec![
            section.to_string(),
            s.key.clone(),
            s.count.to_string(),
            format!("{:.2}", s.percentage),
            s.unique_users.to_string(),
            s.failures.to_string(),
            format!("{:.4}", s.failure_rate),
            opt(s.duration_p50_ms),
            opt(s.duration_p95_ms),
            opt(s.duration_p99_ms),
            t(&s.first_seen),
            t(&s.last_seen),
        ]);
    }
}

/// The report as one table: header and rows (CSV and the HTML tables).
pub fn table(r: &Report) -> (Vec<String>, Vec<Vec<String>>) {
    let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut rows = Vec::new();
    match r {
        Report::Activity(a) => {
            group_rows("event_type", &a.event_types, &mut rows);
            group_rows("user", &a.top_users, &mut rows);
            group_rows("action", &a.top_actions, &mut rows);
            (
                h(&[
                    "section",
                    "key",
                    "count",
                    "percentage",
                    "unique_users",
                    "failures",
                    "failure_rate",
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "first_seen",
                    "last_seen",
                ]),
                rows,
            )
        }
        Report::Compliance(c) => {
            for x in &c.rules {
                rows.push(vec![
                    x.id.clone(),
                    x.kind.to_string(),
                    format!("{:?}", x.outcome).to_lowercase(),
                    x.severity.as_str().to_string(),
                    x.weight.to_string(),
                    x.checked.to_string(),
                    x.violations.to_string(),
                    x.evidence.join(" "),
                    x.description.clone(),
                ]);
            }
            (
                h(&[
                    "rule",
                    "kind",
                    "outcome",
                    "severity",
                    "weight",
                    "checked",
                    "violations",
                    "evidence",
                    "description",
                ]),
                rows,
            )
        }
        Report::Timeline(tl) => {
            for e in &tl.events {
                rows.push(vec![
                    t(&e.time),
                    e.event_id.clone(),
                    e.label.clone(),
                    e.status.as_str().to_string(),
                    e.subsystem.clone().unwrap_or_default(),
                ]);
            }
            (
                h(&["time", "event_id", "label", "status", "subsystem"]),
                rows,
            )
        }
        Report::Heatmap(m) => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            for (d, hours) in m.week.iter().enumerate() {
                for (hr, n) in hours.iter().enumerate() {
                    rows.push(vec![DAYS[d].to_string(), hr.to_string(), n.to_string()]);
                }
            }
            (h(&["weekday", "hour", "count"]), rows)
        }
        Report::Anomalies(v) => {
            for a in v {
                rows.push(vec![
                    format!("{:?}", a.kind),
                    a.bucket.clone(),
                    a.subject.clone().unwrap_or_default(),
                    a.observed.to_string(),
                    format!("{:.2}", a.expected),
                    format!("{:.2}-{:.2}", a.expected_low, a.expected_high),
                    format!("{:.2}", a.z),
                    a.severity.as_str().to_string(),
                    a.baseline.to_string(),
                    a.description.clone(),
                    a.sample_event_ids.join(" "),
                ]);
            }
            (
                h(&[
                    "kind",
                    "bucket",
                    "subject",
                    "observed",
                    "expected",
                    "expected_range",
                    "z",
                    "severity",
                    "baseline",
                    "description",
                    "samples",
                ]),
                rows,
            )
        }
    }
}

/// One CSV record, RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled;
/// records end with CRLF.
pub fn csv_row(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

/// Parses RFC 4180 CSV (the inverse of `csv_row`).
pub fn csv_parse(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn text(r: &Report) -> String {
    let mut s = String::new();
    match r {
        Report::Activity(a) => {
            let _ = writeln!(
                s,
                "Activity: {} events, {} users, {} failures ({:.1}%)",
                a.total_events, a.unique_users, a.failures, a.failure_rate_pct
            );
            if let (Some(f), Some(l)) = (&a.first, &a.last) {
                let _ = writeln!(s, "From {} to {}", t(f), t(l));
            }
        }
        Report::Compliance(c) => {
            let _ = writeln!(
                s,
                "Compliance with {}: {:.1}/100 weighted ({}), {:.1}/100 unweighted; {} passed, {} failed, {} not applicable; {} violations",
                c.policy,
                c.score,
                c.band,
                c.score_unweighted,
                c.rules_passed,
                c.rules_failed,
                c.rules_not_applicable,
                c.violations_total
            );
            for rec in &c.recommendations {
                let _ = writeln!(s, "  - {rec}");
            }
        }
        Report::Timeline(tl) => {
            let _ = writeln!(
                s,
                "Operation {}: {} ({} ms, subsystems {})",
                tl.operation_id,
                tl.summary,
                tl.duration_ms,
                tl.subsystems.join(", ")
            );
        }
        Report::Heatmap(m) => {
            let _ = writeln!(s, "Events by weekday and hour (max {}):", m.max_week);
        }
        Report::Anomalies(v) => {
            let _ = writeln!(s, "{} anomalies", v.len());
        }
    }
    let (head, rows) = table(r);
    // Column widths from the data; long cells are cut so a row stays on a line.
    let cut = |x: &str| -> String {
        if x.chars().count() > 48 {
            x.chars().take(47).chain(['…']).collect()
        } else {
            x.to_string()
        }
    };
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, c) in row.iter().enumerate() {
            w[i] = w[i].max(cut(c).chars().count());
        }
    }
    let line = |s: &mut String, row: &[String]| {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{:<width$}", cut(c), width = w[i]))
            .collect();
        let _ = writeln!(s, "{}", cells.join("  ").trim_end());
    };
    line(&mut s, &head);
    for row in &rows {
        line(&mut s, row);
    }
    s
}

pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A heat map as inline SVG: one cell per (row, hour), darker for more events.
fn heat_svg(rows: &[(String, [u64; 24])], max: u64, title: &str) -> String {
    let (cw, ch, left, top) = (22, 16, 80, 20);
    let w = left + 24 * cw + 10;
    let h = top + rows.len() * ch + 10;
    let mut s = format!(
        r#"<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="{}">"#,
        escape(title)
    );
    for hr in 0..24 {
        let _ = write!(
            s,
            r#"<text x="{}" y="14" font-size="10">{hr}</text>"#,
            left + hr * cw + 4
        );
    }
    for (r, (name, hours)) in rows.iter().enumerate() {
        let y = top + r * ch;
        let _ = write!(
            s,
            r#"<text x="0" y="{}" font-size="11">{}</text>"#,
            y + 12,
            escape(name)
        );
        for (hr, &n) in hours.iter().enumerate() {
            let a = if max == 0 { 0.0 } else { n as f64 / max as f64 };
            let _ = write!(
                s,
                r##"<rect x="{}" y="{y}" width="{}" height="{}" fill="#c0392b" fill-opacity="{:.3}"><title>{} {hr}:00 — {n}</title></rect>"##,
                left + hr * cw,
                cw - 2,
                ch - 2,
                0.05 + 0.95 * a,
                escape(name)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars of a series, as inline SVG.
fn bars_svg(values: &[(String, f64)], title: &str) -> String {
    let (w, h) = (720.0, 160.0);
    let max = values.iter().map(|v| v.1).fold(0.0, f64::max).max(1.0);
    let bw = w / values.len().max(1) as f64;
    let mut s = format!(
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{}" role="img" aria-label="{}">"#,
        h + 20.0,
        escape(title)
    );
    for (i, (name, v)) in values.iter().enumerate() {
        let bh = h * v / max;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#2e86c1"><title>{} — {v}</title></rect>"##,
            i as f64 * bw,
            h - bh,
            (bw - 1.0).max(1.0),
            escape(name)
        );
    }
    s.push_str("</svg>");
    s
}

fn html_table(s: &mut String, head: &[String], rows: &[Vec<String>]) {
    s.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", escape(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn week_rows(m: &Heatmap) -> Vec<(String, [u64; 24])> {
    m.week
        .iter()
        .enumerate()
        .map(|(d, h)| (WEEKDAYS[d].to_string(), *h))
        .collect()
}

/// One self-contained XHTML-compatible page: inline CSS and SVG, no scripts.
fn html(r: &Report) -> String {
    let title = match r {
        Report::Activity(_) => "Activity",
        Report::Compliance(_) => "Compliance",
        Report::Timeline(_) => "Timeline",
        Report::Heatmap(_) => "Heat map",
        Report::Anomalies(_) => "Anomalies",
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>ipfs-kit audit: {title}</title><style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;font-size:12px}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}th{{background:#eee}}.score{{font-size:2em}}</style></head><body><h1>ipfs-kit audit: {title}</h1>"#
    );
    let summary = text(r);
    if let Some(first) = summary.lines().next() {
        let _ = write!(s, "<p>{}</p>", escape(first));
    }
    match r {
        Report::Activity(a) => {
            s.push_str("<h2>Events by weekday and hour</h2>");
            s.push_str(&heat_svg(
                &week_rows(&a.heatmap),
                a.heatmap.max_week,
                "events by weekday and hour",
            ));
            s.push_str("<h2>Events per day</h2>");
            let series: Vec<(String, f64)> = a
                .daily
                .buckets
                .iter()
                .map(|b| (b.start.format("%Y-%m-%d").to_string(), b.value))
                .collect();
            s.push_str(&bars_svg(&series, "events per day"));
        }
        Report::Heatmap(m) => {
            s.push_str("<h2>Events by weekday and hour</h2>");
            s.push_str(&heat_svg(
                &week_rows(m),
                m.max_week,
                "events by weekday and hour",
            ));
            s.push_str("<h2>Events by date and hour</h2>");
            s.push_str(&heat_svg(&m.dates, m.max_date, "events by date and hour"));
        }
        Report::Compliance(c) => {
            let _ = write!(s, r#"<p class="score">{:.0}/100 ({})</p>"#, c.score, c.band);
            let bars: Vec<(String, f64)> = c
                .rules
                .iter()
                .map(|x| (x.id.clone(), x.violations as f64))
                .collect();
            s.push_str("<h2>Violations per rule</h2>");
            s.push_str(&bars_svg(&bars, "violations per rule"));
            if !c.recommendations.is_empty() {
                s.push_str("<h2>Recommendations</h2><ul>");
                for rec in &c.recommendations {
                    let _ = write!(s, "<li>{}</li>", escape(rec));
                }
                s.push_str("</ul>");
            }
        }
        Report::Anomalies(v) => {
            let bars: Vec<(String, f64)> = v
                .iter()
                .map(|a| {
                    (
                        format!("{} {}", a.bucket, a.subject.as_deref().unwrap_or("")),
                        a.z.abs(),
                    )
                })
                .collect();
            s.push_str("<h2>|z| per anomaly</h2>");
            s.push_str(&bars_svg(&bars, "anomaly z-scores"));
        }
        Report::Timeline(_) => {}
    }
    let (head, rows) = table(r);
    s.push_str("<h2>Details</h2>");
    html_table(&mut s, &head, &rows);
    s.push_str("</body></html>\n");
    s
}

/// Helper for callers: the users seen in `range` (for filters, pickers).
pub fn users_in(ix: &Index, range: Range<usize>) -> Vec<String> {
    let mut seen = vec![false; ix.f.users.len()];
    for r in &ix.recs[range] {
        if r.user != NONE {
            seen[r.user as usize] = true;
        }
    }
    seen.iter()
        .enumerate()
        .filter(|(_, s)| **s)
        .map(|(u, _)| ix.f.users.name(u as u32).to_string())
        .collect()
}
