//! Anomaly severities, statistics, trends, correlation, timeline, causation, impact,
//! compliance and reports on hand-built events.

mod common;
use common::*;

use ipfs_kit_audit::anomalies::{self, AnomalyConfig, AnomalyKind, Severity};
use ipfs_kit_audit::compliance::{self, Outcome, Policy};
use ipfs_kit_audit::correlate::{self, ImpactLevel};
use ipfs_kit_audit::report::{self, Format, Input, ReportKind};
use ipfs_kit_audit::stats::{self, GroupBy};
use ipfs_kit_audit::time::Local;
use ipfs_kit_audit::trends::{self, Metric, Period};
use ipfs_kit_audit::{Event, Status};

#[test]
fn anomaly_severities_with_zero_mad() {
    // 44 hours of exactly 25 events (MAD = 0), four of them replaced by 49, 64, 0 and 200.
    let special = [(10, 49), (15, 64), (20, 0), (30, 200)];
    let mut evs = Vec::new();
    for h in 0..44i64 {
        let n = special.iter().find(|s| s.0 == h).map_or(25, |s| s.1);
        for k in 0..n {
            evs.push(ok(&format!("h{h}-{k}"), T0 + h * H + k * 1000, "u", "read"));
        }
    }
    let ix = index(&evs);
    let found = anomalies::detect(&ix, 0..ix.len(), &AnomalyConfig::default());
    let hourly: Vec<_> = found
        .iter()
        .filter(|a| a.kind == AnomalyKind::HourlyVolume)
        .collect();
    let sev = |h: i64| {
        hourly
            .iter()
            .find(|a| a.bucket_start.timestamp_millis() == T0 + h * H)
            .map(|a| a.severity)
    };
    assert_eq!(sev(10), Some(Severity::Low));
    assert_eq!(sev(15), Some(Severity::Medium));
    assert_eq!(sev(20), Some(Severity::High));
    assert_eq!(sev(30), Some(Severity::Critical));
    assert_eq!(hourly.len(), 4, "{hourly:#?}");
    let silent = hourly.iter().find(|a| a.observed == 0.0).unwrap();
    assert!(silent.z < 0.0);
    assert!((silent.expected - 25.0).abs() < 1e-9);
    assert!(silent.expected_low > 0.0 && silent.expected_high > 25.0);
    assert_eq!(silent.baseline, "global");
    // The edges of the silence are its samples.
    assert_eq!(silent.sample_event_ids, ["h19-24", "h21-0"]);
    let busy = hourly.iter().find(|a| a.observed == 200.0).unwrap();
    assert_eq!(busy.sample_event_ids[0], "h30-0");
    assert_eq!(busy.bucket, "2026-01-06 18:00");
}

#[test]
fn failure_rate_spike() {
    let mut evs = Vec::new();
    for h in 0..30i64 {
        for k in 0..30 {
            let fail = if h == 20 {
                k < 15
            } else {
                k == 0 && h % 3 == 0
            };
            let e = ev(
                &format!("h{h}-{k}"),
                T0 + h * H + k * 1000,
                "u",
                "write",
                if fail { Status::Failed } else { Status::Ok },
            );
            evs.push(e);
        }
    }
    let ix = index(&evs);
    let found = anomalies::detect(&ix, 0..ix.len(), &AnomalyConfig::default());
    let rates: Vec<_> = found
        .iter()
        .filter(|a| a.kind == AnomalyKind::FailureRate)
        .collect();
    assert_eq!(rates.len(), 1, "{rates:#?}");
    assert_eq!(rates[0].subject.as_deref(), Some("write"));
    assert_eq!(rates[0].observed, 0.5);
    assert_eq!(rates[0].sample_event_ids[0], "h20-0");
}

