//! `ipfs-kit pin add|rm --from FILE`: read and check the list, connect, run, summarise.
//!
//! Exit codes: 0 every item done; 1 some failed (or a rollback did); 65 bad lines (nothing
//! sent); 66 the list or the resume report cannot be read; 69 neither Cluster nor Kubo
//! answers; 73 the report file cannot be created; 130 interrupted (the report is complete:
//! `--resume` with it finishes the rest).

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use tokio::signal::unix::{SignalKind, signal};

use super::open_history;
use crate::bulk::backend::{Backend, PinOptions};
use crate::bulk::progress::Progress;
use crate::bulk::report::{Op, ReportWriter, Resume};
use crate::bulk::run::{Options, Run, Summary};
use crate::bulk::stats::{self, Failure, LastRun};
use crate::bulk::{DEFAULT_JOBS, input};
use crate::cli::BulkArgs;
use crate::config::Config;
use crate::locate::locate;
use crate::ophistory::{EventType, NewOp};
use crate::pins::PinVia;

const EX_DATAERR: u8 = 65;
const EX_NOINPUT: u8 = 66;
const EX_UNAVAILABLE: u8 = 69;
const EX_CANTCREAT: u8 = 73;
const EX_INTERRUPTED: u8 = 130;

/// Per-item limit when `--timeout` is not given: long enough for a big DAG from a peer,
/// short enough that a CID nobody has does not hold a job for ever.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

pub async fn run(cfg: &mut Config, op: Op, args: &BulkArgs) -> anyhow::Result<u8> {
    // Ctrl-C handlers first: a signal from now on is a clean stop, not a kill.
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let started = Utc::now();
    let from = args.from.as_deref().unwrap_or(Path::new("-"));
    let shown = if from == Path::new("-") {
        "<stdin>".to_string()
    } else {
        from.display().to_string()
    };
    let label = format!("pin {}", op.as_str());

    let text = match read_input(from) {
        Ok(t) => t,
        Err(e) => {
            crate::say!("ipfs-kit: cannot read {shown}: {e}");
            return Ok(EX_NOINPUT);
        }
    };
    let parsed = input::parse(&text);
    if !parsed.bad.is_empty() {
        for b in &parsed.bad {
            crate::say!("{shown}:{}: {:?} {}", b.line, b.text, b.problem);
        }
        crate::say!(
            "ipfs-kit: {} bad line(s) in {shown}; nothing was sent. Fix them, or comment them \
             out with #, and run again.",
            parsed.bad.len()
        );
        return Ok(EX_DATAERR);
    }
    for (line, first) in &parsed.duplicates {
        crate::say!("ipfs-kit: {shown}:{line}: repeats line {first}; done once");
    }
    let total = parsed.items.len();
    let mut items = parsed.items;
    let mut resumed_done = 0;
    if let Some(r) = &args.resume {
        let resume = match Resume::read(r) {
            Ok(x) => x,
            Err(e) => {
                crate::say!("ipfs-kit: cannot read the report {}: {e}", r.display());
                return Ok(EX_NOINPUT);
            }
        };
        for w in &resume.warnings {
            crate::say!("ipfs-kit: resume: skipped an unreadable line: {w}");
        }
        if !resume.is_empty() && resume.count(op) == 0 {
            crate::say!(
                "ipfs-kit: {} has no `pin {}` lines (is it the report of another command?)",
                r.display(),
                op.as_str()
            );
        }
        items.retain(|i| !resume.is_done(op, i.target()));
        resumed_done = total - items.len();
        crate::say!(
            "ipfs-kit: resuming from {}: {resumed_done} of {total} done before, {} to go",
            r.display(),
            items.len()
        );
    }
    let mut report = match open_report(args) {
        Ok(w) => w,
        Err(e) => {
            let p = args.report.as_deref().unwrap_or(Path::new("-"));
            crate::say!("ipfs-kit: cannot write the report {}: {e}", p.display());
            return Ok(EX_CANTCREAT);
        }
    };

    let timeout = args.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let jobs = args.jobs.map_or(DEFAULT_JOBS, usize::from);
    locate(cfg).await;
    let backend = match Backend::connect(cfg, timeout).await {
        Ok(b) => b,
        Err(e) => {
            crate::say!("ipfs-kit: {e}");
            return Ok(EX_UNAVAILABLE);
        }
    };
    let via = backend.via.as_str();
    let existing = match backend.existing().await {
        Ok(x) => x,
        Err(e) => {
            crate::say!(
                "ipfs-kit: cannot list the pins through {via} ({e}); nothing was sent. Is the \
                 daemon running? (`ipfs-kit daemon status`)"
            );
            return Ok(EX_UNAVAILABLE);
        }
    };
    if backend.via == PinVia::Kubo
        && (args.replication_min.is_some() || args.replication_max.is_some())
    {
        crate::say!(
            "ipfs-kit: no Cluster answers, pinning through Kubo: --replication-min/max apply \
             to Cluster only and are ignored"
        );
    }
    if args.transaction {
        crate::say!(
            "ipfs-kit: --transaction: neither Kubo nor Cluster has transactions. On a failure \
             (or Ctrl-C) this run undoes its own changes, a compensating rollback: it {} \
             exactly what it {}; pins that existed before stay as they were.",
            if op == Op::Add { "unpins" } else { "re-pins" },
            if op == Op::Add { "pinned" } else { "unpinned" },
        );
    }

    let ops = open_history(cfg);
    let mut guard = ops.as_ref().map(|h| {
        h.start(
            NewOp::new(EventType::Data, format!("pin.bulk_{}", op.as_str()))
                .resource("pin_list", shown.clone())
                .detail("items", items.len())
                .detail("via", via)
                .detail("jobs", jobs)
                .detail("transaction", args.transaction)
                .detail("fail_fast", args.fail_fast),
        )
    });
    let run_id = guard
        .as_ref()
        .map(|g| g.operation_id().to_string())
        .unwrap_or_default();
    let mut progress = Progress::new(items.len(), &label);
    let interrupt = Box::pin(async move {
        tokio::select! {
            _ = sigint.recv() => {}
            _ = sigterm.recv() => {}
        }
    });
    let opts = Options {
        op,
        jobs,
        timeout,
        fail_fast: args.fail_fast,
        transaction: args.transaction,
        pin: PinOptions {
            name: args.name.clone(),
            replication_min: args.replication_min,
            replication_max: args.replication_max,
        },
    };
    let sum = Run {
        backend,
        existing,
        opts,
        report: &mut report,
        progress: &mut progress,
        ops: ops.as_ref(),
        run_id,
    }
    .go(items, interrupt)
    .await?;

    say_summary(op, &label, &shown, via, &sum, resumed_done, args);
    let code = if sum.interrupted {
        EX_INTERRUPTED
    } else if sum.failed > 0 || sum.rollback_failed > 0 {
        1
    } else {
        0
    };
    if let Some(g) = guard.as_mut() {
        g.detail("done", sum.done)
            .detail("already", sum.already)
            .detail("failed", sum.failed)
            .detail("skipped", sum.skipped)
            .detail("rolled_back", sum.rolled_back)
            .detail("interrupted", sum.interrupted)
            .detail("report", report_name(args));
    }
    if let Some(g) = guard {
        let _ = if code == 0 {
            g.ok()
        } else {
            g.fail(format!("{} failed, {} skipped", sum.failed, sum.skipped))
        };
    }
    let last = LastRun {
        schema_version: 1,
        op,
        via: via.to_string(),
        started,
        duration_ms: sum.duration.as_millis().min(u128::from(u64::MAX)) as u64,
        total,
        done: sum.done,
        already: sum.already,
        failed: sum.failed,
        skipped: sum.skipped,
        rolled_back: sum.rolled_back,
        rollback_failed: sum.rollback_failed,
        resumed_done,
        rate_per_s: sum.rate(),
        jobs,
        transaction: args.transaction,
        fail_fast: args.fail_fast,
        interrupted: sum.interrupted,
        exit_code: code,
        input: shown,
        report: args.report.as_ref().map(|p| p.display().to_string()),
        failures: sum
            .failures
            .iter()
            .map(|(line, target, error)| Failure {
                line: *line,
                target: target.clone(),
                error: error.clone(),
            })
            .collect(),
    };
    if let Err(e) = stats::write(&cfg.state_dir, &last) {
        crate::say!(
            "ipfs-kit: cannot save the run's summary in {}: {e}",
            stats::path(&cfg.state_dir).display()
        );
    }
    Ok(code)
}

