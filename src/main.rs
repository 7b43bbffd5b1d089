//! The `ipfs-kit` binary: parse the command line, dispatch one mode (`ipfs_kit::cmd`), map
//! errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use ipfs_kit::cli::{Cli, Command, DaemonAction};
use ipfs_kit::cmd;
use ipfs_kit::config::{self, ConfigError, ProcessEnv};
use ipfs_kit::supervisor::LaunchError;
use ipfs_kit::{logging, schema};

const EX_USAGE: u8 = 64;
/// The input cannot be used (an unknown event id, a broken policy, a tampered archive).
const EX_DATAERR: u8 = 65;
const EX_UNAVAILABLE: u8 = 69;
const EX_SOFTWARE: u8 = 70;
/// Another ipfs-kit supervises the state dir; try again once it has gone.
const EX_TEMPFAIL: u8 = 75;
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
                cmd::wizard::run_action(&cfg, action)
            });
        return finish(result);
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
            ipfs_kit::say!("ipfs-kit: cannot start the async runtime: {e}");
            return ExitCode::from(EX_SOFTWARE);
        }
    };
    finish(runtime.block_on(run(cli)))
}

fn finish(result: anyhow::Result<u8>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        // `ipfs-kit … | head`: the reader has all it wanted; like ripgrep, end quietly.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            ipfs_kit::say_block!("ipfs-kit: {e:#}");
            ExitCode::from(exit_code_for(&e))
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn exit_code_for(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<cmd::UsageError>().is_some() {
        EX_USAGE
    } else if e.downcast_ref::<cmd::DataError>().is_some() {
        EX_DATAERR
    } else if e.downcast_ref::<ConfigError>().is_some() {
        EX_CONFIG
    } else if matches!(
        e.downcast_ref::<LaunchError>(),
        Some(LaunchError::ToolMissing(_))
    ) {
        EX_UNAVAILABLE
    } else if matches!(
        e.downcast_ref::<LaunchError>(),
        Some(LaunchError::Supervised { .. })
    ) {
        EX_TEMPFAIL
    } else {
        EX_SOFTWARE
    }
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    // The schema needs no config (and must print even when the config is broken).
    if let Some(Command::Schema) = cli.command {
        return Ok(print_schema());
    }
    // Generated from the command line alone.
    match &cli.command {
        Some(Command::Openapi) => return Ok(print_openapi()),
        Some(Command::Completions { shell }) => return cmd::completions::completions(*shell),
        Some(Command::Man) => return cmd::completions::man(),
        _ => {}
    }
    let mut cfg = config::load(&cli.overrides(), &ProcessEnv)?;
    let _log_guard = logging::init_at(&cfg.state_dir, &cfg.log_level);
    tracing::info!(kubo = %cfg.kubo.api.endpoint, cluster = %cfg.cluster.api.endpoint, "ipfs-kit starting");

    match &cli.command {
        Some(Command::Daemon { action }) => {
            let via = cmd::daemon_remote::Via {
                connect: cli.connect_first(),
                token: cli.token.as_deref(),
            };
            match action {
                DaemonAction::Start { target, init } => {
                    cmd::daemon::start(&cfg, &target.which, *init, target.json, via).await
                }
                DaemonAction::Stop { target } => {
                    cmd::daemon::stop(&cfg, &target.which, target.json, via).await
                }
                DaemonAction::Restart { target } => {
                    cmd::daemon::restart(&cfg, &target.which, target.json, via).await
                }
                DaemonAction::Status { target } => {
                    cmd::daemon::status(&cfg, &target.which, target.json, via).await
                }
            }
        }
        Some(Command::Wizard { action }) => cmd::wizard::run_action(&cfg, action),
        Some(Command::Pin { action }) => cmd::pin::run(&mut cfg, action).await,
        Some(Command::History {
            status,
            since,
            limit,
            json,
        }) => {
            let q = cmd::history::Query {
                status: *status,
                since: *since,
                limit: *limit,
                json: *json,
            };
            cmd::history::run(&cfg, &q, cli.connect_first(), cli.token.as_deref()).await
        }
        Some(Command::AuditAnalytics { action }) => cmd::audit_analytics::run(&cfg, action).await,
        Some(Command::Performance { action }) => cmd::performance::run(&cfg, action).await,
        Some(Command::Dashboard { action }) => cmd::dashboard::run(&cfg, action).await,
        Some(Command::Mcp(args)) => cmd::mcp::run(&cfg, args).await,
        Some(Command::Completions { .. } | Command::Man) => {
            unreachable!("handled before the config")
        }
        Some(Command::Supervise {
            init,
            leave_running,
            api,
        }) => cmd::supervise::run(&cfg, *init, *leave_running, api).await,
        Some(Command::Openapi) => Ok(print_openapi()),
        Some(Command::Fleet { json, timeout }) => {
            cmd::fleet::run(&cfg, &cli.connect, cli.token.as_deref(), *json, *timeout).await
        }
        Some(Command::Snapshot { json, timeout }) => {
            cmd::once::run(
                &mut cfg,
                *json,
                *timeout,
                cli.connect_first(),
                cli.token.as_deref(),
            )
            .await
        }
        Some(Command::Schema) => Ok(print_schema()),
        None if cli.once => {
            cmd::once::run(
                &mut cfg,
                cli.json,
                cli.timeout,
                cli.connect_first(),
                cli.token.as_deref(),
            )
            .await
        }
        None if ipfs_kit::tui::can_run() => cmd::tui::run(&mut cfg, &cli).await,
        None => cmd::once::embedded_default(&mut cfg, cli.timeout).await,
    }
}

/// JSON, not terminal text: written as it is.
fn print_schema() -> u8 {
    use std::io::Write;
    match std::io::stdout().write_all(schema::snapshot_schema_json().as_bytes()) {
        Ok(()) => 0,
        Err(_) => EX_SOFTWARE,
    }
}

/// The API's OpenAPI document, as committed in assets/openapi.json.
fn print_openapi() -> u8 {
    use std::io::Write;
    match std::io::stdout().write_all(ipfs_kit::api::openapi::document_json().as_bytes()) {
        Ok(()) => 0,
        Err(_) => EX_SOFTWARE,
    }
}
