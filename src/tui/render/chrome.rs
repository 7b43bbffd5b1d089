//! The header (identity, source states, clock), the tab bar and the footer (keys that apply).

use ipfs_kit_widgets::{Level, format as wfmt};
use ratatui::{
    buffer::Buffer,
    layout::Rect,
    style::{Modifier, Style},
};

use crate::tui::convert::{self, source_badge, window_label};
use crate::tui::keymap;
use crate::tui::layout;
use crate::tui::model::{Model, Overlay, Tab};

type Part = (String, Style);

/// Writes parts left to right from `x`, never past `right`; returns where it stopped.
fn put_parts(buf: &mut Buffer, mut x: u16, y: u16, right: u16, parts: &[Part], ascii: bool) -> u16 {
    for (text, style) in parts {
        if x >= right {
            break;
        }
        let room = usize::from(right - x);
        let text = wfmt::truncate_end(text, room, ascii);
        let (nx, _) = buf.set_stringn(x, y, &text, room, *style);
        x = nx;
    }
    x
}

fn parts_width(parts: &[Part]) -> u16 {
    parts
        .iter()
        .map(|(t, _)| u16::try_from(wfmt::width(t)).unwrap_or(u16::MAX))
        .fold(0u16, u16::saturating_add)
}

/// The header's left side with `detail` 2 (ids, versions, names), 1 (Kubo's id) or 0.
fn header_left(m: &Model, detail: u8) -> Vec<Part> {
    let t = &m.theme;
    let s = &m.snap;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut left: Vec<Part> = vec![(" ipfs-kit ".into(), bold.add_modifier(Modifier::REVERSED))];
    let mut source = |name: &str, level: Level, word: &str, extra: Option<String>| {
        left.push((format!("  {name} "), bold));
        left.push((format!("{} {word}", level.glyph(t.ascii)), t.level(level)));
        if let Some(e) = extra.filter(|e| !e.is_empty()) {
            left.push((format!(" {e}"), t.muted()));
        }
    };
    let (l, w) = source_badge(s, "kubo");
    let kubo_extra = s.kubo.data.as_ref().filter(|_| detail >= 1).map(|k| {
        let id = convert::short_id(&k.peer_id, t.ascii);
        match (&k.version, detail) {
            (Some(v), 2..) => format!("{id} v{v}"),
            _ => id,
        }
    });
    source("Kubo", l, w, kubo_extra);
    if s.cluster.state != crate::model::SourceState::Disabled {
        let (l, w) = source_badge(s, "cluster");
        let extra = s.cluster.data.as_ref().filter(|_| detail >= 2).map(|c| {
            let peers = if c.peer_count == 1 { "peer" } else { "peers" };
            format!("{} {peers}", c.peer_count)
        });
        source("Cluster", l, w, extra);
    }
    let (l, w) = source_badge(s, "host");
    let host_extra = s
        .host
        .data
        .as_ref()
        .filter(|_| detail >= 2)
        .and_then(|h| h.hostname.clone());
    source("Host", l, w, host_extra);
    left
}

pub fn header(m: &Model, area: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let s = &m.snap;
    let mut right: Vec<Part> = Vec::new();
    if m.frozen {
        let held = if m.pending.is_some() {
            ", new data held"
        } else {
            ""
        };
        right.push((
            format!(" FROZEN{held} "),
            t.level(Level::Warning)
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
        ));
        right.push((" ".into(), Style::new()));
    }
    if let Some(feed) = &m.info.feed {
        // `local` (collecting here) is the usual case and stays quiet; a fallback warns.
        let style = if feed.starts_with("attached") {
            t.level(Level::Info)
        } else if feed == "local" {
            t.muted()
        } else {
            t.level(Level::Warning)
        };
        right.push((format!("{feed} "), style));
    }
    right.push((format!("{} UTC ", convert::clock(s.time)), t.muted()));

    let rw = parts_width(&right);
    let right_x = area.right().saturating_sub(rw).max(area.x);
    put_parts(buf, right_x, area.y, area.right(), &right, t.ascii);
    // As much detail as fits; the states themselves come first.
    let room = right_x.saturating_sub(area.x + 1);
    let left = (0..=2u8)
        .rev()
        .map(|d| header_left(m, d))
        .find(|l| parts_width(l) <= room)
        .unwrap_or_else(|| header_left(m, 0));
    put_parts(
        buf,
        area.x,
        area.y,
        right_x.saturating_sub(1).max(area.x),
        &left,
        t.ascii,
    );
}

