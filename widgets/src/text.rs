//! Drawing helpers shared by the widgets: frames, clipped text, horizontal bars.

use ratatui::{
    buffer::Buffer,
    layout::Rect,
    style::Style,
    text::Line,
    widgets::{Block, Widget},
};

use crate::{format, theme::Theme};

/// Whether `area` is large enough for a border around content.
fn has_border(area: Rect) -> bool {
    area.width >= 6 && area.height >= 3
}

/// The area [`frame`] leaves for content, without drawing anything.
pub(crate) fn inner_area(area: Rect) -> Rect {
    if has_border(area) {
        let pad = u16::from(area.width >= 12);
        Rect {
            x: area.x + 1 + pad,
            y: area.y + 1,
            width: area.width - 2 - 2 * pad,
            height: area.height - 2,
        }
    } else if area.height >= 2 {
        Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        }
    } else {
        area
    }
}

/// Draws a titled border when the area has room for one and returns the area inside it.
/// `right` is a secondary, right-aligned title (counts, scale).
///
/// Too small for a border, the title takes the first row if there are two or more, and a
/// single row is left entirely to the content.
pub(crate) fn frame(
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    title: &str,
    right: Option<String>,
) -> Rect {
    if has_border(area) {
        let mut block = Block::bordered()
            .border_set(theme.border_set())
            .border_style(theme.muted());
        if !title.is_empty() {
            block = block.title(Line::styled(format!(" {title} "), theme.title()));
        }
        if let Some(right) = right {
            block =
                block.title_top(Line::styled(format!(" {right} "), theme.muted()).right_aligned());
        }
        block.render(area, buf);
    } else if area.height >= 2 {
        put(
            buf,
            area.x,
            area.y,
            title,
            area.width,
            theme.title(),
            theme.ascii,
        );
    }
    inner_area(area)
}

/// Writes `s` at (x, y) in at most `max` cells, with an ellipsis if it had to be cut.
/// Returns the cells used.
pub(crate) fn put(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    s: &str,
    max: u16,
    style: Style,
    ascii: bool,
) -> u16 {
    if max == 0 {
        return 0;
    }
    let s = crate::sanitize::one_line(s);
    let s = format::truncate_end(&s, usize::from(max), ascii);
    let (end, _) = buf.set_stringn(x, y, &s, usize::from(max), style);
    end.saturating_sub(x)
}

/// Writes `s` right-aligned so that it ends at `right` (exclusive), never left of `left`.
/// Returns the x where the text starts.
pub(crate) fn put_right(
    buf: &mut Buffer,
    left: u16,
    right: u16,
    y: u16,
    s: &str,
    style: Style,
    ascii: bool,
) -> u16 {
    let room = right.saturating_sub(left);
    let w = u16::try_from(format::width(s))
        .unwrap_or(u16::MAX)
        .min(room);
    let x = right - w;
    put(buf, x, y, s, w, style, ascii);
    x
}

/// Draws a horizontal bar `frac` (0..=1) of `width` cells long with eighth-cell precision.
/// With `rest` set the unfilled part is drawn too, as a gauge track.
pub(crate) fn hbar(
    buf: &mut Buffer,
    (x, y): (u16, u16),
    width: u16,
    frac: f64,
    style: Style,
    rest: Option<Style>,
    theme: &Theme,
) {
    let frac = if frac.is_finite() {
        frac.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // Bounded by width * 8, so the casts cannot overflow.
    let ticks = (frac * f64::from(width) * 8.0).round() as u32;
    let full = ticks / 8;
    let partial = theme.partial_hbar((ticks % 8) as u8);
    for i in 0..width {
        let cell = &mut buf[(x + i, y)];
        let i = u32::from(i);
        if i < full {
            cell.set_symbol(theme.full_hbar()).set_style(style);
        } else if i == full && !partial.is_empty() {
            cell.set_symbol(partial).set_style(style);
        } else if let Some(rest) = rest {
            cell.set_symbol(theme.empty_hbar()).set_style(rest);
        }
    }
}

/// Swaps the box-drawing characters ratatui's own widgets draw (chart axes) for ASCII ones.
pub(crate) fn asciify(buf: &mut Buffer, area: Rect) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if cell.symbol().is_ascii() {
                continue;
            }
            let replacement = match cell.symbol() {
                "│" | "┃" | "║" => "|",
                "─" | "━" | "═" => "-",
                "└" | "┌" | "┐" | "┘" | "├" | "┤" | "┬" | "┴" | "┼" => "+",
                "•" => "*",
                _ => "?",
            };
            cell.set_symbol(replacement);
        }
    }
}

/// How many of `len` rows to draw when `fits` rows are free, and whether the last free row
/// should say how many more there are. With a single row the first entry is worth more than
/// the count.
pub(crate) fn rows_shown(len: usize, fits: usize) -> (usize, bool) {
    if len <= fits {
        (len, false)
    } else if fits >= 2 {
        (fits - 1, true)
    } else {
        (fits, false)
    }
}

/// `… 3 more` on row `y`.
pub(crate) fn put_more(buf: &mut Buffer, area: Rect, y: u16, hidden: usize, theme: &Theme) {
    let text = format!("{} {hidden} more", theme.ellipsis());
    put(
        buf,
        area.x,
        y,
        &text,
        area.width,
        theme.muted(),
        theme.ascii,
    );
}
