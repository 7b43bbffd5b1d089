//! Time to render the dashboard into a 200x50 buffer from a fixed Snapshot: the full Overview
//! (every widget type) in each theme, and every other tab. Target: under 1 ms per frame.
//! Run: `cargo bench -p ipfs-kit --bench overview`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ipfs_kit::tui::{Tab, render};
use ipfs_kit_widgets::Theme;
use ratatui::{buffer::Buffer, layout::Rect};

#[path = "../tests/tui/fixtures.rs"]
mod fixtures;

const AREA: Rect = Rect::new(0, 0, 200, 50);

fn overview(c: &mut Criterion) {
    let mut group = c.benchmark_group("overview_200x50");
    for (name, theme) in [
        ("color", Theme::default()),
        ("monochrome", Theme::monochrome()),
        ("ascii", Theme::ascii()),
    ] {
        let m = fixtures::model_with(fixtures::snapshot(), AREA.width, AREA.height, theme);
        let mut buf = Buffer::empty(AREA);
        group.bench_function(name, |b| {
            b.iter(|| {
                // A fresh frame each time, as the terminal gives the app.
                buf.reset();
                render(black_box(&m), &mut buf);
                black_box(&buf);
            });
        });
    }
    group.finish();
}

fn tabs(c: &mut Criterion) {
    let mut group = c.benchmark_group("tab_200x50");
    for tab in Tab::ALL {
        let mut m = fixtures::model(AREA.width, AREA.height);
        m.tab = tab;
        let mut buf = Buffer::empty(AREA);
        group.bench_function(tab.title(), |b| {
            b.iter(|| {
                buf.reset();
                render(black_box(&m), &mut buf);
                black_box(&buf);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, overview, tabs);
criterion_main!(benches);