#[test]
fn statistics_and_trends() {
    let mut evs: Vec<Event> = (0..100)
        .map(|i| {
            let mut e = ev(
                &format!("e{i}"),
                T0 + i * M,
                if i % 2 == 0 { "a" } else { "b" },
                "pin.add",
                if i < 10 { Status::Failed } else { Status::Ok },
            );
            e.duration_ms = Some(i as u64 + 1);
            e.details.insert(
                "via".into(),
                if i < 30 {
                    "cluster".into()
                } else {
                    "kubo".into()
                },
            );
            e
        })
        .collect();
    evs.push(ok("x", T0 + 2 * 24 * H, "c", "daemon.start"));
    let ix = index(&evs);
    let s = stats::group(&ix, 0..ix.len(), &GroupBy::Action);
    assert_eq!(s.total_events, 101);
    let pin = &s.groups[0];
    assert_eq!(
        (pin.key.as_str(), pin.count, pin.unique_users, pin.failures),
        ("pin.add", 100, 2, 10)
    );
    assert!((pin.percentage - 100.0 * 100.0 / 101.0).abs() < 1e-9);
    assert_eq!(pin.failure_rate, 0.1);
    assert_eq!(
        (
            pin.duration_p50_ms,
            pin.duration_p95_ms,
            pin.duration_p99_ms
        ),
        (Some(50), Some(95), Some(99))
    );
    assert_eq!(pin.first_seen.timestamp_millis(), T0);
    let via = stats::group(&ix, 0..ix.len(), &"details.via".parse().unwrap());
    let keys: Vec<(&str, u64)> = via
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.count))
        .collect();
    assert_eq!(keys, [("kubo", 70), ("cluster", 30), ("unknown", 1)]);
    assert!("nonsense".parse::<GroupBy>().is_err());

    let t = trends::trend(
        &ix,
        0..ix.len(),
        Metric::EventCount,
        Period::Daily,
        Local::UTC,
    );
    let v: Vec<f64> = t.buckets.iter().map(|b| b.value).collect();
    assert_eq!(v, [100.0, 0.0, 1.0]);
    assert_eq!(t.buckets[1].change, Some(-100.0));
    assert_eq!(t.buckets[1].change_pct, Some(-100.0));
    assert_eq!(t.buckets[2].change_pct, None);
    assert_eq!(t.slope, -49.5);
    let u = trends::trend(
        &ix,
        0..ix.len(),
        Metric::UniqueUsers,
        Period::Daily,
        Local::UTC,
    );
    assert_eq!(u.buckets[0].value, 2.0);
    let f = trends::trend(
        &ix,
        0..ix.len(),
        Metric::Failures,
        Period::Hourly,
        Local::UTC,
    );
    assert_eq!(f.buckets[0].value, 10.0);
}

#[test]
fn correlation_scores_and_reasons() {
    let base = |id: &str, t: i64, user: &str| ok(id, t, user, "pin.add");
    let mut r = op(session(cid(base("ref", T0, "ann"), "bafyX"), "s1"), "o1");
    r.transaction_id = Some("tx1".into());
    let evs = vec![
        r,
        base("user-only", T0 + M, "ann"), // 0.4 + related action 0.2
        ok("user-other-action", T0 + M, "ann", "daemon.crash"), // 0.4: below 0.5
        op(ok("same-op", T0 - M, "zed", "daemon.crash"), "o1"), // 0.6
        cid(ok("same-cid", T0 + 2 * M, "zed", "pin.remove"), "bafyX"), // cid 0.4 + resource 0.3
        {
            let mut e = ok("same-tx", T0 + 3 * M, "ann", "daemon.stop");
            e.transaction_id = Some("tx1".into());
            e
        }, // 0.4 + 0.5 = 0.9
        base("too-late", T0 + 10 * M, "ann"),
    ];
    let ix = index(&evs);
    let i = ix.find_id("ref").unwrap();
    let rel = correlate::correlate(&ix, i, 5 * M, 0.5, 100);
    let got: Vec<(&str, f64)> = rel
        .iter()
        .map(|r| (r.event_id.as_str(), (r.score * 100.0).round() / 100.0))
        .collect();
    assert_eq!(
        got,
        [
            ("same-tx", 0.9),
            ("same-cid", 0.7),
            ("same-op", 0.6),
            ("user-only", 0.6)
        ]
    );
    assert_eq!(rel[0].reasons, ["same user", "same transaction"]);
    assert_eq!(rel[1].reasons, ["same resource", "same cid"]);
    assert_eq!(rel[3].reasons, ["same user", "related action"]);
    // Lower threshold brings the weak one in.
    let all = correlate::correlate(&ix, i, 5 * M, 0.0, 100);
    assert!(
        all.iter()
            .any(|r| r.event_id == "user-other-action" && r.reasons == ["same user"])
    );
}

