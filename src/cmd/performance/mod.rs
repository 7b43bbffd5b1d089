//! `ipfs-kit performance`: the cache, the performance monitor's figures (written each minute
//! by the running dashboard or `supervise` into the cache's store), baselines, bottlenecks
//! and a profiler of real calls. Tables on stdout; `--json` is one document.

mod args;
mod resources;

pub use args::PerfAction;

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use crate::cache::{Cache, CacheStats, Tier};
use crate::cmd::UsageError;
use crate::config::Config;
use crate::perf::baseline::{self, Baseline};
use crate::perf::bottlenecks;
use crate::perf::store::PROCESS_STATS;
use crate::perf::window::{self, OpMetrics, Timeframe};
use crate::perf::{self, store};
use crate::term;

fn print_json(out: &mut (dyn Write + Send), v: &impl Serialize) -> anyhow::Result<u8> {
    term::json::write_pretty(out, v)?;
    writeln!(out)?;
    Ok(0)
}

macro_rules! out {
    ($w:expr, $($arg:tt)*) => { term::line($w, format_args!($($arg)*))? };
}

#[derive(Serialize)]
struct ProcessCache {
    pid: u32,
    stats: CacheStats,
}

#[derive(Serialize)]
struct CacheReport {
    /// This command's own view of the store (entries, bytes, file).
    store: CacheStats,
    /// Each running ipfs-kit's counters and memory tier, as it last reported them.
    processes: Vec<ProcessCache>,
}

fn processes(cache: &Cache) -> Vec<ProcessCache> {
    cache
        .scan_range(PROCESS_STATS, "perf-cache-stats;")
        .into_iter()
        .filter_map(|(k, v)| {
            Some(ProcessCache {
                pid: k.strip_prefix(PROCESS_STATS)?.parse().ok()?,
                stats: serde_json::from_slice(&v).ok()?,
            })
        })
        .filter(|p| p.pid != std::process::id())
        .collect()
}

fn window_ops(cache: &Cache, tf: Timeframe) -> BTreeMap<String, perf::Minute> {
    let now = perf::unix_minute();
    // The current minute is still being recorded by the running process: the window is the
    // last `tf` finished minutes plus whatever this process recorded itself.
    store::load(
        cache,
        now - tf.minutes(),
        now + 1,
        &perf::global().unsaved(),
    )
}

pub async fn run(cfg: &Config, action: &PerfAction) -> anyhow::Result<u8> {
    run_to(cfg, action, &mut std::io::stdout()).await
}

