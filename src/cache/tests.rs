use std::time::Duration;

use super::*;

fn cfg(dir: &std::path::Path, policy: Policy, memory_max_bytes: u64) -> CacheSection {
    CacheSection {
        memory_policy: policy,
        memory_max_bytes,
        disk: true,
        disk_max_bytes: 1 << 30,
        path: Some(dir.join("cache.redb")),
        default_ttl: Duration::from_secs(60),
    }
}

const MIN: Duration = Duration::from_secs(60);

#[test]
fn entries_expire_after_their_ttl_in_both_tiers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Cache::open(&cfg(dir.path(), Policy::Lru, 1 << 20));
    c.set("short", b"x".to_vec(), Duration::from_millis(150));
    c.set("long", b"y".to_vec(), MIN);
    assert_eq!(c.get("short").as_deref(), Some(b"x".as_slice()));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(c.get("short"), None);
    c.flush();
    c.clear(Tier::Memory);
    assert_eq!(c.get("short"), None, "expired on disk too");
    assert_eq!(c.get("long").as_deref(), Some(b"y".as_slice()));
}

/// The original's LFU evicted every new entry at once. Ours, under both policies, keeps a
/// fresh entry when the cache is full of entries read many times.
#[test]
fn a_fresh_entry_is_not_evicted_at_once_under_either_policy() {
    for policy in [Policy::Lru, Policy::Tinylfu] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = cfg(dir.path(), policy, 200 * 1024);
        c.disk = false;
        let c = Cache::open(&c);
        let value = vec![0u8; 1000];
        for i in 0..190 {
            c.set(&format!("hot{i}"), value.clone(), MIN);
        }
        for _ in 0..5 {
            for i in 0..190 {
                let _ = c.get(&format!("hot{i}"));
            }
        }
        for i in 0..40 {
            c.set(&format!("new{i}"), value.clone(), MIN);
            c.stats(); // settle evictions
            assert!(
                c.get(&format!("new{i}")).is_some(),
                "{policy:?}: new{i} evicted at once"
            );
        }
        let s = c.stats();
        assert!(
            s.memory_bytes <= 200 * 1024,
            "{policy:?}: bound kept: {s:?}"
        );
        assert!(s.memory_evictions > 0, "{policy:?}: something had to go");
    }
}

#[test]
fn lru_evicts_the_least_recently_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = cfg(dir.path(), Policy::Lru, 10 * 1030);
    c.disk = false;
    let c = Cache::open(&c);
    for i in 0..10 {
        c.set(&format!("k{i}"), vec![0u8; 1000], MIN);
        c.stats();
    }
    let _ = c.get("k0"); // k0 is now the most recent; k1 the least
    c.set("k10", vec![0u8; 1000], MIN);
    c.stats();
    assert!(c.get("k0").is_some());
    assert!(c.get("k1").is_none());
}

#[test]
fn tinylfu_keeps_hot_entries_through_a_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = cfg(dir.path(), Policy::Tinylfu, 100 * 1030);
    c.disk = false;
    let c = Cache::open(&c);
    for i in 0..50 {
        c.set(&format!("hot{i}"), vec![0u8; 1000], MIN);
    }
    for _ in 0..10 {
        for i in 0..50 {
            let _ = c.get(&format!("hot{i}"));
        }
    }
    // A one-off scan four times the cache's size.
    for i in 0..400 {
        c.set(&format!("scan{i}"), vec![0u8; 1000], MIN);
    }
    c.stats();
    let kept = (0..50)
        .filter(|i| c.get(&format!("hot{i}")).is_some())
        .count();
    assert!(
        kept >= 45,
        "only {kept} of 50 hot entries survived the scan"
    );
}

