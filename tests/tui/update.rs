//! `update()` for every key of the keymap, the overlays' keys, the mouse, resizes, snapshots,
//! command results and signals.

use std::sync::Arc;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use ipfs_kit::tui::keymap::{self, KEYMAP};
use ipfs_kit::tui::layout;
use ipfs_kit::tui::model::{
    BarsKind, Confirm, CounterKind, ListKind, MetricKind, Model, OpState, Overlay, Panel, Src,
};
use ipfs_kit::tui::{Command, Msg, Tab, update};

use crate::fixtures::{self, model, now};
use crate::{ch, key, key_mods, run_op};

/// A model that was just drawn.
fn fresh() -> Model {
    let mut m = model(120, 40);
    m.dirty = false;
    m
}

#[test]
fn every_keymap_entry_is_covered_here() {
    // If a binding is added, this list (and a test below) must grow with it.
    let labels: Vec<&str> = KEYMAP.iter().map(|b| b.label).collect();
    assert_eq!(
        labels,
        [
            "Tab / Shift-Tab",
            "1-9, 0",
            "arrows / h j k l",
            "Enter / e",
            "?",
            "/",
            "[ / ]",
            "f",
            "+",
            "-",
            "r",
            "g",
            "s",
            "x",
            "R",
            "G / End",
            "a",
            "p",
            "u",
            "w",
            "F",
            "o",
            "PgUp / PgDn, wheel",
            "Esc",
            "q / Ctrl-C",
        ]
    );
}

#[test]
fn tab_and_shift_tab_cycle() {
    let mut m = fresh();
    assert!(key(&mut m, KeyCode::Tab).is_empty());
    assert_eq!(m.tab, Tab::Node);
    assert!(m.dirty);
    key_mods(&mut m, KeyCode::BackTab, KeyModifiers::SHIFT);
    // Back past the Audit tab (its analysis asked for, then paused) and Performance to Pins.
    let asked = key_mods(&mut m, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(m.tab, Tab::Audit);
    assert!(
        matches!(&asked[..], [Command::Analyse(Some(_))]),
        "{asked:?}"
    );
    assert_eq!(
        key_mods(&mut m, KeyCode::BackTab, KeyModifiers::SHIFT),
        vec![Command::Analyse(None)]
    );
    assert_eq!(m.tab, Tab::Performance);
    assert_eq!(
        key_mods(&mut m, KeyCode::BackTab, KeyModifiers::SHIFT),
        vec![Command::LoadPins]
    );
    assert_eq!(m.tab, Tab::Pins);
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.tab, Tab::Overview);
}

#[test]
fn number_keys_pick_tabs() {
    let mut m = fresh();
    for (c, tab) in ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']
        .into_iter()
        .zip(Tab::ALL)
    {
        ch(&mut m, c);
        assert_eq!(m.tab, tab);
    }
    assert_eq!(m.tab, Tab::Audit);
    ch(&mut m, '9');
    assert_eq!(m.tab, Tab::Performance);
}

#[test]
fn arrows_and_hjkl_move_focus() {
    let mut m = fresh();
    assert_eq!(layout::focused(&m), Panel::Status(Src::Kubo));
    key(&mut m, KeyCode::Right);
    assert_eq!(layout::focused(&m), Panel::Health);
    ch(&mut m, 'l');
    assert_eq!(layout::focused(&m), Panel::List(ListKind::Alerts));
    // At the right edge nothing moves.
    key(&mut m, KeyCode::Right);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::Alerts));
    ch(&mut m, 'h');
    assert_eq!(layout::focused(&m), Panel::Health);
    key(&mut m, KeyCode::Down);
    assert!(
        matches!(layout::focused(&m), Panel::Counter(_) | Panel::Metric(_)),
        "{:?}",
        layout::focused(&m)
    );
    ch(&mut m, 'j');
    assert!(matches!(layout::focused(&m), Panel::Spark(_)));
    ch(&mut m, 'k');
    key(&mut m, KeyCode::Up);
    assert_eq!(layout::focused(&m), Panel::Health);
    // Focus is kept per tab.
    ch(&mut m, '2');
    assert_eq!(layout::focused(&m), Panel::Status(Src::Kubo));
    ch(&mut m, '1');
    assert_eq!(layout::focused(&m), Panel::Health);
}

