//! Exact cache statistics: plain atomic counters bumped where each event happens.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

#[derive(Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
    pub fn reset(&self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

#[derive(Default)]
pub struct Counters {
    pub requests: Counter,
    pub memory_hits: Counter,
    pub disk_hits: Counter,
    pub misses: Counter,
    pub sets: Counter,
    pub deletes: Counter,
    pub invalidations: Counter,
    pub memory_evictions: Counter,
    pub disk_evictions: Counter,
    pub disk_errors: Counter,
}

/// What `performance cache-stats` shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CacheStats {
    pub requests: u64,
    pub hits: u64,
    pub memory_hits: u64,
    pub disk_hits: u64,
    pub misses: u64,
    /// hits / requests (0 before the first request).
    pub hit_rate: f64,
    pub sets: u64,
    pub deletes: u64,
    /// Entries removed by `invalidate` (both tiers counted once per key).
    pub invalidations: u64,
    pub memory_evictions: u64,
    pub disk_evictions: u64,
    pub disk_errors: u64,
    pub memory_entries: u64,
    pub memory_bytes: u64,
    pub memory_max_bytes: u64,
    pub disk_entries: u64,
    pub disk_bytes: u64,
    pub disk_max_bytes: u64,
    /// The disk tier's file, when there is one.
    pub disk_path: Option<String>,
    /// Why there is no disk tier, when there is none.
    pub disk_unavailable: Option<String>,
}

impl Counters {
    pub fn snapshot(&self) -> CacheStats {
        let hits = self.memory_hits.get() + self.disk_hits.get();
        let requests = self.requests.get();
        CacheStats {
            requests,
            hits,
            memory_hits: self.memory_hits.get(),
            disk_hits: self.disk_hits.get(),
            misses: self.misses.get(),
            hit_rate: if requests == 0 {
                0.0
            } else {
                hits as f64 / requests as f64
            },
            sets: self.sets.get(),
            deletes: self.deletes.get(),
            invalidations: self.invalidations.get(),
            memory_evictions: self.memory_evictions.get(),
            disk_evictions: self.disk_evictions.get(),
            disk_errors: self.disk_errors.get(),
            ..CacheStats::default()
        }
    }
}
