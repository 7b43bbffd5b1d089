//! Behaviour patterns: twelve detectors, each explaining its finding with the events that
//! prove it.
//!
//! Confidence: unless a detector says otherwise it is `min(1, n / (2·T))` where `n` is the
//! observed count and `T` the detector's threshold — 0.5 exactly at the threshold, 1 at twice
//! it — multiplied by a detector-specific factor in 0–1 that discounts the usual (documented
//! at each detector).

use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::index::{Index, Rec};
use crate::intern::{FxMap, NONE};
use crate::time::{DAY, HOUR, Local, MINUTE};

/// Stable ids and one-line descriptions of every detector.
pub const DETECTORS: [(&str, &str); 12] = [
    (
        "repeated_failed_auth",
        "a user fails authentication repeatedly within a window",
    ),
    (
        "off_hours_activity",
        "a user acts outside working hours (local time)",
    ),
    (
        "high_frequency_action",
        "an action runs far faster than its usual rate",
    ),
    (
        "burst_after_idle",
        "a user, idle for long, suddenly does many things",
    ),
    (
        "operation_failing_repeatedly",
        "the same action on the same resource keeps failing",
    ),
    (
        "daemon_crash_loop",
        "a daemon crashes (or fails to restart) repeatedly",
    ),
    (
        "config_churn",
        "configuration saved or wizards run many times in a day",
    ),
    ("pin_flapping", "one CID pinned and unpinned back and forth"),
    (
        "wide_resource_access",
        "one user touches far more resources than their peers",
    ),
    (
        "error_cascade",
        "failures spread across several subsystems within minutes",
    ),
    (
        "failures_then_success",
        "several failures then a success (the brute-force shape)",
    ),
    (
        "out_of_order_actions",
        "an action pair seen in the reverse of its usual order",
    ),
];

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PatternConfig {
    pub local: Local,
    /// Off-hours are `[off_start, 24) ∪ [0, off_end)` in local time.
    pub off_start: u32,
    pub off_end: u32,
    pub min_occurrences: usize,
    pub min_confidence: f64,
    pub failed_auth_min: usize,
    pub auth_window_ms: i64,
    pub rate_window_ms: i64,
    pub high_freq_min: usize,
    pub idle_ms: i64,
    pub burst_window_ms: i64,
    pub burst_min: usize,
    pub op_fail_window_ms: i64,
    pub crash_min: usize,
    pub crash_window_ms: i64,
    pub config_changes_per_day: usize,
    pub flap_min: usize,
    pub flap_window_ms: i64,
    pub wide_min: usize,
    pub cascade_subsystems: usize,
    pub cascade_window_ms: i64,
    pub retry_failures: usize,
    pub retry_window_ms: i64,
    pub order_min_usual: u32,
    /// Findings listed per detector at most (all are counted in `occurrences`).
    pub max_per_detector: usize,
}

