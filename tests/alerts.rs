//! Alert rules against the real daemons: repo use against a small StorageMax goes warning then
//! critical, a stopped Kubo raises the source-down alert, and a pin that cannot be fetched is
//! counted as queued/pinning and alerted on.

mod support;

use std::time::{Duration, Instant};

use support::{Harness, NO_HOST_DISK_ALERT, run_json};

fn alert<'a>(j: &'a serde_json::Value, rule: &str) -> Option<&'a serde_json::Value> {
    j["alerts"].as_array()?.iter().find(|a| a["rule"] == rule)
}

fn repo_percent(h: &Harness) -> f64 {
    let out = h.ipfs(&["repo", "stat", "--size-only"]);
    let field = |name: &str| -> f64 {
        out.lines()
            .find_map(|l| {
                l.strip_prefix(name)
                    .map(|v| v.trim().parse::<f64>().expect("number"))
            })
            .unwrap_or_else(|| panic!("{name} in {out}"))
    };
    field("RepoSize:") * 100.0 / field("StorageMax:")
}

/// Adds small files until `ipfs repo stat` reports at least `target` percent of StorageMax.
fn fill_to(h: &Harness, target: f64, tag: &str) -> f64 {
    let mut i = 0;
    loop {
        let pct = repo_percent(h);
        if pct >= target {
            return pct;
        }
        let f = h.root().join(format!("fill-{tag}-{i}.bin"));
        let body: Vec<u8> = (0..4096u32)
            .map(|b| ((b * 31 + i * 7) % 251) as u8)
            .collect();
        std::fs::write(&f, body).expect("write");
        h.ipfs(&["add", "-Q", f.to_str().expect("path")]);
        i += 1;
        assert!(i < 500, "repo did not grow to {target}%: {pct}%");
    }
}

#[test]
fn repo_use_warns_then_goes_critical_and_a_stopped_kubo_alerts() {
    let mut h = Harness::kubo_with(|repo| {
        repo.set_config_json("Datastore.StorageMax", "\"200KB\"")
            .expect("StorageMax");
    });
    h.write_config(NO_HOST_DISK_ALERT);
    let pct = fill_to(&h, 80.0, "w");
    assert!(pct < 95.0, "overshot to {pct}%");
    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json"]);
    let (code, j, _) = run_json(cmd);
    let a = alert(&j, "kubo_repo_usage")
        .unwrap_or_else(|| panic!("no repo alert at {pct}%: {}", j["alerts"]));
    assert_eq!(a["severity"], "warning");
    assert_eq!(a["state"], "firing");
    assert_eq!(code, 1, "{}", j["health"]);
    assert_eq!(j["health"]["status"], "WARNING");

    fill_to(&h, 95.0, "c");
    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json"]);
    let (code, j, _) = run_json(cmd);
    let a = alert(&j, "kubo_repo_usage").expect("repo alert");
    assert_eq!(a["severity"], "critical");
    assert_eq!(code, 2);
    assert_eq!(j["health"]["status"], "CRITICAL");

    h.stop_kubo();
    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json"]);
    let (code, j, _) = run_json(cmd);
    let a = alert(&j, "source_kubo_down")
        .unwrap_or_else(|| panic!("no source-down alert: {}", j["alerts"]));
    assert_eq!(a["severity"], "critical");
    assert_eq!(code, 2);
}

#[test]
fn an_unfetchable_pin_is_counted_as_queued_and_alerted() {
    let h = Harness::full();
    h.write_config(&format!(
        "[cluster]\npin_status_every = \"1s\"\n\n[[alerts.rules]]\nname = \"pins_stuck\"\nmetric = \"cluster.pins.queued\"\nop = \">\"\nwarning = 0\nmessage = \"{{value}} pin(s) not yet pinned\"\n\n{NO_HOST_DISK_ALERT}"
    ));

    // Content no node has: its CID is computed, never stored.
    let f = h.root().join("nowhere.txt");
    std::fs::write(&f, format!("not stored anywhere {:?}", Instant::now())).expect("write");
    let cid = h
        .ipfs(&["add", "-Q", "--only-hash", f.to_str().expect("path")])
        .trim()
        .to_string();
    h.cluster_ctl(&["pin", "add", &cid]);

    let deadline = Instant::now() + Duration::from_secs(30);
    let (code, j) = loop {
        let mut cmd = h.ipfs_kit();
        cmd.args(["--once", "--json"]);
        let (code, j, _) = run_json(cmd);
        let st = &j["cluster"]["data"]["pin_status"];
        let waiting = ["pinning", "pin_queued", "queued"]
            .iter()
            .filter_map(|s| st[*s].as_u64())
            .sum::<u64>();
        if waiting >= 1 {
            break (code, j);
        }
        assert!(
            Instant::now() < deadline,
            "the pin never showed as queued/pinning: {st}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let a =
        alert(&j, "pins_stuck").unwrap_or_else(|| panic!("no pins_stuck alert: {}", j["alerts"]));
    assert_eq!(a["state"], "firing");
    assert!(
        a["message"]
            .as_str()
            .unwrap_or("")
            .contains("pin(s) not yet pinned"),
        "{a}"
    );
    assert_eq!(code, 1, "{}", j["health"]);
}
