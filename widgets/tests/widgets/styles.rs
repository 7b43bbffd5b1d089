//! Colours and modifiers on the cells that carry a state.

use ipfs_kit_widgets::{
    Theme, Unit,
    health::{HealthLevel, HealthView, ServiceHealth},
    metric::{MetricView, Thresholds},
};
use ratatui::{
    buffer::Buffer,
    layout::Rect,
    style::{Color, Modifier},
    widgets::Widget,
};

use crate::{buffer, fixtures, themed};

/// Positions of the cells spelling `text` (one char per cell), first match.
fn find(buf: &Buffer, text: &str) -> Vec<(u16, u16)> {
    let chars: Vec<char> = text.chars().collect();
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let fits = chars.iter().enumerate().all(|(i, c)| {
                let cx = x + i as u16;
                cx < area.right() && buf[(cx, y)].symbol() == c.to_string()
            });
            if fits {
                return (0..chars.len() as u16).map(|i| (x + i, y)).collect();
            }
        }
    }
    panic!("{text:?} not found in\n{buf:?}");
}

fn assert_fg(buf: &Buffer, text: &str, color: Color) {
    for pos in find(buf, text) {
        assert_eq!(buf[pos].fg, color, "{text:?} at {pos:?}");
    }
}

fn cpu(value: f64) -> MetricView {
    MetricView::new(
        "CPU",
        Some(value),
        Unit::Percent,
        Thresholds::higher_is_worse(75.0, 90.0),
    )
}

#[test]
fn metric_above_critical_is_red() {
    let buf = buffer(&cpu(92.5), &Theme::default(), Rect::new(0, 0, 40, 5));
    assert_fg(&buf, "92.5%", Color::Red);
    assert_fg(&buf, "✖ critical", Color::Red);
    // The gauge is red too.
    assert_eq!(buf[(2, 2)].symbol(), "█");
    assert_eq!(buf[(2, 2)].fg, Color::Red);
}

#[test]
fn metric_at_warning_is_yellow_and_below_is_green() {
    let buf = buffer(&cpu(75.0), &Theme::default(), Rect::new(0, 0, 40, 5));
    assert_fg(&buf, "75.0%", Color::Yellow);
    assert_fg(&buf, "▲ warning", Color::Yellow);
    let buf = buffer(&cpu(10.0), &Theme::default(), Rect::new(0, 0, 40, 5));
    assert_fg(&buf, "✔ normal", Color::Green);
}

#[test]
fn lower_is_worse_thresholds() {
    let free = |v| {
        MetricView::new(
            "Free",
            Some(v),
            Unit::Percent,
            Thresholds::lower_is_worse(20.0, 10.0),
        )
    };
    let buf = buffer(&free(5.0), &Theme::default(), Rect::new(0, 0, 40, 5));
    assert_fg(&buf, "✖ critical", Color::Red);
    assert_fg(&buf, "warn ≤ 20.0%", Color::DarkGray);
    let buf = buffer(&free(15.0), &Theme::default(), Rect::new(0, 0, 40, 5));
    assert_fg(&buf, "▲ warning", Color::Yellow);
}

#[test]
fn unhealthy_service_is_red_and_degraded_yellow() {
    let buf = buffer(
        &fixtures::health(),
        &Theme::default(),
        Rect::new(0, 0, 80, 10),
    );
    assert_fg(&buf, "✖ unhealthy", Color::Red);
    assert_fg(&buf, "▲ degraded", Color::Yellow);
    assert_fg(&buf, "✔ healthy", Color::Green);
    // The service name itself stays in the normal colour.
    assert_fg(&buf, "S3 backend", Color::Reset);
}

#[test]
fn unhealthy_score_is_red() {
    let view = HealthView {
        title: "Health".into(),
        score: Some(20),
        services: vec![ServiceHealth {
            name: "api".into(),
            level: HealthLevel::Unhealthy,
            ..ServiceHealth::default()
        }],
    };
    let buf = buffer(&view, &Theme::default(), Rect::new(0, 0, 60, 5));
    assert_fg(&buf, "20/100", Color::Red);
}

#[test]
fn monochrome_sets_no_colour_anywhere() {
    let theme = Theme::monochrome();
    let area = Rect::new(0, 0, 120, 40);
    for (name, view) in fixtures::all() {
        let buf = buffer(view.as_ref(), &theme, area);
        assert_no_colour(&buf, name);
    }
    let mut buf = Buffer::empty(Rect::new(0, 0, 200, 50));
    fixtures::Overview::new().render(buf.area, &mut buf, &theme);
    assert_no_colour(&buf, "overview");
}

fn assert_no_colour(buf: &Buffer, name: &str) {
    for cell in &buf.content {
        assert_eq!(cell.fg, Color::Reset, "{name}: fg on {:?}", cell.symbol());
        assert_eq!(cell.bg, Color::Reset, "{name}: bg on {:?}", cell.symbol());
    }
}

#[test]
fn monochrome_marks_critical_with_bold_reversed() {
    let buf = buffer(&cpu(95.0), &Theme::monochrome(), Rect::new(0, 0, 40, 5));
    for pos in find(&buf, "✖ critical") {
        let m = buf[pos].modifier;
        assert!(
            m.contains(Modifier::BOLD | Modifier::REVERSED),
            "{pos:?}: {m:?}"
        );
    }
    // Bars are never reversed, which would make a full block look empty.
    assert!(!buf[(2, 2)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn selected_history_row_is_reversed_and_marked() {
    let view = fixtures::history();
    let mut buf = Buffer::empty(Rect::new(0, 0, 100, 12));
    view.themed(&Theme::monochrome()).render(buf.area, &mut buf);
    let [(x, y)] = find(&buf, "▶")[..] else {
        unreachable!()
    };
    // Header on the first inner row, then rows 0, 1, 2: the selected one.
    assert_eq!(y, 1 + 1 + 2);
    assert!(buf[(x + 5, y)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(x + 5, y - 1)].modifier.contains(Modifier::REVERSED));
}

use ipfs_kit_widgets::Draw as _;

#[test]
fn dyn_and_default_widget_entry_points_agree() {
    let view = fixtures::counter();
    let area = Rect::new(0, 0, 30, 5);
    let mut a = Buffer::empty(area);
    (&view).render(area, &mut a);
    let b = buffer(&view, &Theme::default(), area);
    let dynamic: &dyn ipfs_kit_widgets::Draw = &view;
    let mut c = Buffer::empty(area);
    themed(dynamic, &Theme::default()).render(area, &mut c);
    assert_eq!(a, b);
    assert_eq!(a, c);
}
