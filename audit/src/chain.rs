//! The tamper-evident trail: each history file starts with a chain line naming the file
//! before it by CID (`cid.rs`), so the files form a hash chain that goes on past local
//! retention through the copies archived on IPFS.
//!
//! ```text
//! {"chain":{"v":1,"prev_cid":"bafk…","prev_bytes":4190211,"prev_sha256":"…","prev_lines":9731,
//!           "prev_first":"2026-…","prev_last":"2026-…","rotated_at":"2026-…"}}
//! ```
//!
//! `Walk` checks the chain newest to oldest. The caller owns the files and the daemon: it
//! offers, for each link, the local file (if any) and a copy fetched by CID (if it could get
//! one) and says what Kubo knows of the CID; `Walk` decides whether the link holds, which
//! bytes to follow, and where the chain broke first.

use std::io::{self, Read};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cid;

/// The version of the chain line written now.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderLine {
    pub chain: Header,
}

/// What a file records about its predecessor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub v: u32,
    /// The predecessor's CID as Kubo's `add` with `cid::ADD_PARAMS` gives it.
    pub prev_cid: String,
    pub prev_bytes: u64,
    /// sha256 of the whole predecessor, checkable with `sha256sum`.
    pub prev_sha256: String,
    pub prev_lines: u64,
    /// `timestamp` of its first and last entries, when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_first: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_last: Option<String>,
    pub rotated_at: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeaderError {
    #[error("the first line looks like a chain line but cannot be read: {0}")]
    Damaged(String),
    #[error("chain line version {0} is newer than this ipfs-kit reads (1)")]
    Version(u32),
}

/// Whether a line is a chain line (cheap: readers skip it without parsing).
pub fn is_header_line(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    t.starts_with(b"{\"chain\":") || t.starts_with(b"{\"chain\" :")
}

/// The chain line at the top of `file`; `None` when the file has none (the first file of a
/// chain, or one written before chains existed).
pub fn read_header(file: &[u8]) -> Result<Option<Header>, HeaderError> {
    let first = file.split(|b| *b == b'\n').next().unwrap_or_default();
    if !is_header_line(first) {
        return Ok(None);
    }
    let h: HeaderLine =
        serde_json::from_slice(first).map_err(|e| HeaderError::Damaged(e.to_string()))?;
    if h.chain.v > VERSION {
        return Err(HeaderError::Version(h.chain.v));
    }
    Ok(Some(h.chain))
}

/// Facts about one file's bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub cid: String,
    pub sha256: String,
    pub bytes: u64,
    pub lines: u64,
}

pub fn facts(bytes: &[u8]) -> Facts {
    Facts {
        cid: cid::cid_of(bytes).to_text(),
        sha256: hex(&Sha256::digest(bytes)),
        bytes: bytes.len() as u64,
        lines: bytes.iter().filter(|b| **b == b'\n').count() as u64,
    }
}

/// The chain line for the successor of `prev` (the file that just rotated).
pub fn header_for(prev: &[u8], rotated_at: &str) -> Header {
    // A slice never fails to read.
    header_for_reader(prev, rotated_at).unwrap_or_else(|_| Header {
        v: VERSION,
        prev_cid: String::new(),
        prev_bytes: 0,
        prev_sha256: String::new(),
        prev_lines: 0,
        prev_first: None,
        prev_last: None,
        rotated_at: rotated_at.to_string(),
    })
}

/// As `header_for`, in one streaming pass (memory: a chunk and one line).
pub fn header_for_reader<R: Read>(prev: R, rotated_at: &str) -> io::Result<Header> {
    let mut seen = Observer {
        inner: prev,
        sha: Sha256::new(),
        bytes: 0,
        lines: 0,
        line: Vec::new(),
        first: None,
        last: Vec::new(),
    };
    let cid = cid::cid_of_reader(&mut seen)?;
    seen.end_line();
    let last = timestamp_of(&seen.last);
    Ok(Header {
        v: VERSION,
        prev_cid: cid.to_text(),
        prev_bytes: seen.bytes,
        prev_sha256: hex(&seen.sha.finalize()),
        prev_lines: seen.lines,
        prev_first: seen.first,
        prev_last: last,
        rotated_at: rotated_at.to_string(),
    })
}

