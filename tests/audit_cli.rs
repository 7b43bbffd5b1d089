//! Every `audit-analytics` command on a generated 100k-event history (both schemas, plus
//! torn and garbage lines), its figures checked against the slow reference in audit_ref/.

mod audit_ref;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use audit_ref::Ev;
use ipfs_kit_audit::generator::{self, GenConfig, Injected, InjectedKind};
use serde_json::Value;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

struct Fixture {
    _dir: tempfile::TempDir,
    file: PathBuf,
    state: PathBuf,
    evs: Vec<Ev>,
    injected: Vec<Injected>,
}

/// One 100k file shared by every test (generated once per test binary).
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("history.jsonl");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).expect("create"));
        let injected = generator::generate(&GenConfig::with_events(7, 100_000), |e| {
            generator::write_line(&mut w, &e).expect("write");
        });
        // Garbage, a line without a time, and a torn last line.
        writeln!(w, "not json at all").expect("write");
        writeln!(w, r#"{{"action": "login", "user_id": "x"}}"#).expect("write");
        write!(w, r#"{{"timestamp": 17"#).expect("write");
        w.flush().expect("flush");
        drop(w);
        let text = std::fs::read_to_string(&file).expect("read");
        let (evs, bad) = audit_ref::read(&text);
        assert_eq!(bad, 3);
        assert!(evs.len() > 99_000, "{}", evs.len());
        let state = dir.path().join("state");
        Fixture {
            _dir: dir,
            file,
            state,
            evs,
            injected,
        }
    })
}

fn cli(f: &Fixture) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear()
        .env("HOME", f.state.join("home"))
        .env("IPFS_KIT_STATE_DIR", &f.state)
        .env("TZ", "UTC")
        .arg("audit-analytics");
    c
}

fn json(f: &Fixture, args: &[&str]) -> Value {
    let out = cli(f)
        .args(args)
        .arg("--file")
        .arg(&f.file)
        .arg("--json")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], args[0]);
    assert_eq!(
        doc["input"]["load"]["bad_lines"], 3,
        "{}",
        doc["input"]["load"]
    );
    doc
}

fn ms(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("time"))
        .expect("rfc3339")
        .timestamp_millis()
}

fn by_id(f: &Fixture) -> BTreeMap<&str, &Ev> {
    f.evs
        .iter()
        .filter_map(|e| Some((e.id.as_deref()?, e)))
        .collect()
}

#[test]
fn bad_lines_are_reported_with_file_and_line_on_stderr() {
    let f = fixture();
    let out = cli(f)
        .args(["stats", "--file"])
        .arg(&f.file)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("skipped 3 bad line(s)"), "{err}");
    let lines = std::fs::read_to_string(&f.file)
        .expect("read")
        .lines()
        .count();
    assert!(
        err.contains(&format!("{}:{}:", f.file.display(), lines)),
        "the torn last line is named: {err}"
    );
}

