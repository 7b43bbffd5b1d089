//! Where the `dashboard` CLI's snapshot comes from, and the Model built around it the way the
//! dashboard builds its own: the operation history's newest entries, the alert log, and on
//! demand the pin list, a daemon's log tail or the audit analysis.
//!
//! The snapshot: `--snapshot FILE` (a `--once --json` document, optionally with the rings
//! under `history`), else the running daemon's (found through `<state>/api`, as every
//! client mode finds it), else the `[monitoring.outputs] snapshot_file` a running dashboard or
//! `supervise` keeps rewriting, when fresh and `--refresh` was not given, else one
//! collection pass (`collect_once`, as `--once`). The charts' rings are the running
//! collector's, saved in the cache, when the snapshot does not carry its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use serde::Serialize;

use crate::cache::Cache;
use crate::cmd::{DataError, UsageError};
use crate::config::Config;
use crate::model::{History, SavedHistory, Snapshot};
use crate::tui::model::{AppInfo, Model};

use super::registry::Needs;

/// A snapshot file older than this is not "the screen now": collect instead.
pub const FRESH: Duration = Duration::from_secs(30);

/// Where the snapshot came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Origin {
    /// One collection pass by this command.
    Collected,
    /// The snapshot file a running collector writes.
    SnapshotFile { path: PathBuf },
    /// `--snapshot FILE`.
    Given { path: PathBuf },
    /// The running daemon's API (`<state>/api`): its latest snapshot and its rings.
    Daemon { url: String },
}

/// The snapshot and how it was had.
pub struct Obtained {
    pub snap: Arc<Snapshot>,
    pub origin: Origin,
    /// The charts' rings came from a running collector (the cache).
    pub rings_from_cache: bool,
}

/// How to get the snapshot.
#[derive(Clone, Debug, Default)]
pub struct Want {
    /// Collect now even when a fresh snapshot file exists.
    pub refresh: bool,
    /// `--snapshot FILE`.
    pub file: Option<PathBuf>,
    /// Deadline of a collection pass.
    pub timeout: Duration,
    /// A running daemon's rings are not needed (the status, the snapshot document): one
    /// request instead of two.
    pub skip_rings: bool,
    /// The daemon already found (a long-running caller keeps one: the MCP server); else it
    /// is looked for.
    pub remote: Option<crate::api::client::Remote>,
    /// A collector the caller keeps running (the MCP server without a daemon): its newest
    /// snapshot instead of a one-off collection pass.
    pub local: Option<tokio::sync::watch::Receiver<Arc<Snapshot>>>,
}

fn rings_key(cfg: &Config) -> String {
    // The key the collector saves them under (collector/tasks.rs).
    format!("history:{}", cfg.kubo.api.endpoint)
}

fn cached_rings(cfg: &Config) -> Option<SavedHistory> {
    Cache::open(&cfg.cache).get_json::<SavedHistory>(&rings_key(cfg))
}

pub async fn obtain(cfg: &Config, want: &Want) -> anyhow::Result<Obtained> {
    if let Some(path) = &want.file {
        let (mut snap, rings) = read_file(path)?;
        let from_cache = rings.is_none();
        let rings = rings.or_else(|| cached_rings(cfg));
        if let Some(r) = &rings {
            snap.history = Arc::new(History::from_saved(r, cfg.history));
        }
        return Ok(Obtained {
            snap: Arc::new(snap),
            origin: Origin::Given { path: path.clone() },
            rings_from_cache: from_cache && rings.is_some(),
        });
    }
    // A running daemon (`supervise`, or a dashboard with its own collector) has the
    // snapshot the screen draws now, and its charts' rings.
    let remote = match &want.remote {
        Some(r) => Some(r.clone()),
        None => crate::api::client::attach(cfg, None, None)
            .await
            .ok()
            .flatten(),
    };
    if let Some(remote) = remote
        && let Ok(mut snap) = remote.snapshot().await
    {
        if !want.skip_rings
            && let Ok(h) = remote.series().await
        {
            snap.history = Arc::new(h);
        }
        return Ok(Obtained {
            snap: Arc::new(snap),
            origin: Origin::Daemon {
                url: remote.url.to_string(),
            },
            rings_from_cache: false,
        });
    }
    if let Some(mut local) = want.local.clone() {
        // Its first pass may still be running: wait for it (at most the pass's deadline).
        let polled = |s: &Snapshot| s.kubo.last_attempt.is_some();
        let _ = tokio::time::timeout(want.timeout, local.wait_for(|s| polled(s))).await;
        let snap = local.borrow().clone();
        return Ok(Obtained {
            snap,
            origin: Origin::Collected,
            rings_from_cache: false,
        });
    }
    let rings = cached_rings(cfg);
    if !want.refresh
        && let Some(path) = cfg.snapshot_file.as_deref().filter(|p| fresh(p))
        && let Ok((mut snap, _)) = read_file(path)
    {
        if let Some(r) = &rings {
            snap.history = Arc::new(History::from_saved(r, cfg.history));
        }
        return Ok(Obtained {
            snap: Arc::new(snap),
            origin: Origin::SnapshotFile {
                path: path.to_path_buf(),
            },
            rings_from_cache: rings.is_some(),
        });
    }
    let snap = crate::collector::collect_once_with(cfg, want.timeout, rings.as_ref()).await;
    Ok(Obtained {
        snap,
        origin: Origin::Collected,
        rings_from_cache: rings.is_some(),
    })
}

