//! Loading on every core: the input is cut into chunks of whole lines, each chunk is parsed
//! and interned into its own small `Loader` on a worker thread, and the calling thread merges
//! the parts in input order. Merging touches each distinct string of a part once (a chunk has
//! a few thousand) and renumbers the records, so the per-line work — scanning the JSON and
//! interning eleven fields — is all in the workers, and the result is exactly what one
//! sequential loader would have built (ids in order of first appearance, lines numbered
//! across chunks).

use std::io::{self, BufRead};
use std::sync::mpsc;

use crate::index::{Loader, MAX_BAD_KEPT};
use crate::intern::{Interner, NONE};

/// Bytes per chunk: big enough that a part's distinct strings are few against its lines,
/// small enough that the workers start early and the chunks in flight stay a few MiB.
const CHUNK: usize = 1 << 22;

/// Worker threads: one per core (the calling thread reads and merges, which is light).
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8))
}

/// Reads all of `input` into `into`, naming it source `src`.
pub(crate) fn read_parallel<R: BufRead>(
    into: &mut Loader,
    src: u16,
    name: &str,
    input: R,
) -> io::Result<()> {
    read_chunked(into, src, name, input, CHUNK)
}

fn read_chunked<R: BufRead>(
    into: &mut Loader,
    src: u16,
    name: &str,
    mut input: R,
    chunk: usize,
) -> io::Result<()> {
    let n = workers();
    std::thread::scope(|sc| {
        let mut to_worker = Vec::with_capacity(n);
        let mut from_worker = Vec::with_capacity(n);
        for _ in 0..n {
            let (tx, rx) = mpsc::sync_channel::<(Vec<u8>, bool)>(1);
            let (out_tx, out_rx) = mpsc::channel::<Loader>();
            sc.spawn(move || {
                for (bytes, at_end) in rx {
                    if out_tx.send(parse_part(name, &bytes, at_end)).is_err() {
                        break;
                    }
                }
            });
            to_worker.push(tx);
            from_worker.push(out_rx);
        }
        let (mut sent, mut merged) = (0usize, 0usize);
        let mut lines_before: u32 = 0;
        let mut carry = Vec::new();
        loop {
            let (bytes, eof) = next_chunk(&mut input, &mut carry, chunk)?;
            if !bytes.is_empty() {
                if to_worker[sent % n].send((bytes, eof)).is_err() {
                    break;
                }
                sent += 1;
            }
            // Two chunks per worker in flight: one being parsed, one waiting.
            let keep = if eof { 0 } else { 2 * n - 1 };
            while sent - merged > keep {
                let Ok(part) = from_worker[merged % n].recv() else {
                    // A worker is gone only if it panicked; the scope re-raises that.
                    return Ok(());
                };
                let lines = part.report.lines as u32;
                absorb(into, part, src, lines_before);
                lines_before = lines_before.saturating_add(lines);
                merged += 1;
            }
            if eof {
                return Ok(());
            }
        }
        Ok(())
    })
}

/// The next chunk of whole lines (the last one may end without a newline); `true` at the end.
fn next_chunk<R: BufRead>(
    input: &mut R,
    carry: &mut Vec<u8>,
    chunk: usize,
) -> io::Result<(Vec<u8>, bool)> {
    let mut buf = std::mem::take(carry);
    buf.reserve(chunk + (chunk >> 3));
    loop {
        let avail = match input.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((buf, true));
        }
        let k = avail.len();
        let before = buf.len();
        buf.extend_from_slice(avail);
        input.consume(k);
        if buf.len() >= chunk {
            // Cut after the last newline; a line longer than a chunk makes the chunk longer.
            if let Some(i) = memchr::memrchr(b'\n', &buf[before..]) {
                let cut = before + i + 1;
                carry.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                return Ok((buf, false));
            }
        }
    }
}

/// One chunk parsed and interned on its own, lines numbered from 1.
fn parse_part(name: &str, bytes: &[u8], at_end: bool) -> Loader {
    let mut part = Loader::new();
    // Sized for the chunk up front (lines are some 300 bytes): no vector regrows per part.
    part.reserve(bytes.len() / 200 + 16);
    let src = part.source(name);
    let mut line: u32 = 1;
    let mut rest = bytes;
    while !rest.is_empty() {
        let (l, torn) = match memchr::memchr(b'\n', rest) {
            Some(i) => {
                let l = &rest[..i];
                rest = &rest[i + 1..];
                (l, false)
            }
            None => (std::mem::take(&mut rest), at_end),
        };
        part.push_bytes(src, line, l, torn);
        line = line.saturating_add(1);
    }
    part
}

/// Old id -> new id of every string of `from`, interning it into `to` in `from`'s order (so
/// new strings get ids in order of first appearance, as one sequential loader gives them).
fn renumber(from: &Interner, to: &mut Interner) -> Vec<u32> {
    from.iter().map(|(_, s)| to.intern(s)).collect()
}

