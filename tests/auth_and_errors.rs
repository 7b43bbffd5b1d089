//! Sources facing an API that refuses or misbehaves: a real Kubo with API.Authorizations
//! (403), and a loopback server that answers 500, garbage, an endless body, or nothing.

mod support;

use std::time::Duration;

use ipfs_kit::config::{self, Env, Overrides};
use ipfs_kit::sources::kubo::KuboSource;
use support::{Harness, run_json, runtime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

struct NoEnv;
impl Env for NoEnv {
    fn var(&self, name: &str) -> Option<String> {
        (name == "HOME").then(|| "/nonexistent".to_string())
    }
}

/// A Kubo source over `api` whose every call gives up after 2 s.
fn kubo_source(api: &str) -> KuboSource {
    kubo_source_within(api, Duration::from_secs(2))
}

fn kubo_source_within(api: &str, timeout: Duration) -> KuboSource {
    let ov = Overrides {
        kubo_api: Some(api.to_string()),
        ..Default::default()
    };
    let cfg = config::load(&ov, &NoEnv).expect("config");
    KuboSource::new(&cfg.kubo, timeout).expect("source")
}

#[test]
fn kubo_with_authorizations_needs_the_token_and_never_shows_it() {
    let h = Harness::kubo_with(|repo| {
        repo.set_config_json(
            "API.Authorizations",
            r#"{"ops": {"AuthSecret": "bearer:s3cr3t-t0ken", "AllowedPaths": ["/api/v0"]}}"#,
        )
        .expect("set API.Authorizations");
    });

    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json"]);
    let (code, j, _) = run_json(cmd);
    assert_eq!(j["kubo"]["state"], "down");
    let err = j["kubo"]["error"].as_str().expect("error");
    assert!(err.contains("access denied (403)"), "{err}");
    assert_eq!(code, 2);

    let mut cmd = h.ipfs_kit();
    cmd.env("IPFS_KIT_KUBO_AUTH", "bearer:s3cr3t-t0ken")
        .args(["--once", "--json"]);
    let out = cmd.output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    let j: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(j["kubo"]["state"], "ok", "{}", j["kubo"]);
    assert!(!text.contains("s3cr3t"), "the token leaked into the output");
    let log = std::fs::read_to_string(h.root().join("state/ipfs-kit/logs/ipfs-kit.log"))
        .unwrap_or_default();
    assert!(!log.contains("s3cr3t"), "the token leaked into the log");
}

/// A loopback HTTP server that answers every request with `respond`.
async fn serve(respond: fn(&mut Vec<u8>) -> Option<Vec<u8>>, endless: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = sock.read(&mut buf).await;
                if endless {
                    let _ = sock
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
                        .await;
                    let chunk = vec![b'x'; 64 * 1024];
                    // 512 MiB if nobody stops reading.
                    for _ in 0..8192 {
                        if sock.write_all(&chunk).await.is_err() {
                            return;
                        }
                    }
                    return;
                }
                match respond(&mut buf) {
                    Some(r) => {
                        let _ = sock.write_all(&r).await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(30)).await,
                }
            });
        }
    });
    format!("http://{addr}")
}

fn http(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn misbehaving_apis_become_states_not_crashes() {
    let rt = runtime();
    rt.block_on(async {
        let url = serve(|_| Some(http("500 Internal Server Error", r#"{"Message":"datastore closed","Code":0,"Type":"error"}"#)), false).await;
        let p = kubo_source(&url).poll().await;
        assert!(p.data.is_none());
        assert_eq!(p.error.as_deref(), Some("HTTP 500 from api/v0/id: datastore closed"));

        let url = serve(|_| Some(http("200 OK", "<html>not json</html>")), false).await;
        let p = kubo_source(&url).poll().await;
        let e = p.error.expect("error");
        assert!(e.starts_with("unexpected answer from api/v0/id"), "{e}");

        let url = serve(|_| Some(http("403 Forbidden", "Kubo RPC Access Denied: Please provide a valid authorization token as defined in the API.Authorizations configuration.")), false).await;
        let e = kubo_source(&url).poll().await.error.expect("error");
        assert!(e.starts_with("access denied (403): Kubo RPC Access Denied"), "{e}");

        let url = serve(|_| None, false).await;
        let started = std::time::Instant::now();
        let e = kubo_source(&url).poll().await.error.expect("error");
        assert!(e.contains("timed out"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(5));

        // The size cap, not a clock, must end an endless body: every call of the poll reads
        // one at once (ten streams through a debug-built client took 4 s to reach their 8 MiB
        // caps here), so with a 2 s timeout a loaded machine sometimes timed out first. A
        // timeout far beyond that leaves only the cap to stop it ("timed out" would fail).
        let url = serve(|_| None, true).await;
        let e = kubo_source_within(&url, Duration::from_secs(120))
            .poll()
            .await
            .error
            .expect("error");
        assert!(e.contains("larger than"), "{e}");
    });
}
