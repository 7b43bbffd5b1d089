//! The dashboard: `ipfs-kit` with no arguments on a terminal.
//!
//! - `model`: the state; `update`: `update(&mut Model, Msg) -> Vec<Command>`, pure.
//! - `keymap`: the keys as data, driving key handling, the footer and the help overlay.
//! - `layout`: where panels go per tab and terminal size (also used for focus and the mouse).
//! - `convert`: Snapshot -> widget views; `render`: the Model drawn into a Buffer, pure.
//! - `event_loop`: the one tokio loop; `terminal`: setup and restore; `theme`: colours.

pub mod convert;
pub mod event_loop;
pub mod keymap;
pub mod layout;
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
}

/// Whether there is a terminal to draw on (stdin and stdout both terminals).
pub fn can_run() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
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
    }
}

/// Runs the dashboard on this terminal until quit or a signal; the terminal is restored on
/// every way out.
pub async fn run(cfg: &Config, opts: &Options) -> anyhow::Result<Exit> {
    let theme = theme::from_env(opts.theme, opts.ascii);
    let mut empty = Snapshot::empty(
        cfg.kubo.api.endpoint.to_string(),
        cfg.cluster.api.endpoint.to_string(),
        cfg.cluster.enabled,
    );
    // The retained window decides the widest zoom, which the charts open on.
    empty.history = std::sync::Arc::new(crate::series::History::new(cfg.history));
    let empty = std::sync::Arc::new(empty);
    let model = Model::new(app_info(cfg, opts), theme, empty, (80, 24));
    event_loop::run(cfg, model).await
}
