//! `GET /api/v1/daemons/{name}/logs`: the last lines of a daemon's log as written (the API
//! hands bytes to programs; a terminal client sanitises them), and with `follow` the lines
//! appended after, streamed (chunked) until the client goes away or the API stops.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::server::Hub;

/// Lines a tail may ask for.
pub const MAX_TAIL: usize = 10_000;
/// Bytes read from the end of the file for a tail.
const TAIL_BYTES: u64 = 4 * 1024 * 1024;
/// How often a follow looks for new lines.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);
/// Bytes sent per look at most (a burst is sent over several).
const CHUNK: u64 = 256 * 1024;

/// The last `n` lines of `path` and the offset the file ended at.
fn tail(path: &std::path::Path, n: usize) -> std::io::Result<(Vec<u8>, u64)> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let from = len.saturating_sub(TAIL_BYTES);
    f.seek(SeekFrom::Start(from))?;
    let mut bytes = Vec::new();
    f.take(len - from).read_to_end(&mut bytes)?;
    if from > 0 {
        // The first line was cut by the read window.
        match bytes.iter().position(|b| *b == b'\n') {
            Some(i) => {
                bytes.drain(..=i);
            }
            None => bytes.clear(),
        }
    }
    // Keep the last n lines (a final line without its newline counts as one).
    let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    let mut seen = 0;
    let mut start = 0;
    for (i, b) in body.iter().enumerate().rev() {
        if *b == b'\n' {
            seen += 1;
            if seen == n {
                start = i + 1;
                break;
            }
        }
    }
    let start = if n == 0 { bytes.len() } else { start };
    Ok((bytes[start..].to_vec(), len))
}

pub async fn respond(
    hub: &Hub,
    path: PathBuf,
    n: usize,
    follow: bool,
) -> Result<Response, ApiError> {
    let p = path.clone();
    let (first, end) = tokio::task::spawn_blocking(move || tail(&p, n))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                ApiError::not_found(format!("no log yet at {}", path.display()))
            }
            _ => ApiError::internal(format!("cannot read {}: {e}", path.display())),
        })?;
    let text = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    if !follow {
        return Ok((text, first).into_response());
    }
    let state = (Some(first), path, end);
    let stream = futures_util::stream::unfold(state, |(first, path, mut at)| async move {
        if let Some(b) = first {
            return Some((Ok::<_, std::io::Error>(b), (None, path, at)));
        }
        loop {
            tokio::time::sleep(FOLLOW_EVERY).await;
            let p = path.clone();
            let read = tokio::task::spawn_blocking(move || -> std::io::Result<(Vec<u8>, u64)> {
                let mut f = std::fs::File::open(&p)?;
                let len = f.metadata()?.len();
                // Rotated or truncated: start again from its beginning.
                let from = if len < at { 0 } else { at };
                f.seek(SeekFrom::Start(from))?;
                let mut buf = Vec::new();
                f.take(CHUNK).read_to_end(&mut buf)?;
                // Whole lines only; the rest waits for its newline.
                let keep = buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                buf.truncate(keep);
                Ok((buf, from))
            })
            .await
            .ok()?;
            match read {
                Ok((buf, from)) if !buf.is_empty() => {
                    at = from + buf.len() as u64;
                    return Some((Ok(buf), (None, path, at)));
                }
                Ok((_, from)) => at = from,
                // The file is gone for a moment (a rotation): look again.
                Err(_) => {}
            }
        }
    });
    let stream = super::routes::until_stopping(stream, hub);
    Ok((text, Body::from_stream(stream)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines_as_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("k.log");
        std::fs::write(&p, "a\nb\x1b[31m\nc\n").expect("write");
        assert_eq!(tail(&p, 2).expect("tail").0, b"b\x1b[31m\nc\n");
        assert_eq!(tail(&p, 10).expect("tail").0, b"a\nb\x1b[31m\nc\n");
        assert_eq!(tail(&p, 0).expect("tail").0, b"");
    }
}
