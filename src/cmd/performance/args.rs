//! The `performance` command line: the original design's subcommands and flags.

use clap::{Args, Subcommand};

use crate::cache::Tier;
use crate::perf::window::Timeframe;

#[derive(Debug, Clone, Args)]
pub struct Json {
    /// One JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PerfAction {
    /// The cache: its store on disk, and what each running ipfs-kit reported of both tiers.
    CacheStats {
        #[command(flatten)]
        out: Json,
    },
    /// Empties a tier of the cache store (memory: the running processes' own, when they
    /// next expire; disk: now).
    CacheClear {
        #[arg(long, value_enum, default_value = "all")]
        tier: Tier,
        #[command(flatten)]
        out: Json,
    },
    /// Removes every cache entry whose key matches a glob (`*`, `?`), e.g. 'kubo:*'.
    CacheInvalidate {
        #[arg(long, value_name = "GLOB")]
        pattern: String,
        #[command(flatten)]
        out: Json,
    },
    /// Latency and success per operation (RPC endpoint, collector, frames, supervisor, pins).
    Metrics {
        /// One operation (e.g. kubo.id); all by default.
        #[arg(long, value_name = "OP")]
        operation: Option<String>,
        #[arg(long, value_name = "1m|1h|24h", default_value = "1h")]
        timeframe: Timeframe,
        #[command(flatten)]
        out: Json,
    },
    /// What limits this node now: host CPU, memory, I/O wait, slow endpoints, regressions.
    Bottlenecks {
        /// Host CPU use (%) at or above which it is a bottleneck.
        #[arg(long, value_name = "PCT", default_value_t = 80.0)]
        cpu_threshold: f64,
        /// Memory use (%) at or above which it is a bottleneck.
        #[arg(long, value_name = "PCT", default_value_t = 80.0)]
        memory_threshold: f64,
        /// A regression: p95 above baseline × this.
        #[arg(long, value_name = "X", default_value_t = 2.0)]
        slow_factor: f64,
        #[command(flatten)]
        out: Json,
    },
    /// The host's CPU, memory, I/O wait and disks now.
    Resources {
        #[command(flatten)]
        out: Json,
    },
    /// Saves an operation's current p50/p95/p99 as its baseline (regressions compare to it).
    Baseline {
        #[arg(long, value_name = "OP")]
        operation: String,
        #[arg(long, value_name = "1m|1h|24h", default_value = "1h")]
        timeframe: Timeframe,
        #[command(flatten)]
        out: Json,
    },
    /// The monitor itself: operations tracked, samples and minutes stored, baselines.
    MonitorStats {
        #[command(flatten)]
        out: Json,
    },
    /// The last bulk pin run (`pin add|rm --from`): counts, rate, duration, failures.
    BatchStats {
        #[command(flatten)]
        out: Json,
    },
    /// Everything at once: resources, the slowest operations, the cache, bottlenecks.
    Summary {
        #[command(flatten)]
        out: Json,
    },
    /// Times N real calls of an operation against the watched node and prints the
    /// distribution (kubo.id, kubo.version, kubo.repo/stat, kubo.swarm/peers, cluster.id,
    /// cluster.peers).
    Profile {
        #[arg(long, value_name = "OP", default_value = "kubo.id")]
        operation: String,
        #[arg(long, value_name = "N", default_value_t = 100)]
        count: u32,
        #[command(flatten)]
        out: Json,
    },
}
