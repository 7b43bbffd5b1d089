//! Heat map: a grid of values (7 days x 24 hours) as shade characters coloured by a ramp.
//!
//! The shade carries the value without colour; the colour ramp is added when the theme has
//! colour. A missing value is left blank, and a present one is never blank, so "no data" and
//! "zero" read differently.

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use crate::{
    Draw,
    format::{self, Unit},
    text::{frame, put},
    theme::Theme,
};

/// View data for the heat map widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct HeatmapView {
    /// Block title.
    pub title: String,
    /// One label per row: `Mon` .. `Sun`.
    pub row_labels: Vec<String>,
    /// One label per column, `00` .. `23`; shown where they do not collide. May be empty.
    pub col_labels: Vec<String>,
    /// `cells[row][col]`, already bucketed by the caller; `None` is no data.
    pub cells: Vec<Vec<Option<f64>>>,
    /// How the scale in the legend is shown.
    pub unit: Unit,
    /// Top of the scale; `None` uses the largest value. The bottom is 0.
    pub max: Option<f64>,
}

impl HeatmapView {
    fn scale_max(&self) -> Option<f64> {
        self.max.filter(|m| *m > 0.0).or_else(|| {
            self.cells
                .iter()
                .flatten()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .reduce(f64::max)
        })
    }
}

impl Draw for HeatmapView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        let cols = self.cells.iter().map(Vec::len).max().unwrap_or(0);
        let Some(max) = self.scale_max().filter(|_| cols > 0) else {
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
        };

        let label_w = self
            .row_labels
            .iter()
            .map(|l| format::width(l))
            .max()
            .unwrap_or(0);
        let label_w = u16::try_from(label_w.min(8)).unwrap_or(8);
        let label_w = if label_w > 0 && inner.width > label_w + 4 {
            label_w + 1
        } else {
            0
        };
        let grid_w = usize::from(inner.width - label_w);
        let cell_w = (grid_w / cols).clamp(1, 3);
        // Too narrow for every column: keep the newest, at the right.
        let first_col = cols.saturating_sub(grid_w / cell_w);
        let cell_w = u16::try_from(cell_w).unwrap_or(1);

        // Rows first, then the column header, then the legend, as height allows.
        let n_rows = u16::try_from(self.cells.len())
            .unwrap_or(u16::MAX)
            .min(inner.height);
        let header = !self.col_labels.is_empty() && inner.height > n_rows;
        let legend = inner.height > n_rows + u16::from(header);
        let mut y = inner.y;
        let grid_x = inner.x + label_w;
        if header {
            let header_row = Rect::new(grid_x, y, inner.right() - grid_x, 1);
            self.draw_col_labels(header_row, first_col, cell_w, buf, theme);
            y += 1;
        }
        for (r, row) in self.cells.iter().enumerate().take(usize::from(n_rows)) {
            if let Some(label) = self.row_labels.get(r).filter(|_| label_w > 0) {
                put(
                    buf,
                    inner.x,
                    y,
                    label,
                    label_w - 1,
                    theme.muted(),
                    theme.ascii,
                );
            }
            let mut x = grid_x;
            for v in row.iter().skip(first_col) {
                if x + cell_w > inner.right() {
                    break;
                }
                if let Some(v) = v.filter(|v| v.is_finite()) {
                    let (symbol, style) = shade(theme, v / max);
                    for dx in 0..cell_w {
                        buf[(x + dx, y)].set_symbol(symbol).set_style(style);
                    }
                }
                x += cell_w;
            }
            y += 1;
        }
        if legend {
            self.draw_legend(
                Rect {
                    x: inner.x,
                    y,
                    width: inner.width,
                    height: 1,
                },
                max,
                buf,
                theme,
            );
        }
    }
}

impl HeatmapView {
    /// Column labels where they fit without touching the previous one.
    fn draw_col_labels(
        &self,
        row: Rect,
        first_col: usize,
        cell_w: u16,
        buf: &mut Buffer,
        theme: &Theme,
    ) {
        let (y, right) = (row.y, row.right());
        let mut free_from = row.x;
        let mut x = row.x;
        for label in self.col_labels.iter().skip(first_col) {
            if x >= right {
                break;
            }
            let w = u16::try_from(format::width(label)).unwrap_or(u16::MAX);
            if x >= free_from && x.saturating_add(w) <= right {
                put(buf, x, y, label, w, theme.muted(), theme.ascii);
                free_from = x + w + 1;
            }
            x += cell_w;
        }
    }

    /// `less ░▒▓█ more  max 12.3 GiB`
    fn draw_legend(&self, row: Rect, max: f64, buf: &mut Buffer, theme: &Theme) {
        let mut x = row.x;
        x += put(
            buf,
            x,
            row.y,
            "less ",
            row.width,
            theme.muted(),
            theme.ascii,
        );
        let steps = theme.shades().len() - 1;
        for i in 1..=steps {
            if x >= row.right() {
                return;
            }
            let (symbol, style) = shade(theme, i as f64 / steps as f64);
            buf[(x, row.y)].set_symbol(symbol).set_style(style);
            x += 1;
        }
        let text = format!(" more  max {}", self.unit.format(max));
        put(
            buf,
            x,
            row.y,
            &text,
            row.right().saturating_sub(x),
            theme.muted(),
            theme.ascii,
        );
    }
}

/// Shade symbol and style for `frac` of the scale. Never the blank shade: that means no data.
fn shade(theme: &Theme, frac: f64) -> (&'static str, Style) {
    let frac = frac.clamp(0.0, 1.0);
    let shades = theme.shades();
    let steps = shades.len() - 1;
    let i = 1
        + ((frac * steps as f64).ceil() as usize)
            .saturating_sub(1)
            .min(steps - 1);
    let style = if theme.color {
        let ramp = &theme.palette.ramp;
        let c = ((frac * ramp.len() as f64).ceil() as usize).clamp(1, ramp.len()) - 1;
        Style::new().fg(ramp[c])
    } else {
        Style::new()
    };
    (shades[i], style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_span_the_scale_and_never_blank() {
        let theme = Theme::monochrome();
        assert_eq!(shade(&theme, 0.0).0, "░");
        assert_eq!(shade(&theme, 0.25).0, "░");
        assert_eq!(shade(&theme, 0.26).0, "▒");
        assert_eq!(shade(&theme, 1.0).0, "█");
        let ascii = Theme {
            color: false,
            ..Theme::ascii()
        };
        assert_eq!(shade(&ascii, 0.0).0, ".");
        assert_eq!(shade(&ascii, 1.0).0, "@");
    }
}
