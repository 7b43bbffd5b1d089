//! `ipfs-kit mcp`: an MCP server (rmcp, stdio) for agents. The tools are thin calls into
//! what the CLI runs: each read tool builds the same subcommand the CLI would parse and
//! takes its `--json` document (so the two agree); each action goes through
//! `crate::actions`, recorded with the MCP client's name as who asked.
//!
//! tool.rs the registry's entry type, one file per family (dashboard, performance, audit,
//! node) listing its tools, guards.rs what a session may see and call, output.rs the size
//! bound, resources.rs the snapshot and histories as resources, server.rs the handler.

pub mod audit;
pub mod context;
pub mod dashboard;
pub mod fleet;
pub mod guards;
pub mod node;
pub mod output;
pub mod performance;
pub mod resources;
pub mod server;
pub mod tool;

pub use guards::Guards;
pub use server::Server;
pub use tool::{Hints, ToolDef};

/// Every tool, in the order `tools/list` shows them. A new family adds its `tools()` here.
pub fn registry() -> Vec<ToolDef> {
    let mut all = dashboard::tools();
    all.extend(performance::tools());
    all.extend(audit::tools());
    all.extend(node::tools());
    all.extend(fleet::tools());
    all
}

/// The README's tool table (between its `mcp tools` markers; a test keeps the two the same).
pub fn markdown_table() -> String {
    let mut t = String::from("| tool | listed | does |\n|---|---|---|\n");
    for d in registry() {
        let listed = if d.hints.read_only {
            "always"
        } else if d.hints.destructive {
            "--allow-actions (destructive)"
        } else {
            "--allow-actions"
        };
        let what = d
            .tool
            .description
            .as_deref()
            .unwrap_or_default()
            .replace('|', "\\|");
        t.push_str(&format!("| `{}` | {listed} | {what} |\n", d.name()));
    }
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_readme_lists_every_tool() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("<!-- mcp tools:")
            .and_then(|i| readme[i..].find('\n').map(|j| i + j + 1))
            .expect("the README's mcp tools marker");
        let end = readme.find("<!-- end mcp tools -->").expect("end marker");
        assert_eq!(
            &readme[start..end],
            super::markdown_table(),
            "README.md's MCP tool table is out of date; replace it with markdown_table()'s output"
        );
    }

    #[test]
    fn every_tool_has_a_schema_a_description_and_hints() {
        for d in super::registry() {
            assert!(
                d.tool.description.as_deref().is_some_and(|s| s.len() > 20),
                "{}",
                d.name()
            );
            assert_eq!(
                d.tool.input_schema.get("type"),
                Some(&serde_json::json!("object")),
                "{}",
                d.name()
            );
            let a = d.tool.annotations.as_ref().expect("annotations");
            assert!(
                a.read_only_hint.is_some()
                    && a.destructive_hint.is_some()
                    && a.idempotent_hint.is_some()
            );
        }
    }
}
