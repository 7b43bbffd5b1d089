//! Counter: a value, its change since the previous sample, the trend and a rate per second.

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use crate::{
    Draw,
    format::{self, Unit},
    level::{Indicator, Level},
    text::{frame, put},
    theme::Theme,
};

/// Which way a counter moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Went up.
    Up,
    /// Went down.
    Down,
    /// Did not move, or there is nothing to compare with.
    #[default]
    Flat,
}

impl Trend {
    /// The trend of a change.
    pub fn of(delta: f64) -> Self {
        if delta > 0.0 {
            Trend::Up
        } else if delta < 0.0 {
            Trend::Down
        } else {
            Trend::Flat
        }
    }
}

impl Indicator for Trend {
    fn level(&self) -> Level {
        Level::Info
    }

    fn word(&self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Flat => "flat",
        }
    }

    fn glyph(&self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (Trend::Up, false) => "↑",
            (Trend::Down, false) => "↓",
            (Trend::Flat, false) => "→",
            (Trend::Up, true) => "^",
            (Trend::Down, true) => "v",
            (Trend::Flat, true) => "=",
        }
    }
}

/// Whether a rising counter is good news, which colours the trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// Neither: the trend is not coloured.
    #[default]
    Neutral,
    /// More is better (peers, pins).
    UpIsGood,
    /// More is worse (failures, errors).
    UpIsBad,
}

/// View data for the counter widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CounterView {
    /// Block title, e.g. `Pins`.
    pub title: String,
    /// Current value.
    pub value: f64,
    /// Value at the previous sample, if any.
    pub previous: Option<f64>,
    /// Rate of change per second, if known.
    pub rate_per_sec: Option<f64>,
    /// How the value is shown.
    pub unit: Unit,
    /// Whether up is good news.
    pub polarity: Polarity,
}

impl CounterView {
    /// Change since the previous sample (0 without one).
    pub fn delta(&self) -> f64 {
        self.previous.map_or(0.0, |p| self.value - p)
    }

    /// Direction of the change.
    pub fn trend(&self) -> Trend {
        Trend::of(self.delta())
    }

    /// Change in percent of the previous value, or `None` when that is not positive.
    pub fn change_percent(&self) -> Option<f64> {
        self.previous
            .filter(|p| *p > 0.0)
            .map(|p| (self.value - p) / p * 100.0)
    }

    fn trend_style(&self, theme: &Theme) -> Style {
        let good = match (self.polarity, self.trend()) {
            (Polarity::Neutral, _) | (_, Trend::Flat) => return Style::new(),
            (Polarity::UpIsGood, t) => t == Trend::Up,
            (Polarity::UpIsBad, t) => t == Trend::Down,
        };
        theme.level(if good { Level::Ok } else { Level::Warning })
    }
}

/// The unit a per-second rate of `unit` is shown in.
fn rate_unit(unit: Unit) -> Unit {
    match unit {
        Unit::Bytes | Unit::BytesPerSec => Unit::BytesPerSec,
        _ => Unit::PerSec,
    }
}

impl Draw for CounterView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        let trend = self.trend();
        let mut change = format!(
            "{} {}",
            trend.badge(theme.ascii),
            self.unit.format_signed(self.delta())
        );
        if let Some(pct) = self.change_percent() {
            change.push_str(&format!(" ({}%)", format_pct(pct)));
        }
        let rate = self.rate_per_sec.map_or_else(
            || format!("rate {}", format::NOT_AVAILABLE),
            |r| rate_unit(self.unit).format(r),
        );
        let parts = [
            (self.unit.format(self.value), theme.value()),
            (change, self.trend_style(theme)),
            (rate, theme.muted()),
        ];
        pack(&parts, inner, buf, theme);
    }
}

fn format_pct(pct: f64) -> String {
    if pct > 0.0 {
        format!("+{pct:.2}")
    } else {
        format!("{pct:.2}")
    }
}

/// One part per row when there are enough rows, otherwise as many per row as fit.
fn pack(parts: &[(String, Style)], area: Rect, buf: &mut Buffer, theme: &Theme) {
    let own_rows = usize::from(area.height) >= parts.len();
    let (mut x, mut y) = (area.x, area.y);
    for (i, (text, style)) in parts.iter().enumerate() {
        let w = u16::try_from(format::width(text)).unwrap_or(u16::MAX);
        let starts_row = x == area.x;
        if i > 0 && (own_rows || (!starts_row && x + 2 + w > area.right())) {
            y += 1;
            x = area.x;
        } else if !starts_row {
            x += 2;
        }
        if y >= area.bottom() || x >= area.right() {
            return;
        }
        x += put(buf, x, y, text, area.right() - x, *style, theme.ascii);
    }
}