/// Appends `part` (its lines numbered from 1) as the lines after `lines_before` of `src`.
fn absorb(into: &mut Loader, part: Loader, src: u16, lines_before: u32) {
    let Loader {
        recs,
        f,
        details,
        report,
        sources: _,
    } = part;
    let g = &mut into.f;
    let users = renumber(&f.users, &mut g.users);
    let actions = renumber(&f.actions, &mut g.actions);
    let event_types = renumber(&f.event_types, &mut g.event_types);
    let resources = renumber(&f.resources, &mut g.resources);
    let resource_types = renumber(&f.resource_types, &mut g.resource_types);
    let sessions = renumber(&f.sessions, &mut g.sessions);
    let transactions = renumber(&f.transactions, &mut g.transactions);
    let subsystems = renumber(&f.subsystems, &mut g.subsystems);
    let ips = renumber(&f.ips, &mut g.ips);
    let keys = renumber(&f.detail_keys, &mut g.detail_keys);
    let values = renumber(&f.detail_values, &mut g.detail_values);
    let id_base = g.ids.append(f.ids);
    let op_base = g.operations.append(f.operations);
    let details_base = into.details.len() as u32;
    into.details.extend(
        details
            .iter()
            .map(|&(k, v)| (keys[k as usize], values[v as usize])),
    );
    let m = |map: &[u32], v: u32| if v == NONE { NONE } else { map[v as usize] };
    let shift = |base: u32, v: u32| if v == NONE { NONE } else { v + base };
    into.recs.reserve(recs.len());
    into.recs.extend(recs.into_iter().map(|mut r| {
        r.id = shift(id_base, r.id);
        r.operation = shift(op_base, r.operation);
        r.user = m(&users, r.user);
        r.action = m(&actions, r.action);
        r.event_type = m(&event_types, r.event_type);
        r.resource = m(&resources, r.resource);
        r.resource_type = m(&resource_types, r.resource_type);
        r.session = m(&sessions, r.session);
        r.transaction = m(&transactions, r.transaction);
        r.subsystem = m(&subsystems, r.subsystem);
        r.ip = m(&ips, r.ip);
        r.cid = m(&resources, r.cid);
        r.daemon = m(&resources, r.daemon);
        r.details_at += details_base;
        r.line = r.line.saturating_add(lines_before);
        r.source = src;
        r
    }));
    let t = &mut into.report;
    t.lines += report.lines;
    t.blank_lines += report.blank_lines;
    t.chain_lines += report.chain_lines;
    t.bad_lines += report.bad_lines;
    for mut b in report.bad {
        if t.bad.len() >= MAX_BAD_KEPT {
            break;
        }
        b.line = b.line.saturating_add(lines_before);
        t.bad.push(b);
    }
    t.by_schema.op_history += report.by_schema.op_history;
    t.by_schema.alerts += report.by_schema.alerts;
    t.by_schema.python += report.by_schema.python;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;

    /// Everything a loaded index answers, as text, to compare two loads.
    fn dump(ix: &Index, rep: &crate::LoadReport) -> Vec<String> {
        let mut out = vec![format!(
            "{} {} {} {} {} {:?} {}",
            rep.events,
            rep.lines,
            rep.blank_lines,
            rep.chain_lines,
            rep.bad_lines,
            rep.bad,
            serde_json::to_string(&rep.by_schema).unwrap_or_default()
        )];
        for i in 0..ix.len() {
            let r = &ix.recs[i];
            out.push(format!(
                "{:?} {} {} {} {} {} {} {} {} {} {}",
                ix.event(i),
                ix.event_id(i),
                r.line,
                r.source,
                r.user,
                r.resource,
                r.cid,
                r.daemon,
                r.session,
                r.id,
                r.operation
            ));
        }
        out
    }

    #[test]
    fn chunked_load_equals_one_sequential_pass() {
        let mut lines = Vec::new();
        crate::generator::generate(
            &crate::generator::GenConfig {
                days: 3,
                peak_per_hour: 80.0,
                ..Default::default()
            },
            |e| {
                let mut l = Vec::new();
                let _ = crate::generator::write_line(&mut l, &e);
                lines.push(String::from_utf8_lossy(&l).trim_end().to_string());
            },
        );
        // Blank, garbage (more than MAX_BAD_KEPT) and a torn last line.
        for k in (0..lines.len()).step_by(7) {
            lines[k] = if k % 2 == 0 {
                String::new()
            } else {
                format!("{{bad {k}")
            };
        }
        let mut text = lines.join("\n");
        text.push_str("\n\r\n{\"timestamp\":1,\"action\":\"torn");
        let all: Vec<&str> = text.split('\n').collect();
        let mut seq = Loader::new();
        seq.read_lines("a", all.iter().copied());
        let (six, srep) = seq.finish();
        assert!(
            srep.bad_lines > MAX_BAD_KEPT as u64 && six.len() > 1000,
            "{} bad, {} events",
            srep.bad_lines,
            six.len()
        );
        for chunk in [1, 100, 4096, 1 << 20] {
            let mut par = Loader::new();
            let src = par.source("a");
            read_chunked(&mut par, src, "a", text.as_bytes(), chunk).unwrap();
            let (pix, prep) = par.finish();
            assert_eq!(dump(&six, &srep), dump(&pix, &prep), "chunk {chunk}");
        }
    }

    #[test]
    fn torn_last_line_is_named_in_any_chunking() {
        let text = "\n{\"timestamp\":1,\"action\":\"a\"}\n{\"timestamp\":1,\"act";
        for chunk in [1, 5, 1 << 20] {
            let mut l = Loader::new();
            let src = l.source("t");
            read_chunked(&mut l, src, "t", text.as_bytes(), chunk).unwrap();
            let (ix, rep) = l.finish();
            assert_eq!((ix.len(), rep.lines, rep.blank_lines), (1, 3, 1));
            assert_eq!(rep.bad.len(), 1);
            assert_eq!(rep.bad[0].line, 3);
            assert!(rep.bad[0].message.starts_with("torn line"), "{:?}", rep.bad);
        }
    }
}
