//! A server's text with escape sequences in every place the dashboard shows one (Kubo's
//! error, a Cluster peer's name, a daemon's message and log) reaches no cell as a control,
//! and is drawn without the sequences' remnants on any tab.

use ipfs_kit::tui::Tab;
use ipfs_kit_widgets::Theme;

use crate::fixtures::{self, model_with};
use crate::{terminal, text};

const HOSTILE: &str = "\u{1b}[2J\u{1b}[41mpwned\u{1b}]0;title\u{7} c1\u{9b}31m rtl\u{202e}x";

#[test]
fn hostile_server_text_is_drawn_clean_on_every_tab() {
    let mut s = fixtures::snapshot_daemons();
    s.kubo.error = Some(format!("HTTP 500 from api/v0/id: {HOSTILE}"));
    s.kubo
        .errors
        .insert("repo/stat".into(), format!("HTTP 500: {HOSTILE}"));
    if let Some(c) = s.cluster.data.as_mut() {
        c.peer_name = format!("peer{HOSTILE}");
        for p in &mut c.peers {
            p.peer_name = format!("peer{HOSTILE}");
        }
    }
    for d in &mut s.daemons {
        d.message = Some(format!("gave up: {HOSTILE}"));
        d.last_exit = Some(format!("exit code 1 {HOSTILE}"));
    }
    for tab in Tab::ALL {
        let mut m = model_with(s.clone(), 120, 40, Theme::default());
        m.tab = tab;
        let mut log = fixtures::kubo_log();
        log.lines.push(format!("ERROR {HOSTILE}"));
        m.log = Some(log);
        let t = terminal(&m);
        let buf = t.backend().buffer();
        for cell in &buf.content {
            let sym = cell.symbol();
            assert!(
                !sym.chars().any(|c| c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                "{tab:?}: cell {sym:?}"
            );
        }
        let screen = text(buf);
        for remnant in ["[2J", "[41m", "]0;title", "31m"] {
            assert!(
                !screen.contains(remnant),
                "{tab:?} shows {remnant:?}:\n{screen}"
            );
        }
    }
}
