//! The Daemons, Alerts and Pins tabs, the pin prompt, the wizard menu and a daemon
//! confirmation drawn through TestBackend (insta snapshots), and Buffer assertions: the
//! cursor row, alert colours, ASCII, the log view, empty states, the help's scrolling.

use ipfs_kit::tui::Tab;
use ipfs_kit::tui::layout;
use ipfs_kit::tui::model::{Confirm, DaemonAction, ListKind, LogTail, Overlay, Panel, PinList};
use ipfs_kit_widgets::{Level, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

use crate::fixtures::{self, CID_ERROR, KUBO_LOG, model_alerts, model_daemons, model_pins};
use crate::{buffer, terminal, text};

#[test]
fn daemons_80x24() {
    let m = model_daemons(80, 24, Theme::default());
    insta::assert_snapshot!("daemons_80x24", terminal(&m).backend());
}

#[test]
fn daemons_120x40() {
    let m = model_daemons(120, 40, Theme::default());
    insta::assert_snapshot!("daemons_120x40", terminal(&m).backend());
}

#[test]
fn alerts_80x24() {
    let m = model_alerts(80, 24, Theme::default());
    insta::assert_snapshot!("alerts_80x24", terminal(&m).backend());
}

#[test]
fn alerts_120x40() {
    let m = model_alerts(120, 40, Theme::default());
    insta::assert_snapshot!("alerts_120x40", terminal(&m).backend());
}

#[test]
fn pins_120x40() {
    let m = model_pins(120, 40, Theme::default());
    insta::assert_snapshot!("pins_120x40", terminal(&m).backend());
}

#[test]
fn pin_prompt_80x24() {
    let mut m = model_pins(80, 24, Theme::default());
    m.overlay = Overlay::PinPrompt;
    m.input = "/ipfs/QmYrSWPyteeWoStkpsYvMRXbx1AGnc1B7addpQERxnMo2T".into();
    insta::assert_snapshot!("pin_prompt_80x24", terminal(&m).backend());
}

#[test]
fn wizard_menu_80x24() {
    let mut m = crate::fixtures::model(80, 24);
    m.overlay = Overlay::WizardMenu;
    insta::assert_snapshot!("wizard_menu_80x24", terminal(&m).backend());
}

#[test]
fn daemon_confirm_80x24() {
    let mut m = model_daemons(80, 24, Theme::default());
    m.overlay = Overlay::Confirm(Confirm::Daemon {
        action: DaemonAction::Stop,
        name: "kubo".into(),
    });
    insta::assert_snapshot!("daemon_confirm_stop_80x24", terminal(&m).backend());
}

#[test]
fn daemons_ascii_120x40() {
    let m = model_daemons(120, 40, Theme::ascii());
    let t = terminal(&m);
    let s = crate::text(t.backend().buffer());
    assert!(s.is_ascii(), "{s}");
    insta::assert_snapshot!("daemons_ascii_120x40", t.backend());
}

// --- Buffer assertions ---------------------------------------------------------------------

/// First position of `needle` (one char per cell).
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let chars: Vec<String> = needle.chars().map(|c| c.to_string()).collect();
    let a = buf.area;
    (0..a.height).find_map(|y| {
        (0..a.width)
            .find(|&x| {
                chars.iter().enumerate().all(|(i, c)| {
                    let cx = x + i as u16;
                    cx < a.width && buf[(cx, y)].symbol() == c
                })
            })
            .map(|x| (x, y))
    })
}

fn at(buf: &Buffer, needle: &str) -> (u16, u16) {
    find(buf, needle).unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", text(buf)))
}

/// Where `needle` is inside `area`.
fn at_in(buf: &Buffer, area: Rect, needle: &str) -> (u16, u16) {
    let mut inside = Buffer::empty(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            inside[(x, y)] = buf[(x, y)].clone();
        }
    }
    at(&inside, needle)
}

