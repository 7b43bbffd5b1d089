//! Events loaded, interned and sorted by time, with a posting list per key so that every
//! query after loading touches only the events it is about.

use std::io::{self, BufRead};
use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::events::{Event, Norm, Schema, Status, ms_to_time, parse_norm};
use crate::intern::{BulkInterner, Interner, NONE};

/// One event as the index keeps it: 80 bytes, every text interned.
#[derive(Clone, Copy, Debug)]
pub struct Rec {
    /// Unix milliseconds.
    pub t: i64,
    pub id: u32,
    pub user: u32,
    pub action: u32,
    pub event_type: u32,
    /// In `resources`, like `cid` and `daemon`.
    pub resource: u32,
    pub resource_type: u32,
    pub operation: u32,
    pub session: u32,
    pub transaction: u32,
    pub subsystem: u32,
    pub ip: u32,
    pub cid: u32,
    pub daemon: u32,
    /// `u32::MAX` when absent.
    pub duration_ms: u32,
    /// Into `Index::details`.
    pub details_at: u32,
    pub line: u32,
    pub source: u16,
    pub n_details: u8,
    pub status: Status,
    pub schema: Schema,
}

impl Rec {
    pub fn failed(&self) -> bool {
        self.status == Status::Failed
    }
    pub fn duration(&self) -> Option<u32> {
        (self.duration_ms != u32::MAX).then_some(self.duration_ms)
    }
}

/// Compressed posting lists: the event indices of key `k` are `items[offsets[k]..offsets[k+1]]`,
/// ascending (so also in time order).
#[derive(Clone, Debug, Default)]
pub struct Postings {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Postings {
    fn build(n_keys: usize, recs: &[Rec], key: impl Fn(&Rec) -> u32) -> Postings {
        let mut offsets = vec![0u32; n_keys + 1];
        for r in recs {
            let k = key(r);
            if k != NONE {
                offsets[k as usize + 1] += 1;
            }
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut items = vec![0u32; offsets[n_keys] as usize];
        let mut pos = offsets.clone();
        for (i, r) in recs.iter().enumerate() {
            let k = key(r);
            if k != NONE {
                items[pos[k as usize] as usize] = i as u32;
                pos[k as usize] += 1;
            }
        }
        Postings { offsets, items }
    }

    pub fn get(&self, key: u32) -> &[u32] {
        let k = key as usize;
        match (self.offsets.get(k), self.offsets.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    pub fn keys(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
}

/// A line that was skipped, with where it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BadLine {
    pub source: String,
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: skipped: {}",
            self.source, self.line, self.message
        )
    }
}

/// What loading found, per run.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct LoadReport {
    pub events: usize,
    pub lines: u64,
    pub blank_lines: u64,
    pub bad_lines: u64,
    /// Chain lines at the top of rotated history files (`chain.rs`): skipped, not bad.
    pub chain_lines: u64,
    /// The first `MAX_BAD_KEPT` bad lines (all are counted).
    pub bad: Vec<BadLine>,
    pub by_schema: SchemaCounts,
}

#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct SchemaCounts {
    pub op_history: u64,
    pub alerts: u64,
    pub python: u64,
}

pub const MAX_BAD_KEPT: usize = 100;

/// Reads lines from any number of sources, then `finish` builds the index.
#[derive(Default)]
pub struct Loader {
    pub(crate) recs: Vec<Rec>,
    pub(crate) f: Fields,
    pub(crate) details: Vec<(u32, u32)>,
    pub(crate) report: LoadReport,
    pub(crate) sources: Vec<String>,
}

/// The interners, shared by loader and index.
#[derive(Default, Clone, Debug)]
pub struct Fields {
    pub ids: BulkInterner,
    pub users: Interner,
    pub actions: Interner,
    pub event_types: Interner,
    pub resources: Interner,
    pub resource_types: Interner,
    pub operations: BulkInterner,
    pub sessions: Interner,
    pub transactions: Interner,
    pub subsystems: Interner,
    pub ips: Interner,
    pub detail_keys: Interner,
    pub detail_values: Interner,
}

