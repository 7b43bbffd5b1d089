//! Statistical anomalies: robust z-scores on per-hour counts, per-user daily counts and
//! per-action hourly failure rates.
//!
//! z = 0.6745·(x − median)/MAD (Iglewicz & Hoaglin); when MAD is 0 the spread is taken as
//! 1.2533 · mean absolute deviation; when that is 0 too, the sampling floor below decides.
//! Counts are Poisson-like, so the spread of a count baseline is never taken below √median
//! (nor below 1), and a failure rate's never below the binomial √(p(1−p)/n): a baseline
//! built from a few quiet weeks must not turn ordinary noise into anomalies.
//!
//! Baselines: per hour-of-week (168 buckets, local time) once the history spans at least
//! three weeks, a single global baseline of every hour before that. The first and last hour
//! of the history are partial and never reported.

use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::index::Index;
use crate::robust::Robust;
use crate::time::{DAY, HOUR, Local, WEEK, to_time};

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct AnomalyConfig {
    /// |z| at or above which a value is anomalous (3.5: Iglewicz & Hoaglin).
    pub threshold: f64,
    pub local: Local,
    /// Hours with fewer attempts of an action are not rated for failures.
    pub min_attempts: usize,
    /// A failure-rate anomaly needs at least this many failures in the hour.
    pub min_failures: usize,
    /// Days of a user's history before their daily count is judged against it.
    pub user_history_days: usize,
}