/// Longest line whose timestamp is read for `prev_first`/`prev_last`.
const MAX_STAMP_LINE: usize = 64 * 1024;

/// Passes the bytes on to the CID computation while hashing them whole and noting lines.
struct Observer<R> {
    inner: R,
    sha: Sha256,
    bytes: u64,
    lines: u64,
    line: Vec<u8>,
    first: Option<String>,
    last: Vec<u8>,
}

impl<R> Observer<R> {
    fn end_line(&mut self) {
        if !self.line.is_empty() && !is_header_line(&self.line) {
            if self.first.is_none() {
                self.first = timestamp_of(&self.line);
            }
            std::mem::swap(&mut self.last, &mut self.line);
        }
        self.line.clear();
    }
}

impl<R: Read> Read for Observer<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let data = &buf[..n];
        self.sha.update(data);
        self.bytes += n as u64;
        for part in data.split_inclusive(|b| *b == b'\n') {
            let (text, ends) = match part.strip_suffix(b"\n") {
                Some(t) => (t, true),
                None => (part, false),
            };
            if self.line.len() + text.len() <= MAX_STAMP_LINE {
                self.line.extend_from_slice(text);
            }
            if ends {
                self.lines += 1;
                self.end_line();
            }
        }
        Ok(n)
    }
}

/// The header as one JSON line, newline included.
pub fn encode_header(h: &Header) -> Vec<u8> {
    let mut line = serde_json::to_vec(&HeaderLine { chain: h.clone() }).unwrap_or_default();
    line.push(b'\n');
    line
}

fn timestamp_of(line: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct T {
        timestamp: Option<serde_json::Value>,
    }
    let t: T = serde_json::from_slice(line).ok()?;
    match t.timestamp? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What Kubo knows of a CID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum KuboState {
    Pinned,
    /// Not pinned, and the archive manifest does not have it yet: the upload waits.
    Pending,
    /// The manifest says it was archived, yet Kubo no longer pins it.
    Unpinned,
    /// Kubo could not be asked (down, or `--offline`).
    NotChecked(String),
}

/// How one link of the chain fared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// The local file has the recorded CID.
    Intact,
    /// No local file (dropped by keep_files); the copy fetched by CID continues the chain.
    Archived,
    /// The local file's CID differs from the recorded one.
    Changed,
    /// Neither a local file nor a copy from IPFS.
    Lost,
    /// The file's own chain line is damaged, so its predecessor cannot be named.
    BadHeader,
    /// Not kept locally, and Kubo could not be asked (down, or `--offline`): the walk ends
    /// here without a verdict on it.
    NotFollowed,
}

impl LinkState {
    pub fn is_break(&self) -> bool {
        matches!(
            self,
            LinkState::Changed | LinkState::Lost | LinkState::BadHeader
        )
    }
}

/// One file of the chain, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// 0 = the current file; 1 its predecessor, ...
    pub position: usize,
    /// The local file checked, if there was one.
    pub file: Option<String>,
    /// The CID its successor recorded (none for the current file).
    pub recorded_cid: Option<String>,
    /// The local file's CID, when it was read.
    pub actual_cid: Option<String>,
    pub state: LinkState,
    pub kubo: Option<KuboState>,
    pub lines: Option<u64>,
    /// For a changed file with an authentic copy: the first line that differs (1-based).
    pub first_diff_line: Option<u64>,
    /// Where the authentic copy that continued the walk came from, when one was needed
    /// ("kubo", or the path of the copy kept for upload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_from: Option<String>,
    pub note: Option<String>,
}

/// The whole walk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ChainReport {
    pub steps: Vec<Step>,
    /// Index in `steps` of the first file changed or lost.
    #[serde(rename = "first_break_index")]
    pub first_break: Option<usize>,
    /// The walk reached a file without a chain line (the start of the trail).
    pub reached_start: bool,
    /// Files whose CID Kubo could not be asked about.
    pub not_checked: usize,
}

