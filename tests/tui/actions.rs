//! `update()` for the Daemons, Alerts and Pins tabs and the keys that act: the tab bar with
//! eight tabs, the daemon cursor and log, start/stop/restart, acknowledging, pin and unpin,
//! the wizard menu, the help's scrolling, the operation history and the footer.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ipfs_kit::model::DaemonState;
use ipfs_kit::ophistory::{EventType, OpEntry as AuditEntry, OpStatus as AuditStatus};
use ipfs_kit::tui::convert;
use ipfs_kit::tui::keymap::{self, Action};
use ipfs_kit::tui::layout;
use ipfs_kit::tui::model::{
    Confirm, CounterKind, DaemonAction, ListKind, LogTail, Model, OpEntry, OpState, Overlay, Panel,
    PinList, WizardChoice,
};
use ipfs_kit::tui::{Command, Msg, Tab, update};
use ipfs_kit_widgets::Theme;
use ipfs_kit_widgets::history::OpStatus as RowStatus;
use ratatui::layout::Rect;

use crate::fixtures::{
    self, CID_PINNING, CID_V0, CLUSTER_LOG, KUBO_LOG, model_alerts, model_daemons, model_pins, now,
};
use crate::{ch, key, key_mods, run_op};

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        assert!(ch(m, c).is_empty(), "typing {c:?} ran something");
    }
}

fn flash(m: &Model) -> &str {
    m.flash.as_deref().unwrap_or("")
}

fn load_log(name: &str, path: &str) -> Command {
    Command::LoadLog {
        name: name.into(),
        path: path.into(),
    }
}

fn cursor(m: &Model, kind: ListKind) -> usize {
    m.cursor.get(&kind).copied().unwrap_or(0)
}

/// The Daemons tab at 120x40, as on screen: Kubo selected, its log loaded, the list focused.
fn daemons() -> Model {
    let mut m = model_daemons(120, 40, Theme::default());
    m.dirty = false;
    m
}

// --- Tabs ---------------------------------------------------------------------------------

#[test]
fn tabs_in_key_order_and_fleet_only_with_a_fleet() {
    assert_eq!(Tab::ALL.len(), 11);
    assert_eq!(Tab::from_number(6), Some(Tab::Daemons));
    assert_eq!(Tab::from_number(7), Some(Tab::Alerts));
    assert_eq!(Tab::from_number(8), Some(Tab::Pins));
    // 9 is Performance; 0 is Audit, last in the cycle.
    assert_eq!(Tab::from_number(9), Some(Tab::Performance));
    assert_eq!(Tab::from_number(0), Some(Tab::Audit));
    let mut m = fixtures::model_with(fixtures::snapshot_daemons(), 120, 40, Theme::default());
    let step = |m: &mut ipfs_kit::tui::Model, tab: Tab, by: isize| {
        m.tab = tab;
        m.tab_step(by)
    };
    assert_eq!(step(&mut m, Tab::Pins, 1), Tab::Performance);
    assert_eq!(step(&mut m, Tab::Performance, 1), Tab::Audit);
    assert_eq!(step(&mut m, Tab::Audit, 1), Tab::Overview);
    assert_eq!(step(&mut m, Tab::Overview, -1), Tab::Audit);
    assert_eq!(step(&mut m, Tab::Operations, 1), Tab::Daemons);
    assert!(!m.tabs().contains(&Tab::Fleet));
    // With a fleet, its tab comes last (key F).
    m.fleet = Some(Default::default());
    assert_eq!(step(&mut m, Tab::Audit, 1), Tab::Fleet);
    assert_eq!(step(&mut m, Tab::Overview, -1), Tab::Fleet);
    assert_eq!(Tab::Fleet.key(), 'F');
    assert_eq!(Tab::keys_label(), "1-9, 0");
    for (i, t) in Tab::ALL.into_iter().enumerate() {
        assert_eq!(t.index(), i);
        assert!(t.short_title().len() <= 4, "{t:?}");
    }
    let titles: Vec<&str> = Tab::ALL.iter().map(|t| t.title()).collect();
    assert_eq!(
        titles,
        [
            "Overview",
            "Node",
            "Cluster",
            "Host",
            "Operations",
            "Daemons",
            "Alerts",
            "Pins",
            "Performance",
            "Audit",
            "Fleet"
        ]
    );
}

/// The tab bar without a fleet.
const SHOWN: &[Tab] = Tab::ALL.split_at(10).0;

fn labels(width: u16, current: Tab) -> Vec<String> {
    layout::tab_spans(Rect::new(0, 1, width, 1), SHOWN, current)
        .into_iter()
        .map(|(_, l, ..)| l)
        .collect()
}

#[test]
fn tab_bar_falls_back_to_short_titles_then_numbers() {
    let full = labels(120, Tab::Overview);
    assert_eq!(full[0], " 1 Overview ");
    assert_eq!(full[5], " 6 Daemons ");
    assert_eq!(full[7], " 8 Pins ");
    // Ten tabs: short titles from about 100 columns, numbers on an 80-column terminal.
    let short = labels(100, Tab::Overview);
    assert_eq!(short[0], " 1 Over ");
    assert_eq!(short[4], " 5 Ops ");
    assert_eq!(short[5], " 6 Daem ");
    assert_eq!(short[6], " 7 Alrt ");
    // Narrower still: numbers, and the current tab keeps its (short) title.
    let numbers = labels(40, Tab::Alerts);
    assert_eq!(numbers[0], " 1 ");
    assert_eq!(numbers[5], " 6 ");
    assert_eq!(numbers[6], " 7 Alrt ");
    // Whatever the width, the labels are in order, one column apart, and (when there is
    // room for the numbers) inside the bar.
    for width in [30u16, 40, 60, 70, 80, 90, 100, 120, 200] {
        for &current in SHOWN {
            let spans = layout::tab_spans(Rect::new(3, 1, width, 1), SHOWN, current);
            assert_eq!(spans.len(), SHOWN.len());
            assert_eq!(spans[0].2, 3);
            for (i, (t, label, x0, x1)) in spans.iter().enumerate() {
                assert_eq!(*t, Tab::ALL[i]);
                assert_eq!(usize::from(x1 - x0), label.len());
                assert!(label.contains(Tab::ALL[i].key()), "{label:?}");
                if let Some(next) = spans.get(i + 1) {
                    assert_eq!(next.2, x1 + 1);
                }
            }
            if width >= 40 {
                assert!(spans[7].3 <= 3 + width, "{width} {current:?}: {spans:?}");
            }
        }
    }
}

