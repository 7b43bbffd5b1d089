//! `update(&mut Model, Msg) -> Vec<Command>`: every input becomes a message, every effect a
//! command. No clocks, no I/O: the event loop stamps times and runs the commands, and their
//! results come back as messages.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::convert;
use super::keymap::{self, Action, GC_ACTION, PIN_ACTION, UNPIN_ACTION};
use super::layout::{self, Dir};
use super::model::{
    Confirm, DaemonAction, ListKind, LogTail, MAX_OPS, Model, OpEntry, OpState, Overlay, Panel,
    PinList, Tab, WizardChoice,
};
use crate::model::Snapshot;
use crate::tui::analysis::{AuditQuery, Report};

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
    /// The pin list, loaded.
    Pins(PinList),
    /// The tail of a daemon's log, read (again) because it changed.
    Log(LogTail),
    /// The newest entries of the operation history file.
    Audit(Vec<crate::ophistory::OpEntry>),
    /// The analysis worker started or finished a run for the Audit tab.
    Analysis(crate::tui::analysis::Report),
    /// The fleet's rows, as the watcher has them now.
    Fleet(Arc<Vec<crate::fleet::FleetRow>>),
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
    /// Start, stop or restart a supervised daemon, as op `op`.
    Daemon {
        op: u64,
        action: DaemonAction,
        name: String,
    },
    /// Pin `cid` (through Cluster when it answers, else Kubo), as op `op`.
    Pin {
        op: u64,
        cid: String,
    },
    /// Unpin `cid`, as op `op`.
    Unpin {
        op: u64,
        cid: String,
    },
    /// (Re)load the pin list.
    LoadPins,
    /// Read the tail of daemon `name`'s log at `path` if it changed since the last read.
    LoadLog {
        name: String,
        path: String,
    },
    /// Mark an alert acknowledged (the collector records it).
    Acknowledge {
        id: String,
    },
    /// Step aside and run a wizard on the terminal, as op `op`.
    Wizard {
        op: u64,
        kind: WizardChoice,
    },
    /// Ask the analysis worker for the Audit tab's view; `None` pauses it (tab left).
    Analyse(Option<AuditQuery>),
    /// Show fleet node `name` on the whole dashboard (its snapshots, keys acting on it);
    /// `None`: back to this dashboard's own node.
    View(Option<String>),
}

/// Applies one message. Sets `m.dirty` when the screen must be redrawn.
pub fn update(m: &mut Model, msg: Msg) -> Vec<Command> {
    let cmds = apply(m, msg);
    match m.viewing().map(str::to_string) {
        // A fleet node's pins, logs and repo are on its host: only its snapshots and the
        // API's actions come here.
        Some(node) => cmds
            .into_iter()
            .filter(|c| match c {
                Command::LoadPins => {
                    m.pins = PinList {
                        error: Some(format!(
                            "the pins of fleet node {node} are listed on its host (ipfs-kit --connect its URL); Esc comes back"
                        )),
                        ..PinList::default()
                    };
                    false
                }
                Command::LoadLog { .. } => false,
                _ => true,
            })
            .collect(),
        None => cmds,
    }
}

