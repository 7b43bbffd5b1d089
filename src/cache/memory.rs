//! The memory tier on moka, bounded by bytes (the weigher counts key + value), with a TTL per
//! entry. TinyLFU gets a small LRU space of recent entries beside it (after Caffeine's
//! W-TinyLFU window): moka's TinyLFU alone rejects a new key at once when the cache is full of
//! keys read more often — the original's "a fresh entry is evicted at once" bug. Here a new
//! entry stays readable from the recent space until newer ones push it out, while it
//! competes for the main space.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::notification::RemovalCause;
use moka::policy::{EvictionPolicy, Expiry};
use moka::sync::Cache as Moka;

use super::stats::Counters;

/// What the memory tier holds for a key: the bytes and when they expire.
#[derive(Clone)]
pub struct Entry {
    pub data: Arc<[u8]>,
    /// Unix milliseconds.
    pub expires_at: i64,
}

impl Entry {
    fn weight(key: &str, e: &Entry) -> u32 {
        u32::try_from(key.len() + e.data.len()).unwrap_or(u32::MAX)
    }

    fn remaining(&self) -> Duration {
        let left = self.expires_at - super::now_ms();
        Duration::from_millis(u64::try_from(left).unwrap_or(0))
    }
}

struct PerEntry;

impl Expiry<String, Entry> for PerEntry {
    fn expire_after_create(&self, _k: &String, v: &Entry, _at: Instant) -> Option<Duration> {
        Some(v.remaining())
    }
    fn expire_after_update(
        &self,
        _k: &String,
        v: &Entry,
        _at: Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(v.remaining())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Frequency-aware admission (scan-resistant), with an LRU window for new entries.
    Tinylfu,
    /// Least recently used.
    Lru,
}

pub struct MemoryTier {
    /// TinyLFU only: the newest entries, LRU, whatever the main space admits. An entry is
    /// put in both; the main space may refuse it (TinyLFU's admission), this one keeps it
    /// until newer entries push it out. The two share the value's bytes (an `Arc`).
    recent: Option<Moka<String, Entry>>,
    main: Moka<String, Entry>,
}

fn build(
    policy: EvictionPolicy,
    max_bytes: u64,
    on_evict: Option<Arc<Counters>>,
) -> Moka<String, Entry> {
    let b = Moka::builder()
        .eviction_policy(policy)
        .max_capacity(max_bytes)
        .weigher(|k: &String, v: &Entry| Entry::weight(k, v))
        .expire_after(PerEntry);
    match on_evict {
        Some(c) => b
            .eviction_listener(move |_k, _v, cause| {
                if cause == RemovalCause::Size {
                    c.memory_evictions.inc();
                }
            })
            .build(),
        None => b.build(),
    }
}

impl MemoryTier {
    pub fn new(policy: Policy, max_bytes: u64, counters: Arc<Counters>) -> MemoryTier {
        // The recent space is 1% of the bytes (at least 64 KiB, at most a quarter); the two
        // together keep the configured bound.
        let recent_bytes = match policy {
            Policy::Tinylfu => (max_bytes / 100).max((64 * 1024).min(max_bytes / 4)),
            Policy::Lru => 0,
        };
        let main = build(
            match policy {
                Policy::Tinylfu => EvictionPolicy::tiny_lfu(),
                Policy::Lru => EvictionPolicy::lru(),
            },
            max_bytes - recent_bytes,
            Some(counters),
        );
        let recent =
            (policy == Policy::Tinylfu).then(|| build(EvictionPolicy::lru(), recent_bytes, None));
        MemoryTier { recent, main }
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        let now = super::now_ms();
        let fresh = |e: Entry| (e.expires_at > now).then_some(e);
        // The main space first: a hit there also feeds TinyLFU's frequency sketch.
        if let Some(e) = self.main.get(key) {
            return fresh(e);
        }
        self.recent.as_ref()?.get(key).and_then(fresh)
    }

    pub fn insert(&self, key: &str, e: Entry) {
        let key = key.to_string();
        if let Some(r) = &self.recent {
            r.insert(key.clone(), e.clone());
        }
        self.main.insert(key, e);
    }

    pub fn remove(&self, key: &str) -> bool {
        let r = self.recent.as_ref().and_then(|r| r.remove(key)).is_some();
        let m = self.main.remove(key).is_some();
        r || m
    }

    /// Every key, for glob invalidation (memory-sized, so a scan is cheap).
    pub fn keys(&self) -> Vec<String> {
        let mut out: Vec<String> = self.main.iter().map(|(k, _)| (*k).clone()).collect();
        if let Some(r) = &self.recent {
            out.extend(r.iter().map(|(k, _)| (*k).clone()));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn clear(&self) {
        if let Some(r) = &self.recent {
            r.invalidate_all();
            r.run_pending_tasks();
        }
        self.main.invalidate_all();
        self.main.run_pending_tasks();
    }

    /// Settles moka's pending work so that counts and evictions are exact.
    pub fn sync(&self) {
        if let Some(r) = &self.recent {
            r.run_pending_tasks();
        }
        self.main.run_pending_tasks();
    }

    /// (entries, bytes) of the distinct entries: keys + values once each.
    pub fn size(&self) -> (u64, u64) {
        let main_n = self.main.entry_count();
        let mut b = self.main.weighted_size();
        let Some(r) = &self.recent else {
            return (main_n, b);
        };
        let mut n = main_n;
        for (k, v) in r.iter() {
            if !self.main.contains_key(k.as_str()) {
                n += 1;
                b += u64::from(Entry::weight(&k, &v));
            }
        }
        (n, b)
    }
}
