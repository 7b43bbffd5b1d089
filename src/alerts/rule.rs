//! A compiled rule: what the engine evaluates. Built from the built-ins and the config by
//! `config.rs`, which has already checked everything here.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use super::metric::Metric;
use super::model::Severity;
use super::template::{self, Vars};

/// The comparison: the alert condition is `value <op> threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }

    pub fn breached(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
            Op::Lt => value < threshold,
            Op::Le => value <= threshold,
        }
    }

    /// True when `a` is further into alarm than `b` (peak tracking, threshold order).
    pub fn worse(self, a: f64, b: f64) -> bool {
        match self {
            Op::Gt | Op::Ge => a > b,
            Op::Lt | Op::Le => a < b,
        }
    }

    /// The threshold moved by `margin` towards the healthy side: what a held level needs to
    /// cross before it counts as cleared.
    fn relaxed(self, threshold: f64, margin: f64) -> f64 {
        match self {
            Op::Gt | Op::Ge => threshold - margin,
            Op::Lt | Op::Le => threshold + margin,
        }
    }
}

impl TryFrom<String> for Op {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.trim() {
            ">" => Ok(Op::Gt),
            ">=" => Ok(Op::Ge),
            "<" => Ok(Op::Lt),
            "<=" => Ok(Op::Le),
            other => Err(format!(
                "unknown comparison {other:?}; use \">\", \">=\", \"<\" or \"<=\""
            )),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub name: String,
    pub metric: Metric,
    pub op: Op,
    pub warning: Option<f64>,
    pub critical: Option<f64>,
    /// How long the condition must hold before the alert fires.
    pub for_duration: Duration,
    /// How long the value must stay cleared before the alert resolves or de-escalates.
    pub clear_for: Duration,
    /// Margin, in the metric's unit, a held level's threshold is relaxed by (see `level`).
    pub hysteresis: f64,
    pub message: String,
    /// Comes from the built-in set (possibly overridden).
    pub builtin: bool,
}

impl Rule {
    pub fn threshold(&self, severity: Severity) -> Option<f64> {
        match severity {
            Severity::Warning => self.warning,
            Severity::Critical => self.critical,
        }
    }

    /// The level `value` reaches. A level the alert already holds (`held` or below) is judged
    /// against its threshold relaxed by the hysteresis margin, so a value hovering at the
    /// threshold neither resolves nor de-escalates; entering a higher level needs the full one.
    pub fn level(&self, value: f64, held: Option<Severity>) -> Option<Severity> {
        let reaches = |sev: Severity| {
            self.threshold(sev).is_some_and(|t| {
                let t = if held.is_some_and(|h| h >= sev) {
                    self.op.relaxed(t, self.hysteresis)
                } else {
                    t
                };
                self.op.breached(value, t)
            })
        };
        if reaches(Severity::Critical) {
            Some(Severity::Critical)
        } else if reaches(Severity::Warning) {
            Some(Severity::Warning)
        } else {
            None
        }
    }

    pub fn render(&self, value: f64, severity: Severity) -> String {
        let metric = self.metric.to_string();
        template::render(
            &self.message,
            &Vars {
                name: &self.name,
                value,
                threshold: self.threshold(severity).unwrap_or(f64::NAN),
                severity: severity.as_str(),
                metric: &metric,
            },
        )
    }
}
