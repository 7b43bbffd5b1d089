//! Reading the trail back, newest first, across the rotated files. Needs no writer, so
//! `ipfs-kit history` can read while a dashboard appends.

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::entry::{OpEntry, OpStatus};
use super::error::HistoryError;
use super::jsonl::{self, ReadWarning};

pub(crate) const STEM: &str = "history";

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: Option<OpStatus>,
    /// Operations that started at or after this time.
    pub since: Option<DateTime<Utc>>,
    pub limit: Option<usize>,
}

impl Filter {
    fn matches(&self, e: &OpEntry) -> bool {
        self.status.is_none_or(|s| s == e.status) && self.since.is_none_or(|t| e.timestamp >= t)
    }
}

/// `--since` for the CLI: a duration back from `now` ("24h", "90m", "7d") or an RFC 3339 time.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    const ACCEPTED: &str = "expected a duration back such as 24h, 90m or 7d, or an RFC 3339 time such as 2026-01-02T03:04:05Z";
    let ago = humantime::parse_duration(text).map_err(|e| format!("{e}; {ACCEPTED}"))?;
    chrono::Duration::from_std(ago)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
        .ok_or_else(|| format!("that reaches too far back; {ACCEPTED}"))
}

#[derive(Clone, Debug, Default)]
pub struct QueryResult {
    /// Newest first; one entry per operation (its latest line).
    pub entries: Vec<OpEntry>,
    /// Lines that were skipped, for the caller to print.
    pub warnings: Vec<ReadWarning>,
}

/// Reads the history under `dir`. Order is the order lines were written, newest first; an
/// operation's `running` line is hidden by its outcome line, so `status` filters outcomes.
pub fn query(dir: &Path, filter: &Filter) -> Result<QueryResult, HistoryError> {
    let mut out = QueryResult::default();
    let mut seen = HashSet::new();
    let limit = filter.limit.unwrap_or(usize::MAX);
    for path in jsonl::files_newest_first(dir, STEM) {
        if out.entries.len() >= limit {
            break;
        }
        let (entries, warnings) = jsonl::read_file::<OpEntry>(&path)?;
        out.warnings.extend(warnings);
        for e in entries.into_iter().rev() {
            if !seen.insert(e.operation_id.clone()) || !filter.matches(&e) {
                continue;
            }
            out.entries.push(e);
            if out.entries.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}
