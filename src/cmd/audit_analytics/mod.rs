//! `ipfs-kit audit-analytics`: patterns, anomalies, correlation, timelines, causation,
//! impact, compliance, statistics, trends and reports over the operation history (the pure
//! computation is the `ipfs-kit-audit` crate). Human output is a table on stdout; `--json` is
//! one document (output.rs); bad input lines are summarised on stderr and in the document.

mod args;
mod human;
mod output;

pub use args::{AuditAction, Common};
pub use output::schema_json;

use std::io::Write;
use std::ops::Range;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use ipfs_kit_audit::anomalies::{self, AnomalyConfig};
use ipfs_kit_audit::compliance::Policy;
use ipfs_kit_audit::patterns::{self, PatternConfig};
use ipfs_kit_audit::report::{self, Format, ReportKind};
use ipfs_kit_audit::stats::{self, GroupBy};
use ipfs_kit_audit::time::Local;
use ipfs_kit_audit::trends::{self, Metric, Period};
use ipfs_kit_audit::{Index, LoadReport, correlate};

use crate::analytics::{self, Source};
use crate::cmd::{DataError, UsageError};
use crate::config::Config;
use crate::term;
use output::{Correlated, Document, InputSummary, Output, RangeSummary};

/// The policy used when neither --policy nor `[audit] policy` names one.
const EXAMPLE_POLICY: &str = include_str!("../../../assets/audit-policy.example.toml");

/// Everything a subcommand computes from.
struct Loaded {
    ix: Index,
    report: LoadReport,
    sources: Vec<String>,
    range: Range<usize>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    local: Local,
    now: DateTime<Utc>,
}

pub async fn run(cfg: &Config, action: &AuditAction) -> anyhow::Result<u8> {
    run_to(cfg, action, &mut std::io::stdout()).await
}

