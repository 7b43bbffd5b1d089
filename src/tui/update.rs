//! `update(&mut Model, Msg) -> Vec<Command>`: every input becomes a message, every effect a
//! command. No clocks, no I/O: the event loop stamps times and runs the commands, and their
//! results come back as messages.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::convert;
use super::keymap::{self, Action, GC_ACTION};
use super::layout::{self, Dir};
use super::model::{Confirm, MAX_OPS, Model, OpEntry, OpState, Overlay, Tab};
use crate::model::Snapshot;

/// Everything that can happen to the dashboard.
#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// A new snapshot from the collector.
    Snapshot(Arc<Snapshot>),
    /// The event loop started operation `id` at `at`.
    OpStarted {
        id: u64,
        at: DateTime<Utc>,
    },
    /// Operation `id` ended; `Ok` holds what it did, `Err` why it failed.
    OpFinished {
        id: u64,
        at: DateTime<Utc>,
        result: Result<String, String>,
    },
    /// SIGTERM, SIGHUP or SIGINT.
    Signal(&'static str),
}

impl Msg {
    /// The message for a terminal event, if it is one the dashboard cares about.
    pub fn from_event(ev: Event) -> Option<Msg> {
        match ev {
            Event::Key(k) => Some(Msg::Key(k)),
            Event::Mouse(m) => Some(Msg::Mouse(m)),
            Event::Resize(w, h) => Some(Msg::Resize(w, h)),
            _ => None,
        }
    }
}

/// Effects for the event loop to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// Poll every source now; op `op` is done at the next snapshot.
    Refresh {
        op: u64,
    },
    /// `repo/gc` on Kubo, as op `op`.
    RepoGc {
        op: u64,
    },
    /// Stamp op `op` (an action that is already done) with the time.
    Stamp {
        op: u64,
    },
}

/// Applies one message. Sets `m.dirty` when the screen must be redrawn.
pub fn update(m: &mut Model, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(k) => key(m, k),
        Msg::Mouse(ev) => {
            mouse(m, ev);
            Vec::new()
        }
        Msg::Resize(w, h) => {
            if m.size != (w, h) {
                m.size = (w, h);
                m.dirty = true;
            }
            Vec::new()
        }
        Msg::Snapshot(s) => {
            if m.frozen {
                // The header says new data is held: worth one redraw, not one per snapshot.
                m.dirty |= m.pending.is_none();
                m.pending = Some(s);
            } else {
                apply_snapshot(m, s);
            }
            Vec::new()
        }
        Msg::OpStarted { id, at } => {
            if let Some(op) = m.ops.iter_mut().find(|o| o.id == id) {
                op.time = Some(at);
                m.dirty = true;
            }
            Vec::new()
        }
        Msg::OpFinished { id, at, result } => {
            if let Some(op) = m.ops.iter_mut().find(|o| o.id == id) {
                op.duration_ms = op
                    .time
                    .map(|t| (at - t).num_milliseconds().max(0).unsigned_abs());
                match result {
                    Ok(what) => {
                        op.state = OpState::Ok;
                        if !what.is_empty() {
                            op.target = format!("{}: {what}", op.target);
                        }
                    }
                    Err(why) => {
                        op.state = OpState::Failed;
                        op.target = format!("{}: {why}", op.target);
                    }
                }
                m.dirty = true;
            }
            Vec::new()
        }
        Msg::Signal(_) => {
            m.quit = true;
            vec![Command::Quit]
        }
    }
}

fn apply_snapshot(m: &mut Model, s: Arc<Snapshot>) {
    // A refresh is done when data newer than the request has arrived.
    for op in m.ops.iter_mut() {
        if op.state == OpState::Running
            && op.action == "refresh"
            && let Some(t) = op.time
            && s.time >= t
        {
            op.state = OpState::Ok;
            op.duration_ms = Some((s.time - t).num_milliseconds().max(0).unsigned_abs());
        }
    }
    m.activity.absorb(&s);
    m.snap = s;
    m.zoom = m.zoom.min(m.max_zoom());
    m.dirty = true;
}

fn new_op(m: &mut Model, action: &str, target: &str, state: OpState) -> u64 {
    let id = m.next_op;
    m.next_op += 1;
    m.ops.push_front(OpEntry {
        id,
        time: None,
        action: action.into(),
        target: target.into(),
        state,
        duration_ms: None,
    });
    m.ops.truncate(MAX_OPS);
    id
}

fn is_ctrl_c(k: &KeyEvent) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char('c' | 'C'))
}

