//! A real Prometheus (Debian package `prometheus`) scrapes `ipfs-kit supervise`'s `/metrics`
//! every second for 30 s with the API token (`authorization: credentials_file`); its query
//! API then returns the series with the values Kubo and Cluster themselves report.

// Test progress and figures on stderr.
#![allow(clippy::disallowed_macros)]

#[path = "support/prometheus.rs"]
mod prometheus;

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::kit::Kit;
use support::{Harness, NO_HOST_DISK_ALERT};

/// The Prometheus child, killed on drop.
struct Prom(Child);

impl Drop for Prom {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn lines(s: &str) -> f64 {
    s.lines().filter(|l| !l.trim().is_empty()).count() as f64
}

#[test]
fn prometheus_scrapes_metrics_for_30s_and_queries_the_right_values() {
    let kit = Kit::new();
    kit.config(&format!(
        "[host]\ninterval = \"1s\"\n\n{NO_HOST_DISK_ALERT}"
    ));
    let _sup = kit.supervise(&["--init"], "supervise.log", &[]);
    kit.wait_supervised("supervise.log");
    let deadline = Instant::now() + Duration::from_secs(60);
    let url = loop {
        if let Ok(t) = std::fs::read_to_string(kit.state().join("api")) {
            break t.trim().to_string();
        }
        assert!(Instant::now() < deadline, "{}", kit.log("supervise.log"));
        std::thread::sleep(Duration::from_millis(200));
    };
    let token_file = kit.state().join("api.token");
    let token = std::fs::read_to_string(&token_file)
        .expect("api.token")
        .trim()
        .to_string();

    // A peer for the supervised Kubo, and pins in Kubo and Cluster.
    let other = Harness::kubo();
    let addr = other
        .ipfs(&["id", "-f", "<addrs>"])
        .lines()
        .find(|a| a.starts_with("/ip4/127.0.0.1/tcp/"))
        .expect("loopback address")
        .to_string();
    let id = other.ipfs(&["id", "-f", "<id>"]).trim().to_string();
    kit.ipfs(&["swarm", "connect", &format!("{addr}/p2p/{id}")]);
    let f = kit.root().join("f.txt");
    std::fs::write(&f, "scraped by prometheus\n").expect("write");
    let cid = kit.ipfs(&["add", "-Q", f.to_str().expect("utf8")]);
    let cluster_api = Kit::daemon(&kit.status(), "cluster")["api"]
        .as_str()
        .expect("cluster api")
        .to_string();
    let ctl = |args: &[&str]| {
        let out = Command::new(support::tools().cluster_ctl)
            .arg("--host")
            .arg(ipfs_kit::config::to_multiaddr(
                &cluster_api.parse().expect("endpoint"),
            ))
            .args(args)
            .output()
            .expect("ipfs-cluster-ctl");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ctl(&["pin", "add", "--wait", cid.trim()]);

    let rt = support::runtime();
    let http = reqwest::Client::new();
    let get = |u: String, bearer: bool| {
        rt.block_on(async {
            let mut rq = http.get(u).timeout(Duration::from_secs(20));
            if bearer {
                rq = rq.bearer_auth(&token);
            }
            let r = rq.send().await.expect("request");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        })
    };
    let kubo_pins = lines(&kit.ipfs(&["pin", "ls", "--type=recursive", "-q"]));
    // The collector caches the pin count for 10 s: wait until /metrics has caught up.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (s, text) = get(format!("{url}/metrics"), true);
        assert_eq!(s, 200, "{text}");
        let m = prometheus::samples(&text);
        if m.get("ipfskit_kubo_pins") == Some(&kubo_pins)
            && m.get("ipfskit_cluster_pins") == Some(&1.0)
            && m.get("ipfskit_kubo_peers").is_some_and(|p| *p >= 1.0)
        {
            prometheus::check_metrics(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "metrics never caught up:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let target = url.trim_start_matches("http://");
    let conf = dir.path().join("prometheus.yml");
    std::fs::write(
        &conf,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
             scrape_configs:\n  - job_name: ipfs-kit\n    metrics_path: /metrics\n\
             \x20   authorization:\n      credentials_file: {}\n\
             \x20   static_configs:\n      - targets: ['{target}']\n",
            token_file.display()
        ),
    )
    .expect("write prometheus.yml");
    let port = free_port();
    let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log");
    let _prom = Prom(
        Command::new(prometheus::tool("prometheus"))
            .arg(format!("--config.file={}", conf.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("tsdb").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start prometheus"),
    );
    let prom = format!("http://127.0.0.1:{port}");
    let query = |q: &str| -> Vec<Value> {
        let (s, body) = get(
            format!(
                "{prom}/api/v1/query?query={}",
                q.replace('+', "%2B")
                    .replace(' ', "%20")
                    .replace('{', "%7B")
                    .replace('}', "%7D")
                    .replace('"', "%22")
                    .replace('[', "%5B")
                    .replace(']', "%5D")
                    .replace('=', "%3D")
            ),
            false,
        );
        assert_eq!(s, 200, "{q}: {body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        v["data"]["result"].as_array().cloned().unwrap_or_default()
    };
    let value = |q: &str| -> f64 {
        let r = query(q);
        assert_eq!(r.len(), 1, "{q}: {r:?}");
        r[0]["value"][1]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{q}: {r:?}"))
    };
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(32));
    let plog = std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default();
    assert!(
        query("up{job=\"ipfs-kit\"}").len() == 1,
        "no target up:\n{plog}"
    );
    assert_eq!(value("up{job=\"ipfs-kit\"}"), 1.0, "{plog}");
    // Scraped every second for 30 s: at least 20 samples in the last 30 s (a loaded machine
    // delays some).
    let scrapes = value("count_over_time(ipfskit_kubo_peers[30s])");
    eprintln!("scrapes in 30 s: {scrapes} ({:?})", started.elapsed());
    assert!(scrapes >= 20.0, "{scrapes}");

    let peers = value("ipfskit_kubo_peers");
    let pins = value("ipfskit_kubo_pins");
    let cpins = value("ipfskit_cluster_pins");
    let cpeers = value("ipfskit_cluster_peers");
    let kubo_peers = lines(&kit.ipfs(&["swarm", "peers"]));
    let cluster_pins = lines(&ctl(&["pin", "ls"]));
    eprintln!(
        "prometheus: kubo_peers={peers} kubo_pins={pins} cluster_pins={cpins} cluster_peers={cpeers}; \
         kubo says peers={kubo_peers} pins={kubo_pins}; cluster says pins={cluster_pins}"
    );
    assert_eq!(peers, kubo_peers);
    assert_eq!(pins, kubo_pins);
    assert_eq!(cpins, cluster_pins);
    assert_eq!(cpeers, 1.0);
    assert_eq!(value("ipfskit_source_up{source=\"kubo\"}"), 1.0);
    assert_eq!(
        value("ipfskit_daemon_state{daemon=\"kubo\",state=\"ready\"}"),
        1.0
    );
    // The collector's own calls, as a histogram Prometheus can take quantiles of.
    let p99 = value(
        "histogram_quantile(0.99, sum by (le) (rate(ipfskit_rpc_duration_seconds_bucket{op=\"kubo.id\"}[20s])))",
    );
    eprintln!("kubo.id p99 over 20 s: {p99} s");
    assert!(p99 > 0.0 && p99 < 30.0, "{p99}");
}
