//! The HTTP API of `ipfs-kit supervise`, against the real Kubo and Cluster it supervises:
//! every endpoint's status codes, the token (file 0600, 401 without or with a wrong one,
//! `/health` open), errors as JSON, daemon actions visible in /api/v1/daemons, pins visible
//! in Kubo, actions in the operation history with the client's identity, SSE, `--read-only`
//! refusals, an oversized body, a non-loopback address without a token, and `<state>/api`
//! removed on exit.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use support::kit::{Kit, Supervise};

const UA: &str = "api-test/1";

struct Api {
    url: String,
    token: String,
    http: Client,
    rt: tokio::runtime::Runtime,
}

impl Api {
    /// Waits for `<state>/api` and the token, then for the collector's first snapshot.
    fn attach(kit: &Kit, log: &str) -> Api {
        let deadline = Instant::now() + Duration::from_secs(120);
        let url = loop {
            if let Ok(t) = std::fs::read_to_string(kit.state().join("api")) {
                break t.trim().to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no <state>/api: {}",
                kit.log(log)
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let token = std::fs::read_to_string(kit.state().join("api.token"))
            .expect("api.token")
            .trim()
            .to_string();
        let api = Api {
            url,
            token,
            http: Client::builder()
                .user_agent(UA)
                .timeout(Duration::from_secs(120))
                .build()
                .expect("client"),
            rt: support::runtime(),
        };
        api.wait("the first snapshot", Duration::from_secs(120), || {
            api.get("/api/v1/snapshot").0 == StatusCode::OK
        });
        api
    }

    fn wait(&self, what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
        let deadline = Instant::now() + limit;
        while !ok() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// Any request: (status, body as text), with `token` (None: no Authorization).
    fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, String, reqwest::header::HeaderMap) {
        self.rt.block_on(async {
            let mut rq = self.http.request(method, format!("{}{path}", self.url));
            if let Some(t) = token {
                rq = rq.bearer_auth(t);
            }
            if let Some(b) = body {
                rq = rq.body(b);
            }
            let r = rq.send().await.expect("request");
            let status = r.status();
            let headers = r.headers().clone();
            (status, r.text().await.unwrap_or_default(), headers)
        })
    }

    fn get(&self, path: &str) -> (StatusCode, String) {
        let (s, b, _) = self.send(Method::GET, path, Some(&self.token), None);
        (s, b)
    }

    fn post(&self, path: &str) -> (StatusCode, Value) {
        let (s, b, _) = self.send(Method::POST, path, Some(&self.token), None);
        (s, json(&b))
    }

    fn delete(&self, path: &str) -> (StatusCode, Value) {
        let (s, b, _) = self.send(Method::DELETE, path, Some(&self.token), None);
        (s, json(&b))
    }

    fn get_json(&self, path: &str) -> Value {
        let (s, b) = self.get(path);
        assert_eq!(s, StatusCode::OK, "GET {path}: {b}");
        json(&b)
    }

    fn daemon_state(&self, name: &str) -> String {
        let list = self.get_json("/api/v1/daemons");
        list.as_array()
            .and_then(|a| a.iter().find(|d| d["name"] == name))
            .and_then(|d| d["state"].as_str())
            .unwrap_or("missing")
            .to_string()
    }

    /// Reads the SSE stream until `n` `snapshot` events came; returns their data.
    fn sse(&self, n: usize) -> Vec<Value> {
        self.rt.block_on(async {
            let mut r = self
                .http
                .get(format!("{}/api/v1/snapshots", self.url))
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("sse");
            assert_eq!(r.status(), StatusCode::OK);
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            assert!(ct.starts_with("text/event-stream"), "{ct}");
            let mut text = String::new();
            let mut events = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(60);
            while events.len() < n {
                assert!(
                    Instant::now() < deadline,
                    "only {} events: {text}",
                    events.len()
                );
                let chunk = tokio::time::timeout(Duration::from_secs(30), r.chunk())
                    .await
                    .expect("an SSE chunk within 30 s")
                    .expect("chunk")
                    .expect("stream open");
                text.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = text.find("\n\n") {
                    let block: String = text.drain(..end + 2).collect();
                    if block.lines().any(|l| l == "event: snapshot") {
                        let data: String = block
                            .lines()
                            .filter_map(|l| l.strip_prefix("data: "))
                            .collect();
                        events.push(json(&data));
                    }
                }
            }
            events
        })
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// An error answer: JSON with `error` and `detail`.
fn assert_error(status: StatusCode, body: &Value, want: StatusCode, word: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["error"], word, "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

fn start(kit: &Kit, args: &[&str], log: &str) -> Supervise {
    let mut all = vec!["--init"];
    all.extend_from_slice(args);
    let sup = kit.supervise(&all, log, &[]);
    kit.wait_supervised(log);
    sup
}

fn config(kit: &Kit) {
    let disk = kit.root().join("disk");
    std::fs::create_dir_all(&disk).expect("mkdir");
    kit.config(&format!(
        "[supervisor]\nrestart_backoff = \"500ms\"\n\n[host]\ninterval = \"1s\"\n\n\
         [backends.disk]\nkind = \"filesystem\"\npath = \"{}\"\n\n{}",
        disk.display(),
        support::NO_HOST_DISK_ALERT
    ));
}

/// History entries (newest first) through the API.
fn history(api: &Api) -> Vec<Value> {
    api.get_json("/api/v1/history?limit=500")["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn by_api(e: &Value) -> bool {
    e["user_id"]
        .as_str()
        .is_some_and(|u| u.starts_with("api:127.0.0.1") && u.contains(UA))
}

#[test]
fn supervise_serves_every_endpoint_with_token_actions_and_history() {
    let kit = Kit::new();
    config(&kit);
    let mut sup = start(&kit, &[], "supervise.log");
    let api = Api::attach(&kit, "supervise.log");

    // The token file: 64 hex characters, owner-only.
    let mode = std::fs::metadata(kit.state().join("api.token"))
        .expect("token file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "api.token mode {mode:o}");
    assert_eq!(api.token.len(), 64);

    // /health needs no token; the rest do (401 without, 401 with a wrong one).
    let (s, b, _) = api.send(Method::GET, "/health", None, None);
    assert!(
        s == StatusCode::OK || s == StatusCode::SERVICE_UNAVAILABLE,
        "{s}"
    );
    let h = json(&b);
    assert!(
        h["level"].is_string() && h["sources"]["kubo"]["level"].is_string(),
        "{h}"
    );
    assert_eq!(h["serving"], s == StatusCode::OK, "{h}");
    for path in [
        "/api/v1/status",
        "/api/v1/snapshot",
        "/api/v1/daemons",
        "/api/v1/history",
        "/metrics",
    ] {
        let (s, b, headers) = api.send(Method::GET, path, None, None);
        assert_error(s, &json(&b), StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(headers.contains_key("www-authenticate"), "{path}");
        let (s, b, _) = api.send(Method::GET, path, Some("0".repeat(64).as_str()), None);
        assert_error(s, &json(&b), StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let (s, b, _) = api.send(Method::POST, "/api/v1/daemons/cluster/stop", None, None);
    assert_error(s, &json(&b), StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(
        api.daemon_state("cluster"),
        "ready",
        "no action without a token"
    );

    // Reads.
    let snap = api.get_json("/api/v1/snapshot");
    assert_eq!(snap["schema_version"], 1);
    api.wait("Kubo polled ok", Duration::from_secs(30), || {
        api.get_json("/api/v1/snapshot")["kubo"]["state"] == "ok"
    });
    let status = api.get_json("/api/v1/status");
    assert!(status["status"].is_string(), "{status}");
    assert!(
        status["services"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x["name"] == "kubo" && x["kind"] == "kubo")),
        "{status}"
    );
    assert!(status["resources"]["status"].is_string(), "{status}");
    assert_eq!(status["read_only"], false);
    let daemons = api.get_json("/api/v1/daemons");
    assert_eq!(daemons.as_array().map(Vec::len), Some(2), "{daemons}");
    let (s, metrics, headers) = api.send(Method::GET, "/metrics", Some(&api.token), None);
    assert_eq!(s, StatusCode::OK, "{metrics}");
    assert!(
        headers["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/plain; version=0.0.4")),
        "{headers:?}"
    );
    let alerts = api.get_json("/api/v1/alerts?limit=5");
    assert!(
        alerts["active"].is_array() && alerts["events"].is_array(),
        "{alerts}"
    );
    let (s, b) = api.get("/api/v1/alerts?severity=loud");
    assert_error(s, &json(&b), StatusCode::BAD_REQUEST, "bad_request");
    let (s, b) = api.get("/api/v1/history?status=maybe");
    assert_error(s, &json(&b), StatusCode::BAD_REQUEST, "bad_request");
    let (s, b) = api.get("/api/v1/history?since=yesterday-ish");
    assert_error(s, &json(&b), StatusCode::BAD_REQUEST, "bad_request");
    let (s, b) = api.get("/api/v1/no/such/route");
    assert_error(s, &json(&b), StatusCode::NOT_FOUND, "not_found");

    // SSE: at least two snapshot events, each the snapshot document.
    let events = api.sse(2);
    assert!(events.iter().all(|e| e["schema_version"] == 1));

    // Logs: the tail is capped to what was asked; follow streams.
    let (s, tail) = api.get("/api/v1/daemons/kubo/logs?tail=3");
    assert_eq!(s, StatusCode::OK, "{tail}");
    assert!(!tail.is_empty() && tail.lines().count() <= 3, "{tail}");
    let (s, b) = api.get("/api/v1/daemons/nope/logs");
    assert_error(s, &json(&b), StatusCode::NOT_FOUND, "not_found");
    let followed = api.rt.block_on(async {
        let mut r = api
            .http
            .get(format!(
                "{}/api/v1/daemons/cluster/logs?tail=2&follow=true",
                api.url
            ))
            .bearer_auth(&api.token)
            .send()
            .await
            .expect("follow");
        assert_eq!(r.status(), StatusCode::OK);
        tokio::time::timeout(Duration::from_secs(10), r.chunk())
            .await
            .expect("the tail at once")
            .expect("chunk")
    });
    assert!(followed.is_some_and(|c| !c.is_empty()));

    // Unknown things: 404; a bad CID: 400; an oversized body: 413.
    let (s, b) = api.post("/api/v1/daemons/nope/start");
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = api.post("/api/v1/daemons/cluster/explode");
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = api.post("/api/v1/alerts/no-such-alert/ack");
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = api.post("/api/v1/backends/nope/check");
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = api.post("/api/v1/pins/not-a-cid");
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    let (s, b) = api.delete("/api/v1/pins/bafyNOPE");
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    let (s, b, h) = api.send(
        Method::POST,
        "/api/v1/pins/bafkqaaa",
        Some(&api.token),
        Some(vec![b'x'; 200 * 1024]),
    );
    assert_error(s, &json(&b), StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    // The unread rest of the body ends the connection; the client is told not to reuse it
    // (the next request here once went out on it and got no answer).
    assert_eq!(
        h.get("connection").and_then(|v| v.to_str().ok()),
        Some("close")
    );

    // The backend check: a live probe of the configured directory.
    let (s, b) = api.post("/api/v1/backends/disk/check");
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["backend"]["state"], "ok", "{b}");
    assert!(
        api.get_json("/api/v1/backends")
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["name"] == "disk")),
        "the check's result is in the snapshot"
    );

    // Cluster stop, start and restart through the API, seen in /api/v1/daemons.
    let (s, b) = api.post("/api/v1/daemons/cluster/stop");
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["daemons"].is_array(), "{b}");
    api.wait("cluster stopped", Duration::from_secs(30), || {
        api.daemon_state("cluster") == "stopped"
    });
    assert_eq!(api.daemon_state("kubo"), "ready");
    let (s, b) = api.post("/api/v1/daemons/cluster/start");
    assert_eq!(s, StatusCode::OK, "{b}");
    api.wait("cluster ready", Duration::from_secs(90), || {
        api.daemon_state("cluster") == "ready"
    });
    let before = Kit::daemon(&kit.status(), "cluster")["pid"].clone();
    let (s, b) = api.post("/api/v1/daemons/cluster/restart");
    assert_eq!(s, StatusCode::OK, "{b}");
    api.wait(
        "cluster ready after the restart",
        Duration::from_secs(90),
        || api.daemon_state("cluster") == "ready",
    );
    assert_ne!(
        Kit::daemon(&kit.status(), "cluster")["pid"],
        before,
        "a new process"
    );

    // A pin and an unpin through the API, seen in Kubo (Cluster pins into it).
    let file = kit.root().join("pinme.txt");
    std::fs::write(&file, "pinned through the ipfs-kit API\n").expect("write");
    let cid = kit
        .ipfs(&[
            "add",
            "-q",
            "--pin=false",
            "--cid-version=1",
            &file.display().to_string(),
        ])
        .trim()
        .to_string();
    let pinned = || {
        kit.ipfs(&["pin", "ls", "--type=recursive", "-q"])
            .lines()
            .any(|l| l.trim() == cid)
    };
    assert!(!pinned());
    let (s, b) = api.post(&format!("/api/v1/pins/{cid}"));
    assert_eq!(s, StatusCode::OK, "{b}");
    api.wait("the pin in Kubo", Duration::from_secs(60), pinned);
    let (s, b) = api.delete(&format!("/api/v1/pins/{cid}"));
    assert_eq!(s, StatusCode::OK, "{b}");
    api.wait("the pin gone from Kubo", Duration::from_secs(60), || {
        !pinned()
    });

    // Every action is in the history once, as asked by this client.
    let h = history(&api);
    for (action, resource) in [
        ("daemon.stop", "cluster"),
        ("daemon.start", "cluster"),
        ("pin.add", cid.as_str()),
        ("pin.remove", cid.as_str()),
        ("backend.check", "disk"),
    ] {
        let mine: Vec<&Value> = h
            .iter()
            .filter(|e| e["action"] == action && e["resource"] == resource && by_api(e))
            .collect();
        assert!(
            !mine.is_empty(),
            "no {action} {resource} by the API client in {h:#?}"
        );
    }
    assert_eq!(
        h.iter()
            .filter(|e| e["action"] == "pin.add" && e["resource"] == cid.as_str())
            .count(),
        1,
        "one pin.add entry"
    );
    assert!(
        h.iter()
            .any(|e| e["action"] == "pin.add" && e["resource"] == "not-a-cid" && by_api(e)),
        "the refused pin is recorded"
    );

    // SIGTERM: exit 0 as before, and the address file goes with the API.
    sup.signal(Signal::SIGTERM);
    let (code, _) = sup.wait_exit(Duration::from_secs(60));
    assert_eq!(code.code(), Some(0), "{}", kit.log("supervise.log"));
    assert!(
        !kit.state().join("api").exists(),
        "<state>/api removed on exit"
    );
    assert!(
        kit.state().join("api.token").exists(),
        "the token is kept for the next run"
    );
}

#[test]
fn read_only_refuses_actions_with_403_and_records_them() {
    let kit = Kit::new();
    config(&kit);
    let mut sup = start(&kit, &["--read-only"], "ro.log");
    let api = Api::attach(&kit, "ro.log");
    assert_eq!(api.get_json("/api/v1/status")["read_only"], true);
    for (method, path) in [
        (Method::POST, "/api/v1/daemons/cluster/stop"),
        (Method::POST, "/api/v1/daemons/kubo/restart"),
        (Method::POST, "/api/v1/pins/bafkqaaa"),
        (Method::DELETE, "/api/v1/pins/bafkqaaa"),
        (Method::POST, "/api/v1/backends/disk/check"),
        (Method::POST, "/api/v1/alerts/any/ack"),
    ] {
        let (s, b, _) = api.send(method.clone(), path, Some(&api.token), None);
        assert_error(s, &json(&b), StatusCode::FORBIDDEN, "read_only");
    }
    assert_eq!(api.daemon_state("cluster"), "ready");
    assert_eq!(
        api.get("/api/v1/snapshot").0,
        StatusCode::OK,
        "reads stay open"
    );
    let h = history(&api);
    let refused = h
        .iter()
        .filter(|e| e["status"] == "failed" && e["details"]["refused"] == true && by_api(e))
        .count();
    assert_eq!(refused, 6, "every refusal recorded: {h:#?}");
    sup.signal(Signal::SIGTERM);
    let (code, _) = sup.wait_exit(Duration::from_secs(60));
    assert_eq!(code.code(), Some(0));
}

#[test]
fn a_non_loopback_listen_without_a_token_is_a_usage_error() {
    let kit = Kit::new();
    let out = kit.run(&["supervise", "--listen", "0.0.0.0:0"]);
    assert_eq!(
        out.status.code(),
        Some(64),
        "{}",
        support::kit::stderr(&out)
    );
    let err = support::kit::stderr(&out);
    assert!(err.contains("--listen") && err.contains("token"), "{err}");
    assert!(!kit.state().join("api").exists());
    assert!(!kit.kubo_repo().exists(), "nothing started");
    let out = kit.run(&["supervise", "--listen", "localhost:80"]);
    assert_eq!(
        out.status.code(),
        Some(64),
        "a host name is refused by clap"
    );
}

#[test]
fn tls_on_every_address_with_a_configured_token() {
    let kit = Kit::new();
    config(&kit);
    let (ca, cert, key) = certificates(kit.root());
    let token = "a-token-the-operator-chose-0123456789";
    let (c, k) = (cert.display().to_string(), key.display().to_string());
    let mut sup = kit.supervise(
        &[
            "--init",
            "--listen",
            "0.0.0.0:0",
            "--tls-cert",
            &c,
            "--tls-key",
            &k,
        ],
        "tls.log",
        &[("IPFS_KIT_TOKEN", token.to_string())],
    );
    kit.wait_supervised("tls.log");
    let deadline = Instant::now() + Duration::from_secs(60);
    let url = loop {
        if let Ok(t) = std::fs::read_to_string(kit.state().join("api")) {
            break t.trim().to_string();
        }
        assert!(Instant::now() < deadline, "{}", kit.log("tls.log"));
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert!(
        !kit.state().join("api.token").exists(),
        "a configured token is not written to a file"
    );
    assert!(
        !kit.log("tls.log").contains("plain http"),
        "no warning with TLS"
    );
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&ca).expect("ca")).expect("pem");
    let http = Client::builder()
        .add_root_certificate(ca)
        .build()
        .expect("client");
    let rt = support::runtime();
    let get = |tok: &str| {
        rt.block_on(async {
            http.get(format!("{url}/api/v1/daemons"))
                .bearer_auth(tok)
                .send()
                .await
                .expect("https request")
                .status()
        })
    };
    assert_eq!(get(token), StatusCode::OK);
    assert_eq!(get("wrong-token-wrong-token"), StatusCode::UNAUTHORIZED);
    sup.signal(Signal::SIGTERM);
    let (code, _) = sup.wait_exit(Duration::from_secs(60));
    assert_eq!(code.code(), Some(0));
    assert!(!kit.state().join("api").exists());
}

/// A test CA and a server certificate for 127.0.0.1 signed by it (webpki refuses a CA
/// certificate as the server's own): (ca.pem, cert.pem, key.pem).
fn certificates(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    let f = |n: &str| dir.join(n);
    let ext = f("leaf.ext");
    std::fs::write(
        &ext,
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    let p = |p: PathBuf| p.display().to_string();
    let steps: [Vec<String>; 3] = [
        [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=ipfs-kit test CA",
        ]
        .iter()
        .map(ToString::to_string)
        .chain([
            "-keyout".into(),
            p(f("ca.key")),
            "-out".into(),
            p(f("ca.pem")),
        ])
        .collect(),
        [
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
        ]
        .iter()
        .map(ToString::to_string)
        .chain([
            "-keyout".into(),
            p(f("key.pem")),
            "-out".into(),
            p(f("leaf.csr")),
        ])
        .collect(),
        ["x509", "-req", "-days", "1", "-CAcreateserial"]
            .iter()
            .map(ToString::to_string)
            .chain([
                "-in".into(),
                p(f("leaf.csr")),
                "-CA".into(),
                p(f("ca.pem")),
                "-CAkey".into(),
                p(f("ca.key")),
                "-extfile".into(),
                p(ext.clone()),
                "-out".into(),
                p(f("cert.pem")),
            ])
            .collect(),
    ];
    for args in steps {
        let out = std::process::Command::new("openssl")
            .args(&args)
            .output()
            .expect("openssl (Debian package openssl) makes the test certificates");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (f("ca.pem"), f("cert.pem"), f("key.pem"))
}
