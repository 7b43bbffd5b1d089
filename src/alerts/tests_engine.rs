use std::time::Duration;

use super::test_support::*;
use super::*;
use crate::model::{RepoStats, SourceState};

fn rule(metric: &str, op: Op, warning: Option<f64>, critical: Option<f64>) -> Rule {
    Rule {
        name: "r".into(),
        metric: metric.parse().unwrap_or_else(|e| panic!("{e}")),
        op,
        warning,
        critical,
        for_duration: Duration::ZERO,
        clear_for: Duration::ZERO,
        hysteresis: 0.0,
        message: "{name} {value} vs {threshold}".into(),
        builtin: false,
    }
}

fn cpu_rule() -> Rule {
    rule("host.cpu_percent", Op::Ge, Some(80.0), Some(95.0))
}

fn engine(rules: Vec<Rule>) -> AlertEngine {
    AlertEngine::new(rules, Context::default())
}

fn kinds(events: &[AlertEvent]) -> Vec<AlertEventKind> {
    events.iter().map(|e| e.kind).collect()
}

fn only(e: &AlertEngine) -> Alert {
    let a = e.active();
    assert_eq!(a.len(), 1, "{a:?}");
    a[0].clone()
}

#[test]
fn rising_threshold_fires_escalates_deescalates_resolves() {
    let mut e = engine(vec![cpu_rule()]);
    assert!(e.evaluate(&cpu(79.0), at(0)).is_empty());
    assert!(e.active().is_empty());

    let ev = e.evaluate(&cpu(80.0), at(1));
    assert_eq!(kinds(&ev), [AlertEventKind::Fired]);
    let a = &ev[0].alert;
    assert_eq!(
        (a.severity, a.state, a.threshold),
        (Severity::Warning, AlertState::Firing, 80.0)
    );
    assert_eq!(a.message, "r 80 vs 80");
    assert_eq!(a.fired_at, Some(at(1)));

    let ev = e.evaluate(&cpu(96.0), at(2));
    assert_eq!(kinds(&ev), [AlertEventKind::Escalated]);
    assert_eq!(ev[0].alert.severity, Severity::Critical);
    assert_eq!(ev[0].alert.threshold, 95.0);

    let ev = e.evaluate(&cpu(85.0), at(3));
    assert_eq!(kinds(&ev), [AlertEventKind::Deescalated]);
    assert_eq!(only(&e).severity, Severity::Warning);

    let ev = e.evaluate(&cpu(10.0), at(5));
    assert_eq!(kinds(&ev), [AlertEventKind::Resolved]);
    let a = &ev[0].alert;
    assert_eq!(
        (a.state, a.resolved_at, a.duration_secs),
        (AlertState::Resolved, Some(at(5)), 4)
    );
    assert_eq!(a.peak, 96.0);
    assert!(e.active().is_empty());
}

#[test]
fn falling_threshold_fires_below_and_tracks_the_lowest_peak() {
    let mut e = engine(vec![rule("kubo.peers", Op::Lt, Some(5.0), Some(2.0))]);
    assert!(e.evaluate(&peers(5), at(0)).is_empty());
    assert_eq!(
        kinds(&e.evaluate(&peers(4), at(1))),
        [AlertEventKind::Fired]
    );
    assert_eq!(
        kinds(&e.evaluate(&peers(1), at(2))),
        [AlertEventKind::Escalated]
    );
    e.evaluate(&peers(3), at(3));
    assert_eq!(only(&e).peak, 1.0);
    assert_eq!(only(&e).value, Some(3.0));
    assert_eq!(
        kinds(&e.evaluate(&peers(6), at(4))),
        [AlertEventKind::Resolved]
    );
}

#[test]
fn strict_and_inclusive_ops_differ_at_the_threshold() {
    let mut gt = engine(vec![rule("host.cpu_percent", Op::Gt, Some(80.0), None)]);
    assert!(gt.evaluate(&cpu(80.0), at(0)).is_empty());
    let mut le = engine(vec![rule("kubo.peers", Op::Le, Some(2.0), None)]);
    assert_eq!(
        kinds(&le.evaluate(&peers(2), at(0))),
        [AlertEventKind::Fired]
    );
}

#[test]
fn for_duration_keeps_an_alert_pending_and_a_blip_never_fires() {
    let mut r = cpu_rule();
    r.for_duration = Duration::from_secs(60);
    let mut e = engine(vec![r]);
    assert!(e.evaluate(&cpu(90.0), at(0)).is_empty());
    let a = only(&e);
    assert_eq!((a.state, a.started_at), (AlertState::Pending, at(0)));
    assert_eq!(e.worst_firing(), None);
    // Cleared before `for`: dropped without an event.
    assert!(e.evaluate(&cpu(50.0), at(30)).is_empty());
    assert!(e.active().is_empty());

    assert!(e.evaluate(&cpu(90.0), at(40)).is_empty());
    assert!(e.evaluate(&cpu(97.0), at(99)).is_empty());
    assert_eq!(only(&e).severity, Severity::Critical);
    let ev = e.evaluate(&cpu(91.0), at(100));
    assert_eq!(kinds(&ev), [AlertEventKind::Fired]);
    // Fires at the level it has when `for` elapses; the start is the first breach.
    let a = &ev[0].alert;
    assert_eq!(
        (a.severity, a.started_at, a.fired_at),
        (Severity::Warning, at(40), Some(at(100)))
    );
    assert_eq!(a.peak, 97.0);
    assert_eq!(e.worst_firing(), Some(Severity::Warning));
}