pub fn tabs(m: &Model, area: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let spans = layout::tab_spans(area, &m.tabs(), m.tab);
    for (tab, mut label, x0, x1) in spans.iter().cloned() {
        if x0 >= area.right() {
            break;
        }
        let style = if tab == m.tab {
            // Brackets as well as reverse video, so the capture and NO_COLOR show it.
            label = format!("[{}]", label.trim());
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            t.muted()
        };
        let room = usize::from(area.right() - x0).min(usize::from(x1 - x0));
        buf.set_stringn(x0, area.y, &label, room, style);
    }
    let mut right = format!("window {} ", window_label(m.window()));
    // Charts that start with a previous run's points (from the cache) say how far back.
    if let Some(until) = m.snap.history.restored_until() {
        let ago = (m.snap.time - until).to_std().unwrap_or_default();
        if ago < m.window() {
            right = format!("charts restored from {} ago  {right}", window_label(ago));
        }
    }
    if m.tab == Tab::Audit {
        // The Audit tab's own scope: its range and its field filter.
        let q = &m.analysis.query;
        right = format!("range {} ", q.range.label());
        if !q.filter.is_empty() && m.overlay != Overlay::Filter {
            right = format!("filter \"{}\"  {right}", q.filter);
        }
    } else if !m.filter.is_empty() && m.overlay != Overlay::Filter {
        right = format!("filter \"{}\"  {right}", m.filter);
    }
    if m.expanded {
        right = format!("expanded  {right}");
    }
    let end = spans.last().map_or(area.x, |s| s.3);
    let w = u16::try_from(wfmt::width(&right)).unwrap_or(u16::MAX);
    if end + 2 + w <= area.right() {
        buf.set_stringn(area.right() - w, area.y, &right, usize::from(w), t.muted());
    }
}

pub fn footer(m: &Model, area: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let key_style = if t.color {
        Style::new()
            .fg(t.palette.accent)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let mut parts: Vec<Part> = Vec::new();
    if let Some(f) = &m.flash {
        parts.push((format!(" {f} "), t.level(Level::Warning)));
        parts.push((" ".into(), Style::new()));
    }
    let keys: Vec<(&str, String)> = match &m.overlay {
        Overlay::Filter => {
            let cursor = if t.ascii { "_" } else { "▏" };
            let (label, text, enter) = if m.tab == Tab::Audit {
                (" audit filter: ", &m.analysis.input, "apply")
            } else {
                (" filter: ", &m.filter, "keep")
            };
            parts.push((label.into(), Style::new().add_modifier(Modifier::BOLD)));
            parts.push((format!("{text}{cursor}"), Style::new()));
            parts.push(("  ".into(), Style::new()));
            vec![
                ("Enter", enter.into()),
                ("Esc", "clear".into()),
                ("Backspace", "delete".into()),
            ]
        }
        Overlay::Help => vec![("Esc", "close help".into()), ("q", "quit".into())],
        Overlay::Confirm(_) => vec![("y", "yes".into()), ("n/Esc", "no".into())],
        Overlay::PinPrompt => vec![("Enter", "pin".into()), ("Esc", "cancel".into())],
        Overlay::WizardMenu => vec![
            ("b", "backend".into()),
            ("v", "vfs".into()),
            ("m", "monitoring".into()),
            ("Esc", "cancel".into()),
        ],
        Overlay::None => keymap::footer(m)
            .into_iter()
            .map(|(k, w)| (k, w.to_string()))
            .collect(),
    };
    // Whole entries only: a key without its word says nothing.
    let mut used = parts_width(&parts);
    for (k, w) in keys {
        let key = (format!(" {k}"), key_style);
        let word = (format!(" {w} "), t.muted());
        let need = parts_width(&[key.clone(), word.clone()]);
        if used + need > area.width {
            break;
        }
        used += need;
        parts.push(key);
        parts.push(word);
    }
    put_parts(buf, area.x, area.y, area.right(), &parts, t.ascii);
}
