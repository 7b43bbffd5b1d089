//! The dashboard without a terminal: `update()` for every key, and every tab rendered through
//! ratatui's TestBackend (insta snapshots of the text, Buffer assertions for colours).

mod actions;
mod audit;
mod consistency;
mod fixtures;
mod fleet;
mod hostile;
mod performance;
mod rendering;
mod screens;
mod update;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use ipfs_kit::tui::{Command, Model, Msg, render};
use ratatui::{Terminal, backend::TestBackend, buffer::Buffer, layout::Rect};

/// Draws the model on a test terminal of the model's size.
pub fn terminal(m: &Model) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(m.size.0, m.size.1)).expect("test backend");
    t.draw(|f| render(m, f.buffer_mut())).expect("draw");
    t
}

/// Draws the model into a plain buffer of the model's size.
pub fn buffer(m: &Model) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, m.size.0, m.size.1));
    render(m, &mut buf);
    buf
}

/// The buffer's text, one line per row, trailing spaces kept.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// A key press through `update`.
pub fn key_mods(m: &mut Model, code: KeyCode, modifiers: KeyModifiers) -> Vec<Command> {
    ipfs_kit::tui::update(
        m,
        Msg::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }),
    )
}

pub fn key(m: &mut Model, code: KeyCode) -> Vec<Command> {
    key_mods(m, code, KeyModifiers::NONE)
}

pub fn ch(m: &mut Model, c: char) -> Vec<Command> {
    key(m, KeyCode::Char(c))
}

/// Operation `id` starts at the fixtures' `now()` and ends `ms` later with `result`; returns
/// what the end asked for.
pub fn run_op(m: &mut Model, id: u64, ms: i64, result: Result<&str, &str>) -> Vec<Command> {
    let at = fixtures::now();
    ipfs_kit::tui::update(m, Msg::OpStarted { id, at });
    ipfs_kit::tui::update(
        m,
        Msg::OpFinished {
            id,
            at: at + chrono::Duration::milliseconds(ms),
            result: result.map(str::to_string).map_err(str::to_string),
        },
    )
}
