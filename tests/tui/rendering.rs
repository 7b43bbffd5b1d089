//! Every tab at 80x24 and 120x40, overlays, the too-small screen, ASCII and monochrome, and
//! the colours of warning and critical states.

use ipfs_kit::tui::Tab;
use ipfs_kit::tui::model::{Overlay, Panel};
use ipfs_kit_widgets::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::fixtures::{self, model, model_with};
use crate::{buffer, terminal, text};

fn snap_tab(tab: Tab, w: u16, h: u16) {
    let mut m = model(w, h);
    m.tab = tab;
    let name = format!("{}_{w}x{h}", tab.title().to_lowercase());
    insta::assert_snapshot!(name, terminal(&m).backend());
}

#[test]
fn overview_80x24() {
    snap_tab(Tab::Overview, 80, 24);
}
#[test]
fn overview_120x40() {
    snap_tab(Tab::Overview, 120, 40);
}
#[test]
fn node_80x24() {
    snap_tab(Tab::Node, 80, 24);
}
#[test]
fn node_120x40() {
    snap_tab(Tab::Node, 120, 40);
}
#[test]
fn cluster_80x24() {
    snap_tab(Tab::Cluster, 80, 24);
}
#[test]
fn cluster_120x40() {
    snap_tab(Tab::Cluster, 120, 40);
}
#[test]
fn host_80x24() {
    snap_tab(Tab::Host, 80, 24);
}
#[test]
fn host_120x40() {
    snap_tab(Tab::Host, 120, 40);
}
#[test]
fn operations_80x24() {
    snap_tab(Tab::Operations, 80, 24);
}
#[test]
fn operations_120x40() {
    snap_tab(Tab::Operations, 120, 40);
}

#[test]
fn too_small_says_how_big_it_must_be() {
    let m = model(50, 12);
    let t = terminal(&m);
    insta::assert_snapshot!("too_small_50x12", t.backend());
    // Where the sentence fits on one line, it is one line.
    let m = model(59, 15);
    let s = text(&buffer(&m));
    assert!(
        s.contains("terminal too small: need at least 60×16, have 59×15"),
        "{s}"
    );
    // ASCII mode says it in ASCII.
    let m = model_with(fixtures::snapshot(), 59, 16, Theme::ascii());
    let s = text(&buffer(&m));
    assert!(s.contains("need at least 60x16, have 59x16"), "{s}");
    assert!(s.is_ascii());
}

#[test]
fn kubo_down_is_explained_in_plain_words() {
    for (w, h) in [(80, 24), (120, 40)] {
        let m = model_with(fixtures::snapshot_down(), w, h, Theme::default());
        let t = terminal(&m);
        insta::assert_snapshot!(format!("kubo_down_{w}x{h}"), t.backend());
        let s = text(&buffer(&m))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            s.contains("Kubo is not answering at http://127.0.0.1:5001 (Connection refused (os error 111)). Start it with `ipfs daemon`, or set IPFS_KIT_KUBO_API / [kubo] api in ~/.config/ipfs-kit/config.toml."),
            "{s}"
        );
        // Host data is still there.
        assert!(s.contains("Host ✔ ok"), "{s}");
    }
    // The Node tab says it too.
    let mut m = model_with(fixtures::snapshot_down(), 120, 40, Theme::default());
    m.tab = Tab::Node;
    let s = text(&buffer(&m));
    assert!(s.contains("Kubo is not answering"), "{s}");
    // The header's word: whether it runs is not known from here.
    assert!(s.contains("State   ✖ down"), "{s}");
}

#[test]
fn help_overlay_lists_the_keymap_and_greys_what_is_disabled() {
    let mut m = model(80, 24);
    m.info.read_only = true;
    m.overlay = Overlay::Help;
    let t = terminal(&m);
    insta::assert_snapshot!("help_80x24", t.backend());
    let buf = buffer(&m);
    let s = text(&buf);
    assert!(
        s.contains("(disabled: read-only mode (--read-only))"),
        "{s}"
    );
    // The disabled line is dimmed.
    let (x, y) = find(&buf, "garbage-collect").expect("gc line");
    assert!(buf[(x, y)].modifier.contains(Modifier::DIM));
    let (x, y) = find(&buf, "poll every source").expect("refresh line");
    assert!(!buf[(x, y)].modifier.contains(Modifier::DIM));
}

#[test]
fn help_overlay_120x40() {
    let mut m = model(120, 40);
    m.overlay = Overlay::Help;
    insta::assert_snapshot!("help_120x40", terminal(&m).backend());
}

#[test]
fn filter_prompt_and_frozen_header() {
    let mut m = model(120, 40);
    m.tab = Tab::Cluster;
    m.overlay = Overlay::Filter;
    m.filter = "ipfs-2".into();
    m.frozen = true;
    m.pending = Some(m.snap.clone());
    let buf = buffer(&m);
    let s = text(&buf);
    assert!(s.contains("FROZEN, new data held"), "{s}");
    assert!(s.contains("filter: ipfs-2"), "{s}");
    assert!(s.contains("filter \"ipfs-2\": 1 of 2"), "{s}");
    assert!(
        !s.contains("✔ ok      ipfs-1"),
        "the other peer is filtered out:\n{s}"
    );
    assert!(s.contains("✖ error   ipfs-2"), "{s}");
    insta::assert_snapshot!("cluster_filtered_frozen_120x40", terminal(&m).backend());
}

#[test]
fn expanded_widget_fills_the_body() {
    let mut m = model(120, 40);
    m.focus[0] = Some(Panel::Heatmap);
    m.expanded = true;
    insta::assert_snapshot!("overview_heatmap_expanded_120x40", terminal(&m).backend());
}