#[test]
fn enter_and_e_expand_and_shrink() {
    let mut m = fresh();
    key(&mut m, KeyCode::Enter);
    assert!(m.expanded);
    let plan = layout::plan(&m);
    assert_eq!(plan.panels().count(), 1);
    ch(&mut m, 'e');
    assert!(!m.expanded);
    ch(&mut m, 'e');
    // Moving the focus while expanded shows the next widget in full.
    key(&mut m, KeyCode::Right);
    assert_eq!(
        layout::plan(&m).panels().next().map(|p| p.0),
        Some(Panel::Health)
    );
    // Switching tabs shrinks.
    key(&mut m, KeyCode::Tab);
    assert!(!m.expanded);
}

#[test]
fn question_mark_opens_help_and_esc_or_question_mark_close_it() {
    let mut m = fresh();
    ch(&mut m, '?');
    assert_eq!(m.overlay, Overlay::Help);
    // Other keys do nothing under the help.
    ch(&mut m, '3');
    assert_eq!(m.tab, Tab::Overview);
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.overlay, Overlay::None);
    ch(&mut m, '?');
    ch(&mut m, '?');
    assert_eq!(m.overlay, Overlay::None);
    // q quits from the help.
    ch(&mut m, '?');
    assert_eq!(ch(&mut m, 'q'), vec![Command::Quit]);
}

#[test]
fn slash_filters_lists_as_you_type() {
    let mut m = fresh();
    m.tab = Tab::Cluster;
    ch(&mut m, '/');
    assert_eq!(m.overlay, Overlay::Filter);
    for c in "IPFS-2x".chars() {
        ch(&mut m, c);
    }
    assert_eq!(m.filter, "IPFS-2x");
    key(&mut m, KeyCode::Backspace);
    assert_eq!(m.filter, "IPFS-2");
    // Keys that are actions elsewhere are text here.
    assert!(ch(&mut m, 'q').is_empty());
    key(&mut m, KeyCode::Backspace);
    let peers = ipfs_kit::tui::convert::table_view(&m, ListKind::ClusterPeers);
    assert_eq!(peers.rows.len(), 1);
    assert_eq!(peers.total, 2);
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.overlay, Overlay::None);
    assert_eq!(m.filter, "IPFS-2");
    // Esc in the normal mode clears the filter.
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.filter, "");
    // Esc while typing clears it too, and Ctrl-U empties the line.
    ch(&mut m, '/');
    ch(&mut m, 'a');
    key_mods(&mut m, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(m.filter, "");
    ch(&mut m, 'b');
    key(&mut m, KeyCode::Esc);
    assert_eq!((m.filter.as_str(), &m.overlay), ("", &Overlay::None));
    // The history filters too.
    m.filter = "gc".into();
    assert_eq!(ipfs_kit::tui::convert::history_view(&m).matching().len(), 1);
}

