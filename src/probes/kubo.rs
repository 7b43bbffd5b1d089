//! Kubo: `POST /api/v0/id` (is it there, who is it) and `/api/v0/version`.

use reqwest::Method;
use serde::Deserialize;

use ipfs_kit_wizards::ProbeReport;

use crate::sources::http::{ApiError, HttpApi};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Id {
    #[serde(rename = "ID")]
    id: String,
    #[serde(default)]
    agent_version: String,
    #[serde(default)]
    addresses: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Version {
    version: String,
}

pub(super) async fn probe(api: &HttpApi) -> Result<ProbeReport, String> {
    let (id, version) = tokio::join!(
        api.json::<Id>(Method::POST, "api/v0/id", &[]),
        api.json::<Version>(Method::POST, "api/v0/version", &[]),
    );
    let id = id.map_err(|e| failed("Kubo", api, &e))?;
    // `id` answered, so the node is up; a failing `version` is only a missing detail.
    let (summary, version) = match version {
        Ok(v) => (format!("Kubo {}", v.version), v.version),
        Err(e) => (
            "Kubo (version unknown)".to_string(),
            format!("unknown: {e}"),
        ),
    };
    Ok(ProbeReport::new(summary)
        .fact("api", shown(api))
        .fact("peer id", id.id)
        .fact("agent version", id.agent_version)
        .fact("version", version)
        .fact("addresses", id.addresses.map_or(0, |a| a.len()).to_string()))
}

pub(super) fn shown(api: &HttpApi) -> String {
    api.base().as_str().trim_end_matches('/').to_string()
}

/// "<what> at <url>: <error>", without the URL twice when the error names it already.
pub(super) fn failed(what: &str, api: &HttpApi, e: &ApiError) -> String {
    match e {
        ApiError::Connect { .. } => format!("{what}: {e}"),
        _ => format!("{what} at {}: {e}", shown(api)),
    }
}
