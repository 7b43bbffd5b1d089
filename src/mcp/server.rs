//! The MCP handler: `tools/list` filtered by the guards, `tools/call` dispatched through the
//! registry, the resources. Nothing here writes to stdout but the protocol.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities,
    ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::context::{Call, Ctx};
use super::guards::{self, Guards};
use super::{ToolDef, output, registry, resources};

#[derive(Clone)]
pub struct Server {
    ctx: Arc<Ctx>,
    guards: Guards,
    tools: Arc<Vec<ToolDef>>,
}

impl Server {
    pub fn new(ctx: Ctx, guards: Guards) -> Self {
        Server {
            ctx: Arc::new(ctx),
            guards,
            tools: Arc::new(registry()),
        }
    }

    /// The tools this session lists.
    pub fn listed(&self) -> Vec<Tool> {
        self.tools
            .iter()
            .filter(|t| guards::visible(&self.guards, t))
            .map(|t| t.tool.clone())
            .collect()
    }

    fn call(&self, cx: &RequestContext<RoleServer>) -> Call {
        let name = cx
            .client_info()
            .map(|i| i.name)
            .unwrap_or_else(|| "unknown".into());
        let clean: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
        Call {
            ctx: Arc::clone(&self.ctx),
            client: if clean.is_empty() {
                "unknown".into()
            } else {
                clean
            },
        }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_instructions(
            "ipfs-kit: an IPFS node's health, performance, audit trail and (with --allow-actions) its daemons, pins and alerts. Start with dashboard_get_status_summary.",
        );
        info.server_info = Implementation::new("ipfs-kit", env!("CARGO_PKG_VERSION"));
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.listed()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(def) = self.tools.iter().find(|t| t.name() == request.name) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "no tool {:?}; tools/list shows the tools of this server",
                    request.name
                ),
                None,
            ));
        };
        if let Some(why) = guards::refusal(&self.guards, def) {
            tracing::info!(tool = %def.name(), "refused: {why}");
            return Ok(output::fail(why).into());
        }
        let call = self.call(&cx);
        tracing::info!(tool = %def.name(), client = %call.client, "tool call");
        let fut = def.start(call, request.arguments.unwrap_or_default())?;
        // A panic in a tool is that call's error, not the server's end.
        match tokio::spawn(fut).await {
            Ok(r) => Ok(r.into()),
            Err(e) => {
                tracing::error!(tool = %def.name(), "tool panicked: {e}");
                Ok(output::fail(format!(
                    "{} failed inside the server ({e}); the log file has details",
                    def.name()
                ))
                .into())
            }
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(resources::list()))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let call = self.call(&cx);
        resources::read(&call, &request.uri).await.map(Into::into)
    }
}
