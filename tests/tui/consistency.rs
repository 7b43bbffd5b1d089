//! One snapshot, every view: each tab is rendered from the same snapshot and the words they
//! show are compared with each other, with the header, the `--once` summary and the JSON
//! document (serde of the Snapshot) — alert counts by severity, source levels, daemon states.
//! Alerts come from the real built-in rules, as the collector evaluates them.

use std::collections::BTreeMap;

use ipfs_kit::alerts::{AlertEngine, Context, builtin_rules};
use ipfs_kit::model::DaemonState;
use ipfs_kit::model::{Health, Snapshot, SourceState};
use ipfs_kit::tui::Tab;
use ipfs_kit_widgets::Theme;

use crate::fixtures::{self, model_with};
use crate::{buffer, text};

/// The snapshot as the collector finishes it: rules evaluated, then health derived.
fn finish(mut s: Snapshot) -> Snapshot {
    let mut engine = AlertEngine::new(builtin_rules(), Context::default());
    engine.evaluate(&s, s.time);
    s.alerts = engine.active();
    s.health = Health::derive(&s, true);
    s
}

/// Every tab's text at 120x40.
fn screens(s: &Snapshot) -> BTreeMap<&'static str, String> {
    Tab::ALL
        .iter()
        .map(|tab| {
            let mut m = model_with(s.clone(), 120, 40, Theme::default());
            m.tab = *tab;
            (tab.title(), text(&buffer(&m)))
        })
        .collect()
}

/// The word after `label` and a glyph, e.g. `word_after(header, "Cluster ")` -> `degraded`.
fn word_after<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let rest = &line[line.find(label)? + label.len()..];
    let mut it = rest.split_whitespace();
    it.next()?; // the glyph
    it.next()
}

/// `(critical, warning)` from an alert widget's count line: `✖ 0 critical  ▲ 1 warning`.
fn widget_counts(screen: &str) -> (usize, usize) {
    let line = screen
        .lines()
        .find(|l| l.contains(" critical  ▲ "))
        .unwrap_or_else(|| panic!("no alert counts on:\n{screen}"));
    let n = |word: &str| -> usize {
        let before = &line[..line
            .find(word)
            .unwrap_or_else(|| panic!("{word} in {line}"))];
        before
            .split_whitespace()
            .last()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("a count before {word} in {line}"))
    };
    (n(" critical"), n(" warning"))
}

/// `(critical, warning)` of the firing rows of the Alerts tab's rule table.
fn alerts_tab_counts(screen: &str) -> (usize, usize) {
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains(" firing ") || l.contains(" acknowledged "))
        .filter(|l| !l.contains("• acknowledged")) // the alert history's event rows
        .collect();
    let count = |sev: &str| rows.iter().filter(|l| l.contains(sev)).count();
    (count("✖ critical"), count("▲ warning"))
}

/// `(critical, warning)` of the firing alerts in the JSON document.
fn json_counts(json: &serde_json::Value) -> (usize, usize) {
    let firing: Vec<&serde_json::Value> = json["alerts"]
        .as_array()
        .map(|a| a.iter().filter(|a| a["state"] == "firing").collect())
        .unwrap_or_default();
    let count = |sev: &str| firing.iter().filter(|a| a["severity"] == sev).count();
    (count("critical"), count("warning"))
}

/// The header's word for a source as the health level it must stand for.
fn level_of_word(word: &str) -> &'static str {
    match word {
        "ok" => "healthy",
        "degraded" => "degraded",
        "down" | "unhealthy" => "unhealthy",
        _ => "unknown",
    }
}

/// The Health panel's level word for `name` (`✔ healthy    Kubo`).
fn health_panel_level<'a>(screen: &'a str, name: &str) -> &'a str {
    const LEVELS: [&str; 4] = ["healthy", "degraded", "unhealthy", "unknown"];
    screen
        .lines()
        .skip(2) // the header and the tabs
        .find_map(|l| {
            let i = l.find(&format!("  {name} "))?;
            l[..i]
                .split_whitespace()
                .last()
                .filter(|w| LEVELS.contains(w))
        })
        .unwrap_or_else(|| panic!("no {name} in the Health panel:\n{screen}"))
}