impl Default for PatternConfig {
    fn default() -> Self {
        PatternConfig {
            local: Local::UTC,
            off_start: 22,
            off_end: 6,
            min_occurrences: 3,
            min_confidence: 0.0,
            failed_auth_min: 3,
            auth_window_ms: HOUR,
            rate_window_ms: MINUTE,
            high_freq_min: 20,
            idle_ms: 2 * HOUR,
            burst_window_ms: 5 * MINUTE,
            burst_min: 10,
            op_fail_window_ms: HOUR,
            crash_min: 3,
            crash_window_ms: 10 * MINUTE,
            config_changes_per_day: 5,
            flap_min: 3,
            flap_window_ms: HOUR,
            wide_min: 10,
            cascade_subsystems: 3,
            cascade_window_ms: 5 * MINUTE,
            retry_failures: 3,
            retry_window_ms: HOUR,
            order_min_usual: 20,
            max_per_detector: 50,
        }
    }
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Pattern {
    pub id: &'static str,
    /// What the finding is about: a user, a CID, "action on resource", a subsystem list.
    pub key: String,
    pub description: String,
    pub occurrences: usize,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub confidence: f64,
    pub affected_users: Vec<String>,
    pub sample_event_ids: Vec<String>,
}

const SAMPLES: usize = 5;
const MAX_USERS: usize = 20;

type Detector = fn(&Index, &Range<usize>, &PatternConfig, &mut Vec<Pattern>);

/// Runs every detector over the events in `range`; findings of confidence 0 or below
/// `min_confidence` are dropped; sorted by confidence, highest first.
pub fn detect(ix: &Index, range: Range<usize>, cfg: &PatternConfig) -> Vec<Pattern> {
    let mut out = Vec::new();
    let detectors: [Detector; 12] = [
        repeated_failed_auth,
        off_hours,
        high_frequency,
        burst_after_idle,
        operation_failing,
        crash_loop,
        config_churn,
        pin_flapping,
        wide_access,
        error_cascade,
        failures_then_success,
        out_of_order,
    ];
    for mut found in run_all(&detectors, ix, &range, cfg) {
        // Confidence 0 means the detector saw the shape and judged it usual (e.g. a user
        // who always works at night): not a finding.
        found.retain(|p| p.confidence > 0.0 && p.confidence >= cfg.min_confidence);
        found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        found.truncate(cfg.max_per_detector);
        out.extend(found);
    }
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    out
}

/// Every detector's findings, in the detectors' order; they run on all cores (each only
/// reads the index), the next free thread taking the next detector.
fn run_all(
    detectors: &[Detector],
    ix: &Index,
    range: &Range<usize>,
    cfg: &PatternConfig,
) -> Vec<Vec<Pattern>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(d) = detectors.get(k) else {
                return done;
            };
            let mut found = Vec::new();
            d(ix, range, cfg, &mut found);
            done.push((k, found));
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut slots: Vec<Vec<Pattern>> = detectors.iter().map(|_| Vec::new()).collect();
    std::thread::scope(|sc| {
        let helpers: Vec<_> = (1..threads).map(|_| sc.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        for (k, found) in all {
            slots[k] = found;
        }
    });
    slots
}

fn ratio(n: usize, threshold: usize) -> f64 {
    (n as f64 / (2.0 * threshold.max(1) as f64)).min(1.0)
}

fn finding(
    ix: &Index,
    id: &'static str,
    key: String,
    description: String,
    occurrences: usize,
    events: &[u32],
    confidence: f64,
) -> Option<Pattern> {
    let first = *events.first()? as usize;
    let last = *events.last()? as usize;
    let mut users: Vec<u32> = events.iter().map(|&i| ix.recs[i as usize].user).collect();
    users.sort_unstable();
    users.dedup();
    Some(Pattern {
        id,
        key,
        description,
        occurrences,
        first_seen: ix.time(first),
        last_seen: ix.time(last),
        confidence: confidence.clamp(0.0, 1.0),
        affected_users: users
            .into_iter()
            .filter(|&u| u != NONE)
            .take(MAX_USERS)
            .map(|u| ix.f.users.name(u).to_string())
            .collect(),
        sample_event_ids: events
            .iter()
            .take(SAMPLES)
            .map(|&i| ix.event_id(i as usize))
            .collect(),
    })
}

/// The window of length `w` holding the most of `list` (time-ordered): (start, len).
fn best_window(ix: &Index, list: &[u32], w: i64) -> (usize, usize) {
    let (mut best, mut a) = ((0, 0), 0);
    for b in 0..list.len() {
        let tb = ix.recs[list[b] as usize].t;
        while ix.recs[list[a] as usize].t <= tb - w {
            a += 1;
        }
        if b + 1 - a > best.1 {
            best = (a, b + 1 - a);
        }
    }
    best
}

fn filtered(ix: &Index, list: &[u32], keep: impl Fn(&Rec) -> bool) -> Vec<u32> {
    list.iter()
        .copied()
        .filter(|&i| keep(&ix.recs[i as usize]))
        .collect()
}

fn mins(ms: i64) -> String {
    if ms % HOUR == 0 {
        format!("{} h", ms / HOUR)
    } else {
        format!("{} min", ms / MINUTE)
    }
}

/// Per user, the most failed authentications within `auth_window`.
fn repeated_failed_auth(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    for u in 0..ix.f.users.len() as u32 {
        let list = filtered(ix, ix.clip(ix.by_user.get(u), r), |e| ix.failed_auth(e));
        if list.len() < c.failed_auth_min {
            continue;
        }
        let (a, n) = best_window(ix, &list, c.auth_window_ms);
        if n >= c.failed_auth_min {
            let user = ix.f.users.name(u);
            out.extend(finding(
                ix,
                "repeated_failed_auth",
                user.to_string(),
                format!(
                    "{user} failed to authenticate {n} times within {}",
                    mins(c.auth_window_ms)
                ),
                n,
                &list[a..a + n],
                ratio(n, c.failed_auth_min),
            ));
        }
    }
}

/// Confidence factor `1 − s`, where `s` is the share of the user's own events that are
/// off-hours: someone who always works nights is not unusual at night.
fn off_hours(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let off = |t: i64| {
        let h = c.local.hour(t);
        if c.off_start > c.off_end {
            h >= c.off_start || h < c.off_end
        } else {
            h >= c.off_start && h < c.off_end
        }
    };
    for u in 0..ix.f.users.len() as u32 {
        let all = ix.clip(ix.by_user.get(u), r);
        let list = filtered(ix, all, |e| off(e.t));
        let n = list.len();
        if n < c.min_occurrences {
            continue;
        }
        let share = n as f64 / all.len() as f64;
        let user = ix.f.users.name(u);
        out.extend(finding(
            ix,
            "off_hours_activity",
            user.to_string(),
            format!(
                "{user} acted {n} times between {:02}:00 and {:02}:00 local ({:.0}% of their events)",
                c.off_start,
                c.off_end,
                share * 100.0
            ),
            n,
            &list,
            ratio(n, c.min_occurrences) * (1.0 - share),
        ));
    }
}

/// Threshold `T = max(high_freq_min, 5 × the action's mean count per window)`.
fn high_frequency(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let (Some(t0), Some(t1)) = (
        ix.recs.get(r.start),
        r.end.checked_sub(1).and_then(|e| ix.recs.get(e)),
    ) else {
        return;
    };
    let windows = ((t1.t - t0.t) as f64 / c.rate_window_ms.max(1) as f64).max(1.0);
    for a in 0..ix.f.actions.len() as u32 {
        let list = ix.clip(ix.by_action.get(a), r);
        if list.len() < c.high_freq_min {
            continue;
        }
        let (s, n) = best_window(ix, list, c.rate_window_ms);
        let threshold = (c.high_freq_min as f64).max(5.0 * list.len() as f64 / windows);
        if (n as f64) >= threshold {
            let action = ix.f.actions.name(a);
            out.extend(finding(
                ix,
                "high_frequency_action",
                action.to_string(),
                format!(
                    "{action} ran {n} times within {} (usual: {:.1})",
                    mins(c.rate_window_ms),
                    list.len() as f64 / windows
                ),
                n,
                &list[s..s + n],
                (n as f64 / (2.0 * threshold)).min(1.0),
            ));
        }
    }
}

/// Confidence `min(1, burst/(2·burst_min)) · min(1, idle gap/(2·idle))`, best burst.
fn burst_after_idle(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    for u in 0..ix.f.users.len() as u32 {
        let list = ix.clip(ix.by_user.get(u), r);
        let (mut count, mut best, mut best_conf) = (0, (0, 0, 0i64), 0.0);
        let mut i = 1;
        while i < list.len() {
            let gap = ix.recs[list[i] as usize].t - ix.recs[list[i - 1] as usize].t;
            if gap < c.idle_ms {
                i += 1;
                continue;
            }
            let t = ix.recs[list[i] as usize].t;
            let n = list[i..]
                .iter()
                .take_while(|&&j| ix.recs[j as usize].t < t + c.burst_window_ms)
                .count();
            if n >= c.burst_min {
                count += 1;
                let conf = ratio(n, c.burst_min) * (gap as f64 / (2.0 * c.idle_ms as f64)).min(1.0);
                if conf > best_conf {
                    (best, best_conf) = ((i, n, gap), conf);
                }
            }
            i += n.max(1);
        }
        if count > 0 {
            let user = ix.f.users.name(u);
            let (i, n, gap) = best;
            out.extend(finding(
                ix,
                "burst_after_idle",
                user.to_string(),
                format!(
                    "{user} did {n} things within {} after {} idle",
                    mins(c.burst_window_ms),
                    mins(gap - gap % MINUTE)
                ),
                count,
                &list[i..i + n],
                best_conf,
            ));
        }
    }
}

/// Keyed by (action, resource). Confidence factor: failures / attempts in the window.
fn operation_failing(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let mut failed: Vec<(u32, u32, u32)> = ix.recs[r.clone()]
        .iter()
        .enumerate()
        .filter(|(_, e)| e.failed())
        .map(|(i, e)| (e.action, e.resource, (r.start + i) as u32))
        .collect();
    failed.sort_unstable();
    for group in failed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        if group.len() < c.min_occurrences {
            continue;
        }
        let list: Vec<u32> = group.iter().map(|g| g.2).collect();
        let (s, n) = best_window(ix, &list, c.op_fail_window_ms);
        if n < c.min_occurrences {
            continue;
        }
        let (action, res) = (group[0].0, group[0].1);
        let (t0, t1) = (
            ix.recs[list[s] as usize].t,
            ix.recs[list[s + n - 1] as usize].t,
        );
        let attempts = if res == NONE {
            ix.within(ix.by_action.get(action), t0, t1 + 1).len()
        } else {
            ix.within(ix.by_resource.get(res), t0, t1 + 1)
                .iter()
                .filter(|&&i| ix.recs[i as usize].action == action)
                .count()
        }
        .max(n);
        let key = match ix.f.resources.resolve(res) {
            Some(res) => format!("{} on {res}", ix.f.actions.name(action)),
            None => ix.f.actions.name(action).to_string(),
        };
        out.extend(finding(
            ix,
            "operation_failing_repeatedly",
            key.clone(),
            format!(
                "{key} failed {n} of {attempts} times within {}",
                mins(c.op_fail_window_ms)
            ),
            n,
            &list[s..s + n],
            ratio(n, c.min_occurrences) * n as f64 / attempts as f64,
        ));
    }
}