fn apply(m: &mut Model, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(k) => key(m, k),
        Msg::Mouse(ev) => mouse(m, ev),
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
            // A daemon's log is read again as it grows, while it is on screen.
            if m.tab == Tab::Daemons && !m.frozen {
                return load_log(m);
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
            let mut after = Vec::new();
            if let Some(op) = m.ops.iter_mut().find(|o| o.id == id) {
                // A pin change shows in the pin list.
                if op.action == PIN_ACTION || op.action == UNPIN_ACTION {
                    m.pins.loading = true;
                    after.push(Command::LoadPins);
                }
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
            after
        }
        Msg::Signal(_) => {
            m.quit = true;
            vec![Command::Quit]
        }
        Msg::Pins(list) => {
            m.pins = list;
            clamp_cursors(m);
            m.dirty = true;
            Vec::new()
        }
        Msg::Log(tail) => {
            let selected = m.selected_daemon().map(|d| d.name.clone());
            if selected.as_deref() == Some(tail.daemon.as_str()) && m.log.as_ref() != Some(&tail) {
                m.log = Some(tail);
                m.dirty = true;
            }
            Vec::new()
        }
        Msg::Audit(entries) => {
            if m.audit.as_ref() != Some(&entries) {
                m.audit = Some(entries);
                clamp_cursors(m);
                m.dirty = true;
            }
            Vec::new()
        }
        Msg::Analysis(Report::Busy(q)) => {
            m.analysis.busy = q == m.analysis.query;
            m.dirty |= m.tab == Tab::Audit;
            Vec::new()
        }
        Msg::Analysis(Report::Done(v)) => {
            m.analysis.busy = v.query != m.analysis.query;
            m.analysis.view = Some(v);
            m.dirty |= m.tab == Tab::Audit;
            Vec::new()
        }
        Msg::Fleet(rows) => {
            let f = m.fleet.get_or_insert_with(Default::default);
            if *f.rows != *rows {
                f.rows = rows;
                clamp_cursors(m);
                m.dirty |= m.tab == Tab::Fleet;
            }
            Vec::new()
        }
    }
}

/// Asks the worker for the Audit tab's current query, unless that was the last thing asked.
fn ask_analysis(m: &mut Model) -> Vec<Command> {
    if m.tab != Tab::Audit || m.analysis.asked.as_ref() == Some(&m.analysis.query) {
        return Vec::new();
    }
    m.analysis.asked = Some(m.analysis.query.clone());
    m.analysis.busy = true;
    m.dirty = true;
    vec![Command::Analyse(Some(m.analysis.query.clone()))]
}

/// Applies the Audit filter typed so far.
fn apply_audit_filter(m: &mut Model) -> Vec<Command> {
    m.analysis.query.filter = m.analysis.input.trim().to_string();
    ask_analysis(m)
}

/// Keeps every cursor on a row after the lists changed.
fn clamp_cursors(m: &mut Model) {
    for kind in [
        ListKind::Daemons,
        ListKind::ActiveAlerts,
        ListKind::Pins,
        ListKind::PerfOps,
        ListKind::History,
        ListKind::Fleet,
    ] {
        let len = convert::list_len(m, kind);
        if let Some(c) = m.cursor.get_mut(&kind) {
            *c = (*c).min(len.saturating_sub(1));
        }
    }
}

/// Asks for the selected daemon's log (the event loop skips an unchanged file).
fn load_log(m: &mut Model) -> Vec<Command> {
    let Some(d) = m.selected_daemon() else {
        if m.log.take().is_some() {
            m.dirty = true;
        }
        return Vec::new();
    };
    let (name, path) = (d.name.clone(), d.log.clone());
    if m.log.as_ref().is_some_and(|l| l.daemon != name) {
        m.log = None;
        m.dirty = true;
    }
    vec![Command::LoadLog { name, path }]
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
    clamp_cursors(m);
    m.dirty = true;
}

