//! The real dashboard in tmux against a real Kubo + Cluster: identity on screen, help, tabs,
//! a pin showing up, quitting back to an intact shell; NO_COLOR and --ascii.
//! tmux runs on a private socket with a fixed 120x40 window; a missing tmux fails the test.

// Diagnostics for whoever reads the test log, not the binary's output.
#![allow(clippy::disallowed_macros)]

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::Harness;
use support::tmux::{PROMPT, Tmux};

/// The environment `Harness::ipfs_kit()` would give the binary, plus the binary's path.
fn harness_env(h: &Harness) -> (String, Vec<(String, String)>) {
    let cmd = h.ipfs_kit();
    let bin = cmd.get_program().to_string_lossy().into_owned();
    let env = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
        .collect();
    (bin, env)
}

/// A config that recounts pins every second, so a new pin shows within the poll interval.
fn fast_pins_config(dir: &Path) -> PathBuf {
    let file = dir.join("tui-test.toml");
    std::fs::write(&file, "[kubo]\npins_every = \"1s\"\n").expect("write config");
    file
}

/// `Pins      12 recursive` on the Node tab.
fn pins_on_screen(screen: &str) -> Option<u64> {
    // The status widget's row (not the tab bar's `8 Pins`).
    let line = screen
        .lines()
        .find(|l| l.contains("┃ Pins ") || l.contains("│ Pins "))?;
    let at = line.find("Pins ")?;
    let rest = line[at + 5..].trim_start();
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    let n = digits.parse().ok()?;
    rest[rest.find(' ')?..]
        .trim_start()
        .starts_with("recursive")
        .then_some(n)
}

/// SGR parameters that set a colour (30-37, 38, 40-47, 48, 90-97, 100-107) in `raw`.
fn colour_codes(raw: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = raw;
    while let Some(at) = rest.find("\u{1b}[") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            break;
        };
        if rest[end..].starts_with('m') {
            for p in rest[..end].split(';') {
                if let Ok(n) = p.parse::<u16>()
                    && matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107)
                {
                    found.push(rest[..end].to_string());
                }
            }
        }
        rest = &rest[end..];
    }
    found
}

fn kubo_peer_id(h: &Harness) -> String {
    h.ipfs(&["id", "-f", "<id>"]).trim().to_string()
}

fn wait_exit(t: &Tmux) -> String {
    t.wait_for(
        "the exit status and the prompt",
        Duration::from_secs(15),
        |s| {
            let tail: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
            s.contains("EXIT=") && tail.last().is_some_and(|l| l.trim_end().ends_with(PROMPT))
        },
    )
}

