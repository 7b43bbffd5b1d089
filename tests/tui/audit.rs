//! The Audit tab: its keys through `update` (filter, time range, the selection carried over
//! from the Operations tab, pausing the worker), and the tab drawn from a fixed history
//! (TestBackend snapshots; the view is computed here as the worker would).

use std::sync::Arc;

use chrono::Duration;
use crossterm::event::KeyCode;
use ipfs_kit::tui::analysis::compute::compute;
use ipfs_kit::tui::analysis::{AuditQuery, AuditRange, AuditView, Report, SelectedOp, worker};
use ipfs_kit::tui::model::{ListKind, Overlay};
use ipfs_kit::tui::{Command, Model, Msg, Tab, update};
use ipfs_kit_audit::time::Local;
use ipfs_kit_audit::{Index, Loader};
use ipfs_kit_widgets::Theme;

use crate::fixtures::{self, now};
use crate::{ch, key, terminal, text};

const BAD_CID: &str = "notacid";

/// One history line in ipfs-kit's schema, `mins` before the fixtures' now.
fn line(n: usize, mins: i64, action: &str, resource: &str, status: &str, error: &str) -> String {
    let t = now() - Duration::minutes(mins);
    let details = if error.is_empty() {
        "{}".to_string()
    } else {
        format!(r#"{{"error":"{error}"}}"#)
    };
    let (rtype, etype) = if action.starts_with("pin") {
        ("pin", "data")
    } else {
        ("daemon", "system")
    };
    format!(
        r#"{{"event_id":"ev-{n}","operation_id":"op-{n}","session_id":"s1","timestamp":"{}","duration_ms":40,"event_type":"{etype}","action":"{action}","resource":"{resource}","resource_type":"{rtype}","user_id":"ops","status":"{status}","details":{details}}}"#,
        t.to_rfc3339()
    )
}

/// A week of history: pins every few hours, a daemon restart a day, and at the end four
/// failed pins of a bad CID and a crash loop.
pub fn history() -> Vec<String> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut push = |mins: i64, action: &str, res: &str, status: &str, err: &str| {
        n += 1;
        out.push(line(n, mins, action, res, status, err));
    };
    for h in (2..7 * 24).rev().step_by(5) {
        push(h * 60 + 7, "pin.add", &format!("bafy{h:04}"), "ok", "");
        if h % 24 == 9 {
            push(h * 60, "daemon.restart", "kubo", "ok", "");
        }
    }
    for i in 0..4 {
        push(50 - i, "pin.add", BAD_CID, "failed", "invalid CID: notacid");
    }
    for i in 0..3 {
        push(30 - i, "daemon.crash", "kubo", "failed", "exit 2");
    }
    out
}

fn index() -> Index {
    let mut l = Loader::new();
    let lines = history();
    l.read_lines("history.jsonl", lines.iter().map(String::as_str));
    l.finish().0
}

/// The view the worker would send for `q`.
fn view(q: &AuditQuery) -> Arc<AuditView> {
    let mut v = compute(
        &index(),
        q,
        now(),
        Local::UTC,
        (22, 6),
        &worker::policy(None),
    );
    v.sources = 1;
    v.took_ms = 12;
    Arc::new(v)
}

/// The model on the Operations tab with the history file's entries loaded.
fn with_history(w: u16, h: u16) -> Model {
    let mut m = fixtures::model_with(fixtures::snapshot(), w, h, Theme::default());
    // Only the file's entries: session actions would sit on top of the list.
    m.ops.clear();
    let entries: Vec<ipfs_kit::ophistory::OpEntry> = history()
        .iter()
        .rev()
        .map(|l| serde_json::from_str(l).expect("history line"))
        .collect();
    update(&mut m, Msg::Audit(entries));
    m
}

/// The Audit tab with its analysis done.
fn audit_model(w: u16, h: u16) -> Model {
    let mut m = with_history(w, h);
    let cmds = ch(&mut m, '0');
    assert_eq!(m.tab, Tab::Audit);
    let Some(Command::Analyse(Some(q))) = cmds.first() else {
        panic!("opening the tab asks for the analysis: {cmds:?}")
    };
    update(&mut m, Msg::Analysis(Report::Done(view(q))));
    m
}

#[test]
fn number_keys_and_tab_bar() {
    let mut m = fixtures::model(120, 40);
    ch(&mut m, '0');
    assert_eq!(m.tab, Tab::Audit);
    ch(&mut m, '9');
    assert_eq!(m.tab, Tab::Performance);
    ch(&mut m, '0');
    let s = text(&crate::buffer(&m));
    assert!(s.contains("[0 Audit]"), "{s}");
}

