//! Trends per hour, day or week: a value per period with its change against the previous
//! period, and the least-squares slope over the range.

use std::ops::Range;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::index::Index;
use crate::intern::NONE;
use crate::robust::slope;
use crate::time::{DAY, HOUR, Local, WEEK, to_time};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    EventCount,
    FailedAuth,
    Failures,
    UniqueUsers,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Hourly,
    Daily,
    Weekly,
}

impl Period {
    pub fn ms(self) -> i64 {
        match self {
            Period::Hourly => HOUR,
            Period::Daily => DAY,
            Period::Weekly => WEEK,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrendArgError {
    #[error("unknown metric {0:?}; use event_count, failed_auth, failures or unique_users")]
    Metric(String),
    #[error("unknown period {0:?}; use hourly, daily or weekly")]
    Period(String),
}

impl FromStr for Metric {
    type Err = TrendArgError;
    fn from_str(s: &str) -> Result<Self, TrendArgError> {
        Ok(match s {
            "event_count" | "events" | "count" => Metric::EventCount,
            "failed_auth" => Metric::FailedAuth,
            "failures" | "errors" => Metric::Failures,
            "unique_users" | "users" => Metric::UniqueUsers,
            _ => return Err(TrendArgError::Metric(s.into())),
        })
    }
}

impl FromStr for Period {
    type Err = TrendArgError;
    fn from_str(s: &str) -> Result<Self, TrendArgError> {
        Ok(match s {
            "hourly" | "hour" => Period::Hourly,
            "daily" | "day" => Period::Daily,
            "weekly" | "week" => Period::Weekly,
            _ => return Err(TrendArgError::Period(s.into())),
        })
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub value: f64,
    /// value − previous bucket's value (`None` for the first).
    pub change: Option<f64>,
    /// change as a percentage of the previous value (`None` when that was 0).
    pub change_pct: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Trend {
    pub metric: Metric,
    pub period: Period,
    /// Every period from the first event's to the last's, empty ones included.
    pub buckets: Vec<Bucket>,
    /// Least-squares slope, in metric units per period.
    pub slope: f64,
    pub mean: f64,
}

pub fn trend(
    ix: &Index,
    range: Range<usize>,
    metric: Metric,
    period: Period,
    local: Local,
) -> Trend {
    let p = period.ms();
    let recs = &ix.recs[range];
    let mut values: Vec<f64> = Vec::new();
    let mut starts: Vec<i64> = Vec::new();
    if let (Some(a), Some(b)) = (recs.first(), recs.last()) {
        let t0 = local.floor(a.t, p);
        let n = ((local.floor(b.t, p) - t0) / p + 1) as usize;
        values = vec![0.0; n];
        starts = (0..n).map(|i| t0 + i as i64 * p).collect();
        let mut seen = vec![usize::MAX; ix.f.users.len()];
        let mut k = 0;
        for r in recs {
            while k + 1 < n && r.t >= starts[k + 1] {
                k += 1;
            }
            let add = match metric {
                Metric::EventCount => true,
                Metric::FailedAuth => ix.failed_auth(r),
                Metric::Failures => r.failed(),
                Metric::UniqueUsers => {
                    let fresh = r.user != NONE && seen[r.user as usize] != k;
                    if fresh {
                        seen[r.user as usize] = k;
                    }
                    fresh
                }
            };
            if add {
                values[k] += 1.0;
            }
        }
    }
    let buckets = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let prev = i.checked_sub(1).map(|j| values[j]);
            Bucket {
                start: to_time(starts[i]),
                value: v,
                change: prev.map(|q| v - q),
                change_pct: prev.filter(|q| *q != 0.0).map(|q| 100.0 * (v - q) / q),
            }
        })
        .collect();
    Trend {
        metric,
        period,
        buckets,
        slope: slope(&values),
        mean: if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        },
    }
}