#[test]
fn clicking_a_short_or_numbered_tab_label_opens_it() {
    for width in [80u16, 60] {
        let mut m = fixtures::model_with(fixtures::snapshot_daemons(), width, 24, Theme::default());
        let tabs = layout::tab_spans(layout::screen(layout::area(&m)).tabs, &m.tabs(), m.tab);
        let (_, _, x0, _) = tabs[5];
        update(
            &mut m,
            Msg::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: x0 + 1,
                row: 1,
                modifiers: KeyModifiers::NONE,
            }),
        );
        assert_eq!(m.tab, Tab::Daemons, "{width} columns");
        assert_eq!(layout::tab_at(&m, x0 + 1, 1), Some(Tab::Daemons));
        assert_eq!(layout::tab_at(&m, x0 + 1, 2), None, "only the tab bar row");
    }
}

// --- Daemons: cursor and log ----------------------------------------------------------------

#[test]
fn opening_the_daemons_tab_reads_the_selected_daemons_log() {
    let mut m = fixtures::model_with(fixtures::snapshot_daemons(), 120, 40, Theme::default());
    assert_eq!(ch(&mut m, '6'), vec![load_log("kubo", KUBO_LOG)]);
    assert_eq!(m.tab, Tab::Daemons);
    // From the Operations tab with Tab as well.
    ch(&mut m, '5');
    assert_eq!(key(&mut m, KeyCode::Tab), vec![load_log("kubo", KUBO_LOG)]);
    // Without daemons there is nothing to read.
    let mut none = fixtures::model(120, 40);
    assert!(ch(&mut none, '6').is_empty());
    assert_eq!(none.log, None);
    assert_eq!(none.selected_daemon().map(|d| d.name.as_str()), None);
}

#[test]
fn each_snapshot_on_the_daemons_tab_reads_the_log_again() {
    let mut m = daemons();
    let snap = Arc::new(fixtures::snapshot_daemons());
    assert_eq!(
        update(&mut m, Msg::Snapshot(snap.clone())),
        vec![load_log("kubo", KUBO_LOG)]
    );
    // The log of the same daemon stays on screen while it is read again.
    assert_eq!(m.log.as_ref().map(|l| l.daemon.as_str()), Some("kubo"));
    // Frozen: the data is held, so is the log.
    m.frozen = true;
    assert!(update(&mut m, Msg::Snapshot(snap.clone())).is_empty());
    m.frozen = false;
    // On other tabs the log is not read.
    ch(&mut m, '1');
    assert!(update(&mut m, Msg::Snapshot(snap)).is_empty());
    // When the supervisor reports no daemon any more, the log goes.
    ch(&mut m, '6');
    let mut empty = fixtures::snapshot();
    empty.daemons.clear();
    m.dirty = false;
    assert!(update(&mut m, Msg::Snapshot(Arc::new(empty))).is_empty());
    assert_eq!(m.log, None);
    assert!(m.dirty);
}

#[test]
fn up_down_and_j_k_move_the_daemon_cursor_and_read_its_log() {
    let mut m = daemons();
    assert_eq!(layout::focused(&m), Panel::List(ListKind::Daemons));
    assert_eq!(m.selected_daemon().map(|d| d.name.as_str()), Some("kubo"));

    assert_eq!(
        key(&mut m, KeyCode::Down),
        vec![load_log("cluster", CLUSTER_LOG)]
    );
    assert_eq!(cursor(&m, ListKind::Daemons), 1);
    assert_eq!(
        m.selected_daemon().map(|d| d.name.as_str()),
        Some("cluster")
    );
    // Kubo's log is not shown as the cluster's.
    assert_eq!(m.log, None);
    assert!(m.dirty);

    // At the last daemon, down moves the focus on to the log.
    assert!(ch(&mut m, 'j').is_empty());
    assert_eq!(cursor(&m, ListKind::Daemons), 1);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::DaemonLog));

    // Up at the top of the log goes back to the list (the focus is not trapped there).
    assert!(key(&mut m, KeyCode::Up).is_empty());
    assert_eq!(layout::focused(&m), Panel::List(ListKind::Daemons));
    assert_eq!(cursor(&m, ListKind::Daemons), 1);

    assert_eq!(ch(&mut m, 'k'), vec![load_log("kubo", KUBO_LOG)]);
    assert_eq!(cursor(&m, ListKind::Daemons), 0);
    // At the first daemon, up has nowhere to go: nothing changes.
    assert!(key(&mut m, KeyCode::Up).is_empty());
    assert_eq!(cursor(&m, ListKind::Daemons), 0);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::Daemons));
}

#[test]
fn a_log_is_taken_only_for_the_selected_daemon() {
    let mut m = daemons();
    m.log = None;
    let cluster = LogTail {
        daemon: "cluster".into(),
        path: CLUSTER_LOG.into(),
        lines: vec!["INFO cluster: IPFS Cluster is READY".into()],
        error: None,
    };
    update(&mut m, Msg::Log(cluster.clone()));
    assert_eq!(m.log, None, "kubo is selected");
    assert!(!m.dirty);

    update(&mut m, Msg::Log(fixtures::kubo_log()));
    assert_eq!(m.log, Some(fixtures::kubo_log()));
    assert!(m.dirty);
    // The same tail again is no reason to redraw.
    m.dirty = false;
    update(&mut m, Msg::Log(fixtures::kubo_log()));
    assert!(!m.dirty);

    key(&mut m, KeyCode::Down);
    update(&mut m, Msg::Log(cluster.clone()));
    assert_eq!(m.log, Some(cluster));
}

/// A Kubo log of `n` numbered lines with a start marker as line 10.
fn long_log(n: usize) -> LogTail {
    let lines = (0..n)
        .map(|i| {
            if i == 10 {
                "--- ipfs-kit: kubo starting at 2026-11-21T11:00:00Z ---".to_string()
            } else {
                format!(
                    "line {i:03} Swarm peer {}",
                    if i % 7 == 0 { "error" } else { "ok" }
                )
            }
        })
        .collect();
    LogTail {
        daemon: "kubo".into(),
        path: KUBO_LOG.into(),
        lines,
        error: None,
    }
}

/// Rows of the log view on the model's screen.
fn log_rows(m: &Model) -> usize {
    let area = layout::plan(m)
        .panels()
        .find(|(p, _)| *p == Panel::List(ListKind::DaemonLog))
        .map(|(_, r)| *r)
        .expect("log panel");
    usize::from(area.height - 2)
}

fn first_line(m: &Model) -> usize {
    let total = ipfs_kit::tui::lists::log_lines(m).len();
    ipfs_kit::tui::render::log_first_line(m, total, log_rows(m))
}

