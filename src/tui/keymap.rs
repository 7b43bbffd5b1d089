//! The keymap as data: one table drives key handling, the footer and the help overlay, and
//! says which actions are disabled right now and why.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::analysis::AuditRange;
use super::model::{Model, Overlay, Tab, ZOOMS};
use crate::model::DaemonState;

/// What a key asks for in the normal mode (no overlay open).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NextTab,
    PrevTab,
    /// Tab by number, 1-based.
    GoTab(u32),
    /// The Fleet tab (`F`).
    GoFleet,
    /// The Fleet tab's next order.
    FleetSort,
    FocusLeft,
    FocusRight,
    FocusUp,
    FocusDown,
    Expand,
    Help,
    Filter,
    Freeze,
    ZoomIn,
    ZoomOut,
    Refresh,
    RepoGc,
    DaemonStart,
    DaemonStop,
    DaemonRestart,
    /// Jump to the newest log line and follow the log.
    Follow,
    Acknowledge,
    PinAdd,
    Unpin,
    Wizard,
    /// The Audit tab's time range: one step shorter / longer.
    RangeShorter,
    RangeLonger,
    ScrollUp,
    ScrollDown,
    Close,
    Quit,
}

/// A key as the keymap names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A character, whatever Shift says (`+` and `?` come shifted on most layouts).
    Char(char),
    /// Ctrl and a letter.
    Ctrl(char),
    Code(KeyCode),
    /// Any of `0`-`9`.
    Digit,
}

impl Key {
    fn matches(self, ev: &KeyEvent) -> Option<Option<u32>> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        match (self, ev.code) {
            (Key::Ctrl(c), KeyCode::Char(k)) if ctrl && k.eq_ignore_ascii_case(&c) => Some(None),
            (Key::Char(c), KeyCode::Char(k)) if !ctrl && !alt && k == c => Some(None),
            (Key::Digit, KeyCode::Char(k)) if !ctrl && !alt && k.is_ascii_digit() => {
                Some(k.to_digit(10))
            }
            (Key::Code(c), code) if !ctrl && !alt && code == c => Some(None),
            _ => None,
        }
    }
}

/// One line of the keymap.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// Keys and what each does; all belong to one family (shown on one help line).
    pub keys: &'static [(Key, Action)],
    /// The keys as the help shows them.
    pub label: &'static str,
    /// The key as the footer shows it, and the footer's word; `None` keeps it out of the footer.
    pub footer: Option<(&'static str, &'static str)>,
    /// What it does, for the help.
    pub help: &'static str,
}

impl Binding {
    /// The action that stands for the whole line when judging whether it is enabled.
    pub fn action(&self) -> Action {
        self.keys[0].1
    }
}

use Action as A;
use KeyCode as C;

