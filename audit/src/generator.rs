//! A seeded generator of normal audit traffic with labelled injected anomalies, in
//! ipfs-kit's history schema, the Python original's schema, or both mixed. Deterministic:
//! the same seed gives the same events on every machine (SplitMix64, no `rand`).
//!
//! Normal traffic: a Poisson number of events per hour with a daily cycle (quiet nights,
//! a midday peak) and quieter weekends; users with fixed activity weights; 2 % failures.
//! Injected (after the first week, on busy hours, never overlapping nor on the same hour
//! of the week): bursts
//! (3× an hour's traffic), silent hours (nothing at all), a user gone wild (10× their
//! daily volume over 8 hours) and failure spikes (60 % of one action failing for an hour).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::events::{Event, Schema, Status};
use crate::time::{DAY, HOUR, Local, to_time};

/// SplitMix64 (Steele, Lea & Flood): tiny, fast, passes BigCrush for this use.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    /// Poisson(λ): Knuth's product method below 30, a rounded normal above (Box–Muller).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda < 30.0 {
            let l = (-lambda).exp();
            let (mut k, mut p) = (0, 1.0);
            loop {
                p *= self.f64();
                if p <= l {
                    return k;
                }
                k += 1;
            }
        }
        let (u1, u2) = (self.f64().max(1e-300), self.f64());
        let n = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        (lambda + n * lambda.sqrt()).round().max(0.0) as u64
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mix {
    OpHistory,
    Python,
    /// Each event in either schema at random.
    Both,
}

#[derive(Clone, Debug)]
pub struct GenConfig {
    pub seed: u64,
    /// Unix millis of the first hour (rounded down to the hour).
    pub start_ms: i64,
    pub days: u32,
    pub users: u32,
    /// Mean events per hour at the daily peak on a weekday.
    pub peak_per_hour: f64,
    pub failure_rate: f64,
    pub mix: Mix,
    /// How many of each anomaly kind to inject (0 = clean traffic).
    pub inject_each: u32,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 1,
            // 2026-01-05, a Monday.
            start_ms: 1_767_571_200_000,
            days: 28,
            users: 20,
            peak_per_hour: 150.0,
            failure_rate: 0.02,
            mix: Mix::Both,
            inject_each: 2,
        }
    }
}

