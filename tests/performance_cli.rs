//! `ipfs-kit performance` against a real Kubo: the profiler's real calls, the cache commands
//! on the store the collector writes, and bad operations refused with exit 64.

mod support;

use std::process::Command;

use serde_json::Value;
use support::Harness;

fn kit(h: &Harness) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear()
        .env("HOME", h.root().join("home"))
        .env("XDG_CONFIG_HOME", h.root().join("config"))
        .env("XDG_STATE_HOME", h.root().join("state"))
        .env("XDG_CACHE_HOME", h.root().join("cache"))
        .env("IPFS_KIT_KUBO_API", h.kubo_api.to_string())
        .arg("performance");
    c
}

fn json(h: &Harness, args: &[&str]) -> Value {
    let out = kit(h).args(args).arg("--json").output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn profile_times_real_calls_and_the_cache_commands_work_on_the_store() {
    let h = Harness::kubo();
    let p = json(&h, &["profile", "--operation", "kubo.id", "--count", "30"]);
    assert_eq!(p["operation"], "kubo.id");
    assert_eq!(p["count"], 30);
    assert_eq!(p["success_rate"], 1.0);
    let (p50, p99, max) = (
        p["p50_ms"].as_f64().expect("p50"),
        p["p99_ms"].as_f64().expect("p99"),
        p["max_ms"].as_f64().expect("max"),
    );
    assert!(p50 > 0.0 && p50 <= p99 && p99 <= max * 1.01, "{p}");

    // The store the collector writes: the profile run's own process wrote nothing; a
    // fresh store has no entries, an invalidation of nothing is 0, and a clear empties it.
    let stats = json(&h, &["cache-stats"]);
    let store = &stats["store"];
    assert!(
        store["disk_path"]
            .as_str()
            .expect("path")
            .starts_with(h.root().join("cache/ipfs-kit").to_str().expect("utf-8")),
        "{stats}"
    );
    assert_eq!(
        json(&h, &["cache-invalidate", "--pattern", "kubo:*"])["invalidated"],
        0
    );
    assert_eq!(
        json(&h, &["cache-clear", "--tier", "disk"])["disk_entries"],
        0
    );

    // The host now, and the node's state, from one collection.
    let r = json(&h, &["resources"]);
    assert!(
        r["cpu_percent"].is_number() && r["memory_used_percent"].is_number(),
        "{r}"
    );
    assert_eq!(r["kubo"], "ok", "{r}");
    // Kubo's own latencies, from its Prometheus endpoint: one read, so since it started; the
    // harness's node has written its repo, so the datastore has timed puts, and the profile
    // above made RPC calls.
    let own = &r["kubo_internal"];
    assert!(own["window_seconds"].is_null(), "{own}");
    let ops = own["ops"].as_array().expect("ops");
    let names: Vec<&str> = ops.iter().filter_map(|o| o["operation"].as_str()).collect();
    assert!(names.contains(&"rpc"), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("datastore.")),
        "{names:?}"
    );
    let rpc = ops.iter().find(|o| o["operation"] == "rpc").expect("rpc");
    assert!(rpc["count"].as_u64().is_some_and(|n| n >= 30), "{rpc}");

    // A dead daemon is a state: every call fails, the figures say so.
    let out = kit(&h)
        .env("IPFS_KIT_KUBO_API", "127.0.0.1:1")
        .args([
            "profile",
            "--operation",
            "kubo.version",
            "--count",
            "3",
            "--json",
        ])
        .output()
        .expect("run");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (doc["count"].as_u64(), doc["success_rate"].as_f64()),
        (Some(3), Some(0.0))
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("every call of kubo.version"));
}

#[test]
fn unknown_operations_and_timeframes_are_usage_errors() {
    let h = Harness::kubo();
    let out = kit(&h)
        .args(["profile", "--operation", "kubo.rm-rf"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use kubo.id"));
    let out = kit(&h)
        .args(["metrics", "--timeframe", "5y"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(64));
    let out = kit(&h)
        .args(["metrics", "--operation", "kubo.id"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(64), "no samples recorded yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no samples"));
}
