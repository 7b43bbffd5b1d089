//! Two-stage loading: one thread parses JSON while the caller's thread interns what the
//! previous chunk produced (the two halves of the work take about as long as each other).
//! Lines are handed over in chunks of whole lines with their parsed strings copied into one
//! buffer per chunk, so no per-field allocation crosses threads.

use std::borrow::Cow;
use std::io::{self, BufRead};
use std::ops::Range;
use std::sync::mpsc;

use crate::events::{Norm, Schema, Status, parse_norm};

const CHUNK: usize = 1 << 21;
const NO: (u32, u32) = (u32::MAX, 0);

pub(crate) struct Raw {
    pub bytes: Vec<u8>,
    /// Line number of the first line.
    pub first_line: u32,
}

pub(crate) enum Item {
    Blank,
    Bad {
        line: u32,
        message: String,
    },
    /// A chain line (`chain.rs`): counted, not an event and not bad.
    ChainHeader,
    Ok {
        line: u32,
        norm: FlatNorm,
    },
}

pub(crate) struct FlatNorm {
    time_ms: i64,
    s: [(u32, u32); 13],
    status: Status,
    schema: Schema,
    duration_ms: Option<u64>,
    details: Range<u32>,
}

pub(crate) struct Parsed {
    text: String,
    details: Vec<((u32, u32), (u32, u32))>,
    pub items: Vec<Item>,
}

impl Parsed {
    fn span(&mut self, s: &Option<Cow<'_, str>>) -> (u32, u32) {
        match s {
            Some(v) => self.put(v),
            None => NO,
        }
    }
    fn put(&mut self, v: &str) -> (u32, u32) {
        let a = self.text.len() as u32;
        self.text.push_str(v);
        (a, self.text.len() as u32)
    }
    fn get(&self, sp: (u32, u32)) -> Option<Cow<'_, str>> {
        (sp.0 != u32::MAX).then(|| Cow::Borrowed(&self.text[sp.0 as usize..sp.1 as usize]))
    }
    fn str(&self, sp: (u32, u32)) -> Cow<'_, str> {
        self.get(sp).unwrap_or(Cow::Borrowed(""))
    }

    /// The line back as a `Norm` borrowing from this chunk.
    pub fn norm(&self, f: &FlatNorm) -> Norm<'_> {
        let s = &f.s;
        Norm {
            time_ms: f.time_ms,
            id: self.get(s[0]),
            event_type: self.str(s[1]),
            action: self.str(s[2]),
            user: self.get(s[3]),
            resource_type: self.get(s[4]),
            resource_id: self.get(s[5]),
            status: f.status,
            subsystem: self.get(s[6]),
            operation_id: self.get(s[7]),
            session_id: self.get(s[8]),
            transaction_id: self.get(s[9]),
            ip: self.get(s[10]),
            duration_ms: f.duration_ms,
            cid: self.get(s[11]),
            daemon: self.get(s[12]),
            details: self.details[f.details.start as usize..f.details.end as usize]
                .iter()
                .map(|&(k, v)| (self.str(k), self.str(v)))
                .collect(),
            schema: f.schema,
        }
    }
}

/// Parses one chunk of whole lines (the last one may be torn if `at_end`).
pub(crate) fn parse_chunk(raw: &Raw, at_end: bool) -> Parsed {
    let mut p = Parsed {
        text: String::with_capacity(raw.bytes.len() / 2),
        details: Vec::new(),
        items: Vec::new(),
    };
    let mut line = raw.first_line;
    let mut rest = &raw.bytes[..];
    while !rest.is_empty() {
        let (l, torn) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let l = &rest[..i];
                rest = &rest[i + 1..];
                (l, false)
            }
            None => {
                let l = rest;
                rest = &[];
                (l, at_end)
            }
        };
        let t = crate::index::trim(l);
        if t.is_empty() {
            p.items.push(Item::Blank);
        } else {
            match parse_norm(t) {
                Ok(n) => {
                    let s = [
                        p.span(&n.id),
                        p.put(&n.event_type),
                        p.put(&n.action),
                        p.span(&n.user),
                        p.span(&n.resource_type),
                        p.span(&n.resource_id),
                        p.span(&n.subsystem),
                        p.span(&n.operation_id),
                        p.span(&n.session_id),
                        p.span(&n.transaction_id),
                        p.span(&n.ip),
                        p.span(&n.cid),
                        p.span(&n.daemon),
                    ];
                    let d0 = p.details.len() as u32;
                    for (k, v) in &n.details {
                        let kv = (p.put(k), p.put(v));
                        p.details.push(kv);
                    }
                    let details = d0..p.details.len() as u32;
                    p.items.push(Item::Ok {
                        line,
                        norm: FlatNorm {
                            time_ms: n.time_ms,
                            s,
                            status: n.status,
                            schema: n.schema,
                            duration_ms: n.duration_ms,
                            details,
                        },
                    });
                }
                Err(crate::events::LineError::ChainHeader) => p.items.push(Item::ChainHeader),
                Err(e) => {
                    let message = if torn {
                        format!("torn line (no newline at the end of the input): {e}")
                    } else {
                        e.to_string()
                    };
                    p.items.push(Item::Bad { line, message });
                }
            }
        }
        line = line.saturating_add(1);
    }
    p
}

/// Reads `input` in chunks of whole lines; `consume` gets each chunk parsed, in order, on the
/// calling thread while the next chunk is parsed on another.
pub(crate) fn read_parallel<R: BufRead>(
    mut input: R,
    mut consume: impl FnMut(&Parsed),
) -> io::Result<()> {
    std::thread::scope(|sc| {
        let (raw_tx, raw_rx) = mpsc::sync_channel::<(Raw, bool)>(1);
        let (out_tx, out_rx) = mpsc::channel::<Parsed>();
        sc.spawn(move || {
            for (raw, at_end) in raw_rx {
                if out_tx.send(parse_chunk(&raw, at_end)).is_err() {
                    break;
                }
            }
        });
        let mut line: u32 = 1;
        let mut pending = 0usize;
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let mut bytes = std::mem::take(&mut carry);
            bytes.reserve(CHUNK + 4096);
            let mut eof = false;
            while bytes.len() < CHUNK {
                let n = input.read_until(b'\n', &mut bytes)?;
                if n == 0 {
                    eof = true;
                    break;
                }
            }
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u32
                + u32::from(bytes.last().is_some_and(|&b| b != b'\n'));
            if !bytes.is_empty() {
                if raw_tx
                    .send((
                        Raw {
                            bytes,
                            first_line: line,
                        },
                        eof,
                    ))
                    .is_err()
                {
                    break;
                }
                line = line.saturating_add(lines);
                pending += 1;
            }
            // Keep one chunk in flight: consume the previous while the parser works.
            while pending > usize::from(!eof) {
                match out_rx.recv() {
                    Ok(p) => consume(&p),
                    Err(_) => return Ok(()),
                }
                pending -= 1;
            }
            if eof {
                break;
            }
        }
        drop(raw_tx);
        for p in out_rx.iter().take(pending) {
            consume(&p);
        }
        Ok(())
    })
}
