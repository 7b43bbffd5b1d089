//! The fleet for agents: `fleet_list_nodes` (the rows `ipfs-kit fleet --json` prints), and
//! the `node` argument of the node read tools, which reads that fleet node's snapshot from
//! its daemon instead of this host's.

use std::sync::Arc;
use std::time::Duration;

use rmcp::model::CallToolResult;
use schemars::JsonSchema;
use serde::Deserialize;

use super::context::Call;
use super::output;
use super::tool::{Hints, ToolDef};
use crate::api::client::default_token;
use crate::model::Snapshot;

/// How long a fleet node has to answer.
const NODE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// At most N nodes (default 50, at most 1000), in the configured order.
    pub limit: Option<usize>,
}

pub fn tools() -> Vec<ToolDef> {
    vec![ToolDef::new(
        "fleet_list_nodes",
        "The fleet's nodes ([[fleet.nodes]] in the config), each asked now: state (up/down with the error), health and score, Kubo and Cluster state, peers, pins, repo use, firing alerts (`ipfs-kit fleet --json`). Pass a node's name as `node` to node_get_snapshot, daemon_status or alerts_list to read that node.",
        Hints::READ,
        |call, p: List| async move {
            let n = match output::limit(p.limit, 50) {
                Ok(n) => n,
                Err(e) => return e,
            };
            let cfg = call.cfg();
            if cfg.fleet.is_empty() {
                return output::fail(no_fleet(cfg));
            }
            let nodes: Vec<_> = cfg.fleet.iter().take(n).cloned().collect();
            let rows =
                crate::cmd::fleet::ask_all(&nodes, default_token(cfg, None), NODE_TIMEOUT).await;
            output::ok(&serde_json::json!({
                "time": chrono::Utc::now(),
                "nodes": rows,
                "more": cfg.fleet.len().saturating_sub(n),
            }))
        },
    )]
}

fn no_fleet(cfg: &crate::config::Config) -> String {
    format!(
        "no fleet is configured; list the nodes as [[fleet.nodes]] (name, url, token or token_env) in {}",
        cfg.file
            .as_ref()
            .map_or("the config file".to_string(), |p| p.display().to_string())
    )
}

/// Fleet node `name`'s current snapshot, from its daemon.
pub async fn node_snapshot(call: &Call, name: &str) -> Result<Arc<Snapshot>, CallToolResult> {
    let cfg = call.cfg();
    if cfg.fleet.is_empty() {
        return Err(output::fail(no_fleet(cfg)));
    }
    let Some(node) = cfg.fleet.iter().find(|n| n.name == name) else {
        let names: Vec<&str> = cfg.fleet.iter().map(|n| n.name.as_str()).collect();
        return Err(output::fail(format!(
            "there is no fleet node {name:?}; the nodes are {} (fleet_list_nodes lists them)",
            names.join(", ")
        )));
    };
    let remote = node
        .remote(default_token(cfg, None).as_ref())
        .map_err(output::fail)?;
    match tokio::time::timeout(NODE_TIMEOUT, remote.snapshot()).await {
        Ok(Ok(s)) => Ok(Arc::new(s)),
        Ok(Err(e)) => Err(output::fail(format!(
            "fleet node {name} is down: {e}; its daemon (ipfs-kit supervise) must run and answer at {}",
            node.url
        ))),
        Err(_) => Err(output::fail(format!(
            "fleet node {name} did not answer within 5 s at {}",
            node.url
        ))),
    }
}
