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

#[derive(Clone, Debug, Serialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// Events in one hour.
    HourlyVolume,
    /// One user's events in one day.
    UserVolume,
    /// One action's failure rate in one hour.
    FailureRate,
}

#[derive(Clone, Debug, Serialize)]
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
    let (from, to) = match (ix.recs.get(range.start), range.end.checked_sub(1).and_then(|i| ix.recs.get(i))) {
        (Some(a), Some(b)) => (a.t, b.t),
        _ => return out,
    };
    let hours = HourGrid::new(ix, cfg.local, t0, t1);
    hourly(ix, &hours, cfg, from, to, &mut out);
    users(ix, cfg, t0, t1, from, to, &mut out);
    failure_rates(ix, &hours, cfg, from, to, &mut out);
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(b.z.abs().total_cmp(&a.z.abs())));
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
        HourGrid { start, bounds, local }
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

#[allow(clippy::too_many_arguments)]
fn make(
    kind: AnomalyKind,
    bucket: String,
    start: i64,
    end: i64,
    subject: Option<String>,
    x: f64,
    base: &Robust,
    sigma: f64,
    cfg: &AnomalyConfig,
    baseline: &'static str,
    description: String,
    sample_event_ids: Vec<String>,
) -> Option<Anomaly> {
    let z = (x - base.median) / sigma;
    let severity = Severity::of(z, cfg.threshold)?;
    Some(Anomaly {
        kind,
        bucket,
        bucket_start: to_time(start),
        bucket_end: to_time(end),
        subject,
        observed: x,
        expected: base.median,
        expected_low: (base.median - cfg.threshold * sigma).max(0.0),
        expected_high: base.median + cfg.threshold * sigma,
        z,
        severity,
        baseline,
        description,
        sample_event_ids,
    })
}

fn hourly(ix: &Index, g: &HourGrid, cfg: &AnomalyConfig, from: i64, to: i64, out: &mut Vec<Anomaly>) {
    let n = g.len();
    if n < 3 {
        return;
    }
    let counts: Vec<f64> = (0..n).map(|h| g.range(h).len() as f64).collect();
    // Interior hours only: the first and last are partial.
    let interior = 1..n - 1;
    let seasonal = (g.t(n - 1) - g.t(0)) >= 3 * WEEK;
    let mut per_how: Vec<Vec<f64>> = vec![Vec::new(); if seasonal { 168 } else { 1 }];
    for h in interior.clone() {
        let b = if seasonal { g.how(h) } else { 0 };
        per_how[b].push(counts[h]);
    }
    let bases: Vec<Option<Robust>> = per_how.iter().map(|v| Robust::of(v)).collect();
    for h in interior {
        let t = g.t(h);
        if t + HOUR <= from || t > to {
            continue;
        }
        let b = if seasonal { g.how(h) } else { 0 };
        let Some(base) = &bases[b] else { continue };
        let sigma = base.sigma.max(base.median.sqrt()).max(1.0);
        let x = counts[h];
        let r = g.range(h);
        let (word, ids) = if x < base.median { ("few", edges(ix, &r)) } else { ("many", samples(ix, r)) };
        out.extend(make(
            AnomalyKind::HourlyVolume,
            label(cfg.local, t, "%Y-%m-%d %H:00"),
            t,
            t + HOUR,
            None,
            x,
            base,
            sigma,
            cfg,
            if seasonal { "hour_of_week" } else { "global" },
            format!("{x} events in the hour, unusually {word} (expected about {:.0})", base.median),
            ids,
        ));
    }
}

