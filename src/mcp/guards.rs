//! What a session may see and call: read-only tools unless `--allow-actions`, and only
//! those named by `--tools` when it is given.

use super::ToolDef;

#[derive(Clone, Debug, Default)]
pub struct Guards {
    pub allow_actions: bool,
    /// `--tools a,b,c`: only these.
    pub only: Option<Vec<String>>,
}

/// Why a tool that exists may not be called in this session.
pub fn refusal(g: &Guards, t: &ToolDef) -> Option<String> {
    if let Some(only) = &g.only
        && !only.iter().any(|n| n == t.name())
    {
        return Some(format!(
            "{} is not in this server's --tools allow-list ({}); ask the operator to add it",
            t.name(),
            only.join(",")
        ));
    }
    if !t.hints.read_only && !g.allow_actions {
        return Some(format!(
            "{} changes the node and this server is read-only: the operator must start it with `ipfs-kit mcp --allow-actions`",
            t.name()
        ));
    }
    None
}

pub fn visible(g: &Guards, t: &ToolDef) -> bool {
    refusal(g, t).is_none()
}
