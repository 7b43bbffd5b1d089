//! Number and text formatting shared by the widgets: bytes, rates, durations, counts, truncation.
//!
//! Every function is total: NaN and infinities come out as `n/a` rather than `NaN B`.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Shown for a value that cannot be formatted (NaN, infinite).
pub const NOT_AVAILABLE: &str = "n/a";

/// How a number is shown to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain count: `12,345` or `0.25`.
    #[default]
    Count,
    /// A size in bytes, binary prefixes: `1.5 MiB`.
    Bytes,
    /// A byte rate: `1.5 MiB/s`.
    BytesPerSec,
    /// A percentage: `42.5%`.
    Percent,
    /// Milliseconds: `12 ms`, `1.2 s`.
    Millis,
    /// Seconds, as a duration: `3d 4h`.
    Seconds,
    /// Events per second: `12.5/s`.
    PerSec,
    /// A count followed by a caller's suffix: `3 peers`.
    Suffix(&'static str),
}

impl Unit {
    /// Formats `value` in this unit.
    pub fn format(self, value: f64) -> String {
        if !value.is_finite() {
            return NOT_AVAILABLE.to_string();
        }
        match self {
            Unit::Count => count(value),
            Unit::Bytes => bytes(value),
            Unit::BytesPerSec => rate(value),
            Unit::Percent => percent(value),
            Unit::Millis => millis(value),
            Unit::Seconds => {
                let sign = if value < 0.0 { "-" } else { "" };
                // Saturating float-to-int cast is what we want for absurd inputs.
                format!("{sign}{}", duration(value.abs() as u64))
            }
            Unit::PerSec => format!("{}/s", count(value)),
            Unit::Suffix(s) => format!("{} {s}", count(value)),
        }
    }

    /// Formats a change: like [`Unit::format`] with a leading `+` for positive values.
    pub fn format_signed(self, value: f64) -> String {
        let text = self.format(value);
        if value > 0.0 && value.is_finite() {
            format!("+{text}")
        } else {
            text
        }
    }
}

/// Bytes with binary prefixes: `512 B`, `1.0 KiB`, `12.3 GiB`.
pub fn bytes(value: f64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if !value.is_finite() {
        return NOT_AVAILABLE.to_string();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let mut v = value.abs();
    let mut i = 0;
    // Move up a unit before rounding would print `1024 B` or `1024.0 KiB`.
    while i + 1 < UNITS.len() && v >= if i == 0 { 1023.5 } else { 1023.95 } {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{sign}{v:.0} B")
    } else {
        format!("{sign}{v:.1} {}", UNITS[i])
    }
}

/// A byte rate: `1.5 MiB/s`.
pub fn rate(bytes_per_sec: f64) -> String {
    format!("{}/s", bytes(bytes_per_sec))
}

/// A percentage with one decimal: `42.5%`.
pub fn percent(value: f64) -> String {
    if !value.is_finite() {
        return NOT_AVAILABLE.to_string();
    }
    format!("{value:.1}%")
}

/// A count: integers get thousands separators (`12,345`), fractions two significant decimals.
pub fn count(value: f64) -> String {
    if !value.is_finite() {
        return NOT_AVAILABLE.to_string();
    }
    if value.fract() != 0.0 || value.abs() >= 1e15 {
        return if value.abs() < 10.0 {
            format!("{value:.2}")
        } else {
            format!("{value:.1}")
        };
    }
    let digits = format!("{}", value.abs() as u64);
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A response or operation time: `0.4 ms`, `12 ms`, `1.5 s`, then [`duration`] past a minute.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return NOT_AVAILABLE.to_string();
    }
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 999.5 {
        format!("{ms:.0} ms")
    } else if ms < 59_950.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        duration((ms / 1000.0) as u64)
    }
}

/// A duration as its two most significant units: `45s`, `12m 5s`, `4h 3m`, `3d 4h`.
pub fn duration(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    let pair = |big: u64, big_unit: &str, small: u64, small_unit: &str| {
        if small == 0 {
            format!("{big}{big_unit}")
        } else {
            format!("{big}{big_unit} {small}{small_unit}")
        }
    };
    if secs < MIN {
        format!("{secs}s")
    } else if secs < HOUR {
        pair(secs / MIN, "m", secs % MIN, "s")
    } else if secs < DAY {
        pair(secs / HOUR, "h", secs % HOUR / MIN, "m")
    } else {
        pair(secs / DAY, "d", secs % DAY / HOUR, "h")
    }
}

/// The ellipsis for the mode: `…` or, in ASCII mode, `...`.
pub fn ellipsis(ascii: bool) -> &'static str {
    if ascii { "..." } else { "…" }
}

/// Cuts `s` to at most `max` terminal cells, ending in an ellipsis when something was cut.
pub fn truncate_end(s: &str, max: usize, ascii: bool) -> Cow<'_, str> {
    if s.width() <= max {
        return Cow::Borrowed(s);
    }
    let ell = ellipsis(ascii);
    if max <= ell.width() {
        return Cow::Borrowed(prefix_within(s, max));
    }
    Cow::Owned(format!("{}{ell}", prefix_within(s, max - ell.width())))
}

