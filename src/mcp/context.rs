//! What every call sees: the config, the operation history, the calling client's name, and
//! the helpers the families share (parse a CLI subcommand, read its `--json` document, build
//! the actions path).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Subcommand;
use rmcp::model::CallToolResult;
use serde_json::Value;

use super::output;
use crate::actions::{ActionError, Actions, Request};
use crate::config::Config;
use crate::ophistory::OpHistory;

/// The server's state, shared by every call.
pub struct Ctx {
    pub cfg: Config,
    pub ops: Option<OpHistory>,
    /// performance_start_operation's open timings: id → (operation, start).
    pub started: Mutex<HashMap<String, (String, Instant)>>,
    /// The running daemon, once found: one HTTP client (and its connections) for the
    /// session rather than a new one per call.
    pub remote: tokio::sync::Mutex<Option<crate::api::client::Remote>>,
    /// With no daemon: the server's own collector, started at the first read and kept for
    /// the session (reads see its newest snapshot; acknowledgements go to it).
    pub local: tokio::sync::OnceCell<crate::collector::Collector>,
}

/// One tool call: the server's state and who asked.
#[derive(Clone)]
pub struct Call {
    pub ctx: Arc<Ctx>,
    /// The MCP client's `clientInfo` name (sanitised), as the history records it.
    pub client: String,
}

impl Call {
    pub fn cfg(&self) -> &Config {
        &self.ctx.cfg
    }

    /// The running daemon: the one found before, else looked for now.
    pub async fn remote(&self) -> Option<crate::api::client::Remote> {
        let mut r = self.ctx.remote.lock().await;
        if r.is_none() {
            *r = crate::api::client::attach(self.cfg(), None, None)
                .await
                .ok()
                .flatten();
        }
        r.clone()
    }

    /// The server's own collector's snapshots, when no daemon runs (started on first use).
    pub async fn local(&self) -> Option<tokio::sync::watch::Receiver<Arc<crate::model::Snapshot>>> {
        if self.remote().await.is_some() {
            return None;
        }
        let c = self
            .ctx
            .local
            .get_or_init(|| async {
                crate::collector::Collector::spawn_with(self.cfg(), self.ctx.ops.clone())
            })
            .await;
        Some(c.snapshots.clone())
    }

    pub async fn forget_remote(&self) {
        *self.ctx.remote.lock().await = None;
    }

    /// After a read: a snapshot not from the daemon means it went away.
    pub async fn saw(&self, origin: &crate::dashboard::source::Origin) {
        if !matches!(origin, crate::dashboard::source::Origin::Daemon { .. }) {
            self.forget_remote().await;
        }
    }

    /// Who asked, as recorded in the operation history.
    pub fn who(&self) -> String {
        format!("mcp:{}", self.client)
    }

    /// Runs `req` through the one actions path: the running daemon's API when there is one
    /// (which records it, with this client in its user agent), else here.
    pub async fn act(&self, req: Request) -> CallToolResult {
        let cfg = self.cfg();
        let mut actions = Actions::new(Arc::new(cfg.clone()), self.ctx.ops.clone());
        if let Ok(Some(remote)) = crate::api::client::attach(cfg, None, None).await {
            match remote.with_agent(&format!(
                "ipfs-kit-mcp/{} ({})",
                env!("CARGO_PKG_VERSION"),
                self.who()
            )) {
                Ok(r) => actions = actions.with_remote(r),
                Err(e) => return output::fail(format!("cannot reach the daemon's API: {e}")),
            }
        } else if let Some(c) = self.ctx.local.get() {
            actions = actions.with_collector(c.updates(), c.snapshots.clone());
        }
        let what = req.action();
        match actions.execute(req, Some(&self.who())).await {
            Ok(done) => output::ok(&done),
            Err(e) => output::fail(format!("{what}: {e}. {}", advice(&e))),
        }
    }
}

/// What the agent can do about a refused or failed action.
fn advice(e: &ActionError) -> &'static str {
    match e {
        ActionError::BadInput(_) => "Correct the argument and call again.",
        ActionError::NotFound(_) => {
            "Check the name or id (daemon_status and alerts_list show them)."
        }
        ActionError::ReadOnly(_) => "The daemon refuses actions ([api] read_only).",
        ActionError::Conflict(_) => "Wait for the running action to end, then retry.",
        ActionError::Unavailable(_) => {
            "Start the node's daemon (`ipfs-kit supervise`) so that actions have a supervisor and a collector."
        }
        ActionError::Failed(_) => "See the operation history (dashboard_get_operations_history).",
    }
}

/// Parses `argv` (without the program name) as the CLI's subcommand `A`: the same flags,
/// defaults and validation as the command line.
pub fn parse<A: Subcommand>(argv: &[String]) -> Result<A, String> {
    let cmd = A::augment_subcommands(clap::Command::new("ipfs-kit").no_binary_name(true));
    let m = cmd
        .try_get_matches_from(argv)
        .map_err(|e| e.render().to_string().trim().to_string())?;
    A::from_arg_matches(&m).map_err(|e| e.render().to_string().trim().to_string())
}

/// The `--json` document a subcommand wrote, or its error as a tool error.
pub fn document(run: anyhow::Result<u8>, bytes: &[u8]) -> CallToolResult {
    if let Err(e) = run {
        return output::fail(format!("{e:#}"));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => output::bounded(v),
        Err(e) => output::fail(format!("the command wrote no JSON document: {e}")),
    }
}

/// `--flag value` when the value is given.
pub fn flag(argv: &mut Vec<String>, name: &str, v: Option<impl ToString>) {
    if let Some(v) = v {
        argv.push(name.to_string());
        argv.push(v.to_string());
    }
}
