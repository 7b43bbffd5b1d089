//! One panel: its view built from the model, drawn by the widgets crate, and a heavier
//! border when it has the focus.

use ipfs_kit_widgets::{Draw, Theme, format as wfmt};
use ratatui::{
    buffer::Buffer,
    layout::Rect,
    style::{Modifier, Style},
    widgets::Widget,
};

use crate::tui::convert as cv;
use crate::tui::model::{ListKind, Model, Panel};

pub fn draw(m: &Model, p: Panel, area: Rect, buf: &mut Buffer, focused: bool) {
    if area.is_empty() {
        return;
    }
    let t = &m.theme;
    match p {
        Panel::Status(src) => cv::status_view(m, src).themed(t).render(area, buf),
        Panel::Health => cv::health_view(m).themed(t).render(area, buf),
        Panel::Counter(k) => cv::counter_view(m, k).themed(t).render(area, buf),
        Panel::Metric(k) => cv::metric_view(m, k).themed(t).render(area, buf),
        Panel::Spark(k) => {
            // The columns the sparkline has inside its border and padding.
            let cols = if area.width >= 12 {
                area.width - 4
            } else {
                area.width.saturating_sub(2)
            };
            let view = cv::spark_view(m, k, usize::from(cols));
            view.themed(t).render(area, buf);
            // The widget gives the scale priority over the latest value when the title row is
            // short; the latest value matters more, so the title row is redone.
            let latest = view
                .latest()
                .map_or_else(|| wfmt::NOT_AVAILABLE.to_string(), |v| view.unit.format(v));
            let max = view.max.filter(|m| *m > 0.0).or_else(|| {
                view.values
                    .iter()
                    .flatten()
                    .copied()
                    .filter(|v| v.is_finite())
                    .reduce(f64::max)
            });
            let right = max.map(|v| format!("max {}", view.unit.format(v)));
            retitle(
                buf,
                area,
                &format!("{} {latest}", view.title),
                right.as_deref(),
                t,
            );
        }
        Panel::Bars(k) => cv::bars_view(m, k).themed(t).render(area, buf),
        Panel::Bandwidth => cv::bandwidth_view(m).themed(t).render(area, buf),
        Panel::Heatmap => cv::heatmap_view(m).themed(t).render(area, buf),
        Panel::List(ListKind::Alerts | ListKind::ClusterAlerts) => {
            let kind = p.list().unwrap_or(ListKind::Alerts);
            cv::alert_view(m, kind).themed(t).render(area, buf);
        }
        Panel::List(ListKind::History) => cv::history_view(m).themed(t).render(area, buf),
        Panel::List(ListKind::DaemonLog) => super::log::draw(m, area, buf),
        Panel::List(kind) => cv::table_view(m, kind).themed(t).render(area, buf),
        Panel::Audit(part) => super::audit::draw(m, part, area, buf),
        Panel::Perf(part) => super::performance::draw(m, part, area, buf),
    }
    if focused {
        highlight(area, buf, t);
    }
}

/// Redraws a panel's top border with `left` as the title and `right` only where it fits.
fn retitle(buf: &mut Buffer, area: Rect, left: &str, right: Option<&str>, t: &Theme) {
    if area.width < 6 || area.height < 3 {
        return;
    }
    let set = t.border_set();
    let (y, x0, x1) = (area.y, area.x, area.right() - 1);
    buf[(x0, y)].set_symbol(set.top_left).set_style(t.muted());
    for x in x0 + 1..x1 {
        buf[(x, y)]
            .set_symbol(set.horizontal_top)
            .set_style(t.muted());
    }
    buf[(x1, y)].set_symbol(set.top_right).set_style(t.muted());
    let room = usize::from(area.width - 2);
    let left = format!(" {left} ");
    let left = wfmt::truncate_end(&left, room, t.ascii);
    let (end, _) = buf.set_stringn(x0 + 1, y, &left, room, t.title());
    if let Some(right) = right {
        let right = format!(" {right} ");
        let w = u16::try_from(wfmt::width(&right)).unwrap_or(u16::MAX);
        if end + 1 + w <= x1 {
            buf.set_stringn(x1 - w, y, &right, usize::from(w), t.muted());
        }
    }
}

/// Heavier border symbols and the accent colour (bold without colour) on the focused
/// panel's border, so the focus shows with or without colour and in ASCII (`#` corners and
/// sides; the top row is left alone there, as titles may hold `-`).
fn highlight(area: Rect, buf: &mut Buffer, t: &Theme) {
    if area.width < 6 || area.height < 3 {
        return;
    }
    let style = if t.color {
        Style::new()
            .fg(t.palette.accent)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let heavy = |s: &str| -> Option<&'static str> {
        Some(match s {
            "─" => "━",
            "│" => "┃",
            "┌" => "┏",
            "┐" => "┓",
            "└" => "┗",
            "┘" => "┛",
            "|" if t.ascii => "#",
            "+" if t.ascii => "#",
            _ => return None,
        })
    };
    let (l, r, top, bot) = (area.left(), area.right() - 1, area.top(), area.bottom() - 1);
    let mut edge = |x: u16, y: u16| {
        let cell = &mut buf[(x, y)];
        if let Some(h) = heavy(cell.symbol()) {
            cell.set_symbol(h).set_style(style);
        }
    };
    for x in l..=r {
        if t.ascii && x != l && x != r {
            continue;
        }
        edge(x, top);
        edge(x, bot);
    }
    for y in top + 1..bot {
        edge(l, y);
        edge(r, y);
    }
}