#[test]
fn the_log_follows_until_scrolled_back_and_follows_again_at_the_end() {
    let mut m = model_daemons(80, 24, Theme::default());
    m.log = Some(long_log(60));
    m.focus[Tab::Daemons.index()] = Some(Panel::List(ListKind::DaemonLog));
    let rows = log_rows(&m);
    let last_page = 60 - rows;
    assert!(m.log_follow);
    assert_eq!(first_line(&m), last_page);
    // G is disabled while following.
    ch(&mut m, 'G');
    assert!(flash(&m).contains("already following"), "{}", flash(&m));

    // Up scrolls back a line and stops following.
    key(&mut m, KeyCode::Up);
    assert!(!m.log_follow);
    assert_eq!(first_line(&m), last_page - 1);
    ch(&mut m, 'k');
    assert_eq!(first_line(&m), last_page - 2);
    // PgUp scrolls back half a panel.
    key(&mut m, KeyCode::PageUp);
    let after_page = first_line(&m);
    assert!(after_page < last_page - 2, "{after_page}");
    assert!(!m.log_follow);
    // New lines arriving while paused do not move the view.
    let mut longer = long_log(70);
    longer.lines[69] = "line 069 new".into();
    update(&mut m, Msg::Log(longer));
    assert_eq!(first_line(&m), after_page);
    assert!(!m.log_follow);

    // G (and End) jump to the end and follow.
    ch(&mut m, 'G');
    assert!(m.log_follow);
    assert_eq!(first_line(&m), 70 - rows);
    key(&mut m, KeyCode::PageUp);
    assert!(!m.log_follow);
    key(&mut m, KeyCode::End);
    assert!(m.log_follow);

    // Scrolling down to the end follows again too.
    key(&mut m, KeyCode::Up);
    assert!(!m.log_follow);
    key(&mut m, KeyCode::Down);
    assert!(m.log_follow);
    key(&mut m, KeyCode::PageUp);
    for _ in 0..10 {
        key(&mut m, KeyCode::PageDown);
    }
    assert!(m.log_follow);
    assert_eq!(first_line(&m), 70 - rows);

    // Never before the first line; then up leaves the log for the list.
    for _ in 0..20 {
        key(&mut m, KeyCode::PageUp);
    }
    assert_eq!(first_line(&m), 0);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::DaemonLog));
    key(&mut m, KeyCode::Up);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::Daemons));
}

#[test]
fn g_follow_is_only_for_the_daemons_tab() {
    let mut m = daemons();
    m.log_follow = false;
    ch(&mut m, '1');
    assert_eq!(
        keymap::availability(&m, Action::Follow),
        Err("only for the log on the Daemons tab (6)".into())
    );
    ch(&mut m, 'G');
    assert!(!m.log_follow);
    assert!(flash(&m).contains("Daemons tab"), "{}", flash(&m));
}

