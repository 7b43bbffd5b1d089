//! One file per subcommand: parse → call into the library → print. `main.rs` only dispatches.
//! What several subcommands share (the history, supervisor events on stderr) is here.

pub mod audit_analytics;
pub mod audit_verify;
pub mod completions;
pub mod daemon;
pub mod daemon_remote;
pub mod dashboard;
mod data_error;
pub mod fleet;
pub mod history;
pub mod mcp;
pub mod once;
pub mod performance;
pub mod pin;
mod pin_bulk;
mod safe_prompter;
pub mod supervise;
pub mod tui;
mod usage;
pub mod wizard;

pub use data_error::DataError;
pub use usage::UsageError;

use crate::config::Config;
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};
use crate::supervisor::LaunchError;
use crate::supervisor::manager::{Event, Supervisor};
use crate::supervisor::record_event;
use crate::supervisor::spec::SupervisorConfig;
use crate::supervisor::tools::Tools;

pub(crate) fn supervisor(cfg: &Config) -> Result<Supervisor, LaunchError> {
    Ok(Supervisor::new(
        SupervisorConfig::from_config(cfg),
        Tools::find()?,
    ))
}

/// Prints events and records them.
pub(crate) fn report(ops: Option<&OpHistory>, events: &[Event]) {
    for e in events {
        print_event(e);
        record_event(ops, e);
    }
}

/// Records a failed command (the error ended it before any event).
pub(crate) fn record_failure(
    ops: Option<&OpHistory>,
    action: &str,
    which: &str,
    err: &dyn std::fmt::Display,
) {
    if let Some(ops) = ops {
        let op = NewOp::new(EventType::System, format!("daemon.{action}"))
            .resource("daemon", which.to_string())
            .detail("error", err.to_string());
        let _ = ops.record(op, OpStatus::Failed);
    }
}

pub fn print_event(e: &Event) {
    let took = e
        .duration
        .map_or(String::new(), |d| format!(" in {:.1}s", d.as_secs_f64()));
    let mark = if e.ok { "" } else { " (failed)" };
    crate::say!(
        "ipfs-kit: {} {}{mark}{took}: {}",
        e.daemon,
        e.kind.as_str(),
        e.detail
    );
}

/// The operation history under the state dir; a failure to open it is reported, not fatal.
/// Writes that fail (full or read-only disk) are said on stderr as they happen.
pub fn open_history(cfg: &Config) -> Option<OpHistory> {
    match OpHistory::open(&cfg.op_history.options(cfg.state_dir.clone())) {
        Ok((h, warnings)) => {
            for w in warnings {
                crate::say!("ipfs-kit: history: {w}");
            }
            h.report_on_stderr(true);
            if let Some(e) = h.last_error() {
                crate::say!(
                    "ipfs-kit: the operation history cannot be written ({e}); entries are kept \
                     in memory until it can"
                );
            }
            Some(h)
        }
        Err(e) => {
            crate::say!("ipfs-kit: operation history not kept: {e}");
            None
        }
    }
}