fn is_crash(action: &str) -> bool {
    action.starts_with("daemon.")
        && (action.ends_with("crash")
            || action.ends_with("restart-failed")
            || action.ends_with("give-up"))
}

/// Confidence 1 when the supervisor gave up within the window.
fn crash_loop(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let crash: Vec<bool> = ix.f.actions.iter().map(|(_, a)| is_crash(a)).collect();
    for d in 0..ix.f.resources.len() as u32 {
        let all = ix.clip(ix.by_daemon.get(d), r);
        if all.len() < c.crash_min {
            continue;
        }
        let list = filtered(ix, all, |e| crash[e.action as usize]);
        let (s, n) = best_window(ix, &list, c.crash_window_ms);
        if n < c.crash_min {
            continue;
        }
        let w = &list[s..s + n];
        let gave_up = w.iter().any(|&i| {
            ix.f.actions
                .name(ix.recs[i as usize].action)
                .ends_with("give-up")
        });
        let name = ix.f.resources.name(d);
        out.extend(finding(
            ix,
            "daemon_crash_loop",
            name.to_string(),
            format!(
                "{name} crashed or failed to restart {n} times within {}{}",
                mins(c.crash_window_ms),
                if gave_up {
                    "; the supervisor gave up"
                } else {
                    ""
                }
            ),
            n,
            w,
            if gave_up { 1.0 } else { ratio(n, c.crash_min) },
        ));
    }
}

