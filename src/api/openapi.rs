//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations (utoipa)
//! and the body types' JSON Schemas (schemars, the same that make
//! assets/snapshot.schema.json). Committed as assets/openapi.json; `ipfs-kit openapi`
//! prints it and tests/api_openapi.rs keeps the file current.

use std::borrow::Cow;

use serde_json::{Map, Value};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use super::error::ErrorBody;
use super::routes::{self, SeriesDoc};
use super::status::{AlertsDoc, HealthDoc, HistoryDoc, StatusDoc};
use crate::actions::Done;
use crate::model::{BackendStatus, DaemonStatus, Snapshot};

/// A body type named in the annotations; its schema comes from schemars (see `document`).
macro_rules! schemars_body {
    ($($t:ty),* $(,)?) => {$(
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(
                    utoipa::openapi::schema::Object::default(),
                ))
            }
        }
        impl utoipa::ToSchema for $t {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($t))
            }
        }
    )*};
}

schemars_body!(
    SeriesDoc,
    Snapshot,
    DaemonStatus,
    BackendStatus,
    ErrorBody,
    Done,
    HealthDoc,
    StatusDoc,
    HistoryDoc,
    AlertsDoc
);

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ipfs-kit",
        description = "The node daemon's API (`ipfs-kit supervise`, or a dashboard running its \
own collector). The base URL is in `<state>/api`, the token in `<state>/api.token`; every \
route but /health needs `Authorization: Bearer <token>`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        routes::health,
        routes::status,
        routes::snapshot,
        routes::snapshots,
        routes::history,
        routes::alerts,
        routes::ack,
        routes::daemons,
        routes::daemon_action,
        routes::daemon_logs,
        routes::backends,
        routes::backend_check,
        routes::pin,
        routes::unpin,
        routes::series,
        routes::metrics,
    ),
    modifiers(&Bearer),
    tags(
        (name = "health", description = "Open to all: for load balancers and probes"),
        (name = "read", description = "What the collector and supervisor know"),
        (name = "actions", description = "Changes to the node; refused in read-only mode and \
recorded in the operation history with the client's identity")
    )
)]
struct ApiDoc;

/// The body types' schemas, from one generator so that every type has one name.
fn schemas() -> Map<String, Value> {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let mut direct = Map::new();
    let mut add = |name: &str, s: schemars::Schema| {
        // A type schemars inlines (no definition of its own) is put under its name here.
        if s.get("$ref").and_then(Value::as_str) != Some(&format!("#/components/schemas/{name}")) {
            direct.insert(name.to_string(), s.to_value());
        }
    };
    add("Snapshot", generator.subschema_for::<Snapshot>());
    add("DaemonStatus", generator.subschema_for::<DaemonStatus>());
    add("BackendStatus", generator.subschema_for::<BackendStatus>());
    add("ErrorBody", generator.subschema_for::<ErrorBody>());
    add("Done", generator.subschema_for::<Done>());
    add("HealthDoc", generator.subschema_for::<HealthDoc>());
    add("StatusDoc", generator.subschema_for::<StatusDoc>());
    add("HistoryDoc", generator.subschema_for::<HistoryDoc>());
    add("AlertsDoc", generator.subschema_for::<AlertsDoc>());
    add("SeriesDoc", generator.subschema_for::<SeriesDoc>());
    let mut all = generator.take_definitions(true);
    all.extend(direct);
    all
}

/// The whole document.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    doc["info"]["version"] = Value::String(env!("CARGO_PKG_VERSION").into());
    // Sorted, so the committed file changes only where the API does.
    let sorted: std::collections::BTreeMap<String, Value> = schemas().into_iter().collect();
    doc["components"]["schemas"] = serde_json::to_value(sorted).unwrap_or(Value::Null);
    doc
}

/// The document as committed: pretty, keys sorted, a final newline.
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document())
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
