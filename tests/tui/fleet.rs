//! The Fleet tab without a terminal: rows from nodes' snapshots (the fixtures' snapshot for
//! one, a node that never answered, a node gone), the order key, the filter, Enter showing a
//! node on the whole dashboard and Esc coming back, and the screen at 120x40 and 80x24.

use std::sync::Arc;

use crossterm::event::KeyCode;
use ipfs_kit::fleet::{FleetRow, FleetSort, Reach};
use ipfs_kit::tui::model::{FleetState, ListKind};
use ipfs_kit::tui::{Command, Msg, Tab, update};

use crate::fixtures::{self, model, now};
use crate::{ch, key, terminal};

fn rows() -> Vec<FleetRow> {
    let snap = fixtures::snapshot();
    let up = FleetRow::from_snapshot("alpha", "http://10.0.0.1:5080", &snap, now());
    let gone = FleetRow::from_snapshot("bravo", "http://10.0.0.2:5080", &snap, now())
        .gone("error sending request: connection refused".into());
    let never = FleetRow::unseen(
        "charlie",
        "http://10.0.0.3:5080",
        Reach::Down,
        Some("the daemon answered 401 Unauthorized".into()),
    );
    vec![up, gone, never]
}

fn fleet_model(w: u16, h: u16) -> ipfs_kit::tui::Model {
    let mut m = model(w, h);
    update(&mut m, Msg::Fleet(Arc::new(rows())));
    m.tab = Tab::Fleet;
    m.dirty = false;
    m
}

#[test]
fn the_fleet_tab_appears_with_a_fleet_and_f_opens_it() {
    let mut m = model(120, 40);
    assert!(!m.tabs().contains(&Tab::Fleet));
    ch(&mut m, 'F');
    assert_ne!(m.tab, Tab::Fleet);
    assert!(
        m.flash.as_deref().unwrap_or("").contains("no fleet"),
        "{:?}",
        m.flash
    );
    update(&mut m, Msg::Fleet(Arc::new(rows())));
    assert!(m.tabs().contains(&Tab::Fleet));
    ch(&mut m, 'F');
    assert_eq!(m.tab, Tab::Fleet);
}

#[test]
fn worst_first_then_o_cycles_the_order_and_the_filter_narrows() {
    let mut m = fleet_model(120, 40);
    let names = |m: &ipfs_kit::tui::Model| -> Vec<String> {
        ipfs_kit::tui::lists::fleet_rows(m)
            .iter()
            .map(|r| r.name.clone())
            .collect()
    };
    // Down nodes first (the one with figures is less bad than... both down: by name).
    assert_eq!(names(&m)[2], "alpha");
    ch(&mut m, 'o');
    assert_eq!(m.fleet.as_ref().map(|f| f.sort), Some(FleetSort::Name));
    assert_eq!(names(&m), ["alpha", "bravo", "charlie"]);
    m.filter = "refused".into();
    assert_eq!(names(&m), ["bravo"]);
}

#[test]
fn enter_shows_a_node_and_esc_comes_back() {
    let mut m = fleet_model(120, 40);
    ch(&mut m, 'o'); // by name: alpha is the first row
    // A node that never answered cannot be shown.
    m.cursor.insert(ListKind::Fleet, 2);
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(
        m.flash
            .as_deref()
            .unwrap_or("")
            .contains("has not answered yet")
    );
    m.cursor.insert(ListKind::Fleet, 0);
    let cmds = key(&mut m, KeyCode::Enter);
    assert!(
        cmds.contains(&Command::View(Some("alpha".into()))),
        "{cmds:?}"
    );
    assert_eq!(m.viewing(), Some("alpha"));
    assert_eq!(m.tab, Tab::Overview);
    // While a node is shown, its repo's gc is not offered (it runs on its host).
    ch(&mut m, 'g');
    assert!(
        m.flash
            .as_deref()
            .unwrap_or("")
            .contains("fleet node alpha")
    );
    // Its pins are listed on its own host.
    ch(&mut m, '8');
    assert!(m.pins.error.as_deref().unwrap_or("").contains("alpha"));
    let cmds = key(&mut m, KeyCode::Esc);
    assert!(cmds.contains(&Command::View(None)), "{cmds:?}");
    assert_eq!(m.viewing(), None);
    assert_eq!(m.tab, Tab::Fleet);
    // Nothing more to close.
    assert!(key(&mut m, KeyCode::Esc).is_empty());
}

#[test]
fn fleet_rows_keep_the_cursor_when_nodes_change() {
    let mut m = fleet_model(120, 40);
    m.cursor.insert(ListKind::Fleet, 2);
    update(&mut m, Msg::Fleet(Arc::new(rows()[..1].to_vec())));
    assert_eq!(m.cursor.get(&ListKind::Fleet), Some(&0));
    assert!(
        m.fleet
            .as_ref()
            .is_some_and(|f: &FleetState| f.rows.len() == 1)
    );
}

#[test]
fn fleet_120x40() {
    let m = fleet_model(120, 40);
    insta::assert_snapshot!("fleet_120x40", terminal(&m).backend());
}

#[test]
fn fleet_80x24() {
    let m = fleet_model(80, 24);
    insta::assert_snapshot!("fleet_80x24", terminal(&m).backend());
}
