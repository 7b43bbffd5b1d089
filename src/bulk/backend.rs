//! Where a bulk run sends its calls: Cluster when one answers (`POST`/`DELETE /pins/{cid}`),
//! else Kubo (`pin/add`, `pin/rm`). One HTTP client (one connection pool) for every item.
//!
//! Cluster answers a pin as soon as it is in the shared state: its peers then fetch the
//! content themselves (watch `GET /pins`). Kubo's `pin/add` answers once the whole DAG is
//! local, and waits for ever for a block nobody has: the per-item timeout bounds it, and is
//! also passed to Kubo (`timeout=`) so Kubo stops fetching soon after ipfs-kit gave up.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;

use super::cid::Cid;
use crate::config::Config;
use crate::pins::PinVia;
use crate::sources::http::{ApiError, HttpApi, client_for, decode};

/// What `--name`, `--replication-min/max` ask of each new pin.
#[derive(Clone, Debug, Default)]
pub struct PinOptions {
    pub name: Option<String>,
    pub replication_min: Option<i32>,
    pub replication_max: Option<i32>,
}

/// A pin that existed before the run: kept to restore it if an `rm --transaction` rolls back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrevPin {
    pub name: String,
    pub replication_min: Option<i64>,
    pub replication_max: Option<i64>,
}

#[derive(Clone)]
pub struct Backend {
    pub via: PinVia,
    /// Cluster's REST API or Kubo's RPC: where pins go.
    api: HttpApi,
    /// Kubo, which resolves `/ipfs/<cid>/path` lines (Cluster needs the CID).
    kubo: HttpApi,
    timeout: Duration,
}

impl Backend {
    /// Cluster when it answers `/id`, else Kubo. `timeout` is the per-item limit.
    pub async fn connect(cfg: &Config, timeout: Duration) -> Result<Backend, ApiError> {
        let client = client_for([&cfg.kubo.api.endpoint, &cfg.cluster.api.endpoint])?;
        // The request limit is a backstop: the caller's per-item timeout ends calls first.
        let limit = timeout + Duration::from_secs(5);
        let kubo = HttpApi::with_client(
            &client,
            &cfg.kubo.api.endpoint,
            cfg.kubo.api.auth.clone(),
            limit,
        )
        .named("kubo");
        let (via, api) = match crate::pins::cluster_up(cfg).await {
            Some(_) => (
                PinVia::Cluster,
                HttpApi::with_client(
                    &client,
                    &cfg.cluster.api.endpoint,
                    cfg.cluster.api.auth.clone(),
                    limit,
                )
                .named("cluster"),
            ),
            None => (PinVia::Kubo, kubo.clone()),
        };
        Ok(Backend {
            via,
            api,
            kubo,
            timeout,
        })
    }

    /// Every pin that exists now, by CID bytes: Cluster's shared pinset (`/allocations`, no
    /// call to any Kubo) or Kubo's recursive pins (streamed). One call for the whole run.
    pub async fn existing(&self) -> Result<HashMap<Vec<u8>, PrevPin>, ApiError> {
        let mut out = HashMap::new();
        match self.via {
            PinVia::Cluster => {
                self.api
                    .ndjson(Method::GET, "allocations", &[("filter", "pin")], |line| {
                        let p: ClusterAlloc = decode("allocations", line)?;
                        if let Ok(c) = Cid::parse(&p.cid) {
                            out.insert(
                                c.bytes,
                                PrevPin {
                                    name: p.name,
                                    replication_min: Some(p.replication_factor_min),
                                    replication_max: Some(p.replication_factor_max),
                                },
                            );
                        }
                        Ok(())
                    })
                    .await?;
            }
            PinVia::Kubo => {
                self.api
                    .ndjson(
                        Method::POST,
                        "api/v0/pin/ls",
                        &[("type", "recursive"), ("stream", "true"), ("names", "true")],
                        |line| {
                            let p: KuboPin = decode("pin/ls", line)?;
                            if let Ok(c) = Cid::parse(&p.cid) {
                                out.insert(
                                    c.bytes,
                                    PrevPin {
                                        name: p.name.unwrap_or_default(),
                                        ..PrevPin::default()
                                    },
                                );
                            }
                            Ok(())
                        },
                    )
                    .await?;
            }
        }
        Ok(out)
    }

