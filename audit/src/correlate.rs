//! Related events, the timeline of one operation, causation chains and impact.
//!
//! Every query walks posting lists clipped to a time window by binary search, so its cost
//! depends on the events near the one asked about, not on the size of the history.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::index::{Index, Rec};
use crate::intern::NONE;
use crate::time::{MINUTE, SECOND, to_time};

pub const DEFAULT_WINDOW_MS: i64 = 5 * MINUTE;
pub const DEFAULT_THRESHOLD: f64 = 0.5;
pub const DEFAULT_DEPTH: usize = 10;

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Related {
    pub event_id: String,
    pub time: DateTime<Utc>,
    pub label: String,
    /// Sum of the signals' weights, capped at 1.
    pub score: f64,
    /// The matched signals, or "time proximity" when none matched.
    pub reasons: Vec<&'static str>,
}

/// The original's signals (§4) plus same CID and same daemon, with their weights.
const SIGNALS: [(&str, f64); 8] = [
    ("same user", 0.4),
    ("same resource", 0.3),
    ("related action", 0.2),
    ("same session", 0.3),
    ("same transaction", 0.5),
    ("same operation", 0.6),
    ("same cid", 0.4),
    ("same daemon", 0.3),
];

fn same(a: u32, b: u32) -> bool {
    a != NONE && a == b
}

fn signals(ix: &Index, a: &Rec, b: &Rec) -> (f64, Vec<&'static str>) {
    let class = ix.action_class(a.action);
    let hits = [
        same(a.user, b.user),
        same(a.resource, b.resource),
        class != 0 && class == ix.action_class(b.action),
        same(a.session, b.session),
        same(a.transaction, b.transaction),
        same(a.operation, b.operation),
        same(a.cid, b.cid),
        same(a.daemon, b.daemon),
    ];
    let mut score = 0.0;
    let mut reasons = Vec::new();
    for (hit, (name, w)) in hits.iter().zip(SIGNALS) {
        if *hit {
            score += w;
            reasons.push(name);
        }
    }
    if reasons.is_empty() {
        reasons.push("time proximity");
    }
    (round2(f64::min(score, 1.0)), reasons)
}

