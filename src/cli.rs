//! Command-line definitions (clap).

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};

use crate::config::{Endpoint, Overrides, parse_interval};
use crate::ophistory::OpStatus;

#[derive(Debug, Parser)]
#[command(
    name = "ipfs-kit",
    version,
    about = "The operator's console for IPFS nodes and clusters",
    long_about = "The operator's console for IPFS nodes and clusters.\n\n\
With no arguments it uses the configured or already-running Kubo (and Cluster); when there is \
none, it starts a local Kubo + Cluster kept under the state dir (created on first run).",
    after_help = "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (health, for --once and snapshot); \
64 usage error, 65 bad input lines (pin --from), 66 an input file cannot be read, \
69 a required tool is missing (or no Kubo/Cluster answers a bulk pin), 70 internal error, \
78 config error, 130 a wizard or a bulk pin was interrupted."
)]
pub struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/ipfs-kit/config.toml).
    #[arg(long, global = true, value_name = "FILE", env = "IPFS_KIT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Kubo RPC API: URL or multiaddr (also IPFS_KIT_KUBO_API).
    #[arg(long, global = true, value_name = "ADDR", value_parser = endpoint_arg)]
    pub kubo_api: Option<String>,
    /// IPFS Cluster REST API: URL or multiaddr (also IPFS_KIT_CLUSTER_API).
    #[arg(long, global = true, value_name = "ADDR", value_parser = endpoint_arg)]
    pub cluster_api: Option<String>,
    /// Where logs, history and the embedded node live (default: $XDG_STATE_HOME/ipfs-kit).
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Poll interval for every source, e.g. 1s (overrides the config's per-source intervals).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_interval)]
    pub interval: Option<Duration>,
    /// Collect once, print, and exit with the health status.
    #[arg(long)]
    pub once: bool,
    /// With --once: print one JSON document instead of the summary.
    #[arg(long, requires = "once")]
    pub json: bool,
    /// With --once: deadline for all sources together.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_interval)]
    pub timeout: Duration,
    /// Attach to the ipfs-kit daemon at URL (its API) instead of the local one found through
    /// `<state>/api`; with no daemon, every mode collects itself. Repeat it for a fleet: the
    /// dashboard attaches to the first and lists all of them (with `[[fleet.nodes]]`) in
    /// its Fleet tab.
    #[arg(long, global = true, value_name = "URL")]
    pub connect: Vec<String>,
    /// The daemon's API token for --connect (default: IPFS_KIT_TOKEN, [api] token, or
    /// `<state>/api.token`).
    #[arg(long, global = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Dashboard: refuse actions that change something (repo gc, pins, daemons, wizards).
    #[arg(long)]
    pub read_only: bool,
    /// Dashboard: stop the daemons it started (the embedded node, or from the Daemons tab)
    /// when it ends; by default they keep running and the next run adopts them.
    #[arg(long)]
    pub stop_on_exit: bool,
    /// Dashboard: draw with ASCII only (no box drawing, braille or symbols), for serial consoles.
    #[arg(long)]
    pub ascii: bool,
    /// Dashboard colours; monochrome is the default when NO_COLOR is set.
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<crate::tui::ThemeName>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The daemon a single-node client attaches to: the first `--connect`.
    pub fn connect_first(&self) -> Option<&str> {
        self.connect.first().map(String::as_str)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect once and print (same as --once).
    Snapshot {
        /// Print one JSON document instead of the summary.
        #[arg(long)]
        json: bool,
        /// Deadline for all sources together.
        #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_interval)]
        timeout: Duration,
    },
    /// Print the JSON Schema of the snapshot document.
    Schema,
    /// Start, stop, restart or show the Kubo and Cluster daemons ipfs-kit runs.
    Daemon {
        #[command(subcommand)]
        action: DaemonAction,
    },
    /// Set up backends, VFS mounts or monitoring, step by step (or from answers).
    Wizard {
        #[command(subcommand)]
        action: WizardAction,
    },
    /// Pin or unpin a CID (through Cluster when it answers, else Kubo); recorded in history.
    Pin {
        #[command(subcommand)]
        action: PinAction,
    },
    /// Show the operation history (daemon actions, crashes, source changes, pins, config).
    History {
        /// ok, failed or running.
        #[arg(long, value_name = "STATUS", value_parser = status_arg())]
        status: Option<OpStatus>,
        /// Only entries since: a duration back ("24h", "90m") or an RFC 3339 time.
        #[arg(long, value_name = "WHEN", value_parser = since_arg)]
        since: Option<DateTime<Utc>>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Patterns, anomalies, correlation, compliance, statistics, trends and reports over the
    /// operation history (this host's by default, or --file).
    AuditAnalytics {
        #[command(subcommand)]
        action: crate::cmd::audit_analytics::AuditAction,
    },
    /// The cache, per-operation latency (p50/p95/p99), baselines, bottlenecks, a profiler.
    Performance {
        #[command(subcommand)]
        action: crate::cmd::performance::PerfAction,
    },
    /// The dashboard's widgets, their data, charts, operations, wizards and status, without
    /// a terminal (the original design's dashboard CLI).
    Dashboard {
        #[command(subcommand)]
        action: crate::cmd::dashboard::DashboardAction,
    },
    /// An MCP server on stdio for agents: the dashboard, performance, audit and node tools,
    /// read-only unless --allow-actions.
    Mcp(crate::cmd::mcp::McpArgs),
    /// Print a shell completion script: `source <(ipfs-kit completions bash)`.
    Completions {
        #[arg(value_enum)]
        shell: crate::cmd::completions::Shell,
    },
    /// Print the man page (roff): `ipfs-kit man | man -l -`.
    Man,
    /// Run the daemons in the foreground and restart them when they crash (for systemd).
    Supervise {
        /// Create missing repos/configs under the state dir.
        #[arg(long)]
        init: bool,
        /// On SIGTERM leave the daemons running instead of stopping them.
        #[arg(long)]
        leave_running: bool,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Print the OpenAPI document of the daemon's HTTP API (assets/openapi.json).
    Openapi,
    /// One line per fleet node (`[[fleet.nodes]]`, or --connect for each): health, Kubo and
    /// Cluster, peers, pins, repo, alerts. Exits with the worst node's status (down = 2).
    Fleet {
        /// Print JSON (`{time, nodes: [...]}`) instead of the table.
        #[arg(long)]
        json: bool,
        /// Deadline for all nodes together.
        #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_interval)]
        timeout: Duration,
    },
}

/// The HTTP API `supervise` serves (over `[api]` in the config).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ApiArgs {
    /// Serve the API on ADDR (IP:PORT; default 127.0.0.1 on a free port). An address beyond
    /// loopback needs a configured token ([api] token/token_env or IPFS_KIT_TOKEN).
    #[arg(long, value_name = "ADDR", value_parser = listen_arg)]
    pub listen: Option<std::net::SocketAddr>,
    /// The API refuses every action (403); reads stay open.
    #[arg(long = "read-only")]
    pub read_only: bool,
    /// Serve https with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl ApiArgs {
    pub fn tls(&self) -> Option<(PathBuf, PathBuf)> {
        self.tls_cert.clone().zip(self.tls_key.clone())
    }
}

fn listen_arg(s: &str) -> Result<std::net::SocketAddr, String> {
    crate::api::config::parse_listen(s)
}

#[derive(Debug, Subcommand)]
pub enum DaemonAction {
    /// Start (or adopt, when already running); they keep running after this command.
    Start {
        #[command(flatten)]
        target: DaemonTarget,
        /// Create the repo/config when missing.
        #[arg(long)]
        init: bool,
    },
    /// Stop gracefully (SIGTERM, then SIGKILL after [supervisor] stop_timeout).
    Stop {
        #[command(flatten)]
        target: DaemonTarget,
    },
    Restart {
        #[command(flatten)]
        target: DaemonTarget,
    },
    /// Exit 0 when all are ready, 1 when one is not, 2 when one has failed.
    Status {
        #[command(flatten)]
        target: DaemonTarget,
    },
}

#[derive(Debug, Subcommand)]
pub enum PinAction {
    /// Pin a CID, or every CID in a list (--from).
    Add {
        /// A CID or /ipfs/ path (or use --from).
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        cid: Option<String>,
        #[command(flatten)]
        bulk: BulkArgs,
    },
    /// Unpin a CID, or every CID in a list (--from).
    Rm {
        /// A CID or /ipfs/ path (or use --from).
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        cid: Option<String>,
        #[command(flatten)]
        bulk: BulkArgs,
    },
}

/// Bulk pinning: `pin add|rm --from FILE`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Bulk (with --from)")]
pub struct BulkArgs {
    /// One CID or /ipfs/<cid>[/path] per line, `#` comments; `-` reads stdin. Every line is
    /// checked before anything is sent (a bad one: exit 65).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Items in flight at once (default 8, chosen by measurement: BENCHMARKS.md).
    #[arg(long, value_name = "N", requires = "from",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Per-item limit (default 2m): Kubo's pin/add waits for the whole DAG, for ever when
    /// no peer has it.
    #[arg(long, value_name = "DURATION", requires = "from", value_parser = parse_interval)]
    pub timeout: Option<Duration>,
    /// Send nothing more after the first failure (the items in flight finish).
    #[arg(long, requires = "from")]
    pub fail_fast: bool,
    /// On any failure (or Ctrl-C), undo what this run changed: unpin exactly the pins it
    /// made (pins that existed before stay). A compensating rollback: neither Kubo nor
    /// Cluster has transactions.
    #[arg(long, requires = "from")]
    pub transaction: bool,
    /// Write the per-item JSONL report here instead of stdout.
    #[arg(long, value_name = "FILE", requires = "from")]
    pub report: Option<PathBuf>,
    /// Skip the items this earlier report says are done (its last line for them is `ok`).
    #[arg(long, value_name = "REPORT", requires = "from")]
    pub resume: Option<PathBuf>,
    /// Cluster only: the pin's replication-min (-1: every peer).
    #[arg(
        long,
        value_name = "N",
        requires = "from",
        allow_negative_numbers = true
    )]
    pub replication_min: Option<i32>,
    /// Cluster only: the pin's replication-max (-1: every peer).
    #[arg(
        long,
        value_name = "N",
        requires = "from",
        allow_negative_numbers = true
    )]
    pub replication_max: Option<i32>,
    /// The name given to every new pin (Cluster and Kubo).
    #[arg(long, value_name = "NAME", requires = "from")]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum WizardAction {
    /// List the wizards and their templates.
    List,
    /// A storage backend: Kubo, Cluster, S3 bucket, local path or pinning service.
    Backend(WizardArgs),
    /// A VFS mount: MFS path or local mount point, backends, cache policy.
    Vfs(WizardArgs),
    /// Monitoring: source intervals, alert thresholds, outputs.
    Monitoring(WizardArgs),
}

