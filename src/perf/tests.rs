use std::time::Duration;

use super::*;
use crate::cache::{Cache, CacheSection, Policy};

fn cache(dir: &std::path::Path) -> Cache {
    Cache::open(&CacheSection {
        memory_policy: Policy::Lru,
        path: Some(dir.join("c.redb")),
        ..CacheSection::default()
    })
}

/// The histogram's percentiles against a brute-force nearest-rank percentile of the same
/// samples: within HDR's two significant digits.
#[test]
fn percentiles_match_a_brute_force_computation() {
    let m = Monitor::new();
    let mut samples: Vec<u64> = Vec::new();
    let mut x: u64 = 12345;
    for _ in 0..20_000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // A long tail: 50 µs to ~5 s.
        let us = 50 + (x >> 40) % 1000 * ((x >> 20) % 5000);
        samples.push(us);
        m.record("op", Duration::from_micros(us), true);
    }
    m.roll(i64::MAX);
    let done = m.take_done();
    let minute = &done[0].1["op"];
    samples.sort();
    for p in [0.5, 0.95, 0.99, 1.0] {
        let rank = ((p * samples.len() as f64).ceil() as usize).max(1);
        let want = samples[rank - 1] as f64;
        let got = minute.hist.value_at_quantile(p) as f64;
        assert!(
            (got - want).abs() <= want * 0.01 + 1.0,
            "p{p}: {got} vs {want}"
        );
    }
    assert_eq!(minute.count(), 20_000);
}

#[test]
fn minutes_roll_persist_and_a_second_reader_sees_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let m = Monitor::new();
    for i in 0..100 {
        m.record("kubo.id", Duration::from_millis(1 + i % 10), i % 10 != 0);
    }
    m.record("kubo.repo_stat", Duration::from_millis(300), true);
    {
        let c = cache(dir.path());
        // Nothing is written before the minute is over.
        store::persist(&m, &c);
        assert!(c.scan_range("perf:", "perf;").is_empty());
        m.roll(unix_minute() + 1);
        store::persist(&m, &c);
    }
    // Another process opens the store.
    let c = cache(dir.path());
    let now = unix_minute();
    let ops = store::load(&c, now - 60, now + 2, &[]);
    let t = window::table(window::Timeframe::Hour, &ops);
    assert_eq!(t[0].operation, "kubo.repo_stat");
    let id = t
        .iter()
        .find(|o| o.operation == "kubo.id")
        .expect("kubo.id");
    assert_eq!((id.count, id.failed), (100, 10));
    assert!((id.success_rate - 0.9).abs() < 1e-9);
    assert!(id.max_ms >= 9.9 && id.max_ms <= 10.1, "{id:?}");
}

#[test]
fn a_regression_fires_above_baseline_times_factor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = cache(dir.path());
    let b = baseline::Baseline {
        operation: "kubo.id".into(),
        p50_ms: 1.0,
        p95_ms: 2.0,
        p99_ms: 3.0,
        samples: 1000,
        timeframe: "1h".into(),
        taken_at: chrono::Utc::now(),
    };
    baseline::save(&c, &b);
    let back = baseline::load(&c, "kubo.id").expect("saved");
    assert_eq!(back, b);
    assert_eq!(baseline::all(&c).len(), 1);
    assert!(baseline::check(&back, 2.9, 100, 1.5, 20).is_none());
    let r = baseline::check(&back, 3.1, 100, 1.5, 20).expect("regression");
    assert!((r.ratio - 1.55).abs() < 1e-9);
    assert!(
        baseline::check(&back, 30.0, 5, 1.5, 20).is_none(),
        "too few samples"
    );
}

