//! The monitor's minutes in the cache's store: key `perf:<unix minute, 12 digits>:<operation>`
//! (so a window is one key-range scan), value `ok u64 | failed u64 | histogram (HDR V2)`,
//! kept 25 hours. Written each minute by the running ipfs-kit (`persist_loop`).

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};

use super::{Minute, Monitor};
use crate::cache::Cache;

pub const KEEP: Duration = Duration::from_secs(25 * 3600);

/// Key prefix of a running process's cache statistics (`report_cache_stats`).
pub const PROCESS_STATS: &str = "perf-cache-stats:";

/// What a running ipfs-kit reports of its cache every half minute (kept two minutes, so a
/// process that ended drops out): `performance cache-stats` in another process reads it.
pub fn report_cache_stats(cache: &Cache) {
    let key = format!("{PROCESS_STATS}{}", std::process::id());
    cache.set_json(&key, &cache.stats(), Duration::from_secs(120));
    cache.flush();
}

pub fn key(minute: i64, op: &str) -> String {
    format!("perf:{minute:012}:{op}")
}

/// (minute, operation) of a key written by `key`.
fn parse_key(k: &str) -> Option<(i64, &str)> {
    let rest = k.strip_prefix("perf:")?;
    let (m, op) = rest.split_once(':')?;
    Some((m.parse().ok()?, op))
}

pub fn encode(m: &Minute) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&m.ok.to_le_bytes());
    out.extend_from_slice(&m.failed.to_le_bytes());
    V2Serializer::new().serialize(&m.hist, &mut out).ok()?;
    Some(out)
}

pub fn decode(v: &[u8]) -> Option<Minute> {
    let ok = u64::from_le_bytes(v.get(0..8)?.try_into().ok()?);
    let failed = u64::from_le_bytes(v.get(8..16)?.try_into().ok()?);
    let mut r = v.get(16..)?;
    let hist = Deserializer::new().deserialize(&mut r).ok()?;
    Some(Minute { hist, ok, failed })
}

/// Rolls the monitor and writes its finished minutes.
pub fn persist(monitor: &Monitor, cache: &Cache) {
    monitor.roll(super::unix_minute());
    write(&monitor.take_done(), cache);
}

/// Writes finished minutes (taken from a monitor) into the store.
pub fn write(done: &[(i64, std::collections::HashMap<String, Minute>)], cache: &Cache) {
    if done.is_empty() {
        return;
    }
    for (minute, ops) in done {
        for (op, m) in ops {
            if let Some(bytes) = encode(m) {
                cache.set_stored(&key(*minute, op), bytes, KEEP);
            }
        }
    }
    cache.flush();
}

/// For a process without a collector (`supervise`): rolls and writes the process's
/// monitor, and reports its cache figures, every half minute.
pub fn spawn_persister(cache: std::sync::Arc<Cache>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(30));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let c = std::sync::Arc::clone(&cache);
            let _ = tokio::task::spawn_blocking(move || {
                persist(super::global(), &c);
                report_cache_stats(&c);
            })
            .await;
        }
    })
}

/// Every operation's samples in minutes `[from, to)`: the store's, plus `unsaved` (the
/// reading process's own minutes not written yet).
pub fn load(
    cache: &Cache,
    from: i64,
    to: i64,
    unsaved: &[(i64, std::collections::HashMap<String, Minute>)],
) -> BTreeMap<String, Minute> {
    let mut out: BTreeMap<String, Minute> = BTreeMap::new();
    for (k, v) in cache.scan_range(&key(from, ""), &key(to, "")) {
        let (Some((_, op)), Some(m)) = (parse_key(&k), decode(&v)) else {
            continue;
        };
        out.entry(op.to_string()).or_default().merge(&m);
    }
    for (minute, ops) in unsaved {
        if (from..to).contains(minute) {
            for (op, m) in ops {
                out.entry(op.clone()).or_default().merge(m);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_by_minute_and_parse_back() {
        assert!(key(99, "z") < key(100, "a"));
        assert_eq!(
            parse_key(&key(28_000_000, "kubo.id")),
            Some((28_000_000, "kubo.id"))
        );
        assert_eq!(parse_key(&key(5, "a:b")), Some((5, "a:b")));
    }

    #[test]
    fn a_minute_round_trips() {
        let mut m = Minute::new();
        for v in [1, 10, 100, 1000, 10_000] {
            m.hist.saturating_record(v);
        }
        m.ok = 4;
        m.failed = 1;
        let back = decode(&encode(&m).expect("encode")).expect("decode");
        assert_eq!((back.ok, back.failed, back.hist.len()), (4, 1, 5));
        assert_eq!(
            back.hist.value_at_quantile(0.5),
            m.hist.value_at_quantile(0.5)
        );
        assert!(decode(&[1, 2, 3]).is_none());
    }
}
