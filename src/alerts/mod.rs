//! Alerts: rules over Snapshot metrics, evaluated into alerts with a lifecycle (pending,
//! firing, resolved; acknowledged by the operator), and an alert history on disk.
//!
//! - `config`: the `[alerts]` section and its checks; `builtin`: the default rules.
//! - `metric` + `resolve`: metric paths and their values from a Snapshot (+ `Context`).
//! - `engine`: the lifecycle, pure; `history`: `alerts.jsonl`.
//!
//! Hysteresis and delays: `for` delays firing; `clear_for` (default: `for`) delays resolving
//! and de-escalating; `hysteresis` (default 0, in the metric's unit) relaxes the threshold of
//! a level already held, e.g. repo usage `>= 80` with hysteresis 2 stays at warning until the
//! usage is below 78.

mod builtin;
mod config;
mod engine;
mod history;
mod metric;
mod model;
mod resolve;
mod rule;
mod template;

pub use config::{AlertsSection, RuleIssue, RuleSpec};
pub use engine::{AlertEngine, AlertError};
pub use history::AlertHistory;
pub use metric::{Metric, PIN_STATUSES, SourceName};
pub use model::{Alert, AlertEvent, AlertEventKind, AlertState, Severity};
pub use resolve::{Context, DaemonFacts, Trend, value, value_in};
pub use rule::{Op, Rule};
pub use template::number as format_number;

/// The built-in rules as they ship.
pub fn builtin_rules() -> Vec<Rule> {
    builtin::rules()
}

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests_config;
#[cfg(test)]
mod tests_engine;
#[cfg(test)]
mod tests_history;
#[cfg(test)]
mod tests_resolve;