#[test]
fn timeline_in_order() {
    let evs = vec![
        sub(
            op(ok("c", T0 + 20 * S, "root", "daemon.recovered"), "op1"),
            "kubo",
        ),
        sub(op(ok("a", T0, "root", "daemon.start"), "op1"), "kubo"),
        sub(
            op(failed("b", T0 + 10 * S, "root", "daemon.crash"), "op1"),
            "cluster",
        ),
        sub(
            op(ok("z", T0 + 5 * S, "root", "daemon.start"), "op2"),
            "kubo",
        ),
    ];
    let ix = index(&evs);
    let tl = correlate::timeline(&ix, "op1").unwrap();
    let ids: Vec<&str> = tl.events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(tl.duration_ms, 20_000);
    assert_eq!(tl.subsystems, ["kubo", "cluster"]);
    assert_eq!(tl.count, 3);
    assert!(tl.summary.starts_with("3 events: "), "{}", tl.summary);
    assert!(correlate::timeline(&ix, "nope").is_none());
}

fn chain_events() -> Vec<Event> {
    let mut src = failed("down", T0, "root", "source.down");
    src.resource_type = Some("source".into());
    src.resource_id = Some("kubo".into());
    src.daemon = Some("kubo".into());
    vec![
        ok("noise", T0 - 5 * M, "alice", "read"),
        src,
        daemon(failed("crash", T0 + 5 * S, "root", "daemon.crash"), "kubo"),
        daemon(
            failed("restart", T0 + 20 * S, "root", "daemon.restart-failed"),
            "kubo",
        ),
        cid(failed("pin", T0 + 30 * S, "root", "pin.add"), "bafyP"),
    ]
}

#[test]
fn causation_on_a_known_chain() {
    let ix = index(&chain_events());
    let c = correlate::causation(&ix, ix.find_id("pin").unwrap(), correlate::DEFAULT_DEPTH);
    let ids: Vec<&str> = c.chain.iter().map(|l| l.event_id.as_str()).collect();
    assert_eq!(ids, ["down", "crash", "restart", "pin"]);
    // Links: restart→pin 0.3+0.3+0.1 (10 s: "within 1 min"), crash→restart 0.3+0.2+0.3+0.1,
    // down→crash 0.4+0.2+0.3+0.1 (capped at 1).
    let scores: Vec<f64> = c
        .chain
        .iter()
        .map(|l| (l.score * 100.0).round() / 100.0)
        .collect();
    assert_eq!(scores, [1.0, 0.9, 0.7, 1.0]);
    let mean = (0.7 + 0.9 + 1.0) / 3.0;
    assert!((c.confidence - mean / 1.2).abs() < 1e-9, "{}", c.confidence);
    assert!(
        c.explanation.contains("root: source.down kubo → "),
        "{}",
        c.explanation
    );
    assert!(
        c.explanation.ends_with("root: pin.add bafyP"),
        "{}",
        c.explanation
    );
    assert!(!c.direct_causes.iter().any(|l| l.event_id == "noise"));
    // The first event has no cause.
    let c = correlate::causation(&ix, ix.find_id("noise").unwrap(), 3);
    assert_eq!(c.confidence, 0.0);
    assert_eq!(c.chain.len(), 1);
}

#[test]
fn impact_level() {
    let ix = index(&chain_events());
    let imp = correlate::impact(&ix, ix.find_id("down").unwrap(), 10 * M);
    // crash, restart (same daemon + user), pin (same user only: 0.4 < 0.5 → not counted).
    assert_eq!(imp.downstream_events, 2);
    assert_eq!(imp.downstream_failures, 2);
    // 0.2 + 0.3 + 0.2 (failed) = 0.7
    assert!((imp.score - 0.7).abs() < 1e-9);
    assert_eq!(imp.level, ImpactLevel::High);
    let imp = correlate::impact(&ix, ix.find_id("noise").unwrap(), 10 * M);
    assert_eq!(imp.level, ImpactLevel::Low);
}

const POLICY: &str = r#"
[policy]
name = "test"

[[rules]]
id = "forbidden"
kind = "forbidden_actions"
actions = ["repo.wipe"]
weight = 4
severity = "critical"

[[rules]]
id = "fields"
kind = "required_fields"
fields = ["user", "resource"]
actions = ["pin.add"]

[[rules]]
id = "logins"
kind = "max_failed_logins"
max = 2
window = "15m"

[[rules]]
id = "hours"
kind = "allowed_hours"
actions = ["config.save"]
hours = "08-18"

[[rules]]
id = "approval"
kind = "requires_approval"
actions = ["repo.gc"]
approval_action = "change.approve"
within = "1h"