/// Checks every agreement on one snapshot; returns the screens for case-specific checks.
fn check(what: &str, s: &Snapshot) -> BTreeMap<&'static str, String> {
    let screens = screens(s);
    let json = serde_json::to_value(s).expect("snapshot as JSON");
    let mut summary = Vec::new();
    ipfs_kit::cmd::once::write_summary(s, &mut summary).expect("summary");
    let summary = String::from_utf8(summary).expect("utf-8");

    // Alert counts: the Overview widget, the Alerts tab, the JSON and the exit code.
    let overview = &screens["Overview"];
    let counts = widget_counts(overview);
    assert_eq!(
        counts,
        alerts_tab_counts(&screens["Alerts"]),
        "{what}: Overview vs Alerts tab\n{overview}\n{}",
        screens["Alerts"]
    );
    assert_eq!(counts, json_counts(&json), "{what}: Overview vs JSON");
    let status = json["health"]["status"].as_str().unwrap_or_default();
    if counts.0 > 0 {
        assert_eq!(status, "CRITICAL", "{what}: a critical alert fires");
    } else if status == "CRITICAL" {
        assert_eq!(
            json["health"]["sources"]["kubo"]["level"], "unhealthy",
            "{what}: CRITICAL without a critical alert is Kubo unhealthy"
        );
    }

    // Source levels: every tab's header, the Health panel, the summary and the JSON.
    for (name, key) in [("Kubo", "kubo"), ("Cluster", "cluster"), ("Host", "host")] {
        let level = json["health"]["sources"][key]["level"]
            .as_str()
            .unwrap_or_default();
        let header = overview.lines().next().unwrap_or_default();
        let word = word_after(header, &format!("{name} "))
            .unwrap_or_else(|| panic!("{what}: no {name} in the header {header}"));
        assert_eq!(level_of_word(word), level, "{what}: header {name} {word}");
        for (tab, screen) in &screens {
            assert_eq!(
                screen.lines().next(),
                Some(header),
                "{what}: {tab}'s header differs"
            );
        }
        assert_eq!(
            health_panel_level(overview, name),
            level,
            "{what}: Health panel {name}"
        );
        let line = summary
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{what}: no {key} line in\n{summary}"));
        assert_eq!(
            line.split_whitespace().nth(1),
            Some(word),
            "{what}: summary {line}"
        );
    }

    // Daemon states: the Daemons tab, the Kubo/Cluster panels (when not serving) and the JSON.
    for d in json["daemons"].as_array().into_iter().flatten() {
        let name = d["name"].as_str().unwrap_or_default();
        let state = d["state"].as_str().unwrap_or_default();
        let row = screens["Daemons"]
            .lines()
            .find(|l| l.split_whitespace().nth(2) == Some(name))
            .unwrap_or_else(|| panic!("{what}: no {name} row\n{}", screens["Daemons"]));
        assert_eq!(row.split_whitespace().nth(1), Some(state), "{what}: {row}");
        let serving = matches!(json[name]["state"].as_str(), Some("ok" | "degraded"));
        let tab = if name == "kubo" { "Node" } else { "Cluster" };
        let panel = word_after(&screens[tab], "State ").unwrap_or_default();
        if !serving && state != "ready" && state != "degraded" {
            assert_eq!(panel, state, "{what}: {tab} panel vs Daemons tab");
        }
    }
    screens
}

/// A configured Cluster that does not answer: a warning, not a critical (issue 11 item 5).
#[test]
fn a_configured_cluster_down_is_one_warning_everywhere() {
    let mut s = fixtures::snapshot();
    s.cluster.state = SourceState::Down;
    s.cluster.data = None;
    s.cluster.error = Some("cannot connect to http://127.0.0.1:9094: Connection refused".into());
    let s = finish(s);
    assert_eq!(s.health.status.as_str(), "WARNING");
    let screens = check("cluster down", &s);
    assert_eq!(widget_counts(&screens["Overview"]), (0, 1));
}

/// A Cluster that answers but cannot reach its Kubo: degraded in the header too.
#[test]
fn a_cluster_degraded_by_an_alert_is_degraded_in_the_header() {
    let mut s = fixtures::snapshot();
    if let Some(c) = s.cluster.data.as_mut() {
        c.ipfs_error = Some("dial tcp 127.0.0.1:5001: connect: connection refused".into());
        c.alerts.clear();
    }
    let s = finish(s);
    let screens = check("cluster degraded", &s);
    assert!(
        screens["Overview"].contains("Cluster ▲ degraded"),
        "{}",
        screens["Overview"]
    );
}

/// Kubo killed with SIGKILL under the supervisor: the panel says what the Daemons tab says.
#[test]
fn a_crashed_kubo_is_backing_off_on_every_tab() {
    let mut s = fixtures::snapshot();
    s.kubo.state = SourceState::Down;
    s.kubo.stale = true;
    s.kubo.error = Some("cannot connect to http://127.0.0.1:5001: Connection refused".into());
    let mut kubo = fixtures::kubo_daemon();
    kubo.state = DaemonState::BackingOff;
    kubo.pid = None;
    kubo.uptime_secs = None;
    kubo.restarts = 1;
    kubo.last_exit = Some("killed by SIGKILL".into());
    let mut cluster = fixtures::cluster_daemon();
    cluster.state = DaemonState::Ready;
    s.daemons = vec![kubo, cluster];
    // The host's last sample may still list the dead Kubo: not its uptime any more.
    let s = finish(s);
    let screens = check("kubo crashed", &s);
    assert!(
        screens["Node"].contains("↻ backing-off"),
        "{}",
        screens["Node"]
    );
    assert!(!screens["Overview"].contains("stopped"));
    assert_eq!(s.daemon_uptime("kubo"), None);
    assert!(
        screens["Node"].contains("Uptime     n/a"),
        "{}",
        screens["Node"]
    );
    // The notice says what the supervisor does, not "start it yourself".
    let overview = screens["Overview"]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        overview.contains(
            "the supervisor is restarting it (backing-off, last exit: killed by SIGKILL)"
        ),
        "{overview}"
    );
}

/// A running Kubo whose repo is nearly full: critical, and the header says so.
#[test]
fn a_critical_alert_on_kubo_is_critical_everywhere() {
    let mut s = fixtures::snapshot();
    s.kubo.data = Some(fixtures::kubo_stats(0.97));
    s.daemons = fixtures::daemons();
    let s = finish(s);
    assert_eq!(s.health.status.as_str(), "CRITICAL");
    let screens = check("repo full", &s);
    assert_eq!(widget_counts(&screens["Overview"]).0, 1);
}
