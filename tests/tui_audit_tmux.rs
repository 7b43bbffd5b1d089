//! The Audit tab end to end in tmux. Against real history made by real actions on the
//! embedded Kubo + Cluster (pins of real CIDs and of a bad one through `ipfs-kit pin add`, a
//! Kubo restart from the Daemons tab, recorded as its stop and start): the heat map, patterns and compliance appear with
//! the right counts, a field filter and a time range change them, and the operation selected
//! on the Operations tab shows its correlated events. And on a 200,000-event history: keys
//! are answered while the analysis runs.

// Figures for BENCHMARKS.md go to stderr.
#![allow(clippy::disallowed_macros)]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::daemons_under;
use support::tmux::{Tmux, embedded_env};

const SLOW: Duration = Duration::from_secs(180);
const SOON: Duration = Duration::from_secs(30);

fn kit(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear();
    for (k, v) in embedded_env(root) {
        c.env(k, v);
    }
    c
}

/// Ends what the dashboard left running, even when the test fails.
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

/// `(in scope, loaded, failed)` from the status line `Audit of …: M of N events, F failed`.
fn counts(screen: &str, scope: &str) -> Option<(usize, usize, usize)> {
    let line = screen
        .lines()
        .find(|l| l.contains(&format!("Audit of {scope}:")))?;
    let rest = line.split(&format!("Audit of {scope}:")).nth(1)?;
    if rest.contains("analysing") {
        return None;
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    let num = |s: &str| s.trim_matches(',').parse::<usize>().ok();
    Some((
        num(words.first()?)?,
        num(words.get(2)?)?,
        num(words.get(4)?)?,
    ))
}

fn literal(t: &Tmux, s: &str) {
    t.tmux(&["send-keys", "-t", "kit", "-l", s]);
}

fn history_lines(root: &Path) -> String {
    std::fs::read_to_string(root.join("state/history.jsonl")).unwrap_or_default()
}

#[test]
fn audit_tab_on_real_history_from_real_actions() {
    support::tools();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let _cleanup = Cleanup(root);
    let t = Tmux::start(root, &embedded_env(root));
    t.line(&format!("{bin}; echo EXIT=$?"));
    t.wait_for("Kubo and Cluster up", SLOW, |s| {
        s.contains("Kubo ✔ ok") && s.contains("Cluster ✔ ok")
    });

    // Real CIDs, added to the embedded Kubo, pinned through ipfs-kit; then a bad one, four
    // times (each a failed pin.add in the history).
    let repo = root.join("state/node/kubo");
    for i in 0..3 {
        let f = root.join(format!("file-{i}.txt"));
        std::fs::write(&f, format!("audit tab test {i}\n")).expect("write file");
        let out = Command::new(support::tools().ipfs)
            .env("IPFS_PATH", &repo)
            .args(["add", "-q", "--pin=false"])
            .arg(&f)
            .output()
            .expect("ipfs add");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let out = kit(root).args(["pin", "add", &cid]).output().expect("pin");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for _ in 0..4 {
        let out = kit(root)
            .args(["pin", "add", "notacid"])
            .output()
            .expect("pin");
        assert_eq!(out.status.code(), Some(1));
    }
    // A restart of Kubo from the Daemons tab (its first row).
    t.keys(&["6"]);
    t.wait_for("the Daemons tab", SOON, |s| s.contains("[6 Daemons]"));
    t.keys(&["R"]);
    t.wait_for("the restart confirmation", SOON, |s| {
        s.contains("Restart kubo?")
    });
    t.keys(&["y"]);
    let deadline = Instant::now() + SLOW;
    // The supervisor records a restart as its stop and its start.
    let starts = |h: &str| {
        h.lines()
            .filter(|l| l.contains("\"daemon.start\"") && l.contains("\"resource\":\"kubo\""))
            .filter(|l| l.contains("\"status\":\"ok\""))
            .count()
    };
    while !(history_lines(root).contains("\"daemon.stop\"") && starts(&history_lines(root)) >= 2) {
        assert!(
            Instant::now() < deadline,
            "no kubo restart in history:\n{}\nscreen:\n{}",
            history_lines(root),
            t.capture(false)
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    // A rotated file from "earlier": a real line of this run, dated three days back.
    let first = history_lines(root)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&first).expect("history line");
    let mut old = v.clone();
    old["timestamp"] = (chrono::Utc::now() - chrono::Duration::days(3))
        .to_rfc3339()
        .into();
    old["event_id"] = "rotated-earlier".into();
    std::fs::write(root.join("state/history.1.jsonl"), format!("{old}\n")).expect("write");

    // The Audit tab: heat map, patterns, compliance, with the counts of the files.
    t.keys(&["0"]);
    let s = t.wait_for("the analysis", SOON, |s| counts(s, "all history").is_some());
    let (scope, loaded, _) = counts(&s, "all history").expect("counts");
    assert_eq!(scope, loaded, "{s}");
    assert!(s.contains("Activity by hour and weekday ("), "{s}");
    assert!(
        s.contains("Compliance: ipfs-kit operations") && s.contains("/100"),
        "{s}"
    );
    assert!(s.contains("operation_failing_rep"), "{s}");

    // A field filter: exactly the four failed pins.
    literal(&t, "/action=pin.add status=failed");
    t.keys(&["Enter"]);
    let scope = "all history, filter \"action=pin.add status=failed\"";
    let s = t.wait_for("the filtered analysis", SOON, |s| {
        counts(s, scope).is_some()
    });
    let (n, _, failed) = counts(&s, scope).expect("counts");
    assert_eq!((n, failed), (4, 4), "{s}");
    assert!(s.contains("Activity by hour and weekday (4 events)"), "{s}");
    // Cleared, and the last hour: everything but the rotated line from three days ago.
    t.keys(&["Escape"]);
    t.wait_for("the filter cleared", SOON, |s| {
        counts(s, "all history").is_some()
    });
    for _ in 0..4 {
        literal(&t, "[");
    }
    let s = t.wait_for("the last hour", SOON, |s| counts(s, "last 1h").is_some());
    // The status line names the range (the tab bar's right side has no room beside ten tabs
    // at 120 columns).
    assert!(s.contains("Audit of last 1h"), "{s}");
    let (n, loaded, _) = counts(&s, "last 1h").expect("counts");
    assert_eq!(n + 1, loaded, "{s}");

    // The dashboard's own restart, selected on the Operations tab (its stop), analysed on the
    // Audit tab: the start and the source going down and up around it are related to it.
    t.keys(&["5"]);
    t.wait_for("the Operations tab", SOON, |s| s.contains("[5 Operations]"));
    literal(&t, "/daemon.stop");
    t.keys(&["Enter"]);
    t.wait_for("the filtered operations", SOON, |s| {
        s.contains("1 matching")
    });
    t.keys(&["0"]);
    let s = t.wait_for("the selected operation", SOON, |s| {
        s.contains("Operation daemon.stop kubo:") && s.contains("related")
    });
    let related = s
        .lines()
        .filter(|l| l.contains("related") && l.contains("kubo"))
        .count();
    assert!(related >= 1, "{s}");

    t.keys(&["q"]);
    t.wait_for("the exit", SOON, |s| s.contains("EXIT=0"));
}

#[test]
fn audit_tab_keys_answer_while_a_large_history_is_analysed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let state = root.join("state");
    std::fs::create_dir_all(&state).expect("mkdir");
    {
        use std::io::Write;
        let f = std::fs::File::create(state.join("history.jsonl")).expect("create");
        let mut w = std::io::BufWriter::new(f);
        let cfg = ipfs_kit_audit::generator::GenConfig::with_events(7, 200_000);
        ipfs_kit_audit::generator::generate(&cfg, |e| {
            let _ = ipfs_kit_audit::generator::write_line(&mut w, &e);
        });
        w.flush().expect("flush");
    }
    let p = |s: &str| root.join(s).display().to_string();
    // No daemons: a Kubo API nobody serves, no Kubo or Cluster binaries on the PATH.
    let env = vec![
        ("PATH".into(), "/usr/bin:/bin".into()),
        ("HOME".into(), p("home")),
        ("XDG_CONFIG_HOME".into(), p("config")),
        ("IPFS_KIT_STATE_DIR".into(), p("state")),
        ("IPFS_KIT_KUBO_API".into(), "http://127.0.0.1:9".into()),
    ];
    let t = Tmux::start(root, &env);
    t.line(&format!("{}; echo EXIT=$?", env!("CARGO_BIN_EXE_ipfs-kit")));
    t.wait_for("the dashboard", SOON, |s| s.contains("1 Overview"));
    t.keys(&["0"]);
    t.wait_for("analysing", SOON, |s| {
        s.contains("Audit of all history: analysing…")
    });
    // While it analyses: the range key is answered at once, the status line shows it.
    let asked = Instant::now();
    literal(&t, "[");
    let s = t.wait_for("the range key answered", SOON, |s| {
        s.contains("Audit of last 30d")
    });
    let answered = asked.elapsed();
    assert!(
        s.contains("analysing…"),
        "the analysis was already done:\n{s}"
    );
    assert!(answered < Duration::from_secs(2), "{answered:?}");
    // The help opens too, and closes.
    t.keys(&["?"]);
    t.wait_for("the help", SOON, |s| {
        s.contains("Audit tab: a shorter / longer")
    });
    t.keys(&["Escape"]);
    let s = t.wait_for("the 30-day analysis", SLOW, |s| {
        counts(s, "last 30d").is_some()
    });
    let (_, loaded, _) = counts(&s, "last 30d").expect("counts");
    // The generator gives about the number asked for.
    assert!(loaded >= 190_000, "{s}");
    eprintln!(
        "audit tab: {loaded} events; the range key answered in {} ms while analysing",
        answered.as_millis()
    );
    t.keys(&["q"]);
    t.wait_for("the exit", SOON, |s| s.contains("EXIT=0"));
}