/// `run` with its output into `w`: the MCP tools take the same `--json` documents from here.
pub async fn run_to(
    cfg: &Config,
    action: &PerfAction,
    mut w: &mut (dyn Write + Send),
) -> anyhow::Result<u8> {
    let cache = Cache::open(&cfg.cache);
    match action {
        PerfAction::CacheStats { out } => {
            let report = CacheReport {
                store: cache.stats(),
                processes: processes(&cache),
            };
            if out.json {
                return print_json(w, &report);
            }
            let s = &report.store;
            match &s.disk_path {
                Some(p) => out!(
                    &mut w,
                    "disk tier {p}: {} entries, {} of {} bytes",
                    s.disk_entries,
                    s.disk_bytes,
                    s.disk_max_bytes
                ),
                None => out!(
                    &mut w,
                    "no disk tier: {}",
                    s.disk_unavailable.as_deref().unwrap_or("-")
                ),
            }
            if report.processes.is_empty() {
                out!(
                    &mut w,
                    "no running ipfs-kit reported its cache in the last two minutes"
                );
            }
            for p in &report.processes {
                let s = &p.stats;
                out!(
                    &mut w,
                    "pid {}: {} requests, hit rate {:.1}% (memory {}, disk {}, misses {}), sets {}, deletes {}, invalidations {}, evictions {} memory / {} disk; memory tier {} entries, {} of {} bytes",
                    p.pid,
                    s.requests,
                    s.hit_rate * 100.0,
                    s.memory_hits,
                    s.disk_hits,
                    s.misses,
                    s.sets,
                    s.deletes,
                    s.invalidations,
                    s.memory_evictions,
                    s.disk_evictions,
                    s.memory_entries,
                    s.memory_bytes,
                    s.memory_max_bytes
                );
            }
        }
        PerfAction::CacheClear { tier, out } => {
            cache.clear(*tier);
            let s = cache.stats();
            let note = match tier {
                Tier::Disk => "the disk tier is empty",
                Tier::Memory | Tier::All => {
                    "the disk tier is empty; a running dashboard's or supervisor's memory tier keeps its entries until they expire (at most [cache] default_ttl)"
                }
            };
            if out.json {
                return print_json(
                    w,
                    &serde_json::json!({"cleared": tier_name(*tier), "disk_entries": s.disk_entries, "note": note}),
                );
            }
            out!(&mut w, "cleared ({}): {note}", tier_name(*tier));
        }
        PerfAction::CacheInvalidate { pattern, out } => {
            let n = cache.invalidate(pattern);
            if out.json {
                return print_json(
                    w,
                    &serde_json::json!({"pattern": pattern, "invalidated": n}),
                );
            }
            out!(&mut w, "invalidated {n} entries matching {pattern:?}");
        }
        PerfAction::Metrics {
            operation,
            timeframe,
            out,
        } => {
            let ops = window_ops(&cache, *timeframe);
            let mut rows = window::table(*timeframe, &ops);
            if let Some(op) = operation {
                rows.retain(|r| &r.operation == op);
                if rows.is_empty() {
                    return Err(UsageError::new(
                        "--operation",
                        op,
                        format!("no samples in the last {}; `performance metrics` lists the operations seen", timeframe.label()),
                    )
                    .into());
                }
            }
            if out.json {
                return print_json(w, &rows);
            }
            print_metrics(&mut w, &rows, *timeframe)?;
        }
        PerfAction::Baseline {
            operation,
            timeframe,
            out,
        } => {
            let ops = window_ops(&cache, *timeframe);
            let Some(m) = ops.get(operation) else {
                return Err(UsageError::new(
                    "--operation",
                    operation,
                    format!(
                        "no samples in the last {} to take a baseline from",
                        timeframe.label()
                    ),
                )
                .into());
            };
            let r = window::metrics(operation, *timeframe, m);
            let b = Baseline {
                operation: operation.clone(),
                p50_ms: r.p50_ms,
                p95_ms: r.p95_ms,
                p99_ms: r.p99_ms,
                samples: r.count,
                timeframe: timeframe.label().into(),
                taken_at: chrono::Utc::now(),
            };
            baseline::save(&cache, &b);
            if out.json {
                return print_json(w, &b);
            }
            out!(
                &mut w,
                "baseline of {operation}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms from {} samples over {}",
                b.p50_ms,
                b.p95_ms,
                b.p99_ms,
                b.samples,
                b.timeframe
            );
        }
        PerfAction::MonitorStats { out } => {
            let day = window_ops(&cache, Timeframe::Day);
            let minutes = cache.scan_range("perf:", "perf;").len();
            let doc = serde_json::json!({
                "operations": day.len(),
                "samples_24h": day.values().map(perf::Minute::count).sum::<u64>(),
                "stored_minute_records": minutes,
                "baselines": baseline::all(&cache).len(),
                "store": cache.stats().disk_path,
            });
            if out.json {
                return print_json(w, &doc);
            }
            out!(
                &mut w,
                "{} operations, {} samples in 24 h, {} minute records stored, {} baselines",
                doc["operations"],
                doc["samples_24h"],
                doc["stored_minute_records"],
                doc["baselines"]
            );
        }
        PerfAction::BatchStats { out } => {
            let last = crate::bulk::stats::read_last(&cfg.state_dir)
                .map_err(|e| crate::cmd::DataError(e.to_string()))?;
            if out.json {
                return print_json(w, &serde_json::json!({ "last_run": last }));
            }
            let Some(r) = last else {
                out!(
                    &mut w,
                    "no bulk run yet in {} (`ipfs-kit pin add --from FILE` makes one)",
                    cfg.state_dir.display()
                );
                return Ok(0);
            };
            out!(
                &mut w,
                "{:?} via {} at {}: {} items, {} done, {} already, {} failed, {} skipped, {} rolled back; {:.1}/s over {:.1} s with {} jobs{}{}",
                r.op,
                r.via,
                r.started
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S"),
                r.total,
                r.done,
                r.already,
                r.failed,
                r.skipped,
                r.rolled_back,
                r.rate_per_s,
                r.duration_ms as f64 / 1000.0,
                r.jobs,
                if r.interrupted { ", interrupted" } else { "" },
                r.report
                    .as_deref()
                    .map(|p| format!("; report {p}"))
                    .unwrap_or_default()
            );
            for f in &r.failures {
                out!(&mut w, "  line {}: {}: {}", f.line, f.target, f.error);
            }
        }
        PerfAction::Resources { out } => {
            let r = resources::gather(cfg).await;
            if out.json {
                return print_json(w, &r);
            }
            bottlenecks::print_resources(&mut w, &r)?;
        }
        PerfAction::Bottlenecks {
            cpu_threshold,
            memory_threshold,
            slow_factor,
            out,
        } => {
            let r = resources::gather(cfg).await;
            let ops = window_ops(&cache, Timeframe::Hour);
            let found = bottlenecks::find(
                &r,
                &window::table(Timeframe::Hour, &ops),
                &baseline::all(&cache),
                &bottlenecks::Thresholds {
                    cpu: *cpu_threshold,
                    memory: *memory_threshold,
                    slow_factor: *slow_factor,
                },
            );
            if out.json {
                return print_json(w, &found);
            }
            bottlenecks::print(&mut w, &found)?;
        }
        PerfAction::Summary { out } => {
            let r = resources::gather(cfg).await;
            let ops = window_ops(&cache, Timeframe::Hour);
            let table = window::table(Timeframe::Hour, &ops);
            let found = bottlenecks::find(
                &r,
                &table,
                &baseline::all(&cache),
                &bottlenecks::Thresholds::default(),
            );
            let doc = serde_json::json!({
                "resources": r,
                "slowest_1h": table.iter().take(10).collect::<Vec<_>>(),
                "cache": CacheReport { store: cache.stats(), processes: processes(&cache) },
                "bottlenecks": found,
            });
            if out.json {
                return print_json(w, &doc);
            }
            bottlenecks::print_resources(&mut w, &r)?;
            print_metrics(
                &mut w,
                &table.into_iter().take(10).collect::<Vec<_>>(),
                Timeframe::Hour,
            )?;
            bottlenecks::print(&mut w, &found)?;
        }
        PerfAction::Profile {
            operation,
            count,
            out,
        } => {
            let rows = profile(cfg, operation, *count).await?;
            if out.json {
                return print_json(w, &rows);
            }
            print_metrics(&mut w, std::slice::from_ref(&rows), Timeframe::Minute)?;
        }
    }
    Ok(0)
}

