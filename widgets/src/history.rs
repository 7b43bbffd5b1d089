//! Operation history: what was done, to what, how it ended and how long it took.

use ratatui::{buffer::Buffer, layout::Rect, style::Style};

use crate::{
    Draw, format,
    level::{Indicator, Level},
    text::{frame, inner_area, put, put_right},
    theme::Theme,
};

/// How an operation ended, or that it has not yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpStatus {
    /// Succeeded.
    #[default]
    Ok,
    /// Failed.
    Failed,
    /// Still running.
    Running,
}

impl Indicator for OpStatus {
    fn level(&self) -> Level {
        match self {
            OpStatus::Ok => Level::Ok,
            OpStatus::Failed => Level::Critical,
            OpStatus::Running => Level::Info,
        }
    }

    fn word(&self) -> &'static str {
        match self {
            OpStatus::Ok => "ok",
            OpStatus::Failed => "failed",
            OpStatus::Running => "running",
        }
    }

    fn glyph(&self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (OpStatus::Running, false) => "↻",
            (OpStatus::Running, true) => "[..]",
            _ => self.level().glyph(ascii),
        }
    }
}

/// One operation.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct OpRow {
    /// When it started, already formatted (`12:03:44`).
    pub time: String,
    /// What was done: `pin add`, `restart`.
    pub action: String,
    /// What it was done to: a CID, a daemon name.
    pub target: String,
    /// How it ended.
    pub status: OpStatus,
    /// How long it took, if it finished.
    pub duration_ms: Option<u64>,
}

impl OpRow {
    /// Whether the row contains `needle_lower` (already lower case) in any column.
    fn matches(&self, needle_lower: &str) -> bool {
        needle_lower.is_empty()
            || [
                self.time.as_str(),
                &self.action,
                &self.target,
                self.status.word(),
            ]
            .iter()
            .any(|field| field.to_lowercase().contains(needle_lower))
    }
}

/// View data for the operation history widget.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct HistoryView {
    /// Block title.
    pub title: String,
    /// Operations, newest first.
    pub rows: Vec<OpRow>,
    /// Only rows containing this text (any column, any case) are shown.
    pub filter: String,
    /// Selected row, as an index among the rows that pass the filter.
    pub selected: Option<usize>,
    /// First row shown, among the rows that pass the filter; moved as needed to keep the
    /// selection in view.
    pub offset: usize,
}

impl HistoryView {
    /// Indices into `rows` of the rows that pass the filter, in order.
    pub fn matching(&self) -> Vec<usize> {
        let needle = self.filter.trim().to_lowercase();
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.matches(&needle))
            .map(|(i, _)| i)
            .collect()
    }

    /// How many rows of data fit in `area` (the whole widget area).
    pub fn visible_rows(area: Rect) -> usize {
        let height = inner_area(area).height;
        usize::from(height - u16::from(has_header(height)))
    }
}

/// A column header costs a row, worth it only when at least one data row remains.
fn has_header(height: u16) -> bool {
    height >= 2
}

/// The first row to show so that `selected` is in view, starting from `offset`, with `visible`
/// rows of room and `len` rows in all. The TUI can store it back as the next offset.
pub fn scroll_start(selected: Option<usize>, offset: usize, visible: usize, len: usize) -> usize {
    let mut start = offset.min(len.saturating_sub(visible));
    if let Some(sel) = selected.map(|s| s.min(len.saturating_sub(1))) {
        if sel < start {
            start = sel;
        } else if visible > 0 && sel >= start + visible {
            start = sel + 1 - visible;
        }
    }
    start
}

/// Column widths; 0 hides a column.
struct Columns {
    time: u16,
    action: u16,
    status: u16,
    took: u16,
}

impl Columns {
    fn fit(width: u16, rows: &[&OpRow], ascii: bool) -> Self {
        let widest = |f: fn(&OpRow) -> &str, cap: usize| {
            let w = rows.iter().map(|r| format::width(f(r))).max().unwrap_or(0);
            u16::try_from(w.clamp(4, cap)).unwrap_or(4)
        };
        let status = if ascii { 13 } else { 10 };
        let mut c = Columns {
            time: widest(|r| &r.time, 19),
            action: widest(|r| &r.action, 18),
            status,
            took: 8,
        };
        // Drop the least useful columns until the target keeps at least 12 cells.
        let sum = |c: &Columns| 2 + c.time + c.action + c.status + c.took + 4;
        if sum(&c) + 12 > width {
            c.took = 0;
        }
        if sum(&c) + 12 > width {
            c.time = 0;
        }
        c
    }
}

