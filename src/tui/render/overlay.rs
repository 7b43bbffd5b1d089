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
use crate::tui::model::{Confirm, DaemonAction, Model, WizardChoice};
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

/// One line of the help box.
enum HelpRow {
    Key {
        keys: &'static str,
        what: &'static str,
        /// Greyed: disabled now.
        disabled: bool,
        /// Why, when it fits beside.
        why: Option<String>,
    },
    /// A disabled key's reason when it does not fit beside it.
    Why(String),
    Note(String),
    Blank,
}

const HELP_W: u16 = 100;

/// The help's lines for a box `inner_w` wide, and the width of the key column.
fn help_rows(m: &Model, inner_w: usize) -> (Vec<HelpRow>, u16) {
    let lines = keymap::help_lines(m);
    let key_w = lines
        .iter()
        .map(|(k, ..)| wfmt::width(k))
        .max()
        .unwrap_or(0) as u16
        + 2;
    let mut rows = Vec::new();
    for (keys, what, why) in lines {
        let beside = usize::from(key_w)
            + wfmt::width(what)
            + why.as_ref().map_or(0, |w| wfmt::width(w) + 14);
        let below = why.is_some() && beside > inner_w;
        let why_row = why.clone().filter(|_| below);
        rows.push(HelpRow::Key {
            keys,
            what,
            disabled: why.is_some(),
            why: why.filter(|_| !below),
        });
        if let Some(w) = why_row {
            rows.push(HelpRow::Why(w));
        }
    }
    rows.push(HelpRow::Blank);
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
    for n in notes {
        rows.extend(wrap(&n, inner_w).into_iter().map(HelpRow::Note));
    }
    (rows, key_w)
}

/// How far the help can scroll on the model's screen (0 when it fits).
pub fn help_max_scroll(m: &Model) -> usize {
    let body = crate::tui::layout::screen(crate::tui::layout::area(m)).body;
    let inner_w = usize::from(body.width.min(HELP_W).saturating_sub(4));
    let (rows, _) = help_rows(m, inner_w);
    rows.len()
        .saturating_sub(usize::from(body.height.saturating_sub(2)))
}

pub fn help(m: &Model, body: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let inner_w = usize::from(body.width.min(HELP_W).saturating_sub(4));
    let (rows, key_w) = help_rows(m, inner_w);
    let h = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX);
    let visible = usize::from(h.min(body.height).saturating_sub(2));
    let max = rows.len().saturating_sub(visible);
    let skip = m.help_scroll.min(max);
    let bottom = if max == 0 {
        "Esc or ? closes".to_string()
    } else {
        format!(
            "{}-{} of {}, j/k scroll  Esc closes",
            skip + 1,
            skip + visible,
            rows.len()
        )
    };
    let inner = popup(m, body, HELP_W, h, "Keys", &bottom, buf);
    let grey = t.muted().add_modifier(Modifier::DIM);
    let why_style = t.level(Level::Warning).add_modifier(Modifier::DIM);
    let x = inner.x + key_w.min(inner.width);
    let room = inner.right().saturating_sub(x);
    for (y, row) in (inner.y..inner.bottom()).zip(rows.iter().skip(skip)) {
        match row {
            HelpRow::Key {
                keys,
                what,
                disabled,
                why,
            } => {
                let (kstyle, dstyle) = if *disabled {
                    (grey, grey)
                } else {
                    (Style::new().add_modifier(Modifier::BOLD), Style::new())
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
                let x2 = put(buf, x, y, what, room, dstyle, t.ascii);
                if let Some(why) = why {
                    let note = format!("(disabled: {why})");
                    let w = u16::try_from(wfmt::width(&note)).unwrap_or(u16::MAX);
                    put(
                        buf,
                        x2 + 2,
                        y,
                        &note,
                        w.min(inner.right().saturating_sub(x2 + 2)),
                        why_style,
                        t.ascii,
                    );
                }
            }
            HelpRow::Why(why) => {
                put(
                    buf,
                    x,
                    y,
                    &format!("(disabled: {why})"),
                    room,
                    why_style,
                    t.ascii,
                );
            }
            HelpRow::Note(n) => {
                put(buf, inner.x, y, n, inner.width, t.muted(), t.ascii);
            }
            HelpRow::Blank => {}
        }
    }
}

