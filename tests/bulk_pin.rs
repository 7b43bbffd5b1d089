//! `ipfs-kit pin add|rm --from FILE` against the real Kubo and the real Cluster: 1,000 CIDs
//! pinned and `ipfs pin ls` agreeing; bad lines refused before anything is sent; content
//! nobody has failing on --timeout; --fail-fast stopping; --transaction unpinning exactly the
//! new pins; --resume finishing the rest; Ctrl-C leaving a report that resumes; Cluster's
//! replication and name.

mod support;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::Harness;

/// A Cluster API nobody answers: the Kubo-only tests must not find some other test's Cluster
/// on the default port.
const NO_CLUSTER: &str = "http://127.0.0.1:9";

/// Writes `n` small distinct files under `<root>/<tag>/` and returns their paths.
fn files(h: &Harness, n: usize, tag: &str) -> Vec<PathBuf> {
    let dir = h.root().join(tag);
    std::fs::create_dir_all(&dir).expect("mkdir");
    (0..n)
        .map(|i| {
            let f = dir.join(format!("f{i:05}"));
            std::fs::write(
                &f,
                format!("bulk pin test {tag} {i} {:?}\n", Instant::now()),
            )
            .expect("write");
            f
        })
        .collect()
}

/// `ipfs add` of the files in one call (`only_hash`: the CIDs of content nobody has).
fn add(h: &Harness, files: &[PathBuf], only_hash: bool) -> Vec<String> {
    let mut args = vec!["add", "-q", "--pin=false"];
    if only_hash {
        args.push("--only-hash");
    }
    let paths: Vec<&str> = files.iter().map(|p| p.to_str().expect("utf8")).collect();
    args.extend(paths);
    let out = h.ipfs(&args);
    let cids: Vec<String> = out.lines().map(str::to_string).collect();
    assert_eq!(cids.len(), files.len(), "{out}");
    cids
}

