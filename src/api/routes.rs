//! The routes and their handlers; each is documented for the OpenAPI document
//! (`openapi.rs`). Reads come from the collector's newest snapshot; actions go through
//! `crate::actions`, as the dashboard's keys do.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;

use super::error::{ApiError, ErrorBody};
use super::server::{Hub, collected};
use crate::actions::{Done, Request};
use crate::model::{BackendStatus, DaemonStatus, Snapshot};
use crate::supervisor::service::Action;

/// Request bodies are small (none of the routes needs one); anything bigger is refused.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(hub: Hub) -> Router {
    let authed = Router::new()
        .route("/api/v1/status", get(status))
        .route("/api/v1/snapshot", get(snapshot))
        .route("/api/v1/snapshots", get(snapshots))
        .route("/api/v1/history", get(history))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/alerts/{id}/ack", post(ack))
        .route("/api/v1/daemons", get(daemons))
        .route("/api/v1/daemons/{name}/{action}", post(daemon_action))
        .route("/api/v1/daemons/{name}/logs", get(daemon_logs))
        .route("/api/v1/backends", get(backends))
        .route("/api/v1/backends/{name}/check", post(backend_check))
        .route("/api/v1/pins/{cid}", post(pin).delete(unpin))
        .route("/api/v1/series", get(series))
        .route("/metrics", get(metrics))
        .route_layer(axum::middleware::from_fn_with_state(
            hub.clone(),
            super::auth::require,
        ));
    Router::new()
        .route("/health", get(health))
        .merge(authed)
        .fallback(not_found)
        // The limit inside, the JSON mapping of its bare 413 around it.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::map_response(json_413))
        .with_state(hub)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route; the routes are in assets/openapi.json")
}

/// The body-limit layer answers 413 with a bare body: make it the API's JSON error. The
/// rest of the body is never read, so the connection closes after it: `Connection: close`
/// says so, or a client would send its next request on it and get no answer.
async fn json_413(r: Response) -> Response {
    if r.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return r;
    }
    let mut r = if r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v != "application/json")
    {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("request bodies are limited to {BODY_LIMIT} bytes"),
        )
        .into_response()
    } else {
        r
    };
    r.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    r
}

/// Who asked, as the operation history records it: `api:<peer address> (<user agent>)`.
fn client(peer: SocketAddr, headers: &HeaderMap) -> String {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| {
            s.chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty());
    match ua {
        Some(ua) => format!("api:{} ({ua})", peer.ip()),
        None => format!("api:{}", peer.ip()),
    }
}

fn ready_snapshot(hub: &Hub) -> Result<Arc<Snapshot>, ApiError> {
    let snap = hub.snapshot();
    if !collected(&snap) {
        return Err(ApiError::unavailable(
            "the collector has not polled yet; try again in a moment",
        ));
    }
    Ok(snap)
}

fn json_text(text: Arc<str>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        text.to_string(),
    )
        .into_response()
}

/// `GET /health`: 200 while the node is healthy or degraded, 503 when unhealthy (or
/// nothing is known yet); no token needed.
#[utoipa::path(get, path = "/health", tag = "health",
    responses(
        (status = 200, description = "Healthy or degraded: levels and reasons", body = super::status::HealthDoc),
        (status = 503, description = "Unhealthy, or not collected yet", body = super::status::HealthDoc),
    ))]
pub(super) async fn health(State(hub): State<Hub>) -> Response {
    let snap = hub.snapshot();
    let doc = super::status::health(&snap, collected(&snap));
    let code = if doc.serving {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(doc)).into_response()
}

/// `GET /api/v1/status`: the dashboard's status at a glance.
#[utoipa::path(get, path = "/api/v1/status", tag = "read", security(("bearer" = [])),
    responses(
        (status = 200, description = "The node's status", body = super::status::StatusDoc),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 503, description = "Not collected yet", body = ErrorBody),
    ))]
pub(super) async fn status(
    State(hub): State<Hub>,
) -> Result<Json<super::status::StatusDoc>, ApiError> {
    let snap = ready_snapshot(&hub)?;
    let recent = hub.ops().map(|o| o.recent(20)).unwrap_or_default();
    Ok(Json(super::status::build(
        &snap,
        &recent,
        hub.actions().is_read_only(),
    )))
}

/// `GET /api/v1/snapshot`: the `--once --json` document, from the running collector.
#[utoipa::path(get, path = "/api/v1/snapshot", tag = "read", security(("bearer" = [])),
    responses(
        (status = 200, description = "The newest snapshot", body = Snapshot),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 503, description = "Not collected yet", body = ErrorBody),
    ))]