/// The whole keymap, in help order.
pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[
            (Key::Code(C::Tab), A::NextTab),
            (Key::Code(C::BackTab), A::PrevTab),
        ],
        label: "Tab / Shift-Tab",
        footer: Some(("Tab", "tabs")),
        help: "next / previous tab",
    },
    Binding {
        keys: &[(Key::Digit, A::GoTab(0))],
        label: "1-9, 0",
        footer: None,
        help: "go to a tab by its number (9: Performance, 0: Audit)",
    },
    Binding {
        keys: &[
            (Key::Code(C::Left), A::FocusLeft),
            (Key::Char('h'), A::FocusLeft),
            (Key::Code(C::Down), A::FocusDown),
            (Key::Char('j'), A::FocusDown),
            (Key::Code(C::Up), A::FocusUp),
            (Key::Char('k'), A::FocusUp),
            (Key::Code(C::Right), A::FocusRight),
            (Key::Char('l'), A::FocusRight),
        ],
        label: "arrows / h j k l",
        footer: Some(("hjkl", "focus")),
        help: "move the focus between widgets",
    },
    Binding {
        keys: &[
            (Key::Code(C::Enter), A::Expand),
            (Key::Char('e'), A::Expand),
        ],
        label: "Enter / e",
        footer: Some(("e", "expand")),
        help: "expand the focused widget (again to shrink it); Fleet tab: show the node",
    },
    Binding {
        keys: &[(Key::Char('?'), A::Help)],
        label: "?",
        footer: Some(("?", "help")),
        help: "this help",
    },
    Binding {
        keys: &[(Key::Char('/'), A::Filter)],
        label: "/",
        footer: Some(("/", "filter")),
        help: "filter the lists; on Audit by field: user=bob status=failed details.cid=... text",
    },
    Binding {
        keys: &[
            (Key::Char('['), A::RangeShorter),
            (Key::Char(']'), A::RangeLonger),
        ],
        label: "[ / ]",
        footer: Some(("[]", "range")),
        help: "Audit tab: a shorter / longer time range (1h, 24h, 7d, 30d, all)",
    },
    Binding {
        keys: &[(Key::Char('f'), A::Freeze)],
        label: "f",
        footer: Some(("f", "freeze")),
        help: "freeze the screen (new data is held) / resume",
    },
    Binding {
        keys: &[(Key::Char('+'), A::ZoomIn), (Key::Char('='), A::ZoomIn)],
        label: "+",
        footer: Some(("+-", "zoom")),
        help: "zoom in: a shorter time window",
    },
    Binding {
        keys: &[(Key::Char('-'), A::ZoomOut), (Key::Char('_'), A::ZoomOut)],
        label: "-",
        footer: None,
        help: "zoom out: a longer time window",
    },
    Binding {
        keys: &[(Key::Char('r'), A::Refresh)],
        label: "r",
        footer: Some(("r", "refresh")),
        help: "poll every source now",
    },
    Binding {
        keys: &[(Key::Char('g'), A::RepoGc)],
        label: "g",
        footer: Some(("g", "gc")),
        help: "garbage-collect the Kubo repo (asks first)",
    },
    Binding {
        keys: &[(Key::Char('s'), A::DaemonStart)],
        label: "s",
        footer: Some(("s", "start")),
        help: "start the selected daemon (Daemons tab; asks first)",
    },
    Binding {
        keys: &[(Key::Char('x'), A::DaemonStop)],
        label: "x",
        footer: Some(("x", "stop")),
        help: "stop the selected daemon (asks first)",
    },
    Binding {
        keys: &[(Key::Char('R'), A::DaemonRestart)],
        label: "R",
        footer: Some(("R", "restart")),
        help: "restart the selected daemon (asks first)",
    },
    Binding {
        keys: &[(Key::Char('G'), A::Follow), (Key::Code(C::End), A::Follow)],
        label: "G / End",
        footer: Some(("G", "follow")),
        help: "jump to the newest log line and follow the log",
    },
    Binding {
        keys: &[(Key::Char('a'), A::Acknowledge)],
        label: "a",
        footer: Some(("a", "ack")),
        help: "acknowledge the selected alert (Alerts tab)",
    },
    Binding {
        keys: &[(Key::Char('p'), A::PinAdd)],
        label: "p",
        footer: Some(("p", "pin")),
        help: "pin a CID (through Cluster when it answers, else Kubo)",
    },
    Binding {
        keys: &[(Key::Char('u'), A::Unpin)],
        label: "u",
        footer: Some(("u", "unpin")),
        help: "unpin the selected pin (Pins tab; asks first)",
    },
    Binding {
        keys: &[(Key::Char('w'), A::Wizard)],
        label: "w",
        footer: Some(("w", "wizard")),
        help: "run a setup wizard (backend, VFS, monitoring)",
    },
    Binding {
        keys: &[(Key::Char('F'), A::GoFleet)],
        label: "F",
        footer: None,
        help: "the Fleet tab: every node, Enter shows one on the whole dashboard, Esc back",
    },
    Binding {
        keys: &[(Key::Char('o'), A::FleetSort)],
        label: "o",
        footer: None,
        help: "Fleet tab: order by worst first, name, pins, peers, repo use, alerts",
    },
    Binding {
        keys: &[
            (Key::Code(C::PageUp), A::ScrollUp),
            (Key::Code(C::PageDown), A::ScrollDown),
        ],
        label: "PgUp / PgDn, wheel",
        footer: None,
        help: "scroll the focused list (wheel: the list under it)",
    },
    Binding {
        keys: &[(Key::Code(C::Esc), A::Close)],
        label: "Esc",
        footer: None,
        help: "close the overlay, shrink the widget, clear the filter, back from a fleet node",
    },
    Binding {
        keys: &[(Key::Char('q'), A::Quit), (Key::Ctrl('c'), A::Quit)],
        label: "q / Ctrl-C",
        footer: Some(("q", "quit")),
        help: "quit",
    },
];

