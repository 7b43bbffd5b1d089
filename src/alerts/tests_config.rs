use std::time::Duration;

use serde::Deserialize;

use super::*;

/// How the binary embeds the section.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct File {
    alerts: AlertsSection,
}

fn parse(text: &str) -> Result<AlertsSection, toml::de::Error> {
    toml::from_str::<File>(text).map(|f| f.alerts)
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn parse_err(text: &str) -> (usize, String) {
    match parse(text) {
        Err(e) => (
            line_of(text, e.span().map_or(0, |s| s.start)),
            e.message().to_string(),
        ),
        Ok(a) => panic!("expected an error, got {a:?}"),
    }
}

fn issues(text: &str) -> Vec<RuleIssue> {
    match parse(text) {
        Ok(a) => a.validate(),
        Err(e) => panic!("parse failed: {e}"),
    }
}

fn rules(text: &str) -> Vec<Rule> {
    match parse(text).map(|a| a.rules()) {
        Ok(Ok(r)) => r,
        other => panic!("expected rules, got {other:?}"),
    }
}

#[test]
fn no_section_means_the_builtins() {
    let r = rules("");
    assert_eq!(r, builtin_rules());
    assert!(r.iter().any(|r| r.name == "kubo_repo_usage"));
    assert!(r.iter().all(|r| r.builtin));
}

#[test]
fn full_rule_parses() {
    let r = rules(
        r#"
[alerts]
[[alerts.rules]]
name = "pins_low"
metric = "kubo.pins"
op = "<"
warning = 10
critical = 2.5
for = "90s"
hysteresis = 1
message = "{name}: only {value} pins (floor {threshold})"
"#,
    );
    let rule = r.iter().find(|r| r.name == "pins_low").expect("added");
    assert_eq!(rule.metric, Metric::KuboPins);
    assert_eq!(rule.op, Op::Lt);
    assert_eq!((rule.warning, rule.critical), (Some(10.0), Some(2.5)));
    assert_eq!(rule.for_duration, Duration::from_secs(90));
    // clear_for defaults to `for`.
    assert_eq!(rule.clear_for, Duration::from_secs(90));
    assert!(!rule.builtin);
    assert_eq!(r.len(), builtin_rules().len() + 1);
}

#[test]
fn override_and_disable_builtins_by_name() {
    let r = rules(
        r#"
[[alerts.rules]]
name = "kubo_repo_usage"
warning = 70
clear_for = "1m"

[[alerts.rules]]
name = "host_cpu"
enabled = false
"#,
    );
    let repo = r
        .iter()
        .find(|r| r.name == "kubo_repo_usage")
        .expect("kept");
    assert_eq!((repo.warning, repo.critical), (Some(70.0), Some(95.0)));
    assert_eq!(repo.clear_for, Duration::from_secs(60));
    assert_eq!(repo.metric, Metric::KuboRepoUsagePercent);
    assert!(!r.iter().any(|r| r.name == "host_cpu"));
}

#[test]
fn defaults_false_keeps_only_named_rules() {
    let r = rules(
        r#"
[alerts]
defaults = false
[[alerts.rules]]
name = "source_kubo_down"
"#,
    );
    let names: Vec<&str> = r.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["source_kubo_down"]);
}

#[test]
fn unknown_metric_is_a_spanned_parse_error() {
    let (line, msg) =
        parse_err("[alerts]\n[[alerts.rules]]\nname = \"x\"\nmetric = \"kubo.peer\"\nop = \">\"\n");
    assert_eq!(line, 4);
    assert!(msg.contains("unknown metric \"kubo.peer\""), "{msg}");
}

#[test]
fn bad_op_duration_and_key_are_spanned_parse_errors() {
    let (line, msg) = parse_err("[[alerts.rules]]\nname = \"x\"\nop = \"=>\"\n");
    assert_eq!(line, 3);
    assert!(msg.contains("\">=\""), "{msg}");
    let (line, msg) = parse_err("[[alerts.rules]]\nname = \"x\"\n\nfor = \"5 parsecs\"\n");
    assert_eq!(line, 4);
    assert!(msg.contains("invalid duration"), "{msg}");
    let (line, msg) = parse_err("[[alerts.rules]]\nname = \"x\"\nthreshold = 3\n");
    assert_eq!(line, 3);
    assert!(msg.contains("threshold"), "{msg}");
}

#[test]
fn rule_without_thresholds_is_named_with_its_line() {
    let text =
        "[alerts]\n\n[[alerts.rules]]\nname = \"peers\"\nmetric = \"kubo.peers\"\nop = \"<\"\n";
    let found = issues(text);
    assert_eq!(found.len(), 1, "{found:?}");
    let i = &found[0];
    assert_eq!(i.rule, "peers");
    assert!(
        i.message.contains("needs `warning`, `critical` or both"),
        "{i}"
    );
    assert_eq!(line_of(text, i.span.clone().map_or(0, |s| s.start)), 4);
    assert!(i.to_string().starts_with("alert rule \"peers\": "), "{i}");
}

#[test]
fn inverted_thresholds_are_rejected_for_each_direction() {
    let up = issues(
        "[[alerts.rules]]\nname = \"a\"\nmetric = \"host.cpu_percent\"\nop = \">=\"\nwarning = 90\ncritical = 80\n",
    );
    assert_eq!(up.len(), 1);
    assert!(
        up[0].message.contains("must be above `warning` (90)"),
        "{}",
        up[0]
    );
    let down = issues(
        "[[alerts.rules]]\nname = \"b\"\nmetric = \"kubo.peers\"\nop = \"<\"\nwarning = 2\ncritical = 5\n",
    );
    assert_eq!(down.len(), 1);
    assert!(
        down[0].message.contains("must be below `warning` (2)"),
        "{}",
        down[0]
    );
    // Overriding one threshold of a built-in is checked against the other, inherited one.
    let mixed = issues("[[alerts.rules]]\nname = \"kubo_repo_usage\"\nwarning = 97\n");
    assert_eq!(mixed.len(), 1);
    assert!(mixed[0].message.contains("critical` (95)"), "{}", mixed[0]);
}

#[test]
fn other_cross_field_problems() {
    let found = issues(
        r#"
[[alerts.rules]]
name = "new_rule"
warning = 1

[[alerts.rules]]
name = "m"
metric = "kubo.peers"
op = "<"
warning = 1
hysteresis = -1
message = "{peers} peers"

[[alerts.rules]]
name = "m"
metric = "kubo.peers"
op = "<"
warning = 1

[[alerts.rules]]
name = "bad name"
"#,
    );
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    let has = |rule: &str, part: &str| {
        assert!(
            found
                .iter()
                .any(|i| i.rule == rule && i.message.contains(part)),
            "no {rule}/{part} in {text:?}"
        )
    };
    has("new_rule", "needs `metric`");
    has("new_rule", "needs `op`");
    has("m", "`hysteresis` (-1)");
    has("m", "unknown placeholder {peers}");
    has("m", "defined more than once");
    has("bad name", "letters, digits");
}
