//! The Performance tab's panels besides its lists: the latency sparkline through the widgets,
//! the cache and the last bulk run as lines in a bordered block.

use ipfs_kit_widgets::{Draw, Level, format as wfmt};
use ratatui::{
    buffer::Buffer,
    layout::Rect,
    text::Line,
    widgets::{Block, Widget},
};

use crate::tui::convert as cv;
use crate::tui::model::{Model, PerfPart};

pub fn draw(m: &Model, part: PerfPart, area: Rect, buf: &mut Buffer) {
    match part {
        PerfPart::Latency => cv::latency_view(m).themed(&m.theme).render(area, buf),
        PerfPart::Cache => lines(m, "Cache", &cv::cache_lines(m), area, buf),
        PerfPart::Bulk => lines(m, "Last bulk run", &cv::bulk_lines(m), area, buf),
    }
}

fn lines(m: &Model, title: &str, text: &[(Option<Level>, String)], area: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let block = Block::bordered()
        .border_set(t.border_set())
        .border_style(t.muted())
        .title(Line::styled(format!(" {title} "), t.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    for (y, (level, s)) in (inner.y..inner.bottom()).zip(text) {
        let s = wfmt::truncate_end(s, usize::from(inner.width), t.ascii);
        let style = level.map_or_else(|| t.muted(), |l| t.level(l));
        buf.set_stringn(inner.x, y, &s, usize::from(inner.width), style);
    }
}
