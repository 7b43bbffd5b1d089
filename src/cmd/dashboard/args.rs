//! The `dashboard` command line: the original design's subcommands, with the flags its
//! documentation promised (and its code never had).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use crate::config::parse_interval;
use crate::dashboard::charts::ChartType;

#[derive(Debug, Clone, Args)]
pub struct Json {
    /// One JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Which snapshot the data is drawn from.
#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// Collect now, even when a running dashboard or `supervise` wrote a fresh snapshot
    /// file ([monitoring.outputs] snapshot_file).
    #[arg(long)]
    pub refresh: bool,
    /// Deadline of a collection pass.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_interval)]
    pub timeout: Duration,
    /// Draw from this `ipfs-kit --once --json` document instead (tests; an optional
    /// `history` key holds the charts' rings).
    #[arg(long, value_name = "FILE", hide = true, conflicts_with = "refresh")]
    pub snapshot: Option<PathBuf>,
    /// A daemon already found by a long-running caller (the MCP server); not a flag.
    #[arg(skip)]
    pub remote: Option<crate::api::client::Remote>,
    /// That caller's own running collector, when no daemon runs; not a flag.
    #[arg(skip)]
    pub local: Option<tokio::sync::watch::Receiver<std::sync::Arc<crate::model::Snapshot>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartFormat {
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum DashboardAction {
    /// The widgets the dashboard's tabs draw, by stable id (for widget-data).
    Widgets {
        #[command(flatten)]
        out: Json,
    },
    /// One widget's data: the view its tab draws, built by the same converter from one
    /// snapshot. Without --json the widget is drawn as text.
    WidgetData {
        /// A widget id (`ipfs-kit dashboard widgets` lists them), e.g. overview.health.
        #[arg(long, value_name = "ID")]
        widget_id: String,
        #[command(flatten)]
        snapshot: SnapshotArgs,
        /// Columns sparklines are resampled to (the screen uses the panel's width).
        #[arg(long, value_name = "N", default_value_t = 60,
              value_parser = clap::value_parser!(u16).range(1..=2000))]
        columns: u16,
        /// Draw with ASCII only.
        #[arg(long)]
        ascii: bool,
        #[command(flatten)]
        out: Json,
    },
    /// A metric as a chart: line and scatter from the history rings (a running dashboard's
    /// or supervise's, kept in the cache), bar and pie from current values, heatmap by hour
    /// and day.
    Chart {
        #[arg(long = "type", value_enum, value_name = "TYPE")]
        chart_type: ChartType,
        /// What to chart (an unknown one lists those the type can show), e.g. kubo.peers.
        #[arg(long, value_name = "METRIC")]
        metric: String,
        #[arg(long, value_enum, default_value = "json")]
        format: ChartFormat,
        #[command(flatten)]
        snapshot: SnapshotArgs,
    },
    /// The operation history, newest first, with counts per status.
    Operations {
        /// ok, failed or running.
        #[arg(long, value_name = "STATUS", value_parser = ["ok", "failed", "running"])]
        status: Option<String>,
        /// Only the last N hours.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        hours: Option<u32>,
        /// At most N entries (the counts cover every matching one).
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        out: Json,
    },
    /// The setup wizards and their templates.
    ListWizards {
        #[command(flatten)]
        out: Json,
    },
    /// Runs a wizard non-interactively from a template (and --set answers). A dry run by
    /// default: prints the diff it would apply to config.toml and writes nothing; --apply
    /// writes it atomically (secrets to credentials.toml, mode 0600).
    Wizard {
        /// backend, vfs or monitoring (the original's backend_setup, vfs_config and
        /// monitoring_setup are accepted too).
        #[arg(long, value_name = "ID")]
        wizard_id: String,
        /// A template of that wizard (`ipfs-kit dashboard list-wizards`).
        #[arg(long, value_name = "NAME")]
        template: String,
        /// One answer over the template's, e.g. --set bucket=archive (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Write the change (atomically); without it nothing is written.
        #[arg(long)]
        apply: bool,
    },
    /// Health status, score and level per source, alerts, daemons; exits with the health
    /// status like --once (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
    Status {
        #[command(flatten)]
        snapshot: SnapshotArgs,
        #[command(flatten)]
        out: Json,
    },
}
