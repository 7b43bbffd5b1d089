//! The dashboard: `ipfs-kit` with no arguments on a terminal.
//!
//! - `model`: the state; `update`: `update(&mut Model, Msg) -> Vec<Command>`, pure.
//! - `keymap`: the keys as data, driving key handling, the footer and the help overlay.
//! - `layout`: where panels go per tab and terminal size (also used for focus and the mouse).
//! - `convert`: Snapshot -> widget views; `render`: the Model drawn into a Buffer, pure.
//! - `event_loop`: the one tokio loop; `terminal`: setup and restore; `theme`: colours.

pub mod analysis;
pub mod attach;
pub mod convert;
pub mod effects;
pub mod event_loop;
pub mod keymap;
pub mod layout;
pub mod lists;
pub mod model;
pub mod notices;
pub mod render;
pub mod table;
pub mod terminal;
pub mod theme;
pub mod update;

use std::io::IsTerminal;
use std::path::Path;

pub use event_loop::Exit;
pub use model::{AppInfo, Model, Tab};
pub use render::render;
pub use theme::ThemeName;
pub use update::{Command, Msg, update};

use crate::config::{self, Config, ProcessEnv};
use crate::model::Snapshot;

/// The dashboard's command-line choices.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub read_only: bool,
    pub ascii: bool,
    pub theme: Option<ThemeName>,
    /// Stop the daemons this dashboard started when it ends.
    pub stop_on_exit: bool,
}

/// Whether there is a terminal to draw on: stdin and stdout both terminals, and one that can
/// place the cursor (`TERM=dumb` cannot: it would get escape codes printed as text).
pub fn can_run() -> bool {
    is_tty() && !is_dumb(std::env::var_os("TERM").as_deref())
}

fn is_tty() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

fn is_dumb(term: Option<&std::ffi::OsStr>) -> bool {
    term.is_some_and(|t| t == "dumb")
}

/// What to say on stderr when a terminal is there but the dashboard will not draw on it
/// (with no terminal at all the summary is what was asked for, and nothing is said).
pub fn summary_notice() -> Option<&'static str> {
    (is_tty() && !can_run()).then_some(
        "TERM=dumb: printing the summary; set TERM to a real terminal type (e.g. \
         TERM=xterm-256color) for the dashboard",
    )
}

/// `/home/me/x` -> `~/x`, for advice people will read.
fn tilde(p: &Path) -> String {
    let s = p.display().to_string();
    match std::env::var("HOME") {
        Ok(home) if !home.is_empty() && s.starts_with(&home) => format!("~{}", &s[home.len()..]),
        _ => s,
    }
}

/// The facts about this run the dashboard shows in advice and help.
pub fn app_info(cfg: &Config, opts: &Options) -> AppInfo {
    let config_path = cfg
        .file
        .clone()
        .or_else(|| config::default_config_path(&ProcessEnv))
        .map_or_else(|| "~/.config/ipfs-kit/config.toml".into(), |p| tilde(&p));
    AppInfo {
        config_path,
        log_dir: tilde(&cfg.state_dir.join("logs")),
        read_only: opts.read_only,
        version: concat!("ipfs-kit ", env!("CARGO_PKG_VERSION")).into(),
        no_supervisor: None,
        stop_on_exit: opts.stop_on_exit,
        feed: None,
    }
}

/// What the dashboard runs beside the collector.
#[derive(Default)]
pub struct Services {
    /// The supervisor of the local daemons; the dashboard runs it as a service (watching,
    /// restarting crashes, the Daemons tab's actions).
    pub supervisor: Option<crate::supervisor::manager::Supervisor>,
    /// Why there is no supervisor, for the Daemons tab.
    pub no_supervisor: Option<String>,
    /// Another process supervises the state dir: show the statuses it publishes.
    pub watch_supervisor: bool,
    /// The operation history, shared with the collector and the supervisor.
    pub ops: Option<crate::ophistory::OpHistory>,
    /// This dashboard holds the state dir: it serves the HTTP API as `supervise` would.
    pub serve_api: bool,
    /// A running daemon to attach to: its snapshots and actions instead of a collector here.
    pub remote: Option<crate::api::client::Remote>,
    /// Fleet nodes for the Fleet tab (empty: no fleet, the tab is hidden), and the token
    /// for those without one of their own.
    pub fleet: Vec<crate::fleet::FleetNode>,
    pub fleet_token: Option<crate::config::Secret>,
}

/// Runs the dashboard on this terminal until quit or a signal; the terminal is restored on
/// every way out. Then the supervisor ends: the daemons this run started are stopped with
/// `--stop-on-exit`, else they keep running (and are named on stderr).
pub async fn run(cfg: &Config, opts: &Options, services: Services) -> anyhow::Result<Exit> {
    let theme = theme::from_env(opts.theme, opts.ascii);
    let mut empty = Snapshot::empty(
        cfg.kubo.api.endpoint.to_string(),
        cfg.cluster.api.endpoint.to_string(),
        cfg.cluster.enabled,
    );
    // The retained window decides the widest zoom, which the charts open on.
    empty.history = std::sync::Arc::new(crate::model::History::new(cfg.history));
    let empty = std::sync::Arc::new(empty);
    let mut info = app_info(cfg, opts);
    info.no_supervisor = services.no_supervisor.clone();
    let model = Model::new(info, theme, empty, (80, 24));
    let (result, service) = event_loop::run(cfg, model, services).await;
    if let Some(service) = service {
        let started = service.shutdown(opts.stop_on_exit).await;
        report_daemons(&started, opts.stop_on_exit);
    }
    let exit = result?;
    if exit == Exit::Panic {
        crate::say!(
            "ipfs-kit: the dashboard stopped after the internal error above (a bug: please \
             report it with {})",
            cfg.state_dir.join("logs/ipfs-kit.log").display()
        );
    }
    Ok(exit)
}

/// Says what became of the daemons this run started.
fn report_daemons(started: &[(String, Option<u32>)], stopped: bool) {
    if started.is_empty() {
        return;
    }
    let names: Vec<String> = started
        .iter()
        .map(|(n, pid)| match pid {
            Some(p) => format!("{n} (pid {p})"),
            None => n.clone(),
        })
        .collect();
    if stopped {
        crate::say!("ipfs-kit: stopped {} (--stop-on-exit)", names.join(", "));
    } else {
        crate::say!(
            "ipfs-kit: left running: {}; the next ipfs-kit adopts them, \
             `ipfs-kit daemon stop all` stops them",
            names.join(", ")
        );
    }
}