/// The action a key stands for in the normal mode.
pub fn action_for(ev: &KeyEvent) -> Option<Action> {
    KEYMAP
        .iter()
        .flat_map(|b| b.keys.iter())
        .find_map(|(k, a)| {
            k.matches(ev).map(|digit| match (a, digit) {
                (A::GoTab(_), Some(d)) => A::GoTab(d),
                _ => *a,
            })
        })
}

/// Whether `action` can run now; `Err` says why not, in words for the help and the footer.
pub fn availability(m: &Model, action: Action) -> Result<(), String> {
    let read_only = || Err::<(), String>("read-only mode (--read-only)".into());
    match action {
        A::Refresh if m.frozen => Err("frozen: press f to resume first".into()),
        A::GoFleet | A::FleetSort if m.fleet.is_none() => {
            Err("no fleet ([[fleet.nodes]] in the config, or --connect twice)".into())
        }
        A::FleetSort if m.tab != Tab::Fleet => Err("only on the Fleet tab (F)".into()),
        A::RepoGc if m.viewing().is_some() => Err(format!(
            "showing fleet node {}: garbage collection is run on its own host",
            m.viewing().unwrap_or_default()
        )),
        A::RepoGc if m.info.read_only => read_only(),
        A::RepoGc if !m.kubo_up() => Err("Kubo is not answering".into()),
        A::RepoGc if m.running(GC_ACTION) => Err("a garbage collection is running".into()),
        A::DaemonStart | A::DaemonStop | A::DaemonRestart => daemon_action(m, action),
        A::Follow if m.tab != Tab::Daemons => Err("only for the log on the Daemons tab (6)".into()),
        A::Follow if m.log_follow => Err("already following the log".into()),
        A::Acknowledge if m.info.read_only => read_only(),
        A::Acknowledge => match m.selected_alert() {
            _ if m.tab != Tab::Alerts => Err("select an alert on the Alerts tab (7)".into()),
            None => Err("no alert selected".into()),
            Some(a) if !a.is_firing() => Err("the selected alert is not firing yet".into()),
            Some(a) if a.acknowledged => Err("the selected alert is already acknowledged".into()),
            Some(_) => Ok(()),
        },
        A::PinAdd if m.info.read_only => read_only(),
        A::PinAdd if !m.kubo_up() && !m.cluster_up() => {
            Err("neither Kubo nor Cluster is answering".into())
        }
        A::Unpin if m.info.read_only => read_only(),
        A::Unpin if m.tab != Tab::Pins => Err("select a pin on the Pins tab (8)".into()),
        A::Unpin if m.selected_pin().is_none() => Err("no pin selected".into()),
        A::Unpin if m.running(UNPIN_ACTION) => Err("an unpin is running".into()),
        A::Wizard if m.info.read_only => read_only(),
        A::ZoomIn if m.zoom == 0 => Err(format!(
            "already at the shortest window ({})",
            crate::tui::convert::window_label(ZOOMS[0])
        )),
        A::ZoomOut if m.zoom >= m.max_zoom() => Err(format!(
            "already showing all retained history ({})",
            crate::tui::convert::window_label(m.window())
        )),
        A::ScrollUp | A::ScrollDown if super::layout::focused(m).list().is_none() => {
            Err("the focused widget is not a list".into())
        }
        A::RangeShorter | A::RangeLonger if m.tab != Tab::Audit => {
            Err("only on the Audit tab (0)".into())
        }
        A::RangeShorter if m.analysis.query.range == AuditRange::ALL[0] => {
            Err("already at the shortest range (last 1h)".into())
        }
        A::RangeLonger if m.analysis.query.range == AuditRange::All => {
            Err("already analysing all history".into())
        }
        A::Close
            if m.overlay == Overlay::None
                && !m.expanded
                && m.filter.is_empty()
                && !audit_filter(m)
                && m.viewing().is_none() =>
        {
            Err("nothing to close".into())
        }
        _ => Ok(()),
    }
}

