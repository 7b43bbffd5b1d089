//! String interning: every distinct user, action, resource, id... is stored once in one arena
//! and named by a dense `u32`, so events stay small and per-key posting lists can be plain
//! vectors indexed by that id.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// "No value" for an interned field.
pub const NONE: u32 = u32::MAX;

/// FxHash (rustc's hasher): fast on short keys; HashDoS is not a concern for local files.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(SEED);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(SEED);
        }
        self.0 = h;
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(SEED);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// A string hash that mixes every 8-byte word fully (multiply, then fold the high half
/// down). FxHash's word step alone is not enough for strings: a difference in the last bytes
/// of a word only reaches the top bits, which the next step's rotate can cancel against the
/// following byte — id-like strings ("r2a-1f3c", "r2a-1f3d") then collide by the thousand.
fn hash_str(s: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |h: u64, w: u64| {
        let x = (h ^ w).wrapping_mul(K);
        x ^ (x >> 29)
    };
    let b = s.as_bytes();
    let mut h = (b.len() as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = step(h, u64::from_le_bytes(w));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // The little-endian word of the last bytes, zero-padded (as a copy into [0; 8] gives).
        let w = rest
            .iter()
            .rev()
            .fold(0u64, |w, &c| (w << 8) | u64::from(c));
        h = step(h, w);
    }
    // SplitMix64's finaliser.
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// An append-only set of strings. Lookups hash the string once and compare it against the
/// arena; a 64-bit hash collision falls back to a second map keyed by the string.
#[derive(Default, Clone, Debug)]
pub struct Interner {
    buf: String,
    ends: Vec<u32>,
    by_hash: FxMap<u64, u32>,
    spill: HashMap<Box<str>, u32>,
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn resolve(&self, id: u32) -> Option<&str> {
        let i = id as usize;
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.buf.get(start..end)
    }

    /// The string of `id`, or "" for `NONE`.
    pub fn name(&self, id: u32) -> &str {
        self.resolve(id).unwrap_or("")
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        let h = hash_str(s);
        match self.by_hash.get(&h) {
            Some(&id) if self.name(id) == s => Some(id),
            Some(_) => self.spill.get(s).copied(),
            None => None,
        }
    }

    pub fn intern(&mut self, s: &str) -> u32 {
        let h = hash_str(s);
        if let Some(&id) = self.by_hash.get(&h) {
            if self.name(id) == s {
                return id;
            }
            if let Some(&id) = self.spill.get(s) {
                return id;
            }
            let id = self.push(s);
            self.spill.insert(s.into(), id);
            return id;
        }
        let id = self.push(s);
        self.by_hash.insert(h, id);
        id
    }

    fn push(&mut self, s: &str) -> u32 {
        self.buf.push_str(s);
        self.ends.push(self.buf.len() as u32);
        (self.ends.len() - 1) as u32
    }

    /// Interns an optional value; `None` and "" become `NONE`.
    pub fn opt(&mut self, s: Option<&str>) -> u32 {
        match s {
            Some(s) if !s.is_empty() => self.intern(s),
            _ => NONE,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.len() as u32).map(move |i| (i, self.name(i)))
    }

    pub fn shrink(&mut self) {
        self.buf.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_resolves() {
        let mut i = Interner::new();
        let a = i.intern("alice");
        let b = i.intern("bob");
        assert_eq!(i.intern("alice"), a);
        assert_ne!(a, b);
        assert_eq!(i.name(b), "bob");
        assert_eq!(i.get("carol"), None);
        assert_eq!(i.opt(Some("")), NONE);
        assert_eq!(i.name(NONE), "");
    }
}

#[cfg(test)]
mod collision_tests {
    use super::*;

    #[test]
    fn no_hash_collisions_on_id_like_strings() {
        let mut i = Interner::new();
        for k in 0..200_000u32 {
            i.intern(&format!("r2a-{k:x}"));
            i.intern(&format!("op2a-{k:x}"));
        }
        assert_eq!(i.len(), 400_000);
        assert!(i.spill.len() < 3, "{} collisions", i.spill.len());
    }
}

/// Interning for the near-unique strings (event and operation ids): while loading, each value
/// is only appended with its hash — no table probe per line, which at a million distinct ids
/// is a cache miss or three each. `seal` then assigns dense ids with one sort.
#[derive(Default, Clone, Debug)]
pub struct BulkInterner {
    buf: String,
    ends: Vec<u32>,
    hashes: Vec<u64>,
    /// id -> slot of its first occurrence (after `seal`).
    slot_of: Vec<u32>,
    /// (hash, id), sorted (after `seal`).
    table: Vec<(u64, u32)>,
}

impl BulkInterner {
    /// Appends a value; returns its slot (`NONE` for none or "").
    pub fn push(&mut self, s: Option<&str>) -> u32 {
        match s {
            Some(s) if !s.is_empty() => {
                self.buf.push_str(s);
                self.ends.push(self.buf.len() as u32);
                self.hashes.push(hash_str(s));
                (self.ends.len() - 1) as u32
            }
            _ => NONE,
        }
    }

    /// Room for `n` more values of a dozen bytes.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.buf.reserve(n * 12);
        self.ends.reserve(n);
        self.hashes.reserve(n);
    }

    /// Moves the (unsealed) values of `other` to the end; returns the slot of its first.
    pub(crate) fn append(&mut self, other: BulkInterner) -> u32 {
        let base = self.ends.len() as u32;
        let at = self.buf.len() as u32;
        self.buf.push_str(&other.buf);
        self.ends.extend(other.ends.iter().map(|e| e + at));
        self.hashes.extend_from_slice(&other.hashes);
        base
    }

    fn slot(&self, slot: u32) -> &str {
        let i = slot as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.buf[start..self.ends[i] as usize]
    }

    /// Gives equal strings one dense id; returns the id of every slot.
    pub fn seal(&mut self) -> Vec<u32> {
        let mut pairs: Vec<(u64, u32)> = self
            .hashes
            .iter()
            .enumerate()
            .map(|(i, &h)| (h, i as u32))
            .collect();
        pairs.sort_unstable();
        let mut slot_id = vec![NONE; self.ends.len()];
        let mut reps: Vec<u32> = Vec::new();
        for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            // Almost always one string per hash; a real collision keeps its own id.
            if let [(h, slot)] = run {
                // The usual case: no string comparison, no visit to the arena.
                let id = self.slot_of.len() as u32;
                self.slot_of.push(*slot);
                self.table.push((*h, id));
                slot_id[*slot as usize] = id;
                continue;
            }
            reps.clear();
            for &(h, slot) in run {
                let s = self.slot(slot);
                let found = reps
                    .iter()
                    .copied()
                    .find(|&id| self.slot(self.slot_of[id as usize]) == s);
                let id = found.unwrap_or_else(|| {
                    let id = self.slot_of.len() as u32;
                    self.slot_of.push(slot);
                    self.table.push((h, id));
                    reps.push(id);
                    id
                });
                slot_id[slot as usize] = id;
            }
        }
        self.hashes = Vec::new();
        self.ends.shrink_to_fit();
        self.buf.shrink_to_fit();
        slot_id
    }

    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    pub fn resolve(&self, id: u32) -> Option<&str> {
        self.slot_of.get(id as usize).map(|&s| self.slot(s))
    }

    pub fn name(&self, id: u32) -> &str {
        self.resolve(id).unwrap_or("")
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        let h = hash_str(s);
        let from = self.table.partition_point(|e| e.0 < h);
        self.table[from..]
            .iter()
            .take_while(|e| e.0 == h)
            .map(|e| e.1)
            .find(|&id| self.name(id) == s)
    }
}

