//! IPFS Cluster: `GET /id` gives the peer, its version, the peers it knows and whether its
//! IPFS connector reaches Kubo.

use reqwest::Method;
use serde::Deserialize;

use ipfs_kit_wizards::ProbeReport;

use super::kubo::{failed, shown};
use crate::sources::http::HttpApi;

#[derive(Deserialize)]
struct Id {
    id: String,
    #[serde(default)]
    peername: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    cluster_peers: Option<Vec<String>>,
    #[serde(default)]
    ipfs: Option<IpfsId>,
}

#[derive(Deserialize)]
struct IpfsId {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    error: String,
}

pub(super) async fn probe(api: &HttpApi) -> Result<ProbeReport, String> {
    let id: Id = api
        .json(Method::GET, "id", &[])
        .await
        .map_err(|e| failed("IPFS Cluster", api, &e))?;
    if !id.error.is_empty() {
        return Err(format!("IPFS Cluster peer {} reports: {}", id.id, id.error));
    }
    // The peer answered: a connector error is something to show, not a failed probe
    // (Cluster keeps running while its Kubo is away).
    let connector = match &id.ipfs {
        Some(i) if !i.error.is_empty() => format!("error: {}", i.error),
        Some(IpfsId { id: Some(kubo), .. }) if !kubo.is_empty() => format!("ok (Kubo {kubo})"),
        _ => "unknown (no ipfs section in /id)".to_string(),
    };
    let summary = if connector.starts_with("error") {
        format!(
            "IPFS Cluster {} (its IPFS connector reports an error)",
            id.version
        )
    } else {
        format!("IPFS Cluster {}", id.version)
    };
    Ok(ProbeReport::new(summary)
        .fact("api", shown(api))
        .fact("peer id", id.id)
        .fact("peer name", id.peername)
        .fact("version", id.version)
        .fact(
            "cluster peers",
            id.cluster_peers.map_or(0, |p| p.len()).to_string(),
        )
        .fact("ipfs connector", connector))
}
