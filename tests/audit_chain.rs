//! The tamper-evident trail against the real Kubo: the local CID is byte-exact with Kubo's
//! `add`; real actions rotate a tiny history; `supervise` archives every rotated file (pinned);
//! `audit-analytics verify` passes, names an edited file (exit 65), follows the chain through
//! Kubo past a deleted file; `--file ipfs://CID` reads a file back; a Kubo that is down delays
//! only the upload.

// Diagnostics for whoever reads the test log, not the binary's output.
#![allow(clippy::disallowed_macros)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use ipfs_kit_audit::chain::read_header;
use ipfs_kit_audit::cid::cid_of;
use support::Harness;
use support::kit::{Kit, stderr};

/// Kubo's own answer for `path` with the archiver's parameters, without storing it.
fn kubo_cid(h: &Harness, path: &Path) -> String {
    let out = Command::new(&h.tools.ipfs)
        .env("IPFS_PATH", h.kubo_repo.path())
        .args([
            "add",
            "-Q",
            "--only-hash",
            "--cid-version=1",
            "--raw-leaves",
            "--chunker=size-262144",
            "--max-file-links=174",
            "--hash=sha2-256",
        ])
        .arg(path)
        .output()
        .expect("run ipfs add");
    assert!(
        out.status.success(),
        "ipfs add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn local_cid_is_byte_exact_with_kubo() {
    let h = Harness::kubo();
    let dir = tempfile::tempdir().expect("tempdir");
    // 0, one byte, exactly one chunk, one past it, ~3 MiB, and > 174 chunks (a second level).
    for size in [
        0usize,
        1,
        262_144,
        262_145,
        3 * 1024 * 1024 + 7,
        175 * 262_144 + 1,
    ] {
        let bytes: Vec<u8> = (0..size as u64)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let path = dir.path().join(format!("f{size}"));
        std::fs::write(&path, &bytes).expect("write");
        let t = Instant::now();
        let ours = cid_of(&bytes).to_text();
        let took = t.elapsed();
        assert_eq!(ours, kubo_cid(&h, &path), "size {size}");
        eprintln!("size {size}: {ours} in {took:?}");
    }
}

#[test]
fn the_committed_verify_schema_is_current() {
    let kit = Kit::new();
    let out = kit.run(&["audit-analytics", "verify", "--schema"]);
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/audit-verify.schema.json"
    ))
    .expect("assets/audit-verify.schema.json");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        committed,
        "assets/audit-verify.schema.json is stale: run `cargo run -- audit-analytics verify \
         --schema > assets/audit-verify.schema.json`"
    );
}

const CONFIG: &str = "[history]\nmax_file_bytes = 4096\nkeep_files = 3\n";

fn history(kit: &Kit, i: usize) -> PathBuf {
    if i == 0 {
        kit.state().join("history.jsonl")
    } else {
        kit.state().join(format!("history.{i}.jsonl"))
    }
}