#[test]
fn f_freezes_and_holds_new_data() {
    let mut m = fresh();
    let cmds = ch(&mut m, 'f');
    assert!(m.frozen);
    let op = m.ops[0].clone();
    assert_eq!((op.action.as_str(), op.state), ("freeze", OpState::Ok));
    assert_eq!(cmds, vec![Command::Stamp { op: op.id }]);
    update(
        &mut m,
        Msg::OpStarted {
            id: op.id,
            at: now(),
        },
    );
    assert_eq!(m.ops[0].time, Some(now()));

    let mut newer = fixtures::snapshot();
    newer.time = now() + chrono::Duration::seconds(1);
    let newer = Arc::new(newer);
    m.dirty = false;
    update(&mut m, Msg::Snapshot(newer.clone()));
    assert!(m.dirty, "once, to say new data is held");
    m.dirty = false;
    update(&mut m, Msg::Snapshot(newer.clone()));
    assert!(!m.dirty, "a frozen screen is not redrawn for data");
    assert_eq!(m.snap.time, now());
    assert!(m.pending.is_some());

    ch(&mut m, 'f');
    assert!(!m.frozen);
    assert_eq!(m.snap.time, newer.time);
    assert!(m.pending.is_none());
    assert_eq!(m.ops[0].action, "resume");
}

#[test]
fn plus_and_minus_zoom_within_the_retained_window() {
    let mut m = fresh();
    // Charts open on all the history the collector keeps (10 minutes in the fixture).
    assert_eq!(m.window().as_secs(), 600);
    ch(&mut m, '-');
    assert!(
        m.flash.as_deref().unwrap_or("").contains("retained"),
        "{:?}",
        m.flash
    );
    ch(&mut m, '+');
    assert_eq!(m.window().as_secs(), 300);
    ch(&mut m, '+');
    assert_eq!(m.window().as_secs(), 120);
    ch(&mut m, '=');
    assert_eq!(m.window().as_secs(), 60);
    ch(&mut m, '+');
    assert_eq!(m.window().as_secs(), 60);
    assert!(
        m.flash.as_deref().unwrap_or("").contains("shortest"),
        "{:?}",
        m.flash
    );
    ch(&mut m, '-');
    ch(&mut m, '-');
    ch(&mut m, '_');
    // The fixture retains 10 minutes: no further.
    assert_eq!(m.window().as_secs(), 600);
    ch(&mut m, '-');
    assert_eq!(m.window().as_secs(), 600);
    assert!(
        m.flash.as_deref().unwrap_or("").contains("retained"),
        "{:?}",
        m.flash
    );
}

#[test]
fn r_refreshes_and_the_next_snapshot_completes_it() {
    let mut m = fresh();
    let cmds = ch(&mut m, 'r');
    let op = m.ops[0].clone();
    assert_eq!(cmds, vec![Command::Refresh { op: op.id }]);
    assert_eq!(
        (op.action.as_str(), op.state),
        ("refresh", OpState::Running)
    );
    update(
        &mut m,
        Msg::OpStarted {
            id: op.id,
            at: now(),
        },
    );
    let mut next = fixtures::snapshot();
    next.time = now() + chrono::Duration::milliseconds(350);
    update(&mut m, Msg::Snapshot(Arc::new(next)));
    assert_eq!(m.ops[0].state, OpState::Ok);
    assert_eq!(m.ops[0].duration_ms, Some(350));
    // Frozen, refresh is disabled and says why.
    ch(&mut m, 'f');
    let n = m.ops.len();
    assert!(ch(&mut m, 'r').is_empty());
    assert_eq!(m.ops.len(), n);
    assert!(
        m.flash.as_deref().unwrap_or("").contains("frozen"),
        "{:?}",
        m.flash
    );
}

#[test]
fn g_asks_before_garbage_collecting() {
    let mut m = fresh();
    assert!(ch(&mut m, 'g').is_empty());
    assert_eq!(m.overlay, Overlay::Confirm(Confirm::RepoGc));
    // n cancels.
    ch(&mut m, 'n');
    assert_eq!(m.overlay, Overlay::None);
    ch(&mut m, 'g');
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.overlay, Overlay::None);
    // y runs it.
    ch(&mut m, 'g');
    let cmds = ch(&mut m, 'y');
    let op = m.ops[0].clone();
    assert_eq!(cmds, vec![Command::RepoGc { op: op.id }]);
    assert_eq!(op.state, OpState::Running);
    // While it runs, a second one is refused.
    ch(&mut m, 'g');
    assert_eq!(m.overlay, Overlay::None);
    assert!(m.flash.as_deref().unwrap_or("").contains("running"));
    run_op(&mut m, op.id, 2000, Ok("removed 3 blocks"));
    assert_eq!(m.ops[0].state, OpState::Ok);
    assert_eq!(m.ops[0].duration_ms, Some(2000));
    assert!(m.ops[0].target.ends_with("removed 3 blocks"));
}

