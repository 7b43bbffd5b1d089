//! Pin and unpin through ipfs-kit (the dashboard's `p`/`u` keys and `ipfs-kit pin`): through
//! Cluster when one is configured and answering, else through Kubo; every call recorded in
//! the operation history.

use std::time::{Duration, Instant};

use reqwest::Method;

use crate::config::Config;
use crate::ophistory::{EventType, NewOp, OpHistory};
use crate::sources::http::{ApiError, HttpApi};

/// Where a pin went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinVia {
    Cluster,
    Kubo,
}

impl PinVia {
    pub fn as_str(self) -> &'static str {
        match self {
            PinVia::Cluster => "cluster",
            PinVia::Kubo => "kubo",
        }
    }
}

/// A CID as operators paste it: trimmed, `/ipfs/` prefix removed, decoded and checked
/// (`bulk::cid`) so a typo fails here rather than as a daemon error.
pub fn parse_cid(input: &str) -> Result<String, String> {
    let s = input
        .trim()
        .trim_start_matches("/ipfs/")
        .trim_end_matches('/');
    match crate::bulk::cid::decode(s) {
        Ok(_) => Ok(s.to_string()),
        Err(e) => Err(format!("{input:?} is not a CID: {e}")),
    }
}

pub(crate) async fn cluster_up(cfg: &Config) -> Option<HttpApi> {
    if !cfg.cluster.enabled {
        return None;
    }
    let api = HttpApi::new(
        &cfg.cluster.api.endpoint,
        cfg.cluster.api.auth.clone(),
        Duration::from_secs(3),
    )
    .ok()?;
    api.json::<serde_json::Value>(Method::GET, "id", &[])
        .await
        .ok()
        .map(|_| api)
}

fn kubo(cfg: &Config, timeout: Duration) -> Result<HttpApi, ApiError> {
    HttpApi::new(&cfg.kubo.api.endpoint, cfg.kubo.api.auth.clone(), timeout)
}

