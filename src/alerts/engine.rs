//! The alert engine: rules in, alerts with a lifecycle out. Pure (no I/O, no clock): the caller
//! hands it each snapshot with the time and persists the events it returns.
//!
//! Lifecycle per rule (one alert at a time):
//! - none -> pending when the value reaches a level; pending -> firing once the condition has
//!   held for `for` (at once when `for` is 0). A pending alert that clears, or whose metric
//!   has no current value, is dropped: firing needs an unbroken observation.
//! - firing: a higher level escalates at once (the condition is already confirmed); a lower
//!   level must hold for `clear_for` before de-escalating, and the value must stay below every
//!   threshold for `clear_for` before the alert resolves. Hysteresis relaxes the thresholds of
//!   levels already held (see `Rule::level`). While the metric has no value (source down,
//!   stale data) a firing alert is held as it is rather than resolved by missing data.
//! - acknowledgement marks the alert until it resolves; the next alert of the rule is new.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::model::{Alert, AlertEvent, AlertEventKind, AlertState, Severity};
use super::resolve::{Context, Trend, value_in};
use super::rule::Rule;
use crate::model::Snapshot;

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("no active alert with id {0:?} (it may have resolved)")]
    UnknownAlert(String),
}

pub struct AlertEngine {
    rules: Vec<Rule>,
    /// Active (pending or firing) alerts by rule name.
    active: BTreeMap<String, Tracked>,
    context: Context,
    trend: Trend,
}

struct Tracked {
    alert: Alert,
    /// While firing: since when the value has been below every threshold.
    clear_since: Option<DateTime<Utc>>,
    /// While firing: since when the value has been below the alert's severity.
    lower_since: Option<DateTime<Utc>>,
}

impl AlertEngine {
    pub fn new(rules: Vec<Rule>, context: Context) -> Self {
        AlertEngine {
            rules,
            active: BTreeMap::new(),
            context,
            trend: Trend::default(),
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Facts beyond the snapshot (expected peers, supervised daemons) may change at any time.
    pub fn context_mut(&mut self) -> &mut Context {
        &mut self.context
    }

    /// Replaces the rules (config reload): alerts of rules still present carry on, the others
    /// resolve.
    pub fn set_rules(&mut self, rules: Vec<Rule>, now: DateTime<Utc>) -> Vec<AlertEvent> {
        self.rules = rules;
        let gone: Vec<String> = self
            .active
            .keys()
            .filter(|name| !self.rules.iter().any(|r| &r.name == *name))
            .cloned()
            .collect();
        gone.into_iter()
            .filter_map(|name| self.active.remove(&name))
            .filter(|t| t.alert.is_firing())
            .map(|t| resolve(t, now))
            .collect()
    }

    /// Takes back alerts that were firing when the process stopped (from the alert history),
    /// keeping their id, start and acknowledgement. Those whose rule is gone resolve now.
    pub fn restore(
        &mut self,
        alerts: impl IntoIterator<Item = Alert>,
        now: DateTime<Utc>,
    ) -> Vec<AlertEvent> {
        let mut events = Vec::new();
        for alert in alerts.into_iter().filter(Alert::is_firing) {
            let t = Tracked {
                alert,
                clear_since: None,
                lower_since: None,
            };
            if !self.rules.iter().any(|r| r.name == t.alert.rule) {
                events.push(resolve(t, now));
            } else if !self.active.contains_key(&t.alert.rule) {
                self.active.insert(t.alert.rule.clone(), t);
            }
        }
        events
    }

    /// Evaluates every rule against the snapshot; returns what changed (fired, escalated,
    /// de-escalated, resolved).
    pub fn evaluate(&mut self, snapshot: &Snapshot, now: DateTime<Utc>) -> Vec<AlertEvent> {
        self.trend.observe(snapshot, now);
        let mut events = Vec::new();
        for rule in &self.rules {
            let v = value_in(snapshot, &rule.metric, &self.context, Some(&self.trend));
            events.extend(step(rule, &mut self.active, v, now));
        }
        events
    }

    /// Marks an active alert as seen. `Ok(None)` when it already was.
    pub fn acknowledge(
        &mut self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<AlertEvent>, AlertError> {
        let t = self
            .active
            .values_mut()
            .find(|t| t.alert.id == id)
            .ok_or_else(|| AlertError::UnknownAlert(id.to_string()))?;
        if t.alert.acknowledged {
            return Ok(None);
        }
        t.alert.acknowledged = true;
        t.alert.acknowledged_at = Some(now);
        Ok(Some(event(AlertEventKind::Acknowledged, &t.alert, now)))
    }

    /// Pending and firing alerts, critical first, then oldest first.
    pub fn active(&self) -> Vec<Alert> {
        let mut v: Vec<Alert> = self.active.values().map(|t| t.alert.clone()).collect();
        v.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.started_at.cmp(&b.started_at))
                .then(a.id.cmp(&b.id))
        });
        v
    }

