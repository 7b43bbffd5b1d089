//! Snapshots of every widget at 80x24 and 120x40, a few in ASCII mode, and all of them small.

use ipfs_kit_widgets::{Draw, Theme};
use ratatui::{Terminal, backend::TestBackend, layout::Rect, widgets::Widget};

use crate::{fixtures, terminal, themed};

#[test]
fn every_widget_at_80x24_and_120x40() {
    for (name, view) in fixtures::all() {
        for (w, h) in [(80, 24), (120, 40)] {
            let t = terminal(view.as_ref(), &Theme::default(), w, h);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn ascii_mode() {
    let ascii = Theme::ascii();
    for (name, view) in fixtures::all() {
        if matches!(
            name,
            "status" | "health" | "history" | "sparkline" | "line_chart" | "heatmap"
        ) {
            let t = terminal(view.as_ref(), &ascii, 80, 24);
            insta::assert_snapshot!(format!("ascii_{name}_80x24"), t.backend());
        }
    }
}

#[test]
fn variants() {
    let theme = Theme::default();
    let cases: Vec<(&str, Box<dyn Draw>)> = vec![
        ("status_stopped", Box::new(fixtures::status_stopped())),
        ("metric_free_space", Box::new(fixtures::metric_free_space())),
        ("bars_free_space", Box::new(fixtures::bars_free_space())),
        (
            "history_filtered",
            Box::new(ipfs_kit_widgets::history::HistoryView {
                filter: "PIN".into(),
                selected: Some(5),
                ..fixtures::history()
            }),
        ),
    ];
    for (name, view) in cases {
        let t = terminal(view.as_ref(), &theme, 80, 12);
        insta::assert_snapshot!(format!("{name}_80x12"), t.backend());
    }
}

/// Each widget in a 40x4 box, a 40x2 box and on a single 40-cell row: how they degrade.
#[test]
fn small_areas() {
    let theme = Theme::default();
    let views = fixtures::all();
    let per = 4 + 2 + 1 + 1;
    let height = u16::try_from(views.len()).expect("few views") * per;
    let mut terminal = Terminal::new(TestBackend::new(40, height)).expect("test backend");
    terminal
        .draw(|frame| {
            let buf = frame.buffer_mut();
            for (i, (_, view)) in views.iter().enumerate() {
                let y = u16::try_from(i).expect("few views") * per;
                themed(view.as_ref(), &theme).render(Rect::new(0, y, 40, 4), buf);
                themed(view.as_ref(), &theme).render(Rect::new(0, y + 4, 40, 2), buf);
                themed(view.as_ref(), &theme).render(Rect::new(0, y + 6, 40, 1), buf);
            }
        })
        .expect("draw");
    insta::assert_snapshot!("small_areas", terminal.backend());
}

#[test]
fn overview_200x50() {
    let overview = fixtures::Overview::new();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    terminal
        .draw(|frame| overview.render(frame.area(), frame.buffer_mut(), &Theme::default()))
        .expect("draw");
    insta::assert_snapshot!("overview_200x50", terminal.backend());
}
