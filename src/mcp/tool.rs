//! A tool as data: name, description, parameter schema (schemars, from the parameter
//! struct's doc comments), hints, and the call. One more tool is one more `ToolDef::new`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{CallToolResult, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::context::Call;

type Fut = Pin<Box<dyn Future<Output = CallToolResult> + Send>>;
type Handler = Arc<dyn Fn(Call, JsonObject) -> Result<Fut, ErrorData> + Send + Sync>;

/// What a tool does to the node, as the MCP annotations say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hints {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
}

impl Hints {
    /// Reads only; calling it twice is calling it once.
    pub const READ: Hints = Hints {
        read_only: true,
        destructive: false,
        idempotent: true,
    };

    /// Changes something; `destructive` when it removes or stops, `idempotent` when a
    /// repeat changes nothing more.
    pub const fn action(destructive: bool, idempotent: bool) -> Hints {
        Hints {
            read_only: false,
            destructive,
            idempotent,
        }
    }
}

#[derive(Clone)]
pub struct ToolDef {
    pub tool: Tool,
    pub hints: Hints,
    handler: Handler,
}

impl ToolDef {
    /// A tool whose arguments are `P` (an unknown field, a wrong type or a missing
    /// argument is an invalid-params protocol error, before `f` runs).
    pub fn new<P, F, R>(name: &'static str, description: &'static str, hints: Hints, f: F) -> Self
    where
        P: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(Call, P) -> R + Send + Sync + 'static,
        R: Future<Output = CallToolResult> + Send + 'static,
    {
        let tool = Tool::new(name, description, JsonObject::new())
            .with_input_schema::<P>()
            .annotate(
                ToolAnnotations::new()
                    .read_only(hints.read_only)
                    .destructive(hints.destructive)
                    .idempotent(hints.idempotent)
                    .open_world(false),
            );
        let handler: Handler = Arc::new(move |call, args| {
            let p: P = serde_json::from_value(serde_json::Value::Object(args))
                .map_err(|e| ErrorData::invalid_params(format!("{name}: {e}"), None))?;
            Ok(Box::pin(f(call, p)))
        });
        ToolDef {
            tool,
            hints,
            handler,
        }
    }

    pub fn name(&self) -> &str {
        &self.tool.name
    }

    /// Parses the arguments (a protocol error when they do not fit) and starts the call.
    pub fn start(&self, call: Call, args: JsonObject) -> Result<Fut, ErrorData> {
        (self.handler)(call, args)
    }
}

/// Tools that take no argument.
#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}
