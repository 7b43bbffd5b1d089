//! The client side: a process that finds a running daemon (`<state>/api` and its token, or
//! `--connect URL` with `--token`/IPFS_KIT_TOKEN) uses its snapshots and actions instead of
//! polling Kubo and Cluster itself.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use super::error::ErrorBody;
use super::status::HistoryDoc;
use crate::actions::{ActionError, Done, Request};
use crate::config::Secret;
use crate::model::{DaemonStatus, Snapshot};
use crate::ophistory::Filter;
use crate::supervisor::service::Action;

/// How long a local daemon has to answer before a client collects itself instead.
const FIND_TIMEOUT: Duration = Duration::from_millis(800);

/// A daemon's API.
#[derive(Clone)]
pub struct Remote {
    pub url: String,
    token: Secret,
    http: reqwest::Client,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").field("url", &self.url).finish()
    }
}

impl Remote {
    pub fn new(url: &str, token: Secret) -> Result<Remote, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .user_agent(user_agent())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Remote {
            url: url.trim().trim_end_matches('/').to_string(),
            token,
            http,
        })
    }

    /// The same daemon, asked with this user agent (the API records it as who asked).
    pub fn with_agent(&self, agent: &str) -> Result<Remote, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .user_agent(agent)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Remote {
            http,
            ..self.clone()
        })
    }

    /// The daemon of this state dir, from `<state>/api` and `<state>/api.token` (or `token`
    /// when given), if it answers `/health` promptly.
    pub async fn find(state_dir: &std::path::Path, token: Option<&Secret>) -> Option<Remote> {
        let url = std::fs::read_to_string(super::server::url_file(state_dir)).ok()?;
        let token = match token {
            Some(t) => t.clone(),
            None => {
                let t = std::fs::read_to_string(super::auth::token_file(state_dir)).ok()?;
                Secret::new(t.trim())
            }
        };
        let r = Remote::new(&url, token).ok()?;
        r.answers().await.then_some(r)
    }

    /// Whether `/health` answers (200 or 503 both mean a daemon is there).
    pub async fn answers(&self) -> bool {
        let rq = self
            .http
            .get(format!("{}/health", self.url))
            .timeout(FIND_TIMEOUT);
        rq.send().await.is_ok_and(|r| {
            r.status() == StatusCode::OK || r.status() == StatusCode::SERVICE_UNAVAILABLE
        })
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(self.token.expose())
    }

    /// The daemon's newest snapshot.
    pub async fn snapshot(&self) -> Result<Snapshot, String> {
        let r = self
            .request(Method::GET, "/api/v1/snapshot")
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| format!("{}: {e}", self.url))?;
        if !r.status().is_success() {
            return Err(error_text(r).await);
        }
        r.json::<Snapshot>()
            .await
            .map_err(|e| format!("{}: the snapshot does not decode: {e}", self.url))
    }

    /// `GET path` decoded as `T`, errors as one line.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, String> {
        let r = self
            .request(Method::GET, path)
            .query(query)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| format!("{}: {e}", self.url))?;
        if !r.status().is_success() {
            return Err(error_text(r).await);
        }
        r.json::<T>()
            .await
            .map_err(|e| format!("{}{path}: the answer does not decode: {e}", self.url))
    }

    /// The supervised daemons as the daemon's supervisor sees them (`GET /api/v1/daemons`).
    pub async fn daemons(&self) -> Result<Vec<DaemonStatus>, String> {
        self.get_json("/api/v1/daemons", &[]).await
    }

    /// The operation history with the `history` command's filters (`GET /api/v1/history`).
    pub async fn history(&self, filter: &Filter) -> Result<HistoryDoc, String> {
        let mut query = Vec::new();
        if let Some(s) = filter.status {
            query.push(("status", s.as_str().to_string()));
        }
        if let Some(t) = filter.since {
            query.push((
                "since",
                t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            ));
        }
        if let Some(n) = filter.limit {
            query.push(("limit", n.to_string()));
        }
        self.get_json("/api/v1/history", &query).await
    }

    /// Runs an action on the daemon; its errors come back as the same kinds.
    pub async fn act(&self, req: &Request) -> Result<Done, ActionError> {
        let (method, path) = match req {
            Request::Daemon { action, name } => {
                let a = match action {
                    Action::Start => "start",
                    Action::Stop => "stop",
                    Action::Restart => "restart",
                };
                (Method::POST, format!("/api/v1/daemons/{name}/{a}"))
            }
            Request::Pin { cid } => (Method::POST, format!("/api/v1/pins/{cid}")),
            Request::Unpin { cid } => (Method::DELETE, format!("/api/v1/pins/{cid}")),
            Request::Ack { id } => (Method::POST, format!("/api/v1/alerts/{id}/ack")),
            Request::BackendCheck { name } => {
                (Method::POST, format!("/api/v1/backends/{name}/check"))
            }
        };
        let r = self
            .request(method, &path)
            .timeout(Duration::from_secs(600))
            .send()
            .await
            .map_err(|e| ActionError::Unavailable(format!("{}: {e}", self.url)))?;
        let status = r.status();
        if status.is_success() {
            return r
                .json::<Done>()
                .await
                .map_err(|e| ActionError::Failed(e.to_string()));
        }
        let text = error_text(r).await;
        Err(match status {
            StatusCode::BAD_REQUEST => ActionError::BadInput(text),
            StatusCode::NOT_FOUND => ActionError::NotFound(text),
            StatusCode::FORBIDDEN => ActionError::ReadOnly(text),
            StatusCode::CONFLICT => ActionError::Conflict(text),
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::UNAUTHORIZED => {
                ActionError::Unavailable(text)
            }
            _ => ActionError::Failed(text),
        })
    }

    /// The charts' rings as the daemon keeps them.
    pub async fn series(&self) -> Result<crate::model::History, String> {
        let r = self
            .request(Method::GET, "/api/v1/series")
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| format!("{}: {e}", self.url))?;
        if !r.status().is_success() {
            return Err(error_text(r).await);
        }
        let doc: super::routes::SeriesDoc = r.json().await.map_err(|e| e.to_string())?;
        Ok(crate::model::History::from_saved(
            &crate::model::SavedHistory { rings: doc.rings },
            Duration::from_secs(doc.window_secs),
        ))
    }

    /// Subscribes to `/api/v1/snapshots` and hands each snapshot to `on` (which says
    /// whether to go on). Returns when the stream ends (the daemon went away) with why.
    pub async fn follow(&self, mut on: impl FnMut(Snapshot) -> bool) -> String {
        // A host that takes the connection but never answers is as gone as a refused one.
        let subscribe = self.request(Method::GET, "/api/v1/snapshots").send();
        let mut r = match tokio::time::timeout(Duration::from_secs(10), subscribe).await {
            Ok(Ok(r)) if r.status().is_success() => r,
            Ok(Ok(r)) => return error_text(r).await,
            Ok(Err(e)) => return format!("{}: {e}", self.url),
            Err(_) => return format!("{}: no answer within 10 s", self.url),
        };
        let mut buf: Vec<u8> = Vec::new();
        loop {
            // The daemon sends a keep-alive every 15 s: silence for longer means it is gone.
            let chunk = match tokio::time::timeout(Duration::from_secs(40), r.chunk()).await {
                Ok(Ok(Some(c))) => c,
                Ok(Ok(None)) => return "the daemon closed the stream".into(),
                Ok(Err(e)) => return format!("{}: {e}", self.url),
                Err(_) => return "the daemon stopped answering".into(),
            };
            buf.extend_from_slice(&chunk);
            while let Some(end) = find(&buf, b"\n\n") {
                let block: Vec<u8> = buf.drain(..end + 2).collect();
                if let Some(data) = snapshot_event(&block)
                    && let Ok(snap) = serde_json::from_str::<Snapshot>(&data)
                    && !on(snap)
                {
                    return "nobody reads the snapshots".into();
                }
            }
            if buf.len() > 64 * 1024 * 1024 {
                return "an SSE event over 64 MiB".into();
            }
        }
    }
}