fn new_op(m: &mut Model, action: &str, target: &str, state: OpState) -> u64 {
    let id = m.next_op;
    m.next_op += 1;
    // View toggles stay in the session; actions on the node go to the history file too.
    let recorded = !matches!(action, "refresh" | "freeze" | "resume");
    m.ops.push_front(OpEntry {
        id,
        time: None,
        action: action.into(),
        target: target.into(),
        state,
        duration_ms: None,
        recorded,
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
            let max = super::render::help_max_scroll(m);
            let step = |by: isize, m: &mut Model| {
                m.help_scroll = m.help_scroll.min(max).saturating_add_signed(by).min(max);
                m.dirty = true;
            };
            match k.code {
                KeyCode::Esc | KeyCode::Char('?') => close_overlay(m),
                KeyCode::Down | KeyCode::Char('j') => step(1, m),
                KeyCode::Up | KeyCode::Char('k') => step(-1, m),
                KeyCode::PageDown | KeyCode::Char(' ') => step(10, m),
                KeyCode::PageUp => step(-10, m),
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
                confirmed(m, what)
            }
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                close_overlay(m);
                Vec::new()
            }
            _ => Vec::new(),
        },
        Overlay::PinPrompt => {
            m.dirty = true;
            match k.code {
                KeyCode::Enter => match crate::pins::parse_cid(&m.input) {
                    Ok(cid) => {
                        close_overlay(m);
                        m.input.clear();
                        let op = new_op(m, PIN_ACTION, &cid, OpState::Running);
                        return vec![Command::Pin { op, cid }];
                    }
                    Err(why) => m.flash = Some(why),
                },
                KeyCode::Esc => {
                    m.input.clear();
                    close_overlay(m);
                }
                KeyCode::Backspace => {
                    m.input.pop();
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    m.input.clear();
                }
                KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                    m.input.push(c);
                }
                _ => {}
            }
            Vec::new()
        }
        Overlay::WizardMenu => {
            let choice = WizardChoice::ALL
                .iter()
                .find(|(key, ..)| k.code == KeyCode::Char(*key))
                .map(|(_, w, _)| *w);
            match (choice, k.code) {
                (Some(kind), _) => {
                    close_overlay(m);
                    let op = new_op(
                        m,
                        &format!("wizard.{}", kind.as_str()),
                        "config",
                        OpState::Running,
                    );
                    vec![Command::Wizard { op, kind }]
                }
                (None, KeyCode::Esc | KeyCode::Char('q')) => {
                    close_overlay(m);
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        Overlay::Filter if m.tab == Tab::Audit => {
            // The Audit filter is a query (`user=alice status=failed`): applied on Enter,
            // as each run reads the whole history.
            m.dirty = true;
            match k.code {
                KeyCode::Enter => {
                    close_overlay(m);
                    return apply_audit_filter(m);
                }
                KeyCode::Esc => {
                    m.analysis.input.clear();
                    close_overlay(m);
                    return apply_audit_filter(m);
                }
                KeyCode::Backspace => {
                    m.analysis.input.pop();
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    m.analysis.input.clear();
                }
                KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                    m.analysis.input.push(c);
                }
                _ => {}
            }
            Vec::new()
        }
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

/// What a confirmed action does.
fn confirmed(m: &mut Model, what: Confirm) -> Vec<Command> {
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
        Confirm::Daemon { action, name } => {
            let op = new_op(
                m,
                &format!("daemon.{}", action.as_str()),
                &name,
                OpState::Running,
            );
            vec![Command::Daemon { op, action, name }]
        }
        Confirm::Unpin { cid } => {
            let op = new_op(m, UNPIN_ACTION, &cid, OpState::Running);
            vec![Command::Unpin { op, cid }]
        }
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
        Action::NextTab => return switch_tab(m, m.tab_step(1)),
        Action::PrevTab => return switch_tab(m, m.tab_step(-1)),
        Action::GoFleet => return switch_tab(m, Tab::Fleet),
        Action::FleetSort => {
            if let Some(f) = m.fleet.as_mut() {
                f.sort = f.sort.next();
                m.flash = Some(format!("fleet ordered by {}", f.sort.as_str()));
            }
        }
        Action::Expand if m.tab == Tab::Fleet => match m.selected_fleet_node() {
            Some(r) if r.last_seen.is_none() => {
                m.flash = Some(format!(
                    "fleet node {} has not answered yet{}",
                    r.name,
                    r.error
                        .as_deref()
                        .map_or(String::new(), |e| format!(": {e}"))
                ));
            }
            Some(r) => {
                let name = r.name.clone();
                return view_node(m, Some(name));
            }
            None => m.flash = Some("no fleet node selected".into()),
        },
        Action::GoTab(n) => match Tab::from_number(n) {
            Some(t) => return switch_tab(m, t),
            None => {
                m.flash = Some(format!(
                    "there is no tab {n} (tabs are {})",
                    Tab::keys_label()
                ))
            }
        },
        Action::FocusLeft => focus(m, Dir::Left),
        Action::FocusRight => focus(m, Dir::Right),
        Action::FocusUp => return up_down(m, -1),
        Action::FocusDown => return up_down(m, 1),
        Action::Expand => m.expanded = !m.expanded,
        Action::Help => {
            m.help_scroll = 0;
            m.overlay = Overlay::Help;
        }
        Action::Filter => {
            if m.tab == Tab::Audit {
                m.analysis.input = m.analysis.query.filter.clone();
            }
            m.overlay = Overlay::Filter;
        }
        Action::RangeShorter | Action::RangeLonger => {
            let by = if a == Action::RangeShorter { -1 } else { 1 };
            m.analysis.query.range = m.analysis.query.range.step(by);
            return ask_analysis(m);
        }
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
            let mut cmds = vec![Command::Refresh { op }];
            if m.tab == Tab::Pins {
                m.pins.loading = true;
                cmds.push(Command::LoadPins);
            }
            return cmds;
        }
        Action::RepoGc => m.overlay = Overlay::Confirm(Confirm::RepoGc),
        Action::DaemonStart | Action::DaemonStop | Action::DaemonRestart => {
            let action = match a {
                Action::DaemonStart => DaemonAction::Start,
                Action::DaemonStop => DaemonAction::Stop,
                _ => DaemonAction::Restart,
            };
            if let Some(d) = m.selected_daemon() {
                let name = d.name.clone();
                m.overlay = Overlay::Confirm(Confirm::Daemon { action, name });
            }
        }
        Action::Follow => m.log_follow = true,
        Action::Acknowledge => {
            if let Some(alert) = m.selected_alert() {
                let (id, rule) = (alert.id.clone(), alert.rule.clone());
                m.flash = Some(format!("acknowledged {rule}"));
                return vec![Command::Acknowledge { id }];
            }
        }
        Action::PinAdd => {
            m.input.clear();
            m.overlay = Overlay::PinPrompt;
        }
        Action::Unpin => {
            if let Some(p) = m.selected_pin() {
                let cid = p.cid.clone();
                m.overlay = Overlay::Confirm(Confirm::Unpin { cid });
            }
        }
        Action::Wizard => m.overlay = Overlay::WizardMenu,
        Action::ScrollUp => scroll(m, layout::focused(m), -page(m)),
        Action::ScrollDown => scroll(m, layout::focused(m), page(m)),
        Action::Close => {
            if m.expanded {
                m.expanded = false;
            } else if m.tab == Tab::Audit && !m.analysis.query.filter.is_empty() {
                m.analysis.input.clear();
                return apply_audit_filter(m);
            } else if !m.filter.is_empty() || m.viewing().is_none() {
                m.filter.clear();
                m.scroll.clear();
            } else {
                return view_node(m, None);
            }
        }
        Action::Quit => {
            m.quit = true;
            return vec![Command::Quit];
        }
    }
    Vec::new()
}