fn config_churn(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let mut list = Vec::new();
    for (a, name) in ix.f.actions.iter() {
        if name == "config.save" || name.starts_with("wizard.") || name == "config.change" {
            list.extend_from_slice(ix.clip(ix.by_action.get(a), r));
        }
    }
    list.sort_unstable();
    let (s, n) = best_window(ix, &list, DAY);
    if n >= c.config_changes_per_day && n > 0 {
        out.extend(finding(
            ix,
            "config_churn",
            "config".into(),
            format!(
                "configuration changed {n} times within 24 h (limit {})",
                c.config_changes_per_day
            ),
            n,
            &list[s..s + n],
            ratio(n, c.config_changes_per_day),
        ));
    }
}

/// Counts state changes pinned ↔ unpinned of one CID among successful pin/unpin events.
fn pin_flapping(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let (pin, unpin) = (1u8, 4u8);
    for cid in 0..ix.f.resources.len() as u32 {
        let all = ix.clip(ix.by_cid.get(cid), r);
        if all.len() < c.flap_min + 1 {
            continue;
        }
        let mut toggles = Vec::new();
        let mut last = 0u8;
        for &i in all {
            let e = &ix.recs[i as usize];
            let class = ix.action_class(e.action);
            if e.failed() || (class != pin && class != unpin) {
                continue;
            }
            if last != 0 && class != last {
                toggles.push(i);
            }
            last = class;
        }
        let (s, n) = best_window(ix, &toggles, c.flap_window_ms);
        if n >= c.flap_min {
            let name = ix.f.resources.name(cid);
            out.extend(finding(
                ix,
                "pin_flapping",
                name.to_string(),
                format!(
                    "{name} switched between pinned and unpinned {n} times within {}",
                    mins(c.flap_window_ms)
                ),
                n,
                &toggles[s..s + n],
                ratio(n, c.flap_min),
            ));
        }
    }
}

