//! Integration tests of every widget: snapshots, styles, ASCII mode, edge cases.

mod edges;
mod fixtures;
mod snapshots;
mod styles;

use ipfs_kit_widgets::{Draw, Theme, Themed};
use ratatui::{Terminal, backend::TestBackend, buffer::Buffer, layout::Rect, widgets::Widget};

/// Draws `view` over a whole `w` x `h` test terminal.
pub fn terminal(view: &dyn Draw, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|frame| frame.render_widget(themed(view, theme), frame.area()))
        .expect("draw");
    terminal
}

/// Draws `view` into a fresh buffer of `area`'s size.
pub fn buffer(view: &dyn Draw, theme: &Theme, area: Rect) -> Buffer {
    let mut buf = Buffer::empty(area);
    themed(view, theme).render(area, &mut buf);
    buf
}

/// `Draw::themed` for a `dyn Draw`, which is not `Sized`.
pub fn themed<'a>(view: &'a dyn Draw, theme: &'a Theme) -> Themed<'a, dyn Draw + 'a> {
    Themed { view, theme }
}
