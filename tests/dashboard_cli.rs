//! `ipfs-kit dashboard …` against a real Kubo + Cluster: every subcommand runs; the widget
//! data equals what the tab converters build for the screen from the same snapshot (a real
//! collector's, with its rings, handed to the CLI as `--snapshot FILE`); charts agree between
//! JSON and CSV; operations filter a real history file; the wizard's dry run writes nothing
//! and --apply writes; completions source in bash and the man page parses in groff.

mod support;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use ipfs_kit::collector::Collector;
use ipfs_kit::config::{self, Config, Overrides};
use ipfs_kit::dashboard::registry;
use ipfs_kit::model::{History, Series, SourceState};
use ipfs_kit::tui::convert as cv;
use ipfs_kit::tui::model::{BarsKind, CounterKind, ListKind, MetricKind, Model, SparkKind, Src};
use serde_json::Value;
use support::{Harness, NO_HOST_DISK_ALERT, TestEnv, runtime};

fn env(h: &Harness) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("HOME", h.root().join("home").display().to_string()),
        (
            "XDG_CONFIG_HOME",
            h.root().join("config").display().to_string(),
        ),
        (
            "XDG_STATE_HOME",
            h.root().join("state").display().to_string(),
        ),
        ("IPFS_KIT_KUBO_API", h.kubo_api.to_string()),
    ];
    if let Some(api) = &h.cluster_api {
        v.push(("IPFS_KIT_CLUSTER_API", api.to_string()));
    }
    v
}

fn kit(h: &Harness) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env(h));
    c
}