pub(super) async fn snapshot(State(hub): State<Hub>) -> Result<Response, ApiError> {
    let snap = ready_snapshot(&hub)?;
    Ok(json_text(hub.json(&snap)))
}

/// `GET /api/v1/snapshots`: Server-Sent Events, event `snapshot`, one per new snapshot
/// (the current one first), data = the `/api/v1/snapshot` document.
#[utoipa::path(get, path = "/api/v1/snapshots", tag = "read", security(("bearer" = [])),
    responses(
        (status = 200, description = "text/event-stream of `snapshot` events", content_type = "text/event-stream", body = String),
        (status = 401, description = "No or wrong token", body = ErrorBody),
    ))]
pub(super) async fn snapshots(
    State(hub): State<Hub>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut rx = hub.snapshots();
    rx.mark_changed();
    let stream = futures_util::stream::unfold((rx, hub.clone()), |(mut rx, hub)| async move {
        loop {
            rx.changed().await.ok()?;
            let snap = rx.borrow_and_update().clone();
            if !collected(&snap) {
                continue;
            }
            let ev = Event::default().event("snapshot").data(&*hub.json(&snap));
            return Some((Ok(ev), (rx, hub)));
        }
    });
    Sse::new(until_stopping(stream, &hub))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Ends `s` when the API shuts down (an SSE client would otherwise hold the shutdown).
pub(super) fn until_stopping<S: Stream>(s: S, hub: &Hub) -> impl Stream<Item = S::Item> + use<S> {
    let mut stop = hub.stopping();
    s.take_until(async move {
        let _ = stop.wait_for(|v| *v).await;
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct HistoryQuery {
    /// ok, failed or running.
    status: Option<String>,
    /// A duration back ("24h", "90m") or an RFC 3339 time.
    since: Option<String>,
    /// At most this many entries, newest first (default 50, at most 10000).
    limit: Option<usize>,
}

fn parse_since(s: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    s.map(|t| crate::ophistory::parse_since(t, chrono::Utc::now()))
        .transpose()
        .map_err(|e| ApiError::bad_request(format!("since: {e}")))
}

/// `GET /api/v1/history`: the operation history, newest first (the `history` CLI's filters).
#[utoipa::path(get, path = "/api/v1/history", tag = "read", security(("bearer" = [])),
    params(HistoryQuery),
    responses(
        (status = 200, description = "Entries, newest first", body = super::status::HistoryDoc),
        (status = 400, description = "A bad filter", body = ErrorBody),
        (status = 401, description = "No or wrong token", body = ErrorBody),
    ))]
pub(super) async fn history(
    State(hub): State<Hub>,
    Query(q): Query<HistoryQuery>,
) -> Result<Json<super::status::HistoryDoc>, ApiError> {
    let status = q
        .status
        .as_deref()
        .map(str::parse::<crate::ophistory::OpStatus>)
        .transpose()
        .map_err(|e| ApiError::bad_request(format!("status: {e}")))?;
    let filter = crate::ophistory::Filter {
        status,
        since: parse_since(q.since.as_deref())?,
        limit: Some(q.limit.unwrap_or(50).min(10_000)),
    };
    let dir = hub.cfg().state_dir.clone();
    let ops = hub.ops().cloned();
    let result = tokio::task::spawn_blocking(move || match &ops {
        Some(o) => o.query(&filter),
        None => crate::ophistory::query(&dir, &filter),
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Json(super::status::HistoryDoc {
        entries: result.entries,
        warnings: result.warnings.iter().map(ToString::to_string).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AlertsQuery {
    /// pending or firing: only active alerts in this state.
    state: Option<String>,
    /// warning or critical.
    severity: Option<String>,
    /// Events since: a duration back ("24h") or an RFC 3339 time.
    since: Option<String>,
    /// At most this many events, newest first (default 50).
    limit: Option<usize>,
}

/// `GET /api/v1/alerts`: the active alerts and the recent alert events.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "read", security(("bearer" = [])),
    params(AlertsQuery),
    responses(
        (status = 200, description = "Active alerts and recent events", body = super::status::AlertsDoc),
        (status = 400, description = "A bad filter", body = ErrorBody),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 503, description = "Not collected yet", body = ErrorBody),
    ))]
pub(super) async fn alerts(
    State(hub): State<Hub>,
    Query(q): Query<AlertsQuery>,
) -> Result<Json<super::status::AlertsDoc>, ApiError> {
    let snap = ready_snapshot(&hub)?;
    let state = match q.state.as_deref() {
        None => None,
        Some("pending") => Some(crate::alerts::AlertState::Pending),
        Some("firing") => Some(crate::alerts::AlertState::Firing),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "state {other:?}: use pending or firing"
            )));
        }
    };
    let severity = match q.severity.as_deref() {
        None => None,
        Some("warning") => Some(crate::alerts::Severity::Warning),
        Some("critical") => Some(crate::alerts::Severity::Critical),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "severity {other:?}: use warning or critical"
            )));
        }
    };
    let since = parse_since(q.since.as_deref())?;
    let active = snap
        .alerts
        .iter()
        .filter(|a| state.is_none_or(|s| a.state == s))
        .filter(|a| severity.is_none_or(|s| a.severity == s))
        .cloned()
        .collect();
    let events = snap
        .alert_log
        .iter()
        .filter(|e| since.is_none_or(|t| e.at >= t))
        .filter(|e| severity.is_none_or(|s| e.alert.severity == s))
        .take(q.limit.unwrap_or(50).min(10_000))
        .cloned()
        .collect();
    Ok(Json(super::status::AlertsDoc { active, events }))
}

