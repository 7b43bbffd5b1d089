//! The Performance tab end to end in tmux, against the dashboard's embedded Kubo + Cluster:
//! the operations table lists the real endpoints the collector called (shown from the minute
//! in progress, without waiting for it to be written), and the cache and bottleneck panels
//! have their lines.

// Timings go to stderr.
#![allow(clippy::disallowed_macros)]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::daemons_under;
use support::tmux::{Tmux, embedded_env};

const SLOW: Duration = Duration::from_secs(180);
const SOON: Duration = Duration::from_secs(30);

/// Ends what the dashboard left running, even when the test fails.
struct Cleanup<'a>(&'a Path);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
        c.env_clear();
        for (k, v) in embedded_env(self.0) {
            c.env(k, v);
        }
        let _ = c.args(["daemon", "stop", "all"]).output();
        for pid in daemons_under(self.0) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

#[test]
fn performance_tab_against_the_embedded_daemons() {
    support::tools();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let _cleanup = Cleanup(root);
    let t = Tmux::start(root, &embedded_env(root));
    let started = Instant::now();
    t.line(&format!("{bin}; echo EXIT=$?"));
    t.wait_for("Kubo and Cluster up", SLOW, |s| {
        s.contains("Kubo ✔ ok") && s.contains("Cluster ✔ ok")
    });
    let up = started.elapsed();

    t.keys(&["9"]);
    let s = t.wait_for("real endpoints in the operations table", SOON, |s| {
        s.contains("[9 Performance]")
            && s.contains("Slowest operations")
            && s.contains("kubo.id")
            && s.contains("kubo.repo/stat")
    });
    let shown = started.elapsed();
    eprintln!("{s}");
    // Cache: the hit rate line (or no requests yet) and both tiers' sizes.
    assert!(s.contains("hit rate"), "{s}");
    assert!(s.contains("memory: ") && s.contains(" entries"), "{s}");
    assert!(s.contains("disk: "), "{s}");
    // Bottlenecks: a judged row or the all-clear, never the collecting line.
    assert!(s.contains("Bottlenecks"), "{s}");
    assert!(
        s.contains("no bottlenecks") || ["high ", "medium ", "low "].iter().any(|w| s.contains(w)),
        "{s}"
    );
    assert!(!s.contains("collecting: the first figures"), "{s}");
    assert!(s.contains("no bulk run yet"), "{s}");
    // The latency chart names the operation under the cursor.
    assert!(s.contains("p95 "), "{s}");

    t.keys(&["q"]);
    t.wait_for("exit", SOON, |s| s.contains("EXIT=0"));
    eprintln!(
        "performance tab: daemons up after {:.1} s, real endpoints shown {:.1} s after that",
        up.as_secs_f64(),
        (shown - up).as_secs_f64()
    );
}