impl Draw for HistoryView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let matching = self.matching();
        let visible = Self::visible_rows(area);
        let start = scroll_start(self.selected, self.offset, visible, matching.len());
        let shown = &matching[start.min(matching.len())..(start + visible).min(matching.len())];

        let filter = self.filter.trim();
        let position = if shown.len() == 1 && matching.len() > 1 {
            format!("{} of {}", start + 1, matching.len())
        } else if shown.len() < matching.len() && !shown.is_empty() {
            format!(
                "{}-{} of {}",
                start + 1,
                start + shown.len(),
                matching.len()
            )
        } else {
            matching.len().to_string()
        };
        let right = if filter.is_empty() {
            format!("{position} ops")
        } else {
            format!("filter \"{filter}\", {position} matching")
        };

        let inner = frame(area, buf, theme, &self.title, Some(right));
        if inner.is_empty() {
            return;
        }
        if matching.is_empty() {
            let text = if self.rows.is_empty() {
                "no operations yet".to_string()
            } else {
                format!("no operations match \"{filter}\"")
            };
            put(
                buf,
                inner.x,
                inner.y,
                &text,
                inner.width,
                theme.muted(),
                theme.ascii,
            );
            return;
        }

        let rows: Vec<&OpRow> = shown.iter().map(|&i| &self.rows[i]).collect();
        let cols = Columns::fit(inner.width, &rows, theme.ascii);
        let header = OpRow {
            time: "Time".into(),
            action: "Action".into(),
            target: "Target".into(),
            ..OpRow::default()
        };
        let mut first_y = inner.y;
        if has_header(inner.height) {
            draw_row(
                &header,
                None,
                Rect { height: 1, ..inner },
                buf,
                theme,
                &cols,
            );
            first_y += 1;
        }
        let selected = self.selected.map(|s| s.min(matching.len() - 1));
        for (n, (row, y)) in rows.iter().zip(first_y..inner.bottom()).enumerate() {
            let is_selected = selected == Some(start + n);
            draw_row(
                row,
                Some(is_selected),
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
                buf,
                theme,
                &cols,
            );
        }
    }
}

/// Draws one row; `selected` is `None` for the header.
fn draw_row(
    row: &OpRow,
    selected: Option<bool>,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    cols: &Columns,
) {
    let header = selected.is_none();
    let base = if header {
        theme.title()
    } else if selected == Some(true) {
        theme.selected()
    } else {
        Style::new()
    };
    buf.set_style(area, base);
    let y = area.y;
    let mut x = area.x;
    let mut cell = |x: &mut u16, text: &str, w: u16, style: Style| {
        if w == 0 || *x >= area.right() {
            return;
        }
        let w = w.min(area.right() - *x);
        put(buf, *x, y, text, w, base.patch(style), theme.ascii);
        *x = (*x + w + 1).min(area.right());
    };
    let marker = if selected == Some(true) {
        theme.selection_marker()
    } else {
        ""
    };
    cell(&mut x, marker, 1, Style::new());
    cell(&mut x, &row.time, cols.time, theme.muted());
    cell(&mut x, &row.action, cols.action, Style::new());

    // The target takes what the fixed columns leave.
    let fixed = cols.status + u16::from(cols.status > 0) + cols.took + u16::from(cols.took > 0);
    let target_w = area.right().saturating_sub(x).saturating_sub(fixed);
    cell(&mut x, &row.target, target_w, Style::new());
    if header {
        cell(&mut x, "Status", cols.status, Style::new());
        if cols.took > 0 && x < area.right() {
            put_right(
                buf,
                x,
                (x + cols.took).min(area.right()),
                y,
                "Took",
                base,
                theme.ascii,
            );
        }
        return;
    }
    let badge = row.status.badge(theme.ascii);
    cell(&mut x, &badge, cols.status, theme.level(row.status.level()));
    if cols.took > 0 && x < area.right() {
        let took = row
            .duration_ms
            .map_or_else(String::new, |ms| format::millis(ms as f64));
        put_right(
            buf,
            x,
            (x + cols.took).min(area.right()),
            y,
            &took,
            base,
            theme.ascii,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scroll_keeps_the_selection_in_view() {
        assert_eq!(scroll_start(None, 0, 5, 20), 0);
        assert_eq!(scroll_start(Some(7), 0, 5, 20), 3);
        assert_eq!(scroll_start(Some(2), 10, 5, 20), 2);
        // Never scrolls past the end, leaving blank rows.
        assert_eq!(scroll_start(None, 18, 5, 20), 15);
        assert_eq!(scroll_start(Some(99), 0, 5, 20), 15);
        assert_eq!(scroll_start(Some(0), 0, 0, 0), 0);
    }

    #[test]
    fn filter_is_a_case_insensitive_substring() {
        let view = HistoryView {
            rows: vec![
                OpRow {
                    action: "pin add".into(),
                    target: "bafyABC".into(),
                    ..OpRow::default()
                },
                OpRow {
                    action: "restart".into(),
                    target: "kubo".into(),
                    status: OpStatus::Failed,
                    ..OpRow::default()
                },
            ],
            filter: " ABC ".into(),
            ..HistoryView::default()
        };
        assert_eq!(view.matching(), vec![0]);
        let failed = HistoryView {
            filter: "FAIL".into(),
            ..view.clone()
        };
        assert_eq!(failed.matching(), vec![1]);
        let all = HistoryView {
            filter: String::new(),
            ..view
        };
        assert_eq!(all.matching(), vec![0, 1]);
    }
}