fn row_text(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

fn panel(m: &ipfs_kit::tui::Model, p: Panel) -> Rect {
    layout::plan(m)
        .panels()
        .find(|(q, _)| *q == p)
        .map(|(_, r)| *r)
        .unwrap_or_else(|| panic!("{p:?} not laid out"))
}

/// Whether every cell inside the panel's borders on row `y` is reversed.
fn reversed_row(buf: &Buffer, area: Rect, y: u16) -> bool {
    (area.x + 1..area.right() - 1).all(|x| buf[(x, y)].modifier.contains(Modifier::REVERSED))
}

#[test]
fn the_cursor_row_is_drawn_reversed() {
    let mut m = model_daemons(120, 40, Theme::default());
    let list = panel(&m, Panel::List(ListKind::Daemons));
    let buf = buffer(&m);
    let (_, kubo) = at(&buf, "✔ ready");
    let (_, cluster) = at(&buf, "• backing-off");
    assert!(reversed_row(&buf, list, kubo), "{}", row_text(&buf, kubo));
    assert!(!reversed_row(&buf, list, cluster));
    // The header is not a row.
    assert!(
        !buf[(list.x + 1, list.y + 1)]
            .modifier
            .contains(Modifier::REVERSED)
    );
    // It moves with the cursor.
    m.cursor.insert(ListKind::Daemons, 1);
    let buf = buffer(&m);
    assert!(!reversed_row(&buf, list, kubo));
    assert!(reversed_row(&buf, list, cluster));
    // Without colour too (reverse video is what shows it there).
    let mut mono = model_daemons(120, 40, Theme::monochrome());
    mono.cursor.insert(ListKind::Daemons, 1);
    let buf = buffer(&mono);
    assert!(reversed_row(&buf, list, cluster));

    // The pins' cursor likewise; the alert history has none.
    let mut m = fixtures::model_pins(120, 40, Theme::default());
    m.cursor.insert(ListKind::Pins, 2);
    let pins = panel(&m, Panel::List(ListKind::Pins));
    let buf = buffer(&m);
    let (_, y) = at_in(&buf, pins, "✖ pin_error");
    assert!(reversed_row(&buf, pins, y));
    assert!(!reversed_row(&buf, pins, y - 1));
    let m = model_alerts(120, 40, Theme::default());
    let log = panel(&m, Panel::List(ListKind::AlertLog));
    let buf = buffer(&m);
    for y in log.y + 2..log.bottom() - 1 {
        assert!(!reversed_row(&buf, log, y), "{}", row_text(&buf, y));
    }
    let active = panel(&m, Panel::List(ListKind::ActiveAlerts));
    assert!(reversed_row(&buf, active, active.y + 2));
}

#[test]
fn a_critical_alert_row_uses_the_themes_critical_colour() {
    let mut theme = Theme::default();
    theme.palette.critical = Color::Rgb(200, 0, 120);
    theme.palette.warning = Color::Rgb(230, 160, 0);
    let m = model_alerts(120, 40, theme);
    let buf = buffer(&m);
    let (x, y) = at(&buf, "✖ critical");
    for i in 0.."✖ critical".chars().count() as u16 {
        let cell = &buf[(x + i, y)];
        assert_eq!(cell.fg, Color::Rgb(200, 0, 120), "{cell:?}");
        assert!(cell.modifier.contains(Modifier::BOLD));
    }
    assert_eq!(
        theme.level(Level::Critical).fg,
        Some(Color::Rgb(200, 0, 120))
    );
    let (x, y) = at(&buf, "▲ warning");
    assert_eq!(buf[(x, y)].fg, Color::Rgb(230, 160, 0));
    // In the history the critical event is critical too.
    let log = panel(&m, Panel::List(ListKind::AlertLog));
    let (x, y) = at(&buf, "✖ fired");
    assert!(log.contains((x, y).into()));
    assert_eq!(buf[(x, y)].fg, Color::Rgb(200, 0, 120));
    // The words stay plain.
    let (x, y) = at(&buf, "CPU at 95% (critical");
    assert_ne!(buf[(x, y)].fg, Color::Rgb(200, 0, 120));
}

#[test]
fn the_ascii_theme_draws_the_new_tabs_in_ascii() {
    let m = model_daemons(120, 40, Theme::ascii());
    let s = text(&buffer(&m));
    assert!(s.is_ascii(), "{s}");
    assert!(s.contains("[OK] ready"), "{s}");
    assert!(
        s.contains("--- ipfs-kit: kubo starting at 2026-11-21T10:57:55Z --- ---"),
        "{s}"
    );

    let mut shots = Vec::new();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut m = model_daemons(w, h, Theme::ascii());
        shots.push(m.clone());
        m.overlay = ipfs_kit::tui::model::Overlay::Confirm(ipfs_kit::tui::model::Confirm::Daemon {
            action: DaemonAction::Restart,
            name: "cluster".into(),
        });
        shots.push(m.clone());
        m.filter = "swarm".into();
        m.overlay = Overlay::None;
        m.log_follow = false;
        shots.push(m);
        let mut m = model_alerts(w, h, Theme::ascii());
        shots.push(m.clone());
        m.overlay = Overlay::WizardMenu;
        shots.push(m);
        let mut m = fixtures::model_pins(w, h, Theme::ascii());
        shots.push(m.clone());
        m.overlay = Overlay::PinPrompt;
        m.input = "bafy".into();
        shots.push(m);
    }
    for m in shots {
        let s = text(&buffer(&m));
        assert!(s.is_ascii(), "{:?} {:?}:\n{s}", m.tab, m.size);
    }
}

