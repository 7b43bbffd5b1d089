//! The token: `<state>/api.token` (32 random bytes as hex, created 0600, reused while it
//! exists) unless the operator configured one; every request but `/health` must carry it as
//! `Authorization: Bearer <token>`, compared in constant time.

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::server::Hub;
use crate::config::Secret;

pub fn token_file(state_dir: &Path) -> PathBuf {
    state_dir.join("api.token")
}

/// The token of this state dir: the file's when it holds one, else a new one written 0600.
pub fn load_or_create(state_dir: &Path) -> std::io::Result<Secret> {
    let path = token_file(state_dir);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let t = text.trim();
        if t.len() >= 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            // Someone may have loosened it; a token others can read is not a secret.
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            return Ok(Secret::new(t));
        }
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    crate::atomic_file::write_private(&path, format!("{hex}\n").as_bytes())?;
    Ok(Secret::new(hex))
}

/// Whether `header` (the Authorization value) carries `token`.
pub fn authorized(header: Option<&str>, token: &Secret) -> bool {
    let Some(h) = header else { return false };
    let Some(given) = h
        .strip_prefix("Bearer ")
        .or_else(|| h.strip_prefix("bearer "))
    else {
        return false;
    };
    bool::from(given.trim().as_bytes().ct_eq(token.expose().as_bytes()))
}

/// The middleware: 401 without the right token.
pub async fn require(
    State(hub): State<Hub>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !authorized(header, hub.token()) {
        let detail = match header {
            None => "send Authorization: Bearer <token>; the token is in <state>/api.token",
            Some(_) => "the token is not this daemon's",
        };
        return Err(ApiError::unauthorized(detail));
    }
    Ok(next.run(req).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_created_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let a = load_or_create(dir.path()).expect("create");
        assert_eq!(a.expose().len(), 64);
        let mode = std::fs::metadata(token_file(dir.path()))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let b = load_or_create(dir.path()).expect("reuse");
        assert_eq!(a.expose(), b.expose());
        assert!(authorized(Some(&format!("Bearer {}", a.expose())), &a));
        assert!(!authorized(Some("Bearer nope"), &a));
        assert!(!authorized(None, &a));
    }
}