#[test]
fn missing_data_drops_pending_and_holds_firing() {
    let mut r = cpu_rule();
    r.for_duration = Duration::from_secs(10);
    let mut e = engine(vec![r]);
    let mut down = cpu(90.0);
    down.host.state = SourceState::Down;
    down.host.stale = true;

    e.evaluate(&cpu(90.0), at(0));
    e.evaluate(&down, at(5));
    assert!(e.active().is_empty(), "pending needs unbroken data");

    e.evaluate(&cpu(90.0), at(10));
    assert_eq!(
        kinds(&e.evaluate(&cpu(90.0), at(20))),
        [AlertEventKind::Fired]
    );
    assert!(e.evaluate(&down, at(100)).is_empty());
    let a = only(&e);
    assert_eq!((a.state, a.duration_secs), (AlertState::Firing, 90));
}

#[test]
fn clear_for_delays_resolution() {
    let mut r = cpu_rule();
    r.clear_for = Duration::from_secs(30);
    let mut e = engine(vec![r]);
    e.evaluate(&cpu(85.0), at(0));
    assert!(e.evaluate(&cpu(50.0), at(10)).is_empty());
    // Back above before clear_for: the clock starts again.
    assert!(e.evaluate(&cpu(85.0), at(20)).is_empty());
    assert!(e.evaluate(&cpu(50.0), at(30)).is_empty());
    assert!(e.evaluate(&cpu(50.0), at(59)).is_empty());
    assert_eq!(
        kinds(&e.evaluate(&cpu(50.0), at(60))),
        [AlertEventKind::Resolved]
    );
}

#[test]
fn clear_for_delays_deescalation_but_not_escalation() {
    let mut r = cpu_rule();
    r.clear_for = Duration::from_secs(30);
    let mut e = engine(vec![r]);
    e.evaluate(&cpu(85.0), at(0));
    assert_eq!(
        kinds(&e.evaluate(&cpu(99.0), at(1))),
        [AlertEventKind::Escalated]
    );
    assert!(e.evaluate(&cpu(85.0), at(2)).is_empty());
    assert_eq!(only(&e).severity, Severity::Critical);
    assert_eq!(
        kinds(&e.evaluate(&cpu(85.0), at(32))),
        [AlertEventKind::Deescalated]
    );
    // Dropping below warning later resolves after its own clear_for.
    assert!(e.evaluate(&cpu(10.0), at(33)).is_empty());
    assert_eq!(
        kinds(&e.evaluate(&cpu(10.0), at(63))),
        [AlertEventKind::Resolved]
    );
}

#[test]
fn hysteresis_holds_a_level_near_its_threshold() {
    let mut r = cpu_rule();
    r.hysteresis = 5.0;
    let mut e = engine(vec![r]);
    e.evaluate(&cpu(81.0), at(0));
    assert!(
        e.evaluate(&cpu(76.0), at(1)).is_empty(),
        "76 is within 5 of 80"
    );
    assert_eq!(only(&e).state, AlertState::Firing);
    e.evaluate(&cpu(96.0), at(2));
    assert!(
        e.evaluate(&cpu(91.0), at(3)).is_empty(),
        "91 holds critical (95 - 5)"
    );
    assert_eq!(only(&e).severity, Severity::Critical);
    assert_eq!(
        kinds(&e.evaluate(&cpu(89.0), at(4))),
        [AlertEventKind::Deescalated]
    );
    assert_eq!(
        kinds(&e.evaluate(&cpu(74.0), at(5))),
        [AlertEventKind::Resolved]
    );
    // Entering needs the full threshold.
    assert!(e.evaluate(&cpu(79.0), at(6)).is_empty());
    assert!(e.active().is_empty());
}

#[test]
fn acknowledgement_lasts_until_resolved() {
    let mut e = engine(vec![cpu_rule()]);
    e.evaluate(&cpu(85.0), at(0));
    let id = only(&e).id;
    let ev = e.acknowledge(&id, at(1)).expect("known id");
    assert_eq!(ev.map(|e| e.kind), Some(AlertEventKind::Acknowledged));
    assert!(matches!(e.acknowledge(&id, at(2)), Ok(None)));
    e.evaluate(&cpu(99.0), at(3));
    let a = only(&e);
    assert!(a.acknowledged, "escalation keeps the acknowledgement");
    assert_eq!(a.acknowledged_at, Some(at(1)));
    let ev = e.evaluate(&cpu(10.0), at(4));
    assert!(ev[0].alert.acknowledged);
    e.evaluate(&cpu(85.0), at(5));
    let again = only(&e);
    assert!(!again.acknowledged);
    assert_ne!(again.id, id);
    let err = e.acknowledge(&id, at(6)).unwrap_err();
    assert!(err.to_string().contains(&id), "{err}");
}