/// Switches the whole dashboard to fleet node `name` (`None`: back to its own): the event
/// loop swaps the snapshots and the actions; what was on screen of the other node goes.
fn view_node(m: &mut Model, name: Option<String>) -> Vec<Command> {
    let Some(f) = m.fleet.as_mut() else {
        return Vec::new();
    };
    if f.viewing == name {
        return Vec::new();
    }
    f.viewing.clone_from(&name);
    m.flash = Some(match &name {
        Some(n) => format!("showing fleet node {n}; Esc comes back"),
        None => "back to this dashboard's node".into(),
    });
    m.pins = PinList::default();
    m.log = None;
    m.cursor.retain(|k, _| *k == ListKind::Fleet);
    m.scroll.clear();
    // Entering: start on its Overview; coming back: on the Fleet tab it was left from.
    let tab = if name.is_some() {
        Tab::Overview
    } else {
        Tab::Fleet
    };
    let mut cmds = vec![Command::View(name)];
    cmds.extend(switch_tab(m, tab));
    cmds
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

/// Opens a tab; the Daemons tab reads the selected log, the Pins tab loads the pins, the
/// Audit tab asks for the analysis of the operation selected on the Operations tab (and
/// leaving it pauses the worker).
fn switch_tab(m: &mut Model, t: Tab) -> Vec<Command> {
    let left_audit = m.tab == Tab::Audit && t != Tab::Audit;
    // The selection is read while the Operations tab is still current (it has the cursor).
    let selected = (m.tab == Tab::Operations).then(|| m.selected_op());
    m.tab = t;
    m.expanded = false;
    if let Some(sel) = selected {
        m.analysis.query.selected = sel;
    }
    let mut cmds = Vec::new();
    if left_audit && m.analysis.asked.take().is_some() {
        m.analysis.busy = false;
        cmds.push(Command::Analyse(None));
    }
    cmds.extend(match t {
        Tab::Audit => ask_analysis(m),
        Tab::Daemons => load_log(m),
        Tab::Pins if !m.pins.loading => {
            m.pins.loading = true;
            vec![Command::LoadPins]
        }
        _ => Vec::new(),
    });
    cmds
}

/// Up and down: move the cursor of a focused list that has one (the focus at its edges),
/// scroll a focused log by a line (the focus above its top), else move the focus.
fn up_down(m: &mut Model, by: isize) -> Vec<Command> {
    let p = layout::focused(m);
    match p {
        Panel::List(ListKind::DaemonLog) => {
            // At the top of the log, up goes back to the daemons (focus is not trapped).
            if by < 0 && log_view(m).0 == 0 {
                focus(m, Dir::Up);
            } else {
                scroll_log(m, by);
            }
            Vec::new()
        }
        Panel::List(kind) if m.has_cursor(kind) => {
            let len = convert::list_len(m, kind);
            let cur = m.cursor.get(&kind).copied().unwrap_or(0);
            if (by < 0 && cur == 0) || (by > 0 && cur + 1 >= len) {
                focus(m, if by < 0 { Dir::Up } else { Dir::Down });
                return Vec::new();
            }
            let next = cur.saturating_add_signed(by).min(len.saturating_sub(1));
            m.cursor.insert(kind, next);
            keep_visible(m, kind, next);
            if kind == ListKind::Daemons {
                return load_log(m);
            }
            Vec::new()
        }
        _ => {
            focus(m, if by < 0 { Dir::Up } else { Dir::Down });
            Vec::new()
        }
    }
}

/// Scrolls a list so its cursor row is on screen.
fn keep_visible(m: &mut Model, kind: ListKind, row: usize) {
    let Some(area) = panel_area(m, Panel::List(kind)) else {
        return;
    };
    let rows = super::table::TableView::visible_rows(area).max(1);
    let off = m.scroll.get(&kind).copied().unwrap_or(0);
    let off = if row < off {
        row
    } else if row >= off + rows {
        row + 1 - rows
    } else {
        off
    };
    m.scroll.insert(kind, off);
}

fn panel_area(m: &Model, p: Panel) -> Option<ratatui::layout::Rect> {
    layout::plan(m)
        .panels()
        .find(|(q, _)| *q == p)
        .map(|(_, r)| *r)
}

/// The log view's first line shown and the first line of its last page.
fn log_view(m: &Model) -> (usize, usize) {
    let rows = panel_area(m, Panel::List(ListKind::DaemonLog))
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1));
    let total = super::lists::log_lines(m).len();
    let first = super::render::log_first_line(m, total, rows);
    (first, total.saturating_sub(rows))
}

/// Scrolls the log view; scrolling back stops following, reaching the end follows again.
fn scroll_log(m: &mut Model, by: isize) {
    let (first, last_page) = log_view(m);
    let next = first.saturating_add_signed(by).min(last_page);
    m.log_follow = next >= last_page;
    m.scroll.insert(ListKind::DaemonLog, next);
    m.dirty = true;
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
    if kind == ListKind::DaemonLog {
        scroll_log(m, by);
        return;
    }
    let len = convert::list_len(m, kind);
    let cur = m.scroll.get(&kind).copied().unwrap_or(0);
    let next = cur.saturating_add_signed(by).min(len.saturating_sub(1));
    if next != cur {
        m.scroll.insert(kind, next);
        m.dirty = true;
    }
}

fn mouse(m: &mut Model, ev: MouseEvent) -> Vec<Command> {
    if m.overlay != Overlay::None {
        return Vec::new();
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
                m.dirty = true;
                return switch_tab(m, t);
            } else if let Some(p) = layout::panel_at(m, ev.column, ev.row)
                && layout::focused(m) != p
            {
                m.focus[m.tab.index()] = Some(p);
                m.dirty = true;
            }
        }
        _ => {}
    }
    Vec::new()
}
