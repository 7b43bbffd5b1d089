//! The two-tier cache: memory (moka, memory.rs) in front of disk (redb, disk.rs), with
//! promotion from disk to memory on a hit, glob invalidation across both, `clear` by tier and
//! exact statistics (stats.rs). Values are bytes; `get_json`/`set_json` carry serde types.
//!
//! ```ignore
//! let cache = Cache::open(&cfg.cache);
//! cache.set_json("kubo.version", &version, Duration::from_secs(3600));
//! let v: Option<VersionResponse> = cache.get_json("kubo.version");
//! cache.invalidate("kubo.*");
//! ```

mod call;
mod config;
mod disk;
pub mod glob;
mod memory;
mod stats;

pub use call::CachedCall;
pub use config::CacheSection;
pub use memory::{Entry, Policy};
pub use stats::CacheStats;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use disk::DiskTier;
use memory::MemoryTier;
use stats::Counters;

/// Which tier `clear` empties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Tier {
    Memory,
    Disk,
    All,
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub struct Cache {
    memory: MemoryTier,
    memory_max_bytes: u64,
    disk: Option<DiskTier>,
    disk_max_bytes: u64,
    disk_unavailable: Option<String>,
    default_ttl: Duration,
    counters: Arc<Counters>,
}

impl Cache {
    /// Both tiers as configured. A disk tier that cannot be opened leaves a memory-only
    /// cache whose statistics say why.
    pub fn open(cfg: &CacheSection) -> Cache {
        let counters = Arc::new(Counters::default());
        let memory = MemoryTier::new(
            cfg.memory_policy,
            cfg.memory_max_bytes,
            Arc::clone(&counters),
        );
        let (disk, disk_unavailable) = if cfg.disk {
            match DiskTier::open(&cfg.disk_path(), cfg.disk_max_bytes, Arc::clone(&counters)) {
                Ok(d) => (Some(d), None),
                Err(e) => {
                    tracing::warn!(error = %e, "cache: no disk tier");
                    (None, Some(e.to_string()))
                }
            }
        } else {
            (None, Some("[cache] disk = false".into()))
        };
        Cache {
            memory,
            memory_max_bytes: cfg.memory_max_bytes,
            disk,
            disk_max_bytes: cfg.disk_max_bytes,
            disk_unavailable,
            default_ttl: cfg.default_ttl,
            counters,
        }
    }

    pub fn default_ttl(&self) -> Duration {
        self.default_ttl
    }

    pub fn get(&self, key: &str) -> Option<Arc<[u8]>> {
        self.get_entry(key).map(|e| e.data)
    }

    /// The entry with its expiry (for "restored, N s old" marks).
    pub fn get_entry(&self, key: &str) -> Option<Entry> {
        self.counters.requests.inc();
        if let Some(e) = self.memory.get(key) {
            self.counters.memory_hits.inc();
            return Some(e);
        }
        if let Some(e) = self.disk.as_ref().and_then(|d| d.get(key)) {
            self.counters.disk_hits.inc();
            self.memory.insert(key, e.clone());
            return Some(e);
        }
        self.counters.misses.inc();
        None
    }

    pub fn set(&self, key: &str, value: impl Into<Arc<[u8]>>, ttl: Duration) {
        self.counters.sets.inc();
        let ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let e = Entry {
            data: value.into(),
            expires_at: now_ms().saturating_add(ms),
        };
        if let Some(d) = &self.disk {
            d.put(key, e.clone());
        }
        self.memory.insert(key, e);
    }

