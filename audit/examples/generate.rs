//! Writes a seeded audit history (both schemas mixed, labelled anomalies injected) for
//! benchmarks and demos: `cargo run --release -p ipfs-kit-audit --example generate -- EVENTS
//! FILE [SEED]`. The injected anomalies are printed as JSON lines on stderr.

// A developer tool, not part of the binary.
#![allow(clippy::disallowed_macros)]

use std::io::{BufWriter, Write};

use ipfs_kit_audit::generator::{self, GenConfig};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(path)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: generate EVENTS FILE [SEED]");
        std::process::exit(64);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(42);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    let mut result = Ok(());
    let injected = generator::generate(&GenConfig::with_events(seed, n), |e| {
        if result.is_ok() {
            result = generator::write_line(&mut w, &e);
        }
    });
    result?;
    w.flush()?;
    for i in injected {
        eprintln!("{}", serde_json::to_string(&i).unwrap_or_default());
    }
    Ok(())
}
