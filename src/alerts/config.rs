//! The `[alerts]` config section and its compilation into rules.
//!
//! Parse errors (unknown metric, bad `op`, bad duration, unknown key) carry toml's span
//! already. Cross-field problems are found by `validate`/`rules` and name the rule; each keeps
//! the span of the rule's `name` so the binary can print file:line for them too.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::builtin;
use super::metric::Metric;
use super::rule::{Op, Rule};
use super::template;

/// `[alerts]`: built-in rules plus `[[alerts.rules]]` entries.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsSection {
    /// Keep the built-in rules. With `false`, only rules named in `rules` apply; naming a
    /// built-in still starts from its definition.
    pub defaults: bool,
    pub rules: Vec<RuleSpec>,
}

impl Default for AlertsSection {
    fn default() -> Self {
        AlertsSection {
            defaults: true,
            rules: Vec::new(),
        }
    }
}

/// One `[[alerts.rules]]` entry. Every field but `name` is optional: an entry naming a
/// built-in overrides only the fields it sets; a new rule needs `metric`, `op` and a threshold.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub name: Spanned<String>,
    pub metric: Option<Metric>,
    pub op: Option<Op>,
    pub warning: Option<f64>,
    pub critical: Option<f64>,
    /// How long the condition must hold before firing (default 0s).
    #[serde(rename = "for", default, deserialize_with = "duration")]
    pub for_duration: Option<Duration>,
    /// How long the value must stay cleared before resolving or de-escalating (default: `for`).
    #[serde(default, deserialize_with = "duration")]
    pub clear_for: Option<Duration>,
    /// Margin in the metric's unit: a held level clears only once the value is this far past
    /// its threshold (default 0).
    pub hysteresis: Option<f64>,
    pub message: Option<String>,
    pub enabled: Option<bool>,
}

/// A cross-field problem in one rule.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleIssue {
    pub rule: String,
    /// Byte range of the rule's `name` value in the config text.
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl fmt::Display for RuleIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "alert rule {:?}: {}", self.rule, self.message)
    }
}

const DEFAULT_MESSAGE: &str = "{name}: {metric} is {value} (threshold {threshold})";
const MAX_DURATION: Duration = Duration::from_secs(30 * 24 * 3600);

impl AlertsSection {
    /// Every cross-field problem; empty when `rules` succeeds.
    pub fn validate(&self) -> Vec<RuleIssue> {
        self.rules().err().unwrap_or_default()
    }

    /// The effective, enabled rules: built-ins in their order (overridden in place), then new
    /// rules in file order.
    pub fn rules(&self) -> Result<Vec<Rule>, Vec<RuleIssue>> {
        let builtins = builtin::rules();
        let mut issues = Vec::new();
        let mut seen = HashSet::new();
        let mut overrides: Vec<(String, Option<Rule>)> = Vec::new();
        let mut added = Vec::new();
        for spec in &self.rules {
            let name = spec.name.get_ref().trim();
            let issue = |message: String| RuleIssue {
                rule: name.to_string(),
                span: Some(spec.name.span()),
                message,
            };
            if let Err(m) = check_name(name) {
                issues.push(issue(m));
                continue;
            }
            if !seen.insert(name.to_string()) {
                issues.push(issue("defined more than once; merge the entries".into()));
                continue;
            }
            let base = builtins.iter().find(|b| b.name == name);
            match merge(name, base, spec) {
                Ok(rule) => {
                    let enabled = spec.enabled.unwrap_or(true);
                    if base.is_some() {
                        overrides.push((name.to_string(), enabled.then_some(rule)));
                    } else if enabled {
                        added.push(rule);
                    }
                }
                Err(messages) => issues.extend(messages.into_iter().map(issue)),
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let mut out: Vec<Rule> = builtins
            .into_iter()
            .filter_map(|b| match overrides.iter().position(|(n, _)| *n == b.name) {
                Some(i) => overrides[i].1.clone(),
                None => self.defaults.then_some(b),
            })
            .collect();
        out.extend(added);
        Ok(out)
    }
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err("use letters, digits, '_', '-' or '.' in the name".into());
    }
    Ok(())
}

/// The spec applied over its built-in (if any), with every cross-field check.
fn merge(name: &str, base: Option<&Rule>, spec: &RuleSpec) -> Result<Rule, Vec<String>> {
    let mut errs = Vec::new();
    let builtin_names = || {
        builtin::rules()
            .into_iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let metric = spec
        .metric
        .clone()
        .or_else(|| base.map(|b| b.metric.clone()));
    if metric.is_none() {
        errs.push(format!(
            "needs `metric` (it is not a built-in rule to override; built-ins: {})",
            builtin_names()
        ));
    }
    let op = spec.op.or(base.map(|b| b.op));
    if op.is_none() {
        errs.push("needs `op`: \">\", \">=\", \"<\" or \"<=\"".into());
    }
    let warning = spec.warning.or(base.and_then(|b| b.warning));
    let critical = spec.critical.or(base.and_then(|b| b.critical));
    if warning.is_none() && critical.is_none() {
        errs.push("needs `warning`, `critical` or both".into());
    }
    for (key, v) in [("warning", warning), ("critical", critical)] {
        if v.is_some_and(|v| !v.is_finite()) {
            errs.push(format!("`{key}` must be a finite number"));
        }
    }
    if let (Some(op), Some(w), Some(c)) = (op, warning, critical)
        && !op.worse(c, w)
    {
        let want = if matches!(op, Op::Gt | Op::Ge) {
            "above"
        } else {
            "below"
        };
        errs.push(format!(
            "`critical` ({c}) must be {want} `warning` ({w}) for op \"{op}\": the critical \
             level is the more severe one"
        ));
    }
    let hysteresis = spec
        .hysteresis
        .or(base.map(|b| b.hysteresis))
        .unwrap_or(0.0);
    if !(hysteresis.is_finite() && hysteresis >= 0.0) {
        errs.push(format!(
            "`hysteresis` ({hysteresis}) must be zero or a positive number"
        ));
    }
    let message = spec
        .message
        .clone()
        .or_else(|| base.map(|b| b.message.clone()))
        .unwrap_or_else(|| DEFAULT_MESSAGE.to_string());
    if let Err(m) = template::check(&message) {
        errs.push(m);
    }
    let for_duration = spec
        .for_duration
        .or(base.map(|b| b.for_duration))
        .unwrap_or_default();
    // A new `for` also moves the default clear delay; otherwise keep the built-in's.
    let clear_for = match (spec.clear_for, spec.for_duration, base) {
        (Some(c), _, _) => c,
        (None, None, Some(b)) => b.clear_for,
        _ => for_duration,
    };
    match (metric, op, errs.is_empty()) {
        (Some(metric), Some(op), true) => Ok(Rule {
            name: name.to_string(),
            metric,
            op,
            warning,
            critical,
            for_duration,
            clear_for,
            hysteresis,
            message,
            builtin: base.is_some(),
        }),
        _ => Err(errs),
    }
}

/// A humantime duration ("0s", "90s", "5m") up to 30 days; errors carry toml's span.
fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    let dur = humantime::parse_duration(text.trim()).map_err(|e| {
        serde::de::Error::custom(format!(
            "invalid duration {text:?} ({e}); write e.g. \"0s\", \"90s\" or \"5m\""
        ))
    })?;
    if dur > MAX_DURATION {
        return Err(serde::de::Error::custom(format!(
            "duration {text:?} is too long; use at most 30d"
        )));
    }
    Ok(Some(dur))
}