    /// The worst severity among firing alerts (pending ones do not count), for health.
    pub fn worst_firing(&self) -> Option<Severity> {
        self.active
            .values()
            .filter(|t| t.alert.is_firing())
            .map(|t| t.alert.severity)
            .max()
    }
}

/// One rule, one evaluation.
fn step(
    rule: &Rule,
    active: &mut BTreeMap<String, Tracked>,
    value: Option<f64>,
    now: DateTime<Utc>,
) -> Option<AlertEvent> {
    // NaN or infinity would poison peaks and cannot be written as JSON.
    let value = value.filter(|v| v.is_finite());
    let Some(t) = active.get_mut(&rule.name) else {
        let v = value?;
        let sev = rule.level(v, None)?;
        let mut t = Tracked::start(rule, sev, v, now);
        let fired = rule.for_duration.is_zero().then(|| fire(&mut t, now));
        active.insert(rule.name.clone(), t);
        return fired;
    };
    t.alert.duration_secs = secs_between(t.alert.started_at, now);
    let Some(v) = value else {
        if t.alert.state == AlertState::Pending {
            active.remove(&rule.name);
        }
        return None;
    };
    t.alert.value = Some(v);
    if rule.op.worse(v, t.alert.peak) {
        t.alert.peak = v;
    }
    let held = t.alert.severity;
    let level = rule.level(v, Some(held));

    if t.alert.state == AlertState::Pending {
        let Some(sev) = level else {
            active.remove(&rule.name);
            return None;
        };
        set_severity(t, rule, sev, v);
        return (elapsed(t.alert.started_at, now) >= rule.for_duration).then(|| fire(t, now));
    }

    match level {
        Some(sev) if sev >= held => {
            t.clear_since = None;
            t.lower_since = None;
            set_severity(t, rule, sev, v);
            (sev > held).then(|| event(AlertEventKind::Escalated, &t.alert, now))
        }
        Some(_) => {
            t.clear_since = None;
            t.lower_since.get_or_insert(now);
            set_severity(t, rule, held, v);
            deescalate_if_due(t, rule, v, now)
        }
        None => {
            t.clear_since.get_or_insert(now);
            t.lower_since.get_or_insert(now);
            if t.clear_since
                .is_some_and(|s| elapsed(s, now) >= rule.clear_for)
            {
                return active.remove(&rule.name).map(|t| resolve(t, now));
            }
            deescalate_if_due(t, rule, v, now)
        }
    }
}

fn deescalate_if_due(
    t: &mut Tracked,
    rule: &Rule,
    v: f64,
    now: DateTime<Utc>,
) -> Option<AlertEvent> {
    let due = t
        .lower_since
        .is_some_and(|s| elapsed(s, now) >= rule.clear_for);
    if t.alert.severity == Severity::Critical && rule.warning.is_some() && due {
        set_severity(t, rule, Severity::Warning, v);
        // Below warning too? Then that clock, already running, now counts for this level.
        t.lower_since = t.clear_since;
        return Some(event(AlertEventKind::Deescalated, &t.alert, now));
    }
    None
}

impl Tracked {
    fn start(rule: &Rule, sev: Severity, v: f64, now: DateTime<Utc>) -> Self {
        Tracked {
            alert: Alert {
                id: format!("{}-{}", rule.name, now.timestamp_millis()),
                rule: rule.name.clone(),
                metric: rule.metric.to_string(),
                severity: sev,
                state: AlertState::Pending,
                message: rule.render(v, sev),
                value: Some(v),
                threshold: rule.threshold(sev).unwrap_or(0.0),
                peak: v,
                started_at: now,
                fired_at: None,
                resolved_at: None,
                acknowledged: false,
                acknowledged_at: None,
                duration_secs: 0,
            },
            clear_since: None,
            lower_since: None,
        }
    }
}

fn set_severity(t: &mut Tracked, rule: &Rule, sev: Severity, v: f64) {
    t.alert.severity = sev;
    t.alert.threshold = rule.threshold(sev).unwrap_or(t.alert.threshold);
    t.alert.message = rule.render(v, sev);
}

fn fire(t: &mut Tracked, now: DateTime<Utc>) -> AlertEvent {
    t.alert.state = AlertState::Firing;
    t.alert.fired_at = Some(now);
    event(AlertEventKind::Fired, &t.alert, now)
}

fn resolve(mut t: Tracked, now: DateTime<Utc>) -> AlertEvent {
    t.alert.state = AlertState::Resolved;
    t.alert.resolved_at = Some(now);
    t.alert.duration_secs = secs_between(t.alert.started_at, now);
    event(AlertEventKind::Resolved, &t.alert, now)
}

fn event(kind: AlertEventKind, alert: &Alert, at: DateTime<Utc>) -> AlertEvent {
    AlertEvent {
        at,
        kind,
        alert: alert.clone(),
    }
}

/// A clock that steps back counts as no time passed.
fn elapsed(since: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (now - since).to_std().unwrap_or(Duration::ZERO)
}

fn secs_between(since: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    elapsed(since, now).as_secs()
}
