//! A slow, obviously-correct reading of audit JSONL for checking `audit-analytics`: every
//! line parsed into a serde_json::Value and normalised field by field, every figure computed
//! by a plain loop over all events.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Ev {
    pub id: Option<String>,
    pub t: i64,
    pub action: String,
    pub user: Option<String>,
    pub resource: Option<String>,
    pub session: Option<String>,
    pub operation: Option<String>,
    pub cid: Option<String>,
    pub daemon: Option<String>,
    pub failed: bool,
    pub duration: Option<u64>,
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

/// Events of every line that has a time and an action; the count of the others.
pub fn read(text: &str) -> (Vec<Ev>, usize) {
    let mut out = Vec::new();
    let mut bad = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            bad += 1;
            continue;
        };
        let t = match v.get("timestamp") {
            Some(Value::Number(n)) => n.as_f64().map(|x| (x * 1000.0).round() as i64),
            Some(Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.timestamp_millis()),
            _ => None,
        };
        let (Some(t), Some(action)) = (t, s(&v, "action")) else {
            bad += 1;
            continue;
        };
        let meta = v.get("metadata").cloned().unwrap_or(Value::Null);
        let details = v.get("details").cloned().unwrap_or(Value::Null);
        let resource = s(&v, "resource_id").or_else(|| s(&v, "resource"));
        let rtype = s(&v, "resource_type").unwrap_or_default().to_lowercase();
        let status = s(&v, "status").unwrap_or_default().to_lowercase();
        out.push(Ev {
            id: s(&v, "event_id").or_else(|| s(&v, "request_id")),
            t,
            user: s(&v, "user_id"),
            session: s(&v, "session_id").or_else(|| s(&meta, "session_id")),
            operation: s(&v, "operation_id").or_else(|| s(&meta, "operation_id")),
            cid: if rtype == "pin" || rtype == "cid" {
                resource.clone()
            } else {
                s(&details, "cid")
            },
            daemon: if rtype == "daemon" {
                resource.clone()
            } else {
                s(&details, "daemon")
            },
            resource,
            failed: [
                "failed",
                "failure",
                "fail",
                "error",
                "denied",
                "rejected",
                "forbidden",
                "unauthorized",
                "invalid",
                "timeout",
                "crashed",
            ]
            .contains(&status.as_str()),
            duration: v
                .get("duration_ms")
                .and_then(Value::as_f64)
                .or_else(|| s(&details, "duration_ms").and_then(|d| d.parse().ok()))
                .map(|d| d as u64),
            action,
        });
    }
    out.sort_by_key(|e| e.t);
    (out, bad)
}

/// Nearest-rank percentile (the smallest value with at least p% at or below it).
pub fn percentile(v: &[u64], p: f64) -> Option<u64> {
    if v.is_empty() {
        return None;
    }
    let mut v = v.to_vec();
    v.sort();
    let rank = ((p / 100.0 * v.len() as f64).ceil() as usize).max(1);
    Some(v[rank - 1])
}

pub struct Group {
    pub count: u64,
    pub users: BTreeSet<String>,
    pub failures: u64,
    pub first: i64,
    pub last: i64,
    pub durations: Vec<u64>,
}

pub fn group_by(evs: &[Ev], key: impl Fn(&Ev) -> String) -> BTreeMap<String, Group> {
    let mut m: BTreeMap<String, Group> = BTreeMap::new();
    for e in evs {
        let g = m.entry(key(e)).or_insert(Group {
            count: 0,
            users: BTreeSet::new(),
            failures: 0,
            first: e.t,
            last: e.t,
            durations: Vec::new(),
        });
        g.count += 1;
        g.first = g.first.min(e.t);
        g.last = g.last.max(e.t);
        g.failures += u64::from(e.failed);
        if let Some(u) = &e.user {
            g.users.insert(u.clone());
        }
        if let Some(d) = e.duration {
            g.durations.push(d);
        }
    }
    m
}

/// Least squares of y against 0, 1, 2, … by the textbook formula.
pub fn slope(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    if y.len() < 2 {
        return 0.0;
    }
    let xs: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
    let sx: f64 = xs.iter().sum();
    let sy: f64 = y.iter().sum();
    let sxy: f64 = xs.iter().zip(y).map(|(x, y)| x * y).sum();
    let sxx: f64 = xs.iter().map(|x| x * x).sum();
    (n * sxy - sx * sy) / (n * sxx - sx * sx)
}

/// The related-action classes of the original (§4) with ipfs-kit's pin words.
pub fn class(action: &str) -> usize {
    let classes: [&[&str]; 6] = [
        &["create", "upload", "add", "pin"],
        &["read", "download", "get", "cat"],
        &["update", "modify", "save", "edit"],
        &["delete", "remove", "unpin", "rm"],
        &["authenticate", "login", "logon"],
        &["authorize", "access"],
    ];
    let l = action.to_lowercase();
    let words: Vec<&str> = l.split(['.', '_', '-', ' ', '/']).collect();
    // A later class wins ("pin.remove" is a removal).
    (0..6)
        .rev()
        .find(|&i| words.iter().any(|w| classes[i].contains(w)))
        .map_or(0, |i| i + 1)
}

/// Correlation score of b against a: the signal weights summed, capped at 1, rounded.
pub fn score(a: &Ev, b: &Ev) -> f64 {
    let same = |x: &Option<String>, y: &Option<String>| x.is_some() && x == y;
    let mut s = 0.0;
    if same(&a.user, &b.user) {
        s += 0.4;
    }
    if same(&a.resource, &b.resource) {
        s += 0.3;
    }
    let c = class(&a.action);
    if c != 0 && c == class(&b.action) {
        s += 0.2;
    }
    if same(&a.session, &b.session) {
        s += 0.3;
    }
    if same(&a.operation, &b.operation) {
        s += 0.6;
    }
    if same(&a.cid, &b.cid) {
        s += 0.4;
    }
    if same(&a.daemon, &b.daemon) {
        s += 0.3;
    }
    (f64::min(s, 1.0) * 100.0).round() / 100.0
}

/// How likely `c` (earlier) caused `e`, as documented in correlate.rs: time proximity, same
/// operation, same resource/CID/daemon, a failure before a failure, same user; `None` when
/// they share nothing and are not a failure chain.
pub fn cause_score(c: &Ev, e: &Ev) -> Option<f64> {
    let same = |x: &Option<String>, y: &Option<String>| x.is_some() && x == y;
    let shared = same(&c.user, &e.user)
        || same(&c.resource, &e.resource)
        || same(&c.operation, &e.operation)
        || same(&c.cid, &e.cid)
        || same(&c.daemon, &e.daemon);
    // The generator writes no warning statuses, so a failure chain is failure → failure.
    let fail_chain = e.failed && c.failed;
    if !shared && !fail_chain {
        return None;
    }
    let dt = e.t - c.t;
    let mut s = if dt < 10_000 {
        0.4
    } else if dt < 60_000 {
        0.3
    } else if dt < 300_000 {
        0.2
    } else {
        0.1
    };
    if same(&c.operation, &e.operation) {
        s += 0.4;
    }
    if same(&c.resource, &e.resource) || same(&c.cid, &e.cid) || same(&c.daemon, &e.daemon) {
        s += 0.2;
    }
    if fail_chain {
        s += 0.3;
    }
    if same(&c.user, &e.user) {
        s += 0.1;
    }
    Some((f64::min(s, 1.0) * 100.0).round() / 100.0)
}