/// Pins `cid` (recursively). Kubo's pin/add fetches the whole DAG before answering, so it is
/// given a long timeout; Cluster queues the pin and answers at once.
pub async fn add(cfg: &Config, cid: &str, ops: Option<&OpHistory>) -> Result<PinVia, String> {
    let started = Instant::now();
    let result = async {
        let cid = parse_cid(cid)?;
        if let Some(api) = cluster_up(cfg).await {
            api.json::<serde_json::Value>(Method::POST, &format!("pins/{cid}"), &[])
                .await
                .map_err(|e| e.to_string())?;
            return Ok(PinVia::Cluster);
        }
        kubo(cfg, Duration::from_secs(600))
            .map_err(|e| e.to_string())?
            .json::<serde_json::Value>(
                Method::POST,
                "api/v0/pin/add",
                &[("arg", cid.as_str()), ("recursive", "true")],
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(PinVia::Kubo)
    }
    .await;
    record(ops, "pin.add", cid, &result, started);
    result
}

/// Unpins `cid`.
pub async fn remove(cfg: &Config, cid: &str, ops: Option<&OpHistory>) -> Result<PinVia, String> {
    let started = Instant::now();
    let result = async {
        let cid = parse_cid(cid)?;
        if let Some(api) = cluster_up(cfg).await {
            api.send(Method::DELETE, &format!("pins/{cid}"), &[])
                .await
                .map_err(|e| e.to_string())?;
            return Ok(PinVia::Cluster);
        }
        kubo(cfg, Duration::from_secs(60))
            .map_err(|e| e.to_string())?
            .json::<serde_json::Value>(
                Method::POST,
                "api/v0/pin/rm",
                &[("arg", cid.as_str()), ("recursive", "true")],
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(PinVia::Kubo)
    }
    .await;
    record(ops, "pin.remove", cid, &result, started);
    result
}

/// One listed pin: CID, name, and status (Cluster: this peer's; Kubo: the pin type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedPin {
    pub cid: String,
    pub name: String,
    pub status: String,
}

/// The first `limit` pins, through Cluster when it answers (with this peer's status), else
/// Kubo's recursive pins. Streamed, so a big pinset costs bounded memory; the bool says
/// whether more pins exist than were kept.
pub async fn list(cfg: &Config, limit: usize) -> Result<(PinVia, Vec<ListedPin>, bool), String> {
    let mut out = Vec::new();
    if let Some(api) = cluster_up(cfg).await {
        let api = HttpApi::new(
            &cfg.cluster.api.endpoint,
            cfg.cluster.api.auth.clone(),
            Duration::from_secs(30),
        )
        .unwrap_or(api);
        let n = api
            .ndjson(Method::GET, "pins", &[("local", "true")], |line| {
                if out.len() < limit {
                    out.push(cluster_pin(line)?);
                }
                Ok(())
            })
            .await
            .map_err(|e| e.to_string())?;
        let more = n as usize > out.len();
        return Ok((PinVia::Cluster, out, more));
    }
    let n = kubo(cfg, Duration::from_secs(30))
        .map_err(|e| e.to_string())?
        .ndjson(
            Method::POST,
            "api/v0/pin/ls",
            &[("type", "recursive"), ("stream", "true"), ("names", "true")],
            |line| {
                if out.len() < limit {
                    let v: KuboPin = crate::sources::http::decode("pin/ls", line)?;
                    out.push(ListedPin {
                        cid: v.cid,
                        name: v.name.unwrap_or_default(),
                        status: v.kind,
                    });
                }
                Ok(())
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    let more = n as usize > out.len();
    Ok((PinVia::Kubo, out, more))
}

#[derive(serde::Deserialize)]
struct KuboPin {
    #[serde(rename = "Cid")]
    cid: String,
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "Name", default)]
    name: Option<String>,
}

#[derive(serde::Deserialize)]
struct ClusterPin {
    cid: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    peer_map: std::collections::BTreeMap<String, ClusterPeerPin>,
}

#[derive(serde::Deserialize)]
struct ClusterPeerPin {
    #[serde(default)]
    status: String,
}

/// Worst status first: errors, then work in progress, then done.
fn status_rank(s: &str) -> u8 {
    match s {
        "pin_error" | "unpin_error" | "cluster_error" | "error" | "unexpectedly_unpinned" => 0,
        "pin_queued" | "pinning" | "queued" | "unpin_queued" | "unpinning" => 1,
        "undefined" | "" => 2,
        _ => 3,
    }
}

fn cluster_pin(line: &[u8]) -> Result<ListedPin, ApiError> {
    let p: ClusterPin = crate::sources::http::decode("pins", line)?;
    let status = p
        .peer_map
        .values()
        .map(|x| x.status.as_str())
        .min_by_key(|s| status_rank(s))
        .unwrap_or("undefined")
        .to_string();
    Ok(ListedPin {
        cid: p.cid,
        name: p.name,
        status,
    })
}

fn record(
    ops: Option<&OpHistory>,
    action: &str,
    cid: &str,
    result: &Result<PinVia, String>,
    started: Instant,
) {
    crate::perf::record(action, started.elapsed(), result.is_ok());
    let Some(ops) = ops else { return };
    let shown = parse_cid(cid).unwrap_or_else(|_| cid.trim().to_string());
    let mut op = NewOp::new(EventType::Data, action).resource("pin", shown);
    let status = match result {
        Ok(via) => {
            op = op.detail("via", via.as_str());
            crate::ophistory::OpStatus::Ok
        }
        Err(e) => {
            op = op.detail("error", e.clone());
            crate::ophistory::OpStatus::Failed
        }
    };
    let _ = ops.record_timed(op, status, started.elapsed());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_pin_lines_from_the_real_daemon() {
        let text = include_str!("../tests/fixtures/cluster/pins.json");
        let pins: Vec<ListedPin> = text
            .lines()
            .map(|l| cluster_pin(l.as_bytes()).expect("decodes"))
            .collect();
        assert_eq!(pins.len(), text.lines().count());
        assert_eq!(
            pins[0].cid,
            "QmW9g8uq43EiXhFiqVDVYY4Yb73XPJRukR8sJYJdFAjVTG"
        );
        assert_eq!(pins[0].status, "pinned");
        assert_eq!(status_rank("pin_error"), 0);
        assert!(status_rank("pinning") < status_rank("pinned"));
    }

    #[test]
    fn cids_as_pasted() {
        assert_eq!(
            parse_cid(" /ipfs/QmW9g8uq43EiXhFiqVDVYY4Yb73XPJRukR8sJYJdFAjVTG \n"),
            Ok("QmW9g8uq43EiXhFiqVDVYY4Yb73XPJRukR8sJYJdFAjVTG".into())
        );
        assert!(parse_cid("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi").is_ok());
        assert!(parse_cid("hello").unwrap_err().contains("not a CID"));
        assert!(parse_cid("QmW9g8uq43EiXhFiqVDVYY4Yb73XPJRukR8sJYJdFAjVT0").is_err());
    }
}
