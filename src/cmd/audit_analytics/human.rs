//! The readable tables `audit-analytics` prints without `--json`. Every field from the
//! history is outside text; `term::line` sanitises each line.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use ipfs_kit_audit::Index;
use ipfs_kit_audit::compliance::Outcome;

use super::output::{Document, Output};
use crate::term;

fn t(d: &DateTime<Utc>) -> String {
    d.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn ms(v: Option<u32>) -> String {
    v.map_or("-".into(), |x| format!("{x}ms"))
}

macro_rules! out {
    ($w:expr, $($arg:tt)*) => { term::line($w, format_args!($($arg)*))? };
}

pub fn print(w: &mut dyn Write, doc: &Document, _ix: &Index) -> io::Result<()> {
    let load = &doc.input.load;
    out!(
        w,
        "{} events analysed of {} read ({} bad lines) from {} file(s)",
        doc.range.events,
        load.events,
        load.bad_lines,
        doc.input.sources.len()
    );
    match &doc.output {
        Output::Patterns(ps) => {
            if ps.is_empty() {
                out!(w, "no patterns found");
            }
            out!(
                w,
                "{:<5} {:<24} {:>5}  {:<19}  {:<19}  KEY",
                "CONF",
                "PATTERN",
                "N",
                "FIRST",
                "LAST"
            );
            for p in ps {
                out!(
                    w,
                    "{:<5.2} {:<24} {:>5}  {:<19}  {:<19}  {}",
                    p.confidence,
                    p.id,
                    p.occurrences,
                    t(&p.first_seen),
                    t(&p.last_seen),
                    p.key
                );
                out!(w, "      {}", p.description);
                if !p.affected_users.is_empty() {
                    out!(w, "      users: {}", p.affected_users.join(", "));
                }
                out!(w, "      events: {}", p.sample_event_ids.join(" "));
            }
        }
        Output::Anomalies(list) => {
            if list.is_empty() {
                out!(w, "no anomalies");
            }
            out!(
                w,
                "{:<8} {:<13} {:<17} {:>9} {:>19} {:>7}  SUBJECT",
                "SEVERITY",
                "KIND",
                "BUCKET",
                "OBSERVED",
                "EXPECTED",
                "Z"
            );
            for a in list {
                out!(
                    w,
                    "{:<8} {:<13} {:<17} {:>9.2} {:>8.1}..{:<9.1} {:>7.1}  {}",
                    a.severity.as_str(),
                    snake(&a.kind),
                    a.bucket,
                    a.observed,
                    a.expected_low,
                    a.expected_high,
                    a.z,
                    a.subject.as_deref().unwrap_or("-")
                );
                out!(w, "         {} (baseline: {})", a.description, a.baseline);
                out!(w, "         events: {}", a.sample_event_ids.join(" "));
            }
        }
        Output::Correlate(c) => {
            out!(w, "{}  {}  {}", t(&c.time), c.event_id, c.label);
            out!(
                w,
                "related within ±{}s: {}",
                c.window_ms / 1000,
                c.related.len()
            );
            out!(
                w,
                "{:<5} {:<19}  {:<28} EVENT / REASONS",
                "SCORE",
                "TIME",
                "ID"
            );
            for r in &c.related {
                out!(
                    w,
                    "{:<5.2} {:<19}  {:<28} {}",
                    r.score,
                    t(&r.time),
                    r.event_id,
                    r.label
                );
                out!(w, "      {}", r.reasons.join(", "));
            }
        }
        Output::Timeline(tl) => {
            out!(w, "operation {}: {}", tl.operation_id, tl.summary);
            out!(
                w,
                "{} → {} ({} ms), subsystems: {}",
                t(&tl.start),
                t(&tl.end),
                tl.duration_ms,
                if tl.subsystems.is_empty() {
                    "-".into()
                } else {
                    tl.subsystems.join(", ")
                }
            );
            for e in &tl.events {
                out!(
                    w,
                    "{}  {:<7} {:<28} {}  {}",
                    t(&e.time),
                    e.status.as_str(),
                    e.event_id,
                    e.label,
                    e.subsystem.as_deref().unwrap_or("")
                );
            }
        }
        Output::Causation(c) => {
            out!(w, "effect {}: confidence {:.2}", c.effect_id, c.confidence);
            out!(w, "{}", c.explanation);
            for (n, l) in c.chain.iter().enumerate() {
                out!(
                    w,
                    "{:>2}. {:.2} {}  {:<28} {}  ({})",
                    n + 1,
                    l.score,
                    t(&l.time),
                    l.event_id,
                    l.label,
                    l.reasons.join(", ")
                );
            }
            if c.chain.len() <= 1 {
                out!(w, "no cause found before it");
            }
        }
        Output::Impact(i) => {
            out!(
                w,
                "impact of {}: {:?} (score {:.2})",
                i.event_id,
                i.level,
                i.score
            );
            out!(
                w,
                "downstream events: {}, of which failed: {}",
                i.downstream_events,
                i.downstream_failures
            );
            out!(w, "users affected: {}", list(&i.affected_users));
            out!(w, "resources affected: {}", list(&i.affected_resources));
        }
        Output::Compliance(c) => {
            out!(w, "policy: {}", c.policy);
            out!(
                w,
                "score {:.1}/100 ({}), unweighted {:.1}; rules passed {}, failed {}, not applicable {}",
                c.score,
                c.band,
                c.score_unweighted,
                c.rules_passed,
                c.rules_failed,
                c.rules_not_applicable
            );
            out!(
                w,
                "{:<5} {:<28} {:<8} {:>6} {:>8} {:>10}  DESCRIPTION",
                "",
                "RULE",
                "SEVERITY",
                "WEIGHT",
                "CHECKED",
                "VIOLATIONS"
            );
            for r in &c.rules {
                let mark = match r.outcome {
                    Outcome::Pass => "pass",
                    Outcome::Fail => "FAIL",
                    Outcome::NotApplicable => "n/a",
                };
                out!(
                    w,
                    "{:<5} {:<28} {:<8} {:>6.1} {:>8} {:>10}  {}",
                    mark,
                    r.id,
                    r.severity.as_str(),
                    r.weight,
                    r.checked,
                    r.violations,
                    r.description
                );
            }
            if c.violations_total > 0 {
                out!(
                    w,
                    "violations: {} (showing {})",
                    c.violations_total,
                    c.violations.len()
                );
                for v in &c.violations {
                    out!(
                        w,
                        "  {}  {:<24} {:<28} {}",
                        t(&v.time),
                        v.rule_id,
                        v.event_id,
                        v.message
                    );
                }
            }
            for r in &c.recommendations {
                out!(w, "recommendation: {r}");
            }
        }
        Output::Stats(s) => {
            out!(w, "{} events grouped by {}", s.total_events, s.group_by);
            out!(
                w,
                "{:<32} {:>8} {:>6} {:>6} {:>7} {:>8} {:>8} {:>8}  {:<19}  LAST",
                "KEY",
                "COUNT",
                "%",
                "USERS",
                "FAIL%",
                "P50",
                "P95",
                "P99",
                "FIRST"
            );
            for g in &s.groups {
                out!(
                    w,
                    "{:<32} {:>8} {:>6.2} {:>6} {:>7.2} {:>8} {:>8} {:>8}  {:<19}  {}",
                    g.key,
                    g.count,
                    g.percentage,
                    g.unique_users,
                    g.failure_rate * 100.0,
                    ms(g.duration_p50_ms),
                    ms(g.duration_p95_ms),
                    ms(g.duration_p99_ms),
                    t(&g.first_seen),
                    t(&g.last_seen)
                );
            }
        }
        Output::Trends(tr) => {
            out!(
                w,
                "{:?} per {:?} period: mean {:.2}, slope {:+.3} per period",
                tr.metric,
                tr.period,
                tr.mean,
                tr.slope
            );
            out!(
                w,
                "{:<19} {:>10} {:>10} {:>9}",
                "START",
                "VALUE",
                "CHANGE",
                "CHANGE%"
            );
            for b in &tr.buckets {
                out!(
                    w,
                    "{:<19} {:>10} {:>10} {:>9}",
                    t(&b.start),
                    b.value,
                    b.change.map_or("-".into(), |c| format!("{c:+}")),
                    b.change_pct.map_or("-".into(), |c| format!("{c:+.1}%"))
                );
            }
        }
        Output::Report(r) => {
            term::block(
                w,
                format_args!(
                    "{}",
                    ipfs_kit_audit::report::render(r, ipfs_kit_audit::report::Format::Text)
                ),
            )?;
        }
    }
    Ok(())
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

/// A unit enum variant as its JSON name (`hourly_volume`), as `--json` shows it.
fn snake(v: &impl serde::Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "-".into(),
    }
}