[[rules]]
id = "churn"
kind = "max_config_changes"
max = 2

[[rules]]
id = "retry"
kind = "success_after_retry"
actions = ["pin.add"]
within = "30m"
"#;

#[test]
fn compliance_every_rule_passes_then_fails() {
    let policy = Policy::parse("test.toml", POLICY).unwrap();
    let good = vec![
        cid(failed("pin-f", T0, "root", "pin.add"), "bafy1"),
        cid(ok("pin-ok", T0 + 5 * M, "root", "pin.add"), "bafy1"),
        failed("login-f", T0, "bob", "login"),
        ok("login-ok", T0 + M, "bob", "login"),
        ok("save", T0, "root", "config.save"),
        ok("approve", T0, "root", "change.approve"),
        ok("gc", T0 + 10 * M, "root", "repo.gc"),
    ];
    let now = T0 + 2 * H;
    let ix = index(&good);
    let c = compliance::evaluate(&ix, 0..ix.len(), &policy, Local::UTC, now, 100);
    for r in &c.rules {
        assert_eq!(r.outcome, Outcome::Pass, "{r:?}");
        assert!(!r.evidence.is_empty(), "{r:?}");
    }
    assert_eq!(
        (c.score, c.score_unweighted, c.band),
        (100.0, 100.0, "excellent")
    );
    assert!(c.recommendations.is_empty());

    let bad = vec![
        ok("wipe", T0, "root", "repo.wipe"),
        failed("pin-f", T0, "root", "pin.add"), // no resource, never retried
        failed("l1", T0, "bob", "login"),
        failed("l2", T0 + M, "bob", "login"),
        failed("l3", T0 + 2 * M, "bob", "login"),
        ok("save1", T0, "root", "config.save"),
        ok("save2", T0 + M, "root", "config.save"),
        ok("save-late", T0 + 11 * H, "root", "config.save"),
        ok("gc", T0 + 10 * M, "root", "repo.gc"),
    ];
    let ix = index(&bad);
    let c = compliance::evaluate(&ix, 0..ix.len(), &policy, Local::UTC, T0 + 20 * H, 3);
    let got: Vec<(&str, Outcome, Vec<&str>)> = c
        .rules
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.outcome,
                r.evidence.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("forbidden", Outcome::Fail, vec!["wipe"]),
            ("fields", Outcome::Fail, vec!["pin-f"]),
            ("logins", Outcome::Fail, vec!["l3"]),
            ("hours", Outcome::Fail, vec!["save-late"]),
            ("approval", Outcome::Fail, vec!["gc"]),
            ("churn", Outcome::Fail, vec!["save-late"]),
            ("retry", Outcome::Fail, vec!["pin-f"]),
        ]
    );
    assert_eq!((c.score, c.score_unweighted, c.band), (0.0, 0.0, "poor"));
    assert_eq!(c.violations_total, 7);
    assert_eq!(c.violations.len(), 3);
    assert_eq!(c.recommendations.len(), 7);
    assert!(
        c.recommendations[0].starts_with("[critical] forbidden"),
        "{:?}",
        c.recommendations
    );

    // Weighted vs unweighted: only `forbidden` (weight 4) fails; the other six pass or do not apply.
    let mixed = vec![
        ok("wipe", T0, "root", "repo.wipe"),
        ok("save", T0, "root", "config.save"),
    ];
    let ix = index(&mixed);
    let c = compliance::evaluate(&ix, 0..ix.len(), &policy, Local::UTC, now, 10);
    let na: Vec<&str> = c
        .rules
        .iter()
        .filter(|r| r.outcome == Outcome::NotApplicable)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(na, ["fields", "logins", "approval", "retry"]);
    // Applicable: forbidden (4, fail), hours (1, pass), churn (1, pass).
    assert!((c.score - 100.0 * 2.0 / 6.0).abs() < 1e-9);
    assert!((c.score_unweighted - 100.0 * 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(c.band, "poor");
    assert_eq!(compliance::band(79.9), "fair");
    assert_eq!(compliance::band(85.0), "good");
}

#[test]
fn policy_errors_name_file_line_and_column() {
    let e = Policy::parse("p.toml", "[[rules]]\nid = \"a\"\nkind = \"forbidden_actions\"\nactions = [\"x\"]\nweight = \"heavy\"\n").unwrap_err();
    assert_eq!((e.line, e.col), (5, 10), "{e}");
    assert!(e.to_string().starts_with("p.toml:5:10: "), "{e}");
    let e = Policy::parse("p.toml", "[[rules]]\nid = \"a\"\nkind = \"nope\"\n").unwrap_err();
    assert_eq!((e.line, e.col), (3, 8), "{e}");
    assert!(e.message.contains("unknown kind"), "{e}");
    let e = Policy::parse(
        "p.toml",
        "[[rules]]\nid = \"a\"\nkind = \"allowed_hours\"\nactions = [\"x\"]\nhours = \"late\"\n",
    )
    .unwrap_err();
    assert_eq!((e.line, e.col), (5, 9), "{e}");
    let e = Policy::parse(
        "p.toml",
        "[[rules]]\nid = \"a\"\nkind = \"forbidden_actions\"\nactions = [\"x\"]\ncolour = 1\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 5, "{e}");
    let e = Policy::parse("p.toml", "[[rules]\n").unwrap_err();
    assert_eq!(e.line, 1, "{e}");
    // The sample policy parses.
    let sample = include_str!("../../assets/audit-policy.example.toml");
    assert_eq!(Policy::parse("sample", sample).unwrap().rules.len(), 7);
}

fn input<'a>(ix: &'a ipfs_kit_audit::Index, policy: Option<&'a Policy>) -> Input<'a> {
    Input {
        ix,
        range: 0..ix.len(),
        local: Local::UTC,
        now_ms: T0 + 24 * H,
        policy,
        operation_id: Some("op1"),
        anomaly: AnomalyConfig::default(),
        max_violations: 100,
    }
}

#[test]
fn csv_round_trip() {
    let tricky = "rule, with \"quotes\"\nand a newline";
    let src = POLICY.replace(
        "id = \"forbidden\"\n",
        &format!("id = \"forbidden\"\ndescription = {tricky:?}\n"),
    );
    let policy = Policy::parse("t.toml", &src).unwrap();
    let ix = index(&chain_events());
    let rep = report::build(ReportKind::Compliance, &input(&ix, Some(&policy))).unwrap();
    let csv = report::render(&rep, Format::Csv);
    let (head, rows) = report::table(&rep);
    let parsed = report::csv_parse(&csv);
    assert_eq!(parsed[0], head);
    assert_eq!(&parsed[1..], &rows[..]);
    assert!(parsed.iter().any(|r| r.iter().any(|c| c == tricky)));
    assert!(csv.ends_with("\r\n"));
}

/// A minimal well-formedness check: every non-void element closes in order.
fn well_formed(html: &str) -> Result<usize, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    let mut count = 0;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').ok_or("unclosed <")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        count += 1;
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().ok_or(format!("</{name}> without opening"))?;
            if top != name {
                return Err(format!("</{name}> closes <{top}>"));
            }
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or("").to_string();
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(count)
    } else {
        Err(format!("unclosed {stack:?}"))
    }
}

