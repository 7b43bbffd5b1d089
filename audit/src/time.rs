//! Time arithmetic on Unix milliseconds with a caller-supplied UTC offset (no clock, no tz
//! database: the binary passes the offset of its local zone).

use chrono::{DateTime, Utc};

pub const SECOND: i64 = 1000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
pub const WEEK: i64 = 7 * DAY;

/// A local-time view: `offset_minutes` east of UTC (e.g. +60 for CET).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct Local {
    pub offset_minutes: i32,
}

impl Local {
    pub const UTC: Local = Local { offset_minutes: 0 };

    pub fn new(offset_minutes: i32) -> Local {
        Local { offset_minutes }
    }

    fn shift(self, t: i64) -> i64 {
        t + i64::from(self.offset_minutes) * MINUTE
    }

    /// Local hour of day, 0–23.
    pub fn hour(self, t: i64) -> u32 {
        (self.shift(t).rem_euclid(DAY) / HOUR) as u32
    }

    /// Local day of week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self, t: i64) -> u32 {
        ((self.shift(t).div_euclid(DAY) + 3).rem_euclid(7)) as u32
    }

    /// Hour of week 0–167, Monday 00:00 local = 0.
    pub fn hour_of_week(self, t: i64) -> usize {
        (self.weekday(t) * 24 + self.hour(t)) as usize
    }

    /// Start (UTC millis) of the local period containing `t`.
    pub fn floor(self, t: i64, period: i64) -> i64 {
        let off = i64::from(self.offset_minutes) * MINUTE;
        if period == WEEK {
            // Weeks start on Monday: shift by the 3 days between Thursday 1970-01-01 and Monday.
            let s = self.shift(t) + 3 * DAY;
            return s - s.rem_euclid(WEEK) - 3 * DAY - off;
        }
        let s = self.shift(t);
        s - s.rem_euclid(period) - off
    }
}

pub fn to_time(ms: i64) -> DateTime<Utc> {
    crate::events::ms_to_time(ms)
}

/// "15m", "2h", "30s", "7d", "1w", or plain seconds.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: f64 = num.parse().ok()?;
    let mult = match unit {
        "ms" => 1,
        "s" | "sec" | "secs" => SECOND,
        "m" | "min" | "mins" => MINUTE,
        "h" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "week" | "weeks" => WEEK,
        _ => return None,
    };
    (n.is_finite() && n >= 0.0).then_some((n * mult as f64) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_hour_and_floor() {
        // 2026-01-05 is a Monday.
        let mon = chrono::DateTime::parse_from_rfc3339("2026-01-05T10:30:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(Local::UTC.weekday(mon), 0);
        assert_eq!(Local::UTC.hour(mon), 10);
        assert_eq!(Local::new(120).hour(mon), 12);
        assert_eq!(Local::new(-660).weekday(mon), 6);
        let wk = Local::UTC.floor(mon + 3 * DAY, WEEK);
        assert_eq!(wk, mon - 10 * HOUR - 30 * MINUTE);
        assert_eq!(parse_duration("15m"), Some(15 * MINUTE));
        assert_eq!(parse_duration("90"), Some(90 * SECOND));
        assert_eq!(parse_duration("x"), None);
    }
}
