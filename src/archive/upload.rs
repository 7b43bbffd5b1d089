//! The uploader: adds the rotated files waiting in `pending/` to Kubo, checks Kubo's CID
//! against the one the chain recorded, pins through Cluster when one answers, and records
//! each in the manifest and the operation history (`audit.archive`). Runs in the long-lived
//! processes (the dashboard's collector, `supervise`); a Kubo that is down is retried with
//! backoff, and nothing here ever holds up a rotation or a frame.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::kubo::Kubo;
use super::manifest::{Archived, Manifest};
use super::pending_dir;
use crate::config::Config;
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};

/// How often `pending/` is looked at when nothing failed.
const IDLE: Duration = Duration::from_secs(5);
/// Backoff after a failed upload: doubling from `RETRY_MIN` to `RETRY_MAX`.
const RETRY_MIN: Duration = Duration::from_secs(5);
const RETRY_MAX: Duration = Duration::from_secs(300);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadSummary {
    pub uploaded: Vec<String>,
    /// Kubo returned another CID than the chain recorded: (recorded, Kubo's).
    pub mismatched: Vec<(String, String)>,
    /// Pending copies whose bytes no longer have their CID (set aside as `.changed`).
    pub changed: Vec<String>,
    /// Files still waiting.
    pub waiting: usize,
    /// Why the pass stopped early (Kubo down), if it did.
    pub error: Option<String>,
}

/// The uploader task: a pass now, then every `IDLE`, or later by backoff. The node is
/// located again before each pass that has work (`supervise` starts Kubo after this task,
/// on a port it learns from the repo's `api` file).
pub fn spawn(cfg: &Config, ops: Option<OpHistory>) -> Option<tokio::task::JoinHandle<()>> {
    if !cfg.op_history.archive_to_ipfs {
        return None;
    }
    let base = cfg.clone();
    Some(tokio::spawn(async move {
        let mut failures = 0u32;
        loop {
            let s = upload_pending(&base, ops.as_ref()).await;
            let wait = if s.error.is_some() {
                failures = failures.saturating_add(1);
                RETRY_MIN
                    .saturating_mul(1 << failures.min(10).saturating_sub(1))
                    .min(RETRY_MAX)
            } else {
                failures = 0;
                IDLE
            };
            tokio::time::sleep(wait).await;
        }
    }))
}

/// One pass over `pending/` (also what `verify --upload` runs): locates the node, uploads.
pub async fn upload_pending(cfg: &Config, ops: Option<&OpHistory>) -> UploadSummary {
    let files = pending_files(&pending_dir(&cfg.state_dir));
    if files.is_empty() {
        return UploadSummary::default();
    }
    let mut located = cfg.clone();
    crate::locate::locate(&mut located).await;
    match Kubo::new(&located) {
        Ok(kubo) => pass(&kubo, &cfg.state_dir, files, ops).await,
        Err(e) => UploadSummary {
            waiting: files.len(),
            error: Some(e.to_string()),
            ..UploadSummary::default()
        },
    }
}

async fn pass(
    kubo: &Kubo,
    state_dir: &Path,
    files: Vec<(String, PathBuf)>,
    ops: Option<&OpHistory>,
) -> UploadSummary {
    let mut s = UploadSummary::default();
    // One uploader at a time per state dir (the dashboard and supervise may both run one).
    let Some(_lock) = try_lock(state_dir) else {
        s.waiting = files.len();
        return s;
    };
    let mut manifest = match Manifest::load(state_dir) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!("history archive: {e}");
            s.error = Some(e);
            s.waiting = files.len();
            return s;
        }
    };
    for (i, (cid, path)) in files.iter().enumerate() {
        let started = Instant::now();
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!("history archive: cannot read {}: {e}", path.display());
                continue;
            }
        };
        let facts = ipfs_kit_audit::chain::facts(&bytes);
        if &facts.cid != cid {
            // Changed after rotation (the chain has the original CID): keep it for a look,
            // out of the queue; `verify` reports the break.
            let aside = path.with_extension("jsonl.changed");
            let _ = fs::rename(path, &aside);
            tracing::warn!(
                "history archive: {} no longer has CID {cid} (now {}); set aside as {}",
                path.display(),
                facts.cid,
                aside.display()
            );
            record(ops, cid, started, OpStatus::Failed, |op| {
                op.detail("error", "the rotated file changed before upload")
                    .detail("actual_cid", facts.cid.clone())
            });
            s.changed.push(cid.clone());
            continue;
        }
        let name = format!("history-{cid}.jsonl");
        let kubo_cid = match kubo.add(&name, &bytes).await {
            Ok(c) => c,
            Err(e) => {
                s.error = Some(e.to_string());
                s.waiting = files.len() - i;
                tracing::info!("history archive: Kubo not reachable, retrying later: {e}");
                return s;
            }
        };
        if &kubo_cid != cid {
            tracing::warn!(
                "history archive: Kubo computed {kubo_cid} for {}, the chain recorded {cid} \
                 (does this Kubo import differently?)",
                path.display()
            );
            s.mismatched.push((cid.clone(), kubo_cid.clone()));
        }
        let cluster = match kubo.cluster_pin(cid).await {
            None => "not configured or not answering".to_string(),
            Some(Ok(())) => "pinned".to_string(),
            Some(Err(e)) => e.to_string(),
        };
        manifest.archived.insert(
            cid.clone(),
            Archived {
                bytes: facts.bytes,
                lines: facts.lines,
                archived_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                kubo_cid: kubo_cid.clone(),
                cluster: cluster.clone(),
            },
        );
        if let Err(e) = manifest.save(state_dir) {
            s.error = Some(format!("cannot save the archive manifest: {e}"));
            s.waiting = files.len() - i;
            return s;
        }
        let _ = fs::remove_file(path);
        let ok = &kubo_cid == cid;
        record(
            ops,
            cid,
            started,
            if ok { OpStatus::Ok } else { OpStatus::Failed },
            |op| {
                let op = op
                    .detail("bytes", facts.bytes)
                    .detail("lines", facts.lines)
                    .detail("cluster", cluster.clone());
                if ok {
                    op
                } else {
                    op.detail("kubo_cid", kubo_cid.clone())
                        .detail("error", "Kubo's CID differs from the recorded one")
                }
            },
        );
        s.uploaded.push(cid.clone());
    }
    s
}

/// `pending/<cid>.jsonl`, oldest first.
fn pending_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<(std::time::SystemTime, String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let cid = name.strip_suffix(".jsonl")?.to_string();
            crate::pins::parse_cid(&cid).ok()?;
            let t = e.metadata().and_then(|m| m.modified()).ok()?;
            Some((t, cid, e.path()))
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, c, p)| (c, p)).collect()
}

fn try_lock(state_dir: &Path) -> Option<File> {
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(super::archive_dir(state_dir).join("upload.lock"))
        .ok()?;
    f.try_lock().ok()?;
    Some(f)
}

fn record(
    ops: Option<&OpHistory>,
    cid: &str,
    started: Instant,
    status: OpStatus,
    details: impl FnOnce(NewOp) -> NewOp,
) {
    if let Some(ops) = ops {
        let op = details(NewOp::new(EventType::Data, "audit.archive").resource("history", cid));
        let _ = ops.record_timed(op, status, started.elapsed());
    }
}
