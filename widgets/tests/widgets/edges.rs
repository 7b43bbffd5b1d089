//! Empty data, gaps, NaN, tiny and odd areas, and ASCII-only output.

use ipfs_kit_widgets::{
    Draw, Theme, Unit,
    bars::{BarItem, BarsView},
    heatmap::HeatmapView,
    line_chart::{LineChartView, Series},
    metric::{MetricView, Thresholds},
    sparkline::SparklineView,
};
use ratatui::{buffer::Buffer, layout::Rect, widgets::Widget};

use crate::{buffer, fixtures, themed};

fn text(buf: &Buffer) -> String {
    let w = usize::from(buf.area.width);
    buf.content
        .chunks(w.max(1))
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn themes() -> [Theme; 4] {
    [
        Theme::default(),
        Theme::monochrome(),
        Theme::ascii(),
        Theme {
            color: false,
            ..Theme::ascii()
        },
    ]
}

#[test]
fn empty_data_says_so() {
    let expected = [
        ("status", "? unknown"),
        ("health", "no services"),
        ("alert", "no alerts"),
        ("counter", "→ flat 0"),
        ("metric", "? unknown"),
        ("history", "no operations yet"),
        ("sparkline", "no data"),
        ("bars", "no data"),
        ("line_chart", "no data"),
        ("heatmap", "no data"),
    ];
    for ((name, view), (expected_name, needle)) in fixtures::all_empty().into_iter().zip(expected) {
        assert_eq!(name, expected_name);
        let buf = buffer(view.as_ref(), &Theme::default(), Rect::new(0, 0, 80, 24));
        assert!(
            text(&buf).contains(needle),
            "{name} lacks {needle:?}:\n{}",
            text(&buf)
        );
    }
}

#[test]
fn all_none_sparkline_shows_no_data_and_no_bars() {
    for max in [None, Some(100.0)] {
        let view = SparklineView {
            title: "In".into(),
            values: vec![None; 50],
            unit: Unit::BytesPerSec,
            max,
            level: None,
        };
        let buf = buffer(&view, &Theme::default(), Rect::new(0, 0, 40, 6));
        let t = text(&buf);
        assert!(t.contains("In n/a"), "{t}");
        assert!(t.contains("no data"), "{t}");
        assert!(!t.contains('▁') && !t.contains('█'), "{t}");
    }
}

#[test]
fn sparkline_gap_is_blank_and_zero_is_not() {
    let view = SparklineView {
        values: vec![Some(0.0), None, Some(10.0)],
        ..SparklineView::default()
    };
    let buf = buffer(&view, &Theme::monochrome(), Rect::new(0, 0, 3, 1));
    // One row, no frame: the latest value leads, so look at a wider area instead.
    assert_eq!(text(&buf), "10 ");
    let buf = buffer(&view, &Theme::monochrome(), Rect::new(0, 0, 8, 3));
    // Bordered, newest at the right edge of the 6-cell inner row.
    let row: String = (4..7).map(|x| buf[(x, 1)].symbol().to_string()).collect();
    assert_eq!(row, "▁ █");
}

#[test]
fn nan_and_infinite_values_do_not_break_anything() {
    let views: Vec<Box<dyn Draw>> = vec![
        Box::new(MetricView::new(
            "m",
            Some(f64::NAN),
            Unit::Percent,
            Thresholds::default(),
        )),
        Box::new(MetricView::new(
            "m",
            Some(f64::INFINITY),
            Unit::Bytes,
            Thresholds::default(),
        )),
        Box::new(SparklineView {
            values: vec![Some(f64::NAN), Some(f64::INFINITY), Some(1.0)],
            ..SparklineView::default()
        }),
        Box::new(BarsView {
            bars: vec![
                BarItem::new("a", f64::NAN),
                BarItem::new("b", -5.0),
                BarItem::new("c", 1.0),
            ],
            ..BarsView::default()
        }),
        Box::new(LineChartView {
            series: vec![Series {
                name: "s".into(),
                points: vec![(0.0, f64::NAN), (1.0, 2.0), (f64::INFINITY, 1.0)],
            }],
            ..LineChartView::default()
        }),
        Box::new(HeatmapView {
            cells: vec![vec![Some(f64::NAN), Some(0.0), None], vec![]],
            ..HeatmapView::default()
        }),
    ];
    for view in &views {
        for theme in themes() {
            buffer(view.as_ref(), &theme, Rect::new(0, 0, 50, 10));
        }
    }
    let buf = buffer(views[0].as_ref(), &Theme::default(), Rect::new(0, 0, 50, 5));
    assert!(text(&buf).contains("? unknown"));
}

const SENTINEL: &str = "¤";

/// Every widget in every size from 0x0 to 40x9 (and a few long thin ones), drawn at an
/// offset inside a larger buffer: no panic, and nothing outside the area changes.
#[test]
fn tiny_areas_never_panic_nor_spill() {
    let mut sizes: Vec<(u16, u16)> = (0..=40)
        .flat_map(|w| (0..=9).map(move |h| (w, h)))
        .collect();
    sizes.extend([(200, 1), (1, 50), (200, 2), (3, 50)]);
    for (name, view) in fixtures::all().into_iter().chain(fixtures::all_empty()) {
        for theme in themes() {
            for &(w, h) in &sizes {
                let area = Rect::new(3, 2, w, h);
                let mut buf = Buffer::filled(
                    Rect::new(0, 0, w + 6, h + 4),
                    ratatui::buffer::Cell::new(SENTINEL),
                );
                themed(view.as_ref(), &theme).render(area, &mut buf);
                for y in 0..h + 4 {
                    for x in 0..w + 6 {
                        if !area.contains((x, y).into()) {
                            assert_eq!(
                                buf[(x, y)].symbol(),
                                SENTINEL,
                                "{name} {w}x{h} wrote at ({x},{y})"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn areas_outside_the_buffer_are_clipped() {
    for (_, view) in fixtures::all() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
        for area in [
            Rect::new(70, 20, 30, 10),
            Rect::new(100, 100, 10, 10),
            Rect::new(0, 0, 500, 500),
        ] {
            themed(view.as_ref(), &Theme::default()).render(area, &mut buf);
        }
    }
}

#[test]
fn ascii_mode_draws_only_ascii() {
    let sizes = [(80, 24), (120, 40), (30, 6), (40, 2), (25, 1), (12, 4)];
    for theme in [
        Theme::ascii(),
        Theme {
            color: false,
            ..Theme::ascii()
        },
    ] {
        for (name, view) in fixtures::all().into_iter().chain(fixtures::all_empty()) {
            for (w, h) in sizes {
                let buf = buffer(view.as_ref(), &theme, Rect::new(0, 0, w, h));
                let t = text(&buf);
                assert!(t.is_ascii(), "{name} {w}x{h} is not ASCII:\n{t}");
            }
        }
        let mut buf = Buffer::empty(Rect::new(0, 0, 200, 50));
        fixtures::Overview::new().render(buf.area, &mut buf, &theme);
        assert!(text(&buf).is_ascii(), "overview:\n{}", text(&buf));
    }
}