#[test]
fn the_log_filter_keeps_start_markers_and_the_selected_daemon() {
    let mut m = daemons();
    m.log = Some(long_log(60));
    ch(&mut m, '/');
    typed(&mut m, "ERROR");
    key(&mut m, KeyCode::Enter);
    let lines = ipfs_kit::tui::lists::log_lines(&m);
    // Lines 0, 7, 14, ... 56 say "error" (any case); line 10 is the start marker.
    assert_eq!(lines.len(), 10, "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("--- ipfs-kit:")));
    assert!(
        lines
            .iter()
            .all(|l| l.contains("error") || l.starts_with("--- ipfs-kit:"))
    );
    assert_eq!(
        convert::list_len(&m, ListKind::DaemonLog),
        10,
        "scrolling counts the matching lines"
    );
    // The filter searches the log; it does not hide the daemons, so the log stays selected
    // as snapshots arrive.
    assert_eq!(m.selected_daemon().map(|d| d.name.as_str()), Some("kubo"));
    let cmds = update(
        &mut m,
        Msg::Snapshot(Arc::new(fixtures::snapshot_daemons())),
    );
    assert_eq!(cmds, vec![load_log("kubo", KUBO_LOG)]);
    assert!(m.log.is_some());
    assert_eq!(convert::table_view(&m, ListKind::Daemons).rows.len(), 2);
    assert_eq!(convert::list_len(&m, ListKind::Daemons), 2);
    // The cursor still moves through every daemon.
    assert_eq!(
        key(&mut m, KeyCode::Down),
        vec![load_log("cluster", CLUSTER_LOG)]
    );
}

// --- Daemons: start, stop, restart ------------------------------------------------------------

#[test]
fn x_asks_then_y_stops_the_selected_daemon() {
    let mut m = daemons();
    assert!(ch(&mut m, 'x').is_empty());
    assert_eq!(
        m.overlay,
        Overlay::Confirm(Confirm::Daemon {
            action: DaemonAction::Stop,
            name: "kubo".into()
        })
    );
    let n = m.ops.len();
    let cmds = ch(&mut m, 'y');
    assert_eq!(m.overlay, Overlay::None);
    assert_eq!(m.ops.len(), n + 1);
    let op = m.ops[0].clone();
    assert_eq!(
        cmds,
        vec![Command::Daemon {
            op: op.id,
            action: DaemonAction::Stop,
            name: "kubo".into()
        }]
    );
    assert_eq!(
        (op.action.as_str(), op.target.as_str(), op.state),
        ("daemon.stop", "kubo", OpState::Running)
    );
    assert!(op.recorded, "daemon actions go to the history file");
    // While it runs, no second action on kubo.
    for c in ['x', 'R'] {
        ch(&mut m, c);
        assert_eq!(m.overlay, Overlay::None);
        assert!(
            flash(&m).contains("an action on kubo is running"),
            "{}",
            flash(&m)
        );
    }
    // The outcome comes back as a message.
    run_op(&mut m, op.id, 1500, Ok("kubo stopped"));
    assert_eq!(m.ops[0].state, OpState::Ok);
    assert_eq!(m.ops[0].duration_ms, Some(1500));
    assert_eq!(m.ops[0].target, "kubo: kubo stopped");
    // Done: the keys work again.
    ch(&mut m, 'R');
    assert!(matches!(
        m.overlay,
        Overlay::Confirm(Confirm::Daemon { .. })
    ));
}

#[test]
fn r_capital_restarts_and_s_starts_after_asking() {
    let mut m = daemons();
    ch(&mut m, 'R');
    assert_eq!(
        m.overlay,
        Overlay::Confirm(Confirm::Daemon {
            action: DaemonAction::Restart,
            name: "kubo".into()
        })
    );
    let cmds = ch(&mut m, 'Y');
    assert!(matches!(
        cmds.as_slice(),
        [Command::Daemon { action: DaemonAction::Restart, name, .. }] if name == "kubo"
    ));
    assert_eq!(m.ops[0].action, "daemon.restart");

    // The backing-off cluster can be started (now) or stopped (no more retries).
    key(&mut m, KeyCode::Down);
    ch(&mut m, 's');
    assert_eq!(
        m.overlay,
        Overlay::Confirm(Confirm::Daemon {
            action: DaemonAction::Start,
            name: "cluster".into()
        })
    );
    let cmds = ch(&mut m, 'y');
    let op = m.ops[0].clone();
    assert_eq!(
        cmds,
        vec![Command::Daemon {
            op: op.id,
            action: DaemonAction::Start,
            name: "cluster".into()
        }]
    );
    assert_eq!(
        (op.action.as_str(), op.target.as_str()),
        ("daemon.start", "cluster")
    );
}

#[test]
fn n_esc_and_q_cancel_a_daemon_confirmation() {
    for cancel in [
        KeyCode::Char('n'),
        KeyCode::Char('N'),
        KeyCode::Esc,
        KeyCode::Char('q'),
    ] {
        let mut m = daemons();
        let n = m.ops.len();
        ch(&mut m, 'x');
        assert!(key(&mut m, cancel).is_empty(), "{cancel:?}");
        assert_eq!(m.overlay, Overlay::None);
        assert_eq!(m.ops.len(), n);
        assert!(!m.quit, "q in a confirmation cancels, it does not quit");
    }
    // Other keys leave the question open.
    let mut m = daemons();
    ch(&mut m, 'x');
    assert!(ch(&mut m, 's').is_empty());
    assert!(key(&mut m, KeyCode::Down).is_empty());
    assert!(matches!(m.overlay, Overlay::Confirm(_)));
    assert_eq!(cursor(&m, ListKind::Daemons), 0);
}

#[test]
fn daemon_keys_say_why_they_are_disabled() {
    let why = |m: &Model, a: Action| keymap::availability(m, a).err().unwrap_or_default();

    let mut m = daemons();
    m.info.read_only = true;
    for a in [
        Action::DaemonStart,
        Action::DaemonStop,
        Action::DaemonRestart,
    ] {
        assert_eq!(why(&m, a), "read-only mode (--read-only)");
    }
    ch(&mut m, 'x');
    assert_eq!(m.overlay, Overlay::None);
    assert_eq!(
        flash(&m),
        "stop the selected daemon (asks first) is disabled: read-only mode (--read-only)"
    );

    let mut m = daemons();
    m.info.no_supervisor = Some("Kubo (ipfs) is not installed".into());
    ch(&mut m, 'R');
    assert_eq!(m.overlay, Overlay::None);
    assert!(
        flash(&m).ends_with("is disabled: Kubo (ipfs) is not installed"),
        "{}",
        flash(&m)
    );

    let mut m = daemons();
    ch(&mut m, '1');
    assert_eq!(
        why(&m, Action::DaemonStop),
        "select a daemon on the Daemons tab (6)"
    );
    ch(&mut m, 'x');
    assert_eq!(m.overlay, Overlay::None);

    let mut m = fixtures::model(120, 40);
    m.tab = Tab::Daemons;
    assert_eq!(why(&m, Action::DaemonRestart), "no daemon selected");

    // Start when running, stop when not.
    let m = daemons();
    assert_eq!(why(&m, Action::DaemonStart), "kubo is already running");
    assert!(keymap::availability(&m, Action::DaemonStop).is_ok());
    assert!(keymap::availability(&m, Action::DaemonRestart).is_ok());
    let mut s = fixtures::snapshot_daemons();
    s.daemons[0].state = DaemonState::Stopped;
    s.daemons[0].pid = None;
    s.daemons[1].state = DaemonState::Failed;
    let mut m = fixtures::model_with(s, 120, 40, Theme::default());
    m.tab = Tab::Daemons;
    assert_eq!(why(&m, Action::DaemonStop), "kubo is not running");
    assert!(keymap::availability(&m, Action::DaemonStart).is_ok());
    key(&mut m, KeyCode::Down);
    assert_eq!(why(&m, Action::DaemonStop), "cluster is not running");
    // Stopping a daemon that is stopping already counts as running.
    let mut s = fixtures::snapshot_daemons();
    s.daemons[0].state = DaemonState::Stopping;
    let mut m = fixtures::model_with(s, 120, 40, Theme::default());
    m.tab = Tab::Daemons;
    assert_eq!(why(&m, Action::DaemonStart), "kubo is already running");

    // An action running on another daemon does not block this one.
    let mut m = daemons();
    m.ops.push_front(OpEntry {
        id: 77,
        time: None,
        action: "daemon.restart".into(),
        target: "cluster".into(),
        state: OpState::Running,
        duration_ms: None,
        recorded: true,
    });
    assert!(keymap::availability(&m, Action::DaemonStop).is_ok());
    key(&mut m, KeyCode::Down);
    assert_eq!(
        why(&m, Action::DaemonStart),
        "an action on cluster is running"
    );

    // The help says the same.
    let mut m = daemons();
    m.info.read_only = true;
    let help = keymap::help_lines(&m);
    for k in ["s", "x", "R"] {
        let line = help.iter().find(|l| l.0 == k).expect("daemon key in help");
        assert_eq!(
            line.2.as_deref(),
            Some("read-only mode (--read-only)"),
            "{k}"
        );
    }
}

// --- Alerts -----------------------------------------------------------------------------------

#[test]
fn a_acknowledges_the_selected_firing_alert() {
    let mut m = model_alerts(120, 40, Theme::default());
    let id = m.snap.alerts[0].id.clone();
    assert_eq!(
        m.selected_alert().map(|a| a.rule.as_str()),
        Some("cpu_high")
    );
    let n = m.ops.len();
    assert_eq!(ch(&mut m, 'a'), vec![Command::Acknowledge { id }]);
    assert_eq!(flash(&m), "acknowledged cpu_high");
    assert_eq!(m.overlay, Overlay::None, "no question first");
    assert_eq!(m.ops.len(), n, "the collector records it, not the session");
}

#[test]
fn the_alert_cursor_moves_and_a_says_why_it_cannot_acknowledge() {
    let mut m = model_alerts(120, 40, Theme::default());
    // Health comes first on a large screen; the list is to its right.
    assert_eq!(layout::focused(&m), Panel::Health);
    key(&mut m, KeyCode::Right);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::ActiveAlerts));
    assert!(key(&mut m, KeyCode::Down).is_empty());
    assert_eq!(cursor(&m, ListKind::ActiveAlerts), 1);
    assert_eq!(
        m.selected_alert().map(|a| a.rule.as_str()),
        Some("memory_high")
    );
    assert!(ch(&mut m, 'a').is_empty());
    assert!(
        flash(&m).ends_with("the selected alert is already acknowledged"),
        "{}",
        flash(&m)
    );
    ch(&mut m, 'j');
    assert_eq!(
        m.selected_alert().map(|a| a.rule.as_str()),
        Some("repo_usage")
    );
    assert!(ch(&mut m, 'a').is_empty());
    assert!(
        flash(&m).ends_with("the selected alert is not firing yet"),
        "{}",
        flash(&m)
    );
    // Past the last alert the focus moves down to the history.
    key(&mut m, KeyCode::Down);
    assert_eq!(cursor(&m, ListKind::ActiveAlerts), 2);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::AlertLog));
    // The history has no cursor: down and up move the focus.
    key(&mut m, KeyCode::Up);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::ActiveAlerts));
    ch(&mut m, 'k');
    ch(&mut m, 'k');
    assert_eq!(cursor(&m, ListKind::ActiveAlerts), 0);

    // Other tabs, read-only, nothing selected.
    ch(&mut m, '1');
    assert!(ch(&mut m, 'a').is_empty());
    assert!(
        flash(&m).ends_with("select an alert on the Alerts tab (7)"),
        "{}",
        flash(&m)
    );
    let mut ro = model_alerts(120, 40, Theme::default());
    ro.info.read_only = true;
    assert!(ch(&mut ro, 'a').is_empty());
    assert!(flash(&ro).ends_with("read-only mode (--read-only)"));
    let mut none = fixtures::model(120, 40);
    none.tab = Tab::Alerts;
    assert_eq!(
        keymap::availability(&none, Action::Acknowledge),
        Err("no alert selected".into())
    );
}

