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

fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.write_u64(s.len() as u64);
    // One extra mix so the low bits the table uses depend on every byte.
    let x = h.finish();
    (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
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