impl Loader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads every line of `input`, naming it `source` in bad-line reports. Only an I/O
    /// error reading the input is an error; bad lines are counted and reported.
    pub fn read<R: BufRead>(&mut self, source: &str, input: R) -> io::Result<()> {
        let src = self.source(source);
        crate::parallel::read_parallel(self, src, source, input)
    }

    /// Adds lines from an iterator (the TUI's in-memory history, tests).
    pub fn read_lines<'l>(&mut self, source: &str, lines: impl IntoIterator<Item = &'l str>) {
        let src = self.source(source);
        for (i, l) in lines.into_iter().enumerate() {
            self.push_bytes(src, (i + 1) as u32, l.as_bytes(), false);
        }
    }

    /// Adds an event built by the caller (the generator, tests).
    pub fn push_event(&mut self, e: &Event) {
        let src = self.source("<events>");
        let line = self.recs.len() as u32 + 1;
        let norm = Norm {
            time_ms: e.time.timestamp_millis(),
            id: e.id.as_deref().map(Into::into),
            event_type: e.event_type.as_str().into(),
            action: e.action.as_str().into(),
            user: e.user.as_deref().map(Into::into),
            resource_type: e.resource_type.as_deref().map(Into::into),
            resource_id: e.resource_id.as_deref().map(Into::into),
            status: e.status,
            subsystem: e.subsystem.as_deref().map(Into::into),
            operation_id: e.operation_id.as_deref().map(Into::into),
            session_id: e.session_id.as_deref().map(Into::into),
            transaction_id: e.transaction_id.as_deref().map(Into::into),
            ip: e.ip.as_deref().map(Into::into),
            duration_ms: e.duration_ms,
            cid: e.cid.as_deref().map(Into::into),
            daemon: e.daemon.as_deref().map(Into::into),
            details: e
                .details
                .iter()
                .map(|(k, v)| (k.as_str().into(), v.as_str().into()))
                .collect(),
            schema: e.schema,
        };
        self.push_norm(src, line, norm);
    }

    /// Room for `lines` more lines without regrowing.
    pub(crate) fn reserve(&mut self, lines: usize) {
        self.recs.reserve(lines);
        self.details.reserve(lines);
        self.f.ids.reserve(lines);
        self.f.operations.reserve(lines);
    }

    pub(crate) fn source(&mut self, name: &str) -> u16 {
        if let Some(i) = self.sources.iter().position(|s| s == name) {
            return i as u16;
        }
        self.sources.push(name.to_string());
        (self.sources.len() - 1).min(u16::MAX as usize) as u16
    }

    pub(crate) fn push_bytes(&mut self, src: u16, line: u32, bytes: &[u8], torn: bool) {
        self.report.lines += 1;
        let trimmed = trim(bytes);
        if trimmed.is_empty() {
            self.report.blank_lines += 1;
            return;
        }
        match parse_norm(trimmed) {
            Ok(n) => self.push_norm(src, line, n),
            Err(crate::events::LineError::ChainHeader) => self.report.chain_lines += 1,
            Err(e) => {
                let message = if torn {
                    format!("torn line (no newline at the end of the input): {e}")
                } else {
                    e.to_string()
                };
                self.bad(src, line, message);
            }
        }
    }

    fn bad(&mut self, src: u16, line: u32, message: String) {
        self.report.bad_lines += 1;
        if self.report.bad.len() < MAX_BAD_KEPT {
            self.report.bad.push(BadLine {
                source: self.sources[src as usize].clone(),
                line,
                message,
            });
        }
    }

    fn push_norm(&mut self, src: u16, line: u32, n: Norm<'_>) {
        let f = &mut self.f;
        let details_at = self.details.len() as u32;
        let n_details = n.details.len().min(255);
        for (k, v) in n.details.iter().take(n_details) {
            self.details
                .push((f.detail_keys.intern(k), f.detail_values.intern(v)));
        }
        match n.schema {
            Schema::OpHistory => self.report.by_schema.op_history += 1,
            Schema::Alerts => self.report.by_schema.alerts += 1,
            Schema::Python => self.report.by_schema.python += 1,
        }
        self.recs.push(Rec {
            t: n.time_ms,
            id: f.ids.push(n.id.as_deref()),
            user: f.users.opt(n.user.as_deref()),
            action: f.actions.intern(&n.action),
            event_type: f.event_types.intern(&n.event_type),
            resource: f.resources.opt(n.resource_id.as_deref()),
            resource_type: f.resource_types.opt(n.resource_type.as_deref()),
            operation: f.operations.push(n.operation_id.as_deref()),
            session: f.sessions.opt(n.session_id.as_deref()),
            transaction: f.transactions.opt(n.transaction_id.as_deref()),
            subsystem: f.subsystems.opt(n.subsystem.as_deref()),
            ip: f.ips.opt(n.ip.as_deref()),
            cid: f.resources.opt(n.cid.as_deref()),
            daemon: f.resources.opt(n.daemon.as_deref()),
            duration_ms: n
                .duration_ms
                .map_or(u32::MAX, |d| d.min(u32::MAX as u64 - 1) as u32),
            details_at,
            line,
            source: src,
            n_details: n_details as u8,
            status: n.status,
            schema: n.schema,
        });
    }

    /// Sorts by time (stable: lines of one instant keep their order) and builds the postings.
    pub fn finish(self) -> (Index, LoadReport) {
        let Loader {
            mut recs,
            mut f,
            details,
            mut report,
            sources,
        } = self;
        // Slots become dense ids: the one sort per field that replaces a table probe per line.
        let (ids, operations) = (&mut f.ids, &mut f.operations);
        let (id_of, op_of) = std::thread::scope(|sc| {
            let ops = sc.spawn(|| operations.seal());
            let id_of = ids.seal();
            (
                id_of,
                ops.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        });
        for r in &mut recs {
            if r.id != NONE {
                r.id = id_of[r.id as usize];
            }
            if r.operation != NONE {
                r.operation = op_of[r.operation as usize];
            }
        }
        drop((id_of, op_of));
        if !recs.windows(2).all(|w| w[0].t <= w[1].t) {
            recs.sort_by_key(|r| r.t);
        }
        recs.shrink_to_fit();
        for i in [&mut f.users, &mut f.resources, &mut f.sessions] {
            i.shrink();
        }
        report.events = recs.len();
        let p = |n: usize, k: fn(&Rec) -> u32| Postings::build(n, &recs, k);
        // Each list is one pass over the records: half of them on a second core.
        let (
            (by_user, by_action, by_resource, by_operation, by_id),
            (by_session, by_transaction, by_subsystem, by_cid, by_daemon),
        ) = std::thread::scope(|sc| {
            let other = sc.spawn(|| {
                (
                    p(f.sessions.len(), |r| r.session),
                    p(f.transactions.len(), |r| r.transaction),
                    p(f.subsystems.len(), |r| r.subsystem),
                    p(f.resources.len(), |r| r.cid),
                    p(f.resources.len(), |r| r.daemon),
                )
            });
            let mut by_id = vec![u32::MAX; f.ids.len()];
            for (i, r) in recs.iter().enumerate() {
                if r.id != NONE && by_id[r.id as usize] == u32::MAX {
                    by_id[r.id as usize] = i as u32;
                }
            }
            let mine = (
                p(f.users.len(), |r| r.user),
                p(f.actions.len(), |r| r.action),
                p(f.resources.len(), |r| r.resource),
                p(f.operations.len(), |r| r.operation),
                by_id,
            );
            (
                mine,
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        });
        let action_class = f.actions.iter().map(|(_, a)| action_class(a)).collect();
        let auth_action = f.actions.iter().map(|(_, a)| is_auth_word(a)).collect();
        let auth_type = f.event_types.iter().map(|(_, a)| is_auth_word(a)).collect();
        (
            Index {
                recs,
                f,
                details,
                sources,
                by_user,
                by_action,
                by_resource,
                by_operation,
                by_session,
                by_transaction,
                by_subsystem,
                by_cid,
                by_daemon,
                by_id,
                action_class,
                auth_action,
                auth_type,
            },
            report,
        )
    }
}

pub(crate) fn trim(b: &[u8]) -> &[u8] {
    let mut s = b;
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() || *first == 0 {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() || *last == 0 {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn is_auth_word(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("auth") || l.contains("login") || l.contains("logon") || l.contains("signin")
}

/// The original's related-action pairs (create/upload, read/download, update/modify,
/// delete/remove, authenticate/login, authorize/access), plus ipfs-kit's add/pin and
/// remove/unpin. 0 = no class.
fn action_class(a: &str) -> u8 {
    const CLASSES: [&[&str]; 6] = [
        &["create", "upload", "add", "pin"],
        &["read", "download", "get", "cat"],
        &["update", "modify", "save", "edit"],
        &["delete", "remove", "unpin", "rm"],
        &["authenticate", "login", "logon"],
        &["authorize", "access"],
    ];
    let l = a.to_ascii_lowercase();
    let words: Vec<&str> = l.split(['.', '_', '-', ' ', '/']).collect();
    for (i, c) in CLASSES.iter().enumerate().rev() {
        if words.iter().any(|w| c.contains(w)) {
            return i as u8 + 1;
        }
    }
    0
}

/// Events sorted by time with their interned fields and posting lists.
pub struct Index {
    pub recs: Vec<Rec>,
    pub f: Fields,
    details: Vec<(u32, u32)>,
    sources: Vec<String>,
    pub by_user: Postings,
    pub by_action: Postings,
    pub by_resource: Postings,
    pub by_operation: Postings,
    pub by_session: Postings,
    pub by_transaction: Postings,
    pub by_subsystem: Postings,
    pub by_cid: Postings,
    pub by_daemon: Postings,
    by_id: Vec<u32>,
    action_class: Vec<u8>,
    auth_action: Vec<bool>,
    auth_type: Vec<bool>,
}

impl Index {
    /// Loads from already-parsed events.
    pub fn from_events<'e>(events: impl IntoIterator<Item = &'e Event>) -> Index {
        let mut l = Loader::new();
        for e in events {
            l.push_event(e);
        }
        l.finish().0
    }

    pub fn len(&self) -> usize {
        self.recs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Indices of the events with `from <= t < to` (either bound optional).
    pub fn range(&self, from: Option<i64>, to: Option<i64>) -> Range<usize> {
        let a = from.map_or(0, |f| self.recs.partition_point(|r| r.t < f));
        let b = to.map_or(self.recs.len(), |t| self.recs.partition_point(|r| r.t < t));
        a..b.max(a)
    }

    /// The part of a posting list that lies in `range` (both sorted, so two binary searches).
    pub fn clip<'p>(&self, list: &'p [u32], range: &Range<usize>) -> &'p [u32] {
        let a = list.partition_point(|&i| (i as usize) < range.start);
        let b = list.partition_point(|&i| (i as usize) < range.end);
        &list[a..b]
    }

    /// The posting-list slice of events of `list` with `from <= t < to`.
    pub fn within<'p>(&self, list: &'p [u32], from: i64, to: i64) -> &'p [u32] {
        let a = list.partition_point(|&i| self.recs[i as usize].t < from);
        let b = list.partition_point(|&i| self.recs[i as usize].t < to);
        &list[a..b.max(a)]
    }

    pub fn find_id(&self, id: &str) -> Option<usize> {
        let s = self.f.ids.get(id)?;
        let i = *self.by_id.get(s as usize)?;
        (i != u32::MAX).then_some(i as usize)
    }

    pub fn first_time(&self) -> Option<i64> {
        self.recs.first().map(|r| r.t)
    }

    pub fn last_time(&self) -> Option<i64> {
        self.recs.last().map(|r| r.t)
    }

    pub fn is_auth(&self, r: &Rec) -> bool {
        self.auth_type
            .get(r.event_type as usize)
            .copied()
            .unwrap_or(false)
            || self
                .auth_action
                .get(r.action as usize)
                .copied()
                .unwrap_or(false)
    }

    pub fn failed_auth(&self, r: &Rec) -> bool {
        r.failed() && self.is_auth(r)
    }

    /// 0 when the action has no related-action class.
    pub fn action_class(&self, action: u32) -> u8 {
        self.action_class.get(action as usize).copied().unwrap_or(0)
    }

    pub fn details(&self, r: &Rec) -> &[(u32, u32)] {
        let a = r.details_at as usize;
        self.details.get(a..a + r.n_details as usize).unwrap_or(&[])
    }

    pub fn detail(&self, r: &Rec, key: u32) -> u32 {
        self.details(r)
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(NONE, |(_, v)| *v)
    }

    /// A printable id: the event's own, else `source:line`.
    pub fn event_id(&self, i: usize) -> String {
        let r = &self.recs[i];
        if r.id != NONE {
            return self.f.ids.name(r.id).to_string();
        }
        format!("{}:{}", self.source_name(r.source), r.line)
    }

    /// Finds an event by its id or by `source:line`.
    pub fn lookup(&self, id: &str) -> Option<usize> {
        if let Some(i) = self.find_id(id) {
            return Some(i);
        }
        let (src, line) = id.rsplit_once(':')?;
        let line: u32 = line.parse().ok()?;
        let s = self.sources.iter().position(|x| x == src)? as u16;
        self.recs
            .iter()
            .position(|r| r.source == s && r.line == line)
    }

    pub fn source_name(&self, s: u16) -> &str {
        self.sources.get(s as usize).map_or("", String::as_str)
    }

    pub fn time(&self, i: usize) -> DateTime<Utc> {
        ms_to_time(self.recs[i].t)
    }

    pub fn user_name(&self, r: &Rec) -> Option<&str> {
        self.f.users.resolve(r.user)
    }

    /// The event in its owned, normalised form.
    pub fn event(&self, i: usize) -> Event {
        let r = &self.recs[i];
        let f = &self.f;
        let o = |x: &Interner, v: u32| x.resolve(v).map(str::to_string);
        Event {
            time: ms_to_time(r.t),
            id: f.ids.resolve(r.id).map(str::to_string),
            event_type: f.event_types.name(r.event_type).to_string(),
            action: f.actions.name(r.action).to_string(),
            user: o(&f.users, r.user),
            resource_type: o(&f.resource_types, r.resource_type),
            resource_id: o(&f.resources, r.resource),
            status: r.status,
            subsystem: o(&f.subsystems, r.subsystem),
            operation_id: f.operations.resolve(r.operation).map(str::to_string),
            session_id: o(&f.sessions, r.session),
            transaction_id: o(&f.transactions, r.transaction),
            ip: o(&f.ips, r.ip),
            duration_ms: r.duration().map(u64::from),
            cid: o(&f.resources, r.cid),
            daemon: o(&f.resources, r.daemon),
            details: self
                .details(r)
                .iter()
                .map(|(k, v)| {
                    (
                        f.detail_keys.name(*k).to_string(),
                        f.detail_values.name(*v).to_string(),
                    )
                })
                .collect(),
            schema: r.schema,
        }
    }

    /// A short label "user: action resource" for timelines and explanations.
    pub fn label(&self, i: usize) -> String {
        let r = &self.recs[i];
        let user = self.f.users.resolve(r.user).unwrap_or("-");
        let res = self.f.resources.name(r.resource);
        let action = self.f.actions.name(r.action);
        if res.is_empty() {
            format!("{user}: {action}")
        } else {
            format!("{user}: {action} {res}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(action_class("pin.add"), action_class("upload"));
        assert_eq!(action_class("pin.remove"), action_class("delete"));
        assert_ne!(action_class("pin.add"), action_class("pin.remove"));
        assert_eq!(action_class("daemon.crash"), 0);
    }
}