/// Threshold `T = max(wide_min, 3 × the median user's distinct resources)`; needs 3 users.
fn wide_access(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let mut stamp = vec![u32::MAX; ix.f.resources.len()];
    let mut per_user: Vec<(u32, usize, Vec<u32>)> = Vec::new();
    for u in 0..ix.f.users.len() as u32 {
        let list = ix.clip(ix.by_user.get(u), r);
        let mut firsts = Vec::new();
        for &i in list {
            let res = ix.recs[i as usize].resource;
            if res != NONE && stamp[res as usize] != u {
                stamp[res as usize] = u;
                firsts.push(i);
            }
        }
        if !firsts.is_empty() {
            per_user.push((u, firsts.len(), firsts));
        }
    }
    if per_user.len() < 3 {
        return;
    }
    let mut counts: Vec<f64> = per_user.iter().map(|p| p.1 as f64).collect();
    let med = crate::robust::median(&mut counts).unwrap_or(0.0).max(1.0);
    let threshold = (c.wide_min as f64).max(3.0 * med);
    for (u, n, firsts) in per_user {
        if (n as f64) >= threshold {
            let user = ix.f.users.name(u);
            out.extend(finding(
                ix,
                "wide_resource_access",
                user.to_string(),
                format!("{user} touched {n} distinct resources (median user: {med:.0})"),
                n,
                &firsts,
                (n as f64 / (2.0 * threshold)).min(1.0),
            ));
        }
    }
}

fn error_cascade(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let failed: Vec<u32> = r
        .clone()
        .filter(|&i| ix.recs[i].failed() && ix.recs[i].subsystem != NONE)
        .map(|i| i as u32)
        .collect();
    let mut counts: FxMap<u32, u32> = FxMap::default();
    let (mut a, mut b) = (0, 0);
    while b < failed.len() {
        let tb = ix.recs[failed[b] as usize].t;
        *counts
            .entry(ix.recs[failed[b] as usize].subsystem)
            .or_default() += 1;
        while ix.recs[failed[a] as usize].t <= tb - c.cascade_window_ms {
            let s = ix.recs[failed[a] as usize].subsystem;
            if let Some(n) = counts.get_mut(&s) {
                *n -= 1;
                if *n == 0 {
                    counts.remove(&s);
                }
            }
            a += 1;
        }
        b += 1;
        if counts.len() < c.cascade_subsystems {
            continue;
        }
        // Extend to the end of the window that started at `a`, then report and move past it.
        let t_start = ix.recs[failed[a] as usize].t;
        while b < failed.len() && ix.recs[failed[b] as usize].t < t_start + c.cascade_window_ms {
            b += 1;
        }
        let w = &failed[a..b];
        let mut order: Vec<u32> = Vec::new();
        for &i in w {
            let s = ix.recs[i as usize].subsystem;
            if !order.contains(&s) {
                order.push(s);
            }
        }
        let key = order
            .iter()
            .map(|&s| ix.f.subsystems.name(s))
            .collect::<Vec<_>>()
            .join(" → ");
        out.extend(finding(
            ix,
            "error_cascade",
            key.clone(),
            format!(
                "{} failures across {} subsystems within {}: {key}",
                w.len(),
                order.len(),
                mins(c.cascade_window_ms)
            ),
            w.len(),
            w,
            ratio(order.len(), c.cascade_subsystems),
        ));
        counts.clear();
        a = b;
    }
}