/// Cuts `s` to at most `max` cells by dropping its middle, which keeps both ends of an
/// identifier recognisable: `12D3KooWAb…Xy9z`.
pub fn truncate_middle(s: &str, max: usize, ascii: bool) -> Cow<'_, str> {
    if s.width() <= max {
        return Cow::Borrowed(s);
    }
    let ell = ellipsis(ascii);
    if max < ell.width() + 2 {
        return truncate_end(s, max, ascii);
    }
    let keep = max - ell.width();
    let head = keep.div_ceil(2);
    Cow::Owned(format!(
        "{}{ell}{}",
        prefix_within(s, head),
        suffix_within(s, keep - head)
    ))
}

/// The longest prefix of `s` no wider than `max` cells.
fn prefix_within(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.width().unwrap_or(0);
        if used > max {
            return &s[..i];
        }
    }
    s
}

/// The longest suffix of `s` no wider than `max` cells.
fn suffix_within(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > max {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// Terminal cell width of `s`.
pub fn width(s: &str) -> usize {
    s.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_use_binary_prefixes() {
        assert_eq!(bytes(0.0), "0 B");
        assert_eq!(bytes(1023.0), "1023 B");
        assert_eq!(bytes(1024.0), "1.0 KiB");
        assert_eq!(bytes(1536.0), "1.5 KiB");
        assert_eq!(bytes(5.0 * 1024.0 * 1024.0), "5.0 MiB");
        assert_eq!(bytes(12.3 * 1024f64.powi(3)), "12.3 GiB");
        assert_eq!(bytes(2.0 * 1024f64.powi(6)), "2.0 EiB");
        assert_eq!(bytes(-2048.0), "-2.0 KiB");
    }

    #[test]
    fn bytes_never_print_1024_of_a_unit() {
        assert_eq!(bytes(1023.7), "1.0 KiB");
        assert_eq!(bytes(1024.0 * 1023.97), "1.0 MiB");
        assert_eq!(bytes(f64::NAN), "n/a");
        assert_eq!(bytes(f64::INFINITY), "n/a");
    }

    #[test]
    fn rates_and_percentages() {
        assert_eq!(rate(1_572_864.0), "1.5 MiB/s");
        assert_eq!(rate(0.0), "0 B/s");
        assert_eq!(percent(42.46), "42.5%");
        assert_eq!(Unit::PerSec.format(12.5), "12.5/s");
        assert_eq!(Unit::Suffix("peers").format(3.0), "3 peers");
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1000.0), "1,000");
        assert_eq!(count(1_234_567.0), "1,234,567");
        assert_eq!(count(-12_345.0), "-12,345");
        assert_eq!(count(0.25), "0.25");
        assert_eq!(count(123.45), "123.5");
    }

    #[test]
    fn durations_show_two_units() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(60), "1m");
        assert_eq!(duration(12 * 60 + 5), "12m 5s");
        assert_eq!(duration(4 * 3600 + 3 * 60 + 59), "4h 3m");
        assert_eq!(duration(3 * 86400 + 4 * 3600 + 59), "3d 4h");
        assert_eq!(duration(86400), "1d");
        assert_eq!(Unit::Seconds.format(-90.0), "-1m 30s");
    }

    #[test]
    fn millis_pick_a_readable_scale() {
        assert_eq!(millis(0.42), "0.4 ms");
        assert_eq!(millis(12.4), "12 ms");
        assert_eq!(millis(999.4), "999 ms");
        assert_eq!(millis(999.6), "1.0 s");
        assert_eq!(millis(1534.0), "1.5 s");
        assert_eq!(millis(125_000.0), "2m 5s");
        assert_eq!(millis(-1.0), "n/a");
    }

    #[test]
    fn signed_changes() {
        assert_eq!(Unit::Count.format_signed(120.0), "+120");
        assert_eq!(Unit::Count.format_signed(-3.0), "-3");
        assert_eq!(Unit::Count.format_signed(0.0), "0");
        assert_eq!(Unit::Bytes.format_signed(2048.0), "+2.0 KiB");
    }

    #[test]
    fn truncation_respects_width() {
        assert_eq!(truncate_end("hello", 10, false), "hello");
        assert_eq!(truncate_end("hello world", 8, false), "hello w…");
        assert_eq!(truncate_end("hello world", 8, true), "hello...");
        assert_eq!(truncate_end("hello", 1, false), "h");
        assert_eq!(truncate_end("hello", 0, true), "");
        // A wide character is never split.
        assert_eq!(truncate_end("日本語テキスト", 5, false), "日本…");
    }

    #[test]
    fn middle_truncation_keeps_both_ends() {
        let id = "12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo";
        assert_eq!(truncate_middle(id, 15, false), "12D3Koo…SCVe2Xo");
        assert_eq!(truncate_middle(id, 16, true), "12D3Koo...CVe2Xo");
        assert_eq!(truncate_middle(id, 60, false), id);
        assert_eq!(truncate_middle(id, 2, false), "1…");
    }
}