#[test]
fn opening_asks_leaving_pauses_and_reopening_asks_again() {
    let mut m = with_history(120, 40);
    let cmds = ch(&mut m, '0');
    assert!(
        matches!(&cmds[..], [Command::Analyse(Some(q))] if *q == AuditQuery::default()),
        "{cmds:?}"
    );
    assert!(m.analysis.busy);
    assert_eq!(ch(&mut m, '1'), vec![Command::Analyse(None)]);
    assert!(ch(&mut m, '2').is_empty());
    let cmds = ch(&mut m, '0');
    assert!(matches!(&cmds[..], [Command::Analyse(Some(_))]), "{cmds:?}");
}

#[test]
fn range_keys_step_and_stop_at_the_ends() {
    let mut m = audit_model(120, 40);
    assert_eq!(m.analysis.query.range, AuditRange::All);
    ch(&mut m, ']');
    assert!(m.flash.as_deref().unwrap_or("").contains("all history"));
    let cmds = ch(&mut m, '[');
    assert_eq!(m.analysis.query.range, AuditRange::Month);
    assert!(
        matches!(&cmds[..], [Command::Analyse(Some(q))] if q.range == AuditRange::Month),
        "{cmds:?}"
    );
    for _ in 0..5 {
        ch(&mut m, '[');
    }
    assert_eq!(m.analysis.query.range, AuditRange::Hour);
    assert!(m.flash.as_deref().unwrap_or("").contains("shortest"));
    // Elsewhere the keys say where they work.
    ch(&mut m, '1');
    ch(&mut m, '[');
    assert!(m.flash.as_deref().unwrap_or("").contains("Audit tab"));
    assert_eq!(m.analysis.query.range, AuditRange::Hour);
}

#[test]
fn filter_is_typed_then_applied_with_enter_and_cleared_with_esc() {
    let mut m = audit_model(120, 40);
    ch(&mut m, '/');
    assert_eq!(m.overlay, Overlay::Filter);
    let mut cmds = Vec::new();
    for c in "status=failed".chars() {
        cmds.extend(ch(&mut m, c));
    }
    // Typing asks nothing (each run reads the whole history) and leaves the lists' filter.
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(m.filter, "");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(m.analysis.query.filter, "status=failed");
    assert!(matches!(&cmds[..], [Command::Analyse(Some(q))] if q.filter == "status=failed"));
    // The status line names the range and the filter while the new result is awaited.
    let s = text(&crate::buffer(&m));
    assert!(
        s.contains(
            "Audit of all history, filter \"status=failed\": analysing… (showing the result"
        ),
        "{s}"
    );
    // `/` again starts from the filter in force; Esc clears it and asks again.
    ch(&mut m, '/');
    assert_eq!(m.analysis.input, "status=failed");
    let cmds = key(&mut m, KeyCode::Esc);
    assert_eq!(m.analysis.query.filter, "");
    assert!(matches!(&cmds[..], [Command::Analyse(Some(q))] if q.filter.is_empty()));
    // Esc outside the prompt clears an applied filter too.
    ch(&mut m, '/');
    ch(&mut m, 'x');
    key(&mut m, KeyCode::Enter);
    let cmds = key(&mut m, KeyCode::Esc);
    assert_eq!(m.analysis.query.filter, "");
    assert_eq!(cmds.len(), 1, "{cmds:?}");
}

#[test]
fn the_operations_selection_is_what_the_tab_analyses() {
    let mut m = with_history(120, 40);
    ch(&mut m, '5');
    // The list is the only panel: down moves its cursor.
    key(&mut m, KeyCode::Down);
    assert_eq!(m.cursor.get(&ListKind::History), Some(&1));
    let sel = m.selected_op().expect("a history row is selected");
    // Newest first: the second newest line is the second crash.
    assert_eq!(sel.label, "daemon.crash kubo");
    let cmds = ch(&mut m, '0');
    assert!(
        matches!(&cmds[..], [Command::Analyse(Some(q))] if q.selected.as_ref() == Some(&sel)),
        "{cmds:?}"
    );
}

fn failed_pin_selected(w: u16, h: u16) -> Model {
    let mut m = with_history(w, h);
    ch(&mut m, '5');
    // The newest failed pin: three rows down (the three crashes are newer).
    for _ in 0..3 {
        key(&mut m, KeyCode::Down);
    }
    assert_eq!(
        m.selected_op().map(|s| s.label),
        Some(format!("pin.add {BAD_CID}"))
    );
    let cmds = ch(&mut m, '0');
    let Some(Command::Analyse(Some(q))) = cmds.first() else {
        panic!("{cmds:?}")
    };
    update(&mut m, Msg::Analysis(Report::Done(view(q))));
    m
}

