//! The disk tier: one redb file (`cache.redb` under the cache dir), shared by every ipfs-kit
//! process on the host (redb's multi-writer mode: one write transaction at a time, across
//! processes). Each value carries its expiry and a checksum; an entry that fails its checksum
//! (torn or rotted) is dropped and counted, never fatal. An index by expiry bounds the size
//! without scanning: the soonest-expiring entries go first, and expired ones are purged a few
//! at a time on each flush.
//!
//! Writes are batched (write-behind): every commit of a multi-process redb is an fsync, so
//! `put`/`delete` queue and `flush` commits the queue in one transaction, when it holds
//! `BATCH` items or when the owner calls it (each second, and on drop). A crash loses at most
//! the unflushed batch — a cache's contract — and never corrupts the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use redb::{
    ConcurrencyMode, Database, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    TableDefinition,
};

use super::memory::Entry;
use super::stats::Counters;

const ENTRIES: TableDefinition<&str, &[u8]> = TableDefinition::new("entries");
const BY_EXPIRY: TableDefinition<(i64, &str), ()> = TableDefinition::new("by_expiry");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const BYTES: &str = "bytes";
/// Queued writes that trigger a flush.
const BATCH: usize = 512;
/// Expired entries removed per flush at most (the rest go on later flushes).
const PURGE: usize = 256;
const HEADER: usize = 16;

#[derive(Debug, thiserror::Error)]
#[error("cache store {path}: {source}")]
pub struct DiskError {
    pub path: PathBuf,
    #[source]
    pub source: redb::Error,
}

enum Pending {
    Put(Entry),
    Delete,
}

struct Queue {
    ops: HashMap<String, Pending>,
    clear: bool,
}

pub struct DiskTier {
    db: Database,
    path: PathBuf,
    max_bytes: u64,
    queue: Mutex<Queue>,
    counters: Arc<Counters>,
}

