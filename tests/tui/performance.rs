//! The Performance tab drawn from a fixed `PerfView` (TestBackend snapshots), its empty
//! states, the cursor choosing the latency chart's operation, and the bulk summary sanitised.

use std::sync::Arc;

use crossterm::event::KeyCode;
use ipfs_kit::cache::CacheStats;
use ipfs_kit::model::{OpPerf, PerfView};
use ipfs_kit::perf::bottlenecks::{Bottleneck, Severity};
use ipfs_kit::tui::model::{ListKind, Panel};
use ipfs_kit::tui::{Model, Tab};
use ipfs_kit_widgets::Theme;

use crate::fixtures::{self, now};
use crate::{ch, key, terminal, text};

fn op(name: &str, count: u64, ok: f64, p95: f64, now_p95: f64) -> OpPerf {
    OpPerf {
        operation: name.into(),
        count_1h: count,
        success_rate_1h: ok,
        p50_ms_1h: p95 / 3.0,
        p95_ms_1h: p95,
        p99_ms_1h: p95 * 1.5,
        max_ms_1h: p95 * 2.0,
        p95_ms_now: now_p95,
        p95_per_minute: (0..30)
            .map(|i| (i % 7 != 3).then(|| p95 * (0.5 + f64::from(i % 5) / 4.0)))
            .collect(),
    }
}

pub fn perf_view() -> PerfView {
    PerfView {
        at: Some(now() - chrono::Duration::seconds(3)),
        operations: vec![
            op("kubo.repo/stat", 120, 1.0, 41.0, 38.5),
            op("cluster.pins", 118, 0.95, 22.4, 0.0),
            op("kubo.id", 720, 1.0, 1.8, 1.2),
            op("frame", 3600, 1.0, 0.9, 0.7),
        ],
        cache: CacheStats {
            requests: 2_000,
            hits: 1_700,
            memory_hits: 1_500,
            disk_hits: 200,
            misses: 300,
            hit_rate: 0.85,
            sets: 320,
            memory_entries: 42,
            memory_bytes: 180_000,
            memory_max_bytes: 64 * 1024 * 1024,
            disk_entries: 310,
            disk_bytes: 2_400_000,
            disk_max_bytes: 256 * 1024 * 1024,
            memory_evictions: 3,
            ..CacheStats::default()
        },
        bottlenecks: vec![Bottleneck {
            kind: "slow-endpoint".into(),
            subject: "kubo.repo/stat".into(),
            severity: Severity::Medium,
            observed: "p95 41 ms over the hour".into(),
            recommendation: "raise [collector] repo_stat_interval".into(),
        }],
        last_bulk: Some(serde_json::json!({
            "action": "add",
            "total": 1000,
            "done": 998,
            "failed": 2,
            "seconds": 4.2,
        })),
    }
}

fn with_view(w: u16, h: u16, v: Option<PerfView>) -> Model {
    let mut m = fixtures::model(w, h);
    let mut snap = (*m.snap).clone();
    snap.performance = v.map(Arc::new);
    m.snap = Arc::new(snap);
    ch(&mut m, '9');
    assert_eq!(m.tab, Tab::Performance);
    m
}

#[test]
fn key_9_opens_it_and_the_tab_bar_names_it() {
    let m = with_view(160, 40, Some(perf_view()));
    let s = text(&crate::buffer(&m));
    assert!(s.contains("9 Performance"), "{s}");
}

#[test]
fn shows_operations_cache_bottlenecks_and_bulk() {
    let m = with_view(120, 40, Some(perf_view()));
    let s = text(&crate::buffer(&m));
    for want in [
        "kubo.repo/stat",
        "kubo.id",
        "hit rate 85",
        "memory: 42 entries",
        "disk: 310 entries",
        "raise [collector] repo_stat_interval",
        "failed: 2",
        "p95 kubo.repo/stat",
    ] {
        assert!(s.contains(want), "{want} missing:\n{s}");
    }
}

#[test]
fn the_cursor_picks_the_latency_charts_operation() {
    let mut m = with_view(120, 40, Some(perf_view()));
    // Down from the latency chart focuses the operations list, then moves its cursor.
    key(&mut m, KeyCode::Down);
    assert_eq!(
        m.focus[Tab::Performance.index()],
        Some(Panel::List(ListKind::PerfOps))
    );
    key(&mut m, KeyCode::Down);
    let s = text(&crate::buffer(&m));
    assert!(s.contains("p95 cluster.pins"), "{s}");
}

#[test]
fn empty_states() {
    let s = text(&crate::buffer(&with_view(120, 40, None)));
    assert!(
        s.contains("collecting: the first figures come within 5 s"),
        "{s}"
    );
    let empty = PerfView {
        at: Some(now()),
        ..PerfView::default()
    };
    let s = text(&crate::buffer(&with_view(120, 40, Some(empty))));
    assert!(s.contains("no timed operations yet"), "{s}");
    assert!(s.contains("no bottlenecks"), "{s}");
    assert!(s.contains("no bulk run yet"), "{s}");
}

#[test]
fn the_bulk_summary_is_sanitised() {
    let mut v = perf_view();
    v.last_bulk = Some(serde_json::json!({"source": "evil\u{1b}[2J\u{202e}name\u{7}"}));
    let s = text(&crate::buffer(&with_view(120, 40, Some(v))));
    assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}') && !s.contains('\u{7}'));
    assert!(s.contains("source: evil"), "{s}");
}

#[test]
fn performance_120x40() {
    let m = with_view(120, 40, Some(perf_view()));
    insta::assert_snapshot!("performance_120x40", terminal(&m).backend());
}

#[test]
fn performance_80x24() {
    let m = with_view(80, 24, Some(perf_view()));
    insta::assert_snapshot!("performance_80x24", terminal(&m).backend());
}

#[test]
fn performance_collecting_80x24() {
    let m = with_view(80, 24, None);
    insta::assert_snapshot!("performance_collecting_80x24", terminal(&m).backend());
}

#[test]
fn performance_ascii_120x40() {
    let mut m = with_view(120, 40, Some(perf_view()));
    m.theme = Theme::ascii();
    let s = text(&crate::buffer(&m));
    assert!(s.is_ascii(), "{s}");
}
