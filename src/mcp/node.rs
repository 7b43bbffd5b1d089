//! The node tools beyond the original design: the snapshot, the daemons, alerts, and the
//! actions (daemons, pins, acknowledgements) through `crate::actions`.

use std::time::Duration;

use rmcp::model::CallToolResult;
use schemars::JsonSchema;
use serde::Deserialize;

use super::context::Call;
use super::output;
use super::tool::{Hints, ToolDef};
use crate::actions::Request;
use crate::dashboard::source::{self, Obtained, Want};
use crate::supervisor::service::Action;

/// The snapshot every read tool draws from: the running daemon's, else a fresh snapshot
/// file, else one collection pass (as the dashboard CLI).
pub async fn snapshot(call: &Call, refresh: bool) -> Result<Obtained, CallToolResult> {
    let got = source::obtain(
        call.cfg(),
        &Want {
            refresh,
            file: None,
            timeout: Duration::from_secs(5),
            skip_rings: true,
            remote: call.remote().await,
            local: call.local().await,
        },
    )
    .await
    .map_err(|e| output::fail(format!("cannot obtain a snapshot: {e:#}")))?;
    call.saw(&got.origin).await;
    Ok(got)
}

/// The newest `n` alert events from `<state>/alerts*.jsonl`, newest first, and the
/// files' unreadable lines. (A snapshot read from the daemon's API does not carry its alert
/// log, so the files are the one source either way.)
pub fn alert_events(
    call: &Call,
    n: usize,
) -> Result<(Vec<crate::alerts::AlertEvent>, usize), CallToolResult> {
    use crate::ophistory::jsonl;
    let mut out = Vec::new();
    let mut bad = 0;
    for path in jsonl::files_newest_first(&call.cfg().state_dir, "alerts") {
        let (mut ev, warnings) = jsonl::read_file::<crate::alerts::AlertEvent>(&path)
            .map_err(|e| output::fail(format!("cannot read the alert history: {e}")))?;
        bad += warnings.len();
        ev.reverse();
        out.extend(ev.into_iter().take(n - out.len()));
        if out.len() >= n {
            break;
        }
    }
    Ok((out, bad))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snap {
    /// Collect now even when a fresh snapshot file exists.
    #[serde(default)]
    pub refresh: bool,
    /// A fleet node's name (fleet_list_nodes): read its daemon's snapshot instead.
    pub node: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnNode {
    /// A fleet node's name (fleet_list_nodes): read that node instead of this one.
    pub node: Option<String>,
}

/// The snapshot of fleet node `node`, else this node's.
async fn snapshot_on(
    call: &Call,
    node: Option<&str>,
    refresh: bool,
) -> Result<std::sync::Arc<crate::model::Snapshot>, CallToolResult> {
    match node {
        Some(n) => super::fleet::node_snapshot(call, n).await,
        None => snapshot(call, refresh).await.map(|g| g.snap),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// At most N recent alert events (default 20, at most 1000); the current alerts are
    /// all listed.
    pub limit: Option<usize>,
    /// A fleet node's name (fleet_list_nodes): its current alerts (its alert history stays
    /// on its host).
    pub node: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Daemon {
    /// kubo or cluster (the daemons daemon_status lists).
    pub name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cid {
    /// The CID (v0 Qm… or v1 b…), checked before anything is sent.
    pub cid: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ack {
    /// The alert's id (alerts_list shows them).
    pub id: String,
}

fn daemon(name: &'static str, desc: &'static str, action: Action, hints: Hints) -> ToolDef {
    ToolDef::new(name, desc, hints, move |call, p: Daemon| async move {
        call.act(Request::Daemon {
            action,
            name: p.name,
        })
        .await
    })
}

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            "node_get_snapshot",
            "The node's current snapshot: host, Kubo, Cluster, backends, VFS mounts, daemons, alerts and health (`ipfs-kit snapshot --json`).",
            Hints::READ,
            |call, p: Snap| async move {
                match snapshot_on(&call, p.node.as_deref(), p.refresh).await {
                    Ok(snap) => output::ok(&*snap),
                    Err(e) => e,
                }
            },
        ),
        ToolDef::new(
            "daemon_status",
            "The watched daemons (Kubo, Cluster): state, pid, uptime, restarts, last error.",
            Hints::READ,
            |call, p: OnNode| async move {
                match snapshot_on(&call, p.node.as_deref(), false).await {
                    Ok(snap) => output::ok(&serde_json::json!({
                        "snapshot_time": snap.time,
                        "daemons": snap.daemons,
                    })),
                    Err(e) => e,
                }
            },
        ),
        ToolDef::new(
            "alerts_list",
            "The alerts now (firing, pending, acknowledged) and the newest alert events.",
            Hints::READ,
            |call, p: Alerts| async move {
                let n = match output::limit(p.limit, 20) {
                    Ok(n) => n,
                    Err(e) => return e,
                };
                if let Some(node) = p.node.as_deref() {
                    return match super::fleet::node_snapshot(&call, node).await {
                        Ok(snap) => output::ok(&serde_json::json!({
                            "node": node,
                            "snapshot_time": snap.time,
                            "alerts": snap.alerts,
                        })),
                        Err(e) => e,
                    };
                }
                let (recent, unreadable) = match alert_events(&call, n) {
                    Ok(r) => r,
                    Err(e) => return e,
                };
                match snapshot(&call, false).await {
                    Ok(got) => output::ok(&serde_json::json!({
                        "snapshot_time": got.snap.time,
                        "alerts": got.snap.alerts,
                        "recent_events": recent,
                        "unreadable_lines": unreadable,
                    })),
                    Err(e) => e,
                }
            },
        ),
        daemon(
            "daemon_start",
            "Starts a watched daemon (kubo or cluster) through the supervisor.",
            Action::Start,
            Hints::action(false, true),
        ),
        daemon(
            "daemon_stop",
            "Stops a watched daemon (kubo or cluster).",
            Action::Stop,
            Hints::action(true, true),
        ),
        daemon(
            "daemon_restart",
            "Restarts a watched daemon (kubo or cluster).",
            Action::Restart,
            Hints::action(true, false),
        ),
        ToolDef::new(
            "pin_add",
            "Pins a CID through Cluster (or Kubo when no cluster is configured).",
            Hints::action(false, true),
            |call, p: Cid| async move { call.act(Request::Pin { cid: p.cid }).await },
        ),
        ToolDef::new(
            "pin_rm",
            "Unpins a CID through Cluster (or Kubo).",
            Hints::action(true, true),
            |call, p: Cid| async move { call.act(Request::Unpin { cid: p.cid }).await },
        ),
        ToolDef::new(
            "alerts_acknowledge",
            "Acknowledges a firing alert (it stays listed until it resolves).",
            Hints::action(false, true),
            |call, p: Ack| async move { call.act(Request::Ack { id: p.id }).await },
        ),
    ]
}