impl Default for AnomalyConfig {
    fn default() -> Self {
        AnomalyConfig {
            threshold: 3.5,
            local: Local::UTC,
            min_attempts: 20,
            min_failures: 5,
            user_history_days: 7,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Bands on |z| relative to the threshold T: [T, 1.5T) low, [1.5T, 2T) medium,
    /// [2T, 3T) high, ≥ 3T critical.
    pub fn of(z: f64, threshold: f64) -> Option<Severity> {
        let a = z.abs();
        if a < threshold || a.is_nan() {
            None
        } else if a < 1.5 * threshold {
            Some(Severity::Low)
        } else if a < 2.0 * threshold {
            Some(Severity::Medium)
        } else if a < 3.0 * threshold {
            Some(Severity::High)
        } else {
            Some(Severity::Critical)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// Events in one hour.
    HourlyVolume,
    /// One user's events in one day.
    UserVolume,
    /// One action's failure rate in one hour.
    FailureRate,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    /// "2026-01-05 13:00" (local) or "2026-01-05".
    pub bucket: String,
    pub bucket_start: DateTime<Utc>,
    pub bucket_end: DateTime<Utc>,
    /// The user or action concerned.
    pub subject: Option<String>,
    pub observed: f64,
    pub expected: f64,
    /// `expected ± threshold · spread`, the range inside which nothing is reported.
    pub expected_low: f64,
    pub expected_high: f64,
    pub z: f64,
    pub severity: Severity,
    /// "hour_of_week", "global", "user_history", "peers" or "action_hours".
    pub baseline: &'static str,
    pub description: String,
    pub sample_event_ids: Vec<String>,
}

const SAMPLES: usize = 5;

/// Every anomaly whose bucket starts inside `range` (baselines use the whole history),
/// most severe first.
pub fn detect(ix: &Index, range: Range<usize>, cfg: &AnomalyConfig) -> Vec<Anomaly> {
    let mut out = Vec::new();
    let (Some(t0), Some(t1)) = (ix.first_time(), ix.last_time()) else {
        return out;
    };
    let (from, to) = match (
        ix.recs.get(range.start),
        range.end.checked_sub(1).and_then(|i| ix.recs.get(i)),
    ) {
        (Some(a), Some(b)) => (a.t, b.t),
        _ => return out,
    };
    let hours = HourGrid::new(ix, cfg.local, t0, t1);
    hourly(ix, &hours, cfg, from, to, &mut out);
    users(ix, cfg, t0, t1, from, to, &mut out);
    failure_rates(ix, &hours, cfg, from, to, &mut out);
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.z.abs().total_cmp(&a.z.abs()))
    });
    out
}

/// Dense hour buckets from the first to the last event, with the index range of each.
struct HourGrid {
    start: i64,
    bounds: Vec<usize>,
    local: Local,
}

impl HourGrid {
    fn new(ix: &Index, local: Local, t0: i64, t1: i64) -> HourGrid {
        let start = local.floor(t0, HOUR);
        let n = ((t1 - start) / HOUR + 1) as usize;
        let mut bounds = Vec::with_capacity(n + 1);
        let mut i = 0;
        for h in 0..=n {
            let t = start + h as i64 * HOUR;
            while i < ix.recs.len() && ix.recs[i].t < t {
                i += 1;
            }
            bounds.push(i);
        }
        HourGrid {
            start,
            bounds,
            local,
        }
    }
    fn len(&self) -> usize {
        self.bounds.len() - 1
    }
    fn range(&self, h: usize) -> Range<usize> {
        self.bounds[h]..self.bounds[h + 1]
    }
    fn t(&self, h: usize) -> i64 {
        self.start + h as i64 * HOUR
    }
    fn how(&self, h: usize) -> usize {
        self.local.hour_of_week(self.t(h))
    }
}

fn label(local: Local, t: i64, fmt: &str) -> String {
    let shifted = t + i64::from(local.offset_minutes) * 60_000;
    to_time(shifted).format(fmt).to_string()
}

fn samples(ix: &Index, r: Range<usize>) -> Vec<String> {
    r.take(SAMPLES).map(|i| ix.event_id(i)).collect()
}

/// Events just before and after an empty bucket: the edges of the silence.
fn edges(ix: &Index, r: &Range<usize>) -> Vec<String> {
    let mut v = Vec::new();
    if r.start > 0 {
        v.push(ix.event_id(r.start - 1));
    }
    if r.end < ix.len() {
        v.push(ix.event_id(r.end));
    }
    v
}

/// Anscombe's transform: for Poisson counts 2·√(x + 3/8) has a standard deviation close to
/// 1 whatever the mean, so one threshold fits quiet nights and busy middays alike.
fn anscombe(x: f64) -> f64 {
    2.0 * (x.max(0.0) + 0.375).sqrt()
}

fn unanscombe(y: f64) -> f64 {
    ((y.max(0.0) / 2.0).powi(2) - 0.375).max(0.0)
}

/// z of each value against its bucket's median, on the Anscombe scale: the robust z
/// 0.6745·(r − median r)/MAD of the residuals r = y − median of the bucket, pooled over every
/// bucket (a bucket has only a few weeks of values, too few for its own MAD), with the spread
/// never below 1 (pure Poisson noise). In buckets of up to 64 values the median leaves the
/// value itself out: with four weeks, an in-sample median sits halfway to the value being
/// judged, which would both hide outliers and shrink the pooled spread.
/// Returns (z, bucket median of y, spread) per value.
fn residual_z(values: &[f64], bucket: &[usize], buckets: usize) -> Vec<(f64, f64, f64)> {
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); buckets];
    for (v, &b) in values.iter().zip(bucket) {
        per[b].push(anscombe(*v));
    }
    for v in &mut per {
        v.sort_by(f64::total_cmp);
    }
    let full: Vec<f64> = per.iter().map(|v| sorted_median(v, None)).collect();
    let centre: Vec<f64> = values
        .iter()
        .zip(bucket)
        .map(|(v, &b)| {
            let p = &per[b];
            if p.len() > 64 || p.len() < 2 {
                return full[b];
            }
            let y = anscombe(*v);
            let k = p.partition_point(|x| *x < y);
            sorted_median(p, Some(k))
        })
        .collect();
    let resid: Vec<f64> = values
        .iter()
        .zip(&centre)
        .map(|(v, c)| anscombe(*v) - c)
        .collect();
    let spread = Robust::of(&resid).map_or(1.0, |r| r.sigma).max(1.0);
    resid
        .iter()
        .zip(&centre)
        .map(|(r, &c)| (r / spread, c, spread))
        .collect()
}