async fn act(hub: &Hub, req: Request, by: &str) -> Result<Json<Done>, ApiError> {
    Ok(Json(hub.actions().execute(req, Some(by)).await?))
}

/// `POST /api/v1/alerts/{id}/ack`: acknowledges an active alert.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/ack", tag = "actions", security(("bearer" = [])),
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "Acknowledged", body = Done),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 403, description = "Read-only", body = ErrorBody),
        (status = 404, description = "No such active alert", body = ErrorBody),
        (status = 409, description = "Already acknowledged", body = ErrorBody),
    ))]
pub(super) async fn ack(
    State(hub): State<Hub>,
    Path(id): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Done>, ApiError> {
    act(&hub, Request::Ack { id }, &client(peer, &headers)).await
}

/// `GET /api/v1/daemons`: the supervised daemons (state, pid, restarts, ports, log).
#[utoipa::path(get, path = "/api/v1/daemons", tag = "read", security(("bearer" = [])),
    responses(
        (status = 200, description = "The daemons", body = [DaemonStatus]),
        (status = 401, description = "No or wrong token", body = ErrorBody),
    ))]
pub(super) async fn daemons(State(hub): State<Hub>) -> Json<Vec<DaemonStatus>> {
    Json(hub.daemons())
}

/// `POST /api/v1/daemons/{name}/{action}`: start, stop or restart a daemon (`all`: every one).
#[utoipa::path(post, path = "/api/v1/daemons/{name}/{action}", tag = "actions", security(("bearer" = [])),
    params(
        ("name" = String, Path, description = "kubo, cluster, another [[supervisor.daemons]] name, or all"),
        ("action" = String, Path, description = "start, stop or restart"),
    ),
    responses(
        (status = 200, description = "Done", body = Done),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 403, description = "Read-only", body = ErrorBody),
        (status = 404, description = "No such daemon or action", body = ErrorBody),
        (status = 502, description = "The daemon did not start or stop", body = ErrorBody),
        (status = 503, description = "No supervisor in this process", body = ErrorBody),
    ))]
pub(super) async fn daemon_action(
    State(hub): State<Hub>,
    Path((name, action)): Path<(String, String)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Done>, ApiError> {
    let action = match action.as_str() {
        "start" => Action::Start,
        "stop" => Action::Stop,
        "restart" => Action::Restart,
        other => {
            return Err(ApiError::not_found(format!(
                "no action {other:?}; use start, stop or restart"
            )));
        }
    };
    let mut done = act(
        &hub,
        Request::Daemon { action, name },
        &client(peer, &headers),
    )
    .await?;
    // The supervisor's statuses as the action left them; else (an attached dashboard's
    // forwarded action) the newest known.
    if done.0.daemons.is_none() {
        done.0.daemons = Some(hub.daemons());
    }
    Ok(done)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct LogsQuery {
    /// The last N lines (default 100, at most 10000).
    tail: Option<usize>,
    /// Keep the answer open and send new lines as they are written.
    follow: Option<bool>,
}

/// `GET /api/v1/daemons/{name}/logs`: the daemon's log, as written (text/plain).
#[utoipa::path(get, path = "/api/v1/daemons/{name}/logs", tag = "read", security(("bearer" = [])),
    params(("name" = String, Path, description = "The daemon"), LogsQuery),
    responses(
        (status = 200, description = "The last lines; with follow=true, then new lines as they come (chunked)", content_type = "text/plain", body = String),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 404, description = "No such daemon, or no log yet", body = ErrorBody),
    ))]
