//! The JSON Schema of the `--once --json` document (committed as assets/snapshot.schema.json).

use crate::model::Snapshot;

pub fn snapshot_schema_json() -> String {
    let schema = schemars::schema_for!(Snapshot);
    let mut text =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