/// Start, stop and restart act on the daemon under the cursor of the Daemons tab.
fn daemon_action(m: &Model, action: Action) -> Result<(), String> {
    if m.info.read_only {
        return Err("read-only mode (--read-only)".into());
    }
    if let Some(why) = &m.info.no_supervisor {
        return Err(why.clone());
    }
    if m.tab != Tab::Daemons {
        return Err("select a daemon on the Daemons tab (6)".into());
    }
    let Some(d) = m.selected_daemon() else {
        return Err("no daemon selected".into());
    };
    if m.ops.iter().any(|o| {
        o.state == super::model::OpState::Running
            && o.action.starts_with("daemon.")
            && o.target == d.name
    }) {
        return Err(format!("an action on {} is running", d.name));
    }
    let running = d.state.is_running() || d.state == DaemonState::Stopping;
    match action {
        A::DaemonStart if running => Err(format!("{} is already running", d.name)),
        A::DaemonStop if !running && d.state != DaemonState::BackingOff => {
            Err(format!("{} is not running", d.name))
        }
        _ => Ok(()),
    }
}

/// The operation-history name of a repo GC.
pub const GC_ACTION: &str = "repo.gc";
/// ... of a pin and an unpin from the dashboard.
pub const PIN_ACTION: &str = "pin.add";
pub const UNPIN_ACTION: &str = "pin.remove";

/// Footer entries for the normal mode: `(key, word)` for the enabled actions: quit, help,
/// Esc, the tab's own keys, then the rest in keymap order.
pub fn footer(m: &Model) -> Vec<(&'static str, &'static str)> {
    // Quit and help matter most when the footer is cut: put them first. Then the keys that
    // act on the tab's selection, so a narrow footer still shows what this tab offers.
    let rank = |a: Action| match a {
        A::Quit => 0,
        A::Help => 1,
        A::DaemonStart
        | A::DaemonStop
        | A::DaemonRestart
        | A::Follow
        | A::Acknowledge
        | A::Unpin
        | A::RangeShorter
        | A::RangeLonger => 3,
        _ => 4,
    };
    let mut out: Vec<(u8, (&'static str, &'static str))> = Vec::new();
    if m.expanded || !m.filter.is_empty() || audit_filter(m) {
        out.push((
            2,
            ("Esc", if m.expanded { "shrink" } else { "clear filter" }),
        ));
    }
    out.extend(
        KEYMAP
            .iter()
            .filter(|b| availability(m, b.action()).is_ok())
            .filter_map(|b| b.footer.map(|f| (rank(b.action()), f))),
    );
    out.sort_by_key(|(r, _)| *r);
    out.into_iter().map(|(_, f)| f).collect()
}

fn audit_filter(m: &Model) -> bool {
    m.tab == Tab::Audit && !m.analysis.query.filter.is_empty()
}

/// Help lines: keys, description, and why it is disabled now (if it is).
pub fn help_lines(m: &Model) -> Vec<(&'static str, &'static str, Option<String>)> {
    KEYMAP
        .iter()
        .map(|b| {
            let why = match b.action() {
                // Inside the help Esc closes it; judge the rest as if the help were closed.
                A::Close => None,
                a => availability(m, a).err(),
            };
            (b.label, b.help, why)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn keys_resolve() {
        let none = KeyModifiers::NONE;
        assert_eq!(action_for(&key(C::Char('7'), none)), Some(A::GoTab(7)));
        assert_eq!(action_for(&key(C::Char('0'), none)), Some(A::GoTab(0)));
        assert_eq!(
            action_for(&key(C::Char('+'), KeyModifiers::SHIFT)),
            Some(A::ZoomIn)
        );
        assert_eq!(
            action_for(&key(C::Char('c'), KeyModifiers::CONTROL)),
            Some(A::Quit)
        );
        assert_eq!(action_for(&key(C::Char('r'), KeyModifiers::CONTROL)), None);
        assert_eq!(
            action_for(&key(C::BackTab, KeyModifiers::SHIFT)),
            Some(A::PrevTab)
        );
    }

    #[test]
    fn labels_are_ascii() {
        for b in KEYMAP {
            assert!(b.label.is_ascii() && b.help.is_ascii(), "{}", b.label);
            if let Some((k, w)) = b.footer {
                assert!(k.is_ascii() && w.is_ascii());
            }
        }
    }
}