fn tier_name(t: Tier) -> &'static str {
    match t {
        Tier::Memory => "memory",
        Tier::Disk => "disk",
        Tier::All => "all",
    }
}

fn print_metrics(w: &mut dyn Write, rows: &[OpMetrics], tf: Timeframe) -> anyhow::Result<()> {
    if rows.is_empty() {
        out!(
            w,
            "no samples in the last {}: the dashboard or `ipfs-kit supervise` records them while it runs",
            tf.label()
        );
        return Ok(());
    }
    out!(
        w,
        "{:<36} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9}",
        format!("OPERATION ({})", tf.label()),
        "COUNT",
        "OK%",
        "P50 ms",
        "P95 ms",
        "P99 ms",
        "MAX ms"
    );
    for r in rows {
        out!(
            w,
            "{:<36} {:>8} {:>7.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            r.operation,
            r.count,
            r.success_rate * 100.0,
            r.p50_ms,
            r.p95_ms,
            r.p99_ms,
            r.max_ms
        );
    }
    Ok(())
}

/// Times `count` real calls of `operation` against the located node.
async fn profile(cfg: &Config, operation: &str, count: u32) -> anyhow::Result<OpMetrics> {
    let (api, path, method) = match operation.split_once('.') {
        Some(("kubo", p))
            if [
                "id",
                "version",
                "repo/stat",
                "swarm/peers",
                "bitswap/stat",
                "stats/bw",
            ]
            .contains(&p) =>
        {
            ("kubo", format!("api/v0/{p}"), reqwest::Method::POST)
        }
        Some(("cluster", p)) if ["id", "peers", "version"].contains(&p) => {
            ("cluster", p.to_string(), reqwest::Method::GET)
        }
        _ => {
            return Err(UsageError::new(
                "--operation",
                operation,
                "use kubo.id, kubo.version, kubo.repo/stat, kubo.swarm/peers, kubo.bitswap/stat, kubo.stats/bw, cluster.id, cluster.peers or cluster.version",
            )
            .into());
        }
    };
    if count == 0 {
        return Err(UsageError::new("--count", "0", "count at least one call").into());
    }
    let mut located = cfg.clone();
    crate::locate::locate(&mut located).await;
    let (endpoint, auth, timeout) = if api == "kubo" {
        (
            located.kubo.api.endpoint.clone(),
            located.kubo.api.auth.clone(),
            located.kubo.api.timeout,
        )
    } else {
        (
            located.cluster.api.endpoint.clone(),
            located.cluster.api.auth.clone(),
            located.cluster.api.timeout,
        )
    };
    let http = crate::sources::http::HttpApi::new(&endpoint, auth, timeout)
        .context("cannot build the HTTP client")?;
    let mut m = perf::Minute::new();
    for _ in 0..count {
        let t = Instant::now();
        let ok = http.send(method.clone(), &path, &[]).await.is_ok();
        let us = u64::try_from(t.elapsed().as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        m.hist.saturating_record(us);
        if ok {
            m.ok += 1;
        } else {
            m.failed += 1;
        }
    }
    if m.ok == 0 {
        crate::say!(
            "ipfs-kit: every call of {operation} to {endpoint} failed; is the daemon running?"
        );
    }
    Ok(window::metrics(operation, Timeframe::Minute, &m))
}
