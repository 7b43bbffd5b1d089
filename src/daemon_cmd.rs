//! `ipfs-kit daemon start|stop|restart|status` and `ipfs-kit supervise`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::ophistory::{self, EventType, NewOp, OpHistory, OpStatus};
use crate::supervisor::LaunchError;
use crate::supervisor::manager::{Event, Supervisor};
use crate::supervisor::pidfile;
use crate::supervisor::spec::SupervisorConfig;
use crate::supervisor::status::{DaemonState, DaemonStatus};
use crate::supervisor::tools::Tools;

/// What a running `supervise` (or dashboard) publishes for other ipfs-kit processes.
#[derive(Debug, Serialize, Deserialize)]
pub struct SupervisorState {
    pub pid: u32,
    pub updated_at: DateTime<Utc>,
    pub daemons: Vec<DaemonStatus>,
}

pub fn state_file(state_dir: &Path) -> PathBuf {
    state_dir.join("daemons").join("supervisor.json")
}

pub fn write_state(state_dir: &Path, daemons: Vec<DaemonStatus>) {
    let st = SupervisorState {
        pid: std::process::id(),
        updated_at: Utc::now(),
        daemons,
    };
    let path = state_file(state_dir);
    if let (Some(dir), Ok(text)) = (path.parent(), serde_json::to_vec_pretty(&st)) {
        let _ = std::fs::create_dir_all(dir);
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(tmp, path);
        }
    }
}

/// The published state of a live supervisor, if one runs.
pub fn read_state(state_dir: &Path) -> Option<SupervisorState> {
    let text = std::fs::read_to_string(state_file(state_dir)).ok()?;
    let st: SupervisorState = serde_json::from_str(&text).ok()?;
    (st.pid != std::process::id() && pidfile::is_alive(st.pid)).then_some(st)
}

fn supervisor(cfg: &Config) -> Result<Supervisor, LaunchError> {
    Ok(Supervisor::new(
        SupervisorConfig::from_config(cfg),
        Tools::find()?,
    ))
}

pub fn print_event(e: &Event) {
    let took = e
        .duration
        .map_or(String::new(), |d| format!(" in {:.1}s", d.as_secs_f64()));
    let mark = if e.ok { "" } else { " (failed)" };
    eprintln!(
        "ipfs-kit: {} {}{mark}{took}: {}",
        e.daemon,
        e.kind.as_str(),
        e.detail
    );
}

/// The operation history under the state dir; a failure to open it is reported, not fatal.
pub fn open_history(cfg: &Config) -> Option<OpHistory> {
    match OpHistory::open(&cfg.op_history.options(cfg.state_dir.clone())) {
        Ok((h, warnings)) => {
            for w in warnings {
                eprintln!("ipfs-kit: history: {w:?}");
            }
            Some(h)
        }
        Err(e) => {
            eprintln!("ipfs-kit: operation history not kept: {e}");
            None
        }
    }
}

/// Puts a supervisor event into the operation history.
pub fn record_event(ops: Option<&OpHistory>, e: &Event) {
    let Some(ops) = ops else { return };
    let op = NewOp::new(EventType::System, format!("daemon.{}", e.kind.as_str()))
        .resource("daemon", e.daemon.clone())
        .detail("message", e.detail.clone());
    let status = if e.ok { OpStatus::Ok } else { OpStatus::Failed };
    let _ = match e.duration {
        Some(d) => ops.record_timed(op, status, d),
        None => ops.record(op, status),
    };
}

/// Prints events and records them.
fn report(ops: Option<&OpHistory>, events: &[Event]) {
    for e in events {
        print_event(e);
        record_event(ops, e);
    }
}

/// Records a failed command (the error ended it before any event).
fn record_failure(ops: Option<&OpHistory>, action: &str, which: &str, err: &dyn std::fmt::Display) {
    if let Some(ops) = ops {
        let op = NewOp::new(EventType::System, format!("daemon.{action}"))
            .resource("daemon", which.to_string())
            .detail("error", err.to_string());
        let _ = ops.record(op, OpStatus::Failed);
    }
}

/// `daemon start`: starts (or adopts) and leaves them running after this command exits.
pub async fn start(cfg: &Config, which: &str, init: bool, json: bool) -> anyhow::Result<u8> {
    let mut sup = supervisor(cfg)?;
    let ops = open_history(cfg);
    let result = sup.start(which, init).await;
    let code = match &result {
        Ok(events) => {
            report(ops.as_ref(), events);
            0
        }
        Err(e) => {
            eprintln!("ipfs-kit: {e}");
            record_failure(ops.as_ref(), "start", which, e);
            1
        }
    };
    sup.detach_all();
    print_status(&sup.status(), which, json)?;
    Ok(code)
}

pub async fn stop(cfg: &Config, which: &str, json: bool) -> anyhow::Result<u8> {
    let mut sup = supervisor(cfg)?;
    let ops = open_history(cfg);
    let events = sup.stop(which).await?;
    if events.is_empty() {
        eprintln!("ipfs-kit: nothing to stop ({which} not running)");
    }
    report(ops.as_ref(), &events);
    print_status(&sup.status(), which, json)?;
    Ok(0)
}

pub async fn restart(cfg: &Config, which: &str, json: bool) -> anyhow::Result<u8> {
    let mut sup = supervisor(cfg)?;
    let ops = open_history(cfg);
    report(ops.as_ref(), &sup.stop(which).await?);
    let code = match sup.start(which, false).await {
        Ok(events) => {
            report(ops.as_ref(), &events);
            0
        }
        Err(e) => {
            eprintln!("ipfs-kit: {e}");
            record_failure(ops.as_ref(), "restart", which, &e);
            1
        }
    };
    sup.detach_all();
    print_status(&sup.status(), which, json)?;
    Ok(code)
}

