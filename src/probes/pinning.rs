//! A remote pinning service (IPFS Pinning Service API): `GET /pins?limit=1` with the
//! bearer token proves the token works and gives the number of pins.

use reqwest::Method;
use serde::Deserialize;

use ipfs_kit_wizards::ProbeReport;

use super::kubo::{failed, shown};
use crate::sources::http::{ApiError, HttpApi};

#[derive(Deserialize)]
struct PinList {
    count: u64,
}

pub(super) async fn probe(api: &HttpApi) -> Result<ProbeReport, String> {
    let list: PinList = api
        .json(Method::GET, "pins", &[("limit", "1")])
        .await
        .map_err(|e| failed("pinning service", api, &spec_reason(e)))?;
    let noun = if list.count == 1 { "pin" } else { "pins" };
    Ok(
        ProbeReport::new(format!("Pinning service: {} {noun}", list.count))
            .fact("endpoint", shown(api))
            .fact("pins", list.count.to_string()),
    )
}

/// The spec's error body is `{"error": {"reason": "...", "details": "..."}}`, which the
/// shared client shows raw; show its reason and details instead.
pub(super) fn spec_reason(e: ApiError) -> ApiError {
    let reason = |message: &str| -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(message).ok()?;
        let err = v.get("error")?;
        let reason = err.get("reason")?.as_str()?;
        Some(match err.get("details").and_then(|d| d.as_str()) {
            Some(d) if !d.is_empty() => format!("{reason}: {d}"),
            _ => reason.to_string(),
        })
    };
    match e {
        ApiError::Denied { status, message } => ApiError::Denied {
            status,
            message: reason(&message).unwrap_or(message),
        },
        ApiError::Status {
            call,
            status,
            message,
        } => ApiError::Status {
            call,
            status,
            message: reason(&message).unwrap_or(message),
        },
        other => other,
    }
}