#[test]
fn html_report_is_self_contained_and_shows_the_heat_map() {
    let ix = index(&chain_events());
    let policy = Policy::parse("t.toml", POLICY).unwrap();
    for kind in [
        ReportKind::Activity,
        ReportKind::Heatmap,
        ReportKind::Compliance,
        ReportKind::Anomalies,
        ReportKind::Timeline,
    ] {
        let mut evs = chain_events();
        evs.push(op(ok("t1", T0, "root", "daemon.start"), "op1"));
        let ix2 = index(&evs);
        let rep = report::build(kind, &input(&ix2, Some(&policy))).unwrap();
        let html = report::render(&rep, Format::Html);
        well_formed(&html).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script"), "{kind:?}");
        if matches!(kind, ReportKind::Activity | ReportKind::Heatmap) {
            assert!(html.contains(r#"<svg class="heatmap""#), "{kind:?}");
        }
        for f in [Format::Json, Format::Text, Format::Csv] {
            assert!(!report::render(&rep, f).is_empty());
        }
    }
    let rep = report::build(ReportKind::Heatmap, &input(&ix, None)).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&report::render(&rep, Format::Json)).unwrap();
    assert_eq!(json["type"], "heatmap");
    // Monday 12:00 UTC holds the chain (4 events); 11:55 the noise.
    assert_eq!(json["data"]["week"][0][12], 4);
    assert_eq!(json["data"]["week"][0][11], 1);
    assert!(report::build(ReportKind::Compliance, &input(&ix, None)).is_err());
}