/// Median of a sorted slice, optionally without the element at `skip`.
fn sorted_median(v: &[f64], skip: Option<usize>) -> f64 {
    let n = v.len() - usize::from(skip.is_some());
    if n == 0 {
        return 0.0;
    }
    let at = |i: usize| match skip {
        Some(s) if i >= s => v[i + 1],
        _ => v[i],
    };
    if n % 2 == 1 {
        at(n / 2)
    } else {
        (at(n / 2 - 1) + at(n / 2)) / 2.0
    }
}

fn hourly(
    ix: &Index,
    g: &HourGrid,
    cfg: &AnomalyConfig,
    from: i64,
    to: i64,
    out: &mut Vec<Anomaly>,
) {
    let n = g.len();
    if n < 3 {
        return;
    }
    // Interior hours only: the first and last are partial.
    let hours: Vec<usize> = (1..n - 1).collect();
    let seasonal = (g.t(n - 1) - g.t(0)) >= 3 * WEEK;
    let counts: Vec<f64> = hours.iter().map(|&h| g.range(h).len() as f64).collect();
    let buckets: Vec<usize> = hours
        .iter()
        .map(|&h| if seasonal { g.how(h) } else { 0 })
        .collect();
    let zs = residual_z(&counts, &buckets, if seasonal { 168 } else { 1 });
    for (k, &h) in hours.iter().enumerate() {
        let t = g.t(h);
        if t + HOUR <= from || t > to {
            continue;
        }
        let (z, my, spread) = zs[k];
        let Some(severity) = Severity::of(z, cfg.threshold) else {
            continue;
        };
        let x = counts[k];
        let expected = unanscombe(my);
        let r = g.range(h);
        let (word, ids) = if z < 0.0 {
            ("few", edges(ix, &r))
        } else {
            ("many", samples(ix, r))
        };
        out.push(Anomaly {
            kind: AnomalyKind::HourlyVolume,
            bucket: label(cfg.local, t, "%Y-%m-%d %H:00"),
            bucket_start: to_time(t),
            bucket_end: to_time(t + HOUR),
            subject: None,
            observed: x,
            expected,
            expected_low: unanscombe(my - cfg.threshold * spread),
            expected_high: unanscombe(my + cfg.threshold * spread),
            z,
            severity,
            baseline: if seasonal { "hour_of_week" } else { "global" },
            description: format!(
                "{x} events in the hour, unusually {word} (expected about {expected:.0})"
            ),
            sample_event_ids: ids,
        });
    }
}

/// Each user's daily count against their own days (when they have `user_history_days`),
/// else against every user's days, on the Anscombe scale as for hours. Only highs are
/// reported: a quiet user is on leave.
#[allow(clippy::too_many_arguments)]
fn users(
    ix: &Index,
    cfg: &AnomalyConfig,
    t0: i64,
    t1: i64,
    from: i64,
    to: i64,
    out: &mut Vec<Anomaly>,
) {
    let d0 = cfg.local.floor(t0, DAY);
    let days = ((t1 - d0) / DAY + 1) as usize;
    let own = days >= cfg.user_history_days;
    let nu = ix.f.users.len();
    let mut counts = vec![0.0; nu * days];
    for u in 0..nu {
        for &i in ix.by_user.get(u as u32) {
            counts[u * days + ((ix.recs[i as usize].t - d0) / DAY) as usize] += 1.0;
        }
    }
    let buckets: Vec<usize> = (0..nu * days)
        .map(|k| if own { k / days } else { 0 })
        .collect();
    let zs = residual_z(&counts, &buckets, if own { nu } else { 1 });
    for (k, &(z, my, spread)) in zs.iter().enumerate() {
        let (u, d) = (k / days, k % days);
        let t = d0 + d as i64 * DAY;
        if z <= 0.0 || t + DAY <= from || t > to {
            continue;
        }
        let Some(severity) = Severity::of(z, cfg.threshold) else {
            continue;
        };
        let x = counts[k];
        let expected = unanscombe(my);
        let user = ix.f.users.name(u as u32).to_string();
        let sample_event_ids = ix
            .within(ix.by_user.get(u as u32), t, t + DAY)
            .iter()
            .take(SAMPLES)
            .map(|&i| ix.event_id(i as usize))
            .collect();
        out.push(Anomaly {
            kind: AnomalyKind::UserVolume,
            bucket: label(cfg.local, t, "%Y-%m-%d"),
            bucket_start: to_time(t),
            bucket_end: to_time(t + DAY),
            subject: Some(user.clone()),
            observed: x,
            expected,
            expected_low: unanscombe(my - cfg.threshold * spread),
            expected_high: unanscombe(my + cfg.threshold * spread),
            z,
            severity,
            baseline: if own { "user_history" } else { "peers" },
            description: format!("{user} did {x} things in the day (usually about {expected:.0})"),
            sample_event_ids,
        });
    }
}

