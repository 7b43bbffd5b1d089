//! The run: items sent with at most `jobs` in flight, each within the per-item timeout; a
//! line of the report per finished item; `--fail-fast` and Ctrl-C stop sending; a
//! transaction's compensating rollback at the end.
//!
//! On `--fail-fast` the items in flight finish (each is bounded by the timeout): their pins
//! are real and reported as such. On Ctrl-C they are cancelled (the HTTP request dropped;
//! Kubo cancels its pin with it) and reported `skipped`, so `--resume` sends them again —
//! except with `--transaction`, where they finish too: a cancelled call may still have
//! pinned, and the rollback must know exactly what this run pinned.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::backend::{Backend, PinOptions, PrevPin};
use super::cid::Cid;
use super::input::Item;
use super::progress::Progress;
use super::report::{Op, Outcome, ReportLine, ReportWriter};
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};

/// Failures said on stderr as they happen; the rest are in the report.
const SAY_FAILURES: usize = 20;

#[derive(Clone, Debug)]
pub struct Options {
    pub op: Op,
    pub jobs: usize,
    pub timeout: Duration,
    pub fail_fast: bool,
    pub transaction: bool,
    pub pin: PinOptions,
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Pinned (for `rm`: unpinned) by this run, rollbacks not subtracted.
    pub done: usize,
    /// Already in the state asked for: pinned before (`add`), or not pinned (`rm`).
    pub already: usize,
    pub failed: usize,
    /// Not sent, or cancelled in flight.
    pub skipped: usize,
    pub rolled_back: usize,
    /// Rollbacks that failed: those pins are still there (or still gone, for `rm`).
    pub rollback_failed: usize,
    pub interrupted: bool,
    pub fail_fast_stopped: bool,
    pub duration: Duration,
    /// (line, target, error) of the first failures.
    pub failures: Vec<(usize, String, String)>,
}

impl Summary {
    /// Items that reached the daemon and came back, per second.
    pub fn rate(&self) -> f64 {
        (self.done + self.already + self.failed) as f64 / self.duration.as_secs_f64().max(1e-3)
    }
}

/// How one item ended.
enum ItemResult {
    /// The CID acted on, and whether it was already in the state asked for.
    Ok(Cid, bool),
    Failed(String, String),
    Cancelled,
}

/// Shared by every item's task.
struct Ctx {
    backend: Backend,
    existing: HashMap<Vec<u8>, PrevPin>,
    opts: Options,
}

pub struct Run<'a> {
    pub backend: Backend,
    pub existing: HashMap<Vec<u8>, PrevPin>,
    pub opts: Options,
    pub report: &'a mut ReportWriter,
    pub progress: &'a mut Progress,
    pub ops: Option<&'a OpHistory>,
    /// The run's operation id in the history: each item's entry names it.
    pub run_id: String,
}

type Interrupt = Pin<Box<dyn Future<Output = ()> + Send>>;

