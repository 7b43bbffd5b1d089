//! One supervisor per state dir, with the real Kubo and Cluster: a second `supervise` is
//! refused with the first one's pid and stops nothing, `daemon start|stop|restart` defer to
//! the supervisor (refused, naming it, when its API will not let them in), a kill -9 of the supervisor frees the state dir for the next one (which
//! adopts the daemons), and a dashboard beside `supervise` attaches to its API without supervising.

// Diagnostics for whoever reads the test log, not the binary's output.
#![allow(clippy::disallowed_macros)]

mod support;

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use support::daemons_under;
use support::kit::{Kit, kill9, ready, stderr};
use support::tmux::{PROMPT, Tmux};

const SLOW: Duration = Duration::from_secs(120);

fn pid(st: &serde_json::Value, name: &str) -> u64 {
    Kit::daemon(st, name)["pid"]
        .as_u64()
        .unwrap_or_else(|| panic!("no {name} pid in {st:#}"))
}

/// Polls `<root>/<log>` until it holds every one of `needles`.
fn wait_log(kit: &Kit, log: &str, needles: &[&str]) -> String {
    let deadline = Instant::now() + SLOW;
    loop {
        let text = kit.log(log);
        if needles.iter().all(|n| text.contains(n)) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{needles:?} not in {log}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_second_supervise_is_refused_with_the_first_pid_and_stops_nothing() {
    let kit = Kit::new();
    let mut first = kit.supervise(&["--init"], "first.log", &[]);
    let st = kit.wait_supervised("first.log");
    let (kubo, cluster) = (pid(&st, "kubo"), pid(&st, "cluster"));
    let holder = format!("supervised by pid {} (`ipfs-kit supervise`)", first.pid());

    let (code, took) = kit
        .supervise(&[], "refused.log", &[])
        .wait_exit(Duration::from_secs(10));
    let err = kit.log("refused.log");
    assert_eq!(code.code(), Some(75), "{err}");
    assert!(err.contains(&holder), "{err}");
    assert!(err.contains("supervisor.lock"), "{err}");
    assert!(
        took < Duration::from_secs(5),
        "refused at once, not after {took:?}"
    );

    // SIGTERM to a second one, whenever it lands, stops none of the first one's daemons.
    let mut second = kit.supervise(&[], "second.log", &[]);
    std::thread::sleep(Duration::from_millis(200));
    second.signal(Signal::SIGTERM);
    second.wait_exit(Duration::from_secs(20));

    // One-shot commands defer to the supervisor that owns the daemons: they ask it through
    // its API (tests/api_cli_attach.rs); one it will not let in (a wrong token) refuses
    // them as before, naming it, and they touch nothing.
    for args in [
        &["daemon", "stop", "all"][..],
        &["daemon", "restart", "kubo"],
        &["daemon", "start", "cluster"],
    ] {
        let out = kit
            .cmd()
            .env("IPFS_KIT_TOKEN", "wrong-token-wrong-token")
            .args(args)
            .output()
            .expect("run ipfs-kit");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(75), "{args:?}: {err}");
        assert!(err.contains(&holder), "{args:?}: {err}");
        assert!(
            err.contains("the daemon at http://127.0.0.1:"),
            "{args:?}: {err}"
        );
    }
    // Without a terminal, `ipfs-kit` looks at the supervised node and starts nothing.
    let out = kit.run(&[]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("kubo") && l.contains(" ok ")),
        "{summary}{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("start"), "{}", stderr(&out));

    std::thread::sleep(Duration::from_secs(1));
    let st = kit.status();
    assert!(ready(&st, "kubo") && ready(&st, "cluster"), "{st:#}");
    assert_eq!((pid(&st, "kubo"), pid(&st, "cluster")), (kubo, cluster));
    assert_eq!(Kit::daemon(&st, "kubo")["restarts"], 0, "{st:#}");
    assert!(
        first.0.try_wait().ok().flatten().is_none(),
        "first still runs"
    );

    // kill -9 of the supervisor: the kernel drops its lock; its daemons live on and the next
    // supervisor adopts them instead of starting a second pair.
    kill9(u64::from(first.pid()));
    first.wait_exit(Duration::from_secs(10));
    let mut third = kit.supervise(&[], "third.log", &[]);
    wait_log(&kit, "third.log", &["kubo adopt", "cluster adopt"]);
    let st = kit.status();
    assert_eq!((pid(&st, "kubo"), pid(&st, "cluster")), (kubo, cluster));

    // Its SIGTERM stops what it owns, Cluster before Kubo.
    third.signal(Signal::SIGTERM);
    let (code, took) = third.wait_exit(Duration::from_secs(40));
    assert_eq!(code.code(), Some(0));
    eprintln!("supervise stopped both in {took:?}");
    let log = kit.log("third.log");
    let at = |s: &str| {
        log.find(s)
            .unwrap_or_else(|| panic!("{s:?} not in:\n{log}"))
    };
    assert!(at("cluster stop") < at("kubo stop"), "{log}");
    assert!(daemons_under(kit.root()).is_empty(), "{log}");
}

#[test]
fn a_dashboard_beside_supervise_attaches_to_it_and_stops_nothing() {
    let kit = Kit::new();
    let _sup = kit.supervise(&["--init"], "supervise.log", &[]);
    let st = kit.wait_status("both ready", SLOW, |st| {
        ready(st, "kubo") && ready(st, "cluster")
    });
    // `daemon status` sees them ready a moment before the supervisor has published them.
    let deadline = Instant::now() + SLOW;
    while ipfs_kit::supervisor::read_state(&kit.state()).is_none() {
        assert!(
            Instant::now() < deadline,
            "supervise never published its state"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (kubo, cluster) = (pid(&st, "kubo"), pid(&st, "cluster"));

    let root = kit.root();
    let p = |s: &str| root.join(s).display().to_string();
    std::fs::create_dir_all(root.join("no-ipfs")).expect("mkdir");
    let bin_dir = support::tools()
        .ipfs
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let env: Vec<(String, String)> = vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), p("home")),
        ("XDG_CONFIG_HOME".into(), p("config")),
        ("XDG_STATE_HOME".into(), p("state")),
        // Another repo than the supervisor's (which runs without IPFS_PATH): the dashboard
        // must show what the supervisor runs, not this empty one.
        ("IPFS_PATH".into(), p("no-ipfs")),
        ("IPFS_KIT_TOOLS_BIN".into(), bin_dir),
    ];
    let t = Tmux::start(root, &env);
    // --stop-on-exit: even asked to, a dashboard that supervises nothing stops nothing.
    t.line(&format!(
        "{} --stop-on-exit 2>{}; echo EXIT=$?",
        env!("CARGO_BIN_EXE_ipfs-kit"),
        p("dashboard.err")
    ));
    t.wait_for("the supervised node", SLOW, |s| {
        s.contains("Kubo ✔ ok") && s.contains("Cluster ✔ ok")
    });
    // `supervise` serves its API: the dashboard attaches (polls nothing itself) and shows
    // the supervisor's daemons; its keys would act through that API.
    t.keys(&["6"]);
    let s = t.wait_for("attached, with the supervisor's rows", SLOW, |s| {
        s.contains("attached http://127.0.0.1:")
            && s.contains(&kubo.to_string())
            && s.contains(&cluster.to_string())
    });
    assert!(!s.contains("Daemons cannot be run from here"), "{s}");
    t.keys(&["q"]);
    let s = t.wait_for("the exit", Duration::from_secs(30), |s| {
        s.contains("EXIT=") && s.trim_end().ends_with(PROMPT)
    });
    assert!(s.contains("EXIT=0"), "{s}");
    let err = std::fs::read_to_string(root.join("dashboard.err")).unwrap_or_default();
    assert!(!err.contains("stopped"), "{err}");
    let st = kit.status();
    assert!(ready(&st, "kubo") && ready(&st, "cluster"), "{st:#}");
    assert_eq!((pid(&st, "kubo"), pid(&st, "cluster")), (kubo, cluster));
}

