//! The committed OpenAPI document (assets/openapi.json) is what the code generates, and it
//! names every route the API serves, each `$ref` resolving inside it.

use std::process::Command;

#[test]
fn committed_openapi_is_current_and_complete() {
    let out = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"))
        .arg("openapi")
        .env_clear()
        .output()
        .expect("run ipfs-kit openapi");
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8_lossy(&out.stdout);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/openapi.json"))
            .expect("assets/openapi.json");
    assert_eq!(
        generated, committed,
        "assets/openapi.json is stale: run `cargo run -- openapi > assets/openapi.json`"
    );
    let doc: serde_json::Value = serde_json::from_str(&committed).expect("JSON");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    for (path, method) in [
        ("/health", "get"),
        ("/api/v1/status", "get"),
        ("/api/v1/snapshot", "get"),
        ("/api/v1/snapshots", "get"),
        ("/api/v1/history", "get"),
        ("/api/v1/alerts", "get"),
        ("/api/v1/alerts/{id}/ack", "post"),
        ("/api/v1/daemons", "get"),
        ("/api/v1/daemons/{name}/{action}", "post"),
        ("/api/v1/daemons/{name}/logs", "get"),
        ("/api/v1/backends", "get"),
        ("/api/v1/backends/{name}/check", "post"),
        ("/api/v1/pins/{cid}", "post"),
        ("/api/v1/pins/{cid}", "delete"),
        ("/metrics", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        // Everything but /health needs the token.
        assert_eq!(
            op["security"].is_array(),
            path != "/health",
            "{method} {path}"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for r in committed.split("\"#/components/schemas/").skip(1) {
        let name = r.split('"').next().unwrap_or_default();
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
}
