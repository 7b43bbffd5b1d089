//! Running the dashboard's commands: each effect starts here and its outcome comes back to
//! `update` as a message. Actions on the node (daemons, pins, acknowledgements) go through
//! `crate::actions`, the same path as the HTTP API's, and are written to the operation
//! history there; wizards and repo gc are recorded by their own code or here.

use std::time::{Duration, SystemTime};

use chrono::Utc;
use tokio::sync::mpsc;

use super::model::{DaemonAction, LogTail, PinList, PinRow, WizardChoice};
use super::update::{Command, Msg};
use crate::actions::{Actions, Request};
use crate::collector::Collector;
use crate::config::Config;
use crate::ophistory::{EventType, NewOp, OpHistory};
use crate::supervisor::service::Action;

/// Pins the Pins tab loads at most.
pub const PIN_LIST_LIMIT: usize = 5000;
/// Bytes read from the end of a daemon log.
const LOG_TAIL_BYTES: u64 = 256 * 1024;
/// Lines kept of that.
const LOG_TAIL_LINES: usize = 2000;
/// Entries of the operation history the dashboard shows.
pub const AUDIT_ROWS: usize = 300;

/// What commands need: the config, the collector, the supervisor, the history, and where
/// their outcomes go.
pub struct Effects {
    pub cfg: Config,
    pub tx: mpsc::UnboundedSender<Msg>,
    /// Daemons, pins, acknowledgements: the one way in the API uses too.
    pub actions: Actions,
    pub ops: Option<OpHistory>,
    /// The log last sent to the model: daemon, size, modification time.
    last_log: Option<(String, u64, Option<SystemTime>)>,
    /// The newest history line sent to the model.
    last_audit: Option<String>,
    /// The Audit tab's analysis thread, once the tab was opened.
    analysis: Option<crate::tui::analysis::Worker>,
}

/// This host's UTC offset now, for the heat maps' hours and days.
pub fn local_offset() -> ipfs_kit_audit::time::Local {
    let secs = chrono::Local::now().offset().local_minus_utc();
    ipfs_kit_audit::time::Local::new(secs / 60)
}

/// A command the event loop itself must carry out (it owns the terminal).
pub enum Handover {
    Wizard {
        op: u64,
        kind: WizardChoice,
    },
    /// Show fleet node `name` (`None`: this dashboard's own node).
    View(Option<String>),
}

impl Effects {
    pub fn new(
        cfg: Config,
        tx: mpsc::UnboundedSender<Msg>,
        actions: Actions,
        ops: Option<OpHistory>,
    ) -> Self {
        Effects {
            cfg,
            tx,
            actions,
            ops,
            last_log: None,
            last_audit: None,
            analysis: None,
        }
    }

    fn started(&self, op: u64) {
        let _ = self.tx.send(Msg::OpStarted {
            id: op,
            at: Utc::now(),
        });
    }

    /// Sends the history file's newest entries to the model.
    pub fn send_audit(&self) {
        if let Some(ops) = &self.ops {
            let _ = self.tx.send(Msg::Audit(ops.recent(AUDIT_ROWS)));
        }
    }

    /// As `send_audit`, only when the file has a line the model has not seen.
    pub fn send_audit_if_changed(&mut self) {
        let Some(ops) = &self.ops else { return };
        let newest = ops.recent(1).first().map(|e| e.event_id.clone());
        if newest != self.last_audit {
            self.last_audit = newest;
            self.send_audit();
        }
    }

    /// Finishes op `op` with `result`, in a task.
    fn spawn_op<F>(&self, op: u64, work: F)
    where
        F: std::future::Future<Output = Result<String, String>> + Send + 'static,
    {
        self.started(op);
        let tx = self.tx.clone();
        let ops = self.ops.clone();
        tokio::spawn(async move {
            let result = work.await;
            let _ = tx.send(Msg::OpFinished {
                id: op,
                at: Utc::now(),
                result,
            });
            if let Some(ops) = ops {
                let _ = tx.send(Msg::Audit(ops.recent(AUDIT_ROWS)));
            }
        });
    }