#[test]
fn the_start_marker_spans_the_log_and_matches_are_highlighted() {
    let mut m = model_daemons(120, 40, Theme::default());
    let log = panel(&m, Panel::List(ListKind::DaemonLog));
    let buf = buffer(&m);
    let (x, y) = at(&buf, "--- ipfs-kit: kubo starting");
    assert_eq!(x, log.x + 1);
    // Drawn across the whole row, in the accent colour and bold.
    assert_eq!(buf[(log.right() - 2, y)].symbol(), "-");
    assert_eq!(buf[(x, y)].fg, m.theme.palette.accent);
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));

    m.filter = "swarm".into();
    let buf = buffer(&m);
    let s = text(&buf);
    assert!(s.contains("search \"swarm\": 3 lines, following"), "{s}");
    // Only the matching lines and the marker are left.
    assert!(!s.contains("Initializing daemon"), "{s}");
    assert!(!s.contains("shutting down"), "{s}");
    assert!(s.contains("--- ipfs-kit: kubo starting"), "{s}");
    let (x, y) = at(&buf, "Swarm listening on 127.0.0.1");
    for i in 0..5 {
        let cell = &buf[(x + i, y)];
        assert!(cell.modifier.contains(Modifier::REVERSED), "{cell:?}");
    }
    // The rest of the line is not highlighted.
    assert!(!buf[(x + 6, y)].modifier.contains(Modifier::REVERSED));
    // The daemons stay listed (the filter is the log's on this tab).
    assert!(s.contains("✔ ready"), "{s}");
    assert!(s.contains("• backing-off"), "{s}");
    assert!(!s.contains("filter \"swarm\": "), "{s}");
}

#[test]
fn the_log_title_says_following_or_paused() {
    let mut m = model_daemons(80, 24, Theme::default());
    let s = text(&buffer(&m));
    assert!(s.contains(" Log: kubo "), "{s}");
    assert!(s.contains(" following "), "{s}");
    assert!(s.contains(KUBO_LOG), "the path is at the bottom:\n{s}");
    // Following shows the newest line.
    assert!(s.contains("2026-11-22T05:45:01.127Z ERROR"), "{s}");
    m.log_follow = false;
    m.scroll.insert(ListKind::DaemonLog, 0);
    let s = text(&buffer(&m));
    assert!(s.contains(" paused at 1/17 (G follows) "), "{s}");
    assert!(s.contains("shutting down"), "{s}");
    assert!(!s.contains("2026-11-22T05:45:01.127Z ERROR"), "{s}");
    assert!(!s.contains(" following "), "{s}");
    // The footer offers G then.
    assert!(s.lines().last().unwrap_or("").contains("G follow"), "{s}");
}

#[test]
fn the_log_view_says_why_there_is_nothing_to_show() {
    let mut m = model_daemons(120, 40, Theme::default());
    m.log = None;
    // Selected but not read yet: the title names it, the body says it is being read.
    let s = text(&buffer(&m));
    assert!(
        s.contains("Log: kubo") && s.contains("reading the log…"),
        "{s}"
    );
    m.log = Some(LogTail {
        daemon: "kubo".into(),
        path: KUBO_LOG.into(),
        lines: Vec::new(),
        error: Some(format!("no log yet at {KUBO_LOG}")),
    });
    assert!(text(&buffer(&m)).contains(&format!("no log yet at {KUBO_LOG}")));
    m.log = Some(LogTail {
        daemon: "kubo".into(),
        path: KUBO_LOG.into(),
        ..LogTail::default()
    });
    assert!(text(&buffer(&m)).contains("the log is empty"));

    // No supervisor: the tab says why, in the notice and the list.
    let mut m = fixtures::model(120, 40);
    m.tab = Tab::Daemons;
    m.info.no_supervisor = Some("Kubo (ipfs) is not installed".into());
    let s = text(&buffer(&m));
    assert!(
        s.contains("Daemons cannot be run from here: Kubo (ipfs) is not installed."),
        "{s}"
    );
    assert!(s.contains("no supervised daemon"), "{s}");
    m.info.no_supervisor = None;
    let s = text(&buffer(&m));
    assert!(
        s.contains("no daemons: the supervisor has not reported yet"),
        "{s}"
    );
}

