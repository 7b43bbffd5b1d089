//! `supervise` with the real Kubo and Cluster: Kubo comes back before the Cluster that
//! depends on it, and SIGTERM is obeyed at once even while a start waits for readiness.

// Diagnostics for whoever reads the test log, not the binary's output.
#![allow(clippy::disallowed_macros)]

mod support;

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use support::daemons_under;
use support::kit::{Kit, kill9, ready};

const SLOW: Duration = Duration::from_secs(120);

fn pid(st: &serde_json::Value, name: &str) -> u64 {
    Kit::daemon(st, name)["pid"]
        .as_u64()
        .unwrap_or_else(|| panic!("no {name} pid in {st:#}"))
}

#[test]
fn after_kill_9_of_cluster_then_kubo_kubo_is_restarted_before_cluster() {
    let kit = Kit::new();
    // The Cluster's retry comes due first: it must still wait for its Kubo.
    kit.config("[supervisor]\nrestart_backoff = \"3s\"\nready_timeout = \"40s\"\n");
    let mut sup = kit.supervise(&["--init"], "supervise.log", &[]);
    let st = kit.wait_supervised("supervise.log");
    kill9(pid(&st, "cluster"));
    let backing_off = |st: &serde_json::Value| Kit::daemon(st, "cluster")["state"] == "backing-off";
    let deadline = Instant::now() + Duration::from_secs(20);
    while !backing_off(&kit.status()) {
        assert!(
            Instant::now() < deadline,
            "supervise {:?}:\n{}",
            sup.0.try_wait(),
            kit.log("supervise.log")
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));
    kill9(pid(&st, "kubo"));
    let st = kit.wait_status("both back", SLOW, |st| {
        ["kubo", "cluster"]
            .iter()
            .all(|n| ready(st, n) && Kit::daemon(st, n)["restarts"] == 1)
    });
    let log = kit.log("supervise.log");
    let at = |s: &str| {
        log.find(s)
            .unwrap_or_else(|| panic!("{s:?} not in:\n{log}"))
    };
    assert!(at("kubo restart") < at("cluster restart"), "{log}");
    assert!(!log.contains("restart-failed"), "{log}");
    assert!(ready(&st, "cluster"));

    sup.signal(Signal::SIGTERM);
    let (code, _) = sup.wait_exit(Duration::from_secs(40));
    assert_eq!(code.code(), Some(0));
    let log = kit.log("supervise.log");
    let at = |s: &str| {
        log.rfind(s)
            .unwrap_or_else(|| panic!("{s:?} not in:\n{log}"))
    };
    assert!(at("cluster stop") < at("kubo stop"), "{log}");
    assert!(daemons_under(kit.root()).is_empty());
}

/// Processes whose command line is exactly `args`.
fn processes(args: &[&str]) -> Vec<u32> {
    let want = args.join("\0") + "\0";
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                .filter(|p| {
                    std::fs::read(format!("/proc/{p}/cmdline")).ok()
                        == Some(want.clone().into_bytes())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn sigterm_during_a_readiness_wait_is_obeyed_at_once() {
    let kit = Kit::new();
    // A third daemon that never becomes ready: the start waits up to ready_timeout for it.
    kit.config(
        "[supervisor]\nready_timeout = \"80s\"\n\n[[supervisor.extra]]\nname = \"never-ready\"\n\
         command = [\"sleep\", \"86398\"]\nready_log = \"this line is never written\"\n",
    );
    let mut sup = kit.supervise(&["--init"], "supervise.log", &[]);
    let extra_log = kit.state().join("logs/never-ready.log");
    let deadline = Instant::now() + SLOW;
    while !extra_log.exists() {
        assert!(
            Instant::now() < deadline,
            "supervise {:?}:\n{}",
            sup.0.try_wait(),
            kit.log("supervise.log")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(daemons_under(kit.root()).len(), 2, "kubo and cluster run");
    assert_eq!(processes(&["sleep", "86398"]).len(), 1);

    sup.signal(Signal::SIGTERM);
    let (code, took) = sup.wait_exit(Duration::from_secs(90));
    let log = kit.log("supervise.log");
    eprintln!("supervise exited {code} {took:?} after SIGTERM during a readiness wait");
    assert!(took < Duration::from_secs(15), "took {took:?}:\n{log}");
    assert_eq!(code.code(), Some(0), "{log}");
    assert!(daemons_under(kit.root()).is_empty(), "{log}");
    assert!(processes(&["sleep", "86398"]).is_empty(), "{log}");
}
