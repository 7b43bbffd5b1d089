//! Errors as JSON `{"error": "...", "detail": "..."}` with the status that says what went
//! wrong: 400 bad input, 401 no or bad token, 403 read-only, 404 unknown, 409 conflict,
//! 413 body too large, 503 not ready or down.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::actions::ActionError;

/// The body of every error answer.
#[derive(Debug, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ErrorBody {
    /// A short, stable word: `bad_request`, `unauthorized`, `read_only`, `not_found`,
    /// `conflict`, `too_large`, `unavailable`, `failed`.
    pub error: String,
    /// What happened, for a person.
    pub detail: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                error: error.into(),
                detail: detail.into(),
            },
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }
}

impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        let (status, word) = match &e {
            ActionError::BadInput(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ActionError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ActionError::ReadOnly(_) => (StatusCode::FORBIDDEN, "read_only"),
            ActionError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ActionError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            // The daemon or backend was asked and said no: the gateway's failure, not ours.
            ActionError::Failed(_) => (StatusCode::BAD_GATEWAY, "failed"),
        };
        ApiError::new(status, word, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"ipfs-kit\""),
            );
        }
        r
    }
}
