//! A dashboard that runs its own collector (it holds the state dir) serves the same API as
//! `supervise`, in tmux on the embedded node: `<state>/api` and the token appear, the
//! snapshot is the dashboard's, a daemon action through the API shows on the Daemons tab
//! (the keys' and the API's one path), and quitting removes `<state>/api`.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::daemons_under;
use support::tmux::{Tmux, embedded_env};

struct Cleanup<'a>(&'a Path);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
        c.env_clear();
        for (k, v) in embedded_env(self.0) {
            c.env(k, v);
        }
        let _ = c.args(["daemon", "stop", "all"]).output();
        for pid in daemons_under(self.0) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

#[test]
fn the_dashboard_serves_the_api_and_removes_its_file_on_quit() {
    support::tools();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let _cleanup = Cleanup(root);
    let t = Tmux::start(root, &embedded_env(root));
    t.line(&format!("{}; echo EXIT=$?", env!("CARGO_BIN_EXE_ipfs-kit")));
    t.wait_for("Kubo and Cluster up", Duration::from_secs(120), |s| {
        s.contains("Kubo ✔ ok") && s.contains("Cluster ✔ ok")
    });
    let state = root.join("state");
    let url = std::fs::read_to_string(state.join("api")).expect("<state>/api");
    let url = url.trim();
    let token = std::fs::read_to_string(state.join("api.token")).expect("api.token");
    let rt = support::runtime();
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str| -> (u16, serde_json::Value) {
        rt.block_on(async {
            let r = http
                .request(method, format!("{url}{path}"))
                .bearer_auth(token.trim())
                .send()
                .await
                .expect("request");
            let s = r.status().as_u16();
            (s, r.json().await.unwrap_or(serde_json::Value::Null))
        })
    };
    let (s, snap) = call(reqwest::Method::GET, "/api/v1/snapshot");
    assert_eq!(s, 200, "{snap}");
    assert_eq!(snap["kubo"]["state"], "ok");
    let (s, health) = call(reqwest::Method::GET, "/health");
    assert_eq!(s, 200, "{health}");

    // Cluster stopped through the API: the dashboard's Daemons tab shows it.
    t.keys(&["6"]);
    let (s, b) = call(reqwest::Method::POST, "/api/v1/daemons/cluster/stop");
    assert_eq!(s, 200, "{b}");
    t.wait_for(
        "cluster stopped on the Daemons tab",
        Duration::from_secs(30),
        |s| {
            s.lines()
                .any(|l| l.contains("stopped") && l.contains("cluster"))
        },
    );
    let (s, b) = call(reqwest::Method::POST, "/api/v1/daemons/cluster/start");
    assert_eq!(s, 200, "{b}");
    let (_, hist) = call(reqwest::Method::GET, "/api/v1/history?limit=100");
    assert!(
        hist["entries"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| {
                e["action"] == "daemon.stop"
                    && e["user_id"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("api:127.0.0.1"))
            })),
        "{hist}"
    );

    t.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while state.join("api").exists() {
        assert!(
            Instant::now() < deadline,
            "<state>/api outlived the dashboard"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
