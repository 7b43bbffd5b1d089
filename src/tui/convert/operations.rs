//! The Operations tab: this session's actions and the operation history file, newest first.

use chrono::{DateTime, Utc};
use ipfs_kit_widgets::history::{HistoryView, OpRow, OpStatus};

use super::clock;
use crate::tui::model::{ListKind, Model, OpEntry, OpState};

pub fn history_view(m: &Model) -> HistoryView {
    let session = |o: &OpEntry| {
        (
            o.time,
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
    let (title, rows) = match &m.audit {
        // The history file holds the dashboard's recorded actions, the supervisor's events,
        // source changes and what other ipfs-kit commands did; the session adds the rest,
        // and the actions still running (most are written to the file when they end).
        Some(audit) => {
            let mut rows: Vec<(Option<DateTime<Utc>>, OpRow)> = m
                .ops
                .iter()
                .filter(|o| !o.recorded || o.state == OpState::Running)
                .map(session)
                .chain(audit.iter().map(|e| (Some(e.timestamp), audit_row(e))))
                .collect();
            // Newest first; not yet stamped (just asked for) on top.
            rows.sort_by_key(|(t, _)| {
                std::cmp::Reverse(t.map_or(i64::MAX, |t| t.timestamp_millis()))
            });
            (
                "Operation history",
                rows.into_iter().map(|(_, r)| r).collect(),
            )
        }
        None => (
            "Operations (this session; no history file)",
            m.ops.iter().map(|o| session(o).1).collect(),
        ),
    };
    HistoryView {
        title: title.into(),
        rows,
        filter: m.filter.clone(),
        selected: None,
        offset: m.scroll.get(&ListKind::History).copied().unwrap_or(0),
    }
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
