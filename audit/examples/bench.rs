//! Times load + full analysis on generated histories of 100k and 1M events (both schemas
//! mixed), and a correlation query. Run: `cargo run --release -p ipfs-kit-audit --example
//! bench [N ...]`. The JSONL files are written to the system temp dir once and reused.

// A developer tool (bench figures, a look at real files), not part of the binary.
#![allow(clippy::disallowed_macros)]

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use ipfs_kit_audit::anomalies::{self, AnomalyConfig};
use ipfs_kit_audit::compliance::{self, Policy};
use ipfs_kit_audit::correlate;
use ipfs_kit_audit::generator::{self, GenConfig};
use ipfs_kit_audit::index::Loader;
use ipfs_kit_audit::patterns::{self, PatternConfig};
use ipfs_kit_audit::report::{self, Format, Input, ReportKind};
use ipfs_kit_audit::stats::{self, GroupBy};
use ipfs_kit_audit::time::Local;
use ipfs_kit_audit::trends::{self, Metric, Period};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// CPU time (user + system) of this process so far, in ms: on a shared machine, wall time
/// also counts the time other processes had the cores.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // Clock ticks are 100 per second on Linux.
    (tick(11) + tick(12)) * 10.0
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() -> std::io::Result<()> {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    for n in sizes {
        let path = std::env::temp_dir().join(format!("ipfs-kit-audit-bench-{n}.jsonl"));
        if !path.exists() {
            let t = Instant::now();
            let mut w = BufWriter::new(File::create(&path)?);
            let mut count = 0u64;
            generator::generate(&GenConfig::with_events(42, n), |e| {
                count += 1;
                let _ = generator::write_line(&mut w, &e);
            });
            w.flush()?;
            eprintln!(
                "generated {count} events into {} in {:.0} ms",
                path.display(),
                ms(t)
            );
        }
        let bytes = std::fs::metadata(&path)?.len();
        let t_all = Instant::now();
        let cpu0 = cpu_ms();
        let t = Instant::now();
        let mut loader = Loader::new();
        loader.read(
            &path.display().to_string(),
            BufReader::with_capacity(1 << 20, File::open(&path)?),
        )?;
        let (read_ms, read_cpu) = (ms(t), cpu_ms() - cpu0);
        let (ix, rep) = loader.finish();
        eprintln!("  read {read_ms:.0} ms (cpu {read_cpu:.0} ms), then index");
        let load = ms(t);
        let cpu_load = cpu_ms() - cpu0;
        let all = 0..ix.len();
        let t = Instant::now();
        let pats = patterns::detect(&ix, all.clone(), &PatternConfig::default());
        let t_pat = ms(t);
        let t = Instant::now();
        let anoms = anomalies::detect(&ix, all.clone(), &AnomalyConfig::default());
        let t_an = ms(t);
        let t = Instant::now();
        for g in [GroupBy::EventType, GroupBy::Action, GroupBy::User] {
            std::hint::black_box(stats::group(&ix, all.clone(), &g));
        }
        let t_stats = ms(t);
        let t = Instant::now();
        for m in [
            Metric::EventCount,
            Metric::FailedAuth,
            Metric::Failures,
            Metric::UniqueUsers,
        ] {
            for p in [Period::Hourly, Period::Daily, Period::Weekly] {
                std::hint::black_box(trends::trend(&ix, all.clone(), m, p, Local::UTC));
            }
        }
        let t_tr = ms(t);
        let analysed = ms(t_all);
        let cpu_all = cpu_ms() - cpu0;
        // Correlation: mean over 1000 events spread over the history.
        let t = Instant::now();
        let q = 1000usize;
        let mut found = 0;
        for k in 0..q {
            let i = k * ix.len() / q;
            found += correlate::correlate(&ix, i, correlate::DEFAULT_WINDOW_MS, 0.5, 100).len();
        }
        let t_corr = ms(t) / q as f64;
        let t = Instant::now();
        for k in 0..q {
            let i = k * ix.len() / q;
            std::hint::black_box(correlate::causation(&ix, i, correlate::DEFAULT_DEPTH));
            std::hint::black_box(correlate::impact(&ix, i, 600_000));
        }
        let t_cause = ms(t) / q as f64;
        let policy_src = include_str!("../../assets/audit-policy.example.toml");
        let policy =
            Policy::parse("audit-policy.example.toml", policy_src).expect("sample policy parses");
        let now = ix.last_time().unwrap_or(0);
        let t = Instant::now();
        let comp = compliance::evaluate(&ix, all.clone(), &policy, Local::UTC, now, 100);
        let t_comp = ms(t);
        let t = Instant::now();
        let input = Input {
            ix: &ix,
            range: all.clone(),
            local: Local::UTC,
            now_ms: now,
            policy: Some(&policy),
            operation_id: None,
            anomaly: AnomalyConfig::default(),
            max_violations: 100,
        };
        let html = report::render(
            &report::build(ReportKind::Activity, &input).expect("activity"),
            Format::Html,
        );
        let t_rep = ms(t);
        println!(
            "{n} events ({:.0} MB, {} read, {} bad): load {load:.0} ms (cpu {cpu_load:.0} ms); patterns {t_pat:.0} ms ({} findings); anomalies {t_an:.0} ms ({}); stats×3 {t_stats:.0} ms; trends×12 {t_tr:.0} ms; load+analysis {analysed:.0} ms (cpu {cpu_all:.0} ms, both threads); correlate {:.3} ms/query ({found} related in {q}); causation+impact {:.3} ms/query; compliance {t_comp:.0} ms (score {:.1}); html report {t_rep:.0} ms ({} KB); peak RSS {:.0} MiB",
            bytes as f64 / 1e6,
            rep.events,
            rep.bad_lines,
            pats.len(),
            anoms.len(),
            t_corr,
            t_cause,
            comp.score,
            html.len() / 1024,
            peak_rss_mib()
        );
    }
    Ok(())
}
