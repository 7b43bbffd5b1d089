//! The per-item report, one JSON object per line, and reading one back for `--resume`.
//!
//! Every item of a run gets a line as it finishes (and the items never sent get a `skipped`
//! line at the end), so a report cut short by Ctrl-C is still complete. A transaction's
//! rollback adds a `rolled_back` line for an item after its `ok` line: the last line for an
//! item is its state. A resumed run reports only what it does; append it to the earlier report
//! (the same `--report FILE`, or `>>`) to keep the whole picture in one file.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Add,
    Rm,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Rm => "rm",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done: pinned (or unpinned), or it already was.
    Ok,
    Failed,
    /// Never sent (`--fail-fast`, Ctrl-C, a repeated line) or cancelled in flight by Ctrl-C.
    Skipped,
    /// Pinned by this run, then unpinned again by `--transaction` (or re-pinned, for `rm`).
    RolledBack,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::RolledBack => "rolled_back",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    /// The CID pinned: the line's, or what its path resolved to.
    pub cid: String,
    /// The `/ipfs/` path, for a line that named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Line number in the input.
    pub line: usize,
    pub op: Op,
    pub outcome: Outcome,
    pub error: Option<String>,
    pub duration_ms: u64,
    /// Pinned before this run touched it (for `rm`: whether there was a pin to remove).
    pub already_pinned: bool,
    /// `cluster` or `kubo`.
    pub via: String,
}

impl ReportLine {
    /// The key `--resume` matches items on: the path, else the CID as the input wrote it.
    pub fn key(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.cid)
    }
}

/// Where report lines go: stdout or a file, line by line (flushed per line: a report must
/// survive the process being killed; at a few hundred per second this costs nothing).
pub struct ReportWriter {
    out: Box<dyn Write + Send>,
}

impl ReportWriter {
    pub fn stdout() -> Self {
        ReportWriter {
            out: Box::new(std::io::stdout()),
        }
    }

    /// A report file; `append` keeps what it holds (resuming into the same report).
    pub fn file(path: &Path, append: bool) -> std::io::Result<Self> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)?;
        Ok(ReportWriter { out: Box::new(f) })
    }

    pub fn write(&mut self, line: &ReportLine) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(256);
        crate::term::json::write_compact(&mut buf, line)?;
        buf.push(b'\n');
        self.out.write_all(&buf)?;
        self.out.flush()
    }
}

/// What an earlier report says: the state of each item (its last line), by op and key.
pub struct Resume {
    done: HashMap<(Op, String), Outcome>,
    /// Lines that could not be read (a line torn by a kill): number and reason.
    pub warnings: Vec<String>,
}

impl Resume {
    pub fn read(path: &Path) -> std::io::Result<Resume> {
        let file = std::fs::File::open(path)?;
        let mut done = HashMap::new();
        let mut warnings = Vec::new();
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<ReportLine>(&line) {
                Ok(r) => {
                    done.insert((r.op, r.key().to_string()), r.outcome);
                }
                Err(e) => warnings.push(format!("{}:{}: {e}", path.display(), i + 1)),
            }
        }
        Ok(Resume { done, warnings })
    }

    /// Whether the earlier run finished this item (its last line says `ok`).
    pub fn is_done(&self, op: Op, key: &str) -> bool {
        self.done.get(&(op, key.to_string())) == Some(&Outcome::Ok)
    }

    /// Items the report has for `op` (to warn when resuming `add` from an `rm` report).
    pub fn count(&self, op: Op) -> usize {
        self.done.keys().filter(|(o, _)| *o == op).count()
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cid: &str, outcome: Outcome) -> ReportLine {
        ReportLine {
            cid: cid.into(),
            path: None,
            line: 1,
            op: Op::Add,
            outcome,
            error: None,
            duration_ms: 3,
            already_pinned: false,
            via: "kubo".into(),
        }
    }

    #[test]
    fn the_last_line_of_an_item_is_its_state() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("r.jsonl");
        let mut w = ReportWriter::file(&p, false).expect("open");
        w.write(&line("a", Outcome::Ok)).expect("write");
        w.write(&line("b", Outcome::Ok)).expect("write");
        w.write(&line("b", Outcome::RolledBack)).expect("write");
        w.write(&line("c", Outcome::Failed)).expect("write");
        drop(w);
        // A torn last line (killed mid-write) is a warning, not an error.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut f| f.write_all(b"{\"cid\":\"d\",\"li"))
            .expect("append");
        let r = Resume::read(&p).expect("read");
        assert!(r.is_done(Op::Add, "a"));
        assert!(!r.is_done(Op::Add, "b"));
        assert!(!r.is_done(Op::Add, "c"));
        assert!(!r.is_done(Op::Rm, "a"));
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].contains("r.jsonl:5"), "{:?}", r.warnings);
    }
}
