//! Overlays over the body: the help (generated from the keymap) and confirmations.

use ipfs_kit_widgets::{Level, format as wfmt};
use ratatui::{
    buffer::Buffer,
    layout::Rect,
    style::{Modifier, Style},
    text::Line,
    widgets::{Block, Clear, Widget},
};

use crate::tui::keymap;
use crate::tui::model::{Confirm, Model};
use crate::tui::notices::wrap;

/// A bordered box of `w` x `h` centred in `area`, cleared; returns its inside.
fn popup(
    m: &Model,
    area: Rect,
    w: u16,
    h: u16,
    title: &str,
    bottom: &str,
    buf: &mut Buffer,
) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    Clear.render(r, buf);
    let t = &m.theme;
    let border = if t.color {
        Style::new().fg(t.palette.accent)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    Block::bordered()
        .border_set(t.border_set())
        .border_style(border)
        .title(Line::styled(format!(" {title} "), t.title()))
        .title_bottom(Line::styled(format!(" {bottom} "), t.muted()).right_aligned())
        .render(r, buf);
    Rect {
        x: r.x + 2,
        y: r.y + 1,
        width: r.width.saturating_sub(4),
        height: r.height.saturating_sub(2),
    }
}

fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, w: u16, style: Style, ascii: bool) -> u16 {
    if w == 0 {
        return x;
    }
    let s = wfmt::truncate_end(s, usize::from(w), ascii);
    buf.set_stringn(x, y, &s, usize::from(w), style).0
}

pub fn help(m: &Model, body: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let lines = keymap::help_lines(m);
    let key_w = lines
        .iter()
        .map(|(k, ..)| wfmt::width(k))
        .max()
        .unwrap_or(0) as u16
        + 2;
    let mut notes = vec![format!(
        "{}. Charts show the last {}; data from {} sources.",
        m.info.version,
        crate::tui::convert::window_label(m.window()),
        if m.snap.cluster.state == crate::model::SourceState::Disabled {
            2
        } else {
            3
        }
    )];
    if m.info.read_only {
        notes.push("Read-only mode: actions that change something are disabled.".into());
    }
    notes.push(format!(
        "Config: {}   Logs: {}",
        m.info.config_path, m.info.log_dir
    ));
    // A disabled line says why on the line below when it does not fit beside.
    let inner_w = usize::from(body.width.min(100).saturating_sub(4));
    let rows: usize = lines
        .iter()
        .map(|(_, what, why)| {
            let beside = usize::from(key_w)
                + wfmt::width(what)
                + why.as_ref().map_or(0, |w| wfmt::width(w) + 14);
            1 + usize::from(why.is_some() && beside > inner_w)
        })
        .sum();
    let h = u16::try_from(rows + notes.len() + 3).unwrap_or(u16::MAX);
    let inner = popup(m, body, 100, h, "Keys", "Esc or ? closes", buf);
    let mut y = inner.y;
    for (keys, what, why) in &lines {
        if y >= inner.bottom() {
            return;
        }
        let (kstyle, dstyle) = match why {
            Some(_) => {
                let grey = t.muted().add_modifier(Modifier::DIM);
                (grey, grey)
            }
            None => (Style::new().add_modifier(Modifier::BOLD), Style::new()),
        };
        put(
            buf,
            inner.x,
            y,
            keys,
            key_w.min(inner.width),
            kstyle,
            t.ascii,
        );
        let x = inner.x + key_w.min(inner.width);
        let room = inner.right().saturating_sub(x);
        let x2 = put(buf, x, y, what, room, dstyle, t.ascii);
        if let Some(why) = why {
            let note = format!("(disabled: {why})");
            let style = t.level(Level::Warning).add_modifier(Modifier::DIM);
            let w = u16::try_from(wfmt::width(&note)).unwrap_or(u16::MAX);
            if x2 + 2 + w <= inner.right() {
                put(buf, x2 + 2, y, &note, w, style, t.ascii);
            } else if y + 1 < inner.bottom() {
                y += 1;
                put(buf, x, y, &note, room, style, t.ascii);
            }
        }
        y += 1;
    }
    y += 1;
    for n in notes {
        for line in wrap(&n, usize::from(inner.width)) {
            if y >= inner.bottom() {
                return;
            }
            put(buf, inner.x, y, &line, inner.width, t.muted(), t.ascii);
            y += 1;
        }
    }
}

pub fn confirm(m: &Model, what: Confirm, body: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let (title, text) = match what {
        Confirm::RepoGc => (
            "Garbage-collect the Kubo repo?",
            format!(
                "This runs `ipfs repo gc` on the Kubo at {}: every block that is not pinned \
                 (and not in MFS) is deleted. It can take a while on a big repo.",
                m.snap.kubo.endpoint.as_deref().unwrap_or("?")
            ),
        ),
    };
    let w = 64u16.min(body.width);
    let lines = wrap(&text, usize::from(w.saturating_sub(4)));
    let h = u16::try_from(lines.len() + 4).unwrap_or(u16::MAX);
    let inner = popup(m, body, w, h, title, "y yes  n/Esc no", buf);
    let mut y = inner.y;
    for l in lines {
        if y >= inner.bottom() {
            return;
        }
        put(buf, inner.x, y, &l, inner.width, Style::new(), t.ascii);
        y += 1;
    }
    if y + 1 < inner.bottom() {
        put(
            buf,
            inner.x,
            y + 1,
            "Press y to run it, n or Esc to cancel.",
            inner.width,
            Style::new().add_modifier(Modifier::BOLD),
            t.ascii,
        );
    }
}