impl Run<'_> {
    pub async fn go(self, items: Vec<Item>, mut interrupt: Interrupt) -> std::io::Result<Summary> {
        let started = Instant::now();
        let Run {
            backend,
            existing,
            opts,
            report,
            progress,
            ops,
            run_id,
        } = self;
        let via = backend.via.as_str();
        let ctx = Arc::new(Ctx {
            backend,
            existing,
            opts: opts.clone(),
        });
        let (cancel_tx, cancel_rx) = watch::channel(false);
        let mut queue: VecDeque<Item> = items.into();
        let mut set: JoinSet<(Item, ItemResult, Duration)> = JoinSet::new();
        let mut sum = Summary::default();
        // Pins this run made (for `rm`: removed), with what they were, for a rollback.
        let mut changed: Vec<(Item, Cid)> = Vec::new();
        let mut stopping = false;
        loop {
            while !stopping && set.len() < opts.jobs.max(1) {
                let Some(item) = queue.pop_front() else { break };
                let (ctx, mut cancel) = (ctx.clone(), cancel_rx.clone());
                set.spawn(async move {
                    let t0 = Instant::now();
                    let r = tokio::select! {
                        r = one(&ctx, &item) => r,
                        _ = cancel.wait_for(|c| *c) => ItemResult::Cancelled,
                    };
                    (item, r, t0.elapsed())
                });
            }
            if set.is_empty() {
                break;
            }
            let joined = tokio::select! {
                biased;
                () = &mut interrupt, if !sum.interrupted => {
                    sum.interrupted = true;
                    stopping = true;
                    if opts.transaction {
                        progress.say("ipfs-kit: interrupted: sending nothing more; the items in \
                            flight finish (within --timeout), then the transaction rolls back");
                    } else {
                        let _ = cancel_tx.send(true);
                        progress.say("ipfs-kit: interrupted: sending nothing more, cancelling \
                            what is in flight");
                    }
                    continue;
                }
                j = set.join_next() => j,
            };
            let Some(joined) = joined else { continue };
            let (item, r, took) = match joined {
                Ok(x) => x,
                Err(e) => {
                    // A panicked task: its item is unaccounted for; say so rather than hide it.
                    progress.say(&format!("ipfs-kit: internal error in an item's task: {e}"));
                    continue;
                }
            };
            let (line, failed) = report_line(&item, &r, took, opts.op, via);
            report.write(&line)?;
            progress.item(failed);
            match r {
                ItemResult::Ok(cid, already) => {
                    if already {
                        sum.already += 1;
                    } else {
                        sum.done += 1;
                        record(
                            ops, &run_id, opts.op, &cid.text, via, item.line, None, false, took,
                        );
                        changed.push((item, cid));
                    }
                }
                ItemResult::Failed(cid, e) => {
                    sum.failed += 1;
                    if sum.failures.len() < SAY_FAILURES {
                        progress.say(&format!(
                            "ipfs-kit: line {} ({}): {e}",
                            item.line,
                            item.target()
                        ));
                        sum.failures
                            .push((item.line, item.target().to_string(), e.clone()));
                    }
                    record(
                        ops,
                        &run_id,
                        opts.op,
                        &cid,
                        via,
                        item.line,
                        Some(&e),
                        false,
                        took,
                    );
                    if opts.fail_fast && !stopping {
                        stopping = true;
                        sum.fail_fast_stopped = true;
                        progress.say(&format!(
                            "ipfs-kit: --fail-fast: stopping after the failure on line {}; \
                             the {} item(s) in flight finish",
                            item.line,
                            set.len()
                        ));
                    }
                }
                ItemResult::Cancelled => sum.skipped += 1,
            }
        }
        let why = if sum.interrupted {
            "not sent: interrupted (Ctrl-C); --resume sends it"
        } else {
            "not sent: --fail-fast stopped the run after a failure; --resume sends it"
        };
        for item in queue {
            sum.skipped += 1;
            let line = ReportLine {
                cid: item.cid.text.clone(),
                path: item.path.clone(),
                line: item.line,
                op: opts.op,
                outcome: Outcome::Skipped,
                error: Some(why.into()),
                duration_ms: 0,
                already_pinned: false,
                via: via.into(),
            };
            report.write(&line)?;
        }
        progress.finish();
        if opts.transaction && (sum.failed > 0 || sum.interrupted) && !changed.is_empty() {
            rollback(&ctx, changed, report, ops, &run_id, &mut sum).await?;
        }
        sum.duration = started.elapsed();
        Ok(sum)
    }
}

/// One item: resolve a path, skip what is already as asked, else pin (or unpin).
async fn one(ctx: &Ctx, item: &Item) -> ItemResult {
    let work = async {
        let cid = match &item.path {
            Some(p) => ctx
                .backend
                .resolve(p)
                .await
                .map_err(|e| (item.cid.text.clone(), e))?,
            None => item.cid.clone(),
        };
        let was = ctx.existing.contains_key(&cid.bytes);
        let fail = |e: crate::sources::http::ApiError| (cid.text.clone(), e.to_string());
        match (ctx.opts.op, was) {
            (Op::Add, true) | (Op::Rm, false) => return Ok((cid, true)),
            (Op::Add, false) => ctx
                .backend
                .pin(&cid.text, &ctx.opts.pin)
                .await
                .map_err(fail)?,
            (Op::Rm, true) => ctx.backend.unpin(&cid.text).await.map_err(fail)?,
        }
        Ok((cid, false))
    };
    match tokio::time::timeout(ctx.opts.timeout, work).await {
        Ok(Ok((cid, already))) => ItemResult::Ok(cid, already),
        Ok(Err((cid, e))) => ItemResult::Failed(cid, e),
        Err(_) => ItemResult::Failed(
            item.cid.text.clone(),
            format!(
                "timed out after {} (--timeout): no peer provided the content in time, or the \
                 daemon is overloaded",
                humantime::format_duration(ctx.opts.timeout)
            ),
        ),
    }
}

