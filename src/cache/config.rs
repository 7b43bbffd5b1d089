//! The `[cache]` config section.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::memory::Policy;

/// `[cache]`: the two tiers ipfs-kit keeps slow answers in.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheSection {
    /// tinylfu (scan-resistant, the default) or lru.
    pub memory_policy: Policy,
    /// Bytes of keys + values the memory tier holds at most.
    pub memory_max_bytes: u64,
    /// Off: memory only.
    pub disk: bool,
    /// Bytes of keys + values the disk tier holds at most.
    pub disk_max_bytes: u64,
    /// The disk tier's file (the config loader fills in `$XDG_CACHE_HOME/ipfs-kit/cache.redb`).
    pub path: Option<PathBuf>,
    /// How long an entry lives unless its writer says otherwise.
    #[serde(with = "humantime_serde")]
    pub default_ttl: Duration,
}

impl Default for CacheSection {
    fn default() -> Self {
        CacheSection {
            memory_policy: Policy::Tinylfu,
            memory_max_bytes: 32 * 1024 * 1024,
            disk: true,
            disk_max_bytes: 256 * 1024 * 1024,
            path: None,
            default_ttl: Duration::from_secs(300),
        }
    }
}

impl CacheSection {
    /// The disk tier's file (a section built by hand, without the loader: the temp dir).
    pub fn disk_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("ipfs-kit-cache.redb"))
    }
}
