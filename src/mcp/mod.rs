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
    all
}