pub(super) async fn daemon_logs(
    State(hub): State<Hub>,
    Path(name): Path<String>,
    Query(q): Query<LogsQuery>,
) -> Result<Response, ApiError> {
    let log = crate::supervisor::spec::SupervisorConfig::from_config(hub.cfg())
        .daemons
        .iter()
        .find(|d| d.name == name)
        .map(|d| d.log.clone())
        .or_else(|| {
            hub.snapshot()
                .daemons
                .iter()
                .find(|d| d.name == name)
                .map(|d| std::path::PathBuf::from(&d.log))
        })
        .ok_or_else(|| ApiError::not_found(format!("no daemon {name:?}")))?;
    let tail = q.tail.unwrap_or(100).min(super::logs::MAX_TAIL);
    super::logs::respond(&hub, log, tail, q.follow.unwrap_or(false)).await
}

/// `GET /api/v1/backends`: the configured storage backends and their last probe.
#[utoipa::path(get, path = "/api/v1/backends", tag = "read", security(("bearer" = [])),
    responses(
        (status = 200, description = "The backends", body = [BackendStatus]),
        (status = 401, description = "No or wrong token", body = ErrorBody),
    ))]
pub(super) async fn backends(State(hub): State<Hub>) -> Json<Vec<BackendStatus>> {
    Json(hub.snapshot().backends.clone())
}

/// `POST /api/v1/backends/{name}/check`: probes the backend now (the wizard's live test).
#[utoipa::path(post, path = "/api/v1/backends/{name}/check", tag = "actions", security(("bearer" = [])),
    params(("name" = String, Path, description = "The [backends.<name>] entry")),
    responses(
        (status = 200, description = "Probed (see `backend.state` for the verdict)", body = Done),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 403, description = "Read-only", body = ErrorBody),
        (status = 404, description = "No such backend", body = ErrorBody),
    ))]
pub(super) async fn backend_check(
    State(hub): State<Hub>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Done>, ApiError> {
    act(
        &hub,
        Request::BackendCheck { name },
        &client(peer, &headers),
    )
    .await
}

/// `POST /api/v1/pins/{cid}`: pins the CID (through Cluster when it answers, else Kubo).
#[utoipa::path(post, path = "/api/v1/pins/{cid}", tag = "actions", security(("bearer" = [])),
    params(("cid" = String, Path, description = "The CID")),
    responses(
        (status = 200, description = "Pinned", body = Done),
        (status = 400, description = "Not a CID", body = ErrorBody),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 403, description = "Read-only", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 502, description = "Kubo or Cluster refused", body = ErrorBody),
    ))]
pub(super) async fn pin(
    State(hub): State<Hub>,
    Path(cid): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Done>, ApiError> {
    act(&hub, Request::Pin { cid }, &client(peer, &headers)).await
}

/// `DELETE /api/v1/pins/{cid}`: unpins the CID.
#[utoipa::path(delete, path = "/api/v1/pins/{cid}", tag = "actions", security(("bearer" = [])),
    params(("cid" = String, Path, description = "The CID")),
    responses(
        (status = 200, description = "Unpinned", body = Done),
        (status = 400, description = "Not a CID", body = ErrorBody),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 403, description = "Read-only", body = ErrorBody),
        (status = 502, description = "Kubo or Cluster refused", body = ErrorBody),
    ))]
pub(super) async fn unpin(
    State(hub): State<Hub>,
    Path(cid): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Done>, ApiError> {
    act(&hub, Request::Unpin { cid }, &client(peer, &headers)).await
}

/// The charts' time series as the collector keeps them: what an attached dashboard draws.
#[derive(Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct SeriesDoc {
    /// How far back the rings reach.
    pub window_secs: u64,
    /// Per series (in `model::Series` order), (Unix ms, value) pairs; null = a gap.
    pub rings: Vec<Vec<(i64, Option<f64>)>>,
}

/// `GET /api/v1/series`: the time series behind the dashboard's charts.
#[utoipa::path(get, path = "/api/v1/series", tag = "read", security(("bearer" = [])),
    responses(
        (status = 200, description = "The rings", body = SeriesDoc),
        (status = 401, description = "No or wrong token", body = ErrorBody),
    ))]
pub(super) async fn series(State(hub): State<Hub>) -> Json<SeriesDoc> {
    let h = Arc::clone(&hub.snapshot().history);
    Json(SeriesDoc {
        window_secs: h.window().as_secs(),
        rings: h.save().rings,
    })
}

/// `GET /metrics`: Prometheus text format 0.0.4 (the token is required here too: Prometheus
/// sends it with `authorization: {credentials_file: <state>/api.token}`).
#[utoipa::path(get, path = "/metrics", tag = "read", security(("bearer" = [])),
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", content_type = "text/plain", body = String),
        (status = 401, description = "No or wrong token", body = ErrorBody),
        (status = 503, description = "Not collected yet", body = ErrorBody),
    ))]
pub(super) async fn metrics(State(hub): State<Hub>) -> Result<Response, ApiError> {
    let snap = ready_snapshot(&hub)?;
    let text = super::metrics::render(&snap);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
