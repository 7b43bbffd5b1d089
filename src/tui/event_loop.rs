//! The one loop: `select!` over terminal events, the snapshot channel, command results and
//! signals; apply each message with `update`; drain whatever else is pending; draw once if
//! something changed. No frame timer: an idle dashboard sleeps until data or a key arrives.

use std::panic::AssertUnwindSafe;
use std::task::Poll;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use crossterm::{
    event::EventStream,
    execute, queue,
    terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate},
};
use futures_util::{FutureExt, StreamExt};
use ratatui::Terminal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::Services;
use super::effects::{Effects, Handover};
use super::model::{Model, WizardChoice};
use super::render::render;
use super::terminal::{Backend, TerminalGuard};
use super::update::{Msg, update};
use crate::collector::Collector;
use crate::config::Config;
use crate::supervisor::service::SupervisorService;
use crate::supervisor::watch::Watcher;

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
    /// A panic, in a background task or the loop (the hook printed it and restored the
    /// terminal).
    Panic,
}

impl Exit {
    /// The process exit code: 0 for quit, 128 + the signal number for a signal, 101 (as
    /// Rust's own) for a panic.
    pub fn code(self) -> u8 {
        match self {
            Exit::Quit => 0,
            Exit::Panic => 101,
            Exit::Signal("SIGHUP") => 129,
            Exit::Signal("SIGINT") => 130,
            Exit::Signal(_) => 143,
        }
    }
}

fn draw(term: &mut Terminal<Backend>, m: &Model) -> std::io::Result<()> {
    // Synchronized output: the terminal shows the frame whole, never half drawn.
    let started = std::time::Instant::now();
    queue!(term.backend_mut(), BeginSynchronizedUpdate)?;
    term.draw(|f| render(m, f.buffer_mut()))?;
    let done = execute!(term.backend_mut(), EndSynchronizedUpdate);
    crate::perf::record("tui.frame", started.elapsed(), done.is_ok());
    done
}

/// Runs the dashboard until quit, a signal, an error or a panic. `model` is built by the
/// caller (its size is replaced by the terminal's). Returns, whatever the outcome, the
/// supervisor service still running, for the caller to end once the terminal is restored:
/// daemons are left running or stopped as the user asked, never dropped mid-flight.
pub async fn run(
    cfg: &Config,
    model: Model,
    services: Services,
) -> (anyhow::Result<Exit>, Option<SupervisorService>) {
    let mut service = None;
    // A panic here has been printed by the hook, after it restored the terminal.
    let result = AssertUnwindSafe(drive(cfg, model, services, &mut service))
        .catch_unwind()
        .await
        .unwrap_or(Ok(Exit::Panic));
    (result, service)
}