impl GenConfig {
    /// A config giving about `n` events (28 days scaled by the peak rate).
    pub fn with_events(seed: u64, n: u64) -> GenConfig {
        let base = GenConfig::default();
        // Mean of the daily curve × weekday/weekend mix ≈ 0.39 of the peak (measured).
        let per_hour = n as f64 / (f64::from(base.days) * 24.0 * 0.39);
        GenConfig {
            seed,
            peak_per_hour: per_hour,
            ..base
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InjectedKind {
    Burst,
    SilentHour,
    UserGoneWild,
    FailureSpike,
}

/// One injected anomaly, the ground truth for precision/recall.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Injected {
    pub kind: InjectedKind,
    pub start_ms: i64,
    pub end_ms: i64,
    /// The user (gone wild) or action (failure spike).
    pub subject: Option<String>,
}

const ACTIONS: [(&str, &str, &str, f64); 8] = [
    // (event_type, action, resource_type, weight)
    ("authentication", "login", "session", 0.14),
    ("data", "read", "file", 0.30),
    ("data", "write", "file", 0.16),
    ("data", "pin.add", "pin", 0.14),
    ("data", "pin.remove", "pin", 0.06),
    ("system", "daemon.restart", "daemon", 0.04),
    ("admin", "config.save", "config", 0.02),
    ("backend", "upload", "bucket", 0.14),
];

/// The daily cycle: 0.1 at night, rising to 1.0 at 13:00; weekends at half.
pub fn rate_factor(t: i64) -> f64 {
    let h = Local::UTC.hour(t) as f64 + 0.5;
    let day = (std::f64::consts::PI * (h - 6.0) / 14.0).sin().max(0.0);
    let weekend = if Local::UTC.weekday(t) >= 5 { 0.5 } else { 1.0 };
    (0.1 + 0.9 * day) * weekend
}

pub struct Generator {
    cfg: GenConfig,
    rng: Rng,
    weights: Vec<f64>,
    seq: u64,
}

/// Generates events in time order, handing each to `sink`; returns the injected labels.
pub fn generate(cfg: &GenConfig, mut sink: impl FnMut(Event)) -> Vec<Injected> {
    let mut g = Generator {
        cfg: cfg.clone(),
        rng: Rng::new(cfg.seed),
        weights: Vec::new(),
        seq: 0,
    };
    let users = cfg.users.max(1);
    g.weights = (0..users).map(|_| 0.6 + 0.8 * g.rng.f64()).collect();
    let wsum: f64 = g.weights.iter().sum();
    let start = cfg.start_ms - cfg.start_ms.rem_euclid(HOUR);
    let hours = i64::from(cfg.days) * 24;
    let plan = g.plan(start, hours);
    for h in 0..hours {
        let t = start + h * HOUR;
        let lambda = cfg.peak_per_hour * rate_factor(t);
        let here: Vec<&Injected> = plan
            .iter()
            .filter(|p| p.start_ms <= t && t < p.end_ms)
            .collect();
        if here.iter().any(|p| p.kind == InjectedKind::SilentHour) {
            continue;
        }
        let mut n = g.rng.poisson(lambda);
        if here.iter().any(|p| p.kind == InjectedKind::Burst) {
            n += (2.0 * lambda).round() as u64;
        }
        let mut hour_events: Vec<Event> = Vec::with_capacity(n as usize + 64);
        for _ in 0..n {
            let u = g.pick_user(wsum);
            hour_events.push(g.event(t, u, None));
        }
        for p in &here {
            match p.kind {
                InjectedKind::UserGoneWild => {
                    let u: usize = p
                        .subject
                        .as_deref()
                        .and_then(|s| s[1..].parse().ok())
                        .unwrap_or(0);
                    let daily = cfg.peak_per_hour * 24.0 * 0.42 * g.weights[u] / wsum;
                    let extra = (10.0 * daily / 8.0).round() as u64;
                    for _ in 0..extra {
                        hour_events.push(g.event(t, u, None));
                    }
                }
                InjectedKind::FailureSpike => {
                    let action = p.subject.clone().unwrap_or_default();
                    let k = ACTIONS.iter().position(|a| a.1 == action).unwrap_or(1);
                    let have = hour_events.iter().filter(|e| e.action == action).count() as u64;
                    for _ in have..40 {
                        let u = g.pick_user(wsum);
                        hour_events.push(g.event(t, u, Some(k)));
                    }
                    for e in hour_events.iter_mut().filter(|e| e.action == action) {
                        if g.rng.f64() < 0.6 {
                            e.status = Status::Failed;
                        }
                    }
                }
                _ => {}
            }
        }
        hour_events.sort_by_key(|e| e.time);
        for e in hour_events {
            sink(e);
        }
    }
    plan
}

impl Generator {
    fn pick_user(&mut self, wsum: f64) -> usize {
        let mut x = self.rng.f64() * wsum;
        for (i, w) in self.weights.iter().enumerate() {
            x -= w;
            if x < 0.0 {
                return i;
            }
        }
        self.weights.len() - 1
    }

    /// Picks non-overlapping busy hours after the first week.
    fn plan(&mut self, start: i64, hours: i64) -> Vec<Injected> {
        let mut plan: Vec<Injected> = Vec::new();
        let kinds = [
            InjectedKind::Burst,
            InjectedKind::SilentHour,
            InjectedKind::UserGoneWild,
            InjectedKind::FailureSpike,
        ];
        for _ in 0..self.cfg.inject_each {
            for kind in kinds {
                for _attempt in 0..1000 {
                    let first = (7 * 24).min(hours / 2);
                    let h = first + self.rng.below((hours - first - 24).max(1) as u64) as i64;
                    let t = start + h * HOUR;
                    let (s, e, subject) = match kind {
                        InjectedKind::UserGoneWild => {
                            let u = self.rng.below(self.weights.len() as u64);
                            (
                                t - t.rem_euclid(DAY) + 9 * HOUR,
                                t - t.rem_euclid(DAY) + 17 * HOUR,
                                Some(format!("u{u}")),
                            )
                        }
                        InjectedKind::FailureSpike => {
                            let a =
                                ["read", "write", "upload", "login"][self.rng.below(4) as usize];
                            (t, t + HOUR, Some(a.to_string()))
                        }
                        _ => (t, t + HOUR, None),
                    };
                    let busy = rate_factor(s) >= 0.6;
                    // An hour between injections, so that each is its own finding, and never
                    // two on the same hour of the week: with four weeks of history, a bucket
                    // with two abnormal weeks out of four has no normal majority left.
                    let how = |t: i64| Local::UTC.hour_of_week(t);
                    let clear = plan.iter().all(|p| {
                        (s >= p.end_ms + HOUR || e + HOUR <= p.start_ms)
                            && (p.start_ms..p.end_ms)
                                .step_by(HOUR as usize)
                                .all(|a| (s..e).step_by(HOUR as usize).all(|b| how(a) != how(b)))
                    });
                    if busy && clear && e <= start + hours * HOUR {
                        plan.push(Injected {
                            kind,
                            start_ms: s,
                            end_ms: e,
                            subject,
                        });
                        break;
                    }
                }
            }
        }
        plan.sort_by_key(|p| p.start_ms);
        plan
    }

    fn event(&mut self, hour: i64, user: usize, action: Option<usize>) -> Event {
        let t = hour + self.rng.below(HOUR as u64) as i64;
        let k = action.unwrap_or_else(|| {
            let mut x = self.rng.f64();
            ACTIONS
                .iter()
                .position(|a| {
                    x -= a.3;
                    x < 0.0
                })
                .unwrap_or(1)
        });
        let (event_type, act, rtype, _) = ACTIONS[k];
        self.seq += 1;
        let failed = self.rng.f64() < self.cfg.failure_rate;
        let python = match self.cfg.mix {
            Mix::OpHistory => false,
            Mix::Python => true,
            Mix::Both => self.rng.f64() < 0.5,
        };
        let resource = match rtype {
            "daemon" => ["kubo", "cluster"][self.rng.below(2) as usize].to_string(),
            "pin" => format!("bafy{:08x}", self.rng.below(5000)),
            "config" => "/etc/ipfs-kit/config.toml".to_string(),
            "session" => format!("u{user}"),
            _ => format!("{rtype}-{}", self.rng.below(400)),
        };
        let day = (t / DAY) % 100_000;
        let mut details = BTreeMap::new();
        if failed {
            details.insert("error".to_string(), "permission denied".to_string());
        }
        Event {
            time: to_time(t),
            id: Some(format!(
                "{}{:x}-{:x}",
                if python { "r" } else { "e" },
                self.cfg.seed,
                self.seq
            )),
            event_type: event_type.to_string(),
            action: act.to_string(),
            user: Some(format!("u{user}")),
            resource_type: Some(rtype.to_string()),
            cid: (rtype == "pin").then(|| resource.clone()),
            daemon: (rtype == "daemon").then(|| resource.clone()),
            subsystem: Some(act.split('.').next().unwrap_or(act).to_string()),
            resource_id: Some(resource),
            status: if failed { Status::Failed } else { Status::Ok },
            operation_id: Some(format!("op{:x}-{:x}", self.cfg.seed, self.seq)),
            session_id: Some(format!("s{user}-{day}")),
            transaction_id: None,
            ip: python.then(|| format!("10.0.{}.{}", user / 250, user % 250 + 1)),
            duration_ms: Some(5 + self.rng.below(200)),
            details,
            schema: if python {
                Schema::Python
            } else {
                Schema::OpHistory
            },
        }
    }
}

#[derive(Serialize)]
struct OpLine<'a> {
    event_id: &'a str,
    operation_id: &'a str,
    session_id: &'a str,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ms: Option<u64>,
    event_type: &'a str,
    action: &'a str,
    resource: Option<&'a str>,
    resource_type: Option<&'a str>,
    user_id: &'a str,
    status: &'a str,
    details: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct PyMeta<'a> {
    operation_id: Option<&'a str>,
    session_id: Option<&'a str>,
    subsystem: Option<&'a str>,
}

#[derive(Serialize)]
struct PyLine<'a> {
    event_type: &'a str,
    action: &'a str,
    timestamp: f64,
    user_id: Option<&'a str>,
    ip_address: Option<&'a str>,
    resource_id: Option<&'a str>,
    resource_type: Option<&'a str>,
    status: &'a str,
    details: &'a BTreeMap<String, String>,
    request_id: Option<&'a str>,
    metadata: PyMeta<'a>,
}