#[cfg(test)]
mod bulk_tests {
    use super::*;

    #[test]
    fn seal_gives_equal_strings_one_id() {
        let mut b = BulkInterner::default();
        let slots: Vec<u32> = ["a", "b", "a", "", "c", "b"]
            .iter()
            .map(|s| b.push(Some(s)))
            .collect();
        assert_eq!(slots[3], NONE);
        let ids = b.seal();
        let id = |k: usize| ids[slots[k] as usize];
        assert_eq!(id(0), id(2));
        assert_eq!(id(1), id(5));
        assert_ne!(id(0), id(4));
        assert_eq!(b.len(), 3);
        assert_eq!(b.name(id(4)), "c");
        assert_eq!(b.get("b"), Some(id(1)));
        assert_eq!(b.get("zz"), None);
    }
}

/// What both interners answer: how many ids, and the string of one.
pub trait Names {
    fn count(&self) -> usize;
    fn label(&self, id: u32) -> &str;
}

impl Names for Interner {
    fn count(&self) -> usize {
        self.len()
    }
    fn label(&self, id: u32) -> &str {
        self.name(id)
    }
}

impl Names for BulkInterner {
    fn count(&self) -> usize {
        self.len()
    }
    fn label(&self, id: u32) -> &str {
        self.name(id)
    }
}
