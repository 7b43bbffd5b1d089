//! Health: an overall 0-100 score and a row per service with its level and response time.

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use crate::{
    Draw, format,
    level::{Indicator, Level},
    text::{frame, hbar, put, put_more, put_right, rows_shown},
    theme::Theme,
};

/// How healthy a service is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthLevel {
    /// Answering and within limits.
    Healthy,
    /// Answering, but slow or partly failing.
    Degraded,
    /// Not answering or failing.
    Unhealthy,
    /// Not probed yet.
    #[default]
    Unknown,
}

impl HealthLevel {
    /// The level an overall score stands for: 80 and up healthy, 50 and up degraded.
    pub fn from_score(score: u8) -> Self {
        match score {
            80.. => HealthLevel::Healthy,
            50.. => HealthLevel::Degraded,
            _ => HealthLevel::Unhealthy,
        }
    }
}

impl Indicator for HealthLevel {
    fn level(&self) -> Level {
        match self {
            HealthLevel::Healthy => Level::Ok,
            HealthLevel::Degraded => Level::Warning,
            HealthLevel::Unhealthy => Level::Critical,
            HealthLevel::Unknown => Level::Unknown,
        }
    }

    fn word(&self) -> &'static str {
        match self {
            HealthLevel::Healthy => "healthy",
            HealthLevel::Degraded => "degraded",
            HealthLevel::Unhealthy => "unhealthy",
            HealthLevel::Unknown => "unknown",
        }
    }
}

/// One service in the health list.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ServiceHealth {
    /// Service name, e.g. `Kubo API`.
    pub name: String,
    /// Its health.
    pub level: HealthLevel,
    /// Last probe's response time in milliseconds.
    pub response_ms: Option<f64>,
    /// Why it is not healthy, e.g. `connection refused`.
    pub detail: Option<String>,
}

/// View data for the health widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct HealthView {
    /// Block title.
    pub title: String,
    /// Overall score 0-100; values above 100 are shown as 100.
    pub score: Option<u8>,
    /// Services in display order.
    pub services: Vec<ServiceHealth>,
}

/// Width of the response-time column: `999 ms`, `12.5 s`.
const RESPONSE_W: u16 = 8;

impl Draw for HealthView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        self.draw_score(Rect { height: 1, ..inner }, buf, theme);

        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        if list.is_empty() {
            return;
        }
        if self.services.is_empty() {
            put(
                buf,
                list.x,
                list.y,
                "no services",
                list.width,
                theme.muted(),
                theme.ascii,
            );
            return;
        }
        let (shown, more) = rows_shown(self.services.len(), usize::from(list.height));
        let mut services: Vec<&ServiceHealth> = self.services.iter().collect();
        if shown < services.len() {
            // Not all fit: the worst come first, as they are what the reader is looking for.
            services.sort_by_key(|s| std::cmp::Reverse(s.level.level().rank()));
        }
        let name_w = services[..shown]
            .iter()
            .map(|s| format::width(&s.name))
            .max()
            .unwrap_or(0);
        let name_w = u16::try_from(name_w).unwrap_or(u16::MAX);
        for (service, y) in services[..shown].iter().zip(list.y..) {
            draw_service(
                service,
                name_w,
                Rect {
                    y,
                    height: 1,
                    ..list
                },
                buf,
                theme,
            );
        }
        if more {
            put_more(
                buf,
                list,
                list.bottom() - 1,
                self.services.len() - shown,
                theme,
            );
        }
    }
}

impl HealthView {
    /// `Score  87/100 ████████▋░░ ▲ degraded`
    fn draw_score(&self, row: Rect, buf: &mut Buffer, theme: &Theme) {
        let score = self.score.map(|s| s.min(100));
        let level = score.map_or(HealthLevel::Unknown, HealthLevel::from_score);
        let style = theme.level(level.level());
        let number =
            score.map_or_else(|| format::NOT_AVAILABLE.to_string(), |s| format!("{s}/100"));

        let mut x = row.x;
        x += put(
            buf,
            x,
            row.y,
            "Score ",
            row.width,
            theme.muted(),
            theme.ascii,
        );
        x += put(buf, x, row.y, &number, row.right() - x, style, theme.ascii);
        let badge = format!(" {}", level.badge(theme.ascii));
        let badge_x = put_right(buf, x, row.right(), row.y, &badge, style, theme.ascii);
        let bar_w = badge_x.saturating_sub(x + 1);
        if let (Some(s), 4..) = (score, bar_w) {
            let frac = f64::from(s) / 100.0;
            let bar = theme.bar(level.level());
            hbar(
                buf,
                (x + 1, row.y),
                bar_w,
                frac,
                bar,
                Some(theme.muted()),
                theme,
            );
        }
    }
}

/// `✔ healthy    Kubo API      connection refused      12 ms`
fn draw_service(service: &ServiceHealth, name_w: u16, row: Rect, buf: &mut Buffer, theme: &Theme) {
    let style = theme.level(service.level.level());
    // The widest badge, `✖ unhealthy`, and two spaces.
    let badge_w = if theme.ascii { 16 } else { 13 };
    let mut x = row.x;
    let badge = service.level.badge(theme.ascii);
    put(
        buf,
        x,
        row.y,
        &badge,
        badge_w.min(row.width),
        style,
        theme.ascii,
    );
    x = (x + badge_w).min(row.right());

    let mut right = row.right();
    if right - x >= RESPONSE_W + 8 {
        let ms = service.response_ms.map_or_else(String::new, format::millis);
        put_right(
            buf,
            right - RESPONSE_W,
            right,
            row.y,
            &ms,
            Style::new(),
            theme.ascii,
        );
        right -= RESPONSE_W + 1;
    }
    let used = put(
        buf,
        x,
        row.y,
        &service.name,
        right - x,
        Style::new(),
        theme.ascii,
    );
    x = (x + used.max(name_w) + 2).min(right);
    // A detail cut down to a few letters says nothing.
    if let Some(detail) = service.detail.as_ref().filter(|_| right - x >= 8) {
        put(buf, x, row.y, detail, right - x, theme.muted(), theme.ascii);
    }
}
