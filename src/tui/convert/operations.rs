//! The Operations tab: this session's actions and the operation history file, newest first.

use chrono::{DateTime, Utc};
use ipfs_kit_widgets::history::{HistoryView, OpRow, OpStatus};

use super::clock;
use crate::tui::analysis::SelectedOp;
use crate::tui::model::{ListKind, Model, OpEntry, OpState};

pub fn history_view(m: &Model) -> HistoryView {
    let (view, _) = history(m);
    view
}

/// For each row that passes the filter, in order, the history line's ids (`None` for a
/// session action not in the file).
pub fn history_ids(m: &Model) -> Vec<Option<SelectedOp>> {
    let (view, ids) = history(m);
    view.matching()
        .into_iter()
        .map(|i| ids.get(i).cloned().flatten())
        .collect()
}

fn history(m: &Model) -> (HistoryView, Vec<Option<SelectedOp>>) {
    let session = |o: &OpEntry| {
        (
            o.time,
            None,
            OpRow {
                time: o.time.map_or_else(|| "--:--:--".into(), clock),
                action: o.action.clone(),
                target: o.target.clone(),
                status: match o.state {
                    OpState::Running => OpStatus::Running,
                    OpState::Ok => OpStatus::Ok,
                    OpState::Failed => OpStatus::Failed,
                },
                duration_ms: o.duration_ms,
            },
        )
    };
    let (title, rows): (&str, Vec<(OpRow, Option<SelectedOp>)>) = match &m.audit {
        // The history file holds the dashboard's recorded actions, the supervisor's events,
        // source changes and what other ipfs-kit commands did; the session adds the rest,
        // and the actions still running (most are written to the file when they end).
        Some(audit) => {
            let mut rows: Vec<(Option<DateTime<Utc>>, Option<SelectedOp>, OpRow)> = m
                .ops
                .iter()
                .filter(|o| !o.recorded || o.state == OpState::Running)
                .map(session)
                .chain(audit.iter().map(|e| {
                    let row = audit_row(e);
                    let ids = SelectedOp {
                        event_id: e.event_id.clone(),
                        operation_id: e.operation_id.clone(),
                        label: format!("{} {}", row.action, e.resource.as_deref().unwrap_or(""))
                            .trim_end()
                            .to_string(),
                    };
                    (Some(e.timestamp), Some(ids), row)
                }))
                .collect();
            // Newest first; not yet stamped (just asked for) on top.
            rows.sort_by_key(|(t, ..)| {
                std::cmp::Reverse(t.map_or(i64::MAX, |t| t.timestamp_millis()))
            });
            (
                "Operation history",
                rows.into_iter().map(|(_, ids, r)| (r, ids)).collect(),
            )
        }
        None => (
            "Operations (this session; no history file)",
            m.ops
                .iter()
                .map(|o| {
                    let (_, ids, r) = session(o);
                    (r, ids)
                })
                .collect(),
        ),
    };
    let (rows, ids): (Vec<OpRow>, Vec<Option<SelectedOp>>) = rows.into_iter().unzip();
    let selected = m
        .has_cursor(ListKind::History)
        .then(|| m.cursor.get(&ListKind::History).copied().unwrap_or(0));
    let view = HistoryView {
        title: title.into(),
        rows,
        filter: m.filter.clone(),
        selected,
        offset: m.scroll.get(&ListKind::History).copied().unwrap_or(0),
    };
    (view, ids)
}

/// An operation-history line as a row: `daemon.start` on `kubo`, with the error if failed.
fn audit_row(e: &crate::ophistory::OpEntry) -> OpRow {
    use crate::ophistory::OpStatus as S;
    let mut target = e.resource.clone().unwrap_or_default();
    let note = e
        .details
        .get("error")
        .or_else(|| e.details.get("message"))
        .or_else(|| e.details.get("result"))
        .and_then(|v| v.as_str());
    if let Some(n) = note.filter(|n| !n.is_empty()) {
        target = if target.is_empty() {
            n.to_string()
        } else {
            format!("{target}: {n}")
        };
    }
    OpRow {
        time: clock(e.timestamp),
        action: e.action.clone(),
        target,
        status: match e.status {
            S::Ok => OpStatus::Ok,
            S::Failed => OpStatus::Failed,
            S::Running => OpStatus::Running,
        },
        duration_ms: e.duration_ms,
    }
}