impl ChainReport {
    pub fn intact(&self) -> bool {
        self.first_break.is_none()
            && !self
                .steps
                .iter()
                .any(|s| s.kubo == Some(KuboState::Unpinned))
    }
}

/// Newest to oldest, one link at a time.
pub struct Walk {
    report: ChainReport,
    wanted: Option<Header>,
}

impl Walk {
    /// Starts at the current file (`label`, its bytes).
    pub fn start(label: &str, current: &[u8]) -> Walk {
        let mut w = Walk {
            report: ChainReport::default(),
            wanted: None,
        };
        let f = facts(current);
        let step = Step {
            position: 0,
            file: Some(label.to_string()),
            recorded_cid: None,
            actual_cid: None,
            state: LinkState::Intact,
            kubo: None,
            lines: Some(f.lines),
            first_diff_line: None,
            copy_from: None,
            note: Some(
                "current file (still written; checked from its successor on rotation)".into(),
            ),
        };
        w.follow(step, current);
        w
    }

    /// The predecessor the walk wants next: its recorded CID and facts. `None` when done.
    pub fn wanted(&self) -> Option<&Header> {
        self.wanted.as_ref()
    }

    /// Whether `bytes` are the wanted predecessor (lets the caller skip a fetch).
    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.wanted
            .as_ref()
            .is_some_and(|h| cid::cid_of(bytes).to_text() == h.prev_cid)
    }

    /// Judges the wanted link from the local file (`label`, bytes) if there is one, and a
    /// copy fetched by CID if the caller got one (needed when the local file is missing or
    /// differs). `kubo` is what Kubo knows of the recorded CID.
    pub fn offer(&mut self, local: Option<(&str, &[u8])>, fetched: Option<&[u8]>, kubo: KuboState) {
        let Some(h) = self.wanted.take() else {
            return;
        };
        let position = self.report.steps.len();
        let fetched = fetched.filter(|b| cid::cid_of(b).to_text() == h.prev_cid);
        let unasked = match &kubo {
            KuboState::NotChecked(why) => {
                self.report.not_checked += 1;
                Some(why.clone())
            }
            _ => None,
        };
        let mut step = Step {
            position,
            file: local.map(|(l, _)| l.to_string()),
            recorded_cid: Some(h.prev_cid.clone()),
            actual_cid: None,
            state: LinkState::Lost,
            kubo: Some(kubo),
            lines: None,
            first_diff_line: None,
            copy_from: None,
            note: None,
        };
        let follow: Option<&[u8]> = match (local, fetched) {
            (Some((_, bytes)), authentic) => {
                let f = facts(bytes);
                step.lines = Some(f.lines);
                step.actual_cid = Some(f.cid.clone());
                if f.cid == h.prev_cid {
                    step.state = LinkState::Intact;
                    Some(bytes)
                } else {
                    step.state = LinkState::Changed;
                    step.note = Some(format!(
                        "recorded {} bytes, {} lines; found {} bytes, {} lines",
                        h.prev_bytes, h.prev_lines, f.bytes, f.lines
                    ));
                    if let Some(a) = authentic {
                        step.first_diff_line = Some(first_diff_line(bytes, a));
                    }
                    authentic
                }
            }
            (None, Some(a)) => {
                step.state = LinkState::Archived;
                step.lines = Some(facts(a).lines);
                Some(a)
            }
            (None, None) => {
                match unasked {
                    Some(why) => {
                        step.state = LinkState::NotFollowed;
                        step.note = Some(format!(
                            "not kept locally, and Kubo could not be asked ({why})"
                        ));
                    }
                    None => step.note = Some("no local file and no copy from IPFS".into()),
                }
                None
            }
        };
        if step.state.is_break() && self.report.first_break.is_none() {
            self.report.first_break = Some(position);
        }
        match follow {
            Some(bytes) => self.follow(step, bytes),
            None => {
                if step.state.is_break() && step.note.is_some() {
                    let n = step.note.take().unwrap_or_default();
                    step.note = Some(format!("{n}; the chain cannot be followed further"));
                }
                self.report.steps.push(step);
            }
        }
    }

    /// Records `step` and reads the next wanted link from `bytes`' chain line.
    fn follow(&mut self, mut step: Step, bytes: &[u8]) {
        match read_header(bytes) {
            Ok(Some(h)) => self.wanted = Some(h),
            Ok(None) => self.report.reached_start = true,
            Err(e) => {
                step.state = LinkState::BadHeader;
                step.note = Some(e.to_string());
                if self.report.first_break.is_none() {
                    self.report.first_break = Some(step.position);
                }
            }
        }
        self.report.steps.push(step);
    }

    /// Says where the copy that continued the walk at the step just judged came from.
    pub fn copy_from_last(&mut self, from: &str) {
        if let Some(s) = self.report.steps.last_mut() {
            s.copy_from = Some(from.to_string());
        }
    }

    pub fn finish(self) -> ChainReport {
        self.report
    }
}

