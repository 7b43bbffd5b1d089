//! Drawing: a pure function of the Model into a ratatui Buffer.

mod audit;
mod chrome;
mod log;
mod overlay;
mod panels;
mod performance;

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use super::layout::{self, MIN_SIZE};
use super::model::{Model, Overlay};
use super::notices;

pub use log::first_line as log_first_line;
pub use overlay::help_max_scroll;

/// One panel alone into `area`, as the tab draws it (`dashboard widget-data` prints it).
pub fn panel(m: &Model, p: crate::tui::model::Panel, area: Rect, buf: &mut Buffer) {
    panels::draw(m, p, area, buf, false);
}

/// Draws the whole screen into `buf` (its area is the screen).
pub fn render(m: &Model, buf: &mut Buffer) {
    let area = buf.area;
    if layout::too_small(area) {
        too_small(m, area, buf);
    } else {
        let screen = layout::screen(area);
        chrome::header(m, screen.header, buf);
        chrome::tabs(m, screen.tabs, buf);
        body(m, buf);
        chrome::footer(m, screen.footer, buf);
        match &m.overlay {
            Overlay::Help => overlay::help(m, screen.body, buf),
            Overlay::Confirm(c) => overlay::confirm(m, c, screen.body, buf),
            Overlay::PinPrompt => overlay::pin_prompt(m, screen.body, buf),
            Overlay::WizardMenu => overlay::wizard_menu(m, screen.body, buf),
            Overlay::Filter | Overlay::None => {}
        }
    }
    if m.theme.ascii {
        asciify(buf);
    }
    // Whatever path a server's text took to the frame, no control reaches the terminal.
    ipfs_kit_widgets::sanitize::buffer(buf);
}

fn body(m: &Model, buf: &mut Buffer) {
    let plan = layout::plan(m);
    if let Some(area) = plan.notices {
        draw_notices(m, area, buf);
    }
    let focused = layout::focused(m);
    for (p, r) in plan.panels() {
        panels::draw(m, *p, *r, buf, *p == focused);
    }
}

fn draw_notices(m: &Model, area: Rect, buf: &mut Buffer) {
    let mut y = area.y;
    for (level, text) in notices::for_tab(m, m.tab) {
        let line = notices::with_marker(level, &text, m.theme.ascii);
        for (i, row) in notices::wrap(&line, usize::from(area.width))
            .into_iter()
            .enumerate()
        {
            if y >= area.bottom() {
                return;
            }
            let style = if i == 0 {
                m.theme.level(level)
            } else {
                Style::new()
            };
            // The marker in the level's style; the words plain, for reading.
            let marker_w = if i == 0 {
                ipfs_kit_widgets::format::width(level.glyph(m.theme.ascii))
            } else {
                0
            };
            let (head, tail) = split_at_width(&row, marker_w);
            let (x, _) = buf.set_stringn(area.x, y, head, usize::from(area.width), style);
            let room = usize::from(area.right().saturating_sub(x));
            buf.set_stringn(x, y, tail, room, Style::new());
            y += 1;
        }
    }
}

fn split_at_width(s: &str, w: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        if used >= w {
            return s.split_at(i);
        }
        used += ipfs_kit_widgets::format::width(c.encode_utf8(&mut [0; 4]));
    }
    (s, "")
}

fn too_small(m: &Model, area: Rect, buf: &mut Buffer) {
    let x = if m.theme.ascii { "x" } else { "×" };
    let lines = [
        "terminal too small:".to_string(),
        format!("need at least {}{x}{},", MIN_SIZE.0, MIN_SIZE.1),
        format!("have {}{x}{}", area.width, area.height),
    ];
    let one = format!(
        "terminal too small: need at least {}{x}{}, have {}{x}{}",
        MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
    );
    let style = m.theme.level(ipfs_kit_widgets::Level::Warning);
    if ipfs_kit_widgets::format::width(&one) <= usize::from(area.width) {
        let w = u16::try_from(ipfs_kit_widgets::format::width(&one)).unwrap_or(0);
        let y = area.y + area.height / 2;
        buf.set_stringn(
            area.x + (area.width - w) / 2,
            y,
            &one,
            usize::from(area.width),
            style,
        );
        return;
    }
    let top = area.y + area.height.saturating_sub(3) / 2;
    for (i, l) in lines.iter().enumerate() {
        let y = top + i as u16;
        if y >= area.bottom() {
            break;
        }
        let w = u16::try_from(ipfs_kit_widgets::format::width(l))
            .unwrap_or(0)
            .min(area.width);
        buf.set_stringn(
            area.x + (area.width - w) / 2,
            y,
            l,
            usize::from(area.width),
            style,
        );
    }
}

/// Replaces any non-ASCII symbol left on screen (text from the daemons, ratatui's own
/// symbols) so `--ascii` puts nothing but ASCII on the terminal.
fn asciify(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.is_ascii() {
            continue;
        }
        let rep = match sym {
            "│" | "┃" | "║" => "|",
            "─" | "━" | "═" | "—" | "–" => "-",
            "└" | "┌" | "┐" | "┘" | "├" | "┤" | "┬" | "┴" | "┼" => "+",
            "•" | "·" => "*",
            "…" => ".",
            "×" => "x",
            "’" | "‘" => "'",
            "“" | "”" => "\"",
            "" => " ",
            _ => "?",
        };
        cell.set_symbol(rep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_counts_cells() {
        assert_eq!(split_at_width("✖ abc", 1), ("✖", " abc"));
        assert_eq!(split_at_width("[XX] abc", 4), ("[XX]", " abc"));
    }
}
