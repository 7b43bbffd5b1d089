//! A small typed HTTP client shared by the Kubo and Cluster sources: auth, bounded bodies,
//! error bodies turned into plain messages, NDJSON streamed line by line in bounded memory.

use std::time::Duration;

use reqwest::{Method, Response, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::config::{Auth, Endpoint};

/// The most a single JSON answer may weigh; a bigger one is an error, not an allocation.
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// The longest NDJSON line accepted.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error, Clone)]
pub enum ApiError {
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("{call} timed out")]
    Timeout { call: String },
    #[error("access denied ({status}): {message} — check the auth setting")]
    Denied { status: u16, message: String },
    #[error("HTTP {status} from {call}: {message}")]
    Status {
        call: String,
        status: u16,
        message: String,
    },
    #[error("answer from {call} is larger than {limit} bytes; refusing to read it")]
    TooLarge { call: String, limit: usize },
    #[error("unexpected answer from {call}: {reason}")]
    Decode { call: String, reason: String },
    #[error("{call} failed: {reason}")]
    Transport { call: String, reason: String },
}

#[derive(Clone, Debug)]
pub struct HttpApi {
    client: reqwest::Client,
    base: Url,
    auth: Option<Auth>,
    timeout: Duration,
    /// What the performance monitor calls this API's requests: `<name>.<path>`.
    name: &'static str,
}

/// `kubo.repo/stat`, `cluster.pins/{id}`: the API's name and the path, with CIDs and peer
/// ids (any segment of 32 characters or more) folded into `{id}` so that the monitor keeps
/// one operation per endpoint, not one per CID.
pub fn op_name(api: &str, path: &str) -> String {
    let path = path.trim_start_matches('/').trim_start_matches("api/v0/");
    let segs: Vec<&str> = path
        .split('/')
        .map(|s| if s.len() >= 32 { "{id}" } else { s })
        .collect();
    format!("{api}.{}", segs.join("/"))
}

/// Connections are given up after this long, or the request's timeout if shorter.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// An HTTP client for these endpoints; one serves them all (a client is a connection pool and
/// TLS set-up, request timeouts are set per `HttpApi`). The system's CA certificates, which
/// every TLS-capable client reads and parses from disk, are loaded only when one of the
/// endpoints is https: Kubo's and Cluster's APIs are plain http on loopback as a rule.
pub fn client_for<'a>(
    endpoints: impl IntoIterator<Item = &'a Endpoint>,
) -> Result<reqwest::Client, ApiError> {
    let tls = endpoints.into_iter().any(|e| e.url().scheme() != "http");
    let mut builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        // Kubo answers 403 to browser-like agents; say who we are.
        .user_agent(concat!("ipfs-kit/", env!("CARGO_PKG_VERSION")));
    if !tls {
        // No trusted roots: a redirect to https fails verification instead of loading them.
        builder = builder.tls_certs_only(std::iter::empty());
    }
    builder.build().map_err(|e| ApiError::Transport {
        call: "client".into(),
        reason: chain(&e),
    })
}

impl HttpApi {
    /// `timeout` bounds every request, connection included.
    pub fn new(
        endpoint: &Endpoint,
        auth: Option<Auth>,
        timeout: Duration,
    ) -> Result<Self, ApiError> {
        Ok(HttpApi::with_client(
            &client_for([endpoint])?,
            endpoint,
            auth,
            timeout,
        ))
    }

    /// As `new`, on a client made by `client_for` (shared, with its connection pool).
    pub fn with_client(
        client: &reqwest::Client,
        endpoint: &Endpoint,
        auth: Option<Auth>,
        timeout: Duration,
    ) -> Self {
        HttpApi {
            client: client.clone(),
            base: endpoint.url().clone(),
            auth,
            timeout,
            name: "http",
        }
    }

    /// Names the API for the performance monitor (`kubo`, `cluster`).
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!(
            "{}/{}",
            url.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        url.set_path(&joined);
        url
    }