async fn drive(
    cfg: &Config,
    mut model: Model,
    services: Services,
    service: &mut Option<SupervisorService>,
) -> anyhow::Result<Exit> {
    let mut sigterm = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let mut sigint = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;

    // The first frame (every source "waiting") goes out before the collector starts, so
    // nothing it sets up (clients, the first host sample) delays it.
    let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    let size = guard
        .terminal
        .size()
        .context("cannot read the terminal size")?;
    model.size = (size.width, size.height);
    draw(&mut guard.terminal, &model).context("cannot draw")?;
    tracing::debug!("first frame drawn");

    // Attached to a daemon: its snapshots and actions, no collector here (until it goes).
    let (collector, feed) = match services.remote.clone() {
        Some(remote) => {
            model.info.feed = Some(format!("attached {}", remote.url));
            let feed = crate::tui::attach::attach(
                cfg.clone(),
                remote,
                services.ops.clone(),
                model.snap.clone(),
            );
            (None, Some(feed))
        }
        None => {
            // The title bar says which: collecting here, or attached (above).
            model.info.feed = Some("local".into());
            (Some(Collector::spawn_with(cfg, services.ops.clone())), None)
        }
    };
    let _watcher = collector.as_ref().and_then(|c| {
        services
            .watch_supervisor
            .then(|| Watcher::spawn(cfg.state_dir.clone(), c.updates()))
    });
    *service = match (services.supervisor, &collector) {
        (Some(sup), Some(c)) => Some(SupervisorService::spawn(
            sup,
            services.ops.clone(),
            cfg.state_dir.clone(),
            c.updates(),
        )),
        _ => None,
    };
    let mut actions =
        crate::actions::Actions::new(std::sync::Arc::new(cfg.clone()), services.ops.clone())
            .with_supervisor(service.as_ref().map(SupervisorService::requester));
    if let Some(c) = &collector {
        actions = actions.with_collector(c.updates(), c.snapshots.clone());
    }
    if let Some(r) = services.remote.clone() {
        actions = actions.with_remote(r);
    }
    // Holding the state dir, this dashboard is the node's daemon for now: it serves the API
    // (the same files as `supervise`) so that other clients can attach. Dropped at the end,
    // which removes `<state>/api`.
    let _api = match (&collector, services.serve_api) {
        (Some(c), true) => {
            serve_api(cfg, &actions, model.info.read_only, c, services.ops.clone()).await
        }
        _ => None,
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let local_ops = services.ops.clone();
    let mut effects = Effects::new(cfg.clone(), tx.clone(), actions, services.ops);
    effects.send_audit();
    let mut snaps = match (&collector, &feed) {
        (Some(c), _) => c.snapshots.clone(),
        (None, Some(f)) => f.snapshots.clone(),
        (None, None) => unreachable!("a dashboard has a collector or a feed"),
    };
    let mut feed_label = feed.as_ref().map(|f| f.label.clone());
    // The fleet: every node followed at once; Enter on the Fleet tab shows one of them.
    let fleet = (!services.fleet.is_empty())
        .then(|| crate::fleet::Fleet::spawn(services.fleet.clone(), services.fleet_token.clone()));
    let mut fleet_rows = fleet.as_ref().map(|f| f.rows.clone());
    if let Some(rows) = fleet_rows.as_mut() {
        update(&mut model, Msg::Fleet(rows.borrow_and_update().clone()));
    }
    let mut viewed: Option<Viewed> = None;
    update(&mut model, Msg::Snapshot(snaps.borrow_and_update().clone()));
    draw(&mut guard.terminal, &model).context("cannot draw")?;
    model.dirty = false;

    let mut events = EventStream::new();
    let mut settle: Option<Instant> = None;
    let mut exit = Exit::Quit;
    let debug_panic = debug_panic();
    if debug_panic.as_deref() == Some("task") {
        tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            panic!("IPFS_KIT_DEBUG_PANIC=task: a background task panics, as asked");
        });
    }

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
            Some(rows) = next_rows(fleet_rows.as_mut()) => Some(Msg::Fleet(rows)),
            changed = snaps_of(&mut snaps, viewed.as_mut()).changed() => match changed {
                Ok(()) => {
                    if let Some(v) = viewed.as_mut() {
                        if v.feed.label.has_changed().unwrap_or(false) {
                            model.info.feed = v.feed.label.borrow_and_update().clone();
                            model.dirty = true;
                        }
                        Some(Msg::Snapshot(v.feed.snapshots.borrow_and_update().clone()))
                    } else {
                    // An attached dashboard that fell back to collecting says so.
                    if let Some(l) = feed_label.as_mut().filter(|l| l.has_changed().unwrap_or(false)) {
                        model.info.feed = l.borrow_and_update().clone();
                        model.dirty = true;
                        // Fallen back: pins and acknowledgements go to the local collector,
                        // not to the daemon that is gone.
                        if let Some((updates, snapshots)) =
                            feed.as_ref().and_then(|f| f.local.borrow().clone())
                        {
                            effects.actions = crate::actions::Actions::new(
                                std::sync::Arc::new(cfg.clone()),
                                local_ops.clone(),
                            )
                            .with_collector(updates, snapshots)
                            .read_only(model.info.read_only);
                        }
                    }
                    Some(Msg::Snapshot(snaps.borrow_and_update().clone()))
                    }
                }
                // The node's feed ended (its task is gone): back home rather than spin.
                Err(_) if viewed.is_some() => {
                    if let Some(f) = model.fleet.as_mut() {
                        f.viewing = None;
                    }
                    view(&mut model, &mut effects, &mut viewed, fleet.as_ref(), None);
                    Some(Msg::Snapshot(snaps.borrow_and_update().clone()))
                }
                Err(_) => break,
            },
            Some(msg) = rx.recv() => {
                now_please = true;
                Some(msg)
            }
            _ = sigterm.recv() => Some(Msg::Signal("SIGTERM")),
            _ = sighup.recv() => Some(Msg::Signal("SIGHUP")),
            _ = sigint.recv() => Some(Msg::Signal("SIGINT")),
            () = super::terminal::panicked() => {
                exit = Exit::Panic;
                break;
            }
            () = tokio::time::sleep_until(settle.unwrap_or_else(Instant::now)), if settle.is_some() => {
                now_please = true;
                None
            }
        };
        let mut pending: Vec<Msg> = first.into_iter().collect();
        let mut handovers: Vec<Handover> = Vec::new();

        // Coalesce: take everything else that is already waiting before drawing.
        loop {
            for msg in std::mem::take(&mut pending) {
                if let Msg::Signal(name) = msg {
                    exit = Exit::Signal(name);
                }
                let snapshot = matches!(msg, Msg::Snapshot(_));
                for cmd in update(&mut model, msg) {
                    handovers.extend(effects.run(collector.as_ref(), cmd));
                }
                if snapshot {
                    // Supervisor events, source changes and CLI actions reach the file
                    // between snapshots.
                    effects.send_audit_if_changed();
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
            let current = snaps_of(&mut snaps, viewed.as_mut());
            if current.has_changed().unwrap_or(false) {
                pending.push(Msg::Snapshot(current.borrow_and_update().clone()));
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
        if debug_panic.as_deref() == Some("loop") && model.snap.host.data.is_some() {
            panic!("IPFS_KIT_DEBUG_PANIC=loop: the event loop panics, as asked");
        }
        let (views, handovers): (Vec<Handover>, Vec<Handover>) = handovers
            .into_iter()
            .partition(|h| matches!(h, Handover::View(_)));
        for h in views {
            let Handover::View(name) = h else { continue };
            let home = view(&mut model, &mut effects, &mut viewed, fleet.as_ref(), name);
            if home {
                update(&mut model, Msg::Snapshot(snaps.borrow_and_update().clone()));
            }
            now_please = true;
        }
        for h in handovers {
            let Handover::Wizard { op, kind } = h else {
                continue;
            };
            // The wizard owns the terminal meanwhile: lend it, run the wizard, take the
            // terminal back and draw everything again. `events` is kept and simply not polled:
            // its reader thread and the wizard's prompts share crossterm's one input queue, so
            // no key is lost between them. (A new stream here could hang: its constructor
            // waits for that queue's lock, which the old stream's thread may hold.)
            guard
                .suspend()
                .context("cannot lend the terminal to the wizard")?;
            let result = run_wizard(cfg, kind, effects.ops.clone()).await;
            let size = guard.resume().context("cannot set up the terminal again")?;
            model.size = (size.width, size.height);
            // A Ctrl-C typed while the terminal was in line mode (as the wizard started or
            // ended) was meant for the wizard, not for the dashboard.
            while let Some(Some(())) = sigint.recv().now_or_never() {}
            effects.forget_log();
            let _ = tx.send(Msg::OpFinished {
                id: op,
                at: Utc::now(),
                result,
            });
            effects.send_audit();
            model.dirty = true;
            now_please = true;
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

/// The fleet node on screen: its feed, and what the dashboard's own node had (restored by
/// Esc).
struct Viewed {
    feed: crate::tui::attach::Feed,
    home_actions: crate::actions::Actions,
    home_label: Option<String>,
}

/// The snapshots on screen: the viewed fleet node's, else this dashboard's own.
fn snaps_of<'a>(
    home: &'a mut tokio::sync::watch::Receiver<std::sync::Arc<crate::model::Snapshot>>,
    viewed: Option<&'a mut Viewed>,
) -> &'a mut tokio::sync::watch::Receiver<std::sync::Arc<crate::model::Snapshot>> {
    match viewed {
        Some(v) => &mut v.feed.snapshots,
        None => home,
    }
}

/// The fleet's next rows (never, without a fleet or once its watcher has ended).
async fn next_rows(
    rows: Option<&mut tokio::sync::watch::Receiver<std::sync::Arc<Vec<crate::fleet::FleetRow>>>>,
) -> Option<std::sync::Arc<Vec<crate::fleet::FleetRow>>> {
    if let Some(r) = rows
        && r.changed().await.is_ok()
    {
        return Some(r.borrow_and_update().clone());
    }
    std::future::pending().await
}

/// Switches the screen to fleet node `name`, or back home with `None`; returns whether it is
/// home now (the caller shows the home snapshot). The node's snapshots come from a feed of
/// its own (with its charts' rings); the keys act on it through its API.
fn view(
    model: &mut Model,
    effects: &mut Effects,
    viewed: &mut Option<Viewed>,
    fleet: Option<&crate::fleet::Fleet>,
    name: Option<String>,
) -> bool {
    let node = name.as_deref().and_then(|n| fleet?.node(n));
    let (home_actions, home_label) = match viewed.take() {
        Some(v) => (v.home_actions, v.home_label),
        None => (effects.actions.clone(), model.info.feed.clone()),
    };
    let Some(node) = node else {
        effects.actions = home_actions;
        model.info.feed = home_label;
        model.dirty = true;
        return true;
    };
    let first = node
        .snapshots
        .borrow()
        .clone()
        .unwrap_or_else(|| model.snap.clone());
    let feed = crate::tui::attach::view(node.node.name.clone(), node.remote.clone(), first);
    effects.actions = crate::actions::Actions::new(
        std::sync::Arc::new(effects.cfg.clone()),
        effects.ops.clone(),
    )
    .with_remote(node.remote.clone())
    .read_only(model.info.read_only);
    model.info.feed = feed.label.borrow().clone();
    update(model, Msg::Snapshot(feed.snapshots.borrow().clone()));
    *viewed = Some(Viewed {
        feed,
        home_actions,
        home_label,
    });
    model.dirty = true;
    false
}

/// `IPFS_KIT_DEBUG_PANIC` (`task` or `loop`): the panic the end-to-end tests need to check
/// the terminal comes back. Debug builds only; a release build never reads it.
fn debug_panic() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var("IPFS_KIT_DEBUG_PANIC").ok()
    } else {
        None
    }
}

/// The API over this dashboard's collector; a failure is logged, never the dashboard's end.
async fn serve_api(
    cfg: &Config,
    actions: &crate::actions::Actions,
    read_only: bool,
    collector: &Collector,
    ops: Option<crate::ophistory::OpHistory>,
) -> Option<crate::api::ApiHandle> {
    let listen = crate::api::Listen::from_config(cfg, None, read_only, None);
    let served = match crate::api::server::check(cfg, &listen) {
        Ok(warning) => {
            if let Some(w) = warning {
                tracing::warn!("{w}");
            }
            crate::api::serve(
                std::sync::Arc::new(cfg.clone()),
                &listen,
                collector.snapshots.clone(),
                actions.clone(),
                ops,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match served {
        Ok(api) => {
            tracing::info!(url = %api.url, "the dashboard serves the API");
            Some(api)
        }
        Err(e) => {
            tracing::warn!("the dashboard does not serve the API: {e:#}");
            None
        }
    }
}

/// Runs a wizard on the plain terminal (in a thread of its own: it prompts, blocks and runs
/// its connection test on a runtime of its own), then waits for Enter so its last words
/// can be read.
async fn run_wizard(
    cfg: &Config,
    kind: WizardChoice,
    ops: Option<crate::ophistory::OpHistory>,
) -> Result<String, String> {
    use ipfs_kit_wizards::WizardKind;
    let cfg = cfg.clone();
    let (done, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let wk = match kind {
            WizardChoice::Backend => WizardKind::Backend,
            WizardChoice::Vfs => WizardKind::Vfs,
            WizardChoice::Monitoring => WizardKind::Monitoring,
        };
        crate::show!(
            "ipfs-kit: {} wizard (Esc goes back a step, Ctrl-C cancels)\n",
            kind.as_str()
        );
        let input = crate::cmd::wizard::WizardInput::default();
        let result = match crate::cmd::wizard::run_for_config(&cfg, wk, &input, ops.as_ref()) {
            Ok(0) => Ok("saved; applies at the next start of ipfs-kit".to_string()),
            Ok(_) => Err("cancelled or not saved".to_string()),
            Err(e) => {
                crate::say_block!("ipfs-kit: {e:#}");
                Err(format!("{e:#}"))
            }
        };
        wait_for_enter("ipfs-kit: press Enter to return to the dashboard ");
        let _ = done.send(result);
    });
    rx.await
        .unwrap_or_else(|_| Err("the wizard ended abnormally".to_string()))
}

/// Shows `prompt` and waits for Enter (or Esc) through crossterm's input queue, as the
/// wizard's prompts read. Not `stdin().read_line`: a second reader of the terminal races
/// crossterm's reader thread for the key, and the loser blocks in `read` holding crossterm's
/// input lock. The prompt appears only once raw mode is on, so a key typed after it is
/// never taken by line mode (where Ctrl-C would be a signal).
fn wait_for_enter(prompt: &str) {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    use crossterm::terminal::{disable_raw_mode, enable_raw_mode};
    use std::io::Write;
    if enable_raw_mode().is_err() {
        return;
    }
    // Raw mode: no newline translation on output.
    let _ = write!(std::io::stdout(), "\r\n{}", crate::term::one_line(prompt));
    let _ = std::io::stdout().flush();
    loop {
        match read() {
            Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => {
                let enter = matches!(k.code, KeyCode::Enter | KeyCode::Esc)
                    // An Enter typed just before raw mode came on arrives as a line feed.
                    || (k.code == KeyCode::Char('j') && k.modifiers == KeyModifiers::CONTROL);
                if enter {
                    break;
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let _ = disable_raw_mode();
    let _ = writeln!(std::io::stdout());
}
