//! Smoke run over real files: `cargo run -p ipfs-kit-audit --example summary -- FILE...`.
// A developer tool (bench figures, a look at real files), not part of the binary.
#![allow(clippy::disallowed_macros)]

use ipfs_kit_audit::{Loader, anomalies, correlate, patterns, stats};
fn main() {
    let mut l = Loader::new();
    for f in std::env::args().skip(1) {
        let file = std::fs::File::open(&f).expect("open");
        l.read(&f, std::io::BufReader::new(file)).expect("read");
    }
    let (ix, rep) = l.finish();
    println!("{}", serde_json::to_string(&rep).unwrap());
    let s = stats::group(&ix, 0..ix.len(), &stats::GroupBy::Action);
    for g in s.groups.iter().take(8) {
        println!(
            "{} {} fail {:.2} p50 {:?}",
            g.key, g.count, g.failure_rate, g.duration_p50_ms
        );
    }
    for p in patterns::detect(&ix, 0..ix.len(), &Default::default()) {
        println!(
            "pattern {} {} {:.2} {}",
            p.id, p.key, p.confidence, p.description
        );
    }
    for a in anomalies::detect(&ix, 0..ix.len(), &Default::default())
        .iter()
        .take(5)
    {
        println!("anomaly {:?} {} {}", a.kind, a.bucket, a.description);
    }
    if let Some(i) = (0..ix.len()).rev().find(|&i| ix.recs[i].failed()) {
        let c = correlate::causation(&ix, i, 10);
        println!(
            "causation of {}: {:.2} {}",
            ix.event_id(i),
            c.confidence,
            c.explanation
        );
    }
}
