//! A writer killed with SIGKILL in the middle of writing leaves a cache store that opens,
//! serves every entry it committed, and takes new writes.
// The child reports progress to its parent on stdout (a pipe, not a terminal).
#![allow(clippy::disallowed_macros)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use ipfs_kit::cache::{Cache, CacheSection, Policy};

fn section(path: &std::path::Path) -> CacheSection {
    CacheSection {
        memory_policy: Policy::Lru,
        memory_max_bytes: 1 << 20,
        disk: true,
        disk_max_bytes: 1 << 30,
        path: Some(path.to_path_buf()),
        default_ttl: Duration::from_secs(3600),
    }
}

/// The child of the test below: writes batches forever, printing the last key of each batch
/// once it is committed. Run only by that test (ignored on its own).
#[test]
#[ignore = "the child process of a_killed_writer_leaves_a_readable_store"]
fn cache_writer_child() {
    let path = std::env::var_os("CACHE_CRASH_PATH").expect("CACHE_CRASH_PATH");
    let cache = Cache::open(&section(std::path::Path::new(&path)));
    let value = vec![7u8; 4096];
    for i in 0u64.. {
        cache.set(
            &format!("k{i:08}"),
            value.clone(),
            Duration::from_secs(3600),
        );
        if i % 100 == 99 {
            cache.flush();
            println!("committed {i}");
        }
    }
}

#[test]
fn a_killed_writer_leaves_a_readable_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.redb");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "cache_writer_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CACHE_CRASH_PATH", &path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the writer");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut committed = None;
    // Let it commit a few batches, then kill it while it writes the next.
    while let Some(Ok(l)) = lines.next() {
        if let Some(n) = l.strip_prefix("committed ") {
            committed = n.parse::<u64>().ok();
            if committed >= Some(999) {
                break;
            }
        }
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill -9");
    let _ = child.wait();
    let committed = committed.expect("the writer committed batches");

    let cache = Cache::open(&section(&path));
    let stats = cache.stats();
    assert!(stats.disk_unavailable.is_none(), "{stats:?}");
    assert!(stats.disk_entries > committed, "{stats:?}");
    for i in 0..=committed {
        let v = cache
            .get(&format!("k{i:08}"))
            .unwrap_or_else(|| panic!("k{i} lost"));
        assert!(v.len() == 4096 && v.iter().all(|b| *b == 7), "k{i} damaged");
    }
    cache.set("after", b"ok".to_vec(), Duration::from_secs(60));
    cache.flush();
    assert_eq!(cache.stats().disk_errors, 0);
}
