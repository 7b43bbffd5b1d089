//! The daemon log view: the tail of the selected daemon's log, following the newest line
//! unless scrolled back, filter matches highlighted, and each (re)start marked.

use ipfs_kit_widgets::format as wfmt;
use ratatui::{
    buffer::Buffer,
    layout::Rect,
    style::{Modifier, Style},
    text::Line,
    widgets::{Block, Widget},
};

use crate::supervisor::START_MARKER;
use crate::tui::lists::log_lines;
use crate::tui::model::{ListKind, Model};

/// First line shown: the end when following, else the scroll position (clamped).
pub fn first_line(m: &Model, total: usize, rows: usize) -> usize {
    let last_page = total.saturating_sub(rows);
    if m.log_follow {
        last_page
    } else {
        m.scroll
            .get(&ListKind::DaemonLog)
            .copied()
            .unwrap_or(0)
            .min(last_page)
    }
}

pub fn draw(m: &Model, area: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let lines = log_lines(m);
    // Between selecting a daemon and its log arriving, name what is being read.
    let selected = m.selected_daemon();
    let (title, path) = match (&m.log, selected) {
        (Some(l), _) => (format!("Log: {}", l.daemon), l.path.clone()),
        (None, Some(d)) => (format!("Log: {}", d.name), d.log.clone()),
        (None, None) => ("Log".to_string(), String::new()),
    };
    let rows = usize::from(area.height.saturating_sub(2));
    let start = first_line(m, lines.len(), rows);
    let mut right = if m.log_follow {
        "following".to_string()
    } else {
        format!("paused at {}/{} (G follows)", start + 1, lines.len())
    };
    let filter = m.filter.trim();
    if !filter.is_empty() {
        right = format!("search \"{filter}\": {} lines, {right}", lines.len());
    }
    Block::bordered()
        .border_set(t.border_set())
        .border_style(t.muted())
        .title(Line::styled(format!(" {title} "), t.title()))
        .title_top(Line::styled(format!(" {right} "), t.muted()).right_aligned())
        .title_bottom(Line::styled(format!(" {path} "), t.muted()))
        .render(area, buf);
    let inner = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    if inner.is_empty() {
        return;
    }
    let empty = match &m.log {
        None if selected.is_none() => Some("no supervised daemon".to_string()),
        None => Some(format!("reading the log{}", wfmt::ellipsis(t.ascii))),
        Some(l) => l
            .error
            .clone()
            .or_else(|| l.lines.is_empty().then(|| "the log is empty".to_string())),
    };
    if let Some(text) = empty {
        let text = wfmt::truncate_end(&text, usize::from(inner.width), t.ascii);
        buf.set_stringn(inner.x, inner.y, &text, usize::from(inner.width), t.muted());
        return;
    }
    let needle = filter.to_lowercase();
    let marker = if t.color {
        Style::new()
            .fg(t.palette.accent)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    };
    for (y, line) in (inner.y..inner.bottom()).zip(lines.iter().skip(start)) {
        let w = usize::from(inner.width);
        if line.starts_with(START_MARKER) {
            // The start marker spans the row, so a restart is seen while scrolling.
            let text = format!("{line} {}", "-".repeat(w));
            buf.set_stringn(inner.x, y, &text, w, marker);
            continue;
        }
        // Read through the sanitiser already (effects::read_tail); cheap to be sure here.
        let line = ipfs_kit_widgets::sanitize::one_line(line);
        let shown = wfmt::truncate_end(&line, w, t.ascii);
        buf.set_stringn(inner.x, y, &shown, w, Style::new());
        if needle.is_empty() {
            continue;
        }
        // Highlight each match (on the character columns it occupies).
        let lower = shown.to_lowercase();
        if lower.len() != shown.len() {
            continue;
        }
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&needle) {
            let at = from + pos;
            let col = wfmt::width(&shown[..at]);
            let len = wfmt::width(&shown[at..at + needle.len()]);
            let x = inner.x + u16::try_from(col).unwrap_or(u16::MAX);
            if x >= inner.right() {
                break;
            }
            let len = u16::try_from(len)
                .unwrap_or(0)
                .min(inner.right().saturating_sub(x));
            buf.set_style(
                Rect::new(x, y, len, 1),
                Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            );
            from = at + needle.len().max(1);
        }
    }
}