#[test]
fn ascii_mode_draws_only_ascii() {
    for tab in Tab::ALL {
        for (w, h) in [(80, 24), (120, 40), (200, 50)] {
            let mut m = model_with(fixtures::snapshot(), w, h, Theme::ascii());
            m.tab = tab;
            let s = text(&buffer(&m));
            assert!(s.is_ascii(), "{tab:?} {w}x{h}:\n{s}");
            m.overlay = Overlay::Help;
            assert!(text(&buffer(&m)).is_ascii());
        }
    }
    let m = model_with(fixtures::snapshot_down(), 80, 24, Theme::ascii());
    let s = text(&buffer(&m));
    assert!(s.is_ascii(), "{s}");
    assert!(s.contains("[XX] down"), "{s}");
    let m = model_with(fixtures::snapshot(), 120, 40, Theme::ascii());
    insta::assert_snapshot!("overview_ascii_120x40", terminal(&m).backend());
}

#[test]
fn monochrome_has_no_colour_and_keeps_the_words() {
    let m = model_with(fixtures::snapshot_alarm(), 120, 40, Theme::monochrome());
    let buf = buffer(&m);
    for cell in buf.content.iter() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    let s = text(&buf);
    for word in ["critical", "warning", "normal", "healthy", "degraded", "ok"] {
        assert!(s.contains(word), "{word} missing:\n{s}");
    }
    // Critical reads as reverse video without colour.
    let (x, y) = find(&buf, "95.0%").expect("cpu value");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
}

/// First position of `needle` (one char per cell).
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let chars: Vec<String> = needle.chars().map(|c| c.to_string()).collect();
    let a = buf.area;
    for y in 0..a.height {
        for x in 0..a.width {
            if chars.iter().enumerate().all(|(i, c)| {
                let cx = x + i as u16;
                cx < a.width && buf[(cx, y)].symbol() == c
            }) {
                return Some((x, y));
            }
        }
    }
    None
}

fn assert_fg(buf: &Buffer, needle: &str, color: Color) {
    let (x, y) =
        find(buf, needle).unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", text(buf)));
    for i in 0..needle.chars().count() as u16 {
        assert_eq!(buf[(x + i, y)].fg, color, "{needle:?} at {},{y}", x + i);
    }
}

#[test]
fn warning_and_critical_colours() {
    let m = model_with(fixtures::snapshot_alarm(), 120, 40, Theme::default());
    let buf = buffer(&m);
    // CPU 95% against 75/90: critical, red.
    assert_fg(&buf, "95.0%", Color::Red);
    assert_fg(&buf, "✖ critical", Color::Red);
    // Repo 90% of StorageMax against 80/95: warning, yellow.
    assert_fg(&buf, "90.0%", Color::Yellow);
    assert_fg(&buf, "▲ warning", Color::Yellow);
    // The header shows Kubo degraded (repo over 80%) in yellow.
    assert_fg(&buf, "▲ degraded", Color::Yellow);
    // Healthy things stay green.
    assert_fg(&buf, "✔ ok", Color::Green);

    let down = model_with(fixtures::snapshot_down(), 120, 40, Theme::default());
    let buf = buffer(&down);
    assert_fg(&buf, "✖ down", Color::Red);
    // The notice's marker carries the level; its words are plain.
    assert_fg(&buf, "✖", Color::Red);
}

#[test]
fn focused_panel_border_is_heavy_and_accented() {
    let mut m = model(120, 40);
    m.focus[0] = Some(Panel::Health);
    let buf = buffer(&m);
    let s = text(&buf);
    assert!(s.contains("┏"), "{s}");
    let (x, y) = find(&buf, "┏").expect("corner");
    assert_eq!(buf[(x, y)].fg, Color::Cyan);
    let mono = model_with(fixtures::snapshot(), 120, 40, Theme::ascii());
    let s = text(&buffer(&mono));
    assert!(
        s.contains('#'),
        "the focused panel shows in ASCII too:\n{s}"
    );
}

#[test]
fn every_size_from_tiny_to_huge_draws_without_panic() {
    // A resize storm, as one long sequence over a single model.
    let mut m = model(80, 24);
    for w in (1..=250).step_by(7) {
        for h in (1..=70).step_by(5) {
            m.size = (w, h);
            for tab in Tab::ALL {
                m.tab = tab;
                let _ = buffer(&m);
            }
        }
    }
    m.size = (250, 70);
    m.tab = Tab::Overview;
    let s = text(&buffer(&m));
    assert!(s.contains("Kubo bandwidth by hour"), "{s}");
}

/// A state dir that refuses writes is said on every tab, with what waits and what was lost.
#[test]
fn an_unwritable_state_dir_shows_a_status_line_on_every_tab() {
    let mut snap = fixtures::snapshot();
    snap.state_writes = ipfs_kit::model::StateWrites {
        failing: true,
        failed_total: 4,
        pending: 3,
        dropped_total: 1,
        last_error: Some(
            "cannot write history file /s/history.jsonl: No space left on device".into(),
        ),
        last_error_at: Some(fixtures::now()),
        path: Some("/s/history.jsonl".into()),
    };
    for tab in Tab::ALL {
        let mut m = model_with(snap.clone(), 160, 40, Theme::default());
        m.tab = tab;
        let screen = text(&buffer(&m));
        let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("History not saved: cannot write history file /s/history.jsonl: No space left on device. 3 entries wait in memory"),
            "{tab:?}:\n{screen}"
        );
        assert!(flat.contains("1 older entry dropped"), "{tab:?}:\n{screen}");
    }
    // Written again: the line goes.
    let m = model_with(fixtures::snapshot(), 160, 40, Theme::default());
    assert!(!text(&buffer(&m)).contains("History not saved"));
}