#[test]
fn g_is_disabled_in_read_only_mode_and_when_kubo_is_down() {
    let mut m = fresh();
    m.info.read_only = true;
    ch(&mut m, 'g');
    assert_eq!(m.overlay, Overlay::None);
    assert!(m.flash.as_deref().unwrap_or("").contains("read-only"));
    let help = keymap::help_lines(&m);
    let gc = help.iter().find(|l| l.0 == "g").expect("g in help");
    assert_eq!(gc.2.as_deref(), Some("read-only mode (--read-only)"));
    assert!(!keymap::footer(&m).iter().any(|(k, _)| *k == "g"));

    let mut down = fixtures::model_with(
        fixtures::snapshot_down(),
        120,
        40,
        ipfs_kit_widgets::Theme::default(),
    );
    ch(&mut down, 'g');
    assert!(
        down.flash
            .as_deref()
            .unwrap_or("")
            .contains("Kubo is not answering")
    );
}

#[test]
fn page_keys_scroll_the_focused_list_only() {
    let mut m = fresh();
    m.tab = Tab::Operations;
    for i in 0..60 {
        m.ops.push_back(ipfs_kit::tui::model::OpEntry {
            id: 1000 + i,
            time: Some(now()),
            action: "refresh".into(),
            target: format!("t{i}"),
            state: OpState::Ok,
            duration_ms: Some(1),
            recorded: false,
        });
    }
    key(&mut m, KeyCode::PageDown);
    let first = m.scroll.get(&ListKind::History).copied().unwrap_or(0);
    assert!(first > 0);
    key(&mut m, KeyCode::PageDown);
    assert!(m.scroll[&ListKind::History] > first);
    key(&mut m, KeyCode::PageUp);
    key(&mut m, KeyCode::PageUp);
    assert_eq!(m.scroll[&ListKind::History], 0);
    // Never past the end.
    for _ in 0..100 {
        key(&mut m, KeyCode::PageDown);
    }
    assert_eq!(m.scroll[&ListKind::History], m.ops.len() - 1);
    // On a widget that is not a list it says so.
    m.tab = Tab::Overview;
    key(&mut m, KeyCode::PageDown);
    assert!(m.flash.as_deref().unwrap_or("").contains("not a list"));
}

#[test]
fn esc_shrinks_then_clears_the_filter() {
    let mut m = fresh();
    m.filter = "kubo".into();
    m.expanded = true;
    key(&mut m, KeyCode::Esc);
    assert!(!m.expanded);
    assert_eq!(m.filter, "kubo");
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.filter, "");
    key(&mut m, KeyCode::Esc);
    assert!(
        m.flash
            .as_deref()
            .unwrap_or("")
            .contains("nothing to close")
    );
}

#[test]
fn q_and_ctrl_c_quit_from_anywhere() {
    let mut m = fresh();
    assert_eq!(ch(&mut m, 'q'), vec![Command::Quit]);
    assert!(m.quit);
    for overlay in [
        Overlay::Help,
        Overlay::Filter,
        Overlay::Confirm(Confirm::RepoGc),
    ] {
        let mut m = fresh();
        m.overlay = overlay;
        assert_eq!(
            key_mods(&mut m, KeyCode::Char('c'), KeyModifiers::CONTROL),
            vec![Command::Quit]
        );
        assert!(m.quit);
    }
}