    /// Sends a request and maps every failure, HTTP error statuses included, to an ApiError.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Response, ApiError> {
        let call = path.to_string();
        let mut req = self
            .client
            .request(method, self.url(path))
            .timeout(self.timeout);
        if !query.is_empty() {
            req = req.query(query);
        }
        req = match &self.auth {
            Some(Auth::Bearer(token)) => req.bearer_auth(token.expose()),
            Some(Auth::Basic { user, password }) => req.basic_auth(user, Some(password.expose())),
            None => req,
        };
        let started = std::time::Instant::now();
        let sent = req.send().await;
        // Time to the response's headers, by endpoint (`kubo.id`, `cluster.pins`).
        let op = op_name(self.name, &call);
        crate::perf::record(
            &op,
            started.elapsed(),
            sent.as_ref().is_ok_and(|r| r.status().is_success()),
        );
        let resp = sent.map_err(|e| self.transport_error(&call, &e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = read_limited(resp, 64 * 1024, &call)
            .await
            .unwrap_or_default();
        let message = error_message(&body);
        if status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED {
            return Err(ApiError::Denied {
                status: status.as_u16(),
                message,
            });
        }
        Err(ApiError::Status {
            call,
            status: status.as_u16(),
            message,
        })
    }

    fn transport_error(&self, call: &str, e: &reqwest::Error) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout {
                call: call.to_string(),
            }
        } else if e.is_connect() {
            ApiError::Connect {
                url: self.base.as_str().trim_end_matches('/').to_string(),
                reason: innermost(e),
            }
        } else {
            ApiError::Transport {
                call: call.to_string(),
                reason: chain(e),
            }
        }
    }

    /// One JSON document. An empty body (Cluster's 204) decodes as JSON `null`.
    pub async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        let resp = self.send(method, path, query).await?;
        let body = read_limited(resp, MAX_JSON_BYTES, path).await?;
        decode(path, &body)
    }

    /// Calls `each` with the body's chunks as they arrive, keeping none of them.
    pub async fn for_each_chunk(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        mut each: impl FnMut(&[u8]),
    ) -> Result<(), ApiError> {
        let mut resp = self.send(method, path, query).await?;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport_error(path, &e))?
        {
            each(&chunk);
        }
        Ok(())
    }

    /// Calls `each` with every line of an NDJSON stream, in bounded memory; returns the count.
    /// A 204 or empty body is zero lines.
    pub async fn ndjson<F>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        mut each: F,
    ) -> Result<u64, ApiError>
    where
        F: FnMut(&[u8]) -> Result<(), ApiError>,
    {
        let mut resp = self.send(method, path, query).await?;
        let mut line: Vec<u8> = Vec::new();
        let mut count = 0u64;
        let mut emit = |line: &mut Vec<u8>, count: &mut u64| -> Result<(), ApiError> {
            if line.iter().any(|b| !b.is_ascii_whitespace()) {
                each(line)?;
                *count += 1;
            }
            line.clear();
            Ok(())
        };
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport_error(path, &e))?
        {
            let mut rest: &[u8] = &chunk;
            while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
                line.extend_from_slice(&rest[..pos]);
                emit(&mut line, &mut count)?;
                rest = &rest[pos + 1..];
            }
            line.extend_from_slice(rest);
            if line.len() > MAX_LINE_BYTES {
                return Err(ApiError::TooLarge {
                    call: path.to_string(),
                    limit: MAX_LINE_BYTES,
                });
            }
        }
        emit(&mut line, &mut count)?;
        Ok(count)
    }

    /// Counts NDJSON lines without decoding them (pin/ls, allocations, peers).
    pub async fn ndjson_count(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<u64, ApiError> {
        self.ndjson(method, path, query, |_| Ok(())).await
    }
}

/// Decodes one JSON value, naming the call on failure.
pub fn decode<T: DeserializeOwned>(call: &str, body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| ApiError::Decode {
        call: call.to_string(),
        reason: format!("{e}; body starts {:?}", preview(body)),
    })
}

async fn read_limited(mut resp: Response, limit: usize, call: &str) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::TooLarge {
        call: call.to_string(),
        limit,
    };
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| ApiError::Transport {
        call: call.to_string(),
        reason: chain(&e),
    })? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Kubo errors are `{"Message":…}`, Cluster's `{"message":…}`; anything else is shown as text.
fn error_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(m) = v
            .get("Message")
            .or_else(|| v.get("message"))
            .and_then(|m| m.as_str())
    {
        return m.to_string();
    }
    let text = preview(body);
    if text.is_empty() {
        "(empty body)".to_string()
    } else {
        text
    }
}

fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    text.trim().replace('\n', " ")
}

/// The deepest cause, which for a refused connection reads "Connection refused (os error 111)".
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e;
    while let Some(next) = cur.source() {
        parts.push(next.to_string());
        cur = next;
    }
    parts.dedup();
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_fold_ids() {
        assert_eq!(op_name("kubo", "api/v0/repo/stat"), "kubo.repo/stat");
        assert_eq!(
            op_name(
                "cluster",
                "pins/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
            ),
            "cluster.pins/{id}"
        );
    }

    #[test]
    fn error_messages_from_both_apis() {
        assert_eq!(
            error_message(br#"{"Message":"bad cid","Code":0,"Type":"error"}"#),
            "bad cid"
        );
        assert_eq!(
            error_message(br#"{"code":404,"message":"pin not found"}"#),
            "pin not found"
        );
        assert_eq!(error_message(b"404 page not found\n"), "404 page not found");
        assert_eq!(error_message(b""), "(empty body)");
    }

    #[test]
    fn empty_body_is_null() {
        let v: Option<Vec<u8>> = decode("x", b"").unwrap();
        assert!(v.is_none());
        let err = decode::<Vec<u8>>("health/alerts", b"<html>").unwrap_err();
        assert!(err.to_string().contains("health/alerts"), "{err}");
    }
}
