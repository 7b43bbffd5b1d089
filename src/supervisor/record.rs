//! Supervisor events into the operation history (the audit trail).

use super::manager::Event;
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};

/// Puts a supervisor event into the operation history.
pub fn record_event(ops: Option<&OpHistory>, e: &Event) {
    if let Some(d) = e.duration {
        crate::perf::record(&format!("supervisor.{}", e.kind.as_str()), d, e.ok);
    }
    let Some(ops) = ops else { return };
    let op = NewOp::new(EventType::System, format!("daemon.{}", e.kind.as_str()))
        .resource("daemon", e.daemon.clone())
        .detail("message", e.detail.clone());
    let status = if e.ok { OpStatus::Ok } else { OpStatus::Failed };
    let _ = match e.duration {
        Some(d) => ops.record_timed(op, status, d),
        None => ops.record(op, status),
    };
}