/// Per (user, action): `retry_failures` failures in a row, then a success, within the window.
/// Confidence factor 1 for authentication (brute force), 0.6 otherwise (a retry that worked).
fn failures_then_success(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    for u in 0..ix.f.users.len() as u32 {
        let list = ix.clip(ix.by_user.get(u), r);
        // action -> position in `list` of the first failure of the current run, and its length
        let mut runs: FxMap<u32, (usize, usize)> = FxMap::default();
        let mut hits: FxMap<u32, (usize, usize, Vec<u32>)> = FxMap::default();
        for (p, &i) in list.iter().enumerate() {
            let e = &ix.recs[i as usize];
            if e.failed() {
                let run = runs.entry(e.action).or_insert((p, 0));
                if run.1 > 0 && e.t - ix.recs[list[run.0] as usize].t > c.retry_window_ms {
                    *run = (p, 0);
                }
                run.1 += 1;
            } else if e.status == crate::Status::Ok
                && let Some((start, n)) = runs.remove(&e.action)
            {
                let t0 = ix.recs[list[start] as usize].t;
                if n >= c.retry_failures && e.t - t0 <= c.retry_window_ms {
                    let h = hits.entry(e.action).or_insert((0, 0, Vec::new()));
                    h.0 += 1;
                    if n > h.1 {
                        h.1 = n;
                        h.2 = list[start..=p]
                            .iter()
                            .copied()
                            .filter(|&j| ix.recs[j as usize].action == e.action)
                            .collect();
                    }
                }
            }
        }
        for (action, (count, most, events)) in hits {
            let user = ix.f.users.name(u);
            let name = ix.f.actions.name(action);
            let auth = ix.is_auth(&ix.recs[events[0] as usize]);
            out.extend(finding(
                ix,
                "failures_then_success",
                format!("{user} {name}"),
                format!("{user}: {name} failed {most} times in a row, then succeeded ({count}×)"),
                count,
                &events,
                ratio(most, c.retry_failures) * if auth { 1.0 } else { 0.6 },
            ));
        }
    }
}

/// Transitions between consecutive, different actions of one session (or of one user's
/// events without a session). A pair a→b is out of order when b→a was seen at least
/// `order_min_usual` times and a→b in at most 5 % of the pair's transitions. Confidence
/// `(1 − share of a→b) · min(1, count(b→a) / (2 · order_min_usual))`.
fn out_of_order(ix: &Index, r: &Range<usize>, c: &PatternConfig, out: &mut Vec<Pattern>) {
    let mut pairs: FxMap<(u32, u32), (u32, Vec<u32>)> = FxMap::default();
    let mut walk = |list: &[u32]| {
        for w in list.windows(2) {
            let (a, b) = (ix.recs[w[0] as usize].action, ix.recs[w[1] as usize].action);
            if a != b {
                let e = pairs.entry((a, b)).or_insert((0, Vec::new()));
                e.0 += 1;
                if e.1.len() < SAMPLES {
                    e.1.extend_from_slice(w);
                }
            }
        }
    };
    for s in 0..ix.f.sessions.len() as u32 {
        walk(ix.clip(ix.by_session.get(s), r));
    }
    for u in 0..ix.f.users.len() as u32 {
        let list = filtered(ix, ix.clip(ix.by_user.get(u), r), |e| e.session == NONE);
        walk(&list);
    }
    for (&(a, b), (n, samples)) in &pairs {
        let Some((usual, _)) = pairs.get(&(b, a)) else {
            continue;
        };
        let share = f64::from(*n) / f64::from(n + usual);
        if *usual < c.order_min_usual || share > 0.05 {
            continue;
        }
        let (an, bn) = (ix.f.actions.name(a), ix.f.actions.name(b));
        let mut ev = samples.clone();
        ev.sort_unstable();
        ev.dedup();
        out.extend(finding(
            ix,
            "out_of_order_actions",
            format!("{an} → {bn}"),
            format!(
                "{an} was followed by {bn} {n} times; usually {bn} comes first ({usual} times)"
            ),
            *n as usize,
            &ev,
            (1.0 - share) * (f64::from(*usual) / (2.0 * f64::from(c.order_min_usual))).min(1.0),
        ));
    }
}

pub fn first_last(p: &Pattern) -> (i64, i64) {
    (
        p.first_seen.timestamp_millis(),
        p.last_seen.timestamp_millis(),
    )
}