#[test]
fn active_is_sorted_by_severity_then_start() {
    let mut a = cpu_rule();
    a.name = "cpu".into();
    let mut b = rule("kubo.peers", Op::Lt, Some(5.0), Some(1.0));
    b.name = "peers".into();
    let mut c = rule("host.memory_percent", Op::Ge, Some(20.0), None);
    c.name = "mem".into();
    let mut e = engine(vec![a, b, c]);
    let mut s = peers(3);
    e.evaluate(&s, at(0)); // mem (25%) and peers warn
    if let Some(h) = s.host.data.as_mut() {
        h.cpu_percent = 99.0;
    }
    e.evaluate(&s, at(1)); // cpu critical
    let names: Vec<String> = e.active().into_iter().map(|a| a.rule).collect();
    assert_eq!(names, ["cpu", "mem", "peers"]);
    assert_eq!(e.worst_firing(), Some(Severity::Critical));
}

#[test]
fn restore_and_rule_changes() {
    let mut e = engine(vec![cpu_rule()]);
    let fired = e.evaluate(&cpu(90.0), at(0)).remove(0).alert;
    let _ = e.acknowledge(&fired.id, at(1));
    let held = e.active();

    // A new process: the alert carries on with its id and acknowledgement.
    let mut e2 = engine(vec![cpu_rule()]);
    assert!(e2.restore(held.clone(), at(10)).is_empty());
    assert!(
        e2.evaluate(
            &crate::model::Snapshot::empty("k".into(), "c".into(), true),
            at(11)
        )
        .is_empty()
    );
    assert_eq!(only(&e2).id, fired.id);
    assert!(only(&e2).acknowledged);
    assert_eq!(
        kinds(&e2.evaluate(&cpu(10.0), at(12))),
        [AlertEventKind::Resolved]
    );

    // Its rule is gone: resolved on restore, or on a rule change.
    let mut e3 = engine(vec![]);
    assert_eq!(kinds(&e3.restore(held, at(20))), [AlertEventKind::Resolved]);
    assert_eq!(
        kinds(&e.set_rules(vec![], at(30))),
        [AlertEventKind::Resolved]
    );
    assert!(e.active().is_empty());
}

#[test]
fn builtins_report_a_full_repo_and_a_down_kubo_in_one_pass() {
    let mut e = engine(builtin_rules());
    let mut s = snap();
    if let Some(k) = s.kubo.data.as_mut() {
        k.repo = Some(RepoStats {
            usage_ratio: Some(0.85),
            ..Default::default()
        });
        k.peers = Some(0);
    }
    let ev = e.evaluate(&s, at(0));
    let fired: Vec<(&str, Severity)> = ev
        .iter()
        .map(|e| (e.alert.rule.as_str(), e.alert.severity))
        .collect();
    assert_eq!(fired, [("kubo_repo_usage", Severity::Warning)]);
    assert!(
        ev[0]
            .alert
            .message
            .starts_with("Kubo repo at 85% of StorageMax"),
        "{}",
        ev[0].alert.message
    );
    // Zero peers is only pending: a one-shot run does not report it.
    assert!(
        e.active()
            .iter()
            .any(|a| a.rule == "kubo_peers_low" && a.state == AlertState::Pending)
    );

    let mut e = engine(builtin_rules());
    let mut down = snap();
    down.kubo.state = SourceState::Down;
    let ev = e.evaluate(&down, at(0));
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(
        (ev[0].alert.rule.as_str(), ev[0].alert.severity),
        ("source_kubo_down", Severity::Critical)
    );
}

#[test]
fn builtin_queue_alert_counts_minutes_of_a_non_empty_queue() {
    let mut e = engine(builtin_rules());
    let queued = pin_status(&[("pinned", 3), ("pinning", 1)]);
    assert!(e.evaluate(&queued, at(0)).is_empty());
    assert!(e.evaluate(&queued, at(29 * 60)).is_empty());
    let ev = e.evaluate(&queued, at(30 * 60));
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(
        (ev[0].alert.rule.as_str(), ev[0].alert.value),
        ("cluster_pins_queued_too_long", Some(30.0))
    );
    let ev = e.evaluate(&pin_status(&[("pinned", 4)]), at(31 * 60));
    assert_eq!(kinds(&ev), [AlertEventKind::Resolved]);
}

#[test]
fn daemon_hook_drives_the_builtin_daemon_rules() {
    let mut e = engine(builtin_rules());
    e.context_mut().daemons.insert(
        "kubo".into(),
        DaemonFacts {
            crashed: true,
            restart_budget_exhausted: true,
        },
    );
    let ev = e.evaluate(&snap(), at(0));
    let mut fired: Vec<&str> = ev.iter().map(|e| e.alert.rule.as_str()).collect();
    fired.sort();
    assert_eq!(fired, ["daemon_kubo_crashed", "daemon_kubo_restart_budget"]);
}
