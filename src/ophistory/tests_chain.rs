//! The chained history: chain lines at rotation, the pending link, readers that skip the
//! chain line, and two writers (two processes' logs) on one dir rotating once, not twice.

use std::path::Path;

use ipfs_kit_audit::chain::{KuboState, Walk, read_header};
use ipfs_kit_audit::cid::cid_of;

use super::jsonl::{Chain, JsonlLog, file_path, read_file};
use super::*;

fn line(i: usize) -> Vec<u8> {
    format!(
        "{{\"timestamp\":\"2026-01-01T00:00:{:02}Z\",\"action\":\"pin.add\",\"n\":{i},\"pad\":\"{}\"}}\n",
        i % 60,
        "x".repeat(200)
    )
    .into_bytes()
}

fn chained(dir: &Path, archive: bool) -> JsonlLog {
    let mut log = JsonlLog::unopened(dir, "history", 4096, 3);
    log.set_chain(Chain {
        pending_dir: archive.then(|| crate::archive::pending_dir(dir)),
    });
    log
}

#[test]
fn rotation_writes_the_chain_line_and_keeps_the_file_for_upload() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = chained(dir.path(), true);
    for i in 0..60 {
        log.append_line(&line(i)).expect("append");
    }
    let cur = std::fs::read(file_path(dir.path(), "history", 0)).expect("current");
    let one = std::fs::read(file_path(dir.path(), "history", 1)).expect("rotated");
    let two = std::fs::read(file_path(dir.path(), "history", 2)).expect("rotated");
    let h = read_header(&cur).expect("header").expect("chain line");
    assert_eq!(h.prev_cid, cid_of(&one).to_text());
    assert_eq!(h.prev_bytes, one.len() as u64);
    assert_eq!(
        read_header(&one).expect("h").expect("h").prev_cid,
        cid_of(&two).to_text()
    );
    // Every rotated file waits under its CID, the ones keep_files dropped too.
    let pending = crate::archive::pending_dir(dir.path());
    assert!(pending.join(format!("{}.jsonl", h.prev_cid)).exists());
    let waiting = std::fs::read_dir(&pending).expect("pending").count();
    assert!(waiting >= 4, "{waiting} pending");
    // The chain holds from the newest file back to the start, through the pending copies.
    let mut w = Walk::start("history.jsonl", &cur);
    while let Some(h) = w.wanted().cloned() {
        let copy = std::fs::read(pending.join(format!("{}.jsonl", h.prev_cid))).ok();
        w.offer(None, copy.as_deref(), KuboState::NotChecked("test".into()));
    }
    let r = w.finish();
    assert!(r.first_break.is_none() && r.reached_start, "{r:?}");
    // The history reader does not call the chain line a damaged line.
    let (values, warnings) =
        read_file::<serde_json::Value>(&file_path(dir.path(), "history", 1)).expect("read");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(values.iter().all(|v| v.get("chain").is_none()));
}

#[test]
fn archiving_off_writes_the_chain_line_but_keeps_no_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = chained(dir.path(), false);
    for i in 0..30 {
        log.append_line(&line(i)).expect("append");
    }
    let cur = std::fs::read(file_path(dir.path(), "history", 0)).expect("current");
    assert!(read_header(&cur).expect("header").is_some());
    assert!(!crate::archive::pending_dir(dir.path()).exists());
}

#[test]
fn two_writers_rotate_once_and_nobody_appends_to_a_rotated_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two logs on one dir: what two processes have (flock is per open file, so they exclude
    // each other within one process too).
    let mut a = chained(dir.path(), false);
    let mut b = chained(dir.path(), false);
    for i in 0..80 {
        let log = if i % 2 == 0 { &mut a } else { &mut b };
        log.append_line(&line(i)).expect("append");
    }
    // Each file's recorded predecessor is exactly the file before it: no line was added to
    // a file after its CID was taken, and no rotation skipped or doubled a file.
    for i in 0..2 {
        let newer = std::fs::read(file_path(dir.path(), "history", i)).expect("newer");
        let older = std::fs::read(file_path(dir.path(), "history", i + 1)).expect("older");
        let h = read_header(&newer).expect("h").expect("chain line");
        assert_eq!(h.prev_cid, cid_of(&older).to_text(), "file {}", i + 1);
        assert!(
            older.len() <= 4096,
            "file {} has {} bytes",
            i + 1,
            older.len()
        );
    }
    // Every line is whole and none is lost from the kept files' tail.
    let cur = String::from_utf8(std::fs::read(file_path(dir.path(), "history", 0)).expect("c"))
        .expect("utf8");
    let last = cur.lines().last().expect("a line");
    assert!(last.contains("\"n\":79"), "{last}");
}

#[test]
fn op_history_chains_through_its_options() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut o = HistoryOptions::new(dir.path().to_path_buf());
    o.max_file_bytes = 4096;
    let (h, _) = OpHistory::open(&o).expect("open");
    for i in 0..40 {
        let op = NewOp::new(EventType::Data, "pin.add").resource("pin", format!("cid{i}"));
        h.record(op, OpStatus::Ok).expect("record");
    }
    let r = h.query(&Filter::default()).expect("query");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let cur = std::fs::read(dir.path().join("history.jsonl")).expect("current");
    assert!(read_header(&cur).expect("header").is_some());
}