    /// The CID an `/ipfs/<cid>/path` names (Kubo walks the path: it may need to fetch).
    pub async fn resolve(&self, path: &str) -> Result<Cid, String> {
        let r: ResolveAnswer = self
            .kubo
            .json(Method::POST, "api/v0/resolve", &[("arg", path)])
            .await
            .map_err(|e| format!("cannot resolve {path}: {e}"))?;
        let cid = r.path.trim_start_matches("/ipfs/");
        Cid::parse(cid).map_err(|e| format!("{path} resolved to {:?}: {e}", r.path))
    }

    /// Pins `cid` with `opts` (for a rollback of `rm`, with the pin's earlier name and
    /// replication instead).
    pub async fn pin(&self, cid: &str, opts: &PinOptions) -> Result<(), ApiError> {
        let rmin = opts.replication_min.map(|v| v.to_string());
        let rmax = opts.replication_max.map(|v| v.to_string());
        let mut q: Vec<(&str, &str)> = Vec::new();
        if let Some(n) = opts.name.as_deref().filter(|n| !n.is_empty()) {
            q.push(("name", n));
        }
        match self.via {
            PinVia::Cluster => {
                if let Some(v) = &rmin {
                    q.push(("replication-min", v));
                }
                if let Some(v) = &rmax {
                    q.push(("replication-max", v));
                }
                self.api
                    .send(Method::POST, &format!("pins/{cid}"), &q)
                    .await?;
            }
            PinVia::Kubo => {
                let kubo_timeout =
                    format!("{}ms", (self.timeout + Duration::from_secs(1)).as_millis());
                q.extend([
                    ("arg", cid),
                    ("recursive", "true"),
                    ("timeout", kubo_timeout.as_str()),
                ]);
                self.api.send(Method::POST, "api/v0/pin/add", &q).await?;
            }
        }
        Ok(())
    }

    pub async fn unpin(&self, cid: &str) -> Result<(), ApiError> {
        match self.via {
            PinVia::Cluster => {
                self.api
                    .send(Method::DELETE, &format!("pins/{cid}"), &[])
                    .await?;
            }
            PinVia::Kubo => {
                self.api
                    .send(
                        Method::POST,
                        "api/v0/pin/rm",
                        &[("arg", cid), ("recursive", "true")],
                    )
                    .await?;
            }
        }
        Ok(())
    }
}

impl PrevPin {
    /// The options that pin it again as it was.
    pub fn options(&self) -> PinOptions {
        let keep = |v: Option<i64>| v.and_then(|v| i32::try_from(v).ok());
        PinOptions {
            name: Some(self.name.clone()),
            replication_min: keep(self.replication_min),
            replication_max: keep(self.replication_max),
        }
    }
}

#[derive(serde::Deserialize)]
struct ClusterAlloc {
    cid: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    replication_factor_min: i64,
    #[serde(default)]
    replication_factor_max: i64,
}

#[derive(serde::Deserialize)]
struct KuboPin {
    #[serde(rename = "Cid")]
    cid: String,
    #[serde(rename = "Name", default)]
    name: Option<String>,
}

#[derive(serde::Deserialize)]
struct ResolveAnswer {
    #[serde(rename = "Path")]
    path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_allocations_from_the_real_daemon() {
        let text = include_str!("../../tests/fixtures/cluster/allocations.json");
        for line in text.lines() {
            let a: ClusterAlloc = decode("allocations", line.as_bytes()).expect("decodes");
            assert!(Cid::parse(&a.cid).is_ok(), "{}", a.cid);
            assert_eq!(a.replication_factor_min, -1);
        }
    }
}