/// The token a client sends where none is given per node: `--token`, else `[api] token`
/// (or IPFS_KIT_TOKEN), else this state dir's `api.token`.
pub fn default_token(cfg: &crate::config::Config, flag: Option<&str>) -> Option<Secret> {
    flag.map(Secret::new)
        .or_else(|| cfg.api.token.clone())
        .or_else(|| {
            std::fs::read_to_string(super::auth::token_file(&cfg.state_dir))
                .ok()
                .map(|t| Secret::new(t.trim()))
        })
}

/// The daemon a client mode uses: `connect` (with `token`, else the configured or the state
/// dir's token) — an error when it does not answer — else the local one if it runs.
pub async fn attach(
    cfg: &crate::config::Config,
    connect: Option<&str>,
    token: Option<&str>,
) -> Result<Option<Remote>, String> {
    let token = token.map(Secret::new).or_else(|| cfg.api.token.clone());
    let Some(url) = connect else {
        return Ok(Remote::find(&cfg.state_dir, token.as_ref()).await);
    };
    let token = match token {
        Some(t) => t,
        None => std::fs::read_to_string(super::auth::token_file(&cfg.state_dir))
            .map(|t| Secret::new(t.trim()))
            .map_err(|_| format!("--connect {url}: no token; give --token or IPFS_KIT_TOKEN"))?,
    };
    let r = Remote::new(url, token)?;
    if r.answers().await {
        Ok(Some(r))
    } else {
        Err(format!("no ipfs-kit daemon answers at {url}"))
    }
}