/// 1-based number of the first line where `a` and `b` differ.
pub fn first_diff_line(a: &[u8], b: &[u8]) -> u64 {
    let mut la = a.split(|x| *x == b'\n');
    let mut lb = b.split(|x| *x == b'\n');
    let mut n = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (None, None) => return n,
            _ => return n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ts: &str) -> String {
        format!(r#"{{"timestamp":"{ts}","action":"pin.add","status":"ok"}}"#) + "\n"
    }

    /// Three files as rotation writes them: oldest (no chain line), middle, current.
    fn chain3() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let oldest = (entry("2026-01-01T00:00:00Z") + &entry("2026-01-01T00:01:00Z")).into_bytes();
        let mut middle = encode_header(&header_for(&oldest, "2026-01-02T00:00:00Z"));
        middle.extend(entry("2026-01-02T00:00:01Z").bytes());
        let mut current = encode_header(&header_for(&middle, "2026-01-03T00:00:00Z"));
        current.extend(entry("2026-01-03T00:00:01Z").bytes());
        (oldest, middle, current)
    }

    #[test]
    fn header_round_trip_and_fields() {
        let (oldest, middle, _) = chain3();
        let h = read_header(&middle).unwrap().unwrap();
        assert_eq!(h.prev_cid, cid::cid_of(&oldest).to_text());
        assert_eq!((h.prev_lines, h.prev_bytes), (2, oldest.len() as u64));
        assert_eq!(h.prev_first.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(h.prev_last.as_deref(), Some("2026-01-01T00:01:00Z"));
        assert_eq!(read_header(&oldest), Ok(None));
        assert!(matches!(
            read_header(b"{\"chain\":{\"v\":1}}\n"),
            Err(HeaderError::Damaged(_))
        ));
        let v9 = String::from_utf8(encode_header(&h))
            .unwrap()
            .replace("\"v\":1", "\"v\":9");
        assert_eq!(read_header(v9.as_bytes()), Err(HeaderError::Version(9)));
        assert!(is_header_line(b"  {\"chain\":{}}"));
        assert!(!is_header_line(b"{\"timestamp\":1,\"chain\":2}"));
    }

    #[test]
    fn intact_chain_reaches_the_start() {
        let (oldest, middle, current) = chain3();
        let mut w = Walk::start("h.jsonl", &current);
        w.offer(Some(("h.1.jsonl", &middle)), None, KuboState::Pinned);
        w.offer(Some(("h.2.jsonl", &oldest)), None, KuboState::Pinned);
        assert!(w.wanted().is_none());
        let r = w.finish();
        assert!(r.intact() && r.reached_start, "{r:?}");
        assert_eq!(r.steps.len(), 3);
    }

    #[test]
    fn changed_file_is_named_with_its_first_differing_line() {
        let (oldest, middle, current) = chain3();
        let edited = String::from_utf8(oldest.clone())
            .unwrap()
            .replace("00:01:00", "00:09:00");
        let mut w = Walk::start("h.jsonl", &current);
        w.offer(Some(("h.1.jsonl", &middle)), None, KuboState::Pinned);
        assert!(!w.matches(edited.as_bytes()));
        w.offer(
            Some(("h.2.jsonl", edited.as_bytes())),
            Some(&oldest),
            KuboState::Pinned,
        );
        let r = w.finish();
        let i = r.first_break.unwrap();
        assert_eq!(r.steps[i].file.as_deref(), Some("h.2.jsonl"));
        assert_eq!(r.steps[i].state, LinkState::Changed);
        assert_eq!(r.steps[i].first_diff_line, Some(2));
        assert!(r.reached_start, "the authentic copy continues the walk");
    }

    #[test]
    fn missing_file_continues_from_ipfs_or_is_lost() {
        let (oldest, middle, current) = chain3();
        let mut w = Walk::start("h.jsonl", &current);
        w.offer(None, Some(&middle), KuboState::Pinned);
        // A copy with other bytes than recorded is not accepted.
        w.offer(None, Some(b"forged\n"), KuboState::Pending);
        let r = w.finish();
        assert_eq!(r.steps[1].state, LinkState::Archived);
        assert_eq!(r.steps[2].state, LinkState::Lost);
        assert_eq!((r.first_break, r.not_checked), (Some(2), 0));
        assert!(!r.reached_start);
        let _ = oldest;
    }

    #[test]
    fn a_file_beyond_local_retention_with_kubo_down_is_not_a_break() {
        let (_, middle, current) = chain3();
        let mut w = Walk::start("h.jsonl", &current);
        w.offer(
            Some(("h.1.jsonl", &middle)),
            None,
            KuboState::NotChecked("down".into()),
        );
        w.offer(None, None, KuboState::NotChecked("down".into()));
        let r = w.finish();
        assert_eq!(r.steps[2].state, LinkState::NotFollowed);
        assert!(r.intact() && !r.reached_start, "{r:?}");
        assert_eq!(r.not_checked, 2);
    }

    #[test]
    fn unpinned_archive_is_not_intact() {
        let (_, middle, current) = chain3();
        let mut w = Walk::start("h.jsonl", &current);
        w.offer(Some(("h.1.jsonl", &middle)), None, KuboState::Unpinned);
        assert!(!w.finish().intact());
    }

    #[test]
    fn loader_skips_chain_lines_without_calling_them_bad() {
        let (_, middle, current) = chain3();
        let mut l = crate::Loader::new();
        l.read("h.1.jsonl", &middle[..]).unwrap();
        l.read_lines("h.jsonl", std::str::from_utf8(&current).unwrap().lines());
        let (index, report) = l.finish();
        assert_eq!(
            (index.len(), report.bad_lines, report.chain_lines),
            (2, 0, 2)
        );
    }

    #[test]
    fn streaming_header_equals_the_slice_one() {
        let (_, middle, _) = chain3();
        let mut big = middle.clone();
        for i in 0..3000 {
            big.extend(entry(&format!("2026-01-05T00:00:{:02}Z", i % 60)).bytes());
        }
        let slow = header_for_reader(io::BufReader::with_capacity(7, &big[..]), "t").unwrap();
        assert_eq!(slow, header_for(&big, "t"));
        assert_eq!(slow.prev_first.as_deref(), Some("2026-01-02T00:00:01Z"));
        assert_eq!(slow.prev_last.as_deref(), Some("2026-01-05T00:00:59Z"));
        assert_eq!(slow.prev_cid, cid::cid_of(&big).to_text());
        assert_eq!(slow.prev_lines, 3002);
    }

    #[test]
    fn first_diff() {
        assert_eq!(first_diff_line(b"a\nb\nc\n", b"a\nb\nc\n"), 5);
        assert_eq!(first_diff_line(b"a\nX\nc\n", b"a\nb\nc\n"), 2);
        assert_eq!(first_diff_line(b"a\n", b"a\nb\n"), 2);
    }
}
