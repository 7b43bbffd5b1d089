//! Pid records under `<state>/daemons/`, so another ipfs-kit process (`daemon status`,
//! `daemon stop`, the dashboard) can find daemons started elsewhere. A record only counts
//! while its process is alive and still runs the same program.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ports::command_line;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PidRecord {
    pub pid: u32,
    /// True when ipfs-kit spawned it in its own process group (pgid = pid).
    pub own_group: bool,
    pub started_at: DateTime<Utc>,
    /// A word its command line must contain (guards against pid reuse).
    pub program: String,
}

pub fn path(state_dir: &Path, name: &str) -> PathBuf {
    state_dir.join("daemons").join(format!("{name}.pid.json"))
}

pub fn write(state_dir: &Path, name: &str, rec: &PidRecord) -> std::io::Result<()> {
    let p = path(state_dir, name);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = p.with_extension("tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec_pretty(rec).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(tmp, p)
}

/// The record, if its process is alive and still the same program.
pub fn read_live(state_dir: &Path, name: &str) -> Option<PidRecord> {
    let text = std::fs::read_to_string(path(state_dir, name)).ok()?;
    let rec: PidRecord = serde_json::from_str(&text).ok()?;
    (is_alive(rec.pid) && command_line(rec.pid).contains(&rec.program)).then_some(rec)
}

pub fn remove(state_dir: &Path, name: &str) {
    let _ = std::fs::remove_file(path(state_dir, name));
}

/// Alive and not a zombie.
pub fn is_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state letter follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// A running process of `program` whose environment has `key=value` (how a daemon started by
/// hand on our repo is found).
pub fn find_by_env(program: &str, key: &str, value: &Path) -> Option<u32> {
    let wanted = format!("{key}={}", value.display());
    let entries = std::fs::read_dir("/proc").ok()?;
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let cmd = command_line(*pid);
            cmd.split(' ')
                .next()
                .is_some_and(|argv0| argv0.ends_with(program))
                && cmd.contains(" daemon")
                && is_alive(*pid)
                && std::fs::read(format!("/proc/{pid}/environ"))
                    .map(|env| env.split(|b| *b == 0).any(|kv| kv == wanted.as_bytes()))
                    .unwrap_or(false)
        })
}
