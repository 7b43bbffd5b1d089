//! A state dir that refuses writes, for real: a small tmpfs mounted over it and filled to the
//! last page. The real binary against the real Kubo (and Cluster): the failure is said on
//! stderr, `--once --json` counts it and fires `state_dir_unwritable`, and a long-running
//! `supervise` writes what waited, in order and in whole lines, once space is freed.
//!
//! Mounting needs root (or CAP_SYS_ADMIN); without it the tests fail and say how to run them.

// Diagnostics for whoever reads the test log, not the binary's output.
#![allow(clippy::disallowed_macros)]

mod support;

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::kit::Supervise;
use support::{Harness, NO_HOST_DISK_ALERT, run_json, tools};

/// A tmpfs mounted at `path` for the test's life; unmounted on drop (lazily if still busy).
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(path).expect("mkdir mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output();
        match out {
            Ok(o) if o.status.success() => Tmpfs {
                path: path.to_path_buf(),
            },
            Ok(o) => panic!(
                "this test needs a really full disk: it mounts a small tmpfs, which needs root or \
                 CAP_SYS_ADMIN. Run it as root (e.g. `sudo -E cargo test -p ipfs-kit --test \
                 state_writes`) or in a container started with --cap-add SYS_ADMIN. mount said: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => panic!("this test needs mount(8) (util-linux) to mount a tmpfs: {e}"),
        }
    }

    fn filler(&self) -> PathBuf {
        self.path.join("filler")
    }

    /// Takes every free page: after this, a write needing a new page fails with ENOSPC.
    fn fill(&self) {
        let mut f = std::fs::File::create(self.filler()).expect("create filler");
        let block = [0u8; 4096];
        while f.write_all(&block).is_ok() {}
        // Pages are whole: a last short write may have taken a part of one.
        while f.write_all(&block[..1]).is_ok() {}
    }

    fn free(&self) {
        std::fs::remove_file(self.filler()).expect("remove filler");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// `path` bind-mounted onto itself read-only for the test's life (EROFS, even for root).
struct ReadOnly {
    path: PathBuf,
}

impl ReadOnly {
    fn mount(path: &Path) -> ReadOnly {
        let run = |args: &[&str]| {
            let out = Command::new("mount")
                .args(args)
                .arg(path)
                .arg(path)
                .output();
            match out {
                Ok(o) if o.status.success() => {}
                Ok(o) => panic!(
                    "this test bind-mounts the state dir read-only, which needs root or \
                     CAP_SYS_ADMIN: run it as root (e.g. `sudo -E cargo test -p ipfs-kit \
                     --test state_writes`). mount {args:?} said: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
                Err(e) => panic!("this test needs mount(8) (util-linux): {e}"),
            }
        };
        run(&["--bind"]);
        let guard = ReadOnly {
            path: path.to_path_buf(),
        };
        run(&["-o", "remount,ro,bind"]);
        guard
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// Pads `history.jsonl` with a blank line (readers skip it) so that its last page has only
/// `room` bytes left: the next entry then fits only partly, the case that must not leave a
/// torn line behind.
fn leave_room(history: &Path, room: u64) {
    let len = std::fs::metadata(history).map(|m| m.len()).unwrap_or(0);
    let page = 4096;
    let mut pad = page - len % page;
    if pad < room + 2 {
        pad += page;
    }
    let blanks = (pad - room - 1) as usize;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(history)
        .expect("open history");
    let mut line = vec![b' '; blanks];
    line.push(b'\n');
    f.write_all(&line).expect("pad history");
}

/// Every line of a history file; panics on a line that is not whole JSON (blank lines are
/// the padding above).
fn entries(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(text.is_empty() || text.ends_with('\n'), "torn end:\n{text}");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("damaged line ({e}): {l:?}")))
        .collect()
}

fn state_dir(h: &Harness) -> PathBuf {
    h.root().join("state/ipfs-kit")
}

fn once_json(h: &Harness) -> Command {
    let mut c = h.ipfs_kit();
    c.args(["--once", "--json"]);
    c
}

fn unwritable_alert(json: &serde_json::Value) -> Option<&serde_json::Value> {
    json["alerts"]
        .as_array()?
        .iter()
        .find(|a| a["rule"] == "state_dir_unwritable")
}

#[test]
fn a_full_state_dir_is_said_counted_and_alerted_on_and_clears_when_space_is_freed() {
    let h = Harness::kubo();
    h.write_config(NO_HOST_DISK_ALERT);
    let cids = h.add_files(2, "sw");
    let state = state_dir(&h);
    let disk = Tmpfs::mount(&state, "1m");
    let history = state.join("history.jsonl");

    let out = h
        .ipfs_kit()
        .args(["pin", "add", &cids[0]])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(entries(&history).len(), 1);

    leave_room(&history, 40);
    disk.fill();
    let out = h
        .ipfs_kit()
        .args(["pin", "add", &cids[1]])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "the pin itself works: {err}");
    assert!(err.contains("cannot write the operation history"), "{err}");
    assert!(
        err.contains("No space left on device") || err.contains("disk full"),
        "{err}"
    );
    assert!(
        err.contains("lost"),
        "a command that ends says what it could not keep: {err}"
    );
    let on_disk = entries(&history);
    assert_eq!(on_disk.len(), 1, "nothing half-written: {on_disk:#?}");

    let (code, json, stderr) = run_json(once_json(&h));
    let w = &json["state_writes"];
    assert_eq!(w["failing"], true, "{w}\n{stderr}");
    assert_eq!(w["failed_total"], 1, "{w}");
    assert!(
        w["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("No space left")),
        "{w}"
    );
    assert_eq!(w["path"], state.display().to_string());
    let alert = unwritable_alert(&json).expect("state_dir_unwritable in alerts");
    assert_eq!(alert["state"], "firing");
    assert_eq!(alert["severity"], "warning");
    assert_eq!(code, 1, "warning: {stderr}");
    let out = h.ipfs_kit().arg("--once").output().expect("run");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("! alert state_dir_unwritable: ipfs-kit cannot write its history"),
        "the summary says why it warns:\n{summary}"
    );

    disk.free();
    let (code, json, stderr) = run_json(once_json(&h));
    assert_eq!(json["state_writes"]["failing"], false, "{json}");
    assert!(unwritable_alert(&json).is_none(), "{json}");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_read_only_state_dir_is_said_and_reported_and_history_resumes_when_writable() {
    let h = Harness::kubo();
    h.write_config(NO_HOST_DISK_ALERT);
    let cids = h.add_files(3, "ro");
    let state = state_dir(&h);
    let history = state.join("history.jsonl");
    let pin = |cid: &str| {
        let out = h
            .ipfs_kit()
            .args(["pin", "add", cid])
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "the pin itself works: {err}");
        err
    };
    pin(&cids[0]);
    assert_eq!(entries(&history).len(), 1);

    let ro = ReadOnly::mount(&state);
    let err = pin(&cids[1]);
    assert!(
        err.contains("cannot be written") || err.contains("cannot write"),
        "{err}"
    );
    assert!(err.contains("Read-only file system"), "{err}");
    assert!(err.contains("lost"), "{err}");
    let (code, json, stderr) = run_json(once_json(&h));
    let w = &json["state_writes"];
    assert_eq!(w["failing"], true, "{w}\n{stderr}");
    assert!(
        w["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("Read-only")),
        "{w}"
    );
    assert_eq!(
        unwritable_alert(&json).map(|a| a["state"].clone()),
        Some("firing".into())
    );
    assert_eq!(code, 1, "{stderr}");

    drop(ro);
    let err = pin(&cids[2]);
    assert!(!err.contains("cannot write"), "{err}");
    let on_disk = entries(&history);
    let pinned: Vec<_> = on_disk
        .iter()
        .filter_map(|e| e["resource"].as_str())
        .collect();
    assert_eq!(
        pinned,
        [cids[0].as_str(), cids[2].as_str()],
        "whole lines, in order"
    );
    let (code, json, stderr) = run_json(once_json(&h));
    assert_eq!(json["state_writes"]["failing"], false, "{json}");
    assert_eq!(code, 0, "{stderr}");
}

fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool, log: &Path) {
    let deadline = Instant::now() + limit;
    while !cond() {
        let dir = log.parent().unwrap_or(log).join("state/ipfs-kit");
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; supervise said:\n{}\nstate dir:\n{}\nhistory:\n{}",
            std::fs::read_to_string(log).unwrap_or_default(),
            String::from_utf8_lossy(
                &Command::new("ls")
                    .arg("-laR")
                    .arg(&dir)
                    .output()
                    .map(|o| o.stdout)
                    .unwrap_or_default()
            ),
            std::fs::read_to_string(dir.join("history.jsonl")).unwrap_or_default(),
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn actions(path: &Path) -> Vec<String> {
    entries(path)
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap_or("?"),
                e["resource"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn supervise_keeps_what_a_full_disk_refuses_and_writes_it_in_order_when_space_is_freed() {
    let mut h = Harness::full();
    let cluster_dir = h.root().join("cluster");
    h.write_config(&format!(
        "[supervisor]\nkubo_repo = {:?}\ncluster_dir = {:?}\nrestart_backoff = \"3s\"\n",
        h.kubo_repo.path().display().to_string(),
        cluster_dir.display().to_string(),
    ));
    let state = state_dir(&h);
    let disk = Tmpfs::mount(&state, "1m");
    let history = state.join("history.jsonl");
    let log = h.root().join("supervise.log");
    let bin_dir = tools()
        .ipfs
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let out = std::fs::File::create(&log).expect("log");
    let child = h
        .ipfs_kit()
        .env("IPFS_KIT_TOOLS_BIN", bin_dir)
        .arg("supervise")
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log"))
        .stderr(out)
        .process_group(0)
        .spawn()
        .expect("spawn supervise");
    let _sup = Supervise(child);
    wait_for(
        "supervise to adopt both daemons",
        Duration::from_secs(60),
        || {
            actions(&history)
                .iter()
                .filter(|a| a.starts_with("daemon.adopt"))
                .count()
                >= 2
        },
        &log,
    );
    let said = || std::fs::read_to_string(&log).unwrap_or_default();
    let kill = |pid: u32| {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .expect("kill -9 kubo")
    };

    // The crash is recorded while there is space; the disk fills before the restart (3 s
    // later). Filled after the crash, not before: the crash frees the page of Kubo's pid
    // record, which the crash entry would otherwise take.
    kill(h.kubo.as_ref().expect("harness kubo").pid());
    wait_for(
        "the crash",
        Duration::from_secs(30),
        || said().contains("kubo crash"),
        &log,
    );
    leave_room(&history, 40);
    disk.fill();
    let before = actions(&history);
    wait_for(
        "supervise to say the history cannot be written",
        Duration::from_secs(60),
        || said().contains("kubo restart") && said().contains("cannot write the operation history"),
        &log,
    );
    // A second crash and restart while the disk stays full: three entries wait.
    let pid: u32 = said()
        .split("restart #1: ready (pid ")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no pid in the restart line:\n{}", said()));
    kill(pid);
    wait_for(
        "the second restart",
        Duration::from_secs(60),
        || said().contains("restart #2"),
        &log,
    );
    assert_eq!(
        actions(&history),
        before,
        "nothing written, nothing half-written"
    );

    disk.free();
    // The supervisor's own entries: `supervise` also runs the collector now, whose
    // source.down/up entries wait beside them.
    let kubo_entries = |all: &[String]| -> Vec<String> {
        all.iter()
            .filter(|a| a.starts_with("daemon.") && a.ends_with(" kubo"))
            .cloned()
            .collect()
    };
    wait_for(
        "the waiting entries on disk",
        Duration::from_secs(10),
        || kubo_entries(&actions(&history)[before.len()..]).len() >= 3,
        &log,
    );
    let after = actions(&history);
    assert_eq!(after[..before.len()], before[..], "older entries untouched");
    assert_eq!(
        kubo_entries(&after[before.len()..]),
        [
            "daemon.restart kubo",
            "daemon.crash kubo",
            "daemon.restart kubo"
        ],
        "in the order they happened: {after:#?}"
    );
    assert!(
        said().contains("operation history written again"),
        "{}",
        said()
    );
    assert_eq!(
        said().matches("cannot write the operation history").count(),
        1,
        "said once, not on every retry: {}",
        said()
    );
    eprintln!("supervise said:\n{}", said());
    drop(_sup);
    drop(disk);
    h.stop_cluster();
    // The Kubo supervise restarted is its own; nothing may outlive the test.
    for pid in support::daemons_under(h.root()) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}
