//! One collector, many clients: dashboards attached to a `supervise` daemon add no calls to
//! Kubo. Kubo's own Prometheus endpoint counts every `/api/v0` call
//! (`ipfs_http_request_duration_seconds_count{handler="api"}`; the read of that endpoint
//! itself is not under `handler="api"`), so the call rate over a fixed window with 1 and
//! with 5 dashboards in tmux must be the same; two of them show the same figures.

mod support;

use std::time::{Duration, Instant};

use support::kit::Kit;
use support::tmux::Tmux;

/// The window each rate is measured over: several of the collector's 2 s cycles, so one
/// cycle more or less at the edges is a small share of the count.
const WINDOW: Duration = Duration::from_secs(16);

/// `http://127.0.0.1:PORT` from the Kubo repo's `api` file (`/ip4/127.0.0.1/tcp/PORT`).
fn kubo_url(kit: &Kit) -> String {
    let ma = support::wait_file(&kit.kubo_repo().join("api"));
    let parts: Vec<&str> = ma.split('/').collect();
    match parts.as_slice() {
        ["", "ip4", host, "tcp", port, ..] => format!("http://{host}:{port}"),
        _ => panic!("unexpected Kubo api address {ma:?}"),
    }
}

/// Kubo's count of RPC calls served so far.
fn kubo_rpc_calls(url: &str) -> u64 {
    let body = support::runtime()
        .block_on(async {
            reqwest::Client::new()
                .get(format!("{url}/debug/metrics/prometheus"))
                .timeout(Duration::from_secs(10))
                .send()
                .await?
                .text()
                .await
        })
        .expect("Kubo's Prometheus endpoint");
    body.lines()
        .find_map(|l| {
            l.strip_prefix("ipfs_http_request_duration_seconds_count{handler=\"api\"} ")
                .and_then(|n| n.trim().parse::<f64>().ok())
        })
        .map(|n| n as u64)
        .unwrap_or_else(|| panic!("no RPC call count in Kubo's metrics:\n{body}"))
}

/// Calls Kubo served during `WINDOW`.
fn calls_in_window(url: &str) -> u64 {
    let before = kubo_rpc_calls(url);
    std::thread::sleep(WINDOW);
    kubo_rpc_calls(url) - before
}

fn env(kit: &Kit) -> Vec<(String, String)> {
    vec![
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
    ]
}

/// A dashboard in a tmux server of its own, waited for until it says it is attached.
fn attached_dashboard(kit: &Kit, host: &str) -> Tmux {
    let t = Tmux::start(kit.root(), &env(kit));
    t.line(&format!("{}; echo EXIT=$?", env!("CARGO_BIN_EXE_ipfs-kit")));
    // Generous: five dashboards start at once on a loaded 2-core machine.
    t.wait_for("attached in the header", Duration::from_secs(120), |s| {
        s.contains("attached") && s.contains(host) && s.contains("Kubo ✔ ok")
    });
    t
}

/// The lines that carry figures: the header (attached label) and the Kubo and Cluster ones.
fn figures(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.contains("attached") || l.contains("Kubo ") || l.contains("Cluster "))
        .map(|l| l.trim_end().to_string())
        .collect()
}

#[test]
fn attached_dashboards_add_no_kubo_calls_and_show_the_same_figures() {
    let kit = Kit::new();
    kit.config(support::NO_HOST_DISK_ALERT);
    let _sup = kit.supervise(&["--init", "--leave-running"], "sup.log", &[]);
    kit.wait_supervised("sup.log");
    let url = support::wait_file(&kit.state().join("api"));
    let host = url.trim_start_matches("http://").to_string();
    let kubo = kubo_url(&kit);

    let first = attached_dashboard(&kit, &host);
    // Settle: the dashboard's start-up (config, discovery) is over before counting.
    std::thread::sleep(Duration::from_secs(4));
    let one = calls_in_window(&kubo);

    let mut more: Vec<Tmux> = Vec::new();
    for _ in 0..4 {
        more.push(attached_dashboard(&kit, &host));
    }
    std::thread::sleep(Duration::from_secs(4));
    let five = calls_in_window(&kubo);
    ipfs_kit::say!("Kubo RPC calls per {WINDOW:?}: 1 client {one}, 5 clients {five}");

    // The daemon's collector alone polls. Were each extra dashboard polling Kubo even one
    // call per 2 s cycle, 4 of them would add 4 * 16 / 2 = 32 calls; the tolerance (a quarter
    // of the baseline, at least 6) covers one collector cycle more or less in the window and
    // its slower-cadence reads, and stays below that.
    assert!(one > 0, "the daemon's collector polls Kubo");
    let tolerance = (one / 4).max(6);
    assert!(
        five.abs_diff(one) <= tolerance,
        "Kubo calls per {WINDOW:?}: {one} with 1 client, {five} with 5 (tolerance {tolerance})"
    );
    assert!(tolerance < 32, "the tolerance would hide polling clients");

    // Two dashboards show the same figures (the same snapshot); they may redraw a moment
    // apart, so a few tries.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (a, b) = (
            figures(&first.capture(false)),
            figures(&more[3].capture(false)),
        );
        if a == b && a.iter().any(|l| l.contains("attached")) && a.len() >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the dashboards differ:\n{}\n----\n{}",
            a.join("\n"),
            b.join("\n")
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    for t in std::iter::once(&first).chain(more.iter()) {
        t.keys(&["q"]);
    }
}
