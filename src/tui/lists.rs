//! The lists that keys act on (daemons, alerts from the rules, pins) and the daemon log:
//! their rows after the filter, in the order the cursor counts them. Their table views are
//! built in `convert/`.

use super::model::{Model, PinRow};
use crate::alerts::Alert;
use crate::model::DaemonStatus;

pub(crate) fn matches(m: &Model, fields: &[&str]) -> bool {
    let f = m.filter.trim().to_lowercase();
    f.is_empty() || fields.iter().any(|x| x.to_lowercase().contains(&f))
}

/// The supervisor's daemons. Not filtered: on the Daemons tab the filter searches the
/// selected daemon's log, which must stay selected while it does.
pub fn daemon_rows(m: &Model) -> Vec<&DaemonStatus> {
    m.snap.daemons.iter().collect()
}

/// Alerts from the rules that pass the filter, most severe first (as the snapshot has them).
pub fn active_alert_rows(m: &Model) -> Vec<&Alert> {
    m.snap
        .alerts
        .iter()
        .filter(|a| matches(m, &[&a.rule, &a.message, a.severity.as_str()]))
        .collect()
}

/// Loaded pins that pass the filter.
pub fn pin_rows(m: &Model) -> Vec<&PinRow> {
    m.pins
        .pins
        .iter()
        .filter(|p| matches(m, &[&p.cid, &p.name, &p.status]))
        .collect()
}

/// The log lines the log view shows: all of them, or those containing the filter.
pub fn log_lines(m: &Model) -> Vec<&str> {
    let Some(log) = &m.log else {
        return Vec::new();
    };
    let f = m.filter.trim().to_lowercase();
    log.lines
        .iter()
        .map(String::as_str)
        .filter(|l| {
            f.is_empty() || l.starts_with(crate::supervisor::START_MARKER) || {
                l.to_lowercase().contains(&f)
            }
        })
        .collect()
}

/// Fleet nodes that pass the filter, in the tab's order.
pub fn fleet_rows(m: &Model) -> Vec<&crate::fleet::FleetRow> {
    let Some(f) = &m.fleet else {
        return Vec::new();
    };
    let mut rows: Vec<&crate::fleet::FleetRow> = f
        .rows
        .iter()
        .filter(|r| {
            matches(
                m,
                &[
                    &r.name,
                    &r.url,
                    r.state.as_str(),
                    r.health.map_or("", |h| h.as_str()),
                    r.error.as_deref().unwrap_or(""),
                ],
            )
        })
        .collect();
    f.sort.sort(&mut rows);
    rows
}
