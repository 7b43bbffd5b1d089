//! Clients attach to a running daemon: `--once --json` prints the daemon's snapshot (the one
//! with its performance monitor, which a one-shot collection never has) instead of polling;
//! a wrong `--token` falls back to collecting, said on stderr. The dashboard attaches in
//! tmux (header `attached <url>`), acts through the API (a Cluster stop from the keys is
//! recorded as an API client's), and when the daemon goes away says so and collects itself
//! without a blank screen.

mod support;

use std::time::Duration;

use nix::sys::signal::Signal;
use support::kit::Kit;
use support::tmux::Tmux;

fn once_json(kit: &Kit, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["--once", "--json"];
    args.extend_from_slice(extra);
    let out = kit.run(&args);
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        doc,
        support::kit::stderr(&out),
    )
}

#[test]
fn once_and_the_dashboard_attach_to_the_daemon_and_fall_back_when_it_goes() {
    let kit = Kit::new();
    kit.config(&format!(
        "[supervisor]\nrestart_backoff = \"500ms\"\n\n{}",
        support::NO_HOST_DISK_ALERT
    ));
    let mut sup = kit.supervise(&["--init", "--leave-running"], "sup.log", &[]);
    kit.wait_supervised("sup.log");
    let url = support::wait_file(&kit.state().join("api"));
    // The daemon has collected (its snapshot says Kubo is ok).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let (code, doc) = loop {
        let (code, doc, _) = once_json(&kit, &[]);
        if doc["kubo"]["state"] == "ok" && doc["performance"].is_object() {
            break (code, doc);
        }
        assert!(std::time::Instant::now() < deadline, "{doc}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        (0..=1).contains(&code),
        "exit from the daemon's health: {code} {doc}"
    );
    assert_eq!(doc["schema_version"], 1);

    // The `dashboard` CLI reads the daemon's snapshot too, and its widget data is that
    // snapshot's (the performance view only a running collector has).
    let out = kit.run(&["dashboard", "status", "--json"]);
    let st: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(st["origin"]["from"], "daemon", "{st}");
    assert_eq!(st["origin"]["url"], url.as_str(), "{st}");
    let out = kit.run(&[
        "dashboard",
        "widget-data",
        "--widget-id",
        "performance.cache",
        "--json",
    ]);
    assert!(out.status.success(), "{}", support::kit::stderr(&out));

    // A wrong token: said, and collected here (no performance section in a one-shot run).
    let (_, doc, err) = once_json(
        &kit,
        &["--connect", &url, "--token", "wrong-wrong-wrong-wrong"],
    );
    assert!(err.contains("collecting here instead"), "{err}");
    assert!(doc["performance"].is_null(), "{doc}");
    assert_eq!(doc["kubo"]["state"], "ok");

    // The dashboard attaches.
    let env: Vec<(String, String)> = vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), kit.root().join("home").display().to_string()),
        (
            "XDG_CONFIG_HOME".into(),
            kit.root().join("config").display().to_string(),
        ),
        (
            "XDG_STATE_HOME".into(),
            kit.root().join("state").display().to_string(),
        ),
        (
            "IPFS_KIT_TOOLS_BIN".into(),
            support::tools()
                .ipfs
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        ),
    ];
    let t = Tmux::start(kit.root(), &env);
    t.line(&format!("{}; echo EXIT=$?", env!("CARGO_BIN_EXE_ipfs-kit")));
    let host = url.trim_start_matches("http://");
    t.wait_for("attached in the header", Duration::from_secs(60), |s| {
        s.contains("attached") && s.contains(host) && s.contains("Kubo ✔ ok")
    });
    // Cluster stopped from the keys goes through the daemon's API.
    t.keys(&["6"]);
    t.wait_for(
        "the daemons from the daemon",
        Duration::from_secs(30),
        |s| s.contains("cluster") && s.contains("ready"),
    );
    t.keys(&["j"]);
    t.wait_for("the cluster selected", Duration::from_secs(30), |s| {
        s.contains("Log: cluster")
    });
    t.keys(&["x"]);
    t.wait_for("the stop confirmation", Duration::from_secs(30), |s| {
        s.contains("Stop cluster?")
    });
    t.keys(&["y"]);
    let st = kit.wait_status("cluster stopped", Duration::from_secs(30), |st| {
        Kit::daemon(st, "cluster")["state"] == "stopped"
    });
    assert_eq!(Kit::daemon(&st, "kubo")["state"], "ready");
    let hist = kit.run(&["history", "--json", "--limit", "50"]);
    let text = String::from_utf8_lossy(&hist.stdout);
    assert!(
        text.lines().any(|l| l.contains("\"daemon.stop\"")
            && l.contains("\"user_id\":\"api:127.0.0.1 (ipfs-kit/")),
        "the key's stop recorded as the attached client's: {text}"
    );

    // The daemon goes (its daemons stay, --leave-running): the dashboard says so and goes
    // on with its own collector, Kubo still ok.
    sup.signal(Signal::SIGTERM);
    let (code, _) = sup.wait_exit(Duration::from_secs(60));
    assert_eq!(code.code(), Some(0));
    t.wait_for("the fallback said", Duration::from_secs(60), |s| {
        s.contains("local: daemon gone") && s.contains("Kubo ✔ ok")
    });
    t.keys(&["q"]);
}