/// `run` with its output into `out`: the MCP tools take the same `--json` documents here.
pub async fn run_to(
    cfg: &Config,
    action: &AuditAction,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<u8> {
    let common = match action {
        AuditAction::Verify(args) => return crate::cmd::audit_verify::run(cfg, args).await,
        AuditAction::Schema => {
            out.write_all(schema_json().as_bytes())
                .context("cannot write the schema to stdout")?;
            return Ok(0);
        }
        AuditAction::Patterns { list: true, .. } => {
            for (id, what) in patterns::DETECTORS {
                term::line(out, format_args!("{id:<24} {what}"))?;
            }
            return Ok(0);
        }
        AuditAction::Patterns { common, .. }
        | AuditAction::Anomalies { common, .. }
        | AuditAction::Correlate { common, .. }
        | AuditAction::Timeline { common, .. }
        | AuditAction::Causation { common, .. }
        | AuditAction::Impact { common, .. }
        | AuditAction::Compliance { common, .. }
        | AuditAction::Stats { common, .. }
        | AuditAction::Trends { common, .. }
        | AuditAction::Report { common, .. } => common,
    };
    let loaded = load(cfg, common).await?;
    let output = compute(cfg, action, &loaded)?;
    // `report` writes its own formats; its --json (or --format json) is the document.
    if let AuditAction::Report {
        format, output: to, ..
    } = action
    {
        let fmt = parse_format(format, common.json)?;
        if fmt != Format::Json {
            let Output::Report(r) = &output else {
                unreachable!("report computes a report")
            };
            return write_report(&report::render(r, fmt), to.as_deref(), out);
        }
    }
    let doc = Document {
        schema_version: output::SCHEMA_VERSION,
        generated_at: loaded.now,
        input: InputSummary {
            sources: loaded.sources.clone(),
            load: loaded.report.clone(),
        },
        range: RangeSummary {
            since: loaded.since,
            until: loaded.until,
            events: loaded.range.len(),
            utc_offset_minutes: loaded.local.offset_minutes,
        },
        output,
    };
    if let AuditAction::Report {
        output: Some(to), ..
    } = action
    {
        let mut text = serde_json::to_string_pretty(&doc)?;
        text.push('\n');
        return write_report(&text, Some(to), out);
    }
    if common.json {
        term::json::write_pretty(out, &doc)?;
        writeln!(out)?;
    } else {
        human::print(out, &doc, &loaded.ix)?;
    }
    Ok(0)
}

async fn load(cfg: &Config, common: &Common) -> anyhow::Result<Loaded> {
    let now = Utc::now();
    let sources: Vec<Source> = if common.files.is_empty() {
        analytics::default_sources(&cfg.state_dir)
    } else {
        common.files.iter().map(|f| Source::parse(f)).collect()
    };
    let mut fetched = Vec::new();
    for s in &sources {
        if let Source::Ipfs(cid) = s {
            fetched.push((cid.clone(), fetch_archived(cfg, cid).await?));
        }
    }
    let (ix, report) = analytics::load(&sources, &fetched)?;
    warn_bad_lines(&report);
    if common.files.is_empty() && ix.is_empty() {
        crate::say!(
            "ipfs-kit: audit-analytics: no history yet under {} (it fills as ipfs-kit runs; --file reads other files)",
            cfg.state_dir.display()
        );
    }
    let since = match (common.hours, common.days) {
        (Some(h), _) => Some(now - Duration::hours(i64::from(h))),
        (None, Some(d)) => Some(now - Duration::days(i64::from(d))),
        _ => common.since,
    };
    let until = common.until;
    if let (Some(a), Some(b)) = (since, until)
        && a >= b
    {
        return Err(UsageError::new(
            "--since/--until",
            format!("{a} .. {b}"),
            "the range is empty: --since must be before --until",
        )
        .into());
    }
    let range = ix.range(
        since.map(|t| t.timestamp_millis()),
        until.map(|t| t.timestamp_millis()),
    );
    let offset = chrono::Local::now().offset().local_minus_utc() / 60;
    Ok(Loaded {
        ix,
        report,
        sources: sources.iter().map(Source::name).collect(),
        range,
        since,
        until,
        local: Local::new(offset),
        now,
    })
}

/// An archived history file, read back from the watched Kubo.
async fn fetch_archived(cfg: &Config, cid: &str) -> anyhow::Result<Vec<u8>> {
    crate::archive::cat(cfg, cid).await
}

fn warn_bad_lines(r: &LoadReport) {
    if r.bad_lines == 0 {
        return;
    }
    crate::say!(
        "ipfs-kit: audit-analytics: skipped {} bad line(s) of {}",
        r.bad_lines,
        r.lines
    );
    for b in r.bad.iter().take(5) {
        crate::say!("  {b}");
    }
    if r.bad_lines > 5 {
        crate::say!("  … (all of them are listed in --json's input.load.bad, up to its cap)");
    }
}

fn compute(cfg: &Config, action: &AuditAction, l: &Loaded) -> anyhow::Result<Output> {
    let ix = &l.ix;
    let range = l.range.clone();
    Ok(match action {
        AuditAction::Patterns {
            types, confidence, ..
        } => {
            for t in types {
                if !patterns::DETECTORS.iter().any(|(id, _)| id == t) {
                    return Err(UsageError::new(
                        "--type",
                        t.clone(),
                        "no such detector; `ipfs-kit audit-analytics patterns --list` names them",
                    )
                    .into());
                }
            }
            let pc = PatternConfig {
                local: l.local,
                off_start: u32::from(cfg.audit.off_hours_start),
                off_end: u32::from(cfg.audit.off_hours_end),
                min_confidence: *confidence,
                ..PatternConfig::default()
            };
            let mut found = patterns::detect(ix, range, &pc);
            if !types.is_empty() {
                found.retain(|p| types.iter().any(|t| t == p.id));
            }
            Output::Patterns(found)
        }
        AuditAction::Anomalies { threshold, .. } => {
            Output::Anomalies(anomalies::detect(ix, range, &anomaly_config(l, *threshold)))
        }
        AuditAction::Correlate {
            event_id,
            window,
            threshold,
            max_results,
            ..
        } => {
            let i = find_event(l, event_id)?;
            Output::Correlate(Correlated {
                event_id: ix.event_id(i),
                label: ix.label(i),
                time: ix.time(i),
                window_ms: *window,
                related: correlate::correlate(ix, i, *window, *threshold, *max_results),
            })
        }
        AuditAction::Timeline { operation_id, .. } => {
            Output::Timeline(correlate::timeline(ix, operation_id).ok_or_else(|| {
                DataError(format!(
                    "no events belong to operation {operation_id:?} in {} events read; `audit-analytics stats --group-by operation --top 0` lists the operation ids",
                    ix.len()
                ))
            })?)
        }
        AuditAction::Causation {
            event_id,
            max_depth,
            ..
        } => Output::Causation(correlate::causation(ix, find_event(l, event_id)?, *max_depth)),
        AuditAction::Impact {
            event_id, window, ..
        } => Output::Impact(correlate::impact(ix, find_event(l, event_id)?, *window)),
        AuditAction::Compliance {
            policy,
            max_violations,
            ..
        } => {
            let p = load_policy(cfg, policy.as_deref())?;
            Output::Compliance(ipfs_kit_audit::compliance::evaluate(
                ix,
                range,
                &p,
                l.local,
                l.now.timestamp_millis(),
                *max_violations,
            ))
        }
        AuditAction::Stats { group_by, top, .. } => {
            let by: GroupBy = group_by
                .parse()
                .map_err(|e: stats::UnknownField| UsageError::new("--group-by", group_by, e.to_string()))?;
            let mut s = stats::group(ix, range, &by);
            if *top > 0 {
                s.groups.truncate(*top);
            }
            Output::Stats(s)
        }
        AuditAction::Trends { metric, period, .. } => {
            let m: Metric = metric
                .parse()
                .map_err(|e: trends::TrendArgError| UsageError::new("--metric", metric, e.to_string()))?;
            let p: Period = period
                .parse()
                .map_err(|e: trends::TrendArgError| UsageError::new("--period", period, e.to_string()))?;
            Output::Trends(trends::trend(ix, range, m, p, l.local))
        }
        AuditAction::Report {
            common,
            kind,
            format,
            policy,
            operation_id,
            threshold,
            ..
        } => {
            parse_format(format, common.json)?;
            let k: ReportKind = kind
                .parse()
                .map_err(|e: report::ReportError| UsageError::new("--type", kind, e.to_string()))?;
            let p = match k {
                ReportKind::Compliance => Some(load_policy(cfg, policy.as_deref())?),
                _ => None,
            };
            let input = report::Input {
                ix,
                range,
                local: l.local,
                now_ms: l.now.timestamp_millis(),
                policy: p.as_ref(),
                operation_id: operation_id.as_deref(),
                anomaly: anomaly_config(l, *threshold),
                max_violations: 1000,
            };
            Output::Report(report::build(k, &input).map_err(|e| match e {
                report::ReportError::NoOperation => {
                    anyhow::Error::from(UsageError::new("--type", kind, e.to_string()))
                }
                other => DataError(other.to_string()).into(),
            })?)
        }
        AuditAction::Schema | AuditAction::Verify(_) => unreachable!("handled before loading"),
    })
}

fn anomaly_config(l: &Loaded, threshold: f64) -> AnomalyConfig {
    AnomalyConfig {
        threshold,
        local: l.local,
        ..AnomalyConfig::default()
    }
}

fn parse_format(format: &str, json: bool) -> anyhow::Result<Format> {
    if json {
        return Ok(Format::Json);
    }
    Ok(match format {
        "json" => Format::Json,
        "csv" => Format::Csv,
        "text" => Format::Text,
        "html" => Format::Html,
        _ => {
            return Err(UsageError::new("--format", format, "use json, csv, text or html").into());
        }
    })
}

fn find_event(l: &Loaded, id: &str) -> anyhow::Result<usize> {
    l.ix.lookup(id).ok_or_else(|| {
        DataError(format!(
            "no event {id:?} among the {} events read from {}; ids are shown by `ipfs-kit history --json` (event_id) or as FILE:LINE",
            l.ix.len(),
            if l.sources.is_empty() { "nothing".to_string() } else { l.sources.join(", ") }
        ))
        .into()
    })
}

/// --policy, else `[audit] policy`, else the built-in example; errors carry file:line:col.
fn load_policy(cfg: &Config, flag: Option<&std::path::Path>) -> anyhow::Result<Policy> {
    let (name, text) = match flag.or(cfg.audit.policy.as_deref()) {
        Some(p) => (
            p.display().to_string(),
            std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the policy {}", p.display()))
                .map_err(|e| DataError(format!("{e:#}")))?,
        ),
        None => (
            "built-in example policy (assets/audit-policy.example.toml)".to_string(),
            EXAMPLE_POLICY.to_string(),
        ),
    };
    Policy::parse(&name, &text).map_err(|e| DataError(e.to_string()).into())
}

fn write_report(
    text: &str,
    to: Option<&std::path::Path>,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<u8> {
    match to {
        Some(p) => {
            crate::atomic_file::write(p, text.as_bytes())
                .with_context(|| format!("cannot write the report to {}", p.display()))?;
            crate::say!(
                "ipfs-kit: report written to {} ({} bytes)",
                p.display(),
                text.len()
            );
        }
        // CSV, HTML and JSON are data, not terminal text; the text report is sanitised.
        None => {
            out.write_all(term::multi_line(text).as_bytes())?;
        }
    }
    Ok(0)
}
