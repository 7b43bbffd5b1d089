//! No subcommand on a terminal: the dashboard.

use super::open_history;
use crate::cli::Cli;
use crate::config::Config;
use crate::embedded;
use crate::locate::{Located, locate};
use crate::supervisor::LaunchError;
use crate::supervisor::lock::{Mode, StateLock};
use crate::supervisor::watch::{configured_apis, published_apis, watching};

/// No arguments on a terminal: the dashboard over the configured or running node, else over
/// the embedded one (created and started here the first time). The dashboard runs the
/// supervisor either way: it watches and restarts what it started or adopted, and its
/// Daemons tab starts and stops them. They outlive the dashboard unless `--stop-on-exit`.
/// When another process supervises the state dir, the dashboard only watches.
pub async fn run(cfg: &mut Config, cli: &Cli) -> anyhow::Result<u8> {
    let mut services = crate::tui::Services {
        ops: open_history(cfg),
        // `[[fleet.nodes]]`, and --connect when it repeats: the Fleet tab.
        fleet: crate::fleet::config::fleet(&cfg.fleet, &cli.connect),
        fleet_token: crate::api::client::default_token(cfg, cli.token.as_deref()),
        ..Default::default()
    };
    // A running daemon (`supervise`, another dashboard, or --connect): attach to it. The
    // node is still located, for the fallback when the daemon goes away.
    match crate::api::client::attach(cfg, cli.connect_first(), cli.token.as_deref()).await {
        Ok(Some(remote)) => {
            services.remote = Some(remote);
            if locate(cfg).await == Located::NotFound
                && let Some((kubo, cluster)) =
                    published_apis(&cfg.state_dir).or_else(|| configured_apis(cfg))
            {
                crate::locate::point_at(cfg, kubo, cluster);
            }
            return dashboard(cfg, cli, services, None).await;
        }
        Ok(None) => {}
        Err(e) => crate::say!("ipfs-kit: {e}; collecting here instead"),
    }
    // One supervisor per state dir, held until the dashboard has ended its supervisor.
    let lock = match StateLock::acquire(&cfg.state_dir, Mode::Dashboard) {
        Ok(lock) => Some(lock),
        Err(LaunchError::Supervised { holder, .. }) => {
            services.watch_supervisor = true;
            services.no_supervisor = Some(watching(holder.as_ref()));
            // The holder may run other repos than this environment names (IPFS_PATH):
            // what it published is what it supervises. Before it has published (still
            // starting), the repos' own config says where their APIs will be.
            if locate(cfg).await == Located::NotFound
                && let Some((kubo, cluster)) =
                    published_apis(&cfg.state_dir).or_else(|| configured_apis(cfg))
            {
                crate::locate::point_at(cfg, kubo, cluster);
            }
            None
        }
        Err(e) => {
            services.no_supervisor = Some(e.to_string());
            locate(cfg).await;
            None
        }
    };
    if lock.is_some() {
        supervise_here(cfg, &mut services).await;
        services.serve_api = true;
    }
    dashboard(cfg, cli, services, lock).await
}

/// Runs the dashboard; `lock` is released after its supervisor has ended.
async fn dashboard(
    cfg: &Config,
    cli: &Cli,
    services: crate::tui::Services,
    lock: Option<StateLock>,
) -> anyhow::Result<u8> {
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
    drop(lock);
    Ok(exit?.code())
}

/// The dashboard's own supervisor: over the embedded node (started when nothing answers) or
/// over what it finds running.
async fn supervise_here(cfg: &mut Config, services: &mut crate::tui::Services) {
    use crate::supervisor::{manager::Supervisor, spec::SupervisorConfig, tools::Tools};
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
}