/// Per action, the hourly failure rate against the action's pooled rate p, on the arcsine
/// scale: 2·asin(√rate) has a standard deviation of 1/√n for a binomial rate over n attempts,
/// so z = 0.6745·(d − median d)/MAD over the action's hours of d = (2·asin √rate − 2·asin √p)·√n,
/// spread never below 1. Only rises are reported, and only with `min_failures` failures.
fn failure_rates(
    ix: &Index,
    g: &HourGrid,
    cfg: &AnomalyConfig,
    from: i64,
    to: i64,
    out: &mut Vec<Anomaly>,
) {
    let arc = |p: f64| 2.0 * p.clamp(0.0, 1.0).sqrt().asin();
    for a in 0..ix.f.actions.len() as u32 {
        let list = ix.by_action.get(a);
        if list.len() < cfg.min_attempts {
            continue;
        }
        let total_failed = list
            .iter()
            .filter(|&&i| ix.recs[i as usize].failed())
            .count();
        let pooled = total_failed as f64 / list.len() as f64;
        // (hour, attempts, failures) of the hours with enough attempts.
        let mut hours: Vec<(usize, usize, usize)> = Vec::new();
        let mut p = 0;
        while p < list.len() {
            let h = ((ix.recs[list[p] as usize].t - g.start) / HOUR) as usize;
            let end = g.t(h) + HOUR;
            let q = p + list[p..].partition_point(|&i| ix.recs[i as usize].t < end);
            let fails = list[p..q]
                .iter()
                .filter(|&&i| ix.recs[i as usize].failed())
                .count();
            if q - p >= cfg.min_attempts {
                hours.push((h, q - p, fails));
            }
            p = q;
        }
        if hours.len() < 3 {
            continue;
        }
        let d: Vec<f64> = hours
            .iter()
            .map(|&(_, n, f)| (arc(f as f64 / n as f64) - arc(pooled)) * (n as f64).sqrt())
            .collect();
        let Some(base) = Robust::of(&d) else { continue };
        let spread = base.sigma.max(1.0);
        for (k, &(h, n, f)) in hours.iter().enumerate() {
            let t = g.t(h);
            let rate = f as f64 / n as f64;
            if f < cfg.min_failures || rate <= pooled || t + HOUR <= from || t > to {
                continue;
            }
            let z = (d[k] - base.median) / spread;
            let Some(severity) = Severity::of(z, cfg.threshold) else {
                continue;
            };
            let action = ix.f.actions.name(a).to_string();
            let back = |x: f64| {
                (x / 2.0)
                    .clamp(0.0, std::f64::consts::FRAC_PI_2)
                    .sin()
                    .powi(2)
            };
            let half = cfg.threshold * spread / (n as f64).sqrt();
            let sample_event_ids = ix
                .within(list, t, t + HOUR)
                .iter()
                .filter(|&&i| ix.recs[i as usize].failed())
                .take(SAMPLES)
                .map(|&i| ix.event_id(i as usize))
                .collect();
            out.push(Anomaly {
                kind: AnomalyKind::FailureRate,
                bucket: label(cfg.local, t, "%Y-%m-%d %H:00"),
                bucket_start: to_time(t),
                bucket_end: to_time(t + HOUR),
                subject: Some(action.clone()),
                observed: rate,
                expected: pooled,
                expected_low: back(arc(pooled) - half),
                expected_high: back(arc(pooled) + half),
                z,
                severity,
                baseline: "action_hours",
                description: format!(
                    "{action} failed {f} of {n} times ({:.0}%; usually {:.1}%)",
                    rate * 100.0,
                    pooled * 100.0
                ),
                sample_event_ids,
            });
        }
    }
}
