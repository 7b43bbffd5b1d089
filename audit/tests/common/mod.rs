//! Hand-built events for the tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use ipfs_kit_audit::{Event, Index, Schema, Status};

/// 2026-01-05 12:00:00 UTC, a Monday.
pub const T0: i64 = 1_767_614_400_000;
pub const S: i64 = 1000;
pub const M: i64 = 60 * S;
pub const H: i64 = 60 * M;

pub fn ev(id: &str, t: i64, user: &str, action: &str, status: Status) -> Event {
    Event {
        time: ipfs_kit_audit::time::to_time(t),
        id: Some(id.to_string()),
        event_type: if action.starts_with("login") {
            "authentication".into()
        } else {
            "system".into()
        },
        action: action.to_string(),
        user: Some(user.to_string()),
        resource_type: None,
        resource_id: None,
        status,
        subsystem: action.split('.').next().map(str::to_string),
        operation_id: None,
        session_id: None,
        transaction_id: None,
        ip: None,
        duration_ms: None,
        cid: None,
        daemon: None,
        details: BTreeMap::new(),
        schema: Schema::OpHistory,
    }
}

pub fn ok(id: &str, t: i64, user: &str, action: &str) -> Event {
    ev(id, t, user, action, Status::Ok)
}

pub fn failed(id: &str, t: i64, user: &str, action: &str) -> Event {
    ev(id, t, user, action, Status::Failed)
}

pub fn on(mut e: Event, resource: &str) -> Event {
    e.resource_id = Some(resource.to_string());
    e
}

pub fn daemon(mut e: Event, d: &str) -> Event {
    e.resource_type = Some("daemon".into());
    e.resource_id = Some(d.to_string());
    e.daemon = Some(d.to_string());
    e.subsystem = Some(d.to_string());
    e
}

pub fn cid(mut e: Event, c: &str) -> Event {
    e.resource_type = Some("pin".into());
    e.resource_id = Some(c.to_string());
    e.cid = Some(c.to_string());
    e
}

pub fn sub(mut e: Event, s: &str) -> Event {
    e.subsystem = Some(s.to_string());
    e
}

pub fn op(mut e: Event, o: &str) -> Event {
    e.operation_id = Some(o.to_string());
    e
}

pub fn session(mut e: Event, s: &str) -> Event {
    e.session_id = Some(s.to_string());
    e
}

pub fn index(events: &[Event]) -> Index {
    Index::from_events(events)
}