/// A dashboard opened while the holder is still starting the node (nothing published, no
/// `api` file yet) watches the addresses the repos are configured to serve.
#[test]
fn the_apis_of_a_node_still_starting_come_from_its_repos_config() {
    use ipfs_kit::supervisor::cluster::ClusterDir;
    use ipfs_kit::supervisor::kubo::KuboRepo;
    use ipfs_kit::supervisor::watch::configured_apis;
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let tools = support::tools();
    let repo = KuboRepo::new(&tools.ipfs, &state.join("node/kubo"));
    repo.init(&["test"]).expect("ipfs init");
    repo.set_config_json("Addresses.API", "\"/ip4/127.0.0.1/tcp/45123\"")
        .expect("ipfs config");
    let cluster = ClusterDir::new(&tools.cluster_service, &state.join("node/cluster"));
    cluster.init().expect("cluster init");
    cluster
        .configure_loopback("/ip4/127.0.0.1/tcp/45123")
        .expect("cluster config");
    let env = support::TestEnv(vec![
        ("HOME", dir.path().join("home").display().to_string()),
        ("IPFS_KIT_STATE_DIR", state.display().to_string()),
    ]);
    let cfg = ipfs_kit::config::load(&Default::default(), &env).expect("config");
    let (kubo, rest) = configured_apis(&cfg).expect("both repos are configured");
    assert_eq!(kubo.to_string(), "http://127.0.0.1:45123");
    assert_eq!(
        rest.map(|r| r.to_string()),
        Some(cluster.rest_api().expect("rest api").to_string())
    );
}