#[test]
fn the_alert_cursor_stays_on_a_row_when_alerts_resolve() {
    let mut m = model_alerts(80, 24, Theme::default());
    // On a small screen the list comes first.
    assert_eq!(layout::focused(&m), Panel::List(ListKind::ActiveAlerts));
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Down);
    assert_eq!(cursor(&m, ListKind::ActiveAlerts), 2);
    let mut s = fixtures::snapshot_alerts();
    s.alerts.truncate(1);
    update(&mut m, Msg::Snapshot(Arc::new(s)));
    assert_eq!(cursor(&m, ListKind::ActiveAlerts), 0);
    assert_eq!(
        m.selected_alert().map(|a| a.rule.as_str()),
        Some("cpu_high")
    );
}

#[test]
fn alert_tables_show_states_and_the_history_newest_first() {
    let mut m = model_alerts(120, 40, Theme::default());
    let active = convert::table_view(&m, ListKind::ActiveAlerts);
    let states: Vec<&str> = active.rows.iter().map(|r| r.cells[1].as_str()).collect();
    assert_eq!(states, ["firing", "acknowledged", "pending"]);
    assert_eq!(active.rows[0].cells[0], "✖ critical");
    assert_eq!(active.rows[1].cells[0], "▲ warning");
    assert_eq!(active.selected, Some(0));

    let log = convert::table_view(&m, ListKind::AlertLog);
    assert_eq!(log.title, "Alert history (alerts.jsonl)");
    let events: Vec<&str> = log.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(
        events,
        ["• acknowledged", "✖ fired", "✔ resolved", "▲ fired"]
    );
    // Times in UTC like the rest of the screen, whatever the local zone.
    assert_eq!(log.rows[0].cells[1], "11-21 11:59:40");
    assert_eq!(log.rows[1].cells[1], "11-21 11:56:00");
    assert_eq!(log.selected, None, "the history has no cursor");

    // The filter applies to both.
    m.filter = "memory".into();
    assert_eq!(
        convert::table_view(&m, ListKind::ActiveAlerts).rows.len(),
        1
    );
    let log = convert::table_view(&m, ListKind::AlertLog);
    assert_eq!((log.rows.len(), log.total), (2, 4));
    assert_eq!(
        m.selected_alert().map(|a| a.rule.as_str()),
        Some("memory_high")
    );
}

// --- Pins -------------------------------------------------------------------------------------

#[test]
fn opening_the_pins_tab_loads_the_pins_once() {
    let mut m = fixtures::model(120, 40);
    assert_eq!(ch(&mut m, '8'), vec![Command::LoadPins]);
    assert!(m.pins.loading);
    let view = convert::table_view(&m, ListKind::Pins);
    assert_eq!(view.title, "Pins, loading");
    assert_eq!(view.empty, "loading...");
    // While loading, opening the tab again does not ask twice.
    ch(&mut m, '1');
    assert!(ch(&mut m, '8').is_empty());

    m.dirty = false;
    assert!(update(&mut m, Msg::Pins(fixtures::pin_list())).is_empty());
    assert!(m.dirty);
    assert!(!m.pins.loading);
    assert_eq!(m.pins.pins.len(), 3);
    let view = convert::table_view(&m, ListKind::Pins);
    assert_eq!(view.title, "Pins (through cluster)");
    let statuses: Vec<&str> = view.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(statuses, ["✔ pinned", "• pinning", "✖ pin_error"]);
    // Loaded: opening the tab again reloads.
    ch(&mut m, '1');
    assert_eq!(ch(&mut m, '8'), vec![Command::LoadPins]);

    // A failure says why; a long list says it is cut.
    update(
        &mut m,
        Msg::Pins(PinList {
            error: Some("Cluster is not answering".into()),
            ..PinList::default()
        }),
    );
    assert_eq!(
        convert::table_view(&m, ListKind::Pins).empty,
        "cannot list pins: Cluster is not answering"
    );
    let mut cut = fixtures::pin_list();
    cut.truncated = true;
    update(&mut m, Msg::Pins(cut));
    assert_eq!(
        convert::table_view(&m, ListKind::Pins).title,
        "Pins (through cluster), first ones only"
    );
}

#[test]
fn r_on_the_pins_tab_reloads_the_pins_too() {
    let mut m = model_pins(120, 40, Theme::default());
    let cmds = ch(&mut m, 'r');
    let op = m.ops[0].id;
    assert_eq!(cmds, vec![Command::Refresh { op }, Command::LoadPins]);
    assert!(m.pins.loading);
    // Elsewhere r only refreshes.
    let mut m = fixtures::model(120, 40);
    let cmds = ch(&mut m, 'r');
    assert_eq!(cmds, vec![Command::Refresh { op: m.ops[0].id }]);
    assert!(!m.pins.loading);
}