    /// As `set`, into the disk tier alone when there is one: for records read back only by
    /// range scans (the monitor's minutes), which would crowd out what gets are for.
    pub fn set_stored(&self, key: &str, value: impl Into<Arc<[u8]>>, ttl: Duration) {
        let Some(d) = &self.disk else {
            return self.set(key, value, ttl);
        };
        self.counters.sets.inc();
        let ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        d.put(
            key,
            Entry {
                data: value.into(),
                expires_at: now_ms().saturating_add(ms),
            },
        );
    }

    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        serde_json::from_slice(&self.get(key)?).ok()
    }

    pub fn set_json<T: Serialize + ?Sized>(&self, key: &str, value: &T, ttl: Duration) {
        if let Ok(bytes) = serde_json::to_vec(value) {
            self.set(key, bytes, ttl);
        }
    }

    /// Removes one key from both tiers; whether the memory tier had it.
    pub fn delete(&self, key: &str) -> bool {
        self.counters.deletes.inc();
        if let Some(d) = &self.disk {
            d.delete(key);
        }
        self.memory.remove(key)
    }

    /// Removes every key matching the glob from both tiers; how many keys.
    pub fn invalidate(&self, pattern: &str) -> usize {
        let mut keys: Vec<String> = self
            .memory
            .keys()
            .into_iter()
            .filter(|k| glob::matches(pattern, k))
            .collect();
        if let Some(d) = &self.disk {
            keys.extend(d.keys_matching(pattern));
        }
        keys.sort();
        keys.dedup();
        for k in &keys {
            self.memory.remove(k);
            if let Some(d) = &self.disk {
                d.delete(k);
            }
        }
        if let Some(d) = &self.disk {
            d.flush();
        }
        self.counters.invalidations.add(keys.len() as u64);
        keys.len()
    }

    pub fn clear(&self, tier: Tier) {
        if matches!(tier, Tier::Memory | Tier::All) {
            self.memory.clear();
        }
        if matches!(tier, Tier::Disk | Tier::All)
            && let Some(d) = &self.disk
        {
            d.clear();
        }
    }

    /// Whether entries outlive the process (a disk tier is open).
    pub fn has_disk(&self) -> bool {
        self.disk.is_some()
    }

    /// Live entries with keys in `[from, to)`, in key order: a range scan of the disk tier
    /// (which has every entry), else of the memory tier. Not counted as requests.
    pub fn scan_range(&self, from: &str, to: &str) -> Vec<(String, Arc<[u8]>)> {
        if let Some(d) = &self.disk {
            return d
                .scan_range(from, to)
                .into_iter()
                .map(|(k, e)| (k, e.data))
                .collect();
        }
        let mut keys: Vec<String> = self
            .memory
            .keys()
            .into_iter()
            .filter(|k| k.as_str() >= from && k.as_str() < to)
            .collect();
        keys.sort();
        keys.into_iter()
            .filter_map(|k| {
                let e = self.memory.get(&k)?;
                Some((k, e.data))
            })
            .collect()
    }

    /// Commits the disk tier's queued writes (the owner calls this each second).
    pub fn flush(&self) {
        if let Some(d) = &self.disk {
            d.flush();
        }
    }

    /// Exact figures: settles the memory tier's pending evictions and flushes the disk tier.
    pub fn stats(&self) -> CacheStats {
        self.memory.sync();
        let mut s = self.counters.snapshot();
        (s.memory_entries, s.memory_bytes) = self.memory.size();
        s.memory_max_bytes = self.memory_max_bytes;
        s.disk_max_bytes = self.disk_max_bytes;
        if let Some(d) = &self.disk {
            (s.disk_entries, s.disk_bytes) = d.size();
            s.disk_path = Some(d.path().display().to_string());
        }
        s.disk_unavailable = self.disk_unavailable.clone();
        s
    }

    /// Zeroes the counters (not the contents).
    pub fn reset_stats(&self) {
        let c = &self.counters;
        for x in [
            &c.requests,
            &c.memory_hits,
            &c.disk_hits,
            &c.misses,
            &c.sets,
            &c.deletes,
            &c.invalidations,
            &c.memory_evictions,
            &c.disk_evictions,
            &c.disk_errors,
        ] {
            x.reset();
        }
    }
}

#[cfg(test)]
mod tests;
