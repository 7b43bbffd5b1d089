//! `ipfs-kit mcp [--allow-actions] [--tools a,b]`: the MCP server on stdio. stdout carries
//! only the protocol; logs go to the log file (main.rs started it).

use anyhow::Context;
use clap::Args;
use rmcp::ServiceExt;

use crate::config::Config;
use crate::mcp::context::Ctx;
use crate::mcp::{Guards, Server};

#[derive(Debug, Clone, Args)]
pub struct McpArgs {
    /// List and allow the tools that change something (daemons, pins, alerts, cache,
    /// baselines); without it they are not even listed.
    #[arg(long)]
    pub allow_actions: bool,
    /// Only these tools (comma-separated names).
    #[arg(long, value_name = "NAME,…", value_delimiter = ',')]
    pub tools: Vec<String>,
}

pub async fn run(cfg: &Config, args: &McpArgs) -> anyhow::Result<u8> {
    let known: Vec<String> = crate::mcp::registry()
        .iter()
        .map(|t| t.name().to_string())
        .collect();
    if let Some(bad) = args.tools.iter().find(|t| !known.contains(t)) {
        return Err(crate::cmd::UsageError::new(
            "--tools",
            bad,
            format!("no such tool; expected some of {}", known.join(",")),
        )
        .into());
    }
    let ops = crate::ophistory::OpHistory::open(&cfg.op_history.options(cfg.state_dir.clone()))
        .map(|(h, _)| h)
        .map_err(|e| tracing::warn!("operation history not kept: {e}"))
        .ok();
    let server = Server::new(
        Ctx {
            cfg: cfg.clone(),
            ops,
            started: Default::default(),
            remote: Default::default(),
            local: Default::default(),
        },
        Guards {
            allow_actions: args.allow_actions,
            only: (!args.tools.is_empty()).then(|| args.tools.clone()),
        },
    );
    tracing::info!(
        allow_actions = args.allow_actions,
        tools = server.listed().len(),
        "mcp server on stdio"
    );
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("cannot start the MCP session on stdio")?;
    let why = running.waiting().await.context("the MCP session failed")?;
    tracing::info!("mcp session ended: {why:?}");
    Ok(0)
}