fn pending(kit: &Kit) -> Vec<PathBuf> {
    std::fs::read_dir(kit.state().join("history-archive/pending"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Real actions until the history rotated `n` more times (by the chain lines written).
fn rotate(kit: &Kit, cid: &str, n: usize) {
    let first = |p: &Path| {
        std::fs::read(p)
            .ok()
            .and_then(|b| read_header(&b).ok().flatten())
            .map(|h| h.prev_cid)
    };
    let mut seen = first(&history(kit, 0));
    let mut done = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    while done < n {
        // Recorded whether it succeeds or not (with no daemon it fails at once).
        let _ = kit.run(&["pin", "add", cid]);
        let now = first(&history(kit, 0));
        if now.is_some() && now != seen {
            seen = now;
            done += 1;
        }
        assert!(
            Instant::now() < deadline,
            "the history did not rotate {n} times"
        );
    }
}

/// Until nothing waits for upload and the history stopped moving (each upload is itself a
/// history entry, which may rotate once more).
fn wait_uploaded(kit: &Kit, limit: Duration) {
    let deadline = Instant::now() + limit;
    let size = || std::fs::metadata(history(kit, 0)).map(|m| m.len()).ok();
    loop {
        let before = size();
        if pending(kit).is_empty() {
            std::thread::sleep(Duration::from_millis(1500));
            if pending(kit).is_empty() && size() == before {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "rotated files still wait for upload: {:?}\n{}",
            pending(kit),
            kit.log("sup.log")
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn verify(kit: &Kit) -> (Output, serde_json::Value) {
    let out = kit.run(&["audit-analytics", "verify", "--json"]);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify --json is not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        )
    });
    (out, v)
}

/// A CID Kubo has, to pin through ipfs-kit over and over (each pin is a history entry).
fn some_cid(kit: &Kit) -> String {
    let f = kit.root().join("pinned.txt");
    std::fs::write(&f, "the trail\n").expect("write");
    kit.ipfs(&[
        "add",
        "-Q",
        "--cid-version=1",
        f.to_str().unwrap_or_default(),
    ])
    .trim()
    .to_string()
}

#[test]
fn chain_rotates_archives_verifies_and_names_an_edited_file() {
    let kit = Kit::new();
    kit.config(CONFIG);
    let _sup = kit.supervise(&["--init"], "sup.log", &[]);
    kit.wait_supervised("sup.log");
    let cid = some_cid(&kit);

    // Four rotations with keep_files = 3: the oldest rotated file is gone locally.
    rotate(&kit, &cid, 4);
    wait_uploaded(&kit, Duration::from_secs(60));
    assert!(
        !history(&kit, 3).exists(),
        "keep_files = 3 keeps three files"
    );

    let (out, v) = verify(&kit);
    assert_eq!(
        out.status.code(),
        Some(0),
        "verify: {v:#}\n{}",
        stderr(&out)
    );
    assert_eq!(v["intact"], true, "{v:#}");
    let steps = v["steps"].as_array().cloned().unwrap_or_default();
    assert!(steps.len() >= 5, "current + 4 rotated: {v:#}");
    assert!(
        steps.iter().skip(1).any(|s| s["state"] == "archived"),
        "the file dropped by keep_files is read from Kubo: {v:#}"
    );
    // Every recorded CID is pinned in Kubo.
    let pins = kit.ipfs(&["pin", "ls", "--type=recursive", "-q"]);
    for s in steps.iter().skip(1) {
        let c = s["recorded_cid"].as_str().unwrap_or_default();
        assert!(pins.contains(c), "{c} not pinned:\n{pins}");
        assert_eq!(s["kubo"]["state"], "pinned", "{s:#}");
    }
    assert!(
        steps
            .iter()
            .filter(|s| s["state"] == "archived")
            .all(|s| s["copy_from"] == "kubo"),
        "{v:#}"
    );
    // Cluster answered, so every upload was pinned through it too.
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(kit.state().join("history-archive/manifest.json")).expect("manifest"),
    )
    .expect("manifest JSON");
    let archived = manifest["archived"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert!(archived.len() >= 4, "{manifest:#}");
    for (cid, a) in &archived {
        assert_eq!(a["cluster"], "pinned", "{cid}: {a:#}");
        assert_eq!(a["kubo_cid"], cid.as_str(), "{cid}: {a:#}");
    }
    // The history records each upload.
    let hist = kit.run(&["history", "--json", "--limit", "500"]);
    let archived = String::from_utf8_lossy(&hist.stdout)
        .matches("\"audit.archive\"")
        .count();
    assert!(archived >= 4, "{archived} audit.archive entries");

    // Read an archived file back by CID: the events of the local copy, chain line skipped.
    let one = std::fs::read(history(&kit, 1)).expect("history.1");
    let one_cid = cid_of(&one).to_text();
    let entries = String::from_utf8_lossy(&one).lines().count() - 1;
    let url = format!("ipfs://{one_cid}");
    let stats = kit.run(&["audit-analytics", "stats", "--file", &url, "--json"]);
    assert!(
        stats.status.success(),
        "stats --file {url}: {}",
        stderr(&stats)
    );
    let doc: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats JSON");
    let load = &doc["input"]["load"];
    assert_eq!(load["events"].as_u64(), Some(entries as u64), "{load:#}");
    assert_eq!(
        (load["bad_lines"].as_u64(), load["chain_lines"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(doc["input"]["sources"][0], url.as_str());

    // Edit one line of an archived local file: verify names that file and exits 65.
    let two = history(&kit, 2);
    let original = std::fs::read_to_string(&two).expect("history.2");
    let edited = original.replacen("\"status\":\"ok\"", "\"status\":\"failed\"", 1);
    assert_ne!(edited, original, "history.2 has an ok entry to edit");
    std::fs::write(&two, &edited).expect("edit");
    let line = original
        .lines()
        .zip(edited.lines())
        .position(|(a, b)| a != b)
        .map(|i| i as u64 + 1);
    let (out, v) = verify(&kit);
    assert_eq!(out.status.code(), Some(65), "{v:#}");
    assert_eq!(v["intact"], false);
    let fb = &v["first_break"];
    assert_eq!(fb["state"], "changed", "{v:#}");
    assert!(
        fb["file"]
            .as_str()
            .unwrap_or_default()
            .ends_with("history.2.jsonl"),
        "{fb:#}"
    );
    assert_eq!(fb["first_diff_line"].as_u64(), line, "{fb:#}");
    assert_ne!(fb["actual_cid"], fb["recorded_cid"]);
    let table = kit.run(&["audit-analytics", "verify"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("chain BROKEN at") && text.contains("history.2.jsonl"),
        "{text}"
    );
    std::fs::write(&two, &original).expect("restore");

    // A deleted local file is read back from Kubo and the chain still holds.
    std::fs::remove_file(history(&kit, 1)).expect("rm history.1");
    let (out, v) = verify(&kit);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["steps"][1]["state"], "archived", "{v:#}");
}

#[test]
fn kubo_down_delays_the_upload_not_the_rotation() {
    let kit = Kit::new();
    kit.config(CONFIG);
    // No daemon runs: the pins fail (fast), and are still history entries that rotate.
    rotate(
        &kit,
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        2,
    );
    assert!(history(&kit, 1).exists() && history(&kit, 2).exists());
    assert_eq!(pending(&kit).len(), 2, "both rotated files wait for upload");
    let offline = kit.run(&["audit-analytics", "verify", "--offline"]);
    assert_eq!(
        offline.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&offline.stdout)
    );

    // supervise's uploader starts before its Kubo does: its first pass fails, a retry after
    // the backoff uploads both.
    let sup = kit.supervise(&["--init"], "sup.log", &[]);
    kit.wait_supervised("sup.log");
    wait_uploaded(&kit, Duration::from_secs(60));
    let (out, v) = verify(&kit);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert!(count_state(&v, "pinned") >= 2, "{v:#}");
    drop(sup);

    // Rotated while nothing runs an uploader: verify reports the upload as pending (not a
    // break), and `verify --upload` does it.
    rotate(
        &kit,
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        1,
    );
    let started = kit.run(&["daemon", "start", "all"]);
    assert!(
        started.status.success(),
        "daemon start: {}",
        stderr(&started)
    );
    let (out, v) = verify(&kit);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert!(count_state(&v, "pending") >= 1, "{v:#}");
    let out = kit.run(&["audit-analytics", "verify", "--upload", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(count_state(&v, "pending"), 0, "{v:#}");
}

fn count_state(v: &serde_json::Value, state: &str) -> usize {
    v["steps"]
        .as_array()
        .map(|s| s.iter().filter(|s| s["kubo"]["state"] == state).count())
        .unwrap_or(0)
}
