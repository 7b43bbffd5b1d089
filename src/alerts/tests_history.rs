use std::io::Write;
use std::time::Duration;

use super::test_support::*;
use super::*;

fn cpu_engine() -> AlertEngine {
    let rule = Rule {
        name: "cpu".into(),
        metric: Metric::HostCpuPercent,
        op: Op::Ge,
        warning: Some(80.0),
        critical: Some(95.0),
        for_duration: Duration::ZERO,
        clear_for: Duration::ZERO,
        hysteresis: 0.0,
        message: "cpu {value}%".into(),
        builtin: false,
    };
    AlertEngine::new(vec![rule], Context::default())
}

#[test]
fn round_trip_and_restore_after_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut e = cpu_engine();
    let (mut h, warnings) = AlertHistory::open(dir.path(), 100).expect("open");
    assert!(warnings.is_empty());
    let mut written = e.evaluate(&cpu(90.0), at(0));
    let id = written[0].alert.id.clone();
    written.extend(e.acknowledge(&id, at(1)).expect("ack"));
    written.extend(e.evaluate(&cpu(99.0), at(2)));
    h.append(&written).expect("append");
    drop(h);

    let (mut h, warnings) = AlertHistory::open(dir.path(), 100).expect("reopen");
    assert!(warnings.is_empty(), "{warnings:?}");
    let back: Vec<AlertEvent> = h.recent().cloned().collect();
    let mut expected = written.clone();
    expected.reverse();
    assert_eq!(back, expected);

    let unresolved = h.take_unresolved();
    assert_eq!(unresolved.len(), 1);
    assert_eq!(unresolved[0].severity, Severity::Critical);
    let mut e2 = cpu_engine();
    assert!(e2.restore(unresolved, at(3)).is_empty());
    let ev = e2.evaluate(&cpu(10.0), at(4));
    assert_eq!(ev[0].alert.id, id);
    assert!(ev[0].alert.acknowledged);
    h.append(&ev).expect("append resolved");
    drop(h);
    let (mut h, _) = AlertHistory::open(dir.path(), 2).expect("reopen");
    assert!(h.take_unresolved().is_empty());
    assert_eq!(h.recent().count(), 2, "capacity bounds memory");
}

#[test]
fn torn_last_line_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut e = cpu_engine();
    let (mut h, _) = AlertHistory::open(dir.path(), 100).expect("open");
    let fired = e.evaluate(&cpu(90.0), at(0));
    h.append(&fired).expect("append");
    drop(h);
    let path = dir.path().join("alerts.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open file");
    f.write_all(b"{\"at\":\"2026-01-02T03:").expect("tear");
    drop(f);

    let (mut h, warnings) = AlertHistory::open(dir.path(), 100).expect("reopen");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, 2);
    assert!(
        warnings[0].to_string().contains("torn last line"),
        "{}",
        warnings[0]
    );
    assert_eq!(h.recent().count(), 1);
    // The next append starts on its own line; only the torn one stays lost.
    let resolved = e.evaluate(&cpu(10.0), at(1));
    h.append(&resolved).expect("append");
    drop(h);
    let (h, warnings) = AlertHistory::open(dir.path(), 100).expect("reopen");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].message.starts_with("damaged line"),
        "{}",
        warnings[0]
    );
    assert_eq!(h.recent().count(), 2);
}