#[test]
fn dashboard_in_tmux_against_real_daemons() {
    let h = Harness::full();
    let (bin, env) = harness_env(&h);
    let config = fast_pins_config(h.root());
    let peer_id = kubo_peer_id(&h);
    let short = format!("{}…{}", &peer_id[..8], &peer_id[peer_id.len() - 6..]);
    let t = Tmux::start(h.root(), &env);

    let before = h.root().join("stty.before");
    let after = h.root().join("stty.after");
    t.line(&format!(
        "stty -a > {}; {bin} --interval 1s --config {}; echo EXIT=$?; stty -a > {}",
        before.display(),
        config.display(),
        after.display()
    ));

    // The identity: shortened in the header, in full on the Node tab; the title bar says
    // the figures are collected here (no daemon to attach to).
    let first = t.wait_for(
        "Kubo's peer ID in the header",
        Duration::from_secs(20),
        |s| s.contains(&short) && s.contains("[1 Overview]"),
    );
    let title = first
        .lines()
        .find(|l| l.contains(&short))
        .unwrap_or_default();
    assert!(
        title.contains("local "),
        "the title bar says local: {title}"
    );
    t.keys(&["2"]);
    let node = t.wait_for(
        "the full peer ID on the Node tab",
        Duration::from_secs(10),
        |s| s.contains("[2 Node]") && s.contains(&peer_id) && pins_on_screen(s).is_some(),
    );

    // `?` opens the help, Esc closes it.
    t.keys(&["?"]);
    t.wait_for("the help overlay", Duration::from_secs(5), |s| {
        s.contains("go to a tab by its number")
    });
    t.keys(&["Escape"]);
    t.wait_for("the help to close", Duration::from_secs(5), |s| {
        !s.contains("go to a tab by its number") && s.contains(&peer_id)
    });

    // A pin added through the API shows up within two poll intervals.
    let pins_before = pins_on_screen(&node).expect("pin count");
    h.add_files(1, "tmux");
    let added = Instant::now();
    let screen = t.wait_for("the pin count to go up", Duration::from_secs(10), |s| {
        pins_on_screen(s).is_some_and(|n| n > pins_before)
    });
    let took = added.elapsed();
    eprintln!(
        "pin count {pins_before} -> {:?} on screen after {took:?}",
        pins_on_screen(&screen)
    );
    assert!(
        took <= Duration::from_millis(2_500),
        "the new pin took {took:?} to show (interval 1s, pins_every 1s)"
    );

    // `3` switches to the Cluster tab.
    t.keys(&["3"]);
    t.wait_for("the Cluster tab", Duration::from_secs(5), |s| {
        s.contains("[3 Cluster]") && s.contains("Cluster peers") && s.contains("running")
    });

    // Actions go through commands and come back into the operation history: `r`, and `g`
    // (confirmed with `y`) running a real repo gc.
    t.keys(&["5", "r", "g"]);
    t.wait_for("the gc confirmation", Duration::from_secs(5), |s| {
        s.contains("Garbage-collect the Kubo repo?")
    });
    t.keys(&["y"]);
    t.wait_for("refresh and gc done", Duration::from_secs(30), |s| {
        s.contains("[5 Operations]")
            && s.lines()
                .any(|l| l.contains("refresh") && l.contains("✔ ok"))
            && s.lines()
                .any(|l| l.contains("repo.gc") && l.contains("removed") && l.contains("✔ ok"))
    });

    // Resize storms: tiny, huge, and back; the dashboard keeps drawing.
    for (i, (w, h)) in [(20, 5), (250, 70), (59, 15), (61, 17), (80, 24), (200, 50)]
        .iter()
        .cycle()
        .take(30)
        .enumerate()
    {
        t.tmux(&[
            "resize-window",
            "-t",
            "kit",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
        if i % 7 == 0 {
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    t.tmux(&["resize-window", "-t", "kit", "-x", "59", "-y", "15"]);
    t.wait_for("the too-small notice", Duration::from_secs(5), |s| {
        s.contains("need at least 60×16, have 59×15")
    });
    t.tmux(&["resize-window", "-t", "kit", "-x", "120", "-y", "40"]);
    t.wait_for(
        "the dashboard at 120x40 again",
        Duration::from_secs(5),
        |s| s.contains("[5 Operations]") && s.contains("repo.gc"),
    );

    // `q` exits 0 and leaves the terminal as it found it.
    t.keys(&["q"]);
    let screen = wait_exit(&t);
    assert!(screen.contains("EXIT=0"), "{screen}");
    t.wait_for("stty -a afterwards", Duration::from_secs(5), |_| {
        after.exists()
    });
    std::thread::sleep(Duration::from_millis(200));
    let (b, a) = (
        std::fs::read_to_string(&before).expect("stty before"),
        std::fs::read_to_string(&after).expect("stty after"),
    );
    assert!(!b.is_empty());
    assert_eq!(b, a, "terminal modes changed by the dashboard");
    // The alternate screen is gone: the shell's own lines are back.
    assert!(screen.contains("echo EXIT=$?"), "{screen}");
}

#[test]
fn no_color_and_ascii_modes_show_the_state_words() {
    let h = Harness::full();
    let (bin, env) = harness_env(&h);

    // NO_COLOR: the words carry the states, and no colour is sent.
    let mut with_no_color = env.clone();
    with_no_color.push(("NO_COLOR".into(), "1".into()));
    let t = Tmux::start(h.root(), &with_no_color);
    t.line(&format!("{bin} --interval 1s; echo EXIT=$?"));
    // The host and health words come with later snapshots than the first Kubo answer.
    let words = ["Kubo ✔ ok", "Cluster ✔ ok", "running", "healthy", "normal"];
    t.wait_for("the state words", Duration::from_secs(20), |s| {
        words.iter().all(|w| s.contains(w))
    });
    let raw = t.capture(true);
    let colours = colour_codes(&raw);
    assert!(
        colours.is_empty(),
        "colour codes {colours:?} under NO_COLOR:\n{raw:?}"
    );
    t.keys(&["q"]);
    assert!(wait_exit(&t).contains("EXIT=0"));
    drop(t);

    // --ascii: the same words, and nothing but ASCII anywhere on screen.
    let t = Tmux::start(h.root(), &env);
    t.line(&format!("{bin} --ascii --interval 1s; echo EXIT=$?"));
    let words = [
        "Kubo [OK] ok",
        "Cluster [OK] ok",
        "[OK] running",
        "healthy",
        "normal",
    ];
    t.wait_for("the state words", Duration::from_secs(20), |s| {
        words.iter().all(|w| s.contains(w))
    });
    for (tab, name) in [
        ("1", "Overview"),
        ("2", "Node"),
        ("3", "Cluster"),
        ("4", "Host"),
        ("5", "Operations"),
    ] {
        t.keys(&[tab]);
        let s = t.wait_for(name, Duration::from_secs(5), |s| {
            s.contains(&format!("[{tab} {name}]"))
        });
        let bad: Vec<char> = s.chars().filter(|c| !c.is_ascii()).collect();
        assert!(bad.is_empty(), "non-ASCII {bad:?} on the {name} tab:\n{s}");
    }
    t.keys(&["?"]);
    let s = t.wait_for("the help", Duration::from_secs(5), |s| {
        s.contains("go to a tab by its number")
    });
    assert!(s.is_ascii(), "{s}");
    t.keys(&["q"]);
    assert!(wait_exit(&t).contains("EXIT=0"));
}

/// The dashboard's pid: the child of the pane's shell.
fn dashboard_pid(t: &Tmux) -> i32 {
    let out = t.tmux(&["display-message", "-p", "-t", "kit", "#{pane_pid}"]);
    let shell: u32 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("pane pid");
    let start = Instant::now();
    loop {
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().expect("child pid");
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no dashboard process"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A dashboard pointed at nothing: no Kubo or Cluster listens on port 1.
fn unreachable_env(root: &Path) -> Vec<(String, String)> {
    let p = |s: &str| root.join(s).display().to_string();
    vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), p("home")),
        ("XDG_CONFIG_HOME".into(), p("config")),
        ("XDG_STATE_HOME".into(), p("state")),
        ("IPFS_KIT_KUBO_API".into(), "http://127.0.0.1:1".into()),
        ("IPFS_KIT_CLUSTER_API".into(), "http://127.0.0.1:1".into()),
    ]
}

/// Clears the pane and runs `cmd` between two `stty -a` snapshots (`stty.before.TAG` and
/// `stty.after.TAG` under `root`), echoing its exit status; returns the two paths for
/// `assert_modes_kept`.
fn run_between_stty(t: &Tmux, root: &Path, tag: &str, cmd: &str) -> (PathBuf, PathBuf) {
    let before = root.join(format!("stty.before.{tag}"));
    let after = root.join(format!("stty.after.{tag}"));
    t.line(&format!(
        "clear; stty -a > {}; {cmd}; echo EXIT=$?; stty -a > {}",
        before.display(),
        after.display()
    ));
    (before, after)
}

/// Waits for the `stty -a` the shell writes after the dashboard and compares it with the one
/// written before.
fn assert_modes_kept(t: &Tmux, before: &Path, after: &Path, what: &str) {
    t.wait_for("stty -a afterwards", Duration::from_secs(5), |_| {
        after.exists()
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        std::fs::read_to_string(before).expect("before"),
        std::fs::read_to_string(after).expect("after"),
        "terminal modes changed after {what}"
    );
}

#[test]
fn unreachable_kubo_is_explained_and_signals_restore_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let env = unreachable_env(root);
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let t = Tmux::start(root, &env);
    for (signal, code) in [
        (nix::sys::signal::Signal::SIGTERM, 143),
        (nix::sys::signal::Signal::SIGHUP, 129),
    ] {
        let (before, after) =
            run_between_stty(&t, root, &code.to_string(), &format!("{bin} --interval 1s"));
        // It opens at once, with host data and plain words about what is down.
        let started = Instant::now();
        let screen = t.wait_for("the Kubo notice", Duration::from_secs(10), |s| {
            s.contains("Kubo is not answering at http://127.0.0.1:1") && s.contains("Host ✔ ok")
        });
        eprintln!("notice on screen after {:?}", started.elapsed());
        assert!(screen.contains("CPU"), "{screen}");
        let joined: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            joined.contains("Check that Kubo runs there, or change the address (it comes from env IPFS_KIT_KUBO_API)"),
            "{screen}"
        );

        let pid = dashboard_pid(&t);
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal).expect("kill");
        let screen = wait_exit(&t);
        assert!(
            screen.contains(&format!("EXIT={code}")),
            "{signal}: {screen}"
        );
        assert_modes_kept(&t, &before, &after, signal.as_ref());
    }
}

#[test]
fn a_panic_gives_the_terminal_back_with_the_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let env = unreachable_env(root);
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let t = Tmux::start(root, &env);
    // A background task (as a bug in a source would) and the event loop itself: both end
    // the way a quit does (daemons left running or stopped as asked), then exit 101.
    for mode in ["task", "loop"] {
        let (before, after) = run_between_stty(
            &t,
            root,
            mode,
            &format!("IPFS_KIT_DEBUG_PANIC={mode} {bin} --interval 1s"),
        );
        let screen = wait_exit(&t);
        assert!(screen.contains("EXIT=101"), "{mode}: {screen}");
        let joined: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        for says in [
            "panicked",
            "IPFS_KIT_DEBUG_PANIC",
            "the dashboard stopped after the internal error above",
        ] {
            assert!(joined.contains(says), "{mode}: {says}: {screen}");
        }
        assert_modes_kept(&t, &before, &after, &format!("a panic in the {mode}"));
        let log = std::fs::read_to_string(root.join("state/ipfs-kit/logs/ipfs-kit.log"))
            .unwrap_or_default();
        assert!(
            log.contains("panic:"),
            "{mode}: the panic is not in the log:\n{log}"
        );
    }
}

