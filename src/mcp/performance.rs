//! The performance tools: `ipfs-kit performance … --json`, the same documents; the
//! start/end timing pair and the counter reset act on this server's own monitor and cache.

use std::time::Instant;

use rmcp::model::CallToolResult;
use schemars::JsonSchema;
use serde::Deserialize;

use super::context::{Call, document, flag, parse};
use super::output;
use super::tool::{Hints, NoArgs, ToolDef};
use crate::cmd::performance::{self, PerfAction};

async fn run(call: &Call, mut argv: Vec<String>) -> CallToolResult {
    argv.push("--json".into());
    let action: PerfAction = match parse(&argv) {
        Ok(a) => a,
        Err(e) => return output::fail(e),
    };
    let mut buf = Vec::new();
    let r = performance::run_to(call.cfg(), &action, &mut buf).await;
    document(r, &buf)
}

fn sub(s: &str) -> Vec<String> {
    vec![s.to_string()]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clear {
    /// memory, disk or all (default all).
    pub tier: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Invalidate {
    /// A glob over cache keys (`*`, `?`), e.g. `kubo:*`.
    pub pattern: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// One operation (e.g. kubo.id); all by default.
    pub operation: Option<String>,
    /// 1m, 1h or 24h (default 1h).
    pub timeframe: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bottlenecks {
    /// Host CPU use (%) at or above which it is a bottleneck (default 80).
    pub cpu_threshold: Option<f64>,
    /// Memory use (%) at or above which it is a bottleneck (default 80).
    pub memory_threshold: Option<f64>,
    /// A regression: p95 above baseline × this (default 2).
    pub slow_factor: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The operation whose current p50/p95/p99 become its baseline.
    pub operation: String,
    /// 1m, 1h or 24h (default 1h).
    pub timeframe: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// The operation's name, e.g. agent.backup (recorded like the node's own operations).
    pub operation: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct End {
    /// The id performance_start_operation returned.
    pub operation_id: String,
    /// Whether it succeeded (default true).
    pub success: Option<bool>,
}

fn start(call: &Call, p: Start) -> CallToolResult {
    if p.operation.trim().is_empty() || p.operation.len() > 128 {
        return output::fail("operation must be a name of 1 to 128 characters");
    }
    let id = format!("{}-{}", p.operation, uuid_ish());
    let Ok(mut open) = call.ctx.started.lock() else {
        return output::fail("the timing table is unavailable; restart the MCP server");
    };
    if open.len() >= output::MAX_LIMIT {
        return output::fail("too many open operations: end some first");
    }
    open.insert(id.clone(), (p.operation.clone(), Instant::now()));
    output::ok(&serde_json::json!({"operation_id": id, "operation": p.operation}))
}

fn end(call: &Call, p: End) -> CallToolResult {
    let Some((op, t)) = call
        .ctx
        .started
        .lock()
        .ok()
        .and_then(|mut m| m.remove(&p.operation_id))
    else {
        return output::fail(format!(
            "no open operation {:?}: performance_start_operation returns the id",
            p.operation_id
        ));
    };
    let took = t.elapsed();
    let ok = p.success.unwrap_or(true);
    crate::perf::record(&op, took, ok);
    output::ok(&serde_json::json!({
        "operation": op,
        "duration_ms": took.as_secs_f64() * 1000.0,
        "success": ok,
    }))
}

/// Unique within this process: the time and a counter.
fn uuid_ish() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{:x}-{}",
        chrono::Utc::now().timestamp_millis(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            "performance_get_cache_stats",
            "The cache: its store on disk and what each running ipfs-kit reported of both tiers (hits, misses, evictions).",
            Hints::READ,
            |call, _: NoArgs| async move { run(&call, sub("cache-stats")).await },
        ),
        ToolDef::new(
            "performance_clear_cache",
            "Empties a tier of the cache store (memory, disk or all).",
            Hints::action(true, true),
            |call, p: Clear| async move {
                let mut a = sub("cache-clear");
                flag(&mut a, "--tier", p.tier);
                run(&call, a).await
            },
        ),
        ToolDef::new(
            "performance_invalidate_cache",
            "Removes every cache entry whose key matches a glob.",
            Hints::action(true, true),
            |call, p: Invalidate| async move {
                run(
                    &call,
                    vec!["cache-invalidate".into(), "--pattern".into(), p.pattern],
                )
                .await
            },
        ),
        ToolDef::new(
            "performance_get_metrics",
            "Latency (p50/p95/p99/max) and success rate per operation over 1m, 1h or 24h.",
            Hints::READ,
            |call, p: Metrics| async move {
                let mut a = sub("metrics");
                flag(&mut a, "--operation", p.operation);
                flag(&mut a, "--timeframe", p.timeframe);
                run(&call, a).await
            },
        ),
        ToolDef::new(
            "performance_get_bottlenecks",
            "What limits this node now (CPU, memory, I/O wait, slow endpoints, regressions), each naming the setting to change.",
            Hints::READ,
            |call, p: Bottlenecks| async move {
                let mut a = sub("bottlenecks");
                flag(&mut a, "--cpu-threshold", p.cpu_threshold);
                flag(&mut a, "--memory-threshold", p.memory_threshold);
                flag(&mut a, "--slow-factor", p.slow_factor);
                run(&call, a).await
            },
        ),
        ToolDef::new(
            "performance_get_resource_usage",
            "The host's CPU, memory, I/O wait and disks now.",
            Hints::READ,
            |call, _: NoArgs| async move { run(&call, sub("resources")).await },
        ),
        ToolDef::new(
            "performance_set_baseline",
            "Saves an operation's current p50/p95/p99 as its baseline (regressions compare to it).",
            Hints::action(false, false),
            |call, p: Baseline| async move {
                let mut a = vec!["baseline".into(), "--operation".into(), p.operation];
                flag(&mut a, "--timeframe", p.timeframe);
                run(&call, a).await
            },
        ),
        ToolDef::new(
            "performance_start_operation",
            "Starts timing an operation of the agent's own; performance_end_operation records it in this server's monitor.",
            Hints::action(false, false),
            |call, p: Start| async move { start(&call, p) },
        ),
        ToolDef::new(
            "performance_end_operation",
            "Ends an operation started with performance_start_operation and records its duration.",
            Hints::action(false, false),
            |call, p: End| async move { end(&call, p) },
        ),
        ToolDef::new(
            "performance_get_monitor_stats",
            "The monitor itself: operations tracked, samples and minutes stored, baselines.",
            Hints::READ,
            |call, _: NoArgs| async move { run(&call, sub("monitor-stats")).await },
        ),
        ToolDef::new(
            "performance_get_batch_stats",
            "The last bulk pin run (`pin add|rm --from`): counts, rate, duration, failures.",
            Hints::READ,
            |call, _: NoArgs| async move { run(&call, sub("batch-stats")).await },
        ),
        ToolDef::new(
            "performance_reset_cache_stats",
            "Resets this server's cache counters (hits, misses, evictions); the entries stay.",
            Hints::action(false, true),
            |call, _: NoArgs| async move {
                let cache = crate::cache::Cache::open(&call.cfg().cache);
                cache.reset_stats();
                output::ok(&serde_json::json!({"reset": true, "stats": cache.stats()}))
            },
        ),
        ToolDef::new(
            "performance_get_summary",
            "Everything at once: resources, the slowest operations of the last hour, the cache, bottlenecks.",
            Hints::READ,
            |call, _: NoArgs| async move { run(&call, sub("summary")).await },
        ),
    ]
}