#[test]
fn stats_match_the_reference_for_every_group() {
    let f = fixture();
    let doc = json(f, &["stats", "--group-by", "action", "--top", "0"]);
    let want = audit_ref::group_by(&f.evs, |e| e.action.clone());
    let groups = doc["result"]["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), want.len());
    assert_eq!(doc["result"]["total_events"], f.evs.len());
    for g in groups {
        let key = g["key"].as_str().expect("key");
        let r = &want[key];
        assert_eq!(g["count"], r.count, "{key}");
        assert_eq!(g["failures"], r.failures, "{key}");
        assert_eq!(g["unique_users"], r.users.len(), "{key}");
        let pct = 100.0 * r.count as f64 / f.evs.len() as f64;
        assert!(
            (g["percentage"].as_f64().expect("pct") - pct).abs() < 1e-6,
            "{key}"
        );
        let rate = r.failures as f64 / r.count as f64;
        assert!(
            (g["failure_rate"].as_f64().expect("rate") - rate).abs() < 1e-9,
            "{key}"
        );
        assert_eq!(ms(&g["first_seen"]), r.first, "{key}");
        assert_eq!(ms(&g["last_seen"]), r.last, "{key}");
        for (field, p) in [
            ("duration_p50_ms", 50.0),
            ("duration_p95_ms", 95.0),
            ("duration_p99_ms", 99.0),
        ] {
            assert_eq!(
                g[field].as_u64(),
                audit_ref::percentile(&r.durations, p),
                "{key} {field}"
            );
        }
    }
}

#[test]
fn stats_by_user_inside_a_time_range() {
    let f = fixture();
    let from = f.evs[0].t + 3 * DAY;
    let to = from + 2 * DAY;
    let iso = |t: i64| {
        chrono::DateTime::from_timestamp_millis(t)
            .expect("time")
            .to_rfc3339()
    };
    let doc = json(
        f,
        &[
            "stats",
            "--group-by",
            "user",
            "--top",
            "0",
            "--since",
            &iso(from),
            "--until",
            &iso(to),
        ],
    );
    let inside: Vec<Ev> = f
        .evs
        .iter()
        .filter(|e| e.t >= from && e.t < to)
        .cloned()
        .collect();
    assert_eq!(doc["range"]["events"], inside.len());
    let want = audit_ref::group_by(&inside, |e| e.user.clone().unwrap_or_default());
    for g in doc["result"]["groups"].as_array().expect("groups") {
        let key = g["key"].as_str().expect("key");
        assert_eq!(g["count"], want[key].count, "{key}");
    }
}

#[test]
fn daily_failure_trend_matches_the_reference() {
    let f = fixture();
    let doc = json(f, &["trends", "--metric", "failures", "--period", "daily"]);
    let t0 = f.evs[0].t - f.evs[0].t.rem_euclid(DAY);
    let days = ((f.evs.last().expect("events").t - t0) / DAY + 1) as usize;
    let mut want = vec![0.0; days];
    for e in f.evs.iter().filter(|e| e.failed) {
        want[((e.t - t0) / DAY) as usize] += 1.0;
    }
    let buckets = doc["result"]["buckets"].as_array().expect("buckets");
    let got: Vec<f64> = buckets
        .iter()
        .map(|b| b["value"].as_f64().expect("v"))
        .collect();
    assert_eq!(got, want);
    assert_eq!(ms(&buckets[0]["start"]), t0);
    assert_eq!(buckets[1]["change"].as_f64(), Some(want[1] - want[0]));
    let slope = doc["result"]["slope"].as_f64().expect("slope");
    assert!((slope - audit_ref::slope(&want)).abs() < 1e-9, "{slope}");
}

#[test]
fn off_hours_patterns_count_each_users_night_events() {
    let f = fixture();
    let doc = json(f, &["patterns", "--type", "off_hours_activity"]);
    let found = doc["result"].as_array().expect("patterns");
    assert!(!found.is_empty());
    let night = |e: &Ev| {
        let h = (e.t.rem_euclid(DAY) / HOUR) as u32;
        !(6..22).contains(&h)
    };
    let ids = by_id(f);
    for p in found {
        assert_eq!(p["id"], "off_hours_activity");
        let user = p["key"].as_str().expect("key");
        let want = f
            .evs
            .iter()
            .filter(|e| e.user.as_deref() == Some(user) && night(e))
            .count();
        assert_eq!(p["occurrences"], want, "{user}");
        for s in p["sample_event_ids"].as_array().expect("samples") {
            let e = ids[s.as_str().expect("id")];
            assert!(night(e) && e.user.as_deref() == Some(user), "{s}");
        }
    }
    // --confidence filters: every finding at or above it, and fewer than without it.
    let all = json(f, &["patterns"]);
    let high = json(f, &["patterns", "--confidence", "0.9"]);
    let high = high["result"].as_array().expect("patterns");
    assert!(high.iter().all(|p| p["confidence"].as_f64() >= Some(0.9)));
    assert!(high.len() < all["result"].as_array().expect("patterns").len());
}

#[test]
fn anomalies_find_the_injected_ones_with_true_counts() {
    let f = fixture();
    let doc = json(f, &["anomalies"]);
    let list = doc["result"].as_array().expect("anomalies");
    for a in list.iter().filter(|a| a["kind"] == "hourly_volume") {
        let (from, to) = (ms(&a["bucket_start"]), ms(&a["bucket_end"]));
        let n = f.evs.iter().filter(|e| e.t >= from && e.t < to).count();
        assert_eq!(a["observed"].as_f64(), Some(n as f64), "{a}");
        let (lo, hi) = (
            a["expected_low"].as_f64().expect("lo"),
            a["expected_high"].as_f64().expect("hi"),
        );
        assert!(
            (n as f64) < lo || (n as f64) > hi,
            "an anomaly lies outside its range: {a}"
        );
    }
    // Every injected anomaly is found: an anomaly overlapping its time (and naming its
    // subject, when it has one).
    for inj in &f.injected {
        let hit = list.iter().any(|a| {
            let (from, to) = (ms(&a["bucket_start"]), ms(&a["bucket_end"]));
            let overlaps = from < inj.end_ms && inj.start_ms < to;
            let subject = match (inj.kind, &inj.subject) {
                (InjectedKind::UserGoneWild | InjectedKind::FailureSpike, Some(s)) => {
                    a["subject"].as_str() == Some(s.as_str())
                }
                _ => true,
            };
            overlaps && subject
        });
        assert!(
            hit,
            "injected {inj:?} not found among {} anomalies",
            list.len()
        );
    }
}

/// An event whose time no other event shares (ties make "after" ambiguous).
fn lone_event(f: &Fixture, pick: impl Fn(&Ev) -> bool) -> &Ev {
    let mut count: BTreeMap<i64, usize> = BTreeMap::new();
    for e in &f.evs {
        *count.entry(e.t).or_default() += 1;
    }
    f.evs
        .iter()
        .skip(f.evs.len() / 2)
        .find(|e| e.id.is_some() && count[&e.t] == 1 && pick(e))
        .expect("an event")
}

#[test]
fn correlate_scores_every_event_in_the_window() {
    let f = fixture();
    let e = lone_event(f, |e| e.action == "pin.add");
    let id = e.id.as_deref().expect("id");
    let doc = json(
        f,
        &[
            "correlate",
            "--event-id",
            id,
            "--window",
            "300s",
            "--threshold",
            "0.3",
            "--max-results",
            "100000",
        ],
    );
    let mut want: Vec<(String, f64)> = f
        .evs
        .iter()
        .filter(|o| o.id.as_deref() != Some(id) && (o.t - e.t).abs() <= 300_000)
        .map(|o| (o.id.clone().unwrap_or_default(), audit_ref::score(e, o)))
        .filter(|(_, s)| *s >= 0.3)
        .collect();
    want.sort_by(|a, b| a.0.cmp(&b.0));
    let mut got: Vec<(String, f64)> = doc["result"]["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| {
            (
                r["event_id"].as_str().expect("id").to_string(),
                r["score"].as_f64().expect("score"),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn timeline_lists_the_operation_in_order() {
    let f = fixture();
    let mut ops: BTreeMap<&str, Vec<&Ev>> = BTreeMap::new();
    for e in &f.evs {
        if let Some(o) = &e.operation {
            ops.entry(o).or_default().push(e);
        }
    }
    let (op, evs) = ops
        .iter()
        .max_by_key(|(_, v)| v.len())
        .expect("an operation");
    let doc = json(f, &["timeline", "--operation-id", op]);
    let r = &doc["result"];
    assert_eq!(r["count"], evs.len());
    assert_eq!(ms(&r["start"]), evs[0].t);
    assert_eq!(ms(&r["end"]), evs[evs.len() - 1].t);
    assert_eq!(r["duration_ms"], evs[evs.len() - 1].t - evs[0].t);
    let times: Vec<i64> = r["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| ms(&e["time"]))
        .collect();
    let want: Vec<i64> = evs.iter().map(|e| e.t).collect();
    assert_eq!(times, want);
    // An unknown operation is a data error (65), saying how to list them.
    let out = cli(f)
        .args(["timeline", "--operation-id", "no-such-op", "--file"])
        .arg(&f.file)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--group-by operation"));
}

#[test]
fn causation_chain_runs_back_in_time_with_the_documented_confidence() {
    let f = fixture();
    let e = lone_event(f, |e| e.failed);
    let doc = json(
        f,
        &[
            "causation",
            "--event-id",
            e.id.as_deref().expect("id"),
            "--max-depth",
            "5",
        ],
    );
    let chain = doc["result"]["chain"].as_array().expect("chain");
    assert_eq!(
        chain.last().expect("effect")["event_id"],
        e.id.as_deref().expect("id")
    );
    let times: Vec<i64> = chain.iter().map(|l| ms(&l["time"])).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let ids = by_id(f);
    let scores: Vec<f64> = chain[..chain.len() - 1]
        .iter()
        .map(|l| l["score"].as_f64().expect("s"))
        .collect();
    // Each link's score is the documented cause score of it for the event after it.
    for w in chain.windows(2) {
        let (a, b) = (
            ids[w[0]["event_id"].as_str().expect("id")],
            ids[w[1]["event_id"].as_str().expect("id")],
        );
        assert_eq!(
            w[0]["score"].as_f64(),
            audit_ref::cause_score(a, b),
            "{} → {}",
            w[0],
            w[1]
        );
    }
    // The direct cause is the best of the first backward minute-window holding any.
    let best = (1..=5).find_map(|d| {
        f.evs
            .iter()
            .filter(|c| c.t < e.t && c.t >= e.t - d * 60_000)
            .filter_map(|c| audit_ref::cause_score(c, e))
            .max_by(f64::total_cmp)
    });
    assert!(best.is_some(), "a failure in busy traffic has a cause");
    assert_eq!(scores.last().copied(), best);
    let want = if scores.is_empty() {
        0.0
    } else {
        scores.iter().sum::<f64>() / scores.len() as f64 / (1.0 + 0.1 * (scores.len() - 1) as f64)
    };
    assert!((doc["result"]["confidence"].as_f64().expect("c") - want).abs() < 1e-9);
}

#[test]
fn impact_counts_what_followed() {
    let f = fixture();
    let e = lone_event(f, |e| e.action == "login" && e.failed);
    let doc = json(
        f,
        &[
            "impact",
            "--event-id",
            e.id.as_deref().expect("id"),
            "--window",
            "600s",
        ],
    );
    let after: Vec<&Ev> = f
        .evs
        .iter()
        .filter(|o| o.t > e.t && o.t <= e.t + 600_000 && audit_ref::score(e, o) >= 0.3)
        .collect();
    let r = &doc["result"];
    assert_eq!(r["downstream_events"], after.len());
    assert_eq!(
        r["downstream_failures"],
        after.iter().filter(|o| o.failed).count()
    );
    // A failed login: +0.2 failed, +0.3 security.
    let want = (0.1 * after.len() as f64).min(0.4)
        + (0.15 * after.iter().filter(|o| o.failed).count() as f64).min(0.3)
        + 0.5;
    assert!(
        (r["score"].as_f64().expect("score") - want.min(1.0)).abs() < 1e-9,
        "{r}"
    );
}

#[test]
fn compliance_counts_every_violation() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        r#"[policy]
name = "test"
[[rules]]
id = "no-restarts"
description = "daemons are not restarted by hand"
kind = "forbidden_actions"
actions = ["daemon.restart"]
weight = 2.0
severity = "high"

[[rules]]
id = "no-deletes"
description = "nothing is deleted"
kind = "forbidden_actions"
actions = ["file.delete"]
weight = 1.0
severity = "low"
"#,
    )
    .expect("write");
    let doc = json(
        f,
        &[
            "compliance",
            "--policy",
            policy.to_str().expect("path"),
            "--max-violations",
            "10",
        ],
    );
    let r = &doc["result"];
    let restarts = f
        .evs
        .iter()
        .filter(|e| e.action == "daemon.restart")
        .count();
    assert_eq!(r["violations_total"], restarts);
    assert_eq!(
        r["violations"].as_array().expect("v").len(),
        10.min(restarts)
    );
    let rules = r["rules"].as_array().expect("rules");
    assert_eq!(rules[0]["outcome"], "fail");
    assert_eq!(rules[1]["outcome"], "pass");
    // Weighted: 1 of 3 weight passes; unweighted: 1 of 2 rules.
    assert!(
        (r["score"].as_f64().expect("score") - 100.0 / 3.0).abs() < 1e-6,
        "{r}"
    );
    assert!((r["score_unweighted"].as_f64().expect("score") - 50.0).abs() < 1e-6);
    assert_eq!(r["band"], "poor");
}

#[test]
fn a_broken_policy_names_file_line_and_column() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("bad.toml");
    std::fs::write(
        &policy,
        "[policy]\nname = \"x\"\n[[rules]]\nid = \"r\"\nkind = \"no_such_kind\"\n",
    )
    .expect("write");
    let out = cli(f)
        .args(["compliance", "--policy"])
        .arg(&policy)
        .arg("--file")
        .arg(&f.file)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{err}");
    assert!(err.contains(&format!("{}:5:8:", policy.display())), "{err}");
}

#[test]
fn reports_csv_round_trips_and_html_shows_the_heat_map() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("activity.csv");
    let out = cli(f)
        .args([
            "report", "--type", "activity", "--format", "csv", "--output",
        ])
        .arg(&csv)
        .arg("--file")
        .arg(&f.file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = ipfs_kit_audit::report::csv_parse(&std::fs::read_to_string(&csv).expect("csv"));
    let want = audit_ref::group_by(&f.evs, |e| e.action.clone());
    let head = &rows[0];
    let (sec, key, count) = (
        head.iter().position(|h| h == "section").expect("section"),
        head.iter().position(|h| h == "key").expect("key"),
        head.iter().position(|h| h == "count").expect("count"),
    );
    let actions: Vec<&Vec<String>> = rows.iter().filter(|r| r[sec] == "action").collect();
    assert!(!actions.is_empty());
    for r in actions {
        assert_eq!(r[count], want[&r[key]].count.to_string(), "{}", r[key]);
    }

    let html = dir.path().join("heatmap.html");
    let out = cli(f)
        .args([
            "report", "--type", "heatmap", "--format", "html", "--output",
        ])
        .arg(&html)
        .arg("--file")
        .arg(&f.file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..40]);
    assert!(page.contains("<svg") && page.contains("</html>"));
    assert!(!page.contains("<script src"), "no scripts from the network");

    // The heat map's cells are the reference's counts per weekday × hour.
    let doc = json(f, &["report", "--type", "heatmap"]);
    let mut week = [[0u64; 24]; 7];
    for e in &f.evs {
        let d = chrono::DateTime::from_timestamp_millis(e.t).expect("time");
        use chrono::{Datelike, Timelike};
        week[d.weekday().num_days_from_monday() as usize][d.hour() as usize] += 1;
    }
    let got: Vec<Vec<u64>> =
        serde_json::from_value(doc["result"]["data"]["week"].clone()).expect("week");
    assert_eq!(got, week.iter().map(|r| r.to_vec()).collect::<Vec<_>>());
}

#[test]
fn stdin_and_gzip_read_the_same_events() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let gz = dir.path().join("history.1.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).expect("gz"),
        flate2::Compression::fast(),
    );
    enc.write_all(&std::fs::read(&f.file).expect("read"))
        .expect("gzip");
    enc.finish().expect("finish");
    let count = |args: &[&str], stdin: Option<&Path>| {
        let mut c = cli(f);
        c.args(["stats", "--json"]).args(args);
        if let Some(p) = stdin {
            c.stdin(std::fs::File::open(p).expect("open"));
        }
        let out = c.output().expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["result"]["total_events"].as_u64().expect("total")
    };
    let n = f.evs.len() as u64;
    assert_eq!(count(&["--file", gz.to_str().expect("p")], None), n);
    assert_eq!(count(&["--file", "-"], Some(&f.file)), n);
    // --file repeats: both read.
    let both = count(
        &[
            "--file",
            gz.to_str().expect("p"),
            "--file",
            f.file.to_str().expect("p"),
        ],
        None,
    );
    assert_eq!(both, 2 * n);
}

#[test]
fn the_committed_schema_is_current_and_describes_every_command() {
    let f = fixture();
    let out = cli(f).arg("schema").output().expect("run");
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/audit-analytics.schema.json"
    ))
    .expect("assets/audit-analytics.schema.json");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        committed,
        "assets/audit-analytics.schema.json is stale: run `cargo run -- audit-analytics schema > assets/audit-analytics.schema.json`"
    );
    for cmd in [
        "patterns",
        "anomalies",
        "correlate",
        "timeline",
        "causation",
        "impact",
        "compliance",
        "stats",
        "trends",
        "report",
    ] {
        assert!(
            committed.contains(&format!("\"{cmd}\"")),
            "schema lacks {cmd}"
        );
    }
}