#[test]
fn key_releases_and_unknown_keys_change_nothing() {
    let mut m = fresh();
    update(
        &mut m,
        Msg::Key(KeyEvent {
            code: KeyCode::Tab,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        }),
    );
    assert_eq!(m.tab, Tab::Overview);
    assert!(!m.dirty);
    ch(&mut m, 'z');
    key(&mut m, KeyCode::F(5));
    assert!(!m.dirty);
}

fn mouse(m: &mut Model, kind: MouseEventKind, column: u16, row: u16) {
    update(
        m,
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }),
    );
}

#[test]
fn mouse_wheel_scrolls_the_list_under_the_pointer_and_clicks_focus() {
    let mut m = fresh();
    m.tab = Tab::Operations;
    for i in 0..60 {
        m.ops.push_back(ipfs_kit::tui::model::OpEntry {
            id: 2000 + i,
            time: Some(now()),
            action: "refresh".into(),
            target: format!("t{i}"),
            state: OpState::Ok,
            duration_ms: None,
            recorded: false,
        });
    }
    mouse(&mut m, MouseEventKind::ScrollDown, 50, 20);
    assert_eq!(m.scroll.get(&ListKind::History), Some(&3));
    mouse(&mut m, MouseEventKind::ScrollUp, 50, 20);
    assert_eq!(m.scroll.get(&ListKind::History), Some(&0));
    // Moving the mouse is not worth a redraw.
    m.dirty = false;
    mouse(&mut m, MouseEventKind::Moved, 10, 10);
    assert!(!m.dirty);
    // A click on the tab bar switches tabs; a click on a panel focuses it.
    let tabs = layout::tab_spans(layout::screen(layout::area(&m)).tabs, &m.tabs(), m.tab);
    let (_, _, x, _) = tabs[2];
    mouse(&mut m, MouseEventKind::Down(MouseButton::Left), x + 1, 1);
    assert_eq!(m.tab, Tab::Cluster);
    let target = layout::plan(&m)
        .panels()
        .find(|(p, _)| *p == Panel::Bars(BarsKind::FreeSpace))
        .map(|(_, r)| *r)
        .expect("free space panel");
    mouse(
        &mut m,
        MouseEventKind::Down(MouseButton::Left),
        target.x + 2,
        target.y + 1,
    );
    assert_eq!(layout::focused(&m), Panel::Bars(BarsKind::FreeSpace));
}

#[test]
fn resize_updates_the_size_and_the_layout() {
    let mut m = fresh();
    update(&mut m, Msg::Resize(80, 24));
    assert_eq!(m.size, (80, 24));
    assert!(m.dirty);
    m.dirty = false;
    update(&mut m, Msg::Resize(80, 24));
    assert!(!m.dirty, "same size, nothing to do");
    // The compact layout has fewer panels; focus falls back to one that is shown.
    m.focus[0] = Some(Panel::Metric(MetricKind::Disk));
    assert_eq!(layout::focused(&m), Panel::Status(Src::Kubo));
    update(&mut m, Msg::Resize(250, 70));
    assert!(
        layout::grid(&m)
            .panels()
            .any(|(p, _)| *p == Panel::Counter(CounterKind::ClusterPins))
    );
}

#[test]
fn signals_quit() {
    let mut m = fresh();
    assert_eq!(update(&mut m, Msg::Signal("SIGTERM")), vec![Command::Quit]);
    assert!(m.quit);
}

#[test]
fn new_snapshots_are_applied_and_feed_the_heat_map() {
    let mut m = fresh();
    let mut s = fixtures::snapshot();
    s.time = now() + chrono::Duration::seconds(2);
    update(&mut m, Msg::Snapshot(Arc::new(s)));
    assert!(m.dirty);
    let grid = m.activity.grid(now().date_naive());
    // Ten minutes before noon: hour 11 has data; hour 13 does not (yet).
    assert!(grid[0].1[11].is_some());
    assert!(grid[0].1[13].is_none());
    assert_eq!(grid[0].0, "Sat");
}
