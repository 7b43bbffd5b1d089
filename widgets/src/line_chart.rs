//! Line chart: a few series over time (bandwidth in and out), drawn with ratatui's `Chart`.

use std::borrow::Cow;

use ratatui::{
    buffer::Buffer,
    layout::Rect,
    text::Line,
    widgets::{Axis, Chart, Dataset, GraphType, Widget},
};

use crate::{
    Draw,
    format::{self, Unit},
    text::{asciify, frame, put},
    theme::Theme,
};

/// One line of the chart.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Series {
    /// Legend name: `in`, `out`.
    pub name: String,
    /// `(x, y)` points in x order; x is usually seconds relative to now.
    pub points: Vec<(f64, f64)>,
}

/// View data for the line chart widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LineChartView {
    /// Block title.
    pub title: String,
    /// The lines; each gets its own colour and, without colour, its own marker.
    pub series: Vec<Series>,
    /// How y values are shown.
    pub unit: Unit,
    /// Labels spread evenly under the x axis: `["-5m", "now"]`.
    pub x_labels: Vec<String>,
    /// The x range; `None` spans the points.
    pub x_bounds: Option<[f64; 2]>,
}

impl Draw for LineChartView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        // NaN or infinite points would stretch or break the scale.
        let series: Vec<Cow<'_, [(f64, f64)]>> = self
            .series
            .iter()
            .map(|s| {
                if s.points.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
                    Cow::Borrowed(s.points.as_slice())
                } else {
                    Cow::Owned(
                        s.points
                            .iter()
                            .copied()
                            .filter(|(x, y)| x.is_finite() && y.is_finite())
                            .collect(),
                    )
                }
            })
            .collect();

        self.draw_legend(&series, Rect { height: 1, ..inner }, buf, theme);
        let plot = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        if plot.is_empty() {
            return;
        }
        let points = || series.iter().flat_map(|s| s.iter());
        if points().next().is_none() {
            put(
                buf,
                plot.x,
                plot.y,
                "no data",
                plot.width,
                theme.muted(),
                theme.ascii,
            );
            return;
        }
        let y_max = points().map(|p| p.1).fold(0.0, f64::max);
        let y_max = if y_max > 0.0 { y_max } else { 1.0 };
        let [x_min, x_max] = self.x_bounds.unwrap_or_else(|| {
            let min = points().map(|p| p.0).fold(f64::INFINITY, f64::min);
            let max = points().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
            [min, max]
        });
        let x_max = if x_max > x_min { x_max } else { x_min + 1.0 };

        let datasets = series
            .iter()
            .enumerate()
            .map(|(i, points)| {
                Dataset::default()
                    .marker(theme.marker(i))
                    .graph_type(GraphType::Line)
                    .style(theme.series(i))
                    .data(points)
            })
            .collect();
        let y_labels = [0.0, y_max / 2.0, y_max].map(|v| Line::from(self.unit.format(v)));
        let x_labels = self.x_labels.iter().map(|l| Line::from(l.as_str()));
        Chart::new(datasets)
            .x_axis(
                Axis::default()
                    .bounds([x_min, x_max])
                    .labels(x_labels)
                    .style(theme.muted()),
            )
            .y_axis(
                Axis::default()
                    .bounds([0.0, y_max])
                    .labels(y_labels)
                    .style(theme.muted()),
            )
            .legend_position(None)
            .render(plot, buf);
        if theme.ascii {
            asciify(buf, plot);
        }
    }
}

impl LineChartView {
    /// `• in 1.2 MiB/s   × out 300 KiB/s`: the marker, the name and the newest value.
    fn draw_legend(
        &self,
        series: &[Cow<'_, [(f64, f64)]>],
        row: Rect,
        buf: &mut Buffer,
        theme: &Theme,
    ) {
        let mut x = row.x;
        for (i, (s, points)) in self.series.iter().zip(series).enumerate() {
            if x >= row.right() {
                return;
            }
            let latest = points.last().map_or_else(
                || format::NOT_AVAILABLE.to_string(),
                |p| self.unit.format(p.1),
            );
            let text = format!("{} {} {latest}", theme.marker_char(i), s.name);
            x += put(
                buf,
                x,
                row.y,
                &text,
                row.right() - x,
                theme.series(i),
                theme.ascii,
            );
            x = (x + 3).min(row.right());
        }
    }
}