#[test]
fn selected_operation_shows_related_events_timeline_and_causes() {
    let m = failed_pin_selected(120, 40);
    let sel = m
        .analysis
        .view
        .as_ref()
        .and_then(|v| v.selected.clone())
        .expect("selected view");
    assert!(sel.found);
    // The three other failed pins of the same CID are related to it.
    let related: Vec<&str> = sel.correlated.iter().map(|e| e.label.as_str()).collect();
    assert!(
        related.iter().filter(|l| l.contains(BAD_CID)).count() >= 3,
        "{related:?}"
    );
    assert_eq!(sel.timeline.len(), 1);
    let s = text(&crate::buffer(&m));
    assert!(s.contains(&format!("Operation pin.add {BAD_CID}")), "{s}");
    assert!(s.contains("related"), "{s}");
}

#[test]
fn counts_patterns_and_compliance_from_the_fixed_history() {
    let m = audit_model(120, 40);
    let v = m.analysis.view.as_ref().expect("view");
    let lines = history().len();
    assert_eq!((v.loaded, v.in_scope, v.failures), (lines, lines, 7));
    assert_eq!(v.week.iter().flatten().sum::<u64>(), lines as u64);
    let ids: Vec<&str> = v.patterns.iter().map(|p| p.id.as_str()).collect();
    assert!(ids.contains(&"daemon_crash_loop"), "{ids:?}");
    assert!(v.compliance.is_some(), "{:?}", v.policy_error);
    let s = text(&crate::buffer(&m));
    assert!(
        s.contains(&format!(
            "Audit of all history: {lines} of {lines} events, 7 failed"
        )),
        "{s}"
    );
    assert!(s.contains("/100"), "{s}");
}

#[test]
fn a_filter_narrows_every_panel() {
    let q = AuditQuery {
        filter: "action=pin.add status=failed".into(),
        ..AuditQuery::default()
    };
    let v = view(&q);
    assert_eq!((v.in_scope, v.failures), (4, 4));
    assert_eq!(v.week.iter().flatten().sum::<u64>(), 4);
    let bad = view(&AuditQuery {
        filter: "colour=red".into(),
        ..AuditQuery::default()
    });
    assert!(
        bad.filter_error
            .as_deref()
            .unwrap_or("")
            .contains("unknown field")
    );
    // The last hour holds only the failures at the end.
    let hour = view(&AuditQuery {
        range: AuditRange::Hour,
        ..AuditQuery::default()
    });
    assert_eq!(hour.in_scope, 7);
}

#[test]
fn outside_text_is_sanitised() {
    let mut m = audit_model(120, 40);
    let mut v = (**m.analysis.view.as_ref().expect("view")).clone();
    v.patterns[0].description = "evil \u{1b}[2J\u{202e}text".into();
    v.policy_error = Some("p.toml:3:7: bad \u{7}value".into());
    m.analysis.view = Some(Arc::new(v));
    let s = text(&crate::buffer(&m));
    assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}') && !s.contains('\u{7}'));
    assert!(
        s.contains("Audit policy not used: p.toml:3:7: bad ?value"),
        "{s}"
    );
}

#[test]
fn audit_120x40() {
    let m = failed_pin_selected(120, 40);
    insta::assert_snapshot!("audit_120x40", terminal(&m).backend());
}

#[test]
fn audit_80x24() {
    let m = audit_model(80, 24);
    insta::assert_snapshot!("audit_80x24", terminal(&m).backend());
}

#[test]
fn audit_analysing_80x24() {
    let mut m = with_history(80, 24);
    ch(&mut m, '0');
    insta::assert_snapshot!("audit_analysing_80x24", terminal(&m).backend());
}

#[test]
fn audit_ascii_120x40() {
    let mut m = audit_model(120, 40);
    m.theme = Theme::ascii();
    let s = text(&crate::buffer(&m));
    assert!(s.is_ascii(), "{s}");
}

#[test]
fn selected_op_from_the_session_only_is_none() {
    let mut m = fixtures::model(120, 40);
    ch(&mut m, '5');
    // The fixtures' session ops are not in a history file: nothing to analyse.
    assert_eq!(m.selected_op(), None::<SelectedOp>);
}