    /// Starts a command; returns what only the event loop can do.
    /// `collector`: this process's own, `None` while attached to a daemon.
    pub fn run(&mut self, collector: Option<&Collector>, cmd: Command) -> Option<Handover> {
        match cmd {
            Command::Quit => {}
            Command::Stamp { op } => self.started(op),
            Command::Refresh { op } => {
                self.started(op);
                if let Some(c) = collector {
                    c.refresh_now();
                }
            }
            Command::RepoGc { op } => {
                let api = self.cfg.kubo.api.clone();
                let ops = self.ops.clone();
                self.spawn_op(op, async move {
                    let began = std::time::Instant::now();
                    let result = repo_gc(&api).await;
                    // Written when done (the dashboard shows it running meanwhile).
                    if let Some(ops) = ops {
                        let mut entry = NewOp::new(EventType::System, super::keymap::GC_ACTION)
                            .resource("repo", api.endpoint.to_string());
                        let status = match &result {
                            Ok(what) => {
                                entry = entry.detail("result", what.clone());
                                crate::ophistory::OpStatus::Ok
                            }
                            Err(e) => {
                                entry = entry.detail("error", e.clone());
                                crate::ophistory::OpStatus::Failed
                            }
                        };
                        let _ = ops.record_timed(entry, status, began.elapsed());
                    }
                    result
                });
            }
            Command::Daemon { op, action, name } => {
                let action = match action {
                    DaemonAction::Start => Action::Start,
                    DaemonAction::Stop => Action::Stop,
                    DaemonAction::Restart => Action::Restart,
                };
                self.act(op, Request::Daemon { action, name });
            }
            Command::Pin { op, cid } => self.act(op, Request::Pin { cid }),
            Command::Unpin { op, cid } => self.act(op, Request::Unpin { cid }),
            Command::LoadPins => {
                let (cfg, tx) = (self.cfg.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let _ = tx.send(Msg::Pins(load_pins(&cfg).await));
                });
            }
            Command::LoadLog { name, path } => {
                let meta = std::fs::metadata(&path).ok();
                let key = (
                    name.clone(),
                    meta.as_ref().map_or(0, |m| m.len()),
                    meta.as_ref().and_then(|m| m.modified().ok()),
                );
                if self.last_log.as_ref() == Some(&key) {
                    return None;
                }
                self.last_log = Some(key);
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::Log(read_tail(&name, &path)));
                });
            }
            Command::Acknowledge { id } => {
                // No op row: the alert's own state shows the outcome.
                let actions = self.actions.clone();
                tokio::spawn(async move {
                    if let Err(e) = actions.execute(Request::Ack { id }, None).await {
                        tracing::warn!("acknowledge: {e}");
                    }
                });
            }
            Command::Wizard { op, kind } => {
                self.started(op);
                return Some(Handover::Wizard { op, kind });
            }
            Command::Analyse(q) => self.analyse(q),
            Command::View(name) => return Some(Handover::View(name)),
        }
        None
    }

    /// Runs an action through `crate::actions` as op `op`.
    fn act(&self, op: u64, req: Request) {
        let actions = self.actions.clone();
        self.spawn_op(op, async move {
            actions
                .execute(req, None)
                .await
                .map(|done| done.message)
                .map_err(|e| e.to_string())
        });
    }

    /// Hands a query to the analysis worker, started on the first one (a dashboard that
    /// never opens the Audit tab never reads the history files for it).
    fn analyse(&mut self, q: Option<crate::tui::analysis::AuditQuery>) {
        use crate::tui::analysis::{Setup, Worker};
        if self.analysis.is_none() && q.is_some() {
            let tx = self.tx.clone();
            let setup = Setup {
                state_dir: self.cfg.state_dir.clone(),
                sources: None,
                policy: self.cfg.audit.policy.clone(),
                off_hours: (self.cfg.audit.off_hours_start, self.cfg.audit.off_hours_end),
                local: local_offset(),
            };
            self.analysis = Some(Worker::spawn(setup, move |r| {
                let _ = tx.send(Msg::Analysis(r));
            }));
        }
        if let Some(w) = &self.analysis {
            w.ask(q);
        }
    }

    /// Forgets which log was sent, so the next request reads it again (after a redraw from
    /// scratch, or when the model dropped it).
    pub fn forget_log(&mut self) {
        self.last_log = None;
    }
}

