//! The daemon calls of the trail: add (pinned), cat, "is it pinned?", and Cluster's pin.

use std::time::Duration;

use reqwest::Method;

use crate::config::Config;
use crate::sources::http::{ApiError, HttpApi, decode, read_limited};

/// The largest file `cat` reads back (history files rotate at `max_file_bytes`, 4 MiB by
/// default; this bounds what a wrong CID can make us hold).
pub const MAX_CAT_BYTES: usize = 1 << 30;

/// Kubo (and Cluster when configured) as the trail uses them.
pub struct Kubo {
    /// add and cat move whole files: long timeout.
    bulk: HttpApi,
    /// pin checks: answered from the local pinset, short timeout.
    quick: HttpApi,
    cluster: Option<HttpApi>,
}

/// What Kubo says of a CID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PinCheck {
    Pinned,
    NotPinned,
    Unreachable(String),
}

impl Kubo {
    pub fn new(cfg: &Config) -> Result<Kubo, ApiError> {
        let auth = || cfg.kubo.api.auth.clone();
        let endpoint = &cfg.kubo.api.endpoint;
        let cluster = if cfg.cluster.enabled {
            Some(HttpApi::new(
                &cfg.cluster.api.endpoint,
                cfg.cluster.api.auth.clone(),
                Duration::from_secs(10),
            )?)
        } else {
            None
        };
        Ok(Kubo {
            bulk: HttpApi::new(endpoint, auth(), Duration::from_secs(300))?,
            quick: HttpApi::new(endpoint, auth(), Duration::from_secs(5))?,
            cluster,
        })
    }

    /// Adds one file, pinned, with the parameters `cid_of` mirrors; returns Kubo's CID.
    pub async fn add(&self, name: &str, bytes: &[u8]) -> Result<String, ApiError> {
        let boundary = boundary_for(bytes);
        let mut body = Vec::with_capacity(bytes.len() + 256);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut query: Vec<(&str, &str)> = ipfs_kit_audit::cid::ADD_PARAMS.to_vec();
        query.extend([("pin", "true"), ("progress", "false")]);
        let resp = self
            .bulk
            .send_body(
                "api/v0/add",
                &query,
                &format!("multipart/form-data; boundary={boundary}"),
                body,
            )
            .await?;
        let text = read_limited(resp, 1 << 20, "api/v0/add").await?;
        #[derive(serde::Deserialize)]
        struct Added {
            #[serde(rename = "Hash")]
            hash: String,
        }
        // One line per added object; the file is the last.
        let last = text
            .split(|b| *b == b'\n')
            .rfind(|l| !l.trim_ascii().is_empty())
            .unwrap_or_default();
        Ok(decode::<Added>("api/v0/add", last)?.hash)
    }

    /// The bytes of `cid` (`/api/v0/cat`), at most `MAX_CAT_BYTES`.
    pub async fn cat(&self, cid: &str) -> Result<Vec<u8>, ApiError> {
        Self::cat_on(&self.bulk, cid).await
    }

    /// As `cat`, giving up after the pin-check timeout: for a CID Kubo does not pin, which it
    /// would otherwise look for on the network for minutes.
    pub async fn cat_quick(&self, cid: &str) -> Result<Vec<u8>, ApiError> {
        Self::cat_on(&self.quick, cid).await
    }

    async fn cat_on(api: &HttpApi, cid: &str) -> Result<Vec<u8>, ApiError> {
        let mut out = Vec::new();
        let mut too_large = false;
        api.for_each_chunk(Method::POST, "api/v0/cat", &[("arg", cid)], |c| {
            if out.len() + c.len() > MAX_CAT_BYTES {
                too_large = true;
            } else {
                out.extend_from_slice(c);
            }
        })
        .await?;
        if too_large {
            return Err(ApiError::TooLarge {
                call: "api/v0/cat".into(),
                limit: MAX_CAT_BYTES,
            });
        }
        Ok(out)
    }

    /// Whether Kubo pins `cid` recursively (answered from the pinset, no network fetch).
    pub async fn pin_check(&self, cid: &str) -> PinCheck {
        let r = self
            .quick
            .json::<serde_json::Value>(
                Method::POST,
                "api/v0/pin/ls",
                &[("arg", cid), ("type", "recursive")],
            )
            .await;
        match r {
            Ok(_) => PinCheck::Pinned,
            Err(ApiError::Status { message, .. }) if message.contains("not pinned") => {
                PinCheck::NotPinned
            }
            Err(e) => PinCheck::Unreachable(e.to_string()),
        }
    }

    /// Pins through Cluster: `None` when no Cluster is configured or it does not answer.
    pub async fn cluster_pin(&self, cid: &str) -> Option<Result<(), ApiError>> {
        let api = self.cluster.as_ref()?;
        if api
            .json::<serde_json::Value>(Method::GET, "id", &[])
            .await
            .is_err()
        {
            return None;
        }
        Some(
            api.json::<serde_json::Value>(Method::POST, &format!("pins/{cid}"), &[])
                .await
                .map(|_| ()),
        )
    }
}

/// A multipart boundary that does not occur in the body.
fn boundary_for(bytes: &[u8]) -> String {
    let mut n = 0u32;
    loop {
        let b = format!("ipfs-kit-history-{n:08x}-boundary");
        if !bytes.windows(b.len()).any(|w| w == b.as_bytes()) {
            return b;
        }
        n += 1;
    }
}

/// Reads an archived file back by CID through the watched Kubo (`--file ipfs://CID`); the
/// node is located first (`cfg` may be the unlocated config).
pub async fn cat(cfg: &Config, cid: &str) -> anyhow::Result<Vec<u8>> {
    let cid = crate::pins::parse_cid(cid).map_err(anyhow::Error::msg)?;
    let mut cfg = cfg.clone();
    crate::locate::locate(&mut cfg).await;
    let cfg = &cfg;
    let kubo = Kubo::new(cfg)?;
    kubo.cat(&cid).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot read ipfs://{cid} from Kubo at {}: {e} (is the daemon running? \
             `ipfs-kit daemon start kubo`)",
            cfg.kubo.api.endpoint.url()
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_boundary_is_not_in_the_body() {
        let first = super::boundary_for(b"plain");
        let body = format!("x{first}y");
        let second = super::boundary_for(body.as_bytes());
        assert_ne!(first, second);
        assert!(!body.contains(&second));
    }
}