#[test]
fn the_daemons_table_shows_exits_restarts_and_ports() {
    let mut m = model_daemons(200, 50, Theme::default());
    let s = text(&buffer(&m));
    for want in [
        "killed by SIGKILL at 11:59:30",
        "api 5001, gateway 8080, swarm 4001",
        "cluster 9096, restapi 9094",
        "restarting in 4s",
        "/var/lib/ipfs/kubo",
        "1h 2m",
        "4242",
    ] {
        assert!(s.contains(want), "{want:?} missing:\n{s}");
    }
    // An adopted daemon says so.
    let mut snap = fixtures::snapshot_daemons();
    snap.daemons[0].adopted = true;
    m.snap = std::sync::Arc::new(snap);
    let s = text(&buffer(&m));
    assert!(s.contains("✔ ready (adopted)"), "{s}");
    // At 80 columns the state, name, pid, uptime and restarts are whole.
    let m = model_daemons(80, 24, Theme::default());
    let buf = buffer(&m);
    let (_, y) = at(&buf, "✔ ready");
    let row = row_text(&buf, y);
    for want in ["✔ ready", " kubo ", " 4242 ", " 1h 2m ", " 0 "] {
        assert!(row.contains(want), "{want:?} cut: {row}");
    }
    let (_, y) = at(&buf, "• backing-off");
    assert!(row_text(&buf, y).contains(" cluster "));
}

#[test]
fn the_pins_table_and_its_states() {
    let m = fixtures::model_pins(120, 40, Theme::default());
    let buf = buffer(&m);
    let s = text(&buf);
    assert!(s.contains("Pins (through cluster)"), "{s}");
    assert!(s.contains(CID_ERROR), "CIDs are whole at 120 columns:\n{s}");
    let list = panel(&m, Panel::List(ListKind::Pins));
    assert_eq!(buf[at_in(&buf, list, "✖ pin_error")].fg, Color::Red);
    assert_eq!(buf[at_in(&buf, list, "• pinning")].fg, Color::Cyan);
    assert_eq!(buf[at_in(&buf, list, "✔ pinned")].fg, Color::Green);
    // At 80 columns the CID is cut in the middle: both ends stay.
    let m = fixtures::model_pins(80, 24, Theme::default());
    let s = text(&buffer(&m));
    assert!(s.contains("bafybeigdyrzt5sfp7"), "{s}");
    assert!(s.contains("oclgtqy55fbzdi"), "{s}");
    assert!(s.contains("website-2026-11"), "{s}");

    let mut m = fixtures::model_pins(120, 40, Theme::default());
    m.pins = PinList {
        loading: true,
        ..PinList::default()
    };
    let s = text(&buffer(&m));
    assert!(s.contains("Pins, loading"), "{s}");
    assert!(s.contains("loading..."), "{s}");
    m.pins = PinList::default();
    assert!(text(&buffer(&m)).contains("no pins (p adds one)"));
}

#[test]
fn the_operations_tab_titles_the_history_file() {
    let mut m = crate::fixtures::model(120, 40);
    m.tab = Tab::Operations;
    assert!(text(&buffer(&m)).contains("Operations (this session; no history file)"));
    m.audit = Some(Vec::new());
    let s = text(&buffer(&m));
    assert!(s.contains("Operation history"), "{s}");
    assert!(!s.contains("no history file"), "{s}");
    // The session's own (unrecorded) actions are still listed.
    assert!(s.contains("repo.gc"), "{s}");
}

#[test]
fn the_help_says_where_it_is_when_it_scrolls() {
    let mut m = crate::fixtures::model(80, 24);
    m.overlay = Overlay::Help;
    let s = text(&buffer(&m));
    let max = ipfs_kit::tui::render::help_max_scroll(&m);
    assert!(s.contains("j/k scroll  Esc closes"), "{s}");
    assert!(s.contains(" 1-"), "{s}");
    assert!(s.contains("Tab / Shift-Tab"), "{s}");
    m.help_scroll = max;
    let s = text(&buffer(&m));
    assert!(
        !s.contains("Tab / Shift-Tab"),
        "scrolled past the first key:\n{s}"
    );
    assert!(s.contains("Config: ~/.config/ipfs-kit/config.toml"), "{s}");
    // Beyond the end is drawn as the end.
    m.help_scroll = max + 50;
    assert_eq!(text(&buffer(&m)), s);
    // Where it fits, no scrolling note.
    let mut m = crate::fixtures::model(200, 60);
    m.overlay = Overlay::Help;
    let s = text(&buffer(&m));
    assert!(s.contains("Esc or ? closes"), "{s}");
    assert!(!s.contains("j/k scroll"), "{s}");
}

#[test]
fn the_pin_prompt_shows_the_end_of_long_input() {
    let mut m = crate::fixtures::model(80, 24);
    m.overlay = Overlay::PinPrompt;
    m.input = format!("/ipfs/{}/{}", fixtures::CID_PINNED, "x".repeat(40));
    let s = text(&buffer(&m));
    assert!(s.contains(&format!("{}▁", "x".repeat(40))), "{s}");
    assert!(s.contains("> "), "{s}");
    // Through Kubo when Cluster does not answer.
    let mut snap = fixtures::snapshot();
    snap.cluster.state = ipfs_kit::model::SourceState::Down;
    m.snap = std::sync::Arc::new(snap);
    m.input.clear();
    let s = text(&buffer(&m));
    assert!(s.contains("The CID to pin through Kubo"), "{s}");
}
