//! The `ipfs-kit` binary: parse the command line, run one mode, map errors to exit codes.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use clap::error::ErrorKind;

use ipfs_kit::cli::{Cli, Command, DaemonAction, PinAction, WizardAction};
use ipfs_kit::collector::collect_once;
use ipfs_kit::config::{self, ConfigError, Origin, ProcessEnv};
use ipfs_kit::supervisor::LaunchError;
use ipfs_kit::{daemon_cmd, embedded, headless, logging, schema, wizard_cmd};

const EX_USAGE: u8 = 64;
const EX_UNAVAILABLE: u8 = 69;
const EX_SOFTWARE: u8 = 70;
const EX_CONFIG: u8 = 78;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(EX_USAGE),
            };
        }
    };
    // Wizards prompt on the terminal and run their connection test on a runtime of their own:
    // run them before (and without) ours.
    if let Some(Command::Wizard { action }) = &cli.command {
        let result = config::load(&cli.overrides(), &ProcessEnv)
            .map_err(anyhow::Error::from)
            .and_then(|cfg| {
                let _log_guard = logging::init_at(&cfg.state_dir, &cfg.log_level);
                run_wizard(&cfg, action)
            });
        return match result {
            Ok(code) => ExitCode::from(code),
            Err(e) => {
                eprintln!("ipfs-kit: {e:#}");
                ExitCode::from(exit_code_for(&e))
            }
        };
    }
    // One worker thread: the dashboard's loop runs on this thread (block_on), the
    // collector's tasks on the worker and host sampling on the blocking pool. A second
    // worker mostly added wake-ups between the two (more CPU, another malloc arena).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ipfs-kit: cannot start the async runtime: {e}");
            return ExitCode::from(EX_SOFTWARE);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("ipfs-kit: {e:#}");
            ExitCode::from(exit_code_for(&e))
        }
    }
}

