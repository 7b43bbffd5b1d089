//! Anomaly precision and recall against the seeded generator's labelled injections.
//!
//! A reported anomaly is a true positive when its bucket overlaps an injected anomaly (an
//! injected burst also raises the day's volume of the users in it: that is a real finding);
//! an injection is recalled when an anomaly of its own kind (hour volume up for a burst,
//! down for a silent hour, the user's day for a user gone wild, the action's failure rate for
//! a spike) overlaps it.

// Diagnostics for whoever reads the test log, not the binary's output.
#![allow(clippy::disallowed_macros)]

use ipfs_kit_audit::anomalies::{self, Anomaly, AnomalyConfig, AnomalyKind};
use ipfs_kit_audit::generator::{GenConfig, Injected, InjectedKind, Mix, generate};
use ipfs_kit_audit::index::Loader;

fn overlaps(a: &Anomaly, s: i64, e: i64) -> bool {
    a.bucket_start.timestamp_millis() < e && s < a.bucket_end.timestamp_millis()
}

fn recalled(l: &Injected, found: &[Anomaly]) -> bool {
    found.iter().any(|a| {
        overlaps(a, l.start_ms, l.end_ms)
            && match l.kind {
                InjectedKind::Burst => a.kind == AnomalyKind::HourlyVolume && a.z > 0.0,
                InjectedKind::SilentHour => a.kind == AnomalyKind::HourlyVolume && a.z < 0.0,
                InjectedKind::UserGoneWild => {
                    a.kind == AnomalyKind::UserVolume && a.subject == l.subject
                }
                InjectedKind::FailureSpike => {
                    a.kind == AnomalyKind::FailureRate && a.subject == l.subject
                }
            }
    })
}

#[test]
fn precision_and_recall_over_20_seeds() {
    let (mut tp, mut fp, mut labels, mut hits) = (0usize, 0usize, 0usize, 0usize);
    let mut missed = Vec::new();
    let mut false_pos = Vec::new();
    for seed in 1..=20u64 {
        let mix = [Mix::Both, Mix::OpHistory, Mix::Python][(seed % 3) as usize];
        let cfg = GenConfig {
            seed,
            mix,
            ..GenConfig::default()
        };
        let mut loader = Loader::new();
        // Through JSON for the first seeds (the reader's path), directly for the rest (fast
        // in debug builds; the JSON round trip is tested on its own).
        let mut line = Vec::new();
        let plan = generate(&cfg, |e| {
            if seed <= 2 {
                line.clear();
                ipfs_kit_audit::generator::write_line(&mut line, &e).unwrap();
                loader.read_lines("gen", [std::str::from_utf8(&line).unwrap()]);
            } else {
                loader.push_event(&e);
            }
        });
        let (ix, report) = loader.finish();
        assert_eq!(report.bad_lines, 0);
        let found = anomalies::detect(&ix, 0..ix.len(), &AnomalyConfig::default());
        for a in &found {
            if plan.iter().any(|l| overlaps(a, l.start_ms, l.end_ms)) {
                tp += 1;
            } else {
                fp += 1;
                false_pos.push(format!(
                    "seed {seed}: {:?} {} {:?} z={:.1} {}",
                    a.kind, a.bucket, a.subject, a.z, a.description
                ));
            }
        }
        for l in &plan {
            labels += 1;
            if recalled(l, &found) {
                hits += 1;
            } else {
                missed.push(format!("seed {seed}: {l:?}"));
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = hits as f64 / labels.max(1) as f64;
    println!(
        "anomalies: precision {precision:.3} ({tp} of {}), recall {recall:.3} ({hits} of {labels})",
        tp + fp
    );
    for m in missed.iter().take(20) {
        println!("missed: {m}");
    }
    for f in false_pos.iter().take(20) {
        println!("false positive: {f}");
    }
    // Up to 8 per seed; a few cannot be placed under the planning rules.
    assert!(labels >= 150, "only {labels} injections placed");
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
