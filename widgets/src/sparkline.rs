//! Sparkline: a series over time, newest at the right, with gaps where samples are missing.

use ratatui::{
    buffer::Buffer,
    layout::Rect,
    widgets::{RenderDirection, Sparkline, SparklineBar, Widget},
};

use crate::{
    Draw,
    format::{self, Unit},
    level::Level,
    text::{frame, inner_area, put},
    theme::Theme,
};

/// View data for the sparkline widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SparklineView {
    /// Block title; the latest value is shown after it.
    pub title: String,
    /// Samples, oldest first; `None` is a missed sample and is drawn as a gap.
    pub values: Vec<Option<f64>>,
    /// How the latest value and the scale are shown.
    pub unit: Unit,
    /// Top of the scale; `None` scales to the largest value shown.
    pub max: Option<f64>,
    /// Colours the bars by a level; `None` uses the info colour.
    pub level: Option<Level>,
}

impl SparklineView {
    /// The newest sample, if it is present.
    pub fn latest(&self) -> Option<f64> {
        self.values
            .last()
            .copied()
            .flatten()
            .filter(|v| v.is_finite())
    }
}

impl Draw for SparklineView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let latest = self.latest().map_or_else(
            || format::NOT_AVAILABLE.to_string(),
            |v| self.unit.format(v),
        );
        let title = format!("{} {latest}", self.title);
        // The scale is worked out before drawing so the frame can show it.
        let mut inner = inner_area(area);
        if area.height == 1 {
            // No room for a title row: the latest value leads the line.
            let lead = u16::try_from(format::width(&latest) + 1).unwrap_or(u16::MAX);
            inner.x += lead.min(inner.width);
            inner.width = inner.width.saturating_sub(lead);
        }
        let shown = &self.values[self.values.len().saturating_sub(usize::from(inner.width))..];
        let finite = || shown.iter().flatten().copied().filter(|v| v.is_finite());
        let max = self
            .max
            .filter(|m| *m > 0.0)
            .or_else(|| finite().reduce(f64::max));
        let right = max.map(|m| format!("max {}", self.unit.format(m)));

        frame(area, buf, theme, &title, right);
        if area.height == 1 {
            put(
                buf,
                area.x,
                area.y,
                &latest,
                area.width,
                theme.value(),
                theme.ascii,
            );
        }
        if inner.is_empty() {
            return;
        }
        let Some(max) = max.filter(|_| finite().next().is_some()) else {
            let y = inner.y + inner.height / 2;
            put(
                buf,
                inner.x,
                y,
                "no data",
                inner.width,
                theme.muted(),
                theme.ascii,
            );
            return;
        };
        let ticks = u64::from(inner.height) * 8;
        // Every present sample gets at least one tick, so a zero is never mistaken for a gap.
        let bars = shown.iter().rev().map(|v| {
            let t = v.filter(|v| v.is_finite()).map(|v| {
                let frac = if max > 0.0 {
                    (v / max).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                ((frac * ticks as f64).round() as u64).clamp(1, ticks)
            });
            SparklineBar::from(t)
        });
        let style = theme.bar(self.level.unwrap_or(Level::Info));
        Sparkline::default()
            .data(bars)
            .max(ticks)
            .direction(RenderDirection::RightToLeft)
            .bar_set(theme.bar_set())
            .style(style)
            .absent_value_symbol(" ")
            .render(inner, buf);
    }
}
