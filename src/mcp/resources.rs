//! The snapshot, the operation history and the alert history as MCP resources: read with
//! `resources/read`, no tool call.

use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents};
use serde_json::Value;

use super::context::Call;
use super::node;
use super::output;

pub const SNAPSHOT: &str = "ipfs-kit://snapshot";
pub const OPERATIONS: &str = "ipfs-kit://operations";
pub const ALERTS: &str = "ipfs-kit://alerts";

/// Entries of a history a resource holds (newest first).
const ENTRIES: usize = 200;

pub fn list() -> Vec<Resource> {
    [
        (
            SNAPSHOT,
            "snapshot",
            "The node's current snapshot (as node_get_snapshot).",
        ),
        (
            OPERATIONS,
            "operations",
            "The newest 200 entries of the operation history, newest first.",
        ),
        (
            ALERTS,
            "alerts",
            "The alerts now and the newest 200 alert events, newest first.",
        ),
    ]
    .into_iter()
    .map(|(uri, name, desc)| {
        Resource::new(uri, name)
            .with_description(desc)
            .with_mime_type("application/json")
    })
    .collect()
}

pub async fn read(call: &Call, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    let v: Value = match uri {
        SNAPSHOT => {
            let got = node::snapshot(call, false)
                .await
                .map_err(|_| ErrorData::internal_error("cannot obtain a snapshot", None))?;
            serde_json::to_value(&*got.snap).map_err(internal)?
        }
        OPERATIONS => {
            let r = crate::ophistory::query(
                &call.cfg().state_dir,
                &crate::ophistory::Filter {
                    status: None,
                    since: None,
                    limit: Some(ENTRIES),
                },
            )
            .map_err(|e| ErrorData::internal_error(format!("history: {e}"), None))?;
            serde_json::json!({"operations": r.entries, "warnings": r.warnings.iter().map(ToString::to_string).collect::<Vec<_>>()})
        }
        ALERTS => {
            let got = node::snapshot(call, false)
                .await
                .map_err(|_| ErrorData::internal_error("cannot obtain a snapshot", None))?;
            let (recent, _) = node::alert_events(call, ENTRIES)
                .map_err(|_| ErrorData::internal_error("cannot read the alert history", None))?;
            serde_json::json!({"alerts": got.snap.alerts, "recent_events": recent})
        }
        other => {
            return Err(ErrorData::resource_not_found(
                format!("no resource {other}; expected {SNAPSHOT}, {OPERATIONS} or {ALERTS}"),
                None,
            ));
        }
    };
    let mut v = v;
    output::cut_to(&mut v, output::MAX_BYTES * 4);
    let text = serde_json::to_string(&v).map_err(internal)?;
    Ok(ReadResourceResult::new(vec![ResourceContents::text(
        text, uri,
    )]))
}

fn internal(e: serde_json::Error) -> ErrorData {
    ErrorData::internal_error(e.to_string(), None)
}
