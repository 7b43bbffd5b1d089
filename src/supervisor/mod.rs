//! Starting and stopping Kubo and ipfs-cluster-service: repo init and configuration, spawn in
//! a process group with output to a log file, real readiness, graceful stop. The embedded
//! default node and the integration-test harness both use this; the full supervisor (restart
//! policy, adoption, port-conflict reports) grows here.

pub mod cancel;
pub mod cluster;
pub mod foreground;
pub mod kubo;
pub mod lock;
pub mod manager;
pub mod notify;
pub mod pidfile;
pub mod policy;
pub mod ports;
pub mod process;
mod published;
mod record;
pub mod repo_init;
pub mod service;
pub mod spec;
pub mod tools;
pub mod watch;

pub use process::START_MARKER;
pub use published::{SupervisorState, count_uptimes, read_state, state_file, write_state};
pub use record::record_event;

use std::path::PathBuf;
use std::time::Duration;

/// The OS error of `Io` is part of its message and deliberately not a `source()`, so
/// `{e:#}` says it once.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("{what}: {error}")]
    Io { what: String, error: std::io::Error },
    #[error("`{command}` failed ({status}): {output}")]
    Command {
        command: String,
        status: String,
        output: String,
    },
    #[error("{file}: {message} (the file was left unchanged)")]
    BadFile { file: PathBuf, message: String },
    #[error("{name} exited during start-up ({status}); last log lines:\n{log_tail}")]
    Exited {
        name: String,
        status: String,
        log_tail: String,
    },
    #[error("{name} was not ready after {waited:?}; last log lines:\n{log_tail}")]
    NotReady {
        name: String,
        waited: Duration,
        log_tail: String,
    },
    #[error("{0}")]
    ToolMissing(String),
    #[error(
        "{name}: {dir} is not initialised; run `ipfs-kit daemon start {name} --init` to create it"
    )]
    NotInitialized { name: String, dir: PathBuf },
    #[error("{name}: {message}")]
    InterruptedInit { name: String, message: String },
    #[error(
        "{name}: port {port} ({what}) is already in use by {owner}; stop that process, change the port in {config}, or set [supervisor] on_port_conflict = \"next-free\""
    )]
    PortBusy {
        name: String,
        what: String,
        port: u16,
        owner: String,
        config: PathBuf,
    },
    #[error("no daemon named {0:?}; known: kubo, cluster, all, or a [[supervisor.extra]] name")]
    UnknownDaemon(String),
    /// Another process holds the state dir's supervisor lock.
    #[error("{}", crate::supervisor::lock::refusal(.holder.as_ref(), .lock))]
    Supervised {
        holder: Option<lock::Holder>,
        lock: PathBuf,
    },
    /// A start given up because the supervisor is shutting down.
    #[error("not started: ipfs-kit is shutting down")]
    Cancelled,
}

impl LaunchError {
    pub fn io(what: impl Into<String>, error: std::io::Error) -> Self {
        LaunchError::Io {
            what: what.into(),
            error,
        }
    }
}

/// Runs a short command to completion, turning a failure into a message with its output.
pub(crate) fn run_checked(cmd: &mut std::process::Command) -> Result<String, LaunchError> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| LaunchError::io(format!("cannot run {shown}"), e))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        return Err(LaunchError::Command {
            command: shown,
            status: out.status.to_string(),
            output: text.trim().to_string(),
        });
    }
    Ok(text)
}
