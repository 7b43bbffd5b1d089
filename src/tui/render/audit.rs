//! The Audit tab's panels: heat maps and tables through the widgets, the compliance score as
//! a ratatui Gauge in its band's colour with the failing rules under it.

use ipfs_kit_widgets::{Draw, format as wfmt};
use ratatui::{
    buffer::Buffer,
    layout::Rect,
    style::{Modifier, Style},
    text::Line,
    widgets::{Block, Gauge, Widget},
};

use crate::tui::convert as cv;
use crate::tui::model::{AuditPart, Model};

pub fn draw(m: &Model, part: AuditPart, area: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    match part {
        AuditPart::Week => cv::week_view(m).themed(t).render(area, buf),
        AuditPart::Dates => {
            // Border and the hour labels' row.
            let rows = usize::from(area.height.saturating_sub(3));
            cv::dates_view(m, rows).themed(t).render(area, buf);
        }
        AuditPart::Patterns => cv::patterns_table(m).themed(t).render(area, buf),
        AuditPart::Anomalies => cv::anomalies_table(m).themed(t).render(area, buf),
        AuditPart::Operation => cv::operation_table(m).themed(t).render(area, buf),
        AuditPart::Compliance => compliance(m, area, buf),
    }
}

fn compliance(m: &Model, area: Rect, buf: &mut Buffer) {
    let t = &m.theme;
    let title = match cv::compliance(m) {
        Some((c, _)) => format!("Compliance: {}", c.policy),
        None => "Compliance".into(),
    };
    let block = Block::bordered()
        .border_set(t.border_set())
        .border_style(t.muted())
        .title(Line::styled(format!(" {title} "), t.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let line = |buf: &mut Buffer, y: u16, s: &str, style: Style| {
        if y < inner.bottom() {
            let s = wfmt::truncate_end(s, usize::from(inner.width), t.ascii);
            buf.set_stringn(inner.x, y, &s, usize::from(inner.width), style);
        }
    };
    let Some((c, level)) = cv::compliance(m) else {
        line(buf, inner.y, &cv::compliance_missing(m), t.muted());
        return;
    };
    let score = c.score.clamp(0.0, 100.0);
    // The word as well as the colour: the band reads without colour too.
    let label = format!("{score:.0}/100 {} {}", level.glyph(t.ascii), c.band);
    let style = if t.color {
        t.level(level)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    Gauge::default()
        .ratio(score / 100.0)
        .label(label)
        .use_unicode(!t.ascii)
        .gauge_style(style)
        .render(Rect { height: 1, ..inner }, buf);
    line(
        buf,
        inner.y + 1,
        &format!(
            "{} passed, {} failed, {} not applicable",
            c.passed, c.failed, c.not_applicable
        ),
        t.muted(),
    );
    if c.failing.is_empty() {
        line(
            buf,
            inner.y + 2,
            "every applicable rule passes",
            t.level(level),
        );
    }
    for (y, r) in (inner.y + 2..inner.bottom()).zip(&c.failing) {
        let glyph = ipfs_kit_widgets::Level::Critical.glyph(t.ascii);
        let text = format!(
            "{glyph} {} ({}, {} violation{})",
            r.id,
            r.severity,
            r.violations,
            if r.violations == 1 { "" } else { "s" }
        );
        line(buf, y, &text, t.level(ipfs_kit_widgets::Level::Critical));
    }
}