fn read_input(from: &Path) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    if from == Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(from)?;
    }
    // Invalid UTF-8 becomes U+FFFD, which the line check reports with its line number.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The report file, appended to when it is the report being resumed (the whole story in one
/// file), else created afresh; stdout without `--report`.
fn open_report(args: &BulkArgs) -> std::io::Result<ReportWriter> {
    let Some(path) = &args.report else {
        return Ok(ReportWriter::stdout());
    };
    let same = args.resume.as_ref().is_some_and(|r| {
        match (std::fs::canonicalize(r), std::fs::canonicalize(path)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    });
    ReportWriter::file(path, same)
}

fn report_name(args: &BulkArgs) -> String {
    args.report
        .as_ref()
        .map_or("stdout".to_string(), |p| p.display().to_string())
}

fn say_summary(
    op: Op,
    label: &str,
    shown: &str,
    via: &str,
    sum: &Summary,
    resumed_done: usize,
    args: &BulkArgs,
) {
    let (done, already) = match op {
        Op::Add => ("pinned", "already pinned"),
        Op::Rm => ("unpinned", "not pinned"),
    };
    let resumed = if resumed_done > 0 {
        format!(", done before (--resume) {resumed_done}")
    } else {
        String::new()
    };
    crate::say!(
        "ipfs-kit: {label} --from {shown} through {via}: {done} {}, {already} {}, failed {}, \
         skipped {}{resumed}; {:.1}/s, {:.2} s",
        sum.done,
        sum.already,
        sum.failed,
        sum.skipped,
        sum.rate(),
        sum.duration.as_secs_f64()
    );
    if sum.rolled_back > 0 || sum.rollback_failed > 0 {
        crate::say!(
            "ipfs-kit: rolled back (a compensating undo, not a daemon transaction): {} {} \
             this run made undone{}; pins that existed before were not touched",
            sum.rolled_back,
            if sum.rolled_back == 1 {
                "change"
            } else {
                "changes"
            },
            if sum.rollback_failed > 0 {
                format!(
                    ", {} could not be undone (named above)",
                    sum.rollback_failed
                )
            } else {
                String::new()
            }
        );
    }
    if sum.interrupted || sum.fail_fast_stopped || sum.failed > 0 {
        let r = args
            .report
            .as_ref()
            .map_or("REPORT (the report printed on stdout)".to_string(), |p| {
                p.display().to_string()
            });
        crate::say!(
            "ipfs-kit: to finish the rest: ipfs-kit pin {} --from {shown} --resume {r}{}",
            op.as_str(),
            if args.report.is_some() {
                format!(" --report {r}")
            } else {
                String::new()
            }
        );
    }
}
