//! `cargo run -p ipfs-kit-audit --example cid -- FILE…`: each file's CID as Kubo's `add`
//! with the archiver's parameters gives it, and how long computing it took (BENCHMARKS.md).

#![allow(clippy::disallowed_macros)]

use std::time::Instant;

fn main() {
    for path in std::env::args().skip(1) {
        match std::fs::File::open(&path) {
            Ok(f) => {
                let t = Instant::now();
                match ipfs_kit_audit::chain::header_for_reader(f, "now") {
                    Ok(h) => println!(
                        "{}  {}  {} bytes  {:.1} ms",
                        h.prev_cid,
                        path,
                        h.prev_bytes,
                        t.elapsed().as_secs_f64() * 1000.0
                    ),
                    Err(e) => eprintln!("{path}: {e}"),
                }
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}
