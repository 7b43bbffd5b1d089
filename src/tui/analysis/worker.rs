//! The analysis worker: a thread of its own that keeps the loaded Index, reloads it when a
//! history file changes (one `stat` per file every few seconds), recomputes the Audit view
//! when the query or the files change, and sends each result out. Nothing here runs on the
//! event loop: asking is a channel send, and the loop draws whatever last arrived.
//!
//! A std thread rather than `spawn_blocking`: the work is CPU-bound and long-lived, owns its
//! Index across requests, and must not hold one of tokio's blocking threads for the whole
//! session. It ends when the `Worker` (held by the event loop's `Effects`) is dropped.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use chrono::Utc;
use ipfs_kit_audit::Index;
use ipfs_kit_audit::compliance::Policy;
use ipfs_kit_audit::time::Local;

use super::compute::{PolicyChoice, compute};
use super::input;
use super::view::{AuditQuery, AuditView};

/// How often the files are looked at for changes.
pub const POLL: Duration = Duration::from_secs(3);

/// The sample policy, used when the config names none.
pub const EXAMPLE_POLICY: &str = include_str!("../../../assets/audit-policy.example.toml");

/// What the worker reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// Work started (loading or analysing) for this query.
    Busy(AuditQuery),
    Done(Arc<AuditView>),
}

/// Where the history is and which policy scores it.
#[derive(Clone, Debug)]
pub struct Setup {
    pub state_dir: PathBuf,
    /// Extra or replacement sources (tests); `None` = the state dir's defaults.
    pub sources: Option<Vec<PathBuf>>,
    /// The policy file from the config; `None` = the embedded sample.
    pub policy: Option<PathBuf>,
    /// `[audit] off_hours_start/end`, local hours.
    pub off_hours: (u8, u8),
    pub local: Local,
}

/// The handle: asking never blocks. Dropping it ends the thread.
pub struct Worker {
    tx: mpsc::Sender<Option<AuditQuery>>,
}

impl Worker {
    pub fn spawn(setup: Setup, out: impl Fn(Report) + Send + 'static) -> Worker {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("audit-analysis".into())
            .spawn(move || run(setup, rx, out));
        if let Err(e) = spawned {
            tracing::warn!("cannot start the audit analysis thread: {e}");
        }
        Worker { tx }
    }

    /// Asks for `q` (a newer request replaces one not yet started); `None` pauses the
    /// worker (the tab is not shown: no file watching, no recomputing) until the next ask.
    pub fn ask(&self, q: Option<AuditQuery>) {
        let _ = self.tx.send(q);
    }
}

/// The policy named by the config, or the sample; a bad one is an error in words with its
/// file:line:col.
pub fn policy(path: Option<&PathBuf>) -> PolicyChoice {
    match path {
        None => Policy::parse("assets/audit-policy.example.toml", EXAMPLE_POLICY)
            .map_err(|e| e.to_string()),
        Some(p) => {
            let name = p.display().to_string();
            let src = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read the audit policy {name}: {e}"))?;
            Policy::parse(&name, &src).map_err(|e| e.to_string())
        }
    }
}

/// What the view says about its input and its cost.
fn annotate(view: &mut AuditView, bad: u64, problems: &[String], sources: usize, started: Instant) {
    view.bad_lines = bad;
    view.problems = problems.to_vec();
    view.sources = sources;
    view.took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
}

/// One analysis now, on this thread, as the worker would compute it (the `dashboard` CLI's
/// Audit widgets and the operations heat map).
pub fn analyse_once(setup: &Setup, q: &AuditQuery) -> AuditView {
    let started = Instant::now();
    let files = setup
        .sources
        .clone()
        .unwrap_or_else(|| input::sources(&setup.state_dir));
    let (ix, report, mut problems) = input::load(&files);
    problems.extend(load_problems(&report));
    let pol = policy(setup.policy.as_ref());
    let mut view = compute(&ix, q, Utc::now(), setup.local, setup.off_hours, &pol);
    annotate(&mut view, report.bad_lines, &problems, files.len(), started);
    view
}

fn load_problems(report: &ipfs_kit_audit::LoadReport) -> impl Iterator<Item = String> + '_ {
    report
        .bad
        .iter()
        .take(3)
        .map(|b| format!("skipped {}:{}: {}", b.source, b.line, b.message))
}