pub fn confirm(m: &Model, what: &Confirm, body: Rect, buf: &mut Buffer) {
    let (title, text) = match what {
        Confirm::RepoGc => (
            "Garbage-collect the Kubo repo?".to_string(),
            format!(
                "This runs `ipfs repo gc` on the Kubo at {}: every block that is not pinned \
                 (and not in MFS) is deleted. It can take a while on a big repo.",
                m.snap.kubo.endpoint.as_deref().unwrap_or("?")
            ),
        ),
        Confirm::Daemon { action, name } => {
            let d = m.snap.daemons.iter().find(|d| &d.name == name);
            let pid = d
                .and_then(|d| d.pid)
                .map_or_else(String::new, |p| format!(" (pid {p})"));
            let dir = d.map_or("", |d| d.dir.as_str());
            let text = match action {
                DaemonAction::Start => format!(
                    "Start {name} from {dir}. It waits until {name} answers (Cluster only \
                     after Kubo is ready)."
                ),
                DaemonAction::Stop => format!(
                    "Stop {name}{pid}: a graceful shutdown, then SIGKILL after the stop \
                     timeout. It stays stopped (no automatic restart) until you start it."
                ),
                DaemonAction::Restart => format!(
                    "Restart {name}{pid}: stop it gracefully, then start it again and wait \
                     until it is ready."
                ),
            };
            (format!("{} {name}?", capitalise(action.as_str())), text)
        }
        Confirm::Unpin { cid } => (
            "Unpin?".to_string(),
            format!(
                "Remove the pin of {cid} through {}. Its blocks are deleted at the next \
                 garbage collection unless something else pins them.",
                if m.pins.via.is_empty() {
                    "Cluster or Kubo"
                } else {
                    m.pins.via.as_str()
                }
            ),
        ),
    };
    message_box(
        m,
        body,
        &title,
        &text,
        "Press y to do it, n or Esc to cancel.",
        "y yes  n/Esc no",
        buf,
    );
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A box with wrapped text and a bold last line.
fn message_box(
    m: &Model,
    body: Rect,
    title: &str,
    text: &str,
    last: &str,
    bottom: &str,
    buf: &mut Buffer,
) -> Rect {
    let t = &m.theme;
    let w = 64u16.min(body.width);
    let lines = wrap(text, usize::from(w.saturating_sub(4)));
    let h = u16::try_from(lines.len() + 4).unwrap_or(u16::MAX);
    let inner = popup(m, body, w, h, title, bottom, buf);
    let mut y = inner.y;
    for l in lines {
        if y >= inner.bottom() {
            return inner;
        }
        put(buf, inner.x, y, &l, inner.width, Style::new(), t.ascii);
        y += 1;
    }
    footnote(
        buf,
        inner,
        y,
        last,
        Style::new().add_modifier(Modifier::BOLD),
        t.ascii,
    );
    inner
}

/// A line after a blank one below row `y`, when the box has room for it.
fn footnote(buf: &mut Buffer, inner: Rect, y: u16, text: &str, style: Style, ascii: bool) {
    if y + 1 < inner.bottom() {
        put(buf, inner.x, y + 1, text, inner.width, style, ascii);
    }
}

/// The CID prompt of `p`.
pub fn pin_prompt(m: &Model, body: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let via = if m.cluster_up() {
        "Cluster (replicated to its peers)"
    } else {
        "Kubo"
    };
    let text = format!("The CID to pin through {via}, e.g. bafy... or /ipfs/Qm...");
    let inner = message_box(
        m,
        body,
        "Pin a CID",
        &text,
        "",
        "Enter pins  Esc cancels",
        buf,
    );
    // The input line sits where the bold line would be.
    let y = inner.bottom().saturating_sub(1);
    if y < inner.y {
        return;
    }
    let cursor = if t.ascii { "_" } else { "\u{2581}" };
    let room = usize::from(inner.width.saturating_sub(3));
    // Show the end of what was typed when it is longer than the box.
    let shown: String = {
        let n = m.input.chars().count();
        m.input.chars().skip(n.saturating_sub(room)).collect()
    };
    put(
        buf,
        inner.x,
        y,
        &format!("> {shown}{cursor}"),
        inner.width,
        Style::new().add_modifier(Modifier::BOLD),
        t.ascii,
    );
}

/// The wizard choice of `w`.
pub fn wizard_menu(m: &Model, body: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let h = u16::try_from(WizardChoice::ALL.len() + 4).unwrap_or(u16::MAX);
    let inner = popup(
        m,
        body,
        64,
        h,
        "Run a wizard",
        "key runs it  Esc cancels",
        buf,
    );
    let mut y = inner.y;
    for (key, _, what) in WizardChoice::ALL {
        if y >= inner.bottom() {
            return;
        }
        let x = put(
            buf,
            inner.x,
            y,
            &format!("{key}  "),
            3,
            Style::new().add_modifier(Modifier::BOLD),
            t.ascii,
        );
        put(
            buf,
            x,
            y,
            what,
            inner.right().saturating_sub(x),
            Style::new(),
            t.ascii,
        );
        y += 1;
    }
    footnote(
        buf,
        inner,
        y,
        "The dashboard steps aside while the wizard runs.",
        t.muted(),
        t.ascii,
    );
}