/// Opening a wizard from the dashboard and coming back, many times: each return must draw
/// the dashboard again and take keys. (Recreating crossterm's event stream on each return
/// hung about one return in ten with a blank screen: the old stream's reader thread and the
/// "press Enter" prompt raced for the same key.)
#[test]
fn wizard_round_trips_always_give_the_dashboard_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let env = unreachable_env(root);
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let t = Tmux::start(root, &env);
    let (before, after) = run_between_stty(&t, root, "wizard", bin);
    let soon = Duration::from_secs(10);
    t.wait_for("the dashboard", soon, |s| s.contains("[1 Overview]"));
    for round in 1..=30 {
        t.keys(&["w"]);
        t.wait_for(&format!("the wizard menu ({round})"), soon, |s| {
            s.contains("Run a wizard")
        });
        t.keys(&["m"]);
        t.wait_for(&format!("the first step ({round})"), soon, |s| {
            // The prompt itself, drawn once raw mode is on: a Ctrl-C before it would be a
            // signal.
            s.contains("Step 1/3") && s.contains("? Kubo node")
        });
        t.keys(&["C-c"]);
        t.wait_for(&format!("the way back ({round})"), soon, |s| {
            s.contains("press Enter to return to the dashboard")
        });
        // Esc works as well as Enter.
        t.keys(&[if round % 2 == 0 { "Escape" } else { "Enter" }]);
        t.wait_for(&format!("the dashboard again ({round})"), soon, |s| {
            s.contains("[1 Overview]") && !s.contains("press Enter")
        });
    }
    // Keys still reach the dashboard.
    t.keys(&["2"]);
    t.wait_for("the Node tab", soon, |s| s.contains("[2 Node]"));
    t.keys(&["q"]);
    let screen = wait_exit(&t);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_modes_kept(&t, &before, &after, "thirty wizard round trips");
}

