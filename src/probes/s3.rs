//! An S3-compatible bucket: a SigV4-presigned HeadBucket. HEAD answers carry no body, so
//! when it fails a signed `GET ?list-type=2&max-keys=1` (ListObjectsV2) fetches the
//! server's error document, whose Code and Message say why (SignatureDoesNotMatch,
//! NoSuchBucket, ...).

use std::time::Duration;

use reqwest::{Client, Response, StatusCode, Url};
use rusty_s3::actions::HeadBucket;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use ipfs_kit_wizards::ProbeReport;
use ipfs_kit_wizards::config::BackendPolicy;

use super::Secrets;

/// How long the presigned URLs stay valid: the probe uses them at once.
const EXPIRES: Duration = Duration::from_secs(300);
/// The most of an error document we read.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub(super) struct S3Target<'a> {
    pub endpoint: &'a str,
    pub region: &'a str,
    pub bucket: &'a str,
    pub path_style: bool,
}

pub(super) async fn probe(
    t: &S3Target<'_>,
    secrets: &Secrets,
    policy: &BackendPolicy,
) -> Result<ProbeReport, String> {
    let (key, secret) = secrets
        .key_pair()
        .ok_or("S3 needs an access key ID and a secret key (auth scheme access-key)")?;
    let bucket = bucket(t)?;
    let creds = Credentials::new(key, secret);
    let client = Client::builder()
        .timeout(policy.timeout.get())
        .connect_timeout(policy.connect_timeout.get())
        .user_agent(concat!("ipfs-kit/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let head = HeadBucket::new(&bucket, Some(&creds)).sign(EXPIRES);
    let resp = client
        .head(head)
        .send()
        .await
        .map_err(|e| transport(t, &e))?;
    let status = resp.status();
    if status.is_success() {
        let style = if t.path_style { "path" } else { "virtual-host" };
        let mut report = ProbeReport::new(format!("S3 bucket {} is reachable", t.bucket))
            .fact("endpoint", t.endpoint)
            .fact("bucket", t.bucket)
            .fact("region", t.region)
            .fact("url style", style)
            .fact("access key id", key);
        if let Some(r) = header(&resp, "x-amz-bucket-region") {
            report = report.fact("bucket region", r);
        }
        return Ok(report);
    }
    let reason = match error_document(&client, &bucket, key, secret).await {
        Some(reason) => reason,
        None => header_reason(&resp).unwrap_or_else(|| status_text(status)),
    };
    Err(format!(
        "S3 bucket {} at {}: HTTP {} {reason}",
        t.bucket,
        t.endpoint,
        status.as_u16()
    ))
}

fn bucket(t: &S3Target<'_>) -> Result<Bucket, String> {
    let endpoint: Url = t
        .endpoint
        .parse()
        .map_err(|e| format!("S3 endpoint {:?} is not a URL: {e}", t.endpoint))?;
    let style = if t.path_style {
        UrlStyle::Path
    } else {
        UrlStyle::VirtualHost
    };
    Bucket::new(endpoint, style, t.bucket.to_owned(), t.region.to_owned())
        .map_err(|e| format!("S3 bucket {} at {}: {e}", t.bucket, t.endpoint))
}

/// "Code: Message" from a signed ListObjectsV2 of the same bucket, if the server sends an
/// S3 error document.
async fn error_document(
    client: &Client,
    bucket: &Bucket,
    key: &str,
    secret: &str,
) -> Option<String> {
    let url = rusty_s3::signing::sign(
        &jiff::Timestamp::now(),
        rusty_s3::Method::Get,
        bucket.base_url().clone(),
        key,
        secret,
        None,
        bucket.region(),
        EXPIRES.as_secs(),
        // Sorted by name, as `sign` requires.
        [("list-type", "2"), ("max-keys", "1")].into_iter(),
        std::iter::empty(),
    );
    let resp = client.get(url).send().await.ok()?;
    if resp.status().is_success() {
        return None;
    }
    let body = read_limited(resp, MAX_ERROR_BODY).await?;
    parse_error(&String::from_utf8_lossy(&body))
}

async fn read_limited(mut resp: Response, limit: usize) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.ok()? {
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    Some(body)
}

/// `<Error><Code>..</Code><Message>..</Message></Error>` → "Code: Message".
pub(super) fn parse_error(xml: &str) -> Option<String> {
    let code = element(xml, "Code")?;
    Some(match element(xml, "Message").filter(|m| !m.is_empty()) {
        Some(m) => format!("{code}: {m}"),
        None => code,
    })
}

fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{name}>"))?;
    let text = xml[start..start + len].trim();
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// MinIO names the error of a HEAD in headers; AWS does not.
fn header_reason(resp: &Response) -> Option<String> {
    let code = header(resp, "x-amz-error-code").or_else(|| header(resp, "x-minio-error-code"))?;
    Some(
        match header(resp, "x-amz-error-message").or_else(|| header(resp, "x-minio-error-desc")) {
            Some(m) => format!("{code}: {}", m.trim_matches('"')),
            None => code,
        },
    )
}

fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers().get(name)?.to_str().ok().map(str::to_string)
}

fn status_text(status: StatusCode) -> String {
    let hint = match status {
        StatusCode::FORBIDDEN => " (access denied: check the access key and secret key)",
        StatusCode::NOT_FOUND => " (no such bucket)",
        StatusCode::MOVED_PERMANENTLY => " (the bucket is in another region)",
        _ => "",
    };
    format!("{}{hint}", status.canonical_reason().unwrap_or(""))
}

/// Transport failures name the endpoint, never the presigned URL (it holds the signature).
fn transport(t: &S3Target<'_>, e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("S3 endpoint {} did not answer in time", t.endpoint);
    }
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if e.is_connect() {
        format!("cannot connect to S3 endpoint {}: {cause}", t.endpoint)
    } else {
        format!("request to S3 endpoint {} failed: {cause}", t.endpoint)
    }
}