fn report_line(
    item: &Item,
    r: &ItemResult,
    took: Duration,
    op: Op,
    via: &str,
) -> (ReportLine, bool) {
    let (cid, outcome, error, already) = match r {
        ItemResult::Ok(cid, already) => (cid.text.clone(), Outcome::Ok, None, *already),
        ItemResult::Failed(cid, e) => (cid.clone(), Outcome::Failed, Some(e.clone()), false),
        ItemResult::Cancelled => (
            item.cid.text.clone(),
            Outcome::Skipped,
            Some("cancelled in flight by Ctrl-C; --resume sends it again".to_string()),
            false,
        ),
    };
    // For `rm`, `already_pinned` says whether there was a pin to remove.
    let already_pinned = match op {
        Op::Add => already,
        Op::Rm => matches!(r, ItemResult::Ok(_, false)),
    };
    let line = ReportLine {
        cid,
        path: item.path.clone(),
        line: item.line,
        op,
        outcome,
        error,
        duration_ms: took.as_millis().min(u128::from(u64::MAX)) as u64,
        already_pinned,
        via: via.to_string(),
    };
    (line, outcome == Outcome::Failed)
}

/// Undoes what this run changed (neither Kubo nor Cluster has transactions): unpins what it
/// pinned, re-pins (with the earlier name and replication) what it unpinned. What existed
/// before the run is never touched.
async fn rollback(
    ctx: &Arc<Ctx>,
    changed: Vec<(Item, Cid)>,
    report: &mut ReportWriter,
    ops: Option<&OpHistory>,
    run_id: &str,
    sum: &mut Summary,
) -> std::io::Result<()> {
    let via = ctx.backend.via.as_str();
    let undo = |(item, cid): (Item, Cid)| {
        let ctx = ctx.clone();
        async move {
            let t0 = Instant::now();
            let call = async {
                match ctx.opts.op {
                    Op::Add => ctx.backend.unpin(&cid.text).await,
                    Op::Rm => {
                        let prev = ctx.existing.get(&cid.bytes).cloned().unwrap_or_default();
                        ctx.backend.pin(&cid.text, &prev.options()).await
                    }
                }
            };
            let r = match tokio::time::timeout(ctx.opts.timeout, call).await {
                Ok(r) => r.map_err(|e| e.to_string()),
                Err(_) => Err("timed out (--timeout)".to_string()),
            };
            (item, cid, r, t0.elapsed())
        }
    };
    let mut done = futures_util::stream::iter(changed)
        .map(undo)
        .buffer_unordered(ctx.opts.jobs.max(1));
    let undo_op = match ctx.opts.op {
        Op::Add => Op::Rm,
        Op::Rm => Op::Add,
    };
    while let Some((item, cid, r, took)) = done.next().await {
        match r {
            Ok(()) => {
                sum.rolled_back += 1;
                report.write(&ReportLine {
                    cid: cid.text.clone(),
                    path: item.path.clone(),
                    line: item.line,
                    op: ctx.opts.op,
                    outcome: Outcome::RolledBack,
                    error: Some("rolled back by --transaction (compensating undo)".into()),
                    duration_ms: took.as_millis().min(u128::from(u64::MAX)) as u64,
                    already_pinned: false,
                    via: via.into(),
                })?;
                record(
                    ops, run_id, undo_op, &cid.text, via, item.line, None, true, took,
                );
            }
            Err(e) => {
                sum.rollback_failed += 1;
                crate::say!(
                    "ipfs-kit: rollback of line {} ({}) failed: {e}; it is left {}",
                    item.line,
                    cid.text,
                    if ctx.opts.op == Op::Add {
                        "pinned"
                    } else {
                        "unpinned"
                    }
                );
                record(
                    ops,
                    run_id,
                    undo_op,
                    &cid.text,
                    via,
                    item.line,
                    Some(&e),
                    true,
                    took,
                );
            }
        }
    }
    Ok(())
}

/// One history entry per pin changed (or failed): the same `pin.add`/`pin.remove` entries a
/// single pin writes, with the run's operation id. Items already as asked change nothing
/// and get none. One append each (no fsync), ~420 bytes; 1,000 took 129 ms in a debug build.
#[allow(clippy::too_many_arguments)]
fn record(
    ops: Option<&OpHistory>,
    run_id: &str,
    op: Op,
    cid: &str,
    via: &str,
    line: usize,
    error: Option<&str>,
    rollback: bool,
    took: Duration,
) {
    let action = match op {
        Op::Add => "pin.add",
        Op::Rm => "pin.remove",
    };
    // Timed like a single pin (the performance monitor's `pin.add`/`pin.remove`).
    crate::perf::record(action, took, error.is_none());
    let Some(ops) = ops else { return };
    let mut entry = NewOp::new(EventType::Data, action)
        .resource("pin", cid.to_string())
        .detail("via", via)
        .detail("bulk_run", run_id.to_string())
        .detail("line", line);
    if rollback {
        entry = entry.detail("rollback", true);
    }
    let status = match error {
        Some(e) => {
            entry = entry.detail("error", e.to_string());
            OpStatus::Failed
        }
        None => OpStatus::Ok,
    };
    let _ = ops.record_timed(entry, status, took);
}
