//! Status: the state of one node or daemon, its uptime, versions and identity.

use std::borrow::Cow;

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use crate::{
    Draw,
    format::{self, truncate_middle},
    level::{Indicator, Level},
    text::{frame, put},
    theme::Theme,
};

/// The run state of a node or daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    /// Up and answering.
    Running,
    /// Started, not ready yet.
    Starting,
    /// Asked to stop, not gone yet.
    Stopping,
    /// Not running.
    Stopped,
    /// Running but not fully working.
    Degraded,
    /// Not answering (whether it runs is not known here).
    Down,
    /// Ended without being asked to.
    Crashed,
    /// Crashed; waiting to be restarted.
    BackingOff,
    /// Crashed too often; no more restarts.
    Failed,
    /// Not known (never probed, probe failed).
    #[default]
    Unknown,
}

impl Indicator for NodeState {
    fn level(&self) -> Level {
        match self {
            NodeState::Running => Level::Ok,
            NodeState::Starting | NodeState::Stopping | NodeState::BackingOff => Level::Info,
            NodeState::Stopped | NodeState::Down | NodeState::Crashed | NodeState::Failed => {
                Level::Critical
            }
            NodeState::Degraded => Level::Warning,
            NodeState::Unknown => Level::Unknown,
        }
    }

    fn word(&self) -> &'static str {
        match self {
            NodeState::Running => "running",
            NodeState::Starting => "starting",
            NodeState::Stopping => "stopping",
            NodeState::Stopped => "stopped",
            NodeState::Degraded => "degraded",
            NodeState::Down => "down",
            NodeState::Crashed => "crashed",
            NodeState::BackingOff => "backing-off",
            NodeState::Failed => "failed",
            NodeState::Unknown => "unknown",
        }
    }

    fn glyph(&self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (NodeState::Starting | NodeState::Stopping | NodeState::BackingOff, false) => "↻",
            (NodeState::Starting | NodeState::Stopping | NodeState::BackingOff, true) => "[..]",
            _ => self.level().glyph(ascii),
        }
    }
}

/// View data for the status widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StatusView {
    /// Block title, e.g. `Kubo`.
    pub title: String,
    /// Run state.
    pub state: NodeState,
    /// Seconds since start, if known.
    pub uptime_secs: Option<u64>,
    /// Peer identity; shortened in the middle to fit.
    pub peer_id: Option<String>,
    /// `(component, version)` pairs, e.g. `("Kubo", "0.39.0")`.
    pub versions: Vec<(String, String)>,
    /// Further `(label, value)` rows, e.g. `("API", "127.0.0.1:5001")`.
    pub details: Vec<(String, String)>,
    /// Last error of the source, shown in the critical style.
    pub error: Option<String>,
}

impl Draw for StatusView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let inner = frame(area, buf, theme, &self.title, None);
        if inner.is_empty() {
            return;
        }
        if inner.height == 1 {
            self.draw_line(inner, buf, theme);
            return;
        }
        // (label, value, style, shorten in the middle rather than at the end)
        let mut rows: Vec<(&str, Cow<'_, str>, Style, bool)> = vec![
            (
                "State",
                self.state.badge(theme.ascii).into(),
                theme.level(self.state.level()),
                false,
            ),
            (
                "Uptime",
                uptime(self.uptime_secs).into(),
                Style::new(),
                false,
            ),
        ];
        if let Some(id) = &self.peer_id {
            rows.push(("Peer ID", Cow::Borrowed(id), Style::new(), true));
        }
        for (k, v) in self.versions.iter().chain(&self.details) {
            rows.push((k, Cow::Borrowed(v), Style::new(), false));
        }
        if let Some(err) = &self.error {
            rows.push((
                "Error",
                Cow::Borrowed(err),
                theme.level(Level::Critical),
                false,
            ));
        }

        let widest = rows
            .iter()
            .map(|(k, ..)| format::width(k))
            .max()
            .unwrap_or(0);
        let key_w = u16::try_from(widest + 2).unwrap_or(u16::MAX);
        // Below this the values are worth more than the labels.
        let show_keys = inner.width >= key_w.saturating_add(8);
        for ((key, value, style, middle), y) in rows.iter().zip(inner.top()..inner.bottom()) {
            let mut x = inner.x;
            if show_keys {
                put(buf, x, y, key, key_w, theme.muted(), theme.ascii);
                x += key_w;
            }
            let room = inner.right() - x;
            let value = if *middle {
                truncate_middle(value, usize::from(room), theme.ascii)
            } else {
                Cow::Borrowed(value.as_ref())
            };
            put(buf, x, y, &value, room, *style, theme.ascii);
        }
    }
}

impl StatusView {
    /// One row: `✔ running  up 3d 4h  12D3…Xo`.
    fn draw_line(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let mut x = area.x;
        let badge = self.state.badge(theme.ascii);
        x += put(
            buf,
            x,
            area.y,
            &badge,
            area.width,
            theme.level(self.state.level()),
            theme.ascii,
        );
        let up = format!("  up {}", uptime(self.uptime_secs));
        x += put(
            buf,
            x,
            area.y,
            &up,
            area.right() - x,
            Style::new(),
            theme.ascii,
        );
        if let Some(id) = &self.peer_id {
            let room = (area.right() - x).saturating_sub(2);
            if room >= 8 {
                let id = truncate_middle(id, usize::from(room), theme.ascii);
                put(buf, x + 2, area.y, &id, room, theme.muted(), theme.ascii);
            }
        }
    }
}

fn uptime(secs: Option<u64>) -> String {
    secs.map_or_else(|| format::NOT_AVAILABLE.to_string(), format::duration)
}