#[test]
fn term_dumb_prints_the_summary_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let env = unreachable_env(root);
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let t = Tmux::start(root, &env);
    let err = root.join("dumb.stderr");
    t.line(&format!(
        "clear; TERM=dumb {bin} --timeout 2s 2>{}; echo EXIT=$?",
        err.display()
    ));
    // A line of its own: the typed command holds `EXIT=` too.
    let screen = t.wait_for("the summary's exit", Duration::from_secs(20), |s| {
        s.lines().any(|l| l.starts_with("EXIT="))
    });
    // The summary, not the dashboard: no header bar, no tabs; Kubo down is CRITICAL (2).
    assert!(screen.contains("health CRITICAL"), "{screen}");
    assert!(screen.contains("kubo     down"), "{screen}");
    assert!(!screen.contains("Overview"), "{screen}");
    assert!(screen.contains("EXIT=2"), "{screen}");
    let stderr = std::fs::read_to_string(&err).expect("stderr file");
    assert!(
        stderr.contains("TERM=dumb: printing the summary; set TERM to a real terminal type"),
        "{stderr}"
    );
    // With a real TERM the same command draws the dashboard (and says nothing of TERM).
    t.line(&format!("clear; {bin} 2>{}; echo EXIT=$?", err.display()));
    t.wait_for("the dashboard", Duration::from_secs(10), |s| {
        s.contains("Overview")
    });
    t.keys(&["q"]);
    wait_exit(&t);
    let stderr = std::fs::read_to_string(&err).expect("stderr file");
    assert!(!stderr.contains("TERM="), "{stderr}");
}
