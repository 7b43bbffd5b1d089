//! `dashboard widgets` and `dashboard widget-data`.

use std::io::Write;

use ratatui::{buffer::Buffer, layout::Rect};
use serde::Serialize;

use super::{SnapshotArgs, obtain, out, print_json};
use crate::cmd::UsageError;
use crate::config::Config;
use crate::dashboard::registry::{self, Kind, View, Widget};
use crate::dashboard::source::{self, Origin};

#[derive(Serialize)]
struct List {
    schema_version: u32,
    widgets: &'static [Widget],
}

pub fn list(json: bool, mut w: &mut (dyn Write + Send)) -> anyhow::Result<u8> {
    if json {
        return print_json(
            w,
            &List {
                schema_version: 1,
                widgets: registry::WIDGETS,
            },
        );
    }
    out!(&mut w, "{:<26} {:<11} {:<30} TITLE", "ID", "KIND", "TABS");
    for x in registry::WIDGETS {
        let tabs: Vec<String> = x.tabs.iter().map(|t| t.title().to_lowercase()).collect();
        out!(
            &mut w,
            "{:<26} {:<11} {:<30} {}",
            x.id,
            kind_name(x.kind),
            tabs.join(","),
            x.title
        );
    }
    Ok(0)
}

fn kind_name(k: Kind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The widget with this id, or a usage error listing them all.
pub fn find(id: &str) -> Result<&'static Widget, UsageError> {
    registry::find(id).ok_or_else(|| {
        UsageError::new(
            "--widget-id",
            id,
            format!(
                "no such widget; expected one of {}",
                registry::ids().join(", ")
            ),
        )
    })
}

#[derive(Serialize)]
struct Data<'a> {
    schema_version: u32,
    widget: &'a Widget,
    snapshot_time: chrono::DateTime<chrono::Utc>,
    origin: &'a Origin,
    /// The charts' rings came from a running collector (kept in the cache).
    rings_from_cache: bool,
    /// The view, as the tab's converter builds it for the screen.
    view: View,
}

pub async fn data(
    cfg: &Config,
    id: &str,
    snap_args: &SnapshotArgs,
    columns: usize,
    ascii: bool,
    json: bool,
    mut w: &mut (dyn Write + Send),
) -> anyhow::Result<u8> {
    let widget = find(id)?;
    let got = obtain(cfg, snap_args, true).await?;
    let mut m = source::model(cfg, (*got.snap).clone(), ascii);
    source::load(cfg, &mut m, registry::needs(widget)).await?;
    if json {
        return print_json(
            w,
            &Data {
                schema_version: 1,
                widget,
                snapshot_time: m.snap.time,
                origin: &got.origin,
                rings_from_cache: got.rings_from_cache,
                view: registry::view(widget, &m, columns),
            },
        );
    }
    // Drawn as the tab draws it, into a buffer the size of a panel.
    // A sparkline's samples are its inner width, as on screen.
    let width = match widget.kind {
        Kind::Sparkline => columns + 4,
        _ => 100,
    };
    let area = Rect::new(
        0,
        0,
        u16::try_from(width).unwrap_or(u16::MAX),
        height(widget),
    );
    let mut buf = Buffer::empty(area);
    crate::tui::render::panel(&m, widget.panel, area, &mut buf);
    for y in 0..area.height {
        let row: String = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        out!(&mut w, "{}", row.trim_end());
    }
    w.flush()?;
    Ok(0)
}

/// Rows a widget is drawn in: about what the large layout gives it.
fn height(w: &Widget) -> u16 {
    match w.kind {
        Kind::Counter | Kind::Metric => 5,
        Kind::Sparkline => 7,
        Kind::Status | Kind::Health | Kind::Compliance | Kind::Lines => 10,
        Kind::Bars => 12,
        Kind::LineChart | Kind::Heatmap => 14,
        Kind::Alerts | Kind::History | Kind::Table | Kind::Log => 22,
    }
}