/// FNV-1a: a checksum against torn or rotted values, not an adversary.
fn checksum(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn encode(e: &Entry) -> Vec<u8> {
    let mut v = Vec::with_capacity(HEADER + e.data.len());
    v.extend_from_slice(&e.expires_at.to_le_bytes());
    v.extend_from_slice(&checksum(&e.data).to_le_bytes());
    v.extend_from_slice(&e.data);
    v
}

/// `None` for a value whose checksum does not match (or too short to hold the header).
fn decode(v: &[u8]) -> Option<Entry> {
    let expires_at = i64::from_le_bytes(v.get(0..8)?.try_into().ok()?);
    let sum = u64::from_le_bytes(v.get(8..16)?.try_into().ok()?);
    let data = v.get(HEADER..)?;
    (checksum(data) == sum).then(|| Entry {
        data: data.into(),
        expires_at,
    })
}

fn weight(key: &str, encoded_len: usize) -> u64 {
    (key.len() + encoded_len) as u64
}

impl DiskTier {
    /// Opens (or creates) the store. A file redb cannot open is moved aside as
    /// `cache.redb.broken` and a new one started: a cache is never worth failing for.
    pub fn open(
        path: &Path,
        max_bytes: u64,
        counters: Arc<Counters>,
    ) -> Result<DiskTier, DiskError> {
        let err = |source: redb::Error| DiskError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let create = || {
            Database::builder()
                .set_concurrency_mode(ConcurrencyMode::MultiWriter)
                .create(path)
        };
        let db = match create() {
            Ok(db) => db,
            Err(first) => {
                let aside = path.with_extension("redb.broken");
                tracing::warn!(path = %path.display(), error = %first, "cache store unreadable; moved aside, starting empty");
                std::fs::rename(path, &aside).map_err(|e| err(redb::Error::Io(e)))?;
                create().map_err(|e| err(e.into()))?
            }
        };
        let tier = DiskTier {
            db,
            path: path.to_path_buf(),
            max_bytes,
            queue: Mutex::new(Queue {
                ops: HashMap::new(),
                clear: false,
            }),
            counters,
        };
        // Create the tables so that readers find them.
        tier.commit(HashMap::new(), false).map_err(err)?;
        Ok(tier)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        let now = super::now_ms();
        {
            let q = self.queue();
            match q.ops.get(key) {
                Some(Pending::Put(e)) => return (e.expires_at > now).then(|| e.clone()),
                Some(Pending::Delete) => return None,
                None if q.clear => return None,
                None => {}
            }
        }
        let read = || -> Result<Option<Option<Entry>>, redb::Error> {
            let tx = self.db.begin_read()?;
            let t = tx.open_table(ENTRIES)?;
            Ok(t.get(key)?.map(|v| decode(v.value())))
        };
        match read() {
            Ok(Some(Some(e))) if e.expires_at > now => Some(e),
            Ok(Some(Some(_))) | Ok(None) => None,
            Ok(Some(None)) => {
                // Torn or rotted: drop it.
                self.counters.disk_errors.inc();
                self.delete(key);
                None
            }
            Err(e) => {
                self.counters.disk_errors.inc();
                tracing::warn!(path = %self.path.display(), error = %e, "cache read failed");
                None
            }
        }
    }

    pub fn put(&self, key: &str, e: Entry) {
        self.enqueue(key, Pending::Put(e));
    }

    pub fn delete(&self, key: &str) {
        self.enqueue(key, Pending::Delete);
    }

    fn enqueue(&self, key: &str, op: Pending) {
        let full = {
            let mut q = self.queue();
            q.ops.insert(key.to_string(), op);
            q.ops.len() >= BATCH
        };
        if full {
            self.flush();
        }
    }

    pub fn clear(&self) {
        let mut q = self.queue();
        q.ops.clear();
        q.clear = true;
        drop(q);
        self.flush();
    }

    /// Commits what is queued; a failure is logged and counted (the batch is dropped: the
    /// entries are only a cache).
    pub fn flush(&self) {
        let (ops, clear) = {
            let mut q = self.queue();
            if q.ops.is_empty() && !q.clear {
                return;
            }
            (
                std::mem::take(&mut q.ops),
                std::mem::replace(&mut q.clear, false),
            )
        };
        if let Err(e) = self.commit(ops, clear) {
            self.counters.disk_errors.inc();
            tracing::warn!(path = %self.path.display(), error = %e, "cache write failed");
        }
    }

    fn commit(&self, ops: HashMap<String, Pending>, clear: bool) -> Result<(), redb::Error> {
        let tx = self.db.begin_write()?;
        {
            let mut entries = tx.open_table(ENTRIES)?;
            let mut by_exp = tx.open_table(BY_EXPIRY)?;
            let mut meta = tx.open_table(META)?;
            let mut bytes = meta.get(BYTES)?.map_or(0, |v| v.value());
            if clear {
                entries.retain(|_, _| false)?;
                by_exp.retain(|_, _| false)?;
                bytes = 0;
            }
            for (key, op) in ops {
                let old = entries.remove(key.as_str())?.map(|v| {
                    let v = v.value();
                    let exp = v
                        .get(0..8)
                        .and_then(|b| b.try_into().ok())
                        .map(i64::from_le_bytes);
                    (exp, v.len())
                });
                if let Some((exp, len)) = old {
                    if let Some(exp) = exp {
                        by_exp.remove((exp, key.as_str()))?;
                    }
                    bytes = bytes.saturating_sub(weight(&key, len));
                }
                if let Pending::Put(e) = op {
                    let v = encode(&e);
                    bytes += weight(&key, v.len());
                    entries.insert(key.as_str(), v.as_slice())?;
                    by_exp.insert((e.expires_at, key.as_str()), ())?;
                }
            }
            // Expired entries first (a few per flush), then the soonest-expiring while over
            // the bound: both from the front of the expiry index, no scan.
            let now = super::now_ms();
            let mut purged = 0;
            loop {
                let front = by_exp.first()?.map(|(k, _)| {
                    let (exp, key) = k.value();
                    (exp, key.to_string())
                });
                let Some((exp, key)) = front else { break };
                let expired = exp <= now && purged < PURGE;
                if !expired && bytes <= self.max_bytes {
                    break;
                }
                by_exp.remove((exp, key.as_str()))?;
                if let Some(v) = entries.remove(key.as_str())? {
                    bytes = bytes.saturating_sub(weight(&key, v.value().len()));
                }
                if expired {
                    purged += 1;
                } else {
                    self.counters.disk_evictions.inc();
                }
            }
            meta.insert(BYTES, bytes)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Keys matching `pattern` (a range scan from the pattern's literal prefix).
    pub fn keys_matching(&self, pattern: &str) -> Vec<String> {
        self.flush();
        let prefix: String = pattern
            .chars()
            .take_while(|c| *c != '*' && *c != '?')
            .collect();
        let scan = || -> Result<Vec<String>, redb::Error> {
            let tx = self.db.begin_read()?;
            let t = tx.open_table(ENTRIES)?;
            let mut out = Vec::new();
            for row in t.range(prefix.as_str()..)? {
                let (k, _) = row?;
                let k = k.value();
                if !k.starts_with(&prefix) {
                    break;
                }
                if super::glob::matches(pattern, k) {
                    out.push(k.to_string());
                }
            }
            Ok(out)
        };
        scan().unwrap_or_else(|e| {
            self.counters.disk_errors.inc();
            tracing::warn!(path = %self.path.display(), error = %e, "cache scan failed");
            Vec::new()
        })
    }

    /// Live entries with keys in `[from, to)`, in key order (one range scan).
    pub fn scan_range(&self, from: &str, to: &str) -> Vec<(String, Entry)> {
        self.flush();
        let now = super::now_ms();
        let scan = || -> Result<Vec<(String, Entry)>, redb::Error> {
            let tx = self.db.begin_read()?;
            let t = tx.open_table(ENTRIES)?;
            let mut out = Vec::new();
            for row in t.range(from..to)? {
                let (k, v) = row?;
                if let Some(e) = decode(v.value()).filter(|e| e.expires_at > now) {
                    out.push((k.value().to_string(), e));
                }
            }
            Ok(out)
        };
        scan().unwrap_or_else(|e| {
            self.counters.disk_errors.inc();
            tracing::warn!(path = %self.path.display(), error = %e, "cache scan failed");
            Vec::new()
        })
    }

    /// (entries, bytes) as committed.
    pub fn size(&self) -> (u64, u64) {
        self.flush();
        let read = || -> Result<(u64, u64), redb::Error> {
            let tx = self.db.begin_read()?;
            let n = tx.open_table(ENTRIES)?.len()?;
            let b = tx.open_table(META)?.get(BYTES)?.map_or(0, |v| v.value());
            Ok((n, b))
        };
        read().unwrap_or((0, 0))
    }
}

impl Drop for DiskTier {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_with_a_bad_checksum_decodes_to_none() {
        let e = Entry {
            data: b"hello".as_slice().into(),
            expires_at: 5,
        };
        let mut v = encode(&e);
        assert_eq!(decode(&v).map(|d| d.data.to_vec()), Some(b"hello".to_vec()));
        v[HEADER] ^= 1;
        assert!(decode(&v).is_none());
        assert!(decode(&v[..10]).is_none());
    }
}
