//! A fleet of two nodes, each a real Kubo + Cluster pair under its own `ipfs-kit supervise`:
//! `ipfs-kit fleet --json` lists both with their own figures; the dashboard (attached to the
//! first, both in `[[fleet.nodes]]`) lists them in the Fleet tab, Enter shows the second on
//! the whole dashboard and Esc comes back; killed, the second's daemon becomes a row down
//! with its error while the first keeps updating, and `fleet` exits 2.

mod support;

use std::time::{Duration, Instant};

use support::kit::{Kit, Supervise};
use support::tmux::Tmux;

/// A node: its kit, its daemon, its API URL and token.
struct Node {
    kit: Kit,
    sup: Option<Supervise>,
    url: String,
    token: String,
}

fn node() -> Node {
    let kit = Kit::new();
    kit.config(support::NO_HOST_DISK_ALERT);
    let sup = kit.supervise(&["--init", "--leave-running"], "sup.log", &[]);
    kit.wait_supervised("sup.log");
    let url = support::wait_file(&kit.state().join("api"));
    let token = support::wait_file(&kit.state().join("api.token"));
    Node {
        kit,
        sup: Some(sup),
        url,
        token,
    }
}

/// `ipfs-kit fleet --json` from the operator's kit.
fn fleet_json(op: &Kit, token_b: &str) -> (i32, serde_json::Value) {
    let out = op
        .cmd()
        .env("BRAVO_TOKEN", token_b)
        .args(["fleet", "--json", "--timeout", "10s"])
        .output()
        .expect("run fleet");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), doc)
}

fn row<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["nodes"]
        .as_array()
        .and_then(|n| n.iter().find(|r| r["name"] == name))
        .unwrap_or_else(|| panic!("no row {name}: {doc}"))
}

/// A node's own snapshot, through its API.
fn own_snapshot(n: &Node) -> serde_json::Value {
    let out = n
        .kit
        .cmd()
        .args(["--once", "--json", "--connect", &n.url, "--token", &n.token])
        .output()
        .expect("once");
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

#[test]
fn two_nodes_in_the_fleet_tab_one_goes_down_the_other_keeps_updating() {
    let a = node();
    let mut b = node();
    let op = Kit::new();
    op.config(&format!(
        "{}\n[[fleet.nodes]]\nname = \"alpha\"\nurl = \"{}\"\ntoken = \"{}\"\n\n\
         [[fleet.nodes]]\nname = \"bravo\"\nurl = \"{}\"\ntoken_env = \"BRAVO_TOKEN\"\n",
        support::NO_HOST_DISK_ALERT,
        a.url,
        a.token,
        b.url
    ));

    // One-shot: both up, each with its own node's figures (a pin on alpha only).
    let file = a.kit.root().join("only-on-alpha.txt");
    std::fs::write(&file, "pinned on alpha only\n").expect("write");
    a.kit.ipfs(&["add", "-Q", &file.display().to_string()]);
    let deadline = Instant::now() + Duration::from_secs(90);
    let doc = loop {
        let (code, doc) = fleet_json(&op, &b.token);
        let (ra, rb) = (row(&doc, "alpha"), row(&doc, "bravo"));
        let own_a = own_snapshot(&a);
        if ra["state"] == "up"
            && rb["state"] == "up"
            && ra["pins"].is_u64()
            && ra["pins"] != rb["pins"]
            && ra["pins"] == own_a["kubo"]["data"]["recursive_pins"]
            && ra["cluster_peers"] == 1
        {
            assert!((0..=1).contains(&code), "both up: exit {code} {doc}");
            break doc;
        }
        assert!(Instant::now() < deadline, "{doc}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(row(&doc, "bravo")["error"].is_null(), "{doc}");

    // The dashboard: attached to alpha, the fleet from the config.
    let mut env: Vec<(String, String)> = vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("BRAVO_TOKEN".into(), b.token.clone()),
    ];
    for (k, dir) in [
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ] {
        env.push((k.into(), op.root().join(dir).display().to_string()));
    }
    let t = Tmux::start(op.root(), &env);
    t.line(&format!(
        "{} --connect {} --token {}; echo EXIT=$?",
        env!("CARGO_BIN_EXE_ipfs-kit"),
        a.url,
        a.token
    ));
    t.wait_for("attached to alpha", Duration::from_secs(60), |s| {
        s.contains("attached") && s.contains("Kubo ✔ ok")
    });
    t.keys(&["F"]);
    t.wait_for(
        "both nodes in the Fleet tab",
        Duration::from_secs(60),
        |s| {
            s.contains("Fleet (2 nodes")
                && s.lines().any(|l| l.contains("alpha") && l.contains(&a.url))
                && s.lines().any(|l| l.contains("bravo") && l.contains(&b.url))
        },
    );
    // By name: alpha, then bravo; Enter on bravo shows it on the whole dashboard.
    t.keys(&["o", "j", "Enter"]);
    let bravo_host = b.url.trim_start_matches("http://");
    t.wait_for("bravo on screen", Duration::from_secs(30), |s| {
        s.contains("fleet bravo") && s.contains(bravo_host) && s.contains("Kubo ✔ ok")
    });
    t.keys(&["Escape"]);
    t.wait_for("back on alpha's dashboard", Duration::from_secs(30), |s| {
        s.contains("attached") && !s.contains("fleet bravo") && s.contains("Fleet (2 nodes")
    });

    // bravo's daemon dies: its row goes down with the error; alpha's keeps updating.
    if let Some(sup) = b.sup.as_ref() {
        support::kit::kill9(u64::from(sup.pid()));
    }
    let seen = |s: &str| -> Option<String> {
        s.lines()
            .find(|l| l.contains("alpha") && l.contains(&a.url))
            .and_then(|l| {
                l.split_whitespace()
                    .find(|w| w.len() == 8 && w.matches(':').count() == 2)
            })
            .map(str::to_string)
    };
    let screen = t.wait_for("bravo down", Duration::from_secs(60), |s| {
        s.lines().any(|l| l.contains("bravo") && l.contains("down"))
    });
    let before = seen(&screen);
    assert!(before.is_some(), "alpha's last seen: {screen}");
    t.wait_for("alpha still updating", Duration::from_secs(60), |s| {
        seen(s).is_some_and(|now| Some(now) != before)
    });
    let (code, doc) = fleet_json(&op, &b.token);
    assert_eq!(code, 2, "a node down is CRITICAL: {doc}");
    assert_eq!(row(&doc, "bravo")["state"], "down", "{doc}");
    assert!(row(&doc, "bravo")["error"].is_string(), "{doc}");
    assert_eq!(row(&doc, "alpha")["state"], "up", "{doc}");
    t.keys(&["q"]);
    t.wait_for("the dashboard ended", Duration::from_secs(30), |s| {
        s.contains("EXIT=0")
    });
    b.sup = None;
}