fn recursive_pins(h: &Harness) -> HashSet<String> {
    h.ipfs(&["pin", "ls", "--type=recursive", "-q"])
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_list(h: &Harness, name: &str, lines: &[String]) -> PathBuf {
    let p = h.root().join(name);
    std::fs::write(&p, lines.join("\n") + "\n").expect("write list");
    p
}

fn kit(h: &Harness, cluster: bool) -> Command {
    let mut c = h.ipfs_kit();
    if !cluster {
        c.env("IPFS_KIT_CLUSTER_API", NO_CLUSTER);
    }
    c
}

fn run(mut c: Command, args: &[&str]) -> Output {
    c.args(args).output().expect("run ipfs-kit")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn report(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("report")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The last line per CID (the item's state), as outcome strings.
fn states(lines: &[Value]) -> HashMap<String, String> {
    lines
        .iter()
        .map(|l| {
            (
                l["cid"].as_str().expect("cid").to_string(),
                l["outcome"].as_str().expect("outcome").to_string(),
            )
        })
        .collect()
}

fn state_dir(h: &Harness) -> PathBuf {
    h.root().join("state/ipfs-kit")
}

#[test]
fn a_thousand_cids_through_kubo_then_bad_lines_failures_transaction_and_resume() {
    let h = Harness::kubo();
    let cids = add(&h, &files(&h, 1000, "good"), false);
    // Five pinned before the run: reported already pinned, and never rolled back.
    let before: Vec<String> = cids[..5].to_vec();
    for c in &before {
        h.ipfs(&["pin", "add", c]);
    }

    // 1. All 1,000: every one pinned, the report right, `ipfs pin ls` agrees.
    let mut lines: Vec<String> = vec!["# a thousand CIDs".into(), String::new()];
    lines.extend(cids.iter().enumerate().map(|(i, c)| {
        if i % 3 == 0 {
            format!("/ipfs/{c}")
        } else {
            c.clone()
        }
    }));
    let list = write_list(&h, "all.txt", &lines);
    let r1 = h.root().join("r1.jsonl");
    let out = run(
        kit(&h, false),
        &[
            "pin",
            "add",
            "--from",
            list.to_str().unwrap(),
            "--report",
            r1.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("through kubo: pinned 995, already pinned 5, failed 0, skipped 0"),
        "{err}"
    );
    let rep = report(&r1);
    assert_eq!(rep.len(), 1000);
    for l in &rep {
        for k in [
            "cid",
            "line",
            "op",
            "outcome",
            "error",
            "duration_ms",
            "already_pinned",
        ] {
            assert!(l.get(k).is_some(), "{k} missing in {l}");
        }
        assert_eq!(l["op"], "add");
        assert_eq!(l["outcome"], "ok", "{l}");
        assert_eq!(l["via"], "kubo");
        let i = cids
            .iter()
            .position(|c| c == &l["cid"])
            .expect("a listed CID");
        assert_eq!(l["line"], i + 3, "{l}");
        assert_eq!(l["already_pinned"], i < 5, "{l}");
    }
    let pinned = recursive_pins(&h);
    assert!(cids.iter().all(|c| pinned.contains(c)));
    // The history: one entry for the run, one per pin it made.
    let hist = run(kit(&h, false), &["history", "--json", "--limit", "5000"]);
    let hist: Vec<Value> = String::from_utf8_lossy(&hist.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let bulk = hist
        .iter()
        .find(|e| e["action"] == "pin.bulk_add")
        .expect("a pin.bulk_add entry");
    assert_eq!(bulk["status"], "ok");
    assert_eq!(bulk["details"]["done"], 995);
    let run_id = &bulk["operation_id"];
    let items = hist
        .iter()
        .filter(|e| e["action"] == "pin.add" && e["details"]["bulk_run"] == *run_id)
        .count();
    assert_eq!(items, 995);
    let last = ipfs_kit::bulk::stats::read_last(&state_dir(&h))
        .expect("readable")
        .expect("a last run");
    assert_eq!(
        (last.total, last.done, last.already, last.failed),
        (1000, 995, 5, 0)
    );
    assert_eq!(last.report.as_deref(), r1.to_str());
    // `performance batch-stats` shows the same run.
    let out = run(kit(&h, false), &["performance", "batch-stats", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (
            doc["last_run"]["done"].as_u64(),
            doc["last_run"]["already"].as_u64()
        ),
        (Some(995), Some(5))
    );

    // Back to only the five pinned before.
    let mut rm = vec!["pin", "rm"];
    rm.extend(cids[5..].iter().map(String::as_str));
    h.ipfs(&rm);

    // 2. Bad lines: each reported with its line number, nothing sent, exit 65.
    let mut bad = cids[5..20].to_vec();
    bad.insert(3, "QmNotACid".into());
    bad.insert(8, format!("{}0", &cids[30][..45]));
    bad.push("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbz".into());
    let list = write_list(&h, "bad.txt", &bad);
    let out = run(
        kit(&h, false),
        &["pin", "add", "--from", list.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(65), "{err}");
    for n in [4, 9, 18] {
        assert!(err.contains(&format!("bad.txt:{n}: ")), "line {n}: {err}");
    }
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        recursive_pins(&h)
            .iter()
            .filter(|c| cids.contains(c))
            .count(),
        5
    );

    // 3. Content nobody has, mixed in: with --transaction the run fails and unpins exactly
    //    what it pinned; the five pinned before stay.
    let missing_files = files(&h, 3, "missing");
    let missing = add(&h, &missing_files, true);
    let mut mixed: Vec<String> = cids[..200].to_vec();
    mixed.insert(60, missing[0].clone());
    mixed.insert(120, missing[1].clone());
    mixed.insert(180, missing[2].clone());
    let list = write_list(&h, "mixed.txt", &mixed);
    let r3 = h.root().join("r3.jsonl");
    let out = run(
        kit(&h, false),
        &[
            "pin",
            "add",
            "--from",
            list.to_str().unwrap(),
            "--report",
            r3.to_str().unwrap(),
            "--transaction",
            "--timeout",
            "2s",
            "--jobs",
            "8",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("neither Kubo nor Cluster has transactions"),
        "{err}"
    );
    assert!(err.contains("rolled back"), "{err}");
    let st = states(&report(&r3));
    for m in &missing {
        assert_eq!(st[m], "failed");
    }
    let failed: Vec<Value> = report(&r3)
        .into_iter()
        .filter(|l| l["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 3);
    assert!(
        failed
            .iter()
            .all(|l| l["error"].as_str().unwrap_or("").contains("timed out")),
        "{failed:?}"
    );
    for c in &cids[5..200] {
        assert_eq!(st[c], "rolled_back", "{c}");
    }
    for c in &before {
        assert_eq!(st[c], "ok", "pre-existing {c}");
    }
    let now = recursive_pins(&h);
    assert_eq!(
        cids.iter()
            .filter(|c| now.contains(*c))
            .cloned()
            .collect::<Vec<_>>(),
        before,
        "only the pins from before the run are left"
    );

    // 4. --fail-fast: nothing new is sent after the first failure (a path that does not
    //    resolve fails at once, on line 61); --resume, once the missing content exists,
    //    finishes the rest (the bad path fails again).
    let bad_path = format!("/ipfs/{}/no-such-link", cids[300]);
    let mut ff: Vec<String> = cids[..200].to_vec();
    ff.insert(60, bad_path.clone());
    ff.insert(120, missing[0].clone());
    ff.insert(180, missing[1].clone());
    let list = write_list(&h, "ff.txt", &ff);
    let r4 = h.root().join("r4.jsonl");
    let out = run(
        kit(&h, false),
        &[
            "pin",
            "add",
            "--from",
            list.to_str().unwrap(),
            "--report",
            r4.to_str().unwrap(),
            "--fail-fast",
            "--timeout",
            "2s",
            "--jobs",
            "4",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--fail-fast: stopping after the failure on line 61"),
        "{err}"
    );
    let rep4 = report(&r4);
    assert_eq!(rep4.len(), ff.len(), "every item has a line");
    let failed: Vec<&Value> = rep4.iter().filter(|l| l["outcome"] == "failed").collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["line"], 61);
    assert_eq!(failed[0]["path"], bad_path.as_str());
    let ok = rep4.iter().filter(|l| l["outcome"] == "ok").count();
    let skipped = rep4.iter().filter(|l| l["outcome"] == "skipped").count();
    // Items sent before the failure on line 61 was seen finish: the other jobs' (3), plus
    // any a job took up after finishing before line 61's answer was read (a few, under load).
    assert!((60..=68).contains(&ok), "{ok} ok");
    assert_eq!(ok + skipped + 1, ff.len());
    add(&h, &missing_files, false);
    let out = run(
        kit(&h, false),
        &[
            "pin",
            "add",
            "--from",
            list.to_str().unwrap(),
            "--resume",
            r4.to_str().unwrap(),
            "--report",
            r4.to_str().unwrap(),
            "--timeout",
            "10s",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{ok} of {} done before", ff.len())),
        "{err}"
    );
    assert!(err.contains("failed 1, skipped 0"), "{err}");
    let rep4b = report(&r4);
    assert_eq!(
        rep4b.len(),
        ff.len() + (ff.len() - ok),
        "appended only the rest"
    );
    let now = recursive_pins(&h);
    assert!(
        ff.iter()
            .filter(|c| **c != bad_path)
            .all(|c| now.contains(c))
    );
}

#[test]
fn ctrl_c_mid_run_leaves_a_complete_report_that_resumes() {
    let h = Harness::kubo();
    let good = add(&h, &files(&h, 20, "good"), false);
    let slow_files = files(&h, 30, "slow");
    let slow = add(&h, &slow_files, true);
    let all: Vec<String> = good.iter().chain(&slow).cloned().collect();
    let list = write_list(&h, "list.txt", &all);
    let r = h.root().join("r.jsonl");
    let child = kit(&h, false)
        .args([
            "pin",
            "add",
            "--from",
            list.to_str().unwrap(),
            "--report",
            r.to_str().unwrap(),
        ])
        .args(["--jobs", "2", "--timeout", "60s"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // The 20 good ones finish; then both jobs wait on content nobody has.
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&r).map_or(0, |t| t.lines().count()) < 20 {
        assert!(Instant::now() < deadline, "the good items never finished");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("SIGINT");
    let out = child.wait_with_output().expect("wait");
    assert!(
        sent.elapsed() < Duration::from_secs(10),
        "took {:?}",
        sent.elapsed()
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    let rep = report(&r);
    assert_eq!(rep.len(), all.len(), "one line per item: {rep:?}");
    let st = states(&rep);
    assert!(good.iter().all(|c| st[c] == "ok"));
    assert!(slow.iter().all(|c| st[c] == "skipped"));
    let cancelled = rep
        .iter()
        .filter(|l| {
            l["error"]
                .as_str()
                .is_some_and(|e| e.contains("cancelled in flight"))
        })
        .count();
    assert_eq!(cancelled, 2, "the two in flight were cancelled");
    let last = ipfs_kit::bulk::stats::read_last(&state_dir(&h))
        .expect("ok")
        .expect("some");
    assert!(last.interrupted);
    assert_eq!(last.exit_code, 130);

    // The content appears; the resumed run sends only the 30 left.
    add(&h, &slow_files, false);
    let r2 = h.root().join("r2.jsonl");
    let out = run(
        kit(&h, false),
        &[
            "pin",
            "add",
            "--from",
            list.to_str().unwrap(),
            "--resume",
            r.to_str().unwrap(),
            "--report",
            r2.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rep2 = report(&r2);
    assert_eq!(rep2.len(), 30);
    assert!(rep2.iter().all(|l| l["outcome"] == "ok"));
    let now = recursive_pins(&h);
    assert!(all.iter().all(|c| now.contains(c)));
}

#[test]
fn a_thousand_cids_through_cluster_with_replication_and_name_then_removed() {
    let h = Harness::full();
    let cids = add(&h, &files(&h, 1000, "c"), false);
    h.cluster_ctl(&["pin", "add", "--no-status", "--name", "before", &cids[0]]);
    let list = write_list(&h, "list.txt", &cids);
    let out = run(
        kit(&h, true),
        &[
            "pin",
            "add",
            "--from",
            list.to_str().unwrap(),
            "--replication-min",
            "1",
            "--replication-max",
            "1",
            "--name",
            "bulk-test",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("through cluster: pinned 999, already pinned 1"),
        "{err}"
    );
    let rep: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(rep.len(), 1000);
    assert!(
        rep.iter()
            .all(|l| l["via"] == "cluster" && l["outcome"] == "ok")
    );

    // Cluster's pinset has every one, with the name and replication asked for.
    let api = support::runtime().block_on(async {
        let url = format!(
            "{}allocations?filter=pin",
            h.cluster_api.as_ref().expect("api").url()
        );
        reqwest::get(url)
            .await
            .expect("get")
            .text()
            .await
            .expect("body")
    });
    let allocs: HashMap<String, Value> = api
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json");
            (v["cid"].as_str().expect("cid").to_string(), v)
        })
        .collect();
    assert_eq!(allocs.len(), 1000);
    assert_eq!(allocs[&cids[0]]["name"], "before", "left as it was");
    for c in &cids[1..] {
        let a = &allocs[c];
        assert_eq!(a["name"], "bulk-test");
        assert_eq!(a["replication_factor_min"], 1);
        assert_eq!(a["replication_factor_max"], 1);
    }
    // Cluster pins into Kubo on its own: `ipfs pin ls` agrees once it has.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let pinned = recursive_pins(&h);
        let n = cids.iter().filter(|c| pinned.contains(*c)).count();
        if n == cids.len() {
            break;
        }
        assert!(Instant::now() < deadline, "Kubo has {n} of the 1000 pins");
        std::thread::sleep(Duration::from_millis(500));
    }

    let out = run(
        kit(&h, true),
        &[
            "pin",
            "rm",
            "--from",
            list.to_str().unwrap(),
            "--jobs",
            "16",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("through cluster: unpinned 1000, not pinned 0"),
        "{err}"
    );
    assert!(h.cluster_ctl(&["pin", "ls"]).trim().is_empty());
}
