//! Monitoring wizard: sources and intervals, alert thresholds, outputs with the review.

use std::fmt::Display;

use super::build::Reader;
use super::question::{CheckFn, Question};
use super::{Def, Section};
use crate::answers::Answers;
use crate::config::{Above, Below, MonitoringConfig, Outputs, Sources, Thresholds};
use crate::field::FieldError;
use crate::validate;
use crate::values::{LogLevel, SourceInterval};

pub(crate) struct MonitoringDef;

const SOURCES: [(&str, &str); 5] = [
    ("kubo", "Kubo node (peers, bandwidth, repo)"),
    ("cluster", "IPFS Cluster (peers, pin status)"),
    ("host", "This host (CPU, memory, disks)"),
    ("backends", "Backend connection probes"),
    ("vfs", "VFS mounts (files/stat)"),
];

/// Threshold key, what it measures, and whether it alerts when the value is low.
const THRESHOLDS: [(&str, &str, bool); 7] = [
    ("repo_used_percent", "Repo use, % of StorageMax", false),
    ("min_peers", "Connected peers (alert below)", true),
    ("pin_errors", "Pins in error", false),
    ("cluster_peers_down", "Cluster peers down", false),
    ("disk_free_percent", "Free disk, % (alert below)", true),
    ("cpu_percent", "Host CPU, %", false),
    ("memory_percent", "Host memory, %", false),
];

const KEYS: &[&str] = &[
    "sources.kubo",
    "sources.cluster",
    "sources.host",
    "sources.backends",
    "sources.vfs",
    "thresholds.repo_used_percent.warning",
    "thresholds.repo_used_percent.critical",
    "thresholds.min_peers.warning",
    "thresholds.min_peers.critical",
    "thresholds.pin_errors.warning",
    "thresholds.pin_errors.critical",
    "thresholds.cluster_peers_down.warning",
    "thresholds.cluster_peers_down.critical",
    "thresholds.disk_free_percent.warning",
    "thresholds.disk_free_percent.critical",
    "thresholds.cpu_percent.warning",
    "thresholds.cpu_percent.critical",
    "thresholds.memory_percent.warning",
    "thresholds.memory_percent.critical",
    "outputs.history_retention",
    "outputs.snapshot_file",
    "outputs.log_level",
];

fn source_interval(s: &Sources, name: &str) -> SourceInterval {
    match name {
        "kubo" => s.kubo,
        "cluster" => s.cluster,
        "host" => s.host,
        "backends" => s.backends,
        _ => s.vfs,
    }
}

/// The default (warning, critical) of a threshold, as text.
fn levels(t: &Thresholds, name: &str) -> (String, String) {
    fn pair<A: Display>(w: A, c: A) -> (String, String) {
        (w.to_string(), c.to_string())
    }
    match name {
        "repo_used_percent" => pair(t.repo_used_percent.warning, t.repo_used_percent.critical),
        "min_peers" => pair(t.min_peers.warning, t.min_peers.critical),
        "pin_errors" => pair(t.pin_errors.warning, t.pin_errors.critical),
        "cluster_peers_down" => pair(t.cluster_peers_down.warning, t.cluster_peers_down.critical),
        "disk_free_percent" => pair(t.disk_free_percent.warning, t.disk_free_percent.critical),
        "cpu_percent" => pair(t.cpu_percent.warning, t.cpu_percent.critical),
        _ => pair(t.memory_percent.warning, t.memory_percent.critical),
    }
}

fn threshold_check(name: &str) -> CheckFn {
    match name {
        "min_peers" => |s| validate::peer_count(s).map(drop),
        "pin_errors" | "cluster_peers_down" => |s| validate::count(s).map(drop),
        _ => |s| validate::percent(s).map(drop),
    }
}

