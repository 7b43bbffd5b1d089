//! `ipfs-kit daemon start|stop|restart|status`.

use std::io::Write;
use std::time::Duration;

use super::daemon_remote::{self, Asked, Via};
use super::{UsageError, open_history, record_failure, report, supervisor};
use crate::config::Config;
use crate::model::{DaemonState, DaemonStatus};
use crate::supervisor::lock::{Mode, StateLock};
use crate::supervisor::service::Action;
use crate::supervisor::{LaunchError, read_state};
use crate::term;

/// Who runs the action: this process (holding the state dir's lock), or the daemon that
/// holds it, asked through its API (the exit code it came to).
enum Runner {
    Here(StateLock),
    Asked(u8),
}

/// `--connect`: that daemon, only. Else the state dir's lock; when a supervisor holds it,
/// that supervisor's API (found through `<state>/api`). A supervisor that will not do it
/// (read-only, no API, a wrong token) is refused as before: exit 75, the holder named.
async fn runner(
    cfg: &Config,
    via: Via<'_>,
    action: Action,
    which: &str,
    json: bool,
) -> anyhow::Result<Runner> {
    if via.connect.is_some() {
        let remote = match daemon_remote::find(cfg, via).await {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(Runner::Asked(daemon_remote::unreachable("no daemon"))),
            Err(e) => return Ok(Runner::Asked(daemon_remote::unreachable(&e))),
        };
        return match daemon_remote::act(&remote, action, which, json).await? {
            Asked::Done(code) => Ok(Runner::Asked(code)),
            Asked::Refused(why) => {
                crate::say!("ipfs-kit: {why}");
                Ok(Runner::Asked(75))
            }
        };
    }
    match StateLock::acquire(&cfg.state_dir, Mode::Command) {
        Ok(lock) => Ok(Runner::Here(lock)),
        Err(refused @ LaunchError::Supervised { .. }) => {
            let Ok(Some(remote)) = daemon_remote::find(cfg, via).await else {
                return Err(refused.into());
            };
            match daemon_remote::act(&remote, action, which, json).await? {
                Asked::Done(code) => Ok(Runner::Asked(code)),
                Asked::Refused(why) => {
                    crate::say!("ipfs-kit: {why}");
                    Err(refused.into())
                }
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// `daemon start`: starts (or adopts) and leaves them running after this command exits.
/// `start`, `stop` and `restart` hold the state dir's lock while they run; while a
/// supervisor holds it they ask that one through its API (it owns the daemons).
pub async fn start(
    cfg: &Config,
    which: &str,
    init: bool,
    json: bool,
    via: Via<'_>,
) -> anyhow::Result<u8> {
    let _lock = match runner(cfg, via, Action::Start, which, json).await? {
        Runner::Here(lock) => lock,
        Runner::Asked(code) => return Ok(code),
    };
    let mut sup = supervisor(cfg)?;
    check_which(&sup.status(), which)?;
    let ops = open_history(cfg);
    let result = sup.start(which, init).await;
    let code = match &result {
        Ok(events) => {
            report(ops.as_ref(), events);
            0
        }
        Err(e) => {
            crate::say!("ipfs-kit: {e}");
            record_failure(ops.as_ref(), "start", which, e);
            1
        }
    };
    sup.detach_all();
    print_status(&sup.status(), which, json)?;
    Ok(code)
}

pub async fn stop(cfg: &Config, which: &str, json: bool, via: Via<'_>) -> anyhow::Result<u8> {
    let _lock = match runner(cfg, via, Action::Stop, which, json).await? {
        Runner::Here(lock) => lock,
        Runner::Asked(code) => return Ok(code),
    };
    let mut sup = supervisor(cfg)?;
    check_which(&sup.status(), which)?;
    let ops = open_history(cfg);
    let events = sup.stop(which).await?;
    if events.is_empty() {
        crate::say!("ipfs-kit: nothing to stop ({which} not running)");
    }
    report(ops.as_ref(), &events);
    print_status(&sup.status(), which, json)?;
    Ok(0)
}

pub async fn restart(cfg: &Config, which: &str, json: bool, via: Via<'_>) -> anyhow::Result<u8> {
    let _lock = match runner(cfg, via, Action::Restart, which, json).await? {
        Runner::Here(lock) => lock,
        Runner::Asked(code) => return Ok(code),
    };
    let mut sup = supervisor(cfg)?;
    check_which(&sup.status(), which)?;
    let ops = open_history(cfg);
    report(ops.as_ref(), &sup.stop(which).await?);
    let code = match sup.start(which, false).await {
        Ok(events) => {
            report(ops.as_ref(), &events);
            0
        }
        Err(e) => {
            crate::say!("ipfs-kit: {e}");
            record_failure(ops.as_ref(), "restart", which, &e);
            1
        }
    };
    sup.detach_all();
    print_status(&sup.status(), which, json)?;
    Ok(code)
}

/// `daemon status`: a live supervisor's view when one runs (from its API, else what it
/// published), else what is found running. Exit 0 when every daemon asked about is ready,
/// 1 when any is not, 2 when any failed.
pub async fn status(cfg: &Config, which: &str, json: bool, via: Via<'_>) -> anyhow::Result<u8> {
    let remote = match daemon_remote::find(cfg, via).await {
        Ok(r) => r,
        Err(e) => {
            crate::say!("ipfs-kit: {e}; looking here instead");
            None
        }
    };
    let from_api = match &remote {
        Some(r) => daemon_remote::statuses(r).await,
        None => None,
    };
    // read_state counts uptimes (the file is rewritten on changes, not every second).
    let published = from_api.or_else(|| read_state(&cfg.state_dir).map(|st| st.daemons));
    let statuses = match published {
        Some(daemons) => {
            check_which(&daemons, which)?;
            daemons
        }
        None => {
            let mut sup = supervisor(cfg)?;
            check_which(&sup.status(), which)?;
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

/// `which` must be `all` or a daemon of this config: another name is a usage error (64).
pub(super) fn check_which(daemons: &[DaemonStatus], which: &str) -> Result<(), UsageError> {
    if which == "all" || daemons.iter().any(|d| d.name == which) {
        return Ok(());
    }
    let names: Vec<&str> = daemons.iter().map(|d| d.name.as_str()).collect();
    Err(UsageError::new(
        "daemon",
        which,
        format!("no such daemon; expected all, {}", names.join(", ")),
    ))
}

pub(super) fn print_status(
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
        term::json::write_pretty(&mut out, &shown)?;
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
        term::line(
            &mut out,
            format_args!(
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
            ),
        )?;
        if let Some(api) = &s.api {
            term::line(&mut out, format_args!("         api {api}"))?;
        }
        if let Some(e) = &s.last_exit {
            term::line(&mut out, format_args!("         last exit: {e}"))?;
        }
        if let Some(m) = &s.message {
            term::line(&mut out, format_args!("         {m}"))?;
        }
    }
    Ok(shown)
}