/// An operation first timed in the minute in progress is in the view at once (with that
/// minute's figures), not only after the minute is written and the hour reread.
#[test]
fn the_view_shows_operations_of_the_minute_in_progress_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = cache(dir.path());
    let m = Monitor::new();
    let now = unix_minute();
    m.record("kubo.id", Duration::from_millis(2), true);
    let mut b = view::ViewBuilder::default();
    let (v, _) = b.step(&m, &c, now);
    assert_eq!(v.operations.len(), 1, "{:?}", v.operations);
    // Timed after the hour was read for this minute: still shown, slowest first.
    m.record("kubo.repo/stat", Duration::from_millis(40), true);
    let (v, _) = b.step(&m, &c, now);
    let names: Vec<&str> = v.operations.iter().map(|o| o.operation.as_str()).collect();
    assert_eq!(names, ["kubo.repo/stat", "kubo.id"]);
    let o = &v.operations[0];
    assert_eq!(o.count_1h, 1);
    assert!(o.p95_ms_now >= 39.0 && o.p95_ms_1h >= 39.0, "{o:?}");
}

/// The whole path a regression takes to an operator: samples timed by the monitor, slower
/// than the saved baseline × 2 → a `regression` bottleneck in the view → the built-in rule
/// `performance_regression` pending, then firing after its 2 minutes; and quiet again once
/// the baseline is taken from the slow figures.
#[test]
fn a_regression_in_the_monitor_fires_the_builtin_alert() {
    use crate::alerts::{AlertEngine, AlertState, Context, builtin_rules};
    let dir = tempfile::tempdir().expect("tempdir");
    let c = cache(dir.path());
    let saved = |p95_ms: f64| {
        baseline::save(
            &c,
            &baseline::Baseline {
                operation: "kubo.id".into(),
                p50_ms: p95_ms / 2.0,
                p95_ms,
                p99_ms: p95_ms,
                samples: 1000,
                timeframe: "1h".into(),
                taken_at: chrono::Utc::now(),
            },
        )
    };
    saved(2.0);
    let m = Monitor::new();
    for _ in 0..100 {
        m.record("kubo.id", Duration::from_millis(10), true);
    }
    let now = unix_minute();
    let mut snap = crate::alerts::test_support::snap();
    let view_of = |b: &mut view::ViewBuilder, snap: &crate::model::Snapshot| {
        let (v, baselines) = b.step(&m, &c, now);
        view::judge(v, snap, &baselines)
    };
    let mut b = view::ViewBuilder::default();
    let v = view_of(&mut b, &snap);
    let reg = v
        .bottlenecks
        .iter()
        .find(|x| x.kind == bottlenecks::REGRESSION)
        .expect("a regression bottleneck");
    assert_eq!(reg.subject, "kubo.id");
    snap.performance = Some(std::sync::Arc::new(v));
    let rules = builtin_rules();
    assert!(rules.iter().any(|r| r.name == "performance_regression"));
    let mut e = AlertEngine::new(rules, Context::default());
    let t0 = chrono::Utc::now();
    e.evaluate(&snap, t0);
    let state = |e: &AlertEngine| {
        e.active()
            .into_iter()
            .find(|a| a.rule == "performance_regression")
            .map(|a| a.state)
    };
    assert_eq!(state(&e), Some(AlertState::Pending));
    e.evaluate(&snap, t0 + chrono::Duration::seconds(121));
    assert_eq!(state(&e), Some(AlertState::Firing));
    let firing = e
        .active()
        .into_iter()
        .find(|a| a.rule == "performance_regression")
        .expect("firing");
    assert!(
        firing.message.starts_with("1 operation(s) slower"),
        "{}",
        firing.message
    );

    // A new baseline from today's figures: no regression; resolved after clear_for.
    saved(10.0);
    let mut b = view::ViewBuilder::default();
    snap.performance = Some(std::sync::Arc::new(view_of(&mut b, &snap)));
    e.evaluate(&snap, t0 + chrono::Duration::seconds(200));
    e.evaluate(&snap, t0 + chrono::Duration::seconds(400));
    assert_eq!(state(&e), None);
}