fn key(m: &mut Model, k: KeyEvent) -> Vec<Command> {
    if k.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if is_ctrl_c(&k) {
        m.quit = true;
        return vec![Command::Quit];
    }
    // Any key press clears the last note, so it says something about this key or nothing.
    if m.flash.take().is_some() {
        m.dirty = true;
    }
    match m.overlay.clone() {
        Overlay::Help => {
            match k.code {
                KeyCode::Esc | KeyCode::Char('?') => close_overlay(m),
                KeyCode::Char('q') => {
                    m.quit = true;
                    return vec![Command::Quit];
                }
                _ => {}
            }
            Vec::new()
        }
        Overlay::Confirm(what) => match k.code {
            KeyCode::Char('y' | 'Y') => {
                close_overlay(m);
                match what {
                    Confirm::RepoGc => {
                        let target = m.snap.kubo.endpoint.clone().unwrap_or_default();
                        let op = new_op(
                            m,
                            GC_ACTION,
                            &format!("Kubo repo at {target}"),
                            OpState::Running,
                        );
                        vec![Command::RepoGc { op }]
                    }
                }
            }
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                close_overlay(m);
                Vec::new()
            }
            _ => Vec::new(),
        },
        Overlay::Filter => {
            match k.code {
                KeyCode::Enter => close_overlay(m),
                KeyCode::Esc => {
                    m.filter.clear();
                    close_overlay(m);
                }
                KeyCode::Backspace => {
                    m.filter.pop();
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    m.filter.clear();
                }
                KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                    m.filter.push(c);
                }
                _ => return Vec::new(),
            }
            // A new filter starts the lists at the top.
            m.scroll.clear();
            m.dirty = true;
            Vec::new()
        }
        Overlay::None => match keymap::action_for(&k) {
            Some(a) => act(m, a),
            None => Vec::new(),
        },
    }
}

fn close_overlay(m: &mut Model) {
    m.overlay = Overlay::None;
    m.dirty = true;
}

/// Runs a normal-mode action, or says in the footer why it is disabled.
pub fn act(m: &mut Model, a: Action) -> Vec<Command> {
    if let Err(why) = keymap::availability(m, a) {
        m.flash = Some(format!("{} is disabled: {why}", describe(a)));
        m.dirty = true;
        return Vec::new();
    }
    m.dirty = true;
    match a {
        Action::NextTab => switch_tab(m, m.tab.next()),
        Action::PrevTab => switch_tab(m, m.tab.prev()),
        Action::GoTab(n) => match Tab::from_number(n) {
            Some(t) => switch_tab(m, t),
            None => {
                m.flash = Some(format!(
                    "there is no tab {n} (tabs are 1-{})",
                    Tab::ALL.len()
                ))
            }
        },
        Action::FocusLeft => focus(m, Dir::Left),
        Action::FocusRight => focus(m, Dir::Right),
        Action::FocusUp => focus(m, Dir::Up),
        Action::FocusDown => focus(m, Dir::Down),
        Action::Expand => m.expanded = !m.expanded,
        Action::Help => m.overlay = Overlay::Help,
        Action::Filter => m.overlay = Overlay::Filter,
        Action::Freeze => {
            m.frozen = !m.frozen;
            let action = if m.frozen { "freeze" } else { "resume" };
            if !m.frozen
                && let Some(s) = m.pending.take()
            {
                apply_snapshot(m, s);
            }
            let op = new_op(m, action, "screen", OpState::Ok);
            return vec![Command::Stamp { op }];
        }
        Action::ZoomIn => m.zoom -= 1,
        Action::ZoomOut => m.zoom += 1,
        Action::Refresh => {
            let op = new_op(m, "refresh", "all sources", OpState::Running);
            return vec![Command::Refresh { op }];
        }
        Action::RepoGc => m.overlay = Overlay::Confirm(Confirm::RepoGc),
        Action::ScrollUp => scroll(m, layout::focused(m), -page(m)),
        Action::ScrollDown => scroll(m, layout::focused(m), page(m)),
        Action::Close => {
            if m.expanded {
                m.expanded = false;
            } else {
                m.filter.clear();
                m.scroll.clear();
            }
        }
        Action::Quit => {
            m.quit = true;
            return vec![Command::Quit];
        }
    }
    Vec::new()
}

/// What an action is called in a "disabled" note.
fn describe(a: Action) -> &'static str {
    keymap::KEYMAP
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|(_, x)| std::mem::discriminant(x) == std::mem::discriminant(&a))
        })
        .map_or("that key", |b| b.help)
}

fn switch_tab(m: &mut Model, t: Tab) {
    m.tab = t;
    m.expanded = false;
}

fn focus(m: &mut Model, d: Dir) {
    if let Some(p) = layout::neighbour(m, d) {
        m.focus[m.tab.index()] = Some(p);
    }
}

/// Rows a page scroll moves: half the focused panel.
fn page(m: &Model) -> isize {
    let p = layout::focused(m);
    let h = layout::plan(m)
        .panels()
        .find(|(q, _)| *q == p)
        .map_or(4, |(_, r)| r.height);
    isize::from((h / 2).max(1) as i16)
}

fn scroll(m: &mut Model, p: super::model::Panel, by: isize) {
    let Some(kind) = p.list() else {
        return;
    };
    let len = convert::list_len(m, kind);
    let cur = m.scroll.get(&kind).copied().unwrap_or(0);
    let next = cur.saturating_add_signed(by).min(len.saturating_sub(1));
    if next != cur {
        m.scroll.insert(kind, next);
        m.dirty = true;
    }
}

fn mouse(m: &mut Model, ev: MouseEvent) {
    if m.overlay != Overlay::None {
        return;
    }
    match ev.kind {
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let by = if ev.kind == MouseEventKind::ScrollUp {
                -3
            } else {
                3
            };
            if let Some(p) = layout::panel_at(m, ev.column, ev.row) {
                scroll(m, p, by);
            }
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(t) = layout::tab_at(m, ev.column, ev.row) {
                switch_tab(m, t);
                m.dirty = true;
            } else if let Some(p) = layout::panel_at(m, ev.column, ev.row)
                && layout::focused(m) != p
            {
                m.focus[m.tab.index()] = Some(p);
                m.dirty = true;
            }
        }
        _ => {}
    }
}
