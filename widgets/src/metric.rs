//! Metric: one value against warning and critical thresholds, as a number, a gauge and a badge.

use ratatui::{buffer::Buffer, layout::Rect, style::Modifier};

use crate::{
    Draw,
    format::Unit,
    level::{Indicator, Level},
    text::{frame, hbar, put, put_right},
    theme::Theme,
};

/// Which side of the thresholds is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// CPU, memory, disk use: at or above a threshold is bad.
    #[default]
    HigherIsWorse,
    /// Free space, peers: at or below a threshold is bad.
    LowerIsWorse,
}

/// Warning and critical thresholds, compared inclusively.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Thresholds {
    /// Where warning starts.
    pub warning: f64,
    /// Where critical starts.
    pub critical: f64,
    /// Which side is bad.
    pub direction: Direction,
}

impl Default for Thresholds {
    /// Warning at 75, critical at 90, higher is worse.
    fn default() -> Self {
        Self::higher_is_worse(75.0, 90.0)
    }
}

impl Thresholds {
    /// Bad at or above the thresholds.
    pub fn higher_is_worse(warning: f64, critical: f64) -> Self {
        Self {
            warning,
            critical,
            direction: Direction::HigherIsWorse,
        }
    }

    /// Bad at or below the thresholds.
    pub fn lower_is_worse(warning: f64, critical: f64) -> Self {
        Self {
            warning,
            critical,
            direction: Direction::LowerIsWorse,
        }
    }

    /// The level of `value`; a missing or NaN value is unknown.
    pub fn level(&self, value: Option<f64>) -> Level {
        let Some(v) = value.filter(|v| !v.is_nan()) else {
            return Level::Unknown;
        };
        let (crit, warn) = match self.direction {
            Direction::HigherIsWorse => (v >= self.critical, v >= self.warning),
            Direction::LowerIsWorse => (v <= self.critical, v <= self.warning),
        };
        if crit {
            Level::Critical
        } else if warn {
            Level::Warning
        } else {
            Level::Ok
        }
    }
}

/// A metric's level, worded for a measurement: `normal` rather than `ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricState(pub Level);

impl Indicator for MetricState {
    fn level(&self) -> Level {
        self.0
    }

    fn word(&self) -> &'static str {
        match self.0 {
            Level::Ok | Level::Info => "normal",
            other => other.word(),
        }
    }
}

/// View data for the metric widget.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MetricView {
    /// Block title, e.g. `CPU`.
    pub title: String,
    /// Current value, if known.
    pub value: Option<f64>,
    /// How the value and thresholds are shown.
    pub unit: Unit,
    /// Where warning and critical start.
    pub thresholds: Thresholds,
    /// The gauge's full scale; `None` means 100 for percentages, else a little above the
    /// largest of value and thresholds.
    pub max: Option<f64>,
}

impl MetricView {
    /// A metric with an automatic gauge scale.
    pub fn new(
        title: impl Into<String>,
        value: Option<f64>,
        unit: Unit,
        thresholds: Thresholds,
    ) -> Self {
        Self {
            title: title.into(),
            value,
            unit,
            thresholds,
            max: None,
        }
    }

    /// The metric's level under its thresholds.
    pub fn level(&self) -> Level {
        self.thresholds.level(self.value)
    }

    /// How full the gauge is, 0..=1.
    fn fraction(&self) -> f64 {
        let Some(v) = self.value.filter(|v| v.is_finite()) else {
            return 0.0;
        };
        let max = self.max.unwrap_or_else(|| match self.unit {
            Unit::Percent => 100.0,
            _ => v.max(self.thresholds.critical).max(self.thresholds.warning) * 1.1,
        });
        if max > 0.0 {
            (v / max).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

impl Draw for MetricView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        let level = self.level();
        let style = theme.level(level);
        let bar = theme.bar(level);
        let value = self.value.map_or_else(
            || crate::format::NOT_AVAILABLE.to_string(),
            |v| self.unit.format(v),
        );

        let row = Rect { height: 1, ..inner };
        let x = row.x
            + put(
                buf,
                row.x,
                row.y,
                &value,
                row.width,
                style.add_modifier(Modifier::BOLD),
                theme.ascii,
            );
        let badge = format!(" {}", MetricState(level).badge(theme.ascii));
        let badge_x = put_right(buf, x, row.right(), row.y, &badge, style, theme.ascii);

        if inner.height == 1 {
            // Squeeze the gauge between number and badge.
            let bar_w = badge_x.saturating_sub(x + 1);
            if bar_w >= 4 {
                hbar(
                    buf,
                    (x + 1, row.y),
                    bar_w,
                    self.fraction(),
                    bar,
                    Some(theme.muted()),
                    theme,
                );
            }
            return;
        }
        hbar(
            buf,
            (inner.x, inner.y + 1),
            inner.width,
            self.fraction(),
            bar,
            Some(theme.muted()),
            theme,
        );
        if inner.height >= 3 {
            let t = &self.thresholds;
            let op = match (t.direction, theme.ascii) {
                (Direction::HigherIsWorse, false) => "≥",
                (Direction::HigherIsWorse, true) => ">=",
                (Direction::LowerIsWorse, false) => "≤",
                (Direction::LowerIsWorse, true) => "<=",
            };
            let text = format!(
                "warn {op} {}  crit {op} {}",
                self.unit.format(t.warning),
                self.unit.format(t.critical)
            );
            put(
                buf,
                inner.x,
                inner.y + 2,
                &text,
                inner.width,
                theme.muted(),
                theme.ascii,
            );
        }
    }
}