#[test]
fn the_disk_tier_survives_a_restart_and_promotes_on_a_hit() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let c = Cache::open(&cfg(dir.path(), Policy::Tinylfu, 1 << 20));
        c.set_json(
            "kubo.version",
            &serde_json::json!({"Version": "0.39.0"}),
            MIN,
        );
    } // dropped: flushed
    let c = Cache::open(&cfg(dir.path(), Policy::Tinylfu, 1 << 20));
    let v: serde_json::Value = c.get_json("kubo.version").expect("restored");
    assert_eq!(v["Version"], "0.39.0");
    let _ = c.get("kubo.version");
    let s = c.stats();
    assert_eq!(
        (s.disk_hits, s.memory_hits, s.misses, s.requests),
        (1, 1, 0, 2),
        "{s:?}"
    );
}

#[test]
fn invalidation_by_glob_covers_both_tiers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Cache::open(&cfg(dir.path(), Policy::Lru, 1 << 20));
    for k in ["kubo.id", "kubo.repo_stat", "cluster.id", "kubo2.x"] {
        c.set(k, b"v".to_vec(), MIN);
    }
    c.flush();
    c.clear(Tier::Memory);
    let _ = c.get("kubo.id"); // promoted again: now in both tiers
    assert_eq!(c.invalidate("kubo.*"), 2);
    c.clear(Tier::Memory);
    assert!(c.get("kubo.id").is_none() && c.get("kubo.repo_stat").is_none());
    assert!(c.get("cluster.id").is_some() && c.get("kubo2.x").is_some());
    assert_eq!(c.stats().invalidations, 2);
}

#[test]
fn statistics_are_exact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Cache::open(&cfg(dir.path(), Policy::Tinylfu, 1 << 20));
    for i in 0..100 {
        c.set(&format!("k{i}"), vec![1u8; 10], MIN);
    }
    let mut hits = 0;
    for i in 0..150 {
        hits += u64::from(c.get(&format!("k{i}")).is_some());
    }
    assert!(c.delete("k0"));
    let s = c.stats();
    assert_eq!(hits, 100);
    assert_eq!(
        (s.requests, s.hits, s.misses, s.sets, s.deletes),
        (150, 100, 50, 100, 1)
    );
    assert!((s.hit_rate - 100.0 / 150.0).abs() < 1e-12);
    assert_eq!(s.memory_entries, 99);
    assert_eq!(s.disk_entries, 99);
    // key "kN" + 10 bytes of value in memory; + 16 bytes of header on disk.
    let key_bytes: u64 = (1..100).map(|i| format!("k{i}").len() as u64).sum();
    assert_eq!(s.memory_bytes, key_bytes + 99 * 10);
    assert_eq!(s.disk_bytes, key_bytes + 99 * 26);
    c.clear(Tier::All);
    let s = c.stats();
    assert_eq!((s.memory_entries, s.disk_entries, s.disk_bytes), (0, 0, 0));
}

#[test]
fn the_disk_tier_keeps_its_size_bound_by_expiry_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = cfg(dir.path(), Policy::Lru, 1 << 20);
    c.disk_max_bytes = 10 * 1024;
    let c = Cache::open(&c);
    for i in 0..40 {
        // Later keys live longer: the first ones must go first.
        c.set(
            &format!("k{i:02}"),
            vec![0u8; 1000],
            MIN + Duration::from_secs(i),
        );
    }
    c.flush();
    c.clear(Tier::Memory);
    let s = c.stats();
    assert!(s.disk_bytes <= 10 * 1024, "{s:?}");
    assert_eq!(s.disk_evictions, 40 - s.disk_entries);
    assert!(c.get("k39").is_some() && c.get("k00").is_none());
}

#[test]
fn a_broken_store_is_moved_aside_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("cache.redb"),
        b"this is not a redb file at all, just junk bytes",
    )
    .expect("write");
    let c = Cache::open(&cfg(dir.path(), Policy::Lru, 1 << 20));
    assert!(
        c.stats().disk_unavailable.is_none(),
        "a new store was started"
    );
    assert!(dir.path().join("cache.redb.broken").exists());
    c.set("a", b"1".to_vec(), MIN);
    assert!(c.get("a").is_some());
}
