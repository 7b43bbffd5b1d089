//! The durable appender against real failing writes: `<stem>.jsonl` as a symlink to
//! /dev/full (every write fails with ENOSPC, as on a full disk), or a state dir that cannot be
//! created. Recovery is the symlink or the blocking file removed.

use std::path::{Path, PathBuf};

use super::durable::{DurableLog, Outcome};
use super::*;

fn full_disk(dir: &Path, stem: &str) -> PathBuf {
    let path = dir.join(format!("{stem}.jsonl"));
    std::os::unix::fs::symlink("/dev/full", &path).expect("symlink to /dev/full");
    path
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn log(dir: &Path, cap: usize) -> DurableLog {
    DurableLog::open(dir, "t", 1 << 20, 3, cap)
}

#[test]
fn lines_refused_by_a_full_disk_wait_and_are_written_in_order_on_recovery() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = full_disk(dir.path(), "t");
    let mut l = log(dir.path(), 100);
    for v in ["a", "b", "c"] {
        assert_eq!(l.append(&v).expect("encode"), Outcome::Pending);
    }
    let s = l.status().clone();
    assert!(s.failing);
    assert_eq!((s.failed_total, s.pending, s.dropped_total), (3, 3, 0));
    let err = s.last_error.expect("error kept");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(s.last_error_at.is_some());
    assert_eq!(s.path.as_deref(), Some(path.to_str().expect("utf-8")));
    // Still refused: nothing changes but the error time.
    assert_eq!(l.flush(), Outcome::Pending);
    assert_eq!(l.status().pending, 3);

    std::fs::remove_file(&path).expect("recover");
    assert_eq!(l.flush(), Outcome::Recovered(3));
    assert_eq!(l.append(&"d").expect("encode"), Outcome::Written);
    assert_eq!(lines(&path), ["\"a\"", "\"b\"", "\"c\"", "\"d\""]);
    let s = l.status();
    assert!(!s.failing);
    assert_eq!((s.failed_total, s.pending), (3, 0));
}

#[test]
fn a_new_line_after_recovery_goes_after_the_waiting_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = full_disk(dir.path(), "t");
    let mut l = log(dir.path(), 100);
    l.append(&1).expect("encode");
    l.append(&2).expect("encode");
    std::fs::remove_file(&path).expect("recover");
    // No timer ran: the append itself writes the backlog first.
    assert_eq!(l.append(&3).expect("encode"), Outcome::Recovered(3));
    assert_eq!(lines(&path), ["1", "2", "3"]);
    assert_eq!(l.status().failed_total, 2, "the third line never failed");
}

#[test]
fn past_the_cap_the_oldest_waiting_lines_are_dropped_and_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = full_disk(dir.path(), "t");
    let mut l = log(dir.path(), 2);
    for v in 1..=5 {
        l.append(&v).expect("encode");
    }
    let s = l.status();
    assert_eq!((s.failed_total, s.pending, s.dropped_total), (5, 2, 3));
    std::fs::remove_file(&path).expect("recover");
    assert_eq!(l.flush(), Outcome::Recovered(2));
    assert_eq!(lines(&path), ["4", "5"]);
    assert_eq!(l.status().dropped_total, 3, "the count stays");
}

#[test]
fn a_state_dir_that_cannot_be_created_is_failing_from_the_start_and_recovers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("state");
    std::fs::write(&blocker, "a file where the dir should be").expect("blocker");
    let mut l = log(&blocker, 100);
    assert!(l.status().failing, "reported before anything is lost");
    assert_eq!(l.status().pending, 0);
    assert_eq!(l.append(&"x").expect("encode"), Outcome::Pending);
    std::fs::remove_file(&blocker).expect("recover");
    assert_eq!(l.flush(), Outcome::Recovered(1));
    assert_eq!(lines(&blocker.join("t.jsonl")), ["\"x\""]);
    assert!(!l.status().failing);
}

#[test]
fn failing_with_nothing_waiting_clears_on_flush_once_the_file_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("state");
    std::fs::write(&blocker, "").expect("blocker");
    let mut l = log(&blocker, 100);
    assert_eq!(l.flush(), Outcome::Pending);
    std::fs::remove_file(&blocker).expect("recover");
    assert_eq!(l.flush(), Outcome::Written);
    assert!(!l.status().failing);
}

#[test]
fn the_operation_history_keeps_refused_entries_in_its_ring_and_writes_them_later() {
    // (Not /dev/full here: opening reads the file, and /dev/full reads as endless zeros.)
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    std::fs::write(&state, "a file where the state dir should be").expect("blocker");
    let (h, _) = OpHistory::open(&HistoryOptions::new(state.clone())).expect("open");
    let pin = |cid: &str| NewOp::new(EventType::Data, "pin.add").resource("pin", cid);
    let err = h.record(pin("a"), OpStatus::Ok).expect_err("disk full");
    assert!(
        matches!(err, HistoryError::Pending { pending: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("kept in memory"), "{err}");
    let _ = h.record(pin("b"), OpStatus::Ok);
    assert_eq!(h.recent(10).len(), 2, "the dashboard still lists them");
    let w = h.write_status();
    assert!(w.failing);
    assert_eq!((w.failed_total, w.pending), (2, 2));
    assert!(h.last_error().is_some());

    std::fs::remove_file(&state).expect("recover");
    h.flush();
    assert!(h.last_error().is_none());
    let on_disk: Vec<_> = query(&state, &Filter::default())
        .expect("query")
        .entries
        .into_iter()
        .filter_map(|e| e.resource)
        .collect();
    assert_eq!(on_disk, ["b", "a"], "newest first, both there");
}
