//! A small list widget for the dashboard's own lists (addresses, peers, disks, processes):
//! a bordered table with a header, a level badge per row, scrolling and a filter note.

use ipfs_kit_widgets::{Draw, Level, Theme, format};
use ratatui::{
    buffer::Buffer,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::Line,
    widgets::{Block, Widget},
};

/// One row; `level` styles the first cell, which should carry a glyph and a word.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct TableRow {
    pub level: Option<Level>,
    pub cells: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct TableView {
    pub title: String,
    /// Header text and width of each column (the JSON has the headers: widths are the
    /// screen's business).
    #[serde(serialize_with = "column_names")]
    pub columns: Vec<(&'static str, Constraint)>,
    /// Rows that passed the filter.
    pub rows: Vec<TableRow>,
    /// Rows before the filter.
    pub total: usize,
    pub filter: String,
    /// First row shown (clamped).
    pub offset: usize,
    /// Said when there are no rows at all.
    pub empty: String,
    /// Columns cut in the middle (identifiers) rather than at the end.
    pub middle_cut: Vec<usize>,
    /// The cursor row (index into `rows`), drawn reversed: reads without colour too.
    pub selected: Option<usize>,
}

fn column_names<S: serde::Serializer>(
    columns: &[(&'static str, Constraint)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(columns.iter().map(|(name, _)| name))
}

impl TableView {
    /// Data rows that fit in `area` (border and header taken off).
    pub fn visible_rows(area: Rect) -> usize {
        let inner = area.height.saturating_sub(2);
        usize::from(if inner >= 2 { inner - 1 } else { inner })
    }
}

fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, w: u16, style: Style, ascii: bool) {
    put_cut(buf, (x, y), s, w, style, ascii, false);
}

fn put_cut(
    buf: &mut Buffer,
    (x, y): (u16, u16),
    s: &str,
    w: u16,
    style: Style,
    ascii: bool,
    middle: bool,
) {
    if w == 0 {
        return;
    }
    // Cells hold peer names, CIDs, daemon messages and history details: outside text.
    let s = ipfs_kit_widgets::sanitize::one_line(s);
    let s = &*s;
    let s = if middle {
        format::truncate_middle(s, usize::from(w), ascii)
    } else {
        format::truncate_end(s, usize::from(w), ascii)
    };
    buf.set_stringn(x, y, &s, usize::from(w), style);
}

impl Draw for TableView {
    fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let visible = Self::visible_rows(area);
        let len = self.rows.len();
        let start = self.offset.min(len.saturating_sub(visible));
        let end = (start + visible).min(len);
        let filter = self.filter.trim();
        let count = if end - start < len && len > 0 {
            format!("{}-{} of {len}", start + 1, end)
        } else {
            len.to_string()
        };
        let right = if filter.is_empty() {
            count
        } else {
            format!("filter \"{filter}\": {count} of {}", self.total)
        };
        let inner = if area.width >= 6 && area.height >= 3 {
            Block::bordered()
                .border_set(theme.border_set())
                .border_style(theme.muted())
                .title(Line::styled(format!(" {} ", self.title), theme.title()))
                .title_top(Line::styled(format!(" {right} "), theme.muted()).right_aligned())
                .render(area, buf);
            Rect {
                x: area.x + 1,
                y: area.y + 1,
                width: area.width - 2,
                height: area.height - 2,
            }
        } else {
            area
        };
        if inner.is_empty() {
            return;
        }
        if self.rows.is_empty() {
            let text = if self.total == 0 {
                self.empty.clone()
            } else {
                format!("nothing matches \"{filter}\"")
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
        let cols = Layout::horizontal(self.columns.iter().map(|(_, c)| *c))
            .spacing(1)
            .split(Rect { height: 1, ..inner });
        let mut y = inner.y;
        if inner.height >= 2 {
            for ((name, _), r) in self.columns.iter().zip(cols.iter()) {
                put(buf, r.x, y, name, r.width, theme.title(), theme.ascii);
            }
            y += 1;
        }
        for (n, row) in self.rows[start..end.max(start)].iter().enumerate() {
            if y >= inner.bottom() {
                break;
            }
            let cursor = self.selected == Some(start + n);
            if cursor {
                buf.set_style(
                    Rect {
                        y,
                        height: 1,
                        ..inner
                    },
                    Style::new().add_modifier(Modifier::REVERSED),
                );
            }
            for (i, (cell, r)) in row.cells.iter().zip(cols.iter()).enumerate() {
                let mut style = match (i, row.level) {
                    (0, Some(level)) => theme.level(level),
                    _ => Style::new(),
                };
                if cursor {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                let middle = self.middle_cut.contains(&i);
                put_cut(buf, (r.x, y), cell, r.width, style, theme.ascii, middle);
            }
            y += 1;
        }
    }
}