/// Writes one event as one line in its own schema.
pub fn write_line(w: &mut impl Write, e: &Event) -> io::Result<()> {
    match e.schema {
        Schema::Python => {
            let mut details = e.details.clone();
            if let Some(d) = e.duration_ms {
                details.insert("duration_ms".into(), d.to_string());
            }
            if let Some(c) = &e.cid {
                details.insert("cid".into(), c.clone());
            }
            let line = PyLine {
                event_type: &e.event_type,
                action: &e.action,
                timestamp: e.time.timestamp_millis() as f64 / 1000.0,
                user_id: e.user.as_deref(),
                ip_address: e.ip.as_deref(),
                resource_id: e.resource_id.as_deref(),
                resource_type: e.resource_type.as_deref(),
                status: if e.status == Status::Failed {
                    "failure"
                } else {
                    "success"
                },
                details: &details,
                request_id: e.id.as_deref(),
                metadata: PyMeta {
                    operation_id: e.operation_id.as_deref(),
                    session_id: e.session_id.as_deref(),
                    subsystem: e.subsystem.as_deref(),
                },
            };
            serde_json::to_writer(&mut *w, &line)?;
        }
        _ => {
            let line = OpLine {
                event_id: e.id.as_deref().unwrap_or(""),
                operation_id: e.operation_id.as_deref().unwrap_or(""),
                session_id: e.session_id.as_deref().unwrap_or(""),
                timestamp: e.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                duration_ms: e.duration_ms,
                event_type: &e.event_type,
                action: &e.action,
                resource: e.resource_id.as_deref(),
                resource_type: e.resource_type.as_deref(),
                user_id: e.user.as_deref().unwrap_or(""),
                status: e.status.as_str(),
                details: &e.details,
            };
            serde_json::to_writer(&mut *w, &line)?;
        }
    }
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_round_trips() {
        let cfg = GenConfig {
            days: 2,
            peak_per_hour: 30.0,
            inject_each: 0,
            ..GenConfig::default()
        };
        let mut a = Vec::new();
        generate(&cfg, |e| a.push(e));
        let mut b = Vec::new();
        generate(&cfg, |e| b.push(e));
        assert_eq!(a, b);
        assert!(a.len() > 200);
        for e in a.iter().take(200) {
            let mut line = Vec::new();
            write_line(&mut line, e).unwrap();
            let back = crate::events::parse_line(std::str::from_utf8(&line).unwrap()).unwrap();
            assert_eq!(back.action, e.action);
            assert_eq!(back.status, e.status);
            assert_eq!(back.user, e.user);
            assert_eq!(back.schema, e.schema);
            assert_eq!(back.time, e.time);
            assert_eq!(back.cid, e.cid);
        }
    }
}