fn exit_code_for(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<ConfigError>().is_some() {
        EX_CONFIG
    } else if matches!(
        e.downcast_ref::<LaunchError>(),
        Some(LaunchError::ToolMissing(_))
    ) {
        EX_UNAVAILABLE
    } else {
        EX_SOFTWARE
    }
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(Command::Schema) = cli.command {
        print!("{}", schema::snapshot_schema_json());
        return Ok(0);
    }
    let mut cfg = config::load(&cli.overrides(), &ProcessEnv)?;
    let _log_guard = logging::init_at(&cfg.state_dir, &cfg.log_level);
    tracing::info!(kubo = %cfg.kubo.api.endpoint, cluster = %cfg.cluster.api.endpoint, "ipfs-kit starting");

    match &cli.command {
        Some(Command::Daemon { action }) => {
            return match action {
                DaemonAction::Start { target, init } => {
                    daemon_cmd::start(&cfg, &target.which, *init, target.json).await
                }
                DaemonAction::Stop { target } => {
                    daemon_cmd::stop(&cfg, &target.which, target.json).await
                }
                DaemonAction::Restart { target } => {
                    daemon_cmd::restart(&cfg, &target.which, target.json).await
                }
                DaemonAction::Status { target } => {
                    daemon_cmd::status(&cfg, &target.which, target.json).await
                }
            };
        }
        Some(Command::Wizard { action }) => return run_wizard(&cfg, action),
        Some(Command::Pin { action }) => return run_pin(&cfg, action).await,
        Some(Command::History {
            status,
            since,
            limit,
            json,
        }) => {
            return daemon_cmd::history(&cfg, status.as_deref(), since.as_deref(), *limit, *json);
        }
        Some(Command::Supervise {
            init,
            leave_running,
        }) => {
            return daemon_cmd::supervise(&cfg, *init, *leave_running).await;
        }
        _ => {}
    }
    let (json, deadline) = match &cli.command {
        Some(Command::Snapshot { json, timeout }) => (*json, *timeout),
        _ if cli.once => (cli.json, cli.timeout),
        _ if ipfs_kit::tui::can_run() => return dashboard(&mut cfg, &cli).await,
        _ => return embedded_default(&mut cfg, cli.timeout).await,
    };
    let snap = collect_once(&cfg, deadline).await;
    let mut out = std::io::stdout().lock();
    if json {
        headless::write_json(&snap, &mut out).context("cannot write to stdout")?;
    } else {
        headless::write_summary(&snap, &mut out).context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(snap.health.status.exit_code() as u8)
}

async fn run_pin(cfg: &config::Config, action: &PinAction) -> anyhow::Result<u8> {
    let ops = daemon_cmd::open_history(cfg);
    let (verb, result) = match action {
        PinAction::Add { cid } => ("pinned", ipfs_kit::pins::add(cfg, cid, ops.as_ref()).await),
        PinAction::Rm { cid } => (
            "unpinned",
            ipfs_kit::pins::remove(cfg, cid, ops.as_ref()).await,
        ),
    };
    match result {
        Ok(via) => {
            eprintln!("ipfs-kit: {verb} through {}", via.as_str());
            Ok(0)
        }
        Err(e) => {
            eprintln!("ipfs-kit: {e}");
            Ok(1)
        }
    }
}

fn run_wizard(cfg: &config::Config, action: &WizardAction) -> anyhow::Result<u8> {
    use ipfs_kit_wizards::WizardKind;
    let (kind, args) = match action {
        WizardAction::List => return wizard_cmd::list(),
        WizardAction::Backend(a) => (WizardKind::Backend, a),
        WizardAction::Vfs(a) => (WizardKind::Vfs, a),
        WizardAction::Monitoring(a) => (WizardKind::Monitoring, a),
    };
    let input = wizard_cmd::WizardInput {
        template: args.template.clone(),
        answers: args.answers.clone(),
        sets: args.sets.clone(),
        non_interactive: args.non_interactive,
        dry_run: args.dry_run,
    };
    let ops = daemon_cmd::open_history(cfg);
    wizard_cmd::run_for_config(cfg, kind, &input, ops.as_ref())
}

/// No arguments: the configured or running node, else the embedded one (started for this run
/// and stopped after it until the dashboard and supervisor keep it).
async fn embedded_default(cfg: &mut config::Config, deadline: Duration) -> anyhow::Result<u8> {
    let discovered = matches!(cfg.kubo.api.origin, Origin::Default | Origin::ApiFile(_));
    let first = collect_once(cfg, deadline).await;
    let kubo_up = first.kubo.data.is_some();
    if !discovered || kubo_up {
        let mut out = std::io::stdout().lock();
        headless::write_summary(&first, &mut out).context("cannot write to stdout")?;
        return Ok(first.health.status.exit_code() as u8);
    }

    let node = start_embedded(cfg).await?;
    let snap = collect_once(cfg, deadline).await;
    {
        let mut out = std::io::stdout().lock();
        headless::write_summary(&snap, &mut out).context("cannot write to stdout")?;
    }
    stop_embedded(node).await;
    Ok(snap.health.status.exit_code() as u8)
}

/// No arguments on a terminal: the dashboard over the configured or running node, else over
/// the embedded one (created and started here the first time). The dashboard runs the
/// supervisor either way: it watches and restarts what it started or adopted, and its
/// Daemons tab starts and stops them. They outlive the dashboard unless `--stop-on-exit`.
async fn dashboard(cfg: &mut config::Config, cli: &Cli) -> anyhow::Result<u8> {
    use ipfs_kit::supervisor::{manager::Supervisor, spec::SupervisorConfig, tools::Tools};
    let discovered = matches!(cfg.kubo.api.origin, Origin::Default | Origin::ApiFile(_));
    let mut services = ipfs_kit::tui::Services {
        ops: daemon_cmd::open_history(cfg),
        ..Default::default()
    };
    if discovered && collect_once(cfg, cli.timeout).await.kubo.data.is_none() {
        match start_embedded(cfg).await {
            Ok(node) => {
                for e in &node.events {
                    daemon_cmd::record_event(services.ops.as_ref(), e);
                }
                services.supervisor = Some(node.into_supervisor());
            }
            // Still open: the dashboard says what is down and how to fix it.
            Err(e) => {
                eprintln!("ipfs-kit: {e:#}");
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
    let exit = ipfs_kit::tui::run(cfg, &cli.tui_options(), services).await?;
    Ok(exit.code())
}

/// Starts (or reuses) the embedded Kubo + Cluster and points `cfg` at it.
async fn start_embedded(cfg: &mut config::Config) -> anyhow::Result<embedded::LocalNode> {
    eprintln!(
        "ipfs-kit: no Kubo configured or running; using the embedded node under {}",
        embedded::node_root(&cfg.state_dir).display()
    );
    let node = embedded::start_local(cfg, &mut |step| eprintln!("ipfs-kit: {step}"))
        .await
        .context("cannot start the embedded Kubo + Cluster")?;
    cfg.kubo.api.endpoint = node.kubo_api.clone();
    cfg.kubo.api.origin = Origin::Embedded;
    cfg.cluster.api.endpoint = node.cluster_api.clone();
    cfg.cluster.api.origin = Origin::Embedded;
    cfg.cluster.required = true;
    cfg.cluster.enabled = true;
    Ok(node)
}

/// Stops what `start_embedded` started, and says so.
async fn stop_embedded(node: embedded::LocalNode) {
    let started = node.started();
    node.stop().await;
    if !started.is_empty() {
        let names: Vec<String> = started
            .iter()
            .map(|(pid, n)| format!("{n} (pid {pid})"))
            .collect();
        eprintln!(
            "ipfs-kit: stopped {} (started for this run)",
            names.join(", ")
        );
    }
}
