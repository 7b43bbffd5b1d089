//! Figures per operation over a window (1m, 1h, 24h): count, success rate, p50/p95/p99/max.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Serialize;

use super::Minute;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub enum Timeframe {
    #[serde(rename = "1m")]
    Minute,
    #[serde(rename = "1h")]
    Hour,
    #[serde(rename = "24h")]
    Day,
}

impl Timeframe {
    pub const ALL: [Timeframe; 3] = [Timeframe::Minute, Timeframe::Hour, Timeframe::Day];

    pub fn minutes(self) -> i64 {
        match self {
            Timeframe::Minute => 1,
            Timeframe::Hour => 60,
            Timeframe::Day => 1440,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Timeframe::Minute => "1m",
            Timeframe::Hour => "1h",
            Timeframe::Day => "24h",
        }
    }
}

impl FromStr for Timeframe {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "1m" => Ok(Timeframe::Minute),
            "1h" => Ok(Timeframe::Hour),
            "24h" | "1d" => Ok(Timeframe::Day),
            _ => Err(format!("{s:?} is not a timeframe; use 1m, 1h or 24h")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct OpMetrics {
    pub operation: String,
    pub timeframe: Timeframe,
    pub count: u64,
    pub failed: u64,
    /// ok / count (1 with no samples).
    pub success_rate: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

pub fn metrics(operation: &str, timeframe: Timeframe, m: &Minute) -> OpMetrics {
    let q = |p: f64| {
        if m.hist.is_empty() {
            0.0
        } else {
            ms(m.hist.value_at_quantile(p))
        }
    };
    OpMetrics {
        operation: operation.to_string(),
        timeframe,
        count: m.count(),
        failed: m.failed,
        success_rate: if m.count() == 0 {
            1.0
        } else {
            m.ok as f64 / m.count() as f64
        },
        p50_ms: q(0.50),
        p95_ms: q(0.95),
        p99_ms: q(0.99),
        max_ms: if m.hist.is_empty() {
            0.0
        } else {
            ms(m.hist.max())
        },
    }
}

/// Every operation's figures, slowest p95 first.
pub fn table(timeframe: Timeframe, ops: &BTreeMap<String, Minute>) -> Vec<OpMetrics> {
    let mut out: Vec<OpMetrics> = ops
        .iter()
        .map(|(op, m)| metrics(op, timeframe, m))
        .collect();
    out.sort_by(|a, b| {
        b.p95_ms
            .total_cmp(&a.p95_ms)
            .then(a.operation.cmp(&b.operation))
    });
    out
}