#[derive(Debug, clap::Args)]
pub struct WizardArgs {
    /// Start from a built-in template (see `ipfs-kit wizard list`).
    #[arg(long, value_name = "NAME", value_parser = template_arg)]
    pub template: Option<String>,
    /// Answers from a TOML file (same keys as --set).
    #[arg(long, value_name = "FILE.toml")]
    pub answers: Option<std::path::PathBuf>,
    /// One answer, e.g. --set kind=s3 --set bucket=archive (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = set_arg)]
    pub sets: Vec<String>,
    /// Never prompt: list every missing or invalid answer and exit 65.
    #[arg(long)]
    pub non_interactive: bool,
    /// Show the change to config.toml without writing it.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct DaemonTarget {
    /// kubo, cluster, all, or a [[supervisor.extra]] name.
    #[arg(default_value = "all")]
    pub which: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl Cli {
    /// The dashboard's flags.
    pub fn tui_options(&self) -> crate::tui::Options {
        crate::tui::Options {
            read_only: self.read_only,
            stop_on_exit: self.stop_on_exit,
            ascii: self.ascii,
            theme: self.theme,
        }
    }

    pub fn overrides(&self) -> Overrides {
        Overrides {
            config: self.config.clone(),
            kubo_api: self.kubo_api.clone(),
            cluster_api: self.cluster_api.clone(),
            interval: self.interval,
            state_dir: self.state_dir.clone(),
        }
    }
}

// Value parsers: a bad value is refused by clap, which names the flag and the value and exits
// 64 (main.rs); each message here says what is accepted.

fn endpoint_arg(s: &str) -> Result<String, String> {
    s.parse::<Endpoint>().map(|_| s.to_string())
}

fn status_arg() -> impl TypedValueParser<Value = OpStatus> {
    PossibleValuesParser::new(["ok", "failed", "running"]).try_map(|s| s.parse::<OpStatus>())
}

pub(crate) fn since_arg(s: &str) -> Result<DateTime<Utc>, String> {
    crate::ophistory::parse_since(s, Utc::now())
}

fn template_arg(s: &str) -> Result<String, String> {
    let all = ipfs_kit_wizards::templates::list().map_err(|e| e.to_string())?;
    if all.iter().any(|t| t.name == s) {
        return Ok(s.to_string());
    }
    let names: Vec<&str> = all.iter().map(|t| t.name).collect();
    Err(format!(
        "no such template; expected one of {} (see `ipfs-kit wizard list`)",
        names.join(", ")
    ))
}

fn set_arg(s: &str) -> Result<String, String> {
    match ipfs_kit_wizards::Answers::from_sets([s]) {
        Ok(_) => Ok(s.to_string()),
        Err(ipfs_kit_wizards::AnswersError::BadSet { reason, .. }) => Err(reason),
        Err(e) => Err(e.to_string()),
    }
}
