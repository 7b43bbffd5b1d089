//! The dashboard's actions end to end, as an operator uses them, in tmux: the README's run
//! command (no arguments, nothing configured) starts the embedded Kubo + Cluster under the
//! supervisor; the Daemons tab shows them, a `kill -9` of Kubo is restarted and marked in its
//! log, Cluster is stopped and started from the keys, an alert is acknowledged, a CID is
//! pinned and unpinned, a wizard runs and the dashboard comes back, every action is in the
//! operation history; quitting leaves the daemons running, `--stop-on-exit` stops them.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::daemons_under;
use support::tmux::{PROMPT, Tmux, embedded_env};

const SLOW: Duration = Duration::from_secs(120);
const SOON: Duration = Duration::from_secs(30);

fn kit(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear();
    for (k, v) in embedded_env(root) {
        c.env(k, v);
    }
    c
}

/// The pid the supervisor reports for `name`.
fn pid_of(root: &Path, name: &str) -> Option<u32> {
    let state = ipfs_kit::supervisor::read_state(&root.join("state"))?;
    state.daemons.iter().find(|d| d.name == name)?.pid
}

/// The row of the daemons table for `name`: `┃✔ ready (adopted)   kubo   4242 ...`.
fn daemon_row<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    const STATES: [&str; 8] = [
        "stopped",
        "starting",
        "ready",
        "degraded",
        "stopping",
        "crashed",
        "backing-off",
        "failed",
    ];
    screen.lines().find(|l| {
        let cells: Vec<&str> = l
            .trim_start_matches(['┃', '│', '|', '#'])
            .split_whitespace()
            .collect();
        let name_at = if cells.get(2) == Some(&"(adopted)") {
            3
        } else {
            2
        };
        cells.get(1).is_some_and(|s| STATES.contains(s)) && cells.get(name_at) == Some(&name)
    })
}

fn row_has(screen: &str, name: &str, words: &[&str]) -> bool {
    daemon_row(screen, name).is_some_and(|r| words.iter().all(|w| r.contains(w)))
}

/// Presses `r` (which reloads the pin list) until `cond` holds.
fn refresh_until(t: &Tmux, what: &str, cond: impl Fn(&str) -> bool) {
    for _ in 0..60 {
        if cond(&t.capture(false)) {
            return;
        }
        t.keys(&["r"]);
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("{what}: not seen; screen:\n{}", t.capture(false));
}

/// Daemons the dashboard left running outlive it by design: a failing test must still end
/// them (the supervisor's stop, then SIGKILL for anything left).
struct Cleanup<'a>(&'a Path);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = kit(self.0).args(["daemon", "stop", "all"]).output();
        for pid in daemons_under(self.0) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

fn wait_exit(t: &Tmux) -> String {
    t.wait_for("the exit status and the prompt", SOON, |s| {
        let tail: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
        s.contains("EXIT=") && tail.last().is_some_and(|l| l.trim_end().ends_with(PROMPT))
    })
}