#[test]
fn u_asks_then_unpins_the_selected_pin_and_the_list_reloads() {
    let mut m = model_pins(120, 40, Theme::default());
    // The counters come first; down reaches the list, then moves its cursor.
    assert_eq!(layout::focused(&m), Panel::Counter(CounterKind::KuboPins));
    key(&mut m, KeyCode::Down);
    assert_eq!(layout::focused(&m), Panel::List(ListKind::Pins));
    assert_eq!(cursor(&m, ListKind::Pins), 0);
    key(&mut m, KeyCode::Down);
    assert_eq!(cursor(&m, ListKind::Pins), 1);
    assert_eq!(m.selected_pin().map(|p| p.cid.as_str()), Some(CID_PINNING));

    assert!(ch(&mut m, 'u').is_empty());
    assert_eq!(
        m.overlay,
        Overlay::Confirm(Confirm::Unpin {
            cid: CID_PINNING.into()
        })
    );
    let cmds = ch(&mut m, 'y');
    let op = m.ops[0].clone();
    assert_eq!(
        cmds,
        vec![Command::Unpin {
            op: op.id,
            cid: CID_PINNING.into()
        }]
    );
    assert_eq!(
        (op.action.as_str(), op.target.as_str(), op.state),
        ("pin.remove", CID_PINNING, OpState::Running)
    );
    // One unpin at a time.
    ch(&mut m, 'u');
    assert_eq!(m.overlay, Overlay::None);
    assert!(flash(&m).ends_with("an unpin is running"), "{}", flash(&m));

    // When it ends, the pin list is loaded again.
    let cmds = run_op(&mut m, op.id, 1000, Ok("through cluster"));
    assert_eq!(cmds, vec![Command::LoadPins]);
    assert!(m.pins.loading);
    assert_eq!(m.ops[0].state, OpState::Ok);
    assert_eq!(m.ops[0].target, format!("{CID_PINNING}: through cluster"));
    // Fewer pins: the cursor stays on a row.
    let mut fewer = fixtures::pin_list();
    fewer.pins.truncate(1);
    update(&mut m, Msg::Pins(fewer));
    assert_eq!(cursor(&m, ListKind::Pins), 0);

    // A failed unpin reloads too, and says why.
    ch(&mut m, 'u');
    ch(&mut m, 'y');
    let id = m.ops[0].id;
    let cmds = update(
        &mut m,
        Msg::OpFinished {
            id,
            at: now(),
            result: Err("Cluster is not answering".into()),
        },
    );
    assert_eq!(cmds, vec![Command::LoadPins]);
    assert_eq!(m.ops[0].state, OpState::Failed);
    assert!(m.ops[0].target.ends_with(": Cluster is not answering"));
    // Other operations do not reload the pins.
    ch(&mut m, 'g');
    ch(&mut m, 'y');
    let gc = m.ops[0].id;
    let cmds = update(
        &mut m,
        Msg::OpFinished {
            id: gc,
            at: now(),
            result: Ok("removed 1 block".into()),
        },
    );
    assert!(cmds.is_empty());
}

#[test]
fn u_says_why_it_cannot_unpin() {
    let why = |m: &Model| {
        keymap::availability(m, Action::Unpin)
            .err()
            .unwrap_or_default()
    };
    let mut m = model_pins(120, 40, Theme::default());
    m.info.read_only = true;
    assert_eq!(why(&m), "read-only mode (--read-only)");
    ch(&mut m, 'u');
    assert_eq!(m.overlay, Overlay::None);
    assert!(flash(&m).contains("read-only"));

    let mut m = model_pins(120, 40, Theme::default());
    ch(&mut m, '1');
    assert_eq!(why(&m), "select a pin on the Pins tab (8)");

    let mut m = model_pins(120, 40, Theme::default());
    m.pins = PinList::default();
    assert_eq!(why(&m), "no pin selected");
    m.pins = fixtures::pin_list();
    m.filter = "no such pin".into();
    assert_eq!(why(&m), "no pin selected");
}

