//! `supervisor.json`: what a running supervisor (`supervise` or a dashboard) publishes for
//! other ipfs-kit processes (`daemon status`, `stop`).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::pidfile;
use crate::model::DaemonStatus;

/// What a running `supervise` (or dashboard) publishes for other ipfs-kit processes.
#[derive(Debug, Serialize, Deserialize)]
pub struct SupervisorState {
    pub pid: u32,
    pub updated_at: DateTime<Utc>,
    pub daemons: Vec<DaemonStatus>,
}

pub fn state_file(state_dir: &Path) -> PathBuf {
    state_dir.join("daemons").join("supervisor.json")
}

pub fn write_state(state_dir: &Path, daemons: Vec<DaemonStatus>) {
    let st = SupervisorState {
        pid: std::process::id(),
        updated_at: Utc::now(),
        daemons,
    };
    let path = state_file(state_dir);
    if let (Some(dir), Ok(text)) = (path.parent(), serde_json::to_vec_pretty(&st)) {
        let _ = std::fs::create_dir_all(dir);
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(tmp, path);
        }
    }
}

/// The published state of a live supervisor, if one runs, with uptimes counted now (the
/// file is rewritten on changes, not every second).
pub fn read_state(state_dir: &Path) -> Option<SupervisorState> {
    let text = std::fs::read_to_string(state_file(state_dir)).ok()?;
    let mut st: SupervisorState = serde_json::from_str(&text).ok()?;
    count_uptimes(&mut st.daemons);
    (st.pid != std::process::id() && pidfile::is_alive(st.pid)).then_some(st)
}

/// Each running daemon's uptime counted from `started_at` to now (a published status is
/// rewritten on changes, not every second).
pub fn count_uptimes(daemons: &mut [DaemonStatus]) {
    for d in daemons {
        d.uptime_secs = d
            .started_at
            .filter(|_| d.state.is_running())
            .map(|t| (Utc::now() - t).num_seconds().max(0).unsigned_abs());
    }
}
