//! Per pattern detector: an event set where it fires and one where it must not.

mod common;
use common::*;

use ipfs_kit_audit::patterns::{self, Pattern, PatternConfig};
use ipfs_kit_audit::{Event, Status};

fn run(events: &[Event]) -> Vec<Pattern> {
    let ix = index(events);
    patterns::detect(&ix, 0..ix.len(), &PatternConfig::default())
}

fn fired(events: &[Event], id: &str) -> Option<Pattern> {
    run(events).into_iter().find(|p| p.id == id)
}

/// `n` events of `user` doing `action`, `gap` apart from `t`.
fn series(
    prefix: &str,
    t: i64,
    gap: i64,
    n: usize,
    f: impl Fn(String, i64) -> Event,
) -> Vec<Event> {
    (0..n)
        .map(|i| f(format!("{prefix}{i}"), t + i as i64 * gap))
        .collect()
}

#[test]
fn repeated_failed_auth() {
    let evs = series("a", T0, M, 4, |id, t| failed(&id, t, "bob", "login"));
    let p = fired(&evs, "repeated_failed_auth").expect("fires");
    assert_eq!(p.occurrences, 4);
    assert_eq!(p.affected_users, ["bob"]);
    assert_eq!(p.sample_event_ids[0], "a0");
    assert!((p.confidence - 4.0 / 6.0).abs() < 1e-9);
    // Spread over hours: never 3 within one hour.
    let evs = series("a", T0, 2 * H, 4, |id, t| failed(&id, t, "bob", "login"));
    assert!(fired(&evs, "repeated_failed_auth").is_none());
}

#[test]
fn off_hours_activity() {
    let mut evs = series("d", T0, M, 10, |id, t| ok(&id, t, "ann", "read"));
    evs.extend(series("n", T0 + 11 * H, M, 3, |id, t| {
        ok(&id, t, "ann", "read")
    })); // 23:00
    let p = fired(&evs, "off_hours_activity").expect("fires");
    assert_eq!(p.occurrences, 3);
    assert_eq!(p.sample_event_ids, ["n0", "n1", "n2"]);
    let evs = series("d", T0, M, 10, |id, t| ok(&id, t, "ann", "read"));
    assert!(fired(&evs, "off_hours_activity").is_none());
}

#[test]
fn high_frequency_action() {
    // Background: one read per 10 minutes for a day; then 30 reads in one minute.
    let mut evs = series("b", T0 - 12 * H, 10 * M, 144, |id, t| {
        ok(&id, t, "ann", "read")
    });
    evs.extend(series("x", T0 + 30 * M + 1, S, 30, |id, t| {
        ok(&id, t, "ann", "read")
    }));
    let p = fired(&evs, "high_frequency_action").expect("fires");
    assert_eq!(p.key, "read");
    assert!(p.occurrences >= 30);
    let evs = series("b", T0 - 12 * H, 10 * M, 144, |id, t| {
        ok(&id, t, "ann", "read")
    });
    assert!(fired(&evs, "high_frequency_action").is_none());
}

#[test]
fn burst_after_idle() {
    let mut evs = vec![ok("e0", T0, "cat", "read")];
    evs.extend(series("b", T0 + 3 * H, 10 * S, 12, |id, t| {
        ok(&id, t, "cat", "read")
    }));
    let p = fired(&evs, "burst_after_idle").expect("fires");
    assert_eq!(p.occurrences, 1);
    assert_eq!(p.sample_event_ids[0], "b0");
    // Same events without the idle gap.
    let mut evs = series("s", T0, 10 * M, 18, |id, t| ok(&id, t, "cat", "read"));
    evs.extend(series("b", T0 + 3 * H, 10 * S, 12, |id, t| {
        ok(&id, t, "cat", "read")
    }));
    assert!(fired(&evs, "burst_after_idle").is_none());
}

#[test]
fn operation_failing_repeatedly() {
    let evs = series("f", T0, M, 3, |id, t| {
        on(failed(&id, t, "ann", "backend.sync"), "s3")
    });
    let p = fired(&evs, "operation_failing_repeatedly").expect("fires");
    assert_eq!(p.key, "backend.sync on s3");
    // Different resources each time.
    let evs: Vec<Event> = (0..3)
        .map(|i| {
            on(
                failed(&format!("f{i}"), T0 + i * M, "ann", "backend.sync"),
                &format!("r{i}"),
            )
        })
        .collect();
    assert!(fired(&evs, "operation_failing_repeatedly").is_none());
}

#[test]
fn daemon_crash_loop() {
    let evs = series("c", T0, M, 3, |id, t| {
        daemon(failed(&id, t, "root", "daemon.crash"), "kubo")
    });
    let p = fired(&evs, "daemon_crash_loop").expect("fires");
    assert_eq!(p.key, "kubo");
    let mut evs = evs;
    evs.push(daemon(
        failed("g", T0 + 4 * M, "root", "daemon.give-up"),
        "kubo",
    ));
    assert_eq!(fired(&evs, "daemon_crash_loop").unwrap().confidence, 1.0);
    // Crashes an hour apart are not a loop.
    let evs = series("c", T0, H, 3, |id, t| {
        daemon(failed(&id, t, "root", "daemon.crash"), "kubo")
    });
    assert!(fired(&evs, "daemon_crash_loop").is_none());
}

