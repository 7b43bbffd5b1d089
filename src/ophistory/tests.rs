use std::io::Write;
use std::path::Path;

use chrono::{Duration, Utc};

use super::*;

fn opts(dir: &Path) -> HistoryOptions {
    HistoryOptions::new(dir.to_path_buf())
}

fn open(o: &HistoryOptions) -> (OpHistory, Vec<ReadWarning>) {
    OpHistory::open(o).expect("open history")
}

fn pin(cid: &str) -> NewOp {
    NewOp::new(EventType::Data, "pin.add").resource("pin", cid)
}

fn all(dir: &Path) -> QueryResult {
    query(dir, &Filter::default()).expect("query")
}

#[test]
fn records_carry_the_audit_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (h, _) = open(&opts(dir.path()));
    let e = h
        .record(
            NewOp::new(EventType::System, "source.down")
                .resource("source", "kubo")
                .detail("error", "connection refused"),
            OpStatus::Failed,
        )
        .expect("record");
    let line = std::fs::read_to_string(dir.path().join("history.jsonl")).expect("read");
    let v: serde_json::Value = serde_json::from_str(line.trim()).expect("json");
    for key in [
        "event_type",
        "action",
        "timestamp",
        "user_id",
        "resource",
        "resource_type",
        "status",
        "operation_id",
        "session_id",
        "event_id",
        "details",
        "duration_ms",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["event_type"], "system");
    assert_eq!(v["status"], "failed");
    assert_eq!(v["details"]["error"], "connection refused");
    assert_eq!(v["user_id"], h.user_id());
    // RFC 3339 text, not a float epoch.
    let ts = v["timestamp"].as_str().expect("string timestamp");
    assert!(chrono::DateTime::parse_from_rfc3339(ts).is_ok(), "{ts}");
    assert_eq!(e.session_id, h.session_id());
}

#[test]
fn guard_records_running_then_outcome_with_duration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (h, _) = open(&opts(dir.path()));
    let mut op = h.start(NewOp::new(EventType::System, "daemon.start").resource("daemon", "kubo"));
    let id = op.operation_id().to_string();
    assert_eq!(h.recent(10)[0].status, OpStatus::Running);
    op.detail("pid", 4242);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let done = op
        .finish(&Err::<(), _>("port 5001 in use"))
        .expect("finish");
    assert_eq!(done.operation_id, id);
    assert!(done.duration_ms.is_some_and(|d| d >= 5), "{done:?}");
    assert_eq!(done.details["error"], "port 5001 in use");
    assert_eq!(done.details["pid"], 4242);

    // Two lines on disk, one operation in the ring and in queries.
    let text = std::fs::read_to_string(dir.path().join("history.jsonl")).expect("read");
    assert_eq!(text.lines().count(), 2);
    assert_eq!(h.recent(10).len(), 1);
    let r = all(dir.path());
    assert_eq!(r.entries.len(), 1);
    assert_eq!(r.entries[0].status, OpStatus::Failed);

    // Dropped unfinished: recorded as failed, not left running.
    drop(h.start(pin("bafyabandoned")));
    let r = all(dir.path());
    assert_eq!(r.entries[0].status, OpStatus::Failed);
    assert!(
        r.entries[0].details["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("abandoned"))
    );
}

#[test]
fn query_filters_by_status_since_and_limit_newest_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (h, _) = open(&opts(dir.path()));
    let now = Utc::now();
    for (i, status) in [OpStatus::Ok, OpStatus::Failed, OpStatus::Ok, OpStatus::Ok]
        .into_iter()
        .enumerate()
    {
        let mut e = h.record(pin(&format!("cid{i}")), status).expect("record");
        // Backdate: entry i started (4 - i) hours ago.
        e.timestamp = now - Duration::hours(4 - i as i64);
        e.event_id = h.next_id("e");
        h.write(e).expect("write");
    }
    let names = |r: QueryResult| -> Vec<String> {
        r.entries.into_iter().filter_map(|e| e.resource).collect()
    };
    assert_eq!(names(all(dir.path())), ["cid3", "cid2", "cid1", "cid0"]);
    let ok = Filter {
        status: Some(OpStatus::Ok),
        ..Filter::default()
    };
    assert_eq!(names(h.query(&ok).expect("q")), ["cid3", "cid2", "cid0"]);
    let recent = Filter {
        since: Some(now - Duration::minutes(150)),
        ..Filter::default()
    };
    assert_eq!(names(h.query(&recent).expect("q")), ["cid3", "cid2"]);
    let page = Filter {
        status: Some(OpStatus::Ok),
        limit: Some(2),
        ..Filter::default()
    };
    assert_eq!(names(h.query(&page).expect("q")), ["cid3", "cid2"]);
    let failed = Filter {
        status: Some(OpStatus::Failed),
        since: Some(now - Duration::hours(5)),
        limit: Some(10),
    };
    assert_eq!(names(h.query(&failed).expect("q")), ["cid1"]);
}

#[test]
fn reopening_keeps_entries_and_an_interrupted_operation_shows_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = opts(dir.path());
    let (h, _) = open(&o);
    let first_session = h.session_id().to_string();
    h.record(pin("a"), OpStatus::Ok).expect("record");
    let op = h.start(pin("b"));
    // The process dies: the guard never finishes.
    std::mem::forget(op);
    drop(h);

    let (h2, warnings) = open(&o);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_ne!(h2.session_id(), first_session);
    let recent = h2.recent(10);
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].status, OpStatus::Running);
    h2.record(pin("c"), OpStatus::Ok).expect("record");
    let running = Filter {
        status: Some(OpStatus::Running),
        ..Filter::default()
    };
    let r = h2.query(&running).expect("q");
    assert_eq!(r.entries.len(), 1);
    assert_eq!(r.entries[0].resource.as_deref(), Some("b"));
    assert_eq!(all(dir.path()).entries.len(), 3);
}

