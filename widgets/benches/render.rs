//! Time to draw each widget alone into a 200x50 buffer, and an overview screen with all of
//! them. Run: `cargo bench -p ipfs-kit-widgets --bench render`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ipfs_kit_widgets::{Theme, Themed};
use ratatui::{buffer::Buffer, layout::Rect, widgets::Widget};

#[path = "../tests/widgets/fixtures.rs"]
mod fixtures;

const AREA: Rect = Rect::new(0, 0, 200, 50);

fn widgets(c: &mut Criterion) {
    let theme = Theme::default();
    let mut group = c.benchmark_group("widget_200x50");
    for (name, view) in fixtures::all() {
        let mut buf = Buffer::empty(AREA);
        group.bench_function(name, |b| {
            b.iter(|| {
                Themed {
                    view: view.as_ref(),
                    theme: &theme,
                }
                .render(AREA, &mut buf);
                black_box(&buf);
            });
        });
    }
    group.finish();
}

fn overview(c: &mut Criterion) {
    let overview = fixtures::Overview::new();
    let mut group = c.benchmark_group("overview_200x50");
    for (name, theme) in [
        ("color", Theme::default()),
        ("monochrome", Theme::monochrome()),
        ("ascii", Theme::ascii()),
    ] {
        let mut buf = Buffer::empty(AREA);
        group.bench_function(name, |b| {
            b.iter(|| {
                // A fresh frame each time, as the terminal gives the app.
                buf.reset();
                overview.render(AREA, &mut buf, &theme);
                black_box(&buf);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, widgets, overview);
criterion_main!(benches);