/// `ipfs-kit/VERSION user/NAME`: the daemon records actions as asked by
/// `api:<address> (<user agent>)`, so the OS user who asked is in its history too.
fn user_agent() -> String {
    let user: String = crate::ophistory::os_user()
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(32)
        .collect();
    format!("ipfs-kit/{} user/{user}", env!("CARGO_PKG_VERSION"))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The data of an SSE block whose event is `snapshot`.
fn snapshot_event(block: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(block).ok()?;
    let mut is_snapshot = false;
    let mut data = String::new();
    for line in text.lines() {
        if line == "event: snapshot" || line == "event:snapshot" {
            is_snapshot = true;
        } else if let Some(d) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(d.strip_prefix(' ').unwrap_or(d));
        }
    }
    is_snapshot.then_some(data)
}

async fn error_text(r: reqwest::Response) -> String {
    let status = r.status();
    match r.json::<ErrorBody>().await {
        Ok(b) => b.detail,
        Err(_) => format!("the daemon answered {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_survives_the_wire() {
        let mut snap = Snapshot::empty(
            "http://127.0.0.1:5001".into(),
            "http://127.0.0.1:9094".into(),
            true,
        );
        snap.daemons.push(crate::model::DaemonStatus {
            name: "kubo".into(),
            state: crate::model::DaemonState::Ready,
            pid: Some(7),
            adopted: false,
            started_at: None,
            uptime_secs: Some(3),
            restarts: 0,
            last_exit: None,
            last_exit_at: None,
            ports: Vec::new(),
            api: None,
            dir: "/r".into(),
            log: "/l".into(),
            message: None,
        });
        let text = serde_json::to_string(&snap).expect("encode");
        let back: Snapshot = serde_json::from_str(&text).expect("decode");
        assert_eq!(serde_json::to_string(&back).expect("again"), text);
        let block = format!("event: snapshot\ndata: {text}\n\n");
        assert_eq!(
            snapshot_event(block.as_bytes()).as_deref(),
            Some(text.as_str())
        );
        assert_eq!(snapshot_event(b": keep-alive\n\n"), None);
    }
}