#[test]
fn config_churn() {
    let evs = series("c", T0, H, 6, |id, t| {
        ok(
            &id,
            t,
            "root",
            if t % (2 * H) == 0 {
                "config.save"
            } else {
                "wizard.run"
            },
        )
    });
    let p = fired(&evs, "config_churn").expect("fires");
    assert_eq!(p.occurrences, 6);
    let evs = series("c", T0, 6 * H, 6, |id, t| ok(&id, t, "root", "config.save"));
    assert!(fired(&evs, "config_churn").is_none());
}

#[test]
fn pin_flapping() {
    let evs = series("p", T0, M, 4, |id, t| {
        let action = if (t - T0) / M % 2 == 0 {
            "pin.add"
        } else {
            "pin.remove"
        };
        cid(ok(&id, t, "root", action), "bafyflap")
    });
    let p = fired(&evs, "pin_flapping").expect("fires");
    assert_eq!(p.key, "bafyflap");
    assert_eq!(p.occurrences, 3);
    // Pinned again and again (no unpin): not flapping.
    let evs = series("p", T0, M, 4, |id, t| {
        cid(ok(&id, t, "root", "pin.add"), "bafyflap")
    });
    assert!(fired(&evs, "pin_flapping").is_none());
}

#[test]
fn wide_resource_access() {
    let mut evs = Vec::new();
    for u in ["a", "b", "c"] {
        evs.extend(series(u, T0, M, 3, |id, t| {
            on(ok(&id, t, u, "read"), &format!("{u}-{}", t % 7))
        }));
    }
    let quiet = evs.clone();
    evs.extend((0..15).map(|i| {
        on(
            ok(&format!("w{i}"), T0 + i * S, "wild", "read"),
            &format!("file-{i}"),
        )
    }));
    let p = fired(&evs, "wide_resource_access").expect("fires");
    assert_eq!(p.key, "wild");
    assert_eq!(p.occurrences, 15);
    assert!(fired(&quiet, "wide_resource_access").is_none());
}

#[test]
fn error_cascade() {
    let evs = vec![
        sub(failed("e1", T0, "root", "source.down"), "kubo"),
        sub(failed("e2", T0 + 30 * S, "root", "daemon.crash"), "cluster"),
        sub(failed("e3", T0 + 60 * S, "root", "pin.add"), "pin"),
    ];
    let p = fired(&evs, "error_cascade").expect("fires");
    assert_eq!(p.key, "kubo → cluster → pin");
    assert_eq!(p.sample_event_ids, ["e1", "e2", "e3"]);
    let evs = vec![
        sub(failed("e1", T0, "root", "source.down"), "kubo"),
        sub(failed("e2", T0 + 30 * S, "root", "daemon.crash"), "cluster"),
        sub(failed("e3", T0 + 60 * M, "root", "pin.add"), "pin"),
    ];
    assert!(fired(&evs, "error_cascade").is_none());
}

#[test]
fn failures_then_success() {
    let mut evs = series("f", T0, 10 * S, 4, |id, t| failed(&id, t, "eve", "login"));
    evs.push(ok("s", T0 + M, "eve", "login"));
    let p = fired(&evs, "failures_then_success").expect("fires");
    assert_eq!(p.key, "eve login");
    assert_eq!(p.sample_event_ids, ["f0", "f1", "f2", "f3", "s"]);
    assert_eq!(p.confidence, 4.0 / 6.0);
    // Two failures only.
    let mut evs = series("f", T0, 10 * S, 2, |id, t| failed(&id, t, "eve", "login"));
    evs.push(ok("s", T0 + M, "eve", "login"));
    assert!(fired(&evs, "failures_then_success").is_none());
}

#[test]
fn out_of_order_actions() {
    let mut evs = Vec::new();
    for k in 0..25 {
        let t = T0 + k * H;
        evs.push(session(
            ok(&format!("s{k}"), t, "ann", "daemon.start"),
            &format!("run{k}"),
        ));
        evs.push(session(
            ok(&format!("t{k}"), t + M, "ann", "daemon.stop"),
            &format!("run{k}"),
        ));
    }
    let usual = evs.clone();
    evs.push(session(ok("x1", T0 + 30 * H, "ann", "daemon.stop"), "odd"));
    evs.push(session(
        ok("x2", T0 + 30 * H + M, "ann", "daemon.start"),
        "odd",
    ));
    let p = fired(&evs, "out_of_order_actions").expect("fires");
    assert_eq!(p.key, "daemon.stop → daemon.start");
    assert_eq!(p.sample_event_ids, ["x1", "x2"]);
    assert!(fired(&usual, "out_of_order_actions").is_none());
}

#[test]
fn confidence_filter_and_stable_ids() {
    let evs = series("a", T0, M, 3, |id, t| failed(&id, t, "bob", "login"));
    let ix = index(&evs);
    let all = patterns::detect(&ix, 0..ix.len(), &PatternConfig::default());
    assert!(
        all.iter()
            .any(|p| p.id == "repeated_failed_auth" && p.confidence == 0.5)
    );
    let cfg = PatternConfig {
        min_confidence: 0.6,
        ..PatternConfig::default()
    };
    assert!(
        patterns::detect(&ix, 0..ix.len(), &cfg)
            .iter()
            .all(|p| p.confidence >= 0.6)
    );
    let ids: Vec<&str> = patterns::DETECTORS.iter().map(|d| d.0).collect();
    assert_eq!(ids.len(), 12);
    for p in &all {
        assert!(ids.contains(&p.id));
    }
    let _ = Status::Ok;
}