/// `daemon status`: a live supervisor's view when one runs, else what is found running.
/// Exit 0 when every daemon asked about is ready, 1 when any is not, 2 when any failed.
pub async fn status(cfg: &Config, which: &str, json: bool) -> anyhow::Result<u8> {
    let statuses = match read_state(&cfg.state_dir) {
        // The file is rewritten on changes, not every second: uptimes are counted here.
        Some(st) => st
            .daemons
            .into_iter()
            .map(|mut d| {
                d.uptime_secs = d
                    .started_at
                    .filter(|_| d.state.is_running())
                    .map(|t| (Utc::now() - t).num_seconds().max(0).unsigned_abs());
                d
            })
            .collect(),
        None => {
            let mut sup = supervisor(cfg)?;
            sup.resolve(which)?;
            sup.discover().await;
            sup.status()
        }
    };
    let shown = print_status(&statuses, which, json)?;
    Ok(if shown.iter().any(|s| s.state == DaemonState::Failed) {
        2
    } else if shown.iter().all(|s| s.state == DaemonState::Ready) {
        0
    } else {
        1
    })
}

fn print_status(
    all: &[DaemonStatus],
    which: &str,
    json: bool,
) -> anyhow::Result<Vec<DaemonStatus>> {
    let shown: Vec<DaemonStatus> = all
        .iter()
        .filter(|s| which == "all" || s.name == which)
        .cloned()
        .collect();
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &shown)?;
        writeln!(out)?;
        return Ok(shown);
    }
    for s in &shown {
        let pid = s.pid.map_or("-".to_string(), |p| p.to_string());
        let up = s.uptime_secs.map_or("-".to_string(), |u| {
            humantime::format_duration(Duration::from_secs(u)).to_string()
        });
        let ports: Vec<String> = s
            .ports
            .iter()
            .map(|p| format!("{}:{}", p.name, p.port))
            .collect();
        writeln!(
            out,
            "{:<8} {:<11} pid {:<7} up {:<10} restarts {}{}  ports {}",
            s.name,
            s.state.as_str(),
            pid,
            up,
            s.restarts,
            if s.adopted { " (adopted)" } else { "" },
            if ports.is_empty() {
                "-".to_string()
            } else {
                ports.join(" ")
            },
        )?;
        if let Some(api) = &s.api {
            writeln!(out, "         api {api}")?;
        }
        if let Some(e) = &s.last_exit {
            writeln!(out, "         last exit: {e}")?;
        }
        if let Some(m) = &s.message {
            writeln!(out, "         {m}")?;
        }
    }
    Ok(shown)
}

/// `supervise`: foreground supervisor for a service manager. Starts (or adopts) everything,
/// restarts crashes within the budget, and on SIGTERM/SIGINT/SIGHUP stops what it runs
/// (unless `leave_running`).
pub async fn supervise(cfg: &Config, init: bool, leave_running: bool) -> anyhow::Result<u8> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sup = supervisor(cfg)?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let ops = open_history(cfg);
    match sup.start("all", init).await {
        Ok(events) => report(ops.as_ref(), &events),
        Err(e) => {
            eprintln!("ipfs-kit: {e}");
            record_failure(ops.as_ref(), "start", "all", &e);
            report(ops.as_ref(), &sup.stop("all").await?);
            return Ok(1);
        }
    }
    write_state(&cfg.state_dir, sup.status());
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                let events = sup.tick().await;
                report(ops.as_ref(), &events);
                write_state(&cfg.state_dir, sup.status());
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => break,
        }
    }
    if leave_running {
        sup.detach_all();
    } else {
        report(ops.as_ref(), &sup.stop("all").await?);
    }
    let _ = std::fs::remove_file(state_file(&cfg.state_dir));
    Ok(0)
}

/// `ipfs-kit history`: the operation history, newest first.
pub fn history(
    cfg: &Config,
    status: Option<&str>,
    since: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<u8> {
    let now = Utc::now();
    let filter = ophistory::Filter {
        status: status
            .map(|s| s.parse::<OpStatus>())
            .transpose()
            .map_err(|e| anyhow::anyhow!("--status: {e}"))?,
        since: since
            .map(|s| ophistory::parse_since(s, now))
            .transpose()
            .map_err(|e| anyhow::anyhow!("--since: {e}"))?,
        limit: Some(limit),
    };
    let result = ophistory::query(&cfg.state_dir, &filter)?;
    for w in &result.warnings {
        eprintln!(
            "ipfs-kit: history: skipped {}:{}: {}",
            w.file.display(),
            w.line,
            w.message
        );
    }
    let mut out = std::io::stdout().lock();
    for e in &result.entries {
        if json {
            serde_json::to_writer(&mut out, e)?;
            writeln!(out)?;
            continue;
        }
        let took = e
            .duration_ms
            .map_or("-".to_string(), |ms| format!("{:.1}s", ms as f64 / 1000.0));
        let detail = e
            .details
            .get("error")
            .or_else(|| e.details.get("message"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        writeln!(
            out,
            "{}  {:<7} {:<22} {:<10} {:>7}  {}  {}",
            e.timestamp
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S"),
            e.status.as_str(),
            e.action,
            e.resource.as_deref().unwrap_or("-"),
            took,
            e.user_id,
            detail
        )?;
    }
    Ok(0)
}
