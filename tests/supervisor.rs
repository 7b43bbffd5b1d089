//! `ipfs-kit daemon …` and `ipfs-kit supervise` with the real Kubo and Cluster: start from
//! nothing, status, stop without leftovers, crash restarts with backoff and a budget, port
//! conflicts, adoption, corrupt configs.

// Diagnostics for whoever reads the test log, not the binary's output.
#![allow(clippy::disallowed_macros)]

mod support;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use support::kit::{Kit, kill9, ready, stderr};
use support::{daemons_under, tools};

#[test]
fn start_from_nothing_status_stop_and_restart_keeps_pins() {
    let kit = Kit::new();
    let out = kit.run(&["daemon", "start", "all", "--init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let st = kit.status();
    assert!(ready(&st, "kubo") && ready(&st, "cluster"), "{st:#}");
    assert!(Kit::daemon(&st, "kubo")["pid"].as_u64().is_some());
    assert_eq!(daemons_under(kit.root()).len(), 2);

    let cid = kit
        .ipfs(&["add", "-Q", "--pin=true", "/etc/hostname"])
        .trim()
        .to_string();

    let out = kit.run(&["daemon", "stop", "all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        daemons_under(kit.root()).is_empty(),
        "processes left: {:?}",
        daemons_under(kit.root())
    );
    let st = kit.status();
    assert_eq!(Kit::daemon(&st, "kubo")["state"], "stopped");

    let out = kit.run(&["daemon", "start"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        kit.ipfs(&["pin", "ls", "--type=recursive", "-q"])
            .contains(&cid),
        "the pin survived the restart"
    );
}

#[test]
fn supervise_restarts_a_killed_kubo_then_gives_up_stops_the_rest_and_exits_2() {
    let kit = Kit::new();
    kit.config("[supervisor]\nrestart_backoff = \"500ms\"\nrestart_budget = 2\n");
    let mut sup = kit.supervise(&["--init"], "supervise.log", &[]);

    let st = kit.wait_supervised("supervise.log");
    let first_pid = Kit::daemon(&st, "kubo")["pid"].as_u64().expect("pid");

    for round in 1..=2u64 {
        let pid = Kit::daemon(&kit.status(), "kubo")["pid"]
            .as_u64()
            .expect("pid");
        let killed = Instant::now();
        kill9(pid);
        let st = kit.wait_status("kubo back", Duration::from_secs(60), |st| {
            let k = Kit::daemon(st, "kubo");
            k["state"] == "ready" && k["restarts"].as_u64() == Some(round)
        });
        let k = Kit::daemon(&st, "kubo");
        assert_ne!(k["pid"].as_u64(), Some(pid), "a new process");
        assert_eq!(k["last_exit"], "killed by SIGKILL");
        eprintln!(
            "round {round}: kubo ready again {:?} after kill -9",
            killed.elapsed()
        );
        // Cluster (never restarted) finds its Kubo again.
        kit.wait_status("cluster reconnects", Duration::from_secs(30), |st| {
            ready(st, "cluster")
        });
    }
    assert_ne!(first_pid, 0);

    // Past the budget: `supervise` stops the rest and exits 2, so that the service
    // manager's Restart= takes over (a supervisor that stayed up would look healthy).
    let pid = Kit::daemon(&kit.status(), "kubo")["pid"]
        .as_u64()
        .expect("pid");
    kill9(pid);
    let (code, took) = sup.wait_exit(Duration::from_secs(60));
    let log = kit.log("supervise.log");
    assert_eq!(code.code(), Some(2), "{log}");
    eprintln!("supervise exited {code} {took:?} after the last kill -9");
    assert!(
        daemons_under(kit.root()).is_empty(),
        "left: {:?}",
        daemons_under(kit.root())
    );
    assert!(log.contains("kubo crash"), "{log}");
    assert!(log.contains("kubo restart"), "{log}");
    assert!(log.contains("kubo give-up"), "{log}");
    assert!(log.contains("restart budget spent"), "{log}");
    assert!(log.contains("cluster stop"), "{log}");
    assert!(
        log.contains("kubo spent the restart budget; exiting 2"),
        "{log}"
    );

    // The operation history (read by another process) has the crashes and restarts.
    let out = kit.run(&["history", "--json", "--limit", "200"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let entries: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("history line is JSON"))
        .collect();
    let count = |action: &str| {
        entries
            .iter()
            .filter(|e| e["action"] == action && e["resource"] == "kubo")
            .count()
    };
    assert_eq!(count("daemon.crash"), 3, "{entries:#?}");
    assert_eq!(count("daemon.restart"), 2);
    assert_eq!(count("daemon.give-up"), 1);
    for e in &entries {
        for field in [
            "event_type",
            "action",
            "timestamp",
            "user_id",
            "resource",
            "status",
            "operation_id",
            "session_id",
            "details",
        ] {
            assert!(!e[field].is_null(), "{field} missing in {e}");
        }
    }
    let out = kit.run(&["history", "--status", "failed", "--since", "1h"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("daemon.crash") && !text.contains("daemon.start "),
        "{text}"
    );
    assert_eq!(count("daemon.stop"), 0, "kubo was gone, not stopped");
}

#[test]
fn a_foreign_listener_on_our_port_is_named_and_left_alone() {
    let kit = Kit::new();
    let out = kit.run(&["daemon", "start", "kubo", "--init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let st = kit.status();
    let api_port = Kit::daemon(&st, "kubo")["ports"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "api"))
        .and_then(|p| p["port"].as_u64())
        .expect("api port") as u16;
    assert_eq!(kit.run(&["daemon", "stop", "kubo"]).status.code(), Some(0));

    let squatter = TcpListener::bind(("127.0.0.1", api_port)).expect("bind the API port");
    let out = kit.run(&["daemon", "start", "kubo"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "port {api_port} (api) is already in use by pid {}",
            std::process::id()
        )),
        "{err}"
    );
    assert!(squatter.local_addr().is_ok(), "our listener is untouched");
    assert!(daemons_under(kit.root()).is_empty());

    kit.config("[supervisor]\non_port_conflict = \"next-free\"\n");
    let out = kit.run(&["daemon", "start", "kubo"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("port-moved"), "{err}");
    let st = kit.status();
    let api = Kit::daemon(&st, "kubo")["api"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        !api.ends_with(&format!(":{api_port}")),
        "moved off {api_port}: {api}"
    );
    drop(squatter);
}

#[test]
fn a_kubo_started_by_hand_is_adopted_not_started_twice() {
    let kit = Kit::new();
    assert_eq!(
        kit.run(&["daemon", "start", "kubo", "--init"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(kit.run(&["daemon", "stop", "kubo"]).status.code(), Some(0));

    let mut by_hand = Command::new(tools().ipfs)
        .env("IPFS_PATH", kit.kubo_repo())
        .env("IPFS_TELEMETRY", "off")
        .arg("daemon")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .expect("ipfs daemon");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !kit.kubo_repo().join("api").exists() || kit.run(&["--once", "--json"]).stdout.is_empty()
    {
        assert!(Instant::now() < deadline, "hand-started kubo not ready");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));

    let out = kit.run(&["daemon", "start", "kubo"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("kubo adopt"), "{err}");
    assert!(!err.contains("lock"), "{err}");
    assert_eq!(
        daemons_under(kit.root()),
        vec![by_hand.id()],
        "no second process"
    );
    let st = kit.status();
    assert_eq!(
        Kit::daemon(&st, "kubo")["pid"].as_u64(),
        Some(u64::from(by_hand.id()))
    );

    let out = kit.run(&["daemon", "stop", "kubo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let deadline = Instant::now() + Duration::from_secs(20);
    while by_hand.try_wait().ok().flatten().is_none() {
        assert!(Instant::now() < deadline, "adopted kubo not stopped");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn corrupt_configs_are_named_and_left_as_they_were() {
    let kit = Kit::new();
    assert_eq!(
        kit.run(&["daemon", "start", "all", "--init"]).status.code(),
        Some(0)
    );
    assert_eq!(kit.run(&["daemon", "stop", "all"]).status.code(), Some(0));

    let service = kit.state().join("node/cluster/service.json");
    let broken = "{ \"cluster\": { \"peername\": \"x\", }\n";
    std::fs::write(&service, broken).expect("write");
    let out = kit.run(&["daemon", "start", "cluster"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&service.display().to_string()) && err.contains("not valid JSON"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&service).expect("read"), broken);

    let config = kit.kubo_repo().join("config");
    std::fs::write(&config, "{ not json").expect("write");
    let out = kit.run(&["daemon", "start", "kubo"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&config.display().to_string()), "{err}");
    assert_eq!(
        std::fs::read_to_string(&config).expect("read"),
        "{ not json"
    );
    assert!(daemons_under(kit.root()).is_empty());
}

/// What an init cut off by a full disk left behind (issue 11): a 0-byte config. It is named
/// with the way out and left in place; following that way out works.
#[test]
fn an_empty_config_from_an_interrupted_init_is_named_with_the_way_out() {
    let kit = Kit::new();
    let repo = kit.kubo_repo();
    std::fs::create_dir_all(&repo).expect("mkdir");
    std::fs::write(repo.join("config"), "").expect("write");
    let out = kit.run(&["daemon", "start", "all", "--init"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let r = repo.display();
    assert!(
        err.contains(&format!(
            "{r} looks like an interrupted init (config is empty): move it away (mv {r} {r}.broken) and run `ipfs-kit daemon start kubo --init` again"
        )),
        "{err}"
    );
    assert!(!err.contains("not valid JSON"), "{err}");
    assert_eq!(
        std::fs::metadata(repo.join("config")).expect("kept").len(),
        0
    );
    assert!(daemons_under(kit.root()).is_empty());

    std::fs::rename(&repo, format!("{r}.broken")).expect("mv");
    let out = kit.run(&["daemon", "start", "all", "--init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ready(&kit.status(), "kubo"));
}

/// A tools dir whose `program` runs the real one, except that `init` fails after the real
/// init has written its files (as a full disk or a kill part-way would): the failure is
/// injected through the tool path, the daemons themselves are real.
fn tools_failing_init(kit: &Kit, program: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let t = tools();
    let dir = kit.root().join(format!("tools-{program}"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, real) in [
        ("ipfs", &t.ipfs),
        ("ipfs-cluster-service", &t.cluster_service),
        ("ipfs-cluster-ctl", &t.cluster_ctl),
    ] {
        let path = dir.join(name);
        if name != program {
            std::os::unix::fs::symlink(real, &path).expect("symlink");
            continue;
        }
        let repo_var = if name == "ipfs" {
            "IPFS_PATH"
        } else {
            "IPFS_CLUSTER_PATH"
        };
        let config = if name == "ipfs" {
            "config"
        } else {
            "service.json"
        };
        let script = format!(
            "#!/bin/sh\nif [ \"$1\" = init ]; then\n  \"{real}\" \"$@\" >/dev/null 2>&1\n  : > \"${repo_var}/{config}\"\n  echo 'Error: write {config}: no space left on device' >&2\n  exit 1\nfi\nexec \"{real}\" \"$@\"\n",
            real = real.display()
        );
        std::fs::write(&path, script).expect("write script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    dir
}

/// The names under the embedded node's root, sorted.
fn node_entries(kit: &Kit) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(kit.state().join("node"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_failed_init_leaves_no_partial_repo() {
    let kit = Kit::new();
    let out = kit
        .cmd()
        .env("IPFS_KIT_TOOLS_BIN", tools_failing_init(&kit, "ipfs"))
        .args(["daemon", "start", "all", "--init"])
        .output()
        .expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no space left on device"), "{err}");
    assert_eq!(node_entries(&kit), Vec::<String>::new(), "{err}");

    // Kubo's init succeeds, Cluster's fails: the Kubo repo is whole, no Cluster dir is left.
    let out = kit
        .cmd()
        .env(
            "IPFS_KIT_TOOLS_BIN",
            tools_failing_init(&kit, "ipfs-cluster-service"),
        )
        .args(["daemon", "start", "all", "--init"])
        .output()
        .expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no space left on device"), "{err}");
    assert_eq!(node_entries(&kit), vec!["kubo".to_string()], "{err}");
    assert_eq!(kit.run(&["daemon", "stop", "all"]).status.code(), Some(0));

    // The next start with working tools simply inits what is missing.
    let out = kit.run(&["daemon", "start", "all", "--init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let st = kit.status();
    assert!(ready(&st, "kubo") && ready(&st, "cluster"), "{st:#}");
}