/// Weights are tenths: rounding keeps 0.4 + 0.2 equal to 0.6 when sorting ties.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Indices of events within `[from, to)` sharing a key with `r` (or a related action).
fn candidates(ix: &Index, r: &Rec, from: i64, to: i64) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    let lists = [
        (&ix.by_user, r.user),
        (&ix.by_resource, r.resource),
        (&ix.by_session, r.session),
        (&ix.by_transaction, r.transaction),
        (&ix.by_operation, r.operation),
        (&ix.by_cid, r.cid),
        (&ix.by_daemon, r.daemon),
    ];
    for (p, k) in lists {
        if k != NONE {
            out.extend_from_slice(ix.within(p.get(k), from, to));
        }
    }
    let class = ix.action_class(r.action);
    if class != 0 {
        for a in 0..ix.f.actions.len() as u32 {
            if ix.action_class(a) == class {
                out.extend_from_slice(ix.within(ix.by_action.get(a), from, to));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Events within ±`window_ms` of event `i` scoring at least `threshold`, best first.
pub fn correlate(ix: &Index, i: usize, window_ms: i64, threshold: f64, max: usize) -> Vec<Related> {
    let r = ix.recs[i];
    let mut out: Vec<(f64, u32, Vec<&'static str>)> =
        candidates(ix, &r, r.t - window_ms, r.t + window_ms + 1)
            .into_iter()
            .filter(|&j| j as usize != i)
            .filter_map(|j| {
                let (s, why) = signals(ix, &r, &ix.recs[j as usize]);
                (s >= threshold).then_some((s, j, why))
            })
            .collect();
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    out.truncate(max);
    out.into_iter()
        .map(|(score, j, reasons)| Related {
            event_id: ix.event_id(j as usize),
            time: ix.time(j as usize),
            label: ix.label(j as usize),
            score,
            reasons,
        })
        .collect()
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct TimelineEntry {
    pub event_id: String,
    pub time: DateTime<Utc>,
    pub label: String,
    pub status: crate::Status,
    pub subsystem: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Timeline {
    pub operation_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub duration_ms: i64,
    pub count: usize,
    pub subsystems: Vec<String>,
    /// "N events: action (k), …" with the three most frequent actions.
    pub summary: String,
    /// In time order.
    pub events: Vec<TimelineEntry>,
}

/// Every event of one operation, in order; `None` if the id is unknown.
pub fn timeline(ix: &Index, operation_id: &str) -> Option<Timeline> {
    let op = ix.f.operations.get(operation_id)?;
    let list = ix.by_operation.get(op);
    let (&a, &b) = (list.first()?, list.last()?);
    let mut subsystems: Vec<String> = Vec::new();
    let mut actions: Vec<(u32, usize)> = Vec::new();
    for &i in list {
        let r = &ix.recs[i as usize];
        if let Some(s) = ix.f.subsystems.resolve(r.subsystem)
            && !subsystems.iter().any(|x| x == s)
        {
            subsystems.push(s.to_string());
        }
        match actions.iter_mut().find(|(x, _)| *x == r.action) {
            Some(e) => e.1 += 1,
            None => actions.push((r.action, 1)),
        }
    }
    actions.sort_by_key(|x| std::cmp::Reverse(x.1));
    let top: Vec<String> = actions
        .iter()
        .take(3)
        .map(|(x, n)| format!("{} ({n})", ix.f.actions.name(*x)))
        .collect();
    let (t0, t1) = (ix.recs[a as usize].t, ix.recs[b as usize].t);
    Some(Timeline {
        operation_id: operation_id.to_string(),
        start: to_time(t0),
        end: to_time(t1),
        duration_ms: t1 - t0,
        count: list.len(),
        subsystems,
        summary: format!("{} events: {}", list.len(), top.join(", ")),
        events: list
            .iter()
            .map(|&i| {
                let r = &ix.recs[i as usize];
                TimelineEntry {
                    event_id: ix.event_id(i as usize),
                    time: to_time(r.t),
                    label: ix.label(i as usize),
                    status: r.status,
                    subsystem: ix.f.subsystems.resolve(r.subsystem).map(str::to_string),
                }
            })
            .collect(),
    })
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct CausalLink {
    pub event_id: String,
    pub time: DateTime<Utc>,
    pub label: String,
    /// How likely this event caused the next one in the chain (0–1).
    pub score: f64,
    pub reasons: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Causation {
    pub effect_id: String,
    /// Root cause first, the effect last (the effect's own score is 1).
    pub chain: Vec<CausalLink>,
    /// Every direct cause of the effect that was found, best first.
    pub direct_causes: Vec<CausalLink>,
    /// mean link score × 1/(1 + 0.1·(links − 1)): the original's formula, which trusts long
    /// chains less; 0 without a cause.
    pub confidence: f64,
    /// "HH:MM:SS label → … → HH:MM:SS effect".
    pub explanation: String,
}

/// Why `c` (earlier) may have caused `e`: time proximity +0.4 (< 10 s), +0.3 (< 1 min),
/// +0.2 (< 5 min), +0.1 otherwise; same operation +0.4; same resource, CID or daemon +0.2;
/// a failure before a failure +0.3; same user +0.1; capped at 1. Unlike the original, an
/// absent field never matches another absent field.
fn cause_score(c: &Rec, e: &Rec) -> Option<(f64, Vec<&'static str>)> {
    let shared = same(c.user, e.user)
        || same(c.resource, e.resource)
        || same(c.operation, e.operation)
        || same(c.cid, e.cid)
        || same(c.daemon, e.daemon);
    let fail_chain = e.failed() && (c.failed() || c.status == crate::Status::Warning);
    if !shared && !fail_chain {
        return None;
    }
    let dt = e.t - c.t;
    let (mut s, mut why) = match dt {
        d if d < 10 * SECOND => (0.4, vec!["within 10 s"]),
        d if d < MINUTE => (0.3, vec!["within 1 min"]),
        d if d < 5 * MINUTE => (0.2, vec!["within 5 min"]),
        _ => (0.1, vec!["earlier"]),
    };
    for (hit, w, name) in [
        (same(c.operation, e.operation), 0.4, "same operation"),
        (
            same(c.resource, e.resource) || same(c.cid, e.cid) || same(c.daemon, e.daemon),
            0.2,
            "same resource/daemon",
        ),
        (fail_chain, 0.3, "failure before failure"),
        (same(c.user, e.user), 0.1, "same user"),
    ] {
        if hit {
            s += w;
            why.push(name);
        }
    }
    Some((round2(f64::min(s, 1.0)), why))
}

/// Direct causes of event `i`: the earlier events of the first backward window of d minutes
/// (d = 1…depth) that holds any, best first.
fn direct_causes(ix: &Index, i: usize, depth: usize) -> Vec<(f64, u32, Vec<&'static str>)> {
    let e = ix.recs[i];
    for d in 1..=depth.max(1) {
        let from = e.t - d as i64 * MINUTE;
        let mut cands = candidates(ix, &e, from, e.t + 1);
        if e.failed() {
            let r = ix.range(Some(from), Some(e.t + 1));
            cands.extend(
                r.filter(|&j| ix.recs[j].failed() || ix.recs[j].status == crate::Status::Warning)
                    .map(|j| j as u32),
            );
            cands.sort_unstable();
            cands.dedup();
        }
        let mut found: Vec<(f64, u32, Vec<&'static str>)> = cands
            .into_iter()
            .filter(|&j| (j as usize) < i)
            .filter_map(|j| cause_score(&ix.recs[j as usize], &e).map(|(s, w)| (s, j, w)))
            .collect();
        if !found.is_empty() {
            found.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
            return found;
        }
    }
    Vec::new()
}

fn link(ix: &Index, j: usize, score: f64, reasons: Vec<&'static str>) -> CausalLink {
    CausalLink {
        event_id: ix.event_id(j),
        time: ix.time(j),
        label: ix.label(j),
        score,
        reasons,
    }
}

/// Follows the best direct cause back from event `i`, at most `depth` links.
pub fn causation(ix: &Index, i: usize, depth: usize) -> Causation {
    let direct = direct_causes(ix, i, depth);
    let mut chain = vec![link(ix, i, 1.0, vec!["effect"])];
    let mut scores = Vec::new();
    let mut visited = vec![i as u32];
    let mut cur = direct.first().cloned();
    while let Some((s, j, why)) = cur {
        if visited.contains(&j) || scores.len() >= depth {
            break;
        }
        visited.push(j);
        scores.push(s);
        chain.push(link(ix, j as usize, s, why));
        cur = direct_causes(ix, j as usize, depth).into_iter().next();
    }
    chain.reverse();
    let confidence = if scores.is_empty() {
        0.0
    } else {
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        mean / (1.0 + 0.1 * (scores.len() - 1) as f64)
    };
    let explanation = if scores.is_empty() {
        format!("no earlier related event within {depth} min")
    } else {
        chain
            .iter()
            .map(|l| format!("{}: {}", l.time.format("%H:%M:%S"), l.label))
            .collect::<Vec<_>>()
            .join(" → ")
    };
    Causation {
        effect_id: ix.event_id(i),
        chain,
        direct_causes: direct
            .into_iter()
            .map(|(s, j, w)| link(ix, j as usize, s, w))
            .collect(),
        confidence,
        explanation,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImpactLevel {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Impact {
    pub event_id: String,
    pub downstream_events: usize,
    pub downstream_failures: usize,
    pub affected_users: Vec<String>,
    pub affected_resources: Vec<String>,
    /// min(0.1·n, 0.4) + min(0.15·failures, 0.3) + 0.2 if the event failed + 0.3 if it is
    /// security-related (authentication/authorization), capped at 1.
    pub score: f64,
    /// ≥ 0.8 critical, ≥ 0.6 high, ≥ 0.4 medium, else low.
    pub level: ImpactLevel,
}

/// What followed event `i` within `window_ms` among its correlated events.
pub fn impact(ix: &Index, i: usize, window_ms: i64) -> Impact {
    let r = ix.recs[i];
    let after: Vec<u32> = candidates(ix, &r, r.t, r.t + window_ms + 1)
        .into_iter()
        .filter(|&j| j as usize > i && signals(ix, &r, &ix.recs[j as usize]).0 >= DEFAULT_THRESHOLD)
        .collect();
    let failures = after
        .iter()
        .filter(|&&j| ix.recs[j as usize].failed())
        .count();
    let et = ix.f.event_types.name(r.event_type).to_ascii_lowercase();
    let security = ix.is_auth(&r) || et.contains("security") || et.contains("authoriz");
    let score = (0.1 * after.len() as f64).min(0.4)
        + (0.15 * failures as f64).min(0.3)
        + if r.failed() || et.contains("error") {
            0.2
        } else {
            0.0
        }
        + if security { 0.3 } else { 0.0 };
    let score = score.min(1.0);
    let level = match score {
        s if s >= 0.8 => ImpactLevel::Critical,
        s if s >= 0.6 => ImpactLevel::High,
        s if s >= 0.4 => ImpactLevel::Medium,
        _ => ImpactLevel::Low,
    };
    let names = |key: fn(&Rec) -> u32, intern: &crate::intern::Interner| {
        let mut v: Vec<String> = after
            .iter()
            .map(|&j| key(&ix.recs[j as usize]))
            .filter(|&k| k != NONE)
            .map(|k| intern.name(k).to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    Impact {
        event_id: ix.event_id(i),
        downstream_events: after.len(),
        downstream_failures: failures,
        affected_users: names(|r| r.user, &ix.f.users),
        affected_resources: names(|r| r.resource, &ix.f.resources),
        score,
        level,
    }
}
