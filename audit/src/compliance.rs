//! Compliance of the audit trail with a policy written in TOML.
//!
//! Each rule has an id, a kind, a weight and a severity, and ends pass, fail or
//! not-applicable with the event ids that prove it. Two scores, after XCCDF (OpenSCAP):
//! - weighted ("flat"): 100 · Σ weight of passing rules / Σ weight of applicable rules;
//! - unweighted ("flat-unweighted"): 100 · passing rules / applicable rules.
//!
//! Not-applicable rules count in neither; with no applicable rule the score is 100. Bands
//! as Lynis's hardening index: < 50 poor, 50–79 fair, 80–89 good, ≥ 90 excellent.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::index::{Index, Rec};
use crate::intern::NONE;
use crate::time::{DAY, HOUR, Local, parse_duration, to_time};

/// A policy file that could not be used, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl RuleSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Low => "low",
            RuleSeverity::Medium => "medium",
            RuleSeverity::High => "high",
            RuleSeverity::Critical => "critical",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    ForbiddenActions {
        actions: Vec<String>,
    },
    RequiredFields {
        fields: Vec<String>,
        actions: Vec<String>,
    },
    MaxFailedLogins {
        max: u32,
        window_ms: i64,
    },
    AllowedHours {
        actions: Vec<String>,
        start: u32,
        end: u32,
    },
    RequiresApproval {
        actions: Vec<String>,
        approval_action: String,
        within_ms: i64,
        same_user: bool,
    },
    MaxConfigChanges {
        max: u32,
        actions: Vec<String>,
    },
    SuccessAfterRetry {
        actions: Vec<String>,
        within_ms: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub weight: f64,
    pub severity: RuleSeverity,
    pub check: Check,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Policy {
    pub name: String,
    pub rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    policy: Option<RawMeta>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    weight: Option<Spanned<f64>>,
    #[serde(default)]
    severity: Option<RuleSeverity>,
    #[serde(default)]
    actions: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    fields: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    max: Option<Spanned<i64>>,
    #[serde(default)]
    window: Option<Spanned<String>>,
    #[serde(default)]
    within: Option<Spanned<String>>,
    #[serde(default)]
    hours: Option<Spanned<String>>,
    #[serde(default)]
    approval_action: Option<Spanned<String>>,
    #[serde(default)]
    same_user: Option<bool>,
}

const FIELDS: [&str; 10] = [
    "user",
    "resource",
    "resource_type",
    "operation_id",
    "session_id",
    "transaction_id",
    "ip",
    "id",
    "subsystem",
    "duration_ms",
];

fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(at, |i| at - i - 1) + 1;
    (line, col)
}