#[test]
fn p_prompts_for_a_cid_and_pins_it() {
    let mut m = fixtures::model(120, 40);
    // Any tab.
    assert!(ch(&mut m, 'p').is_empty());
    assert_eq!(m.overlay, Overlay::PinPrompt);
    assert_eq!(m.input, "");
    // Keys that are actions elsewhere are text here.
    typed(&mut m, "qxyz");
    assert!(!m.quit);
    assert_eq!(m.input, "qxyz");
    key(&mut m, KeyCode::Backspace);
    assert_eq!(m.input, "qxy");
    key_mods(&mut m, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(m.input, "");

    // Not a CID: the prompt stays and says why.
    typed(&mut m, "hello");
    let n = m.ops.len();
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert_eq!(m.overlay, Overlay::PinPrompt);
    assert_eq!(m.input, "hello");
    assert_eq!(m.ops.len(), n);
    assert!(
        flash(&m).contains("\"hello\" is not a CID"),
        "{}",
        flash(&m)
    );
    // The note goes with the next key.
    key(&mut m, KeyCode::Backspace);
    assert_eq!(m.flash, None);

    key_mods(&mut m, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typed(&mut m, CID_V0);
    let cmds = key(&mut m, KeyCode::Enter);
    let op = m.ops[0].clone();
    assert_eq!(
        cmds,
        vec![Command::Pin {
            op: op.id,
            cid: CID_V0.into()
        }]
    );
    assert_eq!(
        (op.action.as_str(), op.target.as_str(), op.state),
        ("pin.add", CID_V0, OpState::Running)
    );
    assert_eq!(m.overlay, Overlay::None);
    assert_eq!(m.input, "", "the prompt starts empty next time");
    // The pin list is reloaded when it is done.
    let cmds = update(
        &mut m,
        Msg::OpFinished {
            id: op.id,
            at: now(),
            result: Ok("through cluster".into()),
        },
    );
    assert_eq!(cmds, vec![Command::LoadPins]);

    // An /ipfs/ path is taken too, as its CID.
    ch(&mut m, 'p');
    typed(&mut m, &format!("/ipfs/{CID_V0}/"));
    let cmds = key(&mut m, KeyCode::Enter);
    assert!(
        matches!(cmds.as_slice(), [Command::Pin { cid, .. }] if cid == CID_V0),
        "{cmds:?}"
    );
}

#[test]
fn esc_cancels_the_pin_prompt() {
    let mut m = fixtures::model(120, 40);
    ch(&mut m, 'p');
    typed(&mut m, "Qm");
    let n = m.ops.len();
    assert!(key(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(m.overlay, Overlay::None);
    assert_eq!(m.input, "");
    assert_eq!(m.ops.len(), n);
    // Reopening starts empty even if something was left.
    m.input = "left over".into();
    ch(&mut m, 'p');
    assert_eq!(m.input, "");
}

#[test]
fn p_is_disabled_read_only_and_when_nothing_answers() {
    let mut m = fixtures::model(120, 40);
    m.info.read_only = true;
    ch(&mut m, 'p');
    assert_eq!(m.overlay, Overlay::None);
    assert!(
        flash(&m).ends_with("read-only mode (--read-only)"),
        "{}",
        flash(&m)
    );

    let mut down = fixtures::model_with(fixtures::snapshot_down(), 120, 40, Theme::default());
    ch(&mut down, 'p');
    assert_eq!(down.overlay, Overlay::None);
    assert!(
        flash(&down).ends_with("neither Kubo nor Cluster is answering"),
        "{}",
        flash(&down)
    );
    // Either one answering is enough.
    let mut s = fixtures::snapshot_down();
    s.cluster = fixtures::snapshot().cluster;
    let mut m = fixtures::model_with(s, 120, 40, Theme::default());
    ch(&mut m, 'p');
    assert_eq!(m.overlay, Overlay::PinPrompt);
}

// --- Wizards ------------------------------------------------------------------------------------

#[test]
fn w_opens_the_wizard_menu_and_its_keys_run_a_wizard() {
    for (c, kind, name) in [
        ('b', WizardChoice::Backend, "wizard.backend"),
        ('v', WizardChoice::Vfs, "wizard.vfs"),
        ('m', WizardChoice::Monitoring, "wizard.monitoring"),
    ] {
        let mut m = fixtures::model(120, 40);
        assert!(ch(&mut m, 'w').is_empty());
        assert_eq!(m.overlay, Overlay::WizardMenu);
        // Keys that are not a wizard do nothing.
        assert!(ch(&mut m, 'x').is_empty());
        assert!(ch(&mut m, '2').is_empty());
        assert_eq!(m.overlay, Overlay::WizardMenu);
        assert_eq!(m.tab, Tab::Overview);
        let cmds = ch(&mut m, c);
        let op = m.ops[0].clone();
        assert_eq!(cmds, vec![Command::Wizard { op: op.id, kind }]);
        assert_eq!(
            (op.action.as_str(), op.target.as_str(), op.state),
            (name, "config", OpState::Running)
        );
        assert_eq!(m.overlay, Overlay::None);
    }
    assert_eq!(
        WizardChoice::ALL.map(|(k, w, _)| (k, w.as_str())),
        [('b', "backend"), ('v', "vfs"), ('m', "monitoring")]
    );
}

#[test]
fn esc_or_q_close_the_wizard_menu_and_read_only_disables_it() {
    for close in [KeyCode::Esc, KeyCode::Char('q')] {
        let mut m = fixtures::model(120, 40);
        let n = m.ops.len();
        ch(&mut m, 'w');
        assert!(key(&mut m, close).is_empty());
        assert_eq!(m.overlay, Overlay::None);
        assert_eq!(m.ops.len(), n);
        assert!(!m.quit);
    }
    let mut m = fixtures::model(120, 40);
    m.info.read_only = true;
    ch(&mut m, 'w');
    assert_eq!(m.overlay, Overlay::None);
    assert!(
        flash(&m).ends_with("read-only mode (--read-only)"),
        "{}",
        flash(&m)
    );
}

// --- Help ---------------------------------------------------------------------------------------

#[test]
fn the_help_scrolls_when_it_does_not_fit() {
    let mut m = fixtures::model(80, 24);
    let max = ipfs_kit::tui::render::help_max_scroll(&m);
    assert!(max > 0, "the keymap does not fit 80x24");
    ch(&mut m, '?');
    assert_eq!(m.help_scroll, 0);
    ch(&mut m, 'j');
    key(&mut m, KeyCode::Down);
    assert_eq!(m.help_scroll, 2);
    ch(&mut m, 'k');
    assert_eq!(m.help_scroll, 1);
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Up);
    assert_eq!(m.help_scroll, 0, "not above the first line");
    key(&mut m, KeyCode::PageDown);
    assert_eq!(m.help_scroll, 10.min(max));
    for _ in 0..10 {
        ch(&mut m, ' ');
    }
    assert_eq!(m.help_scroll, max, "not past the last line");
    key(&mut m, KeyCode::PageUp);
    assert_eq!(m.help_scroll, max.saturating_sub(10));
    // Scrolling keys are not actions under the help.
    assert_eq!(m.tab, Tab::Overview);
    assert_eq!(m.overlay, Overlay::Help);
    // Closing and opening again starts at the top.
    key(&mut m, KeyCode::Esc);
    ch(&mut m, '?');
    assert_eq!(m.help_scroll, 0);

    // Where it fits, it does not scroll.
    let mut big = fixtures::model(200, 60);
    assert_eq!(ipfs_kit::tui::render::help_max_scroll(&big), 0);
    ch(&mut big, '?');
    ch(&mut big, 'j');
    key(&mut big, KeyCode::PageDown);
    assert_eq!(big.help_scroll, 0);
}

#[test]
fn the_help_scroll_shrinks_with_the_screen() {
    let mut m = fixtures::model(80, 24);
    ch(&mut m, '?');
    for _ in 0..50 {
        ch(&mut m, 'j');
    }
    let max_small = m.help_scroll;
    update(&mut m, Msg::Resize(120, 40));
    let max_big = ipfs_kit::tui::render::help_max_scroll(&m);
    assert!(max_big < max_small, "{max_big} < {max_small}");
    // One step up from wherever it was left lands inside the new range.
    ch(&mut m, 'k');
    assert_eq!(m.help_scroll, max_big.saturating_sub(1));
}

// --- Operations list ------------------------------------------------------------------------------

fn audit(secs_ago: i64, action: &str, resource: &str, status: AuditStatus) -> AuditEntry {
    AuditEntry {
        event_id: format!("e-{action}-{secs_ago}"),
        operation_id: format!("o-{action}-{secs_ago}"),
        session_id: "s-1".into(),
        timestamp: now() - chrono::Duration::seconds(secs_ago),
        duration_ms: (status != AuditStatus::Running).then_some(250),
        event_type: EventType::System,
        action: action.into(),
        resource: Some(resource.into()),
        resource_type: Some("daemon".into()),
        user_id: "ops".into(),
        status,
        details: serde_json::Map::new(),
    }
}

fn session_op(id: u64, secs_ago: Option<i64>, action: &str, state: OpState, rec: bool) -> OpEntry {
    OpEntry {
        id,
        time: secs_ago.map(|s| now() - chrono::Duration::seconds(s)),
        action: action.into(),
        target: format!("target {id}"),
        state,
        duration_ms: None,
        recorded: rec,
    }
}

#[test]
fn operations_merge_the_history_file_with_the_session_newest_first() {
    let mut m = fixtures::model(120, 40);
    m.ops.clear();
    // Newest first, as the model keeps them.
    m.ops
        .push_front(session_op(1, Some(300), "pin.add", OpState::Ok, true));
    m.ops
        .push_front(session_op(2, Some(200), "freeze", OpState::Ok, false));
    m.ops
        .push_front(session_op(3, Some(5), "pin.add", OpState::Running, true));
    m.ops
        .push_front(session_op(4, None, "refresh", OpState::Running, false));

    // Without a history file: the session only, and the title says so.
    let view = convert::history_view(&m);
    assert_eq!(view.title, "Operations (this session; no history file)");
    let ids: Vec<&str> = view.rows.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(ids, ["target 4", "target 3", "target 2", "target 1"]);

    let mut failed = audit(100, "daemon.start", "cluster", AuditStatus::Failed);
    failed
        .details
        .insert("error".into(), "port 9094 is taken by nginx".into());
    let entries = vec![
        audit(30, "source.down", "kubo", AuditStatus::Ok),
        failed,
        audit(300, "pin.add", "QmFinished", AuditStatus::Ok),
        audit(1000, "daemon.stop", "kubo", AuditStatus::Ok),
    ];
    m.dirty = false;
    assert!(update(&mut m, Msg::Audit(entries.clone())).is_empty());
    assert!(m.dirty);
    assert_eq!(m.audit.as_ref().map(Vec::len), Some(4));
    // The same entries again: nothing to redraw.
    m.dirty = false;
    update(&mut m, Msg::Audit(entries));
    assert!(!m.dirty);

    let view = convert::history_view(&m);
    assert_eq!(view.title, "Operation history");
    let rows: Vec<(&str, &str, &str)> = view
        .rows
        .iter()
        .map(|r| (r.time.as_str(), r.action.as_str(), r.target.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            // Asked for, not stamped yet: on top.
            ("--:--:--", "refresh", "target 4"),
            // Recorded but still running: the file has it only when it ends.
            ("11:59:55", "pin.add", "target 3"),
            ("11:59:30", "source.down", "kubo"),
            (
                "11:58:20",
                "daemon.start",
                "cluster: port 9094 is taken by nginx"
            ),
            // Session-only (not recorded).
            ("11:56:40", "freeze", "target 2"),
            // The finished recorded pin shows once, from the file.
            ("11:55:00", "pin.add", "QmFinished"),
            ("11:43:20", "daemon.stop", "kubo"),
        ]
    );
    assert_eq!(view.rows[0].status, RowStatus::Running);
    assert_eq!(view.rows[3].status, RowStatus::Failed);
    assert_eq!(view.rows[3].duration_ms, Some(250));
    assert_eq!(view.rows[2].status, RowStatus::Ok);
    // Scrolling and filtering count the merged rows.
    assert_eq!(convert::list_len(&m, ListKind::History), 7);
    m.filter = "kubo".into();
    assert_eq!(convert::list_len(&m, ListKind::History), 2);
}

// --- Footer ---------------------------------------------------------------------------------------

fn footer_keys(m: &Model) -> Vec<&'static str> {
    keymap::footer(m).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn the_footer_offers_only_what_can_be_done_now() {
    // A ready daemon: stop and restart, not start.
    let mut m = daemons();
    let f = keymap::footer(&m);
    assert!(f.contains(&("x", "stop")), "{f:?}");
    assert!(f.contains(&("R", "restart")), "{f:?}");
    assert!(!f.iter().any(|(k, _)| *k == "s"), "{f:?}");
    assert!(
        !f.iter().any(|(k, _)| *k == "G"),
        "following already: {f:?}"
    );
    // The backing-off cluster: all three.
    key(&mut m, KeyCode::Down);
    let keys = footer_keys(&m);
    for k in ["s", "x", "R"] {
        assert!(keys.contains(&k), "{k}: {keys:?}");
    }
    // Paused log: G follows.
    m.log_follow = false;
    assert!(keymap::footer(&m).contains(&("G", "follow")));
    // The tab's own keys come right after quit and help.
    assert_eq!(&footer_keys(&m)[..5], ["q", "?", "s", "x", "R"]);

    // Alerts: ack only on a firing, unacknowledged alert.
    let mut m = model_alerts(120, 40, Theme::default());
    assert!(keymap::footer(&m).contains(&("a", "ack")));
    m.cursor.insert(ListKind::ActiveAlerts, 1);
    assert!(!footer_keys(&m).contains(&"a"));

    // Pins: unpin with a pin selected.
    let m = model_pins(120, 40, Theme::default());
    assert!(keymap::footer(&m).contains(&("u", "unpin")));

    // Overview: none of the tab keys; pin and wizard everywhere.
    let m = fixtures::model(120, 40);
    let keys = footer_keys(&m);
    for k in ["s", "x", "R", "G", "a", "u"] {
        assert!(!keys.contains(&k), "{k}: {keys:?}");
    }
    assert!(keys.contains(&"p") && keys.contains(&"w"), "{keys:?}");

    // Read-only: nothing that changes something.
    let mut m = daemons();
    m.info.read_only = true;
    let keys = footer_keys(&m);
    for k in ["s", "x", "R", "g", "p", "w"] {
        assert!(!keys.contains(&k), "{k}: {keys:?}");
    }
    assert!(keys.contains(&"q") && keys.contains(&"?"));

    // Esc still comes right after quit and help when there is something to close.
    let mut m = daemons();
    m.expanded = true;
    assert_eq!(&footer_keys(&m)[..5], ["q", "?", "Esc", "x", "R"]);
}

#[test]
fn the_overlays_have_footers_of_their_own() {
    let text = |m: &Model| {
        let buf = crate::buffer(m);
        let y = buf.area.height - 1;
        (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect::<String>()
    };
    let mut m = daemons();
    let f = text(&m);
    assert!(f.contains("x stop") && f.contains("R restart"), "{f}");
    assert!(!f.contains("s start"), "{f}");
    m.overlay = Overlay::PinPrompt;
    assert!(text(&m).contains("Enter pin  Esc cancel"), "{}", text(&m));
    m.overlay = Overlay::WizardMenu;
    let f = text(&m);
    assert!(
        f.contains("b backend  v vfs  m monitoring  Esc cancel"),
        "{f}"
    );
    m.overlay = Overlay::Confirm(Confirm::Unpin { cid: CID_V0.into() });
    assert!(text(&m).contains("y yes  n/Esc no"));
    // Even at 80 columns the Daemons tab's keys are in the footer.
    let m = model_daemons(80, 24, Theme::default());
    let f = text(&m);
    assert!(f.contains("x stop") && f.contains("R restart"), "{f}");
}
