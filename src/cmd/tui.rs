//! No subcommand on a terminal: the dashboard.

use super::open_history;
use crate::cli::Cli;
use crate::collector::collect_once;
use crate::config::{Config, Origin};
use crate::embedded;

/// No arguments on a terminal: the dashboard over the configured or running node, else over
/// the embedded one (created and started here the first time). The dashboard runs the
/// supervisor either way: it watches and restarts what it started or adopted, and its
/// Daemons tab starts and stops them. They outlive the dashboard unless `--stop-on-exit`.
pub async fn run(cfg: &mut Config, cli: &Cli) -> anyhow::Result<u8> {
    use crate::supervisor::{manager::Supervisor, spec::SupervisorConfig, tools::Tools};
    let discovered = matches!(cfg.kubo.api.origin, Origin::Default | Origin::ApiFile(_));
    let mut services = crate::tui::Services {
        ops: open_history(cfg),
        ..Default::default()
    };
    if discovered && collect_once(cfg, cli.timeout).await.kubo.data.is_none() {
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
                let mut sup = Supervisor::new(SupervisorConfig::from_config(cfg), tools);
                sup.discover().await;
                services.supervisor = Some(sup);
            }
            Err(e) => services.no_supervisor = Some(e.to_string()),
        }
    }
    let exit = crate::tui::run(cfg, &cli.tui_options(), services).await?;
    Ok(exit.code())
}