impl Policy {
    /// Parses a policy; `file` names it in errors ("file:line:col: message").
    pub fn parse(file: &str, src: &str) -> Result<Policy, PolicyError> {
        let err = |at: usize, message: String| {
            let (line, col) = line_col(src, at);
            PolicyError {
                file: file.to_string(),
                line,
                col,
                message,
            }
        };
        let raw: RawPolicy = toml::from_str(src).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            err(at, e.message().trim().to_string())
        })?;
        let mut rules = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in raw.rules {
            let id_at = r.id.span().start;
            let id = r.id.into_inner();
            if seen.insert(id.clone(), id_at).is_some() {
                return Err(err(
                    id_at,
                    format!("rule id {id:?} is used twice; ids must be unique"),
                ));
            }
            let need_actions =
                |a: &Option<Spanned<Vec<String>>>| -> Result<Vec<String>, PolicyError> {
                    match a {
                        Some(a) if !a.get_ref().is_empty() => Ok(a.get_ref().clone()),
                        Some(a) => Err(err(
                            a.span().start,
                            format!("rule {id:?}: `actions` is empty"),
                        )),
                        None => Err(err(
                            id_at,
                            format!("rule {id:?}: this kind needs `actions = [...]`"),
                        )),
                    }
                };
            let dur = |d: &Option<Spanned<String>>,
                       name: &str,
                       default: i64|
             -> Result<i64, PolicyError> {
                match d {
                    None => Ok(default),
                    Some(s) => parse_duration(s.get_ref()).ok_or_else(|| {
                        err(s.span().start, format!("rule {id:?}: `{name}` {:?} is not a duration like \"15m\", \"1h\", \"2d\"", s.get_ref()))
                    }),
                }
            };
            let max = |m: &Option<Spanned<i64>>| -> Result<u32, PolicyError> {
                match m {
                    Some(m) if (0..=i64::from(u32::MAX)).contains(m.get_ref()) => {
                        Ok(*m.get_ref() as u32)
                    }
                    Some(m) => Err(err(
                        m.span().start,
                        format!("rule {id:?}: `max` must be 0 or more"),
                    )),
                    None => Err(err(
                        id_at,
                        format!("rule {id:?}: this kind needs `max = N`"),
                    )),
                }
            };
            let kind_at = r.kind.span().start;
            let check = match r.kind.get_ref().as_str() {
                "forbidden_actions" => Check::ForbiddenActions {
                    actions: need_actions(&r.actions)?,
                },
                "required_fields" => {
                    let fields = match &r.fields {
                        Some(f) if !f.get_ref().is_empty() => {
                            for name in f.get_ref() {
                                if !FIELDS.contains(&name.as_str()) && !name.starts_with("details.")
                                {
                                    return Err(err(
                                        f.span().start,
                                        format!(
                                            "rule {id:?}: unknown field {name:?}; use {} or details.KEY",
                                            FIELDS.join(", ")
                                        ),
                                    ));
                                }
                            }
                            f.get_ref().clone()
                        }
                        _ => {
                            return Err(err(
                                id_at,
                                format!("rule {id:?}: required_fields needs `fields = [...]`"),
                            ));
                        }
                    };
                    Check::RequiredFields {
                        fields,
                        actions: r
                            .actions
                            .as_ref()
                            .map(|a| a.get_ref().clone())
                            .unwrap_or_default(),
                    }
                }
                "max_failed_logins" => Check::MaxFailedLogins {
                    max: max(&r.max)?,
                    window_ms: dur(&r.window, "window", 15 * 60_000)?,
                },
                "allowed_hours" => {
                    let Some(h) = &r.hours else {
                        return Err(err(
                            id_at,
                            format!("rule {id:?}: allowed_hours needs `hours = \"08-18\"`"),
                        ));
                    };
                    let parsed = h.get_ref().split_once('-').and_then(|(a, b)| {
                        let a: u32 = a.trim().trim_end_matches(":00").parse().ok()?;
                        let b: u32 = b.trim().trim_end_matches(":00").parse().ok()?;
                        (a <= 24 && b <= 24 && a != b).then_some((a, b))
                    });
                    let Some((start, end)) = parsed else {
                        return Err(err(
                            h.span().start,
                            format!(
                                "rule {id:?}: hours {:?} is not a range like \"08-18\" (start inclusive, end exclusive, 0–24)",
                                h.get_ref()
                            ),
                        ));
                    };
                    Check::AllowedHours {
                        actions: need_actions(&r.actions)?,
                        start,
                        end,
                    }
                }
                "requires_approval" => {
                    let Some(a) = &r.approval_action else {
                        return Err(err(
                            id_at,
                            format!(
                                "rule {id:?}: requires_approval needs `approval_action = \"...\"`"
                            ),
                        ));
                    };
                    Check::RequiresApproval {
                        actions: need_actions(&r.actions)?,
                        approval_action: a.get_ref().clone(),
                        within_ms: dur(&r.within, "within", HOUR)?,
                        same_user: r.same_user.unwrap_or(true),
                    }
                }
                "max_config_changes" => Check::MaxConfigChanges {
                    max: max(&r.max)?,
                    actions: r
                        .actions
                        .as_ref()
                        .map(|a| a.get_ref().clone())
                        .unwrap_or_else(|| vec!["config.save".into(), "wizard.run".into()]),
                },
                "success_after_retry" => Check::SuccessAfterRetry {
                    actions: need_actions(&r.actions)?,
                    within_ms: dur(&r.within, "within", HOUR)?,
                },
                other => {
                    return Err(err(
                        kind_at,
                        format!(
                            "rule {id:?}: unknown kind {other:?}; use forbidden_actions, required_fields, max_failed_logins, allowed_hours, requires_approval, max_config_changes or success_after_retry"
                        ),
                    ));
                }
            };
            let weight = match &r.weight {
                Some(w) if *w.get_ref() >= 0.0 && w.get_ref().is_finite() => *w.get_ref(),
                Some(w) => {
                    return Err(err(
                        w.span().start,
                        format!("rule {id:?}: `weight` must be 0 or more"),
                    ));
                }
                None => 1.0,
            };
            rules.push(Rule {
                description: r.description.unwrap_or_else(|| id.clone()),
                id,
                weight,
                severity: r.severity.unwrap_or(RuleSeverity::Medium),
                check,
            });
        }
        Ok(Policy {
            name: raw
                .policy
                .and_then(|p| p.name)
                .unwrap_or_else(|| file.to_string()),
            rules,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RuleResult {
    pub id: String,
    pub description: String,
    pub kind: &'static str,
    pub weight: f64,
    pub severity: RuleSeverity,
    pub outcome: Outcome,
    /// Events (or users, days) the rule looked at.
    pub checked: u64,
    pub violations: u64,
    /// For a failure, violating events; for a pass, events that were checked and passed.
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Violation {
    pub rule_id: String,
    pub severity: RuleSeverity,
    pub event_id: String,
    pub time: DateTime<Utc>,
    pub user: Option<String>,
    pub action: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Compliance {
    pub policy: String,
    /// Weighted (XCCDF flat) score, 0–100.
    pub score: f64,
    /// Unweighted (XCCDF flat-unweighted) score, 0–100.
    pub score_unweighted: f64,
    /// Of the weighted score: poor, fair, good, excellent.
    pub band: &'static str,
    pub rules_passed: usize,
    pub rules_failed: usize,
    pub rules_not_applicable: usize,
    pub rules: Vec<RuleResult>,
    /// Counted in full...
    pub violations_total: u64,
    /// ...listed up to the cap passed to `evaluate`.
    pub violations: Vec<Violation>,
    pub recommendations: Vec<String>,
}

pub fn band(score: f64) -> &'static str {
    match score {
        s if s < 50.0 => "poor",
        s if s < 80.0 => "fair",
        s if s < 90.0 => "good",
        _ => "excellent",
    }
}

const EVIDENCE: usize = 20;

struct Eval<'a> {
    ix: &'a Index,
    range: Range<usize>,
    local: Local,
    now_ms: i64,
}

impl Eval<'_> {
    fn action_ids(&self, names: &[String]) -> Vec<u32> {
        names
            .iter()
            .filter_map(|a| self.ix.f.actions.get(a))
            .collect()
    }
    /// Events of the given actions in range, in time order.
    fn of_actions(&self, names: &[String]) -> Vec<u32> {
        let mut v: Vec<u32> = Vec::new();
        for a in self.action_ids(names) {
            v.extend_from_slice(self.ix.clip(self.ix.by_action.get(a), &self.range));
        }
        v.sort_unstable();
        v
    }
    fn has_field(&self, r: &Rec, field: &str) -> bool {
        let f = &self.ix.f;
        match field {
            "user" => r.user != NONE,
            "resource" => r.resource != NONE,
            "resource_type" => r.resource_type != NONE,
            "operation_id" => r.operation != NONE,
            "session_id" => r.session != NONE,
            "transaction_id" => r.transaction != NONE,
            "ip" => r.ip != NONE,
            "id" => r.id != NONE,
            "subsystem" => r.subsystem != NONE,
            "duration_ms" => r.duration().is_some(),
            d => d
                .strip_prefix("details.")
                .and_then(|k| f.detail_keys.get(k))
                .is_some_and(|k| self.ix.detail(r, k) != NONE),
        }
    }
}

/// Evaluates `policy` over the events in `range`. `now_ms` decides whether a retry window
/// has run out; `max_violations` caps the listed violations (all are counted).
pub fn evaluate(
    ix: &Index,
    range: Range<usize>,
    policy: &Policy,
    local: Local,
    now_ms: i64,
    max_violations: usize,
) -> Compliance {
    let ev = Eval {
        ix,
        range,
        local,
        now_ms,
    };
    let mut rules = Vec::new();
    let mut violations = Vec::new();
    let mut total = 0u64;
    for rule in &policy.rules {
        let (kind, checked, bad, good, messages) = check(&ev, rule);
        let outcome = if checked == 0 {
            Outcome::NotApplicable
        } else if bad.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
        total += bad.len() as u64;
        for (&i, m) in bad.iter().zip(&messages) {
            if violations.len() < max_violations {
                let r = &ix.recs[i as usize];
                violations.push(Violation {
                    rule_id: rule.id.clone(),
                    severity: rule.severity,
                    event_id: ix.event_id(i as usize),
                    time: to_time(r.t),
                    user: ix.user_name(r).map(str::to_string),
                    action: ix.f.actions.name(r.action).to_string(),
                    message: m.clone(),
                });
            }
        }
        let proof = if bad.is_empty() { &good } else { &bad };
        rules.push(RuleResult {
            id: rule.id.clone(),
            description: rule.description.clone(),
            kind,
            weight: rule.weight,
            severity: rule.severity,
            outcome,
            checked,
            violations: bad.len() as u64,
            evidence: proof
                .iter()
                .take(EVIDENCE)
                .map(|&i| ix.event_id(i as usize))
                .collect(),
        });
    }
    let applicable: Vec<&RuleResult> = rules
        .iter()
        .filter(|r| r.outcome != Outcome::NotApplicable)
        .collect();
    let passed: Vec<&&RuleResult> = applicable
        .iter()
        .filter(|r| r.outcome == Outcome::Pass)
        .collect();
    let wsum: f64 = applicable.iter().map(|r| r.weight).sum();
    let score = if applicable.is_empty() || wsum == 0.0 {
        100.0
    } else {
        100.0 * passed.iter().map(|r| r.weight).sum::<f64>() / wsum
    };
    let score_unweighted = if applicable.is_empty() {
        100.0
    } else {
        100.0 * passed.len() as f64 / applicable.len() as f64
    };
    let mut failing: Vec<(&RuleResult, &Rule)> = rules
        .iter()
        .zip(&policy.rules)
        .filter(|(r, _)| r.outcome == Outcome::Fail)
        .collect();
    failing.sort_by(|a, b| {
        b.0.severity
            .cmp(&a.0.severity)
            .then(b.0.weight.total_cmp(&a.0.weight))
    });
    let recommendations = failing
        .iter()
        .map(|(res, rule)| recommend(res, rule))
        .collect();
    Compliance {
        policy: policy.name.clone(),
        score,
        score_unweighted,
        band: band(score),
        rules_passed: passed.len(),
        rules_failed: applicable.len() - passed.len(),
        rules_not_applicable: rules.len() - applicable.len(),
        rules,
        violations_total: total,
        violations,
        recommendations,
    }
}

fn recommend(res: &RuleResult, rule: &Rule) -> String {
    let what = match &rule.check {
        Check::ForbiddenActions { actions } => format!("stop or restrict {}", actions.join(", ")),
        Check::RequiredFields { fields, .. } => {
            format!("make every producer record {}", fields.join(", "))
        }
        Check::MaxFailedLogins { max, .. } => {
            format!("lock out or rate-limit users after {max} failed logins")
        }
        Check::AllowedHours {
            actions,
            start,
            end,
        } => format!(
            "run {} only between {start:02}:00 and {end:02}:00",
            actions.join(", ")
        ),
        Check::RequiresApproval {
            actions,
            approval_action,
            ..
        } => format!("record {approval_action} before {}", actions.join(", ")),
        Check::MaxConfigChanges { max, .. } => {
            format!("batch configuration changes (at most {max} a day)")
        }
        Check::SuccessAfterRetry { actions, .. } => format!(
            "investigate {} failures that were never retried successfully",
            actions.join(", ")
        ),
    };
    format!(
        "[{}] {}: {what} ({} violations)",
        res.severity.as_str(),
        res.id,
        res.violations
    )
}

/// (kind, checked, violating events, passing events, a message per violation)
fn check(ev: &Eval<'_>, rule: &Rule) -> (&'static str, u64, Vec<u32>, Vec<u32>, Vec<String>) {
    let ix = ev.ix;
    let name = |i: u32| ix.f.actions.name(ix.recs[i as usize].action).to_string();
    match &rule.check {
        Check::ForbiddenActions { actions } => {
            let bad = ev.of_actions(actions);
            let msgs = bad
                .iter()
                .map(|&i| format!("forbidden action {}", name(i)))
                .collect();
            let good: Vec<u32> = ev.range.clone().take(EVIDENCE).map(|i| i as u32).collect();
            ("forbidden_actions", ev.range.len() as u64, bad, good, msgs)
        }
        Check::RequiredFields { fields, actions } => {
            let list: Vec<u32> = if actions.is_empty() {
                ev.range.clone().map(|i| i as u32).collect()
            } else {
                ev.of_actions(actions)
            };
            let (mut bad, mut good, mut msgs) = (Vec::new(), Vec::new(), Vec::new());
            for &i in &list {
                let r = &ix.recs[i as usize];
                let missing: Vec<&str> = fields
                    .iter()
                    .filter(|f| !ev.has_field(r, f))
                    .map(String::as_str)
                    .collect();
                if missing.is_empty() {
                    good.push(i);
                } else {
                    bad.push(i);
                    msgs.push(format!("{} lacks {}", name(i), missing.join(", ")));
                }
            }
            ("required_fields", list.len() as u64, bad, good, msgs)
        }
        Check::MaxFailedLogins { max, window_ms } => {
            let (mut checked, mut bad, mut good, mut msgs) =
                (0, Vec::new(), Vec::new(), Vec::new());
            for u in 0..ix.f.users.len() as u32 {
                let list = ix.clip(ix.by_user.get(u), &ev.range);
                let auth: Vec<u32> = list
                    .iter()
                    .copied()
                    .filter(|&i| ix.is_auth(&ix.recs[i as usize]))
                    .collect();
                if auth.is_empty() {
                    continue;
                }
                checked += 1;
                let failed: Vec<u32> = auth
                    .iter()
                    .copied()
                    .filter(|&i| ix.recs[i as usize].failed())
                    .collect();
                // Every failure that is the (max+1)-th or later within the window violates.
                let mut a = 0;
                let mut user_bad = false;
                for b in 0..failed.len() {
                    let tb = ix.recs[failed[b] as usize].t;
                    while ix.recs[failed[a] as usize].t <= tb - window_ms {
                        a += 1;
                    }
                    if b + 1 - a > *max as usize {
                        bad.push(failed[b]);
                        msgs.push(format!(
                            "{} failed logins by {} within {} min",
                            b + 1 - a,
                            ix.f.users.name(u),
                            window_ms / 60_000
                        ));
                        user_bad = true;
                    }
                }
                if !user_bad {
                    good.push(auth[0]);
                }
            }
            ("max_failed_logins", checked, bad, good, msgs)
        }
        Check::AllowedHours {
            actions,
            start,
            end,
        } => {
            let list = ev.of_actions(actions);
            let inside = |h: u32| {
                if start < end {
                    h >= *start && h < *end
                } else {
                    h >= *start || h < *end
                }
            };
            let (mut bad, mut good, mut msgs) = (Vec::new(), Vec::new(), Vec::new());
            for &i in &list {
                let h = ev.local.hour(ix.recs[i as usize].t);
                if inside(h) {
                    good.push(i);
                } else {
                    bad.push(i);
                    msgs.push(format!(
                        "{} at {h:02}h, outside {start:02}–{end:02}",
                        name(i)
                    ));
                }
            }
            ("allowed_hours", list.len() as u64, bad, good, msgs)
        }
        Check::RequiresApproval {
            actions,
            approval_action,
            within_ms,
            same_user,
        } => {
            let list = ev.of_actions(actions);
            let approvals =
                ix.f.actions
                    .get(approval_action)
                    .map_or(&[][..], |a| ix.by_action.get(a));
            let (mut bad, mut good, mut msgs) = (Vec::new(), Vec::new(), Vec::new());
            for &i in &list {
                let r = &ix.recs[i as usize];
                let ok = ix
                    .within(approvals, r.t - within_ms, r.t + 1)
                    .iter()
                    .any(|&j| {
                        (j as usize) < i as usize
                            && ix.recs[j as usize].status != crate::Status::Failed
                            && (!same_user || ix.recs[j as usize].user == r.user)
                    });
                if ok {
                    good.push(i);
                } else {
                    bad.push(i);
                    msgs.push(format!("{} without a preceding {approval_action}", name(i)));
                }
            }
            ("requires_approval", list.len() as u64, bad, good, msgs)
        }
        Check::MaxConfigChanges { max, actions } => {
            let list = ev.of_actions(actions);
            let (mut bad, mut good, mut msgs) = (Vec::new(), Vec::new(), Vec::new());
            let mut days = 0;
            for day in list.chunk_by(|&a, &b| {
                ev.local.floor(ix.recs[a as usize].t, DAY)
                    == ev.local.floor(ix.recs[b as usize].t, DAY)
            }) {
                days += 1;
                if day.len() > *max as usize {
                    for &i in &day[*max as usize..] {
                        bad.push(i);
                        msgs.push(format!("{} changes in one day (limit {max})", day.len()));
                    }
                } else {
                    good.push(day[0]);
                }
            }
            ("max_config_changes", days, bad, good, msgs)
        }
        Check::SuccessAfterRetry { actions, within_ms } => {
            let list = ev.of_actions(actions);
            let (mut checked, mut bad, mut good, mut msgs) =
                (0, Vec::new(), Vec::new(), Vec::new());
            for &i in &list {
                let r = &ix.recs[i as usize];
                if !r.failed() || r.t + within_ms > ev.now_ms {
                    continue;
                }
                checked += 1;
                let same_kind = |j: u32| {
                    let c = &ix.recs[j as usize];
                    (j as usize) > i as usize
                        && c.action == r.action
                        && c.resource == r.resource
                        && c.status == crate::Status::Ok
                };
                let followers = if r.resource != NONE {
                    ix.by_resource.get(r.resource)
                } else {
                    ix.by_action.get(r.action)
                };
                match ix
                    .within(followers, r.t, r.t + within_ms + 1)
                    .iter()
                    .copied()
                    .find(|&j| same_kind(j))
                {
                    Some(_) => good.push(i),
                    None => {
                        bad.push(i);
                        msgs.push(format!(
                            "{} failed and no retry succeeded within {} min",
                            name(i),
                            within_ms / 60_000
                        ));
                    }
                }
            }
            ("success_after_retry", checked, bad, good, msgs)
        }
    }
}
