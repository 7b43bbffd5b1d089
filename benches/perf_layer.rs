//! The performance layer's own costs, as a table: the monitor per timed operation, the memory
//! tier (100k sets, 100k Zipf gets) under both policies, the disk tier (100k sets, 100k Zipf
//! gets served from disk: p50/p99) and the hit rate of a cache sized at a tenth of the keys.
//! Run: `cargo bench -p ipfs-kit --bench perf_layer`. The original's figures to beat
//! (../shared/reference/original-python-behaviour.md §11): LFU 100k sets 13.9 s, monitor
//! 125 µs per operation, disk tier 1,000 writes 4.4 s.

// A benchmark prints its table.
#![allow(clippy::disallowed_macros)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use ipfs_kit::cache::{Cache, CacheSection, Policy, Tier};
use ipfs_kit::perf::Monitor;

const N: usize = 100_000;
const MIN: Duration = Duration::from_secs(600);

/// Zipf(s = 1) over `n` keys by inverse CDF on a table (seeded LCG, no dependency).
struct Zipf {
    cdf: Vec<f64>,
    state: u64,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = (1..=n)
            .map(|k| {
                acc += 1.0 / k as f64;
                acc
            })
            .collect();
        for c in &mut cdf {
            *c /= acc;
        }
        Zipf { cdf, state: 42 }
    }
    fn next(&mut self) -> usize {
        self.state = self
            .state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = (self.state >> 11) as f64 / (1u64 << 53) as f64;
        self.cdf.partition_point(|c| *c < u)
    }
}

fn section(
    dir: &std::path::Path,
    policy: Policy,
    disk: bool,
    memory_max_bytes: u64,
) -> CacheSection {
    CacheSection {
        memory_policy: policy,
        memory_max_bytes,
        disk,
        disk_max_bytes: 1 << 30,
        path: Some(dir.join("bench.redb")),
        default_ttl: MIN,
    }
}

fn main() {
    let value = vec![0x5au8; 256];
    let keys: Vec<String> = (0..N).map(|i| format!("kubo:bench:{i:06}")).collect();

    // Monitor: one timed operation = one record.
    let m = Monitor::new();
    let ops = ["kubo.id", "kubo.repo/stat", "cluster.pins", "tui.frame"];
    let t = Instant::now();
    for i in 0..4_000_000u64 {
        m.record(
            black_box(ops[(i & 3) as usize]),
            Duration::from_micros(100 + (i & 1023)),
            true,
        );
    }
    println!(
        "| monitor | one timed operation | {:.0} ns |",
        t.elapsed().as_nanos() as f64 / 4e6
    );

    // moka alone, built as the memory tier builds it (bytes weigher, per-entry expiry): the
    // floor under our sets, to tell our wrapper's cost from moka's.
    {
        struct Ttl;
        impl moka::Expiry<String, std::sync::Arc<[u8]>> for Ttl {
            fn expire_after_create(
                &self,
                _k: &String,
                _v: &std::sync::Arc<[u8]>,
                _at: Instant,
            ) -> Option<Duration> {
                Some(MIN)
            }
        }
        for policy in [
            moka::policy::EvictionPolicy::tiny_lfu(),
            moka::policy::EvictionPolicy::lru(),
        ] {
            let name = format!("{policy:?}");
            let m: moka::sync::Cache<String, std::sync::Arc<[u8]>> = moka::sync::Cache::builder()
                .eviction_policy(policy)
                .max_capacity(1 << 30)
                .weigher(|k: &String, v: &std::sync::Arc<[u8]>| (k.len() + v.len()) as u32)
                .expire_after(Ttl)
                .build();
            let v: std::sync::Arc<[u8]> = value.clone().into();
            let t = Instant::now();
            for k in &keys {
                m.insert(k.clone(), v.clone());
            }
            let sets = t.elapsed();
            println!(
                "| moka alone ({name}) | 100k inserts | {:.1} ms ({:.0}× the original's 13.9 s) |",
                sets.as_secs_f64() * 1e3,
                13.9 / sets.as_secs_f64()
            );
        }
    }

    for policy in [Policy::Tinylfu, Policy::Lru] {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = Cache::open(&section(dir.path(), policy, false, 1 << 30));
        let t = Instant::now();
        for k in &keys {
            c.set(k, value.clone(), MIN);
        }
        let sets = t.elapsed();
        let mut z = Zipf::new(N);
        let t = Instant::now();
        for _ in 0..N {
            black_box(c.get(&keys[z.next()]));
        }
        let gets = t.elapsed();
        println!(
            "| memory ({policy:?}) | 100k sets / 100k Zipf gets | {:.1} ms / {:.1} ms ({:.0}× the original's 13.9 s LFU sets) |",
            sets.as_secs_f64() * 1e3,
            gets.as_secs_f64() * 1e3,
            13.9 / sets.as_secs_f64()
        );
        // Hit rate with room for a tenth of the keys (≈ 300 bytes each).
        let small = Cache::open(&section(dir.path(), policy, false, (N as u64 / 10) * 300));
        let mut z = Zipf::new(N);
        for _ in 0..3 * N {
            let k = &keys[z.next()];
            if small.get(k).is_none() {
                small.set(k, value.clone(), MIN);
            }
        }
        small.reset_stats();
        for _ in 0..N {
            let k = &keys[z.next()];
            if small.get(k).is_none() {
                small.set(k, value.clone(), MIN);
            }
        }
        println!(
            "| memory ({policy:?}) | hit rate, Zipf over 100k keys, room for 10k | {:.1}% |",
            small.stats().hit_rate * 100.0
        );
    }

    let dir = tempfile::tempdir().expect("tempdir");
    // A memory tier of 64 KiB (about 200 entries): nearly every get is served by the disk
    // tier (and promoted, pushing another out).
    let c = Cache::open(&section(dir.path(), Policy::Lru, true, 64 * 1024));
    let t = Instant::now();
    for k in &keys {
        c.set(k, value.clone(), MIN);
    }
    c.flush();
    let sets = t.elapsed();
    c.clear(Tier::Memory);
    c.reset_stats();
    let mut h =
        hdrhistogram::Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3).expect("histogram");
    let mut z = Zipf::new(N);
    let t = Instant::now();
    for _ in 0..N {
        let k = &keys[z.next()];
        let g = Instant::now();
        black_box(c.get(k));
        h.saturating_record(g.elapsed().as_nanos() as u64);
    }
    let gets = t.elapsed();
    println!(
        "| disk (redb) | 100k sets (batched, fsync per batch) / 100k Zipf gets, {:.0}% from disk | {:.0} ms / {:.0} ms; get p50 {:.1} µs, p99 {:.1} µs (the original: 1,000 writes 4.4 s) |",
        100.0 * c.stats().disk_hits as f64 / N as f64,
        sets.as_secs_f64() * 1e3,
        gets.as_secs_f64() * 1e3,
        h.value_at_quantile(0.5) as f64 / 1e3,
        h.value_at_quantile(0.99) as f64 / 1e3
    );
}
