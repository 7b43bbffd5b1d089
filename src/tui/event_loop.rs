//! The one loop: `select!` over terminal events, the snapshot channel, command results and
//! signals; apply each message with `update`; drain whatever else is pending; draw once if
//! something changed. No frame timer: an idle dashboard sleeps until data or a key arrives.

use std::task::Poll;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use crossterm::{
    event::EventStream,
    execute, queue,
    terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate},
};
use futures_util::StreamExt;
use ratatui::Terminal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::model::Model;
use super::render::render;
use super::terminal::{Backend, TerminalGuard};
use super::update::{Command, Msg, update};
use crate::collector::Collector;
use crate::config::Config;

/// How long a new snapshot waits for the other sources' snapshots of the same tick, so one
/// frame shows them all. Keys and resizes are drawn at once.
const SETTLE: Duration = Duration::from_millis(120);

/// Why the dashboard ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `q` or Ctrl-C.
    Quit,
    /// A signal (its name).
    Signal(&'static str),
}

impl Exit {
    /// The process exit code: 0 for quit, 128 + the signal number for a signal.
    pub fn code(self) -> u8 {
        match self {
            Exit::Quit => 0,
            Exit::Signal("SIGHUP") => 129,
            Exit::Signal("SIGINT") => 130,
            Exit::Signal(_) => 143,
        }
    }
}

fn draw(term: &mut Terminal<Backend>, m: &Model) -> std::io::Result<()> {
    // Synchronized output: the terminal shows the frame whole, never half drawn.
    queue!(term.backend_mut(), BeginSynchronizedUpdate)?;
    term.draw(|f| render(m, f.buffer_mut()))?;
    execute!(term.backend_mut(), EndSynchronizedUpdate)
}

/// Runs the dashboard until quit or a signal. `model` is built by the caller (its size is
/// replaced by the terminal's).
pub async fn run(cfg: &Config, mut model: Model) -> anyhow::Result<Exit> {
    let mut sigterm = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let mut sigint = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;

    // The first frame (every source "waiting") goes out before the collector starts: building
    // its HTTP clients reads the system's CA certificates, which takes tens of milliseconds.
    let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    let size = guard
        .terminal
        .size()
        .context("cannot read the terminal size")?;
    model.size = (size.width, size.height);
    draw(&mut guard.terminal, &model).context("cannot draw")?;
    tracing::debug!("first frame drawn");

    let collector = Collector::spawn(cfg);
    let mut snaps = collector.snapshots.clone();
    update(&mut model, Msg::Snapshot(snaps.borrow_and_update().clone()));
    draw(&mut guard.terminal, &model).context("cannot draw")?;
    model.dirty = false;

    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut events = EventStream::new();
    let mut settle: Option<Instant> = None;
    let mut exit = Exit::Quit;

    loop {
        let mut now_please = false;
        let first = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    now_please = true;
                    Msg::from_event(ev)
                }
                Some(Err(e)) => return Err(e).context("cannot read the terminal"),
                None => break,
            },
            changed = snaps.changed() => match changed {
                Ok(()) => Some(Msg::Snapshot(snaps.borrow_and_update().clone())),
                Err(_) => break,
            },
            Some(msg) = rx.recv() => {
                now_please = true;
                Some(msg)
            }
            _ = sigterm.recv() => Some(Msg::Signal("SIGTERM")),
            _ = sighup.recv() => Some(Msg::Signal("SIGHUP")),
            _ = sigint.recv() => Some(Msg::Signal("SIGINT")),
            () = tokio::time::sleep_until(settle.unwrap_or_else(Instant::now)), if settle.is_some() => {
                now_please = true;
                None
            }
        };
        let mut pending: Vec<Msg> = first.into_iter().collect();

        // Coalesce: take everything else that is already waiting before drawing.
        loop {
            for msg in std::mem::take(&mut pending) {
                if let Msg::Signal(name) = msg {
                    exit = Exit::Signal(name);
                }
                for cmd in update(&mut model, msg) {
                    run_command(cfg, &collector, &tx, cmd);
                }
            }
            match futures_util::poll!(events.next()) {
                Poll::Ready(Some(Ok(ev))) => {
                    now_please = true;
                    pending.extend(Msg::from_event(ev));
                }
                Poll::Ready(Some(Err(e))) => return Err(e).context("cannot read the terminal"),
                Poll::Ready(None) | Poll::Pending => {}
            }
            if snaps.has_changed().unwrap_or(false) {
                pending.push(Msg::Snapshot(snaps.borrow_and_update().clone()));
            }
            while let Ok(msg) = rx.try_recv() {
                now_please = true;
                pending.push(msg);
            }
            if pending.is_empty() {
                break;
            }
        }
        if model.quit {
            break;
        }
        if model.dirty {
            if now_please || settle.is_some_and(|t| t <= Instant::now()) {
                draw(&mut guard.terminal, &model).context("cannot draw")?;
                model.dirty = false;
                settle = None;
            } else if settle.is_none() {
                settle = Some(Instant::now() + SETTLE);
            }
        } else {
            settle = None;
        }
    }
    drop(events);
    drop(guard);
    Ok(exit)
}

/// Starts a command; its outcome comes back over `tx` as messages.
fn run_command(cfg: &Config, collector: &Collector, tx: &mpsc::UnboundedSender<Msg>, cmd: Command) {
    match cmd {
        Command::Quit => {}
        Command::Stamp { op } => {
            let _ = tx.send(Msg::OpStarted {
                id: op,
                at: Utc::now(),
            });
        }
        Command::Refresh { op } => {
            let _ = tx.send(Msg::OpStarted {
                id: op,
                at: Utc::now(),
            });
            collector.refresh_now();
        }
        Command::RepoGc { op } => {
            let _ = tx.send(Msg::OpStarted {
                id: op,
                at: Utc::now(),
            });
            let tx = tx.clone();
            let api = cfg.kubo.api.clone();
            tokio::spawn(async move {
                let result = repo_gc(&api).await;
                let _ = tx.send(Msg::OpFinished {
                    id: op,
                    at: Utc::now(),
                    result,
                });
            });
        }
    }
}

async fn repo_gc(api: &crate::config::ApiConfig) -> Result<String, String> {
    use crate::sources::http::HttpApi;
    let client = HttpApi::new(&api.endpoint, api.auth.clone(), Duration::from_secs(600))
        .map_err(|e| e.to_string())?;
    let removed = client
        .ndjson_count(
            reqwest::Method::POST,
            "api/v0/repo/gc",
            &[("quiet", "true")],
        )
        .await
        .map_err(|e| e.to_string())?;
    let blocks = if removed == 1 { "block" } else { "blocks" };
    tracing::info!(removed, "repo gc done");
    Ok(format!("removed {removed} {blocks}"))
}
