//! Alerts: counts per severity and the newest alerts, newest first.

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use crate::{
    Draw, format,
    level::{Indicator, Level},
    text::{frame, put, put_more, rows_shown},
    theme::Theme,
};

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Act now.
    Critical,
    /// Act soon.
    Warning,
    /// For the record.
    #[default]
    Info,
}

impl Indicator for Severity {
    fn level(&self) -> Level {
        match self {
            Severity::Critical => Level::Critical,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
        }
    }

    fn word(&self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One alert as shown.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct AlertRow {
    /// When it fired, already formatted by the caller (`12:03:44`).
    pub time: String,
    /// How urgent.
    pub severity: Severity,
    /// What happened, one line.
    pub message: String,
}

/// Alerts per severity, over all alerts and not only the rows shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SeverityCounts {
    /// Critical alerts.
    pub critical: usize,
    /// Warnings.
    pub warning: usize,
    /// Informational alerts.
    pub info: usize,
}

impl SeverityCounts {
    /// Counts the given rows.
    pub fn from_rows(rows: &[AlertRow]) -> Self {
        rows.iter().fold(Self::default(), |mut c, r| {
            match r.severity {
                Severity::Critical => c.critical += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
            }
            c
        })
    }
}

/// View data for the alert widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct AlertView {
    /// Block title.
    pub title: String,
    /// Totals per severity.
    pub counts: SeverityCounts,
    /// The newest alerts, newest first; as many as fit are shown.
    pub alerts: Vec<AlertRow>,
}

impl Draw for AlertView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        self.draw_counts(Rect { height: 1, ..inner }, buf, theme);

        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        if list.is_empty() {
            return;
        }
        if self.alerts.is_empty() {
            let text = format!("{} no alerts", Level::Ok.glyph(theme.ascii));
            put(
                buf,
                list.x,
                list.y,
                &text,
                list.width,
                theme.level(Level::Ok),
                theme.ascii,
            );
            return;
        }
        let (shown, more) = rows_shown(self.alerts.len(), usize::from(list.height));
        let rows = &self.alerts[..shown];
        let time_w = rows
            .iter()
            .map(|r| format::width(&r.time))
            .max()
            .unwrap_or(0);
        let time_w = u16::try_from(time_w.min(19)).unwrap_or(19);
        // The widest badge, `✖ critical`, and two spaces.
        let badge_w: u16 = if theme.ascii { 15 } else { 12 };
        for (row, y) in rows.iter().zip(list.y..) {
            let mut x = list.x;
            // Narrow: the time goes first, the message is what matters.
            if list.width >= time_w + badge_w + 16 {
                put(buf, x, y, &row.time, time_w, theme.muted(), theme.ascii);
                x += time_w + 1;
            }
            let style = theme.level(row.severity.level());
            let badge = row.severity.badge(theme.ascii);
            let used = put(buf, x, y, &badge, list.right() - x, style, theme.ascii);
            x = (x + badge_w.max(used + 2)).min(list.right());
            put(
                buf,
                x,
                y,
                &row.message,
                list.right() - x,
                Style::new(),
                theme.ascii,
            );
        }
        if more {
            put_more(
                buf,
                list,
                list.bottom() - 1,
                self.alerts.len() - shown,
                theme,
            );
        }
    }
}

impl AlertView {
    /// `✖ 2 critical  ▲ 5 warning  • 12 info`; zero counts are muted.
    fn draw_counts(&self, row: Rect, buf: &mut Buffer, theme: &Theme) {
        let c = self.counts;
        let mut x = row.x;
        for (sev, n) in [
            (Severity::Critical, c.critical),
            (Severity::Warning, c.warning),
            (Severity::Info, c.info),
        ] {
            if x >= row.right() {
                break;
            }
            let style = if n == 0 {
                theme.muted()
            } else {
                theme.level(sev.level())
            };
            let text = format!("{} {n} {}", sev.glyph(theme.ascii), sev.word());
            x += put(buf, x, row.y, &text, row.right() - x, style, theme.ascii);
            x = (x + 2).min(row.right());
        }
    }
}
