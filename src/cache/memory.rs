//! The memory tier on moka, bounded by bytes (the weigher counts key + value), with a TTL per
//! entry. TinyLFU gets a small LRU admission window in front (Caffeine's W-TinyLFU): moka's
//! TinyLFU alone rejects a new key at once when the cache is full of keys read more often —
//! the original's "a fresh entry is evicted at once" bug. Here a new entry lives in the
//! window until newer ones push it out, and only then competes for the main space.

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
    /// TinyLFU only: where new entries start.
    window: Option<Moka<String, Entry>>,
    main: Moka<String, Entry>,
}

fn build(
    policy: EvictionPolicy,
    max_bytes: u64,
    on_evict: impl Fn(Arc<String>, Entry, RemovalCause) + Send + Sync + 'static,
) -> Moka<String, Entry> {
    Moka::builder()
        .eviction_policy(policy)
        .max_capacity(max_bytes)
        .weigher(|k: &String, v: &Entry| Entry::weight(k, v))
        .expire_after(PerEntry)
        .eviction_listener(on_evict)
        .build()
}

impl MemoryTier {
    pub fn new(policy: Policy, max_bytes: u64, counters: Arc<Counters>) -> MemoryTier {
        // The window is 1% of the bytes (at least 64 KiB, at most a quarter); the two spaces
        // together keep the configured bound.
        let window_bytes = match policy {
            Policy::Tinylfu => (max_bytes / 100).max((64 * 1024).min(max_bytes / 4)),
            Policy::Lru => 0,
        };
        let c = Arc::clone(&counters);
        let main = build(
            match policy {
                Policy::Tinylfu => EvictionPolicy::tiny_lfu(),
                Policy::Lru => EvictionPolicy::lru(),
            },
            max_bytes - window_bytes,
            move |_k, _v, cause| {
                if cause == RemovalCause::Size {
                    c.memory_evictions.inc();
                }
            },
        );
        let window = (policy == Policy::Tinylfu).then(|| {
            let main = main.clone();
            // Pushed out of the window: offered to the main space (which may refuse it:
            // then the main cache's listener counts the eviction).
            build(EvictionPolicy::lru(), window_bytes, move |k, v, cause| {
                if cause == RemovalCause::Size {
                    main.insert((*k).clone(), v);
                }
            })
        });
        MemoryTier { window, main }
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        let now = super::now_ms();
        let fresh = |e: Entry| (e.expires_at > now).then_some(e);
        if let Some(w) = &self.window
            && let Some(e) = w.get(key)
        {
            return fresh(e);
        }
        self.main.get(key).and_then(fresh)
    }

    pub fn insert(&self, key: &str, e: Entry) {
        match &self.window {
            Some(w) => {
                // A key moves between the two spaces; keep one copy.
                self.main.invalidate(key);
                w.insert(key.to_string(), e);
            }
            None => self.main.insert(key.to_string(), e),
        }
    }

    pub fn remove(&self, key: &str) -> bool {
        let w = self.window.as_ref().and_then(|w| w.remove(key)).is_some();
        let m = self.main.remove(key).is_some();
        w || m
    }

    /// Every key, for glob invalidation (memory-sized, so a scan is cheap).
    pub fn keys(&self) -> Vec<String> {
        let mut out: Vec<String> = self.main.iter().map(|(k, _)| (*k).clone()).collect();
        if let Some(w) = &self.window {
            out.extend(w.iter().map(|(k, _)| (*k).clone()));
        }
        out
    }

    pub fn clear(&self) {
        if let Some(w) = &self.window {
            w.invalidate_all();
            w.run_pending_tasks();
        }
        self.main.invalidate_all();
        self.main.run_pending_tasks();
    }

    /// Settles moka's pending work so that counts and evictions are exact.
    pub fn sync(&self) {
        if let Some(w) = &self.window {
            w.run_pending_tasks();
        }
        self.main.run_pending_tasks();
    }

    /// (entries, bytes)
    pub fn size(&self) -> (u64, u64) {
        let mut n = self.main.entry_count();
        let mut b = self.main.weighted_size();
        if let Some(w) = &self.window {
            n += w.entry_count();
            b += w.weighted_size();
        }
        (n, b)
    }
}