#[test]
fn torn_last_line_is_skipped_with_a_warning_and_nothing_else_is_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = opts(dir.path());
    let (h, _) = open(&o);
    for cid in ["a", "b", "c"] {
        h.record(pin(cid), OpStatus::Ok).expect("record");
    }
    drop(h);
    let path = dir.path().join("history.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    f.write_all(br#"{"event_id":"x","operation_id":"#)
        .expect("tear");
    drop(f);

    let r = all(dir.path());
    assert_eq!(r.entries.len(), 3);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].line, 4);
    assert!(
        r.warnings[0].message.contains("torn last line"),
        "{}",
        r.warnings[0]
    );

    // Re-opening reports it once, and the next entry does not merge into the torn line.
    let (h, warnings) = open(&o);
    assert_eq!(warnings.len(), 1);
    assert_eq!(h.recent(10).len(), 3);
    h.record(pin("d"), OpStatus::Ok).expect("record");
    let r = all(dir.path());
    let cids: Vec<_> = r
        .entries
        .iter()
        .filter_map(|e| e.resource.clone())
        .collect();
    assert_eq!(cids, ["d", "c", "b", "a"]);
    assert_eq!(r.warnings.len(), 1);
}

#[test]
fn garbage_in_the_middle_is_skipped_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (h, _) = open(&opts(dir.path()));
    h.record(pin("a"), OpStatus::Ok).expect("record");
    let path = dir.path().join("history.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    f.write_all(b"not json at all\n").expect("garbage");
    drop(f);
    h.record(pin("b"), OpStatus::Ok).expect("record");
    let r = all(dir.path());
    assert_eq!(r.entries.len(), 2);
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0].message.starts_with("damaged line"),
        "{}",
        r.warnings[0]
    );
}

#[test]
fn rotation_keeps_exactly_the_configured_number_of_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut o = opts(dir.path());
    o.max_file_bytes = 4096;
    o.keep_files = 3;
    let (h, _) = open(&o);
    let padding = "x".repeat(900);
    for i in 0..40 {
        h.record(
            pin(&format!("cid{i:02}")).detail("pad", padding.as_str()),
            OpStatus::Ok,
        )
        .expect("record");
    }
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        // The lock file and the archive's pending dir are not history files.
        .filter(|f| f.ends_with(".jsonl"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["history.1.jsonl", "history.2.jsonl", "history.jsonl"]
    );
    for f in &files {
        let len = std::fs::metadata(dir.path().join(f)).expect("stat").len();
        assert!(len <= 4096, "{f} is {len} bytes");
    }
    // Newest first across files, contiguous, ending at the last one written.
    let r = all(dir.path());
    assert!(r.warnings.is_empty());
    let cids: Vec<String> = r
        .entries
        .iter()
        .filter_map(|e| e.resource.clone())
        .collect();
    let lines: usize = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(dir.path().join(f))
                .expect("read")
                .lines()
                .filter(|l| !l.starts_with("{\"chain\":"))
                .count()
        })
        .sum();
    assert_eq!(cids.len(), lines);
    let expected: Vec<String> = (40 - lines..40)
        .rev()
        .map(|i| format!("cid{i:02}"))
        .collect();
    assert_eq!(
        cids, expected,
        "contiguous, newest first, ending at the last one written"
    );

    // A smaller `keep` later removes the extra files at the next rotation.
    drop(h);
    o.keep_files = 2;
    let (h, _) = open(&o);
    for i in 0..5 {
        h.record(
            pin(&format!("more{i}")).detail("pad", padding.as_str()),
            OpStatus::Ok,
        )
        .expect("record");
    }
    let count = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".jsonl"))
        .count();
    assert_eq!(count, 2);
}

#[test]
fn appends_from_many_threads_all_land_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (h, _) = open(&opts(dir.path()));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let h = h.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let op = h.start(pin(&format!("t{t}-{i}")));
                    let _ = op.ok();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let r = all(dir.path());
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.entries.len(), 400);
    assert!(r.entries.iter().all(|e| e.status == OpStatus::Ok));
    let ids: std::collections::HashSet<_> = r.entries.iter().map(|e| &e.operation_id).collect();
    assert_eq!(ids.len(), 400);
}

#[test]
fn history_section_parses_with_ranges() {
    #[derive(serde::Deserialize)]
    struct F {
        history: HistorySection,
    }
    let f: F =
        toml::from_str("[history]\nkeep_files = 3\nmax_file_bytes = 65536\n").expect("parse");
    assert_eq!(
        (
            f.history.keep_files,
            f.history.max_file_bytes,
            f.history.in_memory
        ),
        (3, 65536, 1000)
    );
    let e = toml::from_str::<F>("[history]\n\nkeep_files = 0\n")
        .err()
        .expect("error");
    assert!(
        e.message().contains("keep_files = 0 is out of range"),
        "{e}"
    );
    assert_eq!(e.span().map(|s| s.start), Some(24));
    assert!(toml::from_str::<F>("[history]\nkeep = 3\n").is_err());
}

#[test]
fn since_takes_a_duration_or_a_time() {
    let now = Utc::now();
    assert_eq!(parse_since("24h", now), Ok(now - Duration::hours(24)));
    let t = parse_since("2026-01-02T03:04:05+01:00", now).expect("time");
    assert_eq!(t.to_rfc3339(), "2026-01-02T02:04:05+00:00");
    assert!(parse_since("yesterday", now).unwrap_err().contains("24h"));
}