#[test]
fn dashboard_actions_on_the_embedded_node() {
    support::tools();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let _cleanup = Cleanup(root);
    let t = Tmux::start(root, &embedded_env(root));

    // The README's run command: no arguments, nothing configured.
    // stderr stays on the terminal: the wizard prompts there, and the exit note goes there.
    t.line(&format!("{bin}; echo EXIT=$?"));
    let up = |s: &str| s.contains("Kubo ✔ ok") && s.contains("Cluster ✔ ok");
    let deadline = std::time::Instant::now() + SLOW;
    while !up(&t.capture(false)) {
        if std::time::Instant::now() > deadline {
            // What the embedded start said is on the main screen once the dashboard quits.
            let dashboard = t.capture(false);
            t.keys(&["q"]);
            std::thread::sleep(Duration::from_secs(3));
            let log =
                std::fs::read_to_string(root.join("state/logs/ipfs-kit.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            panic!(
                "Kubo and Cluster not up after {SLOW:?}; dashboard:\n{dashboard}\nafter quit:\n{}\nipfs-kit.log (newest first):\n{}",
                t.capture(false),
                tail.join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    // Daemons tab: both supervised and ready; Kubo's log follows with a start marker.
    t.keys(&["6"]);
    // The log is read after the rows are drawn, so wait for both.
    t.wait_for("both daemons ready and Kubo's log", SOON, |s| {
        row_has(s, "kubo", &["ready", "0"])
            && row_has(s, "cluster", &["ready"])
            && s.contains("Log: kubo")
            && s.contains("following")
            && s.contains("--- ipfs-kit: kubo starting at")
    });

    // kill -9 Kubo: the supervisor restarts it, counts it, and the log shows a new marker.
    let pid = pid_of(root, "kubo").expect("kubo pid in supervisor.json");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill -9 kubo");
    let s = t.wait_for("kubo restarted", SLOW, |s| {
        row_has(s, "kubo", &["ready", "killed by SIGKILL"])
    });
    let row = daemon_row(&s, "kubo").unwrap_or_default();
    assert!(
        row.split_whitespace().any(|w| w == "1"),
        "restart counted: {row}"
    );
    assert_ne!(pid_of(root, "kubo"), Some(pid), "a new process");
    t.wait_for("the restart marker in the log", SOON, |s| {
        s.matches("--- ipfs-kit: kubo starting at").count() >= 1 && s.contains("Daemon is ready")
    });
    let log = std::fs::read_to_string(root.join("state/logs/kubo.log")).expect("kubo log");
    assert_eq!(
        log.matches("--- ipfs-kit: kubo starting at").count(),
        2,
        "one marker per start"
    );

    // Stop Cluster from the keys (with a confirmation).
    t.keys(&["j"]);
    t.wait_for("the cluster log selected", SOON, |s| {
        s.contains("Log: cluster")
    });
    t.keys(&["x"]);
    t.wait_for("the stop confirmation", SOON, |s| {
        s.contains("Stop cluster?")
    });
    t.keys(&["y"]);
    t.wait_for("cluster stopped", SOON, |s| {
        row_has(s, "cluster", &["stopped"])
    });

    // Its source-down alert fires; acknowledge it on the Alerts tab.
    t.keys(&["7"]);
    t.wait_for("the cluster-down alert", SOON, |s| {
        s.contains("IPFS Cluster is not answering") && s.contains("firing")
    });
    t.keys(&["/"]);
    t.line("Cluster is not");
    t.keys(&["a"]);
    let s = t.wait_for("acknowledged", SOON, |s| {
        s.contains("acknowledged")
            && s.lines()
                .any(|l| l.contains("acknowledged") && l.contains("Cluster is not answering"))
    });
    assert!(s.contains("Alert history"), "{s}");
    t.keys(&["Escape"]);
    // ESC and a key that follow it in one read are Alt+key to a terminal: wait for the
    // filter to go before the next key.
    t.wait_for("the filter cleared", SOON, |s| {
        !s.contains("filter \"Cluster is not\"")
    });

    // Start it again.
    t.keys(&["6"]);
    t.wait_for("cluster selected", SOON, |s| s.contains("Log: cluster"));
    t.keys(&["s"]);
    t.wait_for("the start confirmation", SOON, |s| {
        s.contains("Start cluster?")
    });
    t.keys(&["y"]);
    t.wait_for("cluster ready again", SLOW, |s| {
        row_has(s, "cluster", &["ready"])
    });
    // The collector polls a daemon that became ready at once, not after its backoff.
    t.wait_for("both sources answering", SOON, |s| {
        s.contains("Kubo ✔ ok") && s.contains("Cluster ✔ ok")
    });

    // Pin a CID with `p` (through Cluster), see it on the Pins tab, unpin it with `u`.
    let file = root.join("hello.txt");
    std::fs::write(&file, "ipfs-kit dashboard pin test\n").expect("write");
    let add = Command::new(&support::tools().ipfs)
        .env("IPFS_PATH", root.join("state/node/kubo"))
        .args(["add", "-q", "--pin=false"])
        .arg(&file)
        .output()
        .expect("ipfs add");
    let cid = String::from_utf8_lossy(&add.stdout).trim().to_string();
    assert!(
        cid.starts_with("Qm") || cid.starts_with("baf"),
        "cid {cid:?}"
    );
    t.keys(&["8"]);
    t.wait_for("the pins list", SOON, |s| {
        s.contains("Pins (through cluster)")
    });
    t.keys(&["p"]);
    t.wait_for("the CID prompt", SOON, |s| s.contains("Pin a CID"));
    t.line(&cid);
    t.wait_for("the pin listed", SOON, |s| s.contains(&cid));
    refresh_until(&t, "the pin pinned", |s| {
        s.lines().any(|l| l.contains(&cid) && l.contains("pinned"))
    });
    t.keys(&["u"]);
    t.wait_for("the unpin confirmation", SOON, |s| s.contains("Unpin?"));
    t.keys(&["y"]);
    refresh_until(&t, "the pin gone", |s| {
        s.contains("no pins (p adds one)") && !s.contains(&cid)
    });

    // A wizard: the dashboard steps aside, the wizard prompts, Ctrl-C cancels it, Enter
    // brings the dashboard back whole.
    t.keys(&["w"]);
    t.wait_for("the wizard menu", SOON, |s| s.contains("Run a wizard"));
    t.keys(&["m"]);
    t.wait_for("the wizard's first step", SOON, |s| {
        s.contains("Step 1/3") && s.contains("? Kubo node") && !s.contains("Supervised")
    });
    t.keys(&["C-c"]);
    t.wait_for("the way back", SOON, |s| {
        s.contains("press Enter to return to the dashboard")
    });
    t.keys(&["Enter"]);
    t.wait_for("the dashboard redrawn", SOON, |s| {
        s.contains("[8 Pins]") && s.contains("Kubo ✔ ok") && !s.contains("Step 1/3")
    });

    // Every action is in the operation history.
    t.keys(&["5"]);
    let s = t.wait_for("the actions in the history", SOON, |s| {
        [
            "daemon.crash",
            "daemon.restart",
            "daemon.stop",
            "daemon.start",
            "pin.add",
            "pin.remove",
            "wizard.run",
        ]
        .iter()
        .all(|a| s.contains(a))
    });
    assert!(s.contains("alert.acknowledge"), "{s}");
    let trail = std::fs::read_to_string(root.join("state/history.jsonl")).unwrap_or_default();
    assert!(trail.contains("\"pin.add\""), "history file: {trail}");

    // Quit: the daemons this run started keep running, and it says so.
    t.keys(&["q"]);
    let s = wait_exit(&t);
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(s.contains("left running: kubo (pid"), "{s}");
    assert_eq!(daemons_under(root).len(), 2, "both still running");

    // Next run adopts them; --read-only refuses actions; --stop-on-exit stops only what this
    // run started (nothing: both were adopted), so `daemon stop all` ends them.
    t.line(&format!(
        "{bin} --read-only --stop-on-exit 2>{}/stderr2.txt; echo EXIT=$?",
        root.display()
    ));
    t.wait_for("up again", SLOW, |s| s.contains("Kubo ✔ ok"));
    t.keys(&["6"]);
    t.wait_for("adopted", SOON, |s| {
        row_has(s, "kubo", &["ready (adopted)"])
    });
    t.keys(&["x"]);
    t.wait_for("the read-only refusal", SOON, |s| {
        s.contains("disabled: read-only mode")
    });
    t.keys(&["q"]);
    wait_exit(&t);
    assert_eq!(
        daemons_under(root).len(),
        2,
        "adopted daemons are not stopped"
    );
    let out = kit(root)
        .args(["daemon", "stop", "all"])
        .output()
        .expect("daemon stop");
    assert!(out.status.success(), "{out:?}");
    assert!(daemons_under(root).is_empty(), "stopped");

    // With nothing running, --stop-on-exit stops what the dashboard started.
    t.line(&format!(
        "{bin} --stop-on-exit 2>{}/stderr3.txt; echo EXIT=$?",
        root.display()
    ));
    t.wait_for("started again", SLOW, |s| {
        s.contains("Kubo ✔ ok") && s.contains("Cluster ✔ ok")
    });
    t.keys(&["q"]);
    wait_exit(&t);
    let stderr = std::fs::read_to_string(root.join("stderr3.txt")).unwrap_or_default();
    assert!(stderr.contains("stopped kubo (pid"), "{stderr}");
    assert!(
        daemons_under(root).is_empty(),
        "--stop-on-exit left daemons"
    );
}
