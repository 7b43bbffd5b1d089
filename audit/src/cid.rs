//! The CID Kubo's `add` gives a file, computed locally: a pure function of the bytes, so a
//! history file's CID is known at rotation without asking a daemon (which may be down).
//!
//! Exactly Kubo's importer with the parameters the archiver passes it (`ADD_PARAMS`):
//! CIDv1, raw leaves, fixed 256 KiB chunks, the balanced layout with at most 174 links per
//! node, sha2-256. A file of one chunk is that chunk's raw block; a bigger one is a tree of
//! dag-pb nodes holding UnixFS `File` data (filesize and each child's size), filled left to
//! right, one level deeper each time 174^depth leaves are not enough (go-unixfs
//! `importer/balanced`). Proven byte-exact against the real Kubo in tests/audit_chain.rs.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// Bytes per leaf (`--chunker=size-262144`).
pub const CHUNK: usize = 262_144;
/// Links per dag-pb node (`--max-file-links=174`, go-unixfs `DefaultLinksPerBlock`).
pub const MAX_LINKS: usize = 174;
/// The query for `/api/v0/add` that makes Kubo compute what `cid_of` computes.
pub const ADD_PARAMS: &[(&str, &str)] = &[
    ("cid-version", "1"),
    ("raw-leaves", "true"),
    ("chunker", "size-262144"),
    ("hash", "sha2-256"),
    ("max-file-links", "174"),
    ("trickle", "false"),
    ("inline", "false"),
];

const RAW: u64 = 0x55;
const DAG_PB: u64 = 0x70;
const SHA2_256: u64 = 0x12;

/// A CID in binary (version, codec, multihash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cid(Vec<u8>);

impl Cid {
    fn v1(codec: u64, block: &[u8]) -> Cid {
        let mut b = Vec::with_capacity(36);
        varint(&mut b, 1);
        varint(&mut b, codec);
        varint(&mut b, SHA2_256);
        varint(&mut b, 32);
        b.extend_from_slice(&Sha256::digest(block));
        Cid(b)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text form Kubo prints for CIDv1: multibase `b` + base32 lower case, unpadded.
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(1 + self.0.len() * 8 / 5 + 1);
        s.push('b');
        base32_lower(&self.0, &mut s);
        s
    }
}

impl std::fmt::Display for Cid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// The CID of `bytes` as Kubo's `add` with `ADD_PARAMS` returns it.
pub fn cid_of(bytes: &[u8]) -> Cid {
    // A slice never fails to read.
    cid_of_reader(bytes).unwrap_or_else(|_| Cid(Vec::new()))
}

/// As `cid_of`, reading in chunks (memory: one chunk plus the leaves' CIDs).
pub fn cid_of_reader<R: Read>(input: R) -> io::Result<Cid> {
    let mut leaves = Leaves {
        input,
        buf: vec![0; CHUNK],
        next: None,
    };
    leaves.advance()?;
    let Some(first) = leaves.next.take() else {
        // An empty file is one empty raw block.
        return Ok(Cid::v1(RAW, &[]));
    };
    leaves.advance()?;
    let mut root = first;
    let mut depth = 1;
    while leaves.next.is_some() {
        let mut node = Inner::default();
        node.add(root);
        root = fill(&mut leaves, node, depth)?;
        depth += 1;
    }
    Ok(root.cid)
}

/// A finished node as its parent links it.
struct Child {
    cid: Cid,
    /// The link's Tsize: the node's block plus everything under it.
    tsize: u64,
    /// File bytes under it (UnixFS blocksize).
    filesize: u64,
}

#[derive(Default)]
struct Inner {
    links: Vec<Child>,
}

impl Inner {
    fn add(&mut self, c: Child) {
        self.links.push(c);
    }

    /// The dag-pb block: PBNode { Links (field 2) first, then Data (field 1) }.
    fn commit(self) -> Child {
        let filesize: u64 = self.links.iter().map(|c| c.filesize).sum();
        let mut data = Vec::new();
        field_varint(&mut data, 1, 2); // UnixFS Type = File
        field_varint(&mut data, 3, filesize);
        for c in &self.links {
            field_varint(&mut data, 4, c.filesize); // blocksizes (proto2, not packed)
        }
        let mut block = Vec::new();
        let mut below = 0u64;
        for c in &self.links {
            let mut link = Vec::new();
            field_bytes(&mut link, 1, c.cid.as_bytes()); // Hash
            field_bytes(&mut link, 2, b""); // Name: always written, empty
            field_varint(&mut link, 3, c.tsize); // Tsize
            field_bytes(&mut block, 2, &link);
            below += c.tsize;
        }
        field_bytes(&mut block, 1, &data);
        Child {
            tsize: block.len() as u64 + below,
            cid: Cid::v1(DAG_PB, &block),
            filesize,
        }
    }
}

/// go-unixfs `fillNodeRec`: fill `node` with up to MAX_LINKS subtrees of `depth - 1`.
fn fill<R: Read>(leaves: &mut Leaves<R>, mut node: Inner, depth: usize) -> io::Result<Child> {
    while node.links.len() < MAX_LINKS && leaves.next.is_some() {
        let child = if depth == 1 {
            let leaf = leaves.next.take();
            leaves.advance()?;
            match leaf {
                Some(l) => l,
                None => break,
            }
        } else {
            fill(leaves, Inner::default(), depth - 1)?
        };
        node.add(child);
    }
    Ok(node.commit())
}

/// Raw leaves, read one ahead (the importer asks "done?" before each node).
struct Leaves<R> {
    input: R,
    buf: Vec<u8>,
    next: Option<Child>,
}

impl<R: Read> Leaves<R> {
    fn advance(&mut self) -> io::Result<()> {
        let mut n = 0;
        while n < self.buf.len() {
            match self.input.read(&mut self.buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.next = (n > 0).then(|| Child {
            cid: Cid::v1(RAW, &self.buf[..n]),
            tsize: n as u64,
            filesize: n as u64,
        });
        Ok(())
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_varint(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

fn field_bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    varint(out, (field << 3) | 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// RFC 4648 base32, lower case, no padding.
fn base32_lower(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_cids() {
        // The empty raw block and "hello world\n" as `ipfs add --cid-version=1` prints them.
        assert_eq!(
            cid_of(b"").to_text(),
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
        );
        assert_eq!(
            cid_of(b"hello world\n").to_text(),
            "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
        );
    }

    #[test]
    fn base32_matches_rfc4648() {
        let mut s = String::new();
        base32_lower(b"foobar", &mut s);
        assert_eq!(s, "mzxw6ytboi");
    }

    #[test]
    fn reader_and_slice_agree_across_chunks() {
        let data: Vec<u8> = (0..(CHUNK * 3 + 17)).map(|i| (i % 251) as u8).collect();
        let slow = cid_of_reader(io::BufReader::with_capacity(1000, &data[..])).unwrap();
        assert_eq!(slow, cid_of(&data));
        assert!(cid_of(&data).to_text().starts_with("bafybei"));
    }
}
