//! Bar chart: labelled values as horizontal bars, one per row, which suits narrow terminals.

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use crate::{
    Draw,
    format::{self, Unit},
    level::Level,
    text::{frame, hbar, put, put_more, put_right, rows_shown},
    theme::Theme,
};

/// One bar.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BarItem {
    /// What the bar is: `pinned`, `peer-3`, `cpu0`.
    pub label: String,
    /// Its value; negative and NaN values draw an empty bar.
    pub value: f64,
    /// A level to colour the bar by, shown as a glyph before the label too.
    pub level: Option<Level>,
}

impl BarItem {
    /// A bar without a level.
    pub fn new(label: impl Into<String>, value: f64) -> Self {
        Self {
            label: label.into(),
            value,
            level: None,
        }
    }
}

/// View data for the bar chart widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BarsView {
    /// Block title.
    pub title: String,
    /// Bars, top to bottom.
    pub bars: Vec<BarItem>,
    /// How the values are shown.
    pub unit: Unit,
    /// Full scale; `None` scales to the largest value.
    pub max: Option<f64>,
}

impl Draw for BarsView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        if self.bars.is_empty() {
            put(
                buf,
                inner.x,
                inner.y,
                "no data",
                inner.width,
                theme.muted(),
                theme.ascii,
            );
            return;
        }
        let (shown_n, more) = rows_shown(self.bars.len(), usize::from(inner.height));
        let shown = &self.bars[..shown_n];
        let max = self.max.filter(|m| *m > 0.0).unwrap_or_else(|| {
            self.bars
                .iter()
                .map(|b| b.value)
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max)
        });

        let values: Vec<String> = shown.iter().map(|b| self.unit.format(b.value)).collect();
        let glyph_w = |b: &BarItem| {
            b.level
                .map_or(0, |l| format::width(l.glyph(theme.ascii)) + 1)
        };
        let label_w = shown
            .iter()
            .map(|b| glyph_w(b) + format::width(&b.label))
            .max()
            .unwrap_or(0);
        let label_w = u16::try_from(label_w)
            .unwrap_or(u16::MAX)
            .min(inner.width / 3);
        let value_w = values.iter().map(|v| format::width(v)).max().unwrap_or(0);
        let value_w = u16::try_from(value_w).unwrap_or(u16::MAX);
        let bar_w = inner
            .width
            .saturating_sub(label_w.saturating_add(value_w).saturating_add(2));

        for ((bar, value), y) in shown.iter().zip(&values).zip(inner.y..) {
            let mut x = inner.x;
            if let Some(level) = bar.level {
                let used = put(
                    buf,
                    x,
                    y,
                    level.glyph(theme.ascii),
                    label_w,
                    theme.level(level),
                    theme.ascii,
                );
                x += (used + 1).min(label_w);
            }
            put(
                buf,
                x,
                y,
                &bar.label,
                inner.x + label_w - x,
                Style::new(),
                theme.ascii,
            );
            let bar_x = inner.x + label_w + 1;
            if bar_w >= 3 {
                let mut frac = if max > 0.0 { bar.value / max } else { 0.0 };
                if frac > 0.0 {
                    // A small but present value still gets a sliver, unlike zero.
                    frac = frac.max(1.0 / (f64::from(bar_w) * 8.0));
                }
                let style = theme.bar(bar.level.unwrap_or(Level::Info));
                hbar(buf, (bar_x, y), bar_w, frac, style, None, theme);
            }
            let value_left = if bar_w >= 3 { bar_x + bar_w + 1 } else { bar_x };
            put_right(
                buf,
                value_left.min(inner.right()),
                inner.right(),
                y,
                value,
                theme.value(),
                theme.ascii,
            );
        }
        if more {
            put_more(
                buf,
                inner,
                inner.bottom() - 1,
                self.bars.len() - shown_n,
                theme,
            );
        }
    }
}
