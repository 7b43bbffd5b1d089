//! Statistics grouped by any field: count, share, first/last seen, unique users, failure
//! rate and duration percentiles.

use std::ops::Range;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::index::{Index, Rec};
use crate::intern::{NONE, Names};
use crate::robust::percentile;
use crate::time::to_time;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    EventType,
    Action,
    User,
    Resource,
    ResourceType,
    Status,
    Subsystem,
    Daemon,
    Cid,
    Session,
    Operation,
    Ip,
    Schema,
    /// `details.KEY`
    Detail(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown field {0:?} to group by; use event_type, action, user, resource, resource_type, status, subsystem, daemon, cid, session, operation, ip, schema or details.KEY"
)]
pub struct UnknownField(pub String);

impl FromStr for GroupBy {
    type Err = UnknownField;
    fn from_str(s: &str) -> Result<Self, UnknownField> {
        Ok(match s {
            "event_type" | "type" => GroupBy::EventType,
            "action" => GroupBy::Action,
            "user" | "user_id" => GroupBy::User,
            "resource" | "resource_id" => GroupBy::Resource,
            "resource_type" => GroupBy::ResourceType,
            "status" => GroupBy::Status,
            "subsystem" => GroupBy::Subsystem,
            "daemon" => GroupBy::Daemon,
            "cid" => GroupBy::Cid,
            "session" | "session_id" => GroupBy::Session,
            "operation" | "operation_id" => GroupBy::Operation,
            "ip" | "ip_address" => GroupBy::Ip,
            "schema" => GroupBy::Schema,
            _ => match s.strip_prefix("details.") {
                Some(k) if !k.is_empty() => GroupBy::Detail(k.to_string()),
                _ => return Err(UnknownField(s.to_string())),
            },
        })
    }
}

