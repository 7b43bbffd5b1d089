//! Pure drawing of plain view data into a ratatui `Buffer`.
//!
//! This crate knows nothing of IPFS, tokio or config: the binary turns its Snapshot into the
//! plain view structs defined here and hands them, with a [`Theme`], to ratatui.
//!
//! ```
//! use ipfs_kit_widgets::{Draw, Theme, metric::{MetricView, Thresholds}, Unit};
//! use ratatui::{buffer::Buffer, layout::Rect, widgets::Widget};
//!
//! let view = MetricView::new("CPU", Some(93.0), Unit::Percent, Thresholds::higher_is_worse(75.0, 90.0));
//! let mut buf = Buffer::empty(Rect::new(0, 0, 30, 4));
//! view.themed(&Theme::monochrome()).render(buf.area, &mut buf);
//! ```
//!
//! Every widget shows each state as a glyph and a word as well as a colour, so a screen reads
//! the same under `NO_COLOR`; [`Theme::ascii`] swaps every symbol for plain ASCII. Widgets never
//! panic and never draw outside the area they are given, however small.

#![warn(missing_docs)]

pub mod alert;
pub mod bars;
pub mod counter;
pub mod format;
pub mod health;
pub mod heatmap;
pub mod history;
pub mod level;
pub mod line_chart;
pub mod metric;
pub mod sanitize;
pub mod sparkline;
pub mod status;
mod text;
pub mod theme;

pub use format::Unit;
pub use level::{Indicator, Level};
pub use theme::{Palette, Theme};

use ratatui::{buffer::Buffer, layout::Rect, widgets::Widget};

/// A view that can draw itself with a theme. Implemented by every `*View` in this crate.
pub trait Draw {
    /// Draws into `area` of `buf`. Callers normally go through [`Draw::themed`] instead, which
    /// clips `area` to the buffer first.
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme);

    /// Pairs the view with a theme so it can be passed to `Frame::render_widget`.
    fn themed<'a>(&'a self, theme: &'a Theme) -> Themed<'a, Self>
    where
        Self: Sized,
    {
        Themed { view: self, theme }
    }
}

/// A view and the theme to draw it with; a ratatui [`Widget`].
#[derive(Debug, Clone, Copy)]
pub struct Themed<'a, V: ?Sized> {
    /// The view data.
    pub view: &'a V,
    /// The theme that decides colours and symbols.
    pub theme: &'a Theme,
}

impl<V: Draw + ?Sized> Widget for Themed<'_, V> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // An area that sticks out of the buffer would make cell indexing panic.
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        self.view.draw(area, buf, self.theme);
    }
}

/// `impl Widget for &View` with the default theme, for callers that do not care.
macro_rules! widget_with_default_theme {
    ($($view:ty),+ $(,)?) => {$(
        impl ratatui::widgets::Widget for &$view {
            fn render(self, area: Rect, buf: &mut Buffer) {
                self.themed(&Theme::default()).render(area, buf);
            }
        }
    )+};
}

widget_with_default_theme!(
    alert::AlertView,
    bars::BarsView,
    counter::CounterView,
    health::HealthView,
    heatmap::HeatmapView,
    history::HistoryView,
    line_chart::LineChartView,
    metric::MetricView,
    sparkline::SparklineView,
    status::StatusView,
);