fn run(setup: Setup, rx: mpsc::Receiver<Option<AuditQuery>>, out: impl Fn(Report)) {
    let paths = || {
        setup
            .sources
            .clone()
            .unwrap_or_else(|| input::sources(&setup.state_dir))
    };
    let mut query: Option<AuditQuery> = None;
    let mut loaded: Option<(input::Signature, Index, u64, Vec<String>, usize)> = None;
    let mut policy_choice: Option<(Option<std::time::SystemTime>, PolicyChoice)> = None;
    let mut last_run = Instant::now();
    loop {
        let mut asked = false;
        match rx.recv_timeout(POLL) {
            Ok(q) => {
                query = q;
                asked = true;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        // Only the newest request matters.
        while let Ok(q) = rx.try_recv() {
            query = q;
            asked = true;
        }
        // Nothing is loaded until the Audit tab asks, nor watched while it is not shown.
        let Some(q) = query.clone() else { continue };
        let files = paths();
        let sig = input::signature(&files);
        let stale = loaded.as_ref().is_none_or(|(s, ..)| *s != sig);
        // A policy file edited while the dashboard runs is read again.
        let pmod = setup
            .policy
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok()?.modified().ok());
        let policy_stale = policy_choice.as_ref().is_none_or(|(m, _)| *m != pmod);
        // The "last 1h" range moves with the clock: recompute at least every minute.
        let clock = q.range.millis().is_some() && last_run.elapsed() >= Duration::from_secs(60);
        if !(asked || stale || policy_stale || clock) {
            continue;
        }
        out(Report::Busy(q.clone()));
        let started = Instant::now();
        if policy_stale {
            policy_choice = Some((pmod, policy(setup.policy.as_ref())));
        }
        if stale {
            let (ix, report, mut problems) = input::load(&files);
            problems.extend(load_problems(&report));
            loaded = Some((sig, ix, report.bad_lines, problems, files.len()));
        }
        let Some((_, ix, bad, problems, n_sources)) = &loaded else {
            continue;
        };
        let Some((_, pol)) = &policy_choice else {
            continue;
        };
        let mut view = compute(ix, &q, Utc::now(), setup.local, setup.off_hours, pol);
        annotate(&mut view, *bad, problems, *n_sources, started);
        last_run = Instant::now();
        out(Report::Done(Arc::new(view)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_policy_parses() {
        assert!(policy(None).is_ok());
    }

    #[test]
    fn bad_policy_names_file_line_col() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("policy.toml");
        std::fs::write(&p, "[[rules]]\nid = \"x\"\nkind = \"no_such_kind\"\n").expect("write");
        let e = policy(Some(&p)).expect_err("bad policy");
        assert!(e.starts_with(&format!("{}:", p.display())), "{e}");
        assert!(e.contains(":1:") || e.contains(":3:"), "{e}");
    }

    #[test]
    fn asks_never_wait_and_files_are_reloaded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("history.jsonl");
        let line = |id: &str| {
            format!(
                r#"{{"timestamp":"2026-11-21T10:00:00Z","event_id":"{id}","operation_id":"{id}","session_id":"s","event_type":"pin","action":"pin.add","user_id":"u","status":"ok","details":{{}}}}"#
            ) + "\n"
        };
        std::fs::write(&file, line("a")).expect("write");
        let (tx, rx) = mpsc::channel();
        let w = Worker::spawn(
            Setup {
                state_dir: dir.path().to_path_buf(),
                sources: None,
                policy: None,
                off_hours: (22, 6),
                local: Local::UTC,
            },
            move |r| {
                let _ = tx.send(r);
            },
        );
        let t = Instant::now();
        w.ask(Some(AuditQuery::default()));
        assert!(t.elapsed() < Duration::from_millis(50));
        let done = |rx: &mpsc::Receiver<Report>| loop {
            match rx.recv_timeout(Duration::from_secs(20)).expect("a report") {
                Report::Done(v) => return v,
                Report::Busy(_) => {}
            }
        };
        assert_eq!(done(&rx).loaded, 1);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .and_then(|mut f| std::io::Write::write_all(&mut f, line("b").as_bytes()))
            .expect("append");
        // Picked up by the next look at the files, without being asked.
        assert_eq!(done(&rx).loaded, 2);
    }
}