fn cfg(h: &Harness) -> Config {
    let ov = Overrides {
        interval: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    config::load(&ov, &TestEnv(env(h))).expect("config")
}

/// Runs `ipfs-kit dashboard ARGS`; (exit code, stdout, stderr).
fn dash(h: &Harness, args: &[&str]) -> (i32, String, String) {
    let out = kit(h).arg("dashboard").args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dash_json(h: &Harness, args: &[&str]) -> Value {
    let (code, out, err) = dash(h, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}

/// A real collector's snapshot once its rings hold a few points, written as the CLI's
/// `--snapshot` document: the `--once --json` fields plus the rings under `history`.
fn collected_snapshot(h: &Harness, file: &Path) {
    let cfg = cfg(h);
    runtime().block_on(async {
        let collector = Collector::spawn(&cfg);
        let mut rx = collector.snapshots.clone();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let snap = rx.borrow().clone();
            if snap.kubo.state == SourceState::Ok
                && snap.cluster.state == SourceState::Ok
                && snap.host.state == SourceState::Ok
                && snap.history.ring(Series::KuboPeers).len() >= 4
                && snap.history.ring(Series::HostCpuPercent).len() >= 4
            {
                let mut doc = serde_json::to_value(&*snap).expect("json");
                doc["history"] = serde_json::to_value(snap.history.save()).expect("rings");
                std::fs::write(file, serde_json::to_string(&doc).expect("json")).expect("write");
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no full snapshot in 30 s: {}",
                serde_json::to_string(&*snap).unwrap_or_default()
            );
            let _ = tokio::time::timeout(Duration::from_secs(2), rx.changed()).await;
        }
    });
}

/// The Model the test builds itself from the document: the screen's converters then run on
/// exactly the snapshot the CLI was given.
fn model_of(cfg: &Config, file: &Path) -> Model {
    let text = std::fs::read_to_string(file).expect("read");
    let (mut snap, rings) = ipfs_kit::dashboard::source::parse(&text).expect("snapshot");
    snap.history = Arc::new(History::from_saved(&rings.expect("rings"), cfg.history));
    Model::new(
        ipfs_kit::tui::AppInfo::default(),
        ipfs_kit::tui::theme::select(None, false, None),
        Arc::new(snap),
        (200, 60),
    )
}

#[test]
fn widget_data_is_what_the_tabs_draw_from_the_same_snapshot_and_charts_agree() {
    let h = Harness::full();
    h.write_config(NO_HOST_DISK_ALERT);
    let cids = h.add_files(3, "dash");
    for c in &cids {
        h.cluster_ctl(&["pin", "add", c]);
    }
    let file = h.root().join("snapshot.json");
    collected_snapshot(&h, &file);
    let snap_arg = file.to_str().expect("utf-8");
    let m = model_of(&cfg(&h), &file);

    // `widgets --json` lists every id of the registry, each with its kind and tabs.
    let list = dash_json(&h, &["widgets", "--json"]);
    let ids: Vec<&str> = list["widgets"]
        .as_array()
        .expect("widgets")
        .iter()
        .map(|w| w["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, registry::ids());
    for id in [
        "overview.health",
        "node.bandwidth",
        "cluster.peers",
        "host.cpu",
        "alerts.firing",
        "operations.history",
        "performance.latency",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let (code, human, _) = dash(&h, &["widgets"]);
    assert_eq!(code, 0);
    assert!(
        human.contains("overview.health") && human.contains("health"),
        "{human}"
    );

    // Same snapshot, same view: the CLI's JSON against the converters run here.
    let expected: Vec<(&str, Value)> = vec![
        ("overview.health", serde_json::to_value(cv::health_view(&m))),
        (
            "overview.alerts",
            serde_json::to_value(cv::alert_view(&m, ListKind::Alerts)),
        ),
        (
            "overview.activity",
            serde_json::to_value(cv::heatmap_view(&m)),
        ),
        (
            "node.status",
            serde_json::to_value(cv::status_view(&m, Src::Kubo)),
        ),
        (
            "cluster.status",
            serde_json::to_value(cv::status_view(&m, Src::Cluster)),
        ),
        (
            "host.status",
            serde_json::to_value(cv::status_view(&m, Src::Host)),
        ),
        (
            "node.peer_count",
            serde_json::to_value(cv::counter_view(&m, CounterKind::KuboPeers)),
        ),
        (
            "cluster.pin_count",
            serde_json::to_value(cv::counter_view(&m, CounterKind::ClusterPins)),
        ),
        (
            "node.repo",
            serde_json::to_value(cv::metric_view(&m, MetricKind::Repo)),
        ),
        (
            "host.cpu",
            serde_json::to_value(cv::metric_view(&m, MetricKind::Cpu)),
        ),
        (
            "node.bandwidth_in",
            serde_json::to_value(cv::spark_view(&m, SparkKind::BwIn, 60)),
        ),
        (
            "host.cpu_history",
            serde_json::to_value(cv::spark_view(&m, SparkKind::Cpu, 60)),
        ),
        (
            "cluster.pin_status",
            serde_json::to_value(cv::bars_view(&m, BarsKind::PinStatus)),
        ),
        (
            "host.cores",
            serde_json::to_value(cv::bars_view(&m, BarsKind::Cores)),
        ),
        (
            "node.bandwidth",
            serde_json::to_value(cv::bandwidth_view(&m)),
        ),
        (
            "cluster.peers",
            serde_json::to_value(cv::table_view(&m, ListKind::ClusterPeers)),
        ),
        (
            "host.disks",
            serde_json::to_value(cv::table_view(&m, ListKind::Disks)),
        ),
    ]
    .into_iter()
    // Through JSON text as the CLI's are: serde_json's float parsing may differ from the
    // f64 by an ulp, both sides the same way.
    .map(|(id, v)| {
        let text = serde_json::to_string(&v.expect("view json")).expect("text");
        (id, serde_json::from_str(&text).expect("json"))
    })
    .collect();
    for (id, want) in &expected {
        let got = dash_json(
            &h,
            &[
                "widget-data",
                "--widget-id",
                id,
                "--snapshot",
                snap_arg,
                "--json",
            ],
        );
        assert_eq!(got["widget"]["id"], *id);
        assert_eq!(got["origin"]["from"], "given", "{got}");
        assert_eq!(
            &got["view"], want,
            "{id}: the CLI's view differs from the screen's"
        );
    }
    // The figures are the node's, not empty defaults.
    let status = &expected[3].1;
    assert_eq!(status["state"], "running", "{status}");
    let pins = &expected[12].1;
    let pinned: f64 = pins["bars"]
        .as_array()
        .expect("bars")
        .iter()
        .map(|b| b["value"].as_f64().unwrap_or(0.0))
        .sum();
    assert!(pinned >= 3.0, "{pins}");
    let spark = &expected[11].1;
    assert_eq!(spark["values"].as_array().map(Vec::len), Some(60));
    assert!(
        spark["values"]
            .as_array()
            .expect("values")
            .iter()
            .filter(|v| v.is_number())
            .count()
            >= 1,
        "{spark}"
    );

    // Every widget prints, as JSON and drawn as text, from a collection of its own too.
    for id in registry::ids() {
        let got = dash_json(
            &h,
            &[
                "widget-data",
                "--widget-id",
                id,
                "--snapshot",
                snap_arg,
                "--json",
            ],
        );
        assert!(got["view"].is_object(), "{id}: {got}");
        let (code, text, err) = dash(
            &h,
            &["widget-data", "--widget-id", id, "--snapshot", snap_arg],
        );
        assert_eq!(code, 0, "{id}: {err}");
        assert!(text.lines().count() >= 3, "{id}: {text}");
    }
    let pins = dash_json(
        &h,
        &[
            "widget-data",
            "--widget-id",
            "pins.list",
            "--refresh",
            "--json",
        ],
    );
    assert_eq!(pins["origin"]["from"], "collected");
    let rows = pins["view"]["rows"].as_array().expect("rows");
    for c in &cids {
        assert!(
            rows.iter()
                .any(|r| r["cells"].to_string().contains(c.as_str())),
            "{c} in {pins}"
        );
    }
    let collected = dash_json(&h, &["widget-data", "--widget-id", "node.status", "--json"]);
    assert_eq!(collected["view"]["state"], "running", "{collected}");
    assert_eq!(collected["view"]["peer_id"], status["peer_id"]);

    // An unknown id is a usage error naming the valid ones.
    let (code, _, err) = dash(&h, &["widget-data", "--widget-id", "no.such"]);
    assert_eq!(code, 64, "{err}");
    assert!(
        err.contains("overview.health") && err.contains("host.cpu"),
        "{err}"
    );

    // Charts: JSON and CSV agree; lines are the rings' points in time order.
    for (t, metric) in [
        ("line", "kubo.bandwidth"),
        ("line", "host.cpu"),
        ("scatter", "kubo.peers"),
        ("bar", "pins.status"),
        ("pie", "pins.status"),
        ("bar", "host.cores"),
        ("heatmap", "kubo.activity"),
    ] {
        let base = [
            "chart",
            "--type",
            t,
            "--metric",
            metric,
            "--snapshot",
            snap_arg,
        ];
        let json = dash_json(&h, &[&base[..], &["--format", "json"]].concat());
        let (code, csv, err) = dash(&h, &[&base[..], &["--format", "csv"]].concat());
        assert_eq!(code, 0, "{err}");
        csv_agrees(&json, &csv, t == "pie");
        let series = json["series"].as_array().expect("series");
        assert!(!series.is_empty(), "{t} {metric}: {json}");
        let points = series[0]["points"].as_array().expect("points");
        assert!(!points.is_empty(), "{t} {metric}: {json}");
        match t {
            "line" => {
                let ring = if metric == "host.cpu" {
                    Series::HostCpuPercent
                } else {
                    Series::KuboBwInRate
                };
                assert_eq!(points.len(), m.snap.history.ring(ring).len(), "{metric}");
                let xs: Vec<&str> = points
                    .iter()
                    .map(|p| p["x"].as_str().expect("time"))
                    .collect();
                assert!(xs.windows(2).all(|w| w[0] <= w[1]), "{xs:?}");
            }
            "scatter" => assert!(series[0]["trend"]["slope"].is_number(), "{json}"),
            "pie" => {
                let total: f64 = points
                    .iter()
                    .map(|p| p["percent"].as_f64().expect("%"))
                    .sum();
                assert!((total - 100.0).abs() < 1e-6, "{json}");
            }
            _ => {}
        }
    }
    for args in [
        &["chart", "--type", "line", "--metric", "no.such"][..],
        &["chart", "--type", "bar", "--metric", "kubo.peers"][..],
    ] {
        let (code, _, err) = dash(&h, args);
        assert_eq!(code, 64, "{args:?}: {err}");
        assert!(
            err.contains("pins.status") || err.contains("kubo.peers"),
            "{err}"
        );
    }

    // Status: the health in the header's words, exit code = the health status.
    let (code, out, err) = dash(&h, &["status", "--json", "--snapshot", snap_arg]);
    let s: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    assert_eq!(s["status"], "OK", "{s}");
    assert_eq!(code, 0);
    assert_eq!(s["sources"]["kubo"]["word"], "ok", "{s}");
    assert_eq!(s["sources"]["cluster"]["word"], "ok", "{s}");
    assert_eq!(s["widgets"], registry::WIDGETS.len());
    let (code, out, err) = dash(&h, &["status", "--refresh"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("OK score"), "{out}");
    assert!(out.contains("kubo") && out.contains("cluster"), "{out}");
}

/// The CSV has the JSON's x values and numbers, row by row.
fn csv_agrees(json: &Value, csv: &str, pie: bool) {
    let series = json["series"].as_array().expect("series");
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let mut want_head = vec!["x".to_string()];
    for s in series {
        let name = s["name"].as_str().expect("name").to_string();
        want_head.push(name.clone());
        if pie {
            want_head.push(format!("{name}_percent"));
        }
    }
    assert_eq!(head, want_head);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    for (i, s) in series.iter().enumerate() {
        let col = 1 + i * if pie { 2 } else { 1 };
        for p in s["points"].as_array().expect("points") {
            let x = match &p["x"] {
                Value::String(s) => s.clone(),
                v => format!("{}", v.as_f64().expect("x")),
            };
            let row = rows
                .iter()
                .find(|r| r[0] == x)
                .unwrap_or_else(|| panic!("{x} not in {csv}"));
            match p["y"].as_f64() {
                Some(y) => assert_eq!(row[col].parse::<f64>().ok(), Some(y), "{x}"),
                None => assert_eq!(row[col], "", "{x}"),
            }
            if pie {
                let pct = p["percent"].as_f64().expect("percent");
                assert_eq!(row[col + 1].parse::<f64>().ok(), Some(pct), "{x}");
            }
        }
    }
}

#[test]
fn operations_filter_a_real_history_and_the_wizard_writes_only_with_apply() {
    let h = Harness::kubo();
    h.write_config(NO_HOST_DISK_ALERT);
    // Real entries: two pins made and one unpin of a CID that is not pinned (fails).
    let cids = h.add_files(3, "ops");
    h.ipfs(&["pin", "rm", &cids[2]]);
    for c in &cids[..2] {
        let out = kit(&h).args(["pin", "add", c]).output().expect("pin");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = kit(&h)
        .args(["pin", "rm", &cids[2]])
        .output()
        .expect("unpin");
    assert!(!out.status.success(), "unpinning what is not pinned fails");

    let all = dash_json(&h, &["operations", "--json"]);
    let ops = all["operations"].as_array().expect("operations");
    let pin_ops: Vec<&Value> = ops
        .iter()
        .filter(|o| o["action"].as_str().is_some_and(|a| a.starts_with("pin.")))
        .collect();
    assert_eq!(pin_ops.len(), 3, "{all}");
    let (ok, failed) = (
        all["counts"]["ok"].as_u64(),
        all["counts"]["failed"].as_u64(),
    );
    assert!(ok >= Some(2) && failed >= Some(1), "{all}");
    assert_eq!(all["matched"].as_u64(), Some(ops.len() as u64));

    let failed_only = dash_json(&h, &["operations", "--status", "failed", "--json"]);
    let f = failed_only["operations"].as_array().expect("operations");
    assert!(
        !f.is_empty() && f.iter().all(|o| o["status"] == "failed"),
        "{failed_only}"
    );
    assert_eq!(failed_only["counts"]["ok"], 0);
    assert!(
        f.iter().any(|o| o["action"] == "pin.remove"),
        "{failed_only}"
    );

    let one = dash_json(
        &h,
        &["operations", "--limit", "1", "--hours", "1", "--json"],
    );
    assert_eq!(one["operations"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        one["matched"], all["matched"],
        "all of them are from the last hour"
    );
    assert_eq!(one["operations"][0], ops[0], "newest first");
    let (code, text, _) = dash(&h, &["operations", "--status", "ok"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("pin.add") && !text.contains("pin.remove"),
        "{text}"
    );

    // The operations heat map: the history by weekday and hour, through the audit analysis.
    let heat = dash_json(
        &h,
        &[
            "chart",
            "--type",
            "heatmap",
            "--metric",
            "operations",
            "--refresh",
        ],
    );
    let series = heat["series"].as_array().expect("series");
    assert_eq!(series.len(), 7, "{heat}");
    let events: f64 = series
        .iter()
        .flat_map(|s| s["points"].as_array().expect("points"))
        .filter_map(|p| p["y"].as_f64())
        .sum();
    assert!(events >= 3.0, "{heat}");

    // Wizards: listed with their templates; a dry run prints the diff and writes nothing.
    let wiz = dash_json(&h, &["list-wizards", "--json"]);
    let names: Vec<&str> = wiz["wizards"]
        .as_array()
        .expect("wizards")
        .iter()
        .map(|w| w["id"].as_str().expect("id"))
        .collect();
    assert_eq!(names, ["backend", "vfs", "monitoring"]);
    assert!(wiz.to_string().contains("monitoring_strict"), "{wiz}");

    let dir = tempfile::tempdir().expect("tempdir");
    // The config file the wizard writes: $XDG_CONFIG_HOME/ipfs-kit/config.toml, here a
    // directory of its own.
    let conf = dir.path().join("ipfs-kit/config.toml");
    let run = |extra: &[&str]| {
        let out = kit(&h)
            .env("XDG_CONFIG_HOME", dir.path())
            .args(["dashboard", "wizard", "--wizard-id", "monitoring"])
            .args(["--template", "monitoring_strict"])
            .args(extra)
            .output()
            .expect("wizard");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, diff, err) = run(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(diff.lines().any(|l| l.starts_with('+')), "a diff: {diff}");
    assert!(err.contains("--apply"), "{err}");
    assert!(!conf.exists(), "a dry run writes nothing");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);

    let (code, _, err) = run(&["--apply"]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(&conf).expect("written");
    let parsed: toml::Table = toml::from_str(&written).expect("valid TOML");
    assert!(!parsed.is_empty(), "{written}");
    // Applying again changes nothing more; the file stays valid config for ipfs-kit.
    let (code, _, err) = run(&["--apply"]);
    assert_eq!(code, 0, "{err}");
    let out = kit(&h)
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["--once", "--json"])
        .output()
        .expect("once");
    assert!(
        out.status.code().is_some_and(|c| c <= 3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    for (args, flag) in [
        (
            &["wizard", "--wizard-id", "nope", "--template", "x"][..],
            "backend, vfs, monitoring",
        ),
        (
            &[
                "wizard",
                "--wizard-id",
                "vfs",
                "--template",
                "monitoring_strict",
            ][..],
            "vfs_default",
        ),
    ] {
        let (code, _, err) = dash(&h, args);
        assert_eq!(code, 64, "{err}");
        assert!(err.contains(flag), "{err}");
    }
}

#[test]
fn completions_source_in_bash_and_the_man_page_parses() {
    let bin = env!("CARGO_BIN_EXE_ipfs-kit");
    let out = Command::new(bin)
        .args(["completions", "bash"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("ipfs-kit.bash");
    std::fs::write(&script, &out.stdout).expect("write");
    // Sourced, it registers a completion for ipfs-kit, which completes the subcommands.
    let check = format!(
        "source '{}' && complete -p ipfs-kit && COMP_WORDS=(ipfs-kit dash) COMP_CWORD=1 COMP_LINE='ipfs-kit dash' COMP_POINT=13 && \"$(complete -p ipfs-kit | sed -E 's/.*-F ([^ ]+).*/\\1/')\" ipfs-kit dash ipfs-kit && printf '%s\\n' \"${{COMPREPLY[@]}}\" && COMP_WORDS=(ipfs-kit dashboard '') COMP_CWORD=2 && \"$(complete -p ipfs-kit | sed -E 's/.*-F ([^ ]+).*/\\1/')\" ipfs-kit '' dashboard && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = Command::new("bash")
        .args(["-c", &check])
        .output()
        .expect("bash");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("-F _ipfs__kit ipfs-kit"), "{text}");
    let words: Vec<&str> = text.lines().collect();
    assert!(words.contains(&"dashboard"), "{text}");
    for sub in ["widget-data", "chart", "list-wizards", "status"] {
        assert!(words.contains(&sub), "{sub} in {text}");
    }

    for shell in ["zsh", "fish"] {
        let out = Command::new(bin)
            .args(["completions", shell])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("widget-data"),
            "{shell}: {text}"
        );
        // The shell itself parses it (scripts/test.sh installs zsh and fish).
        let file = dir.path().join(format!("ipfs-kit.{shell}"));
        std::fs::write(&file, &out.stdout).expect("write");
        let parse = Command::new(shell)
            .arg("-n")
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("{shell} is needed: apt-get install {shell} ({e})"));
        assert!(
            parse.status.success() && parse.stderr.is_empty(),
            "{shell} -n: {}",
            String::from_utf8_lossy(&parse.stderr)
        );
    }
    let out = Command::new(bin)
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(64));

    // The man page: groff parses it without a warning, and it documents the subcommands.
    let out = Command::new(bin).arg("man").output().expect("run");
    assert!(out.status.success());
    let roff = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH ipfs-kit"),
        "{roff}"
    );
    let groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-rLL=100n", "-P", "-cbou"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("groff is needed: apt-get install groff-base ({e})"));
    let out = feed(groff, roff.as_bytes());
    let page = String::from_utf8_lossy(&out.stdout);
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && warnings.trim().is_empty(),
        "{warnings}"
    );
    // groff justifies lines with extra spaces: compare words.
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    for text in [
        "ipfs-kit dashboard widget-data",
        "--widget-id",
        "ipfs-kit completions",
        "Exit codes",
    ] {
        assert!(page.contains(text), "{text} in the page:\n{page}");
    }
}

fn feed(mut child: std::process::Child, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    child.wait_with_output().expect("wait")
}