impl Def for MonitoringDef {
    fn steps(&self) -> &'static [&'static str] {
        &["Sources and intervals", "Alert thresholds", "Outputs"]
    }

    fn review_title(&self) -> &'static str {
        "Review and save"
    }

    fn review_is_own_step(&self) -> bool {
        false
    }

    fn questions(&self, step: usize, _a: &Answers) -> Vec<Question> {
        let d = MonitoringConfig::default();
        match step {
            0 => SOURCES
                .iter()
                .map(|(name, what)| {
                    Question::text(
                        format!("sources.{name}"),
                        format!("{what}: poll every"),
                        |s| validate::source_interval(s).map(drop),
                    )
                    .default(source_interval(&d.sources, name).to_string())
                    .help("A duration such as 5s, or off")
                })
                .collect(),
            1 => THRESHOLDS
                .iter()
                .flat_map(|(name, what, _)| {
                    let (w, c) = levels(&d.thresholds, name);
                    [
                        Question::text(
                            format!("thresholds.{name}.warning"),
                            format!("{what}: warning at"),
                            threshold_check(name),
                        )
                        .default(w),
                        Question::text(
                            format!("thresholds.{name}.critical"),
                            format!("{what}: critical at"),
                            threshold_check(name),
                        )
                        .default(c),
                    ]
                })
                .collect(),
            2 => vec![
                Question::text("outputs.history_retention", "Keep history for", |s| {
                    validate::duration(s).map(drop)
                })
                .default(d.outputs.history_retention.to_string()),
                Question::text(
                    "outputs.snapshot_file",
                    "Write each snapshot as JSON to (empty for none)",
                    |s| validate::abs_path(s).map(drop),
                )
                .optional(),
                Question::choice(
                    "outputs.log_level",
                    "Log level",
                    ["error", "warn", "info", "debug", "trace"]
                        .iter()
                        .map(|l| (l.to_string(), l.to_string()))
                        .collect(),
                    LogLevel::default().to_string(),
                ),
            ],
            _ => Vec::new(),
        }
    }

    fn known_keys(&self) -> &'static [&'static str] {
        KEYS
    }

    fn build(&self, a: &Answers) -> Result<Section, Vec<FieldError>> {
        let mut r = Reader::new(a);
        let d = MonitoringConfig::default();
        let sources = Sources {
            kubo: r.or("sources.kubo", validate::source_interval, d.sources.kubo),
            cluster: r.or(
                "sources.cluster",
                validate::source_interval,
                d.sources.cluster,
            ),
            host: r.or("sources.host", validate::source_interval, d.sources.host),
            backends: r.or(
                "sources.backends",
                validate::source_interval,
                d.sources.backends,
            ),
            vfs: r.or("sources.vfs", validate::source_interval, d.sources.vfs),
        };
        let t = d.thresholds;
        let thresholds = Thresholds {
            repo_used_percent: above(
                &mut r,
                "repo_used_percent",
                validate::percent,
                t.repo_used_percent,
            ),
            min_peers: below(&mut r, "min_peers", validate::peer_count, t.min_peers),
            pin_errors: above(&mut r, "pin_errors", validate::count, t.pin_errors),
            cluster_peers_down: above(
                &mut r,
                "cluster_peers_down",
                validate::count,
                t.cluster_peers_down,
            ),
            disk_free_percent: below(
                &mut r,
                "disk_free_percent",
                validate::percent,
                t.disk_free_percent,
            ),
            cpu_percent: above(&mut r, "cpu_percent", validate::percent, t.cpu_percent),
            memory_percent: above(
                &mut r,
                "memory_percent",
                validate::percent,
                t.memory_percent,
            ),
        };
        let outputs = Outputs {
            history_retention: r.or(
                "outputs.history_retention",
                validate::duration,
                d.outputs.history_retention,
            ),
            snapshot_file: r.opt("outputs.snapshot_file", validate::abs_path),
            log_level: r.or(
                "outputs.log_level",
                validate::log_level,
                d.outputs.log_level,
            ),
        };
        r.finish(Some(Section::Monitoring(MonitoringConfig {
            sources,
            thresholds,
            outputs,
        })))
    }
}

fn levels_of<T: Copy>(
    r: &mut Reader<'_>,
    name: &str,
    parse: fn(&str) -> Result<T, String>,
    default: (T, T),
) -> (T, T) {
    let w = r.or(&format!("thresholds.{name}.warning"), parse, default.0);
    let c = r.or(&format!("thresholds.{name}.critical"), parse, default.1);
    (w, c)
}

fn above<T: Copy + PartialOrd + Display>(
    r: &mut Reader<'_>,
    name: &str,
    parse: fn(&str) -> Result<T, String>,
    default: Above<T>,
) -> Above<T> {
    let (w, c) = levels_of(r, name, parse, (default.warning, default.critical));
    Above::new(w, c).unwrap_or_else(|e| {
        r.errs
            .push(FieldError::new(format!("thresholds.{name}.warning"), e));
        default
    })
}

fn below<T: Copy + PartialOrd + Display>(
    r: &mut Reader<'_>,
    name: &str,
    parse: fn(&str) -> Result<T, String>,
    default: Below<T>,
) -> Below<T> {
    let (w, c) = levels_of(r, name, parse, (default.warning, default.critical));
    Below::new(w, c).unwrap_or_else(|e| {
        r.errs
            .push(FieldError::new(format!("thresholds.{name}.warning"), e));
        default
    })
}