/// Each user's daily count against their own days (when they have `user_history_days`),
/// else against every user's days. Only highs are reported: a quiet user is on leave.
#[allow(clippy::too_many_arguments)]
fn users(ix: &Index, cfg: &AnomalyConfig, t0: i64, t1: i64, from: i64, to: i64, out: &mut Vec<Anomaly>) {
    let d0 = cfg.local.floor(t0, DAY);
    let days = ((t1 - d0) / DAY + 1) as usize;
    let mut per_user: Vec<Vec<f64>> = Vec::new();
    for u in 0..ix.f.users.len() as u32 {
        let mut c = vec![0.0; days];
        for &i in ix.by_user.get(u) {
            c[((ix.recs[i as usize].t - d0) / DAY) as usize] += 1.0;
        }
        per_user.push(c);
    }
    let all: Vec<f64> = per_user.iter().flatten().copied().collect();
    let peers = Robust::of(&all);
    for (u, c) in per_user.iter().enumerate() {
        let own = days >= cfg.user_history_days;
        let base = if own { Robust::of(c) } else { peers };
        let Some(base) = base else { continue };
        let sigma = base.sigma.max(base.median.sqrt()).max(1.0);
        let list = ix.by_user.get(u as u32);
        for (d, &x) in c.iter().enumerate() {
            let t = d0 + d as i64 * DAY;
            if x <= base.median || t + DAY <= from || t > to {
                continue;
            }
            let user = ix.f.users.name(u as u32).to_string();
            let ids = ix
                .within(list, t, t + DAY)
                .iter()
                .take(SAMPLES)
                .map(|&i| ix.event_id(i as usize))
                .collect();
            out.extend(make(
                AnomalyKind::UserVolume,
                label(cfg.local, t, "%Y-%m-%d"),
                t,
                t + DAY,
                Some(user.clone()),
                x,
                &base,
                sigma,
                cfg,
                if own { "user_history" } else { "peers" },
                format!("{user} did {x} things in the day (usually about {:.0})", base.median),
                ids,
            ));
        }
    }
}

/// Per action, the hourly failure rate against the action's hours: centre the pooled rate,
/// spread the MAD of the hourly rates but at least the binomial √(p(1−p)/n) with p the action's pooled rate.
fn failure_rates(ix: &Index, g: &HourGrid, cfg: &AnomalyConfig, from: i64, to: i64, out: &mut Vec<Anomaly>) {
    for a in 0..ix.f.actions.len() as u32 {
        let list = ix.by_action.get(a);
        if list.len() < cfg.min_attempts {
            continue;
        }
        let total_failed = list.iter().filter(|&&i| ix.recs[i as usize].failed()).count();
        let pooled = (total_failed as f64 / list.len() as f64).max(1.0 / list.len() as f64);
        // (hour, attempts, failures) of the hours with enough attempts.
        let mut hours: Vec<(usize, usize, usize)> = Vec::new();
        let mut p = 0;
        while p < list.len() {
            let h = ((ix.recs[list[p] as usize].t - g.start) / HOUR) as usize;
            let end = g.t(h) + HOUR;
            let q = p + list[p..].partition_point(|&i| ix.recs[i as usize].t < end);
            let fails = list[p..q].iter().filter(|&&i| ix.recs[i as usize].failed()).count();
            if q - p >= cfg.min_attempts {
                hours.push((h, q - p, fails));
            }
            p = q;
        }
        if hours.len() < 3 {
            continue;
        }
        let rates: Vec<f64> = hours.iter().map(|&(_, n, f)| f as f64 / n as f64).collect();
        let Some(mut base) = Robust::of(&rates) else { continue };
        // Centre on the pooled rate: with rare failures most hours have none, so the median
        // hourly rate would be 0 and every single failure would look like a spike.
        base.median = pooled;
        for (k, &(h, n, f)) in hours.iter().enumerate() {
            let t = g.t(h);
            if f < cfg.min_failures || rates[k] <= pooled || t + HOUR <= from || t > to {
                continue;
            }
            let p_ = pooled.clamp(1e-6, 1.0 - 1e-6);
            let sigma = base.sigma.max((p_ * (1.0 - p_) / n as f64).sqrt());
            let action = ix.f.actions.name(a).to_string();
            let ids = ix
                .within(list, t, t + HOUR)
                .iter()
                .filter(|&&i| ix.recs[i as usize].failed())
                .take(SAMPLES)
                .map(|&i| ix.event_id(i as usize))
                .collect();
            out.extend(make(
                AnomalyKind::FailureRate,
                label(cfg.local, t, "%Y-%m-%d %H:00"),
                t,
                t + HOUR,
                Some(action.clone()),
                rates[k],
                &base,
                sigma,
                cfg,
                "action_hours",
                format!(
                    "{action} failed {f} of {n} times ({:.0}%; usually {:.1}%)",
                    rates[k] * 100.0,
                    pooled * 100.0
                ),
                ids,
            ));
        }
    }
}