impl GroupBy {
    pub fn name(&self) -> String {
        match self {
            GroupBy::EventType => "event_type".into(),
            GroupBy::Action => "action".into(),
            GroupBy::User => "user".into(),
            GroupBy::Resource => "resource".into(),
            GroupBy::ResourceType => "resource_type".into(),
            GroupBy::Status => "status".into(),
            GroupBy::Subsystem => "subsystem".into(),
            GroupBy::Daemon => "daemon".into(),
            GroupBy::Cid => "cid".into(),
            GroupBy::Session => "session".into(),
            GroupBy::Operation => "operation".into(),
            GroupBy::Ip => "ip".into(),
            GroupBy::Schema => "schema".into(),
            GroupBy::Detail(k) => format!("details.{k}"),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct GroupStats {
    /// The field's value; "unknown" for events without it.
    pub key: String,
    pub count: u64,
    /// Of all events in the range, 0–100.
    pub percentage: f64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub unique_users: u64,
    pub failures: u64,
    /// failures / count, 0–1.
    pub failure_rate: f64,
    /// Nearest-rank percentiles over the events that carry a duration.
    pub duration_p50_ms: Option<u32>,
    pub duration_p95_ms: Option<u32>,
    pub duration_p99_ms: Option<u32>,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Stats {
    pub total_events: u64,
    pub group_by: String,
    /// Largest first; ties by key.
    pub groups: Vec<GroupStats>,
}

const STATUSES: [&str; 5] = ["ok", "failed", "running", "warning", "unknown"];
const SCHEMAS: [&str; 3] = ["op_history", "alerts", "python"];

/// Distinct users per key from (key << 32 | user) pairs: a bit per (key, user) when that
/// table is small (a few MiB at most), else a sort.
fn distinct_users(mut pairs: Vec<u64>, keys: usize, users: usize) -> Vec<u64> {
    let mut out = vec![0u64; keys];
    let cells = keys.saturating_mul(users);
    if cells <= 1 << 26 {
        let mut seen = vec![0u64; cells.div_ceil(64)];
        for p in pairs {
            let (k, u) = ((p >> 32) as usize, (p & 0xffff_ffff) as usize);
            let c = k * users + u;
            let (w, b) = (c / 64, 1u64 << (c % 64));
            if seen[w] & b == 0 {
                seen[w] |= b;
                out[k] += 1;
            }
        }
        return out;
    }
    pairs.sort_unstable();
    pairs.dedup();
    for p in pairs {
        out[(p >> 32) as usize] += 1;
    }
    out
}

type KeyFn<'a> = Box<dyn Fn(&Rec) -> u32 + 'a>;

/// Groups the events in `range` by `by`.
pub fn group(ix: &Index, range: Range<usize>, by: &GroupBy) -> Stats {
    let f = &ix.f;
    let detail_key = match by {
        GroupBy::Detail(k) => f.detail_keys.get(k).unwrap_or(NONE - 1),
        _ => NONE,
    };
    // (key of a record, interner naming keys; `None` for the fixed enums)
    let (key, names): (KeyFn<'_>, Option<&dyn Names>) = match by {
        GroupBy::EventType => (
            Box::new(|r| r.event_type),
            Some(&f.event_types as &dyn Names),
        ),
        GroupBy::Action => (Box::new(|r| r.action), Some(&f.actions as &dyn Names)),
        GroupBy::User => (Box::new(|r| r.user), Some(&f.users as &dyn Names)),
        GroupBy::Resource => (Box::new(|r| r.resource), Some(&f.resources as &dyn Names)),
        GroupBy::ResourceType => (
            Box::new(|r| r.resource_type),
            Some(&f.resource_types as &dyn Names),
        ),
        GroupBy::Subsystem => (Box::new(|r| r.subsystem), Some(&f.subsystems as &dyn Names)),
        GroupBy::Daemon => (Box::new(|r| r.daemon), Some(&f.resources as &dyn Names)),
        GroupBy::Cid => (Box::new(|r| r.cid), Some(&f.resources as &dyn Names)),
        GroupBy::Session => (Box::new(|r| r.session), Some(&f.sessions as &dyn Names)),
        GroupBy::Operation => (Box::new(|r| r.operation), Some(&f.operations as &dyn Names)),
        GroupBy::Ip => (Box::new(|r| r.ip), Some(&f.ips as &dyn Names)),
        GroupBy::Detail(_) => (
            Box::new(move |r| ix.detail(r, detail_key)),
            Some(&f.detail_values as &dyn Names),
        ),
        GroupBy::Status => (
            Box::new(|r| {
                STATUSES
                    .iter()
                    .position(|s| *s == r.status.as_str())
                    .unwrap_or(4) as u32
            }),
            None,
        ),
        GroupBy::Schema => (Box::new(|r| r.schema as u32), None),
    };
    let n_keys = match (by, names) {
        (GroupBy::Status, _) => STATUSES.len(),
        (GroupBy::Schema, _) => SCHEMAS.len(),
        (_, Some(i)) => i.count(),
        _ => 0,
    };
    let unknown = n_keys;
    struct Acc {
        count: u64,
        first: i64,
        last: i64,
        failures: u64,
        durations: Vec<u32>,
    }
    let mut acc: Vec<Option<Acc>> = (0..=n_keys).map(|_| None).collect();
    let mut pairs: Vec<u64> = Vec::with_capacity(range.len());
    let total = range.len() as u64;
    for r in &ix.recs[range] {
        let k = key(r);
        let k = if k == NONE || k as usize >= n_keys {
            unknown
        } else {
            k as usize
        };
        let a = acc[k].get_or_insert(Acc {
            count: 0,
            first: r.t,
            last: r.t,
            failures: 0,
            durations: Vec::new(),
        });
        a.count += 1;
        a.last = r.t;
        a.failures += u64::from(r.failed());
        if let Some(d) = r.duration() {
            a.durations.push(d);
        }
        if r.user != NONE {
            pairs.push(((k as u64) << 32) | u64::from(r.user));
        }
    }
    let users = distinct_users(pairs, n_keys + 1, ix.f.users.len());
    let mut groups: Vec<GroupStats> = acc
        .into_iter()
        .enumerate()
        .filter_map(|(k, a)| {
            let mut a = a?;
            let name = if k == unknown {
                "unknown".to_string()
            } else {
                match (by, names) {
                    (GroupBy::Status, _) => STATUSES[k].to_string(),
                    (GroupBy::Schema, _) => SCHEMAS[k].to_string(),
                    (_, Some(i)) => i.label(k as u32).to_string(),
                    _ => String::new(),
                }
            };
            Some(GroupStats {
                key: name,
                count: a.count,
                percentage: 100.0 * a.count as f64 / total.max(1) as f64,
                first_seen: to_time(a.first),
                last_seen: to_time(a.last),
                unique_users: users[k],
                failures: a.failures,
                failure_rate: a.failures as f64 / a.count as f64,
                duration_p50_ms: percentile(&mut a.durations, 50.0),
                duration_p95_ms: percentile(&mut a.durations, 95.0),
                duration_p99_ms: percentile(&mut a.durations, 99.0),
            })
        })
        .collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    Stats {
        total_events: total,
        group_by: by.name(),
        groups,
    }
}

#[cfg(test)]
mod distinct_tests {
    use super::distinct_users;

    #[test]
    fn bitmap_and_sort_count_alike() {
        let mut rng = crate::generator::Rng::new(3);
        let pairs: Vec<u64> = (0..5000)
            .map(|_| (rng.below(40) << 32) | rng.below(300))
            .collect();
        let by_bits = distinct_users(pairs.clone(), 41, 300);
        // 41 × 2^21 cells is over the bitmap's limit: the sort path.
        let by_sort = distinct_users(pairs, 41, 1 << 21);
        assert_eq!(by_bits, by_sort);
        assert!(by_bits.iter().sum::<u64>() > 4000);
    }
}