fn fresh(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age <= FRESH)
}

/// A `--once --json` document; `history`, when present, holds the rings as the cache keeps
/// them (`SavedHistory`).
pub fn read_file(path: &Path) -> anyhow::Result<(Snapshot, Option<SavedHistory>)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError::new(
            "--snapshot",
            path.display().to_string(),
            format!("cannot read it: {e}"),
        )
    })?;
    parse(&text).map_err(|e| {
        DataError(format!(
            "{}: not a snapshot document (`ipfs-kit --once --json`): {e}",
            path.display()
        ))
        .into()
    })
}

/// The document's text as a snapshot and its optional rings.
pub fn parse(text: &str) -> Result<(Snapshot, Option<SavedHistory>), serde_json::Error> {
    let mut v: serde_json::Value = serde_json::from_str(text)?;
    let rings = match v.as_object_mut().and_then(|o| o.remove("history")) {
        Some(h) => Some(serde_json::from_value::<SavedHistory>(h)?),
        None => None,
    };
    Ok((serde_json::from_value(v)?, rings))
}

/// The Model the dashboard would draw this snapshot with: its theme from `--ascii`, the
/// operation history's newest entries and the alert log as the dashboard loads them.
pub fn model(cfg: &Config, mut snap: Snapshot, ascii: bool) -> Model {
    if snap.alert_log.is_empty() {
        snap.alert_log = Arc::new(alert_log(cfg));
    }
    let info = AppInfo {
        config_path: cfg
            .file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        log_dir: cfg.state_dir.join("logs").display().to_string(),
        version: format!("ipfs-kit {}", env!("CARGO_PKG_VERSION")),
        ..AppInfo::default()
    };
    let theme = crate::tui::theme::from_env(None, ascii);
    let mut m = Model::new(info, theme, Arc::new(snap), (200, 60));
    m.audit = recent_ops(cfg);
    m
}

/// What the dashboard's collector keeps in `Snapshot::alert_log`.
fn alert_log(cfg: &Config) -> Vec<crate::alerts::AlertEvent> {
    match crate::alerts::AlertHistory::open(&cfg.state_dir, 500) {
        Ok((log, _)) => log
            .recent()
            .take(crate::collector::ALERT_LOG_ROWS)
            .cloned()
            .collect(),
        Err(e) => {
            tracing::warn!("alert history: {e}");
            Vec::new()
        }
    }
}

/// The newest history entries as the dashboard's Operations list has them; `None` when the
/// history cannot be read (the list then shows this run's own actions: none).
fn recent_ops(cfg: &Config) -> Option<Vec<crate::ophistory::OpEntry>> {
    let opts = cfg.op_history.options(cfg.state_dir.clone());
    match crate::ophistory::OpHistory::open(&opts) {
        Ok((h, _)) => Some(h.recent(crate::tui::effects::AUDIT_ROWS)),
        Err(e) => {
            tracing::warn!("operation history: {e}");
            None
        }
    }
}

/// Loads what `needs` asks for into the Model, as the dashboard's effects would.
pub async fn load(cfg: &Config, m: &mut Model, needs: Needs) -> anyhow::Result<()> {
    match needs {
        Needs::Nothing => {}
        Needs::Pins => m.pins = crate::tui::effects::load_pins(cfg).await,
        Needs::Fleet => {
            let token = crate::api::client::default_token(cfg, None);
            let rows =
                crate::cmd::fleet::ask_all(&cfg.fleet, token, std::time::Duration::from_secs(5))
                    .await;
            m.fleet = Some(crate::tui::model::FleetState {
                rows: std::sync::Arc::new(rows),
                ..Default::default()
            });
        }
        Needs::Log => {
            let first = crate::tui::lists::daemon_rows(m)
                .first()
                .map(|d| (d.name.clone(), d.log.clone()));
            if let Some((name, path)) = first {
                m.log = Some(
                    tokio::task::spawn_blocking(move || {
                        crate::tui::effects::read_tail(&name, &path)
                    })
                    .await
                    .context("reading the daemon log")?,
                );
            }
        }
        Needs::Analysis => {
            let setup = crate::tui::analysis::Setup {
                state_dir: cfg.state_dir.clone(),
                sources: None,
                policy: cfg.audit.policy.clone(),
                off_hours: (cfg.audit.off_hours_start, cfg.audit.off_hours_end),
                local: crate::tui::effects::local_offset(),
            };
            let q = m.analysis.query.clone();
            let view = tokio::task::spawn_blocking(move || {
                crate::tui::analysis::worker::analyse_once(&setup, &q)
            })
            .await
            .context("the audit analysis")?;
            m.analysis.view = Some(Arc::new(view));
        }
    }
    Ok(())
}
