//! No subcommand on a terminal: the dashboard.

use super::open_history;
use crate::cli::Cli;
use crate::config::Config;
use crate::embedded;
use crate::locate::{Located, locate};

/// No arguments on a terminal: the dashboard over the configured or running node, else over
/// the embedded one (created and started here the first time). The dashboard runs the
/// supervisor either way: it watches and restarts what it started or adopted, and its
/// Daemons tab starts and stops them. They outlive the dashboard unless `--stop-on-exit`.
pub async fn run(cfg: &mut Config, cli: &Cli) -> anyhow::Result<u8> {
    use crate::supervisor::{manager::Supervisor, spec::SupervisorConfig, tools::Tools};
    let mut services = crate::tui::Services {
        ops: open_history(cfg),
        ..Default::default()
    };
    // One `id` call (not a collection pass) decides, so the first frame is not kept waiting.
    if locate(cfg).await == Located::NotFound {
        match embedded::start_for(cfg).await {
            Ok(node) => {
                for e in &node.events {
                    crate::supervisor::record_event(services.ops.as_ref(), e);
                }
                services.supervisor = Some(node.into_supervisor());
            }
            // Still open: the dashboard says what is down and how to fix it.
            Err(e) => {
                crate::say_block!("ipfs-kit: {e:#}");
                services.no_supervisor = Some(format!("{e:#}"));
            }
        }
    } else {
        match Tools::find() {
            Ok(tools) => {
                // The service finds what already runs (`discover`) after the first frame.
                let sup = Supervisor::new(SupervisorConfig::from_config(cfg), tools);
                services.supervisor = Some(sup);
            }
            Err(e) => services.no_supervisor = Some(e.to_string()),
        }
    }
    // The dashboard owns the terminal: write failures go to its status line meanwhile, and
    // entries still unwritten when it ends are said on stderr after it.
    let ops = services.ops.clone();
    if let Some(o) = &ops {
        o.report_on_stderr(false);
    }
    let exit = crate::tui::run(cfg, &cli.tui_options(), services).await;
    if let Some(o) = &ops {
        o.report_on_stderr(true);
    }
    Ok(exit?.code())
}