/// The Pins tab's list: through Cluster when it answers, else Kubo; the error kept in it.
pub async fn load_pins(cfg: &Config) -> PinList {
    match crate::pins::list(cfg, PIN_LIST_LIMIT).await {
        Ok((via, pins, truncated)) => PinList {
            via: via.as_str().into(),
            pins: pins
                .into_iter()
                .map(|p| PinRow {
                    cid: p.cid,
                    name: p.name,
                    status: p.status,
                })
                .collect(),
            truncated,
            error: None,
            loading: false,
        },
        Err(e) => PinList {
            error: Some(e),
            ..PinList::default()
        },
    }
}

/// The last lines of a log file, made safe to draw (no control characters).
pub fn read_tail(daemon: &str, path: &str) -> LogTail {
    use std::io::{Read, Seek, SeekFrom};
    let mut tail = LogTail {
        daemon: daemon.to_string(),
        path: path.to_string(),
        ..LogTail::default()
    };
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tail.error = Some(format!("no log yet at {path}"));
            return tail;
        }
        Err(e) => {
            tail.error = Some(format!("cannot read {path}: {e}"));
            return tail;
        }
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let from = len.saturating_sub(LOG_TAIL_BYTES);
    let mut bytes = Vec::new();
    if let Err(e) = f
        .seek(SeekFrom::Start(from))
        .and_then(|_| f.take(LOG_TAIL_BYTES).read_to_end(&mut bytes))
    {
        tail.error = Some(format!("cannot read {path}: {e}"));
        return tail;
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.lines().collect();
    if from > 0 && !lines.is_empty() {
        // The first line was cut by the read window.
        lines.remove(0);
    }
    let skip = lines.len().saturating_sub(LOG_TAIL_LINES);
    // Blank lines (Cluster ends some entries with an extra newline) only waste rows.
    tail.lines = lines[skip..]
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| ipfs_kit_widgets::sanitize::one_line(l).into_owned())
        .collect();
    tail
}

async fn repo_gc(api: &crate::config::ApiConfig) -> Result<String, String> {
    use crate::sources::http::HttpApi;
    let client = HttpApi::new(&api.endpoint, api.auth.clone(), Duration::from_secs(600))
        .map_err(|e| e.to_string())?;
    let removed = client
        .ndjson_count(
            reqwest::Method::POST,
            "api/v0/repo/gc",
            &[("quiet", "true")],
        )
        .await
        .map_err(|e| e.to_string())?;
    let blocks = if removed == 1 { "block" } else { "blocks" };
    tracing::info!(removed, "repo gc done");
    Ok(format!("removed {removed} {blocks}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_drops_the_cut_line_and_control_characters() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("kubo.log");
        let mut text = String::new();
        for i in 0..30_000 {
            text.push_str(&format!("line {i}\tx\u{1b}[31mred\u{7}\n"));
        }
        std::fs::write(&p, &text).expect("write");
        let t = read_tail("kubo", &p.display().to_string());
        assert_eq!(t.lines.len(), LOG_TAIL_LINES);
        assert_eq!(t.lines.last().map(String::as_str), Some("line 29999 xred?"));
        assert!(t.lines.iter().all(|l| l.starts_with("line ")));
        let missing = read_tail("kubo", &dir.path().join("none").display().to_string());
        assert!(missing.error.is_some_and(|e| e.contains("no log yet")));
    }
}
