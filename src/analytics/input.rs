//! Where the audit analytics read events from: this host's history and alerts (the default),
//! files named with `--file` (plain or gzip, told apart by their first bytes), `-` for stdin
//! and `ipfs://CID` for an archived history file. Loading is streaming; a bad line is counted
//! in the load report with its file:line, never fatal.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use flate2::read::MultiGzDecoder;
use ipfs_kit_audit::{Index, LoadReport, Loader};

/// One place events come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
    /// An archived history file, read back through Kubo.
    Ipfs(String),
}

impl Source {
    /// `-` is stdin, `ipfs://CID` (or `/ipfs/CID`) an archived file, anything else a path.
    pub fn parse(arg: &str) -> Source {
        if arg == "-" {
            return Source::Stdin;
        }
        match arg
            .strip_prefix("ipfs://")
            .or_else(|| arg.strip_prefix("/ipfs/"))
        {
            Some(cid) => Source::Ipfs(cid.trim_end_matches('/').to_string()),
            None => Source::File(PathBuf::from(arg)),
        }
    }

    /// How load reports name it (file:line of bad lines).
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "<stdin>".into(),
            Source::Ipfs(cid) => format!("ipfs://{cid}"),
        }
    }
}

/// The history and alert files under `state_dir`, oldest rotation first (`history.5.jsonl`
/// … `history.jsonl`, then the alerts), gzip-compressed rotations (`.jsonl.gz`) included.
/// Order only matters for ties: the index sorts by time.
pub fn default_sources(state_dir: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    for stem in ["history", "alerts"] {
        let mut rotated: Vec<(u32, PathBuf)> = std::fs::read_dir(state_dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name();
                let n = rotation_index(name.to_str()?, stem)?;
                Some((n, e.path()))
            })
            .collect();
        rotated.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        out.extend(rotated.into_iter().map(|(_, p)| Source::File(p)));
        let current = state_dir.join(format!("{stem}.jsonl"));
        if current.exists() {
            out.push(Source::File(current));
        }
    }
    out
}

/// `history.3.jsonl` / `history.3.jsonl.gz` → 3.
fn rotation_index(name: &str, stem: &str) -> Option<u32> {
    let rest = name.strip_prefix(stem)?.strip_prefix('.')?;
    let rest = rest
        .strip_suffix(".jsonl.gz")
        .or_else(|| rest.strip_suffix(".jsonl"))?;
    rest.parse().ok().filter(|n| *n >= 1)
}

/// A reader over `r` that decompresses when it starts with gzip's magic bytes.
pub fn maybe_gzip<R: Read + 'static>(r: R) -> io::Result<Box<dyn BufRead>> {
    let mut r = BufReader::with_capacity(1 << 16, r);
    let gz = r.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(r)))
    } else {
        Box::new(r)
    })
}

/// Reads every source into one index. `fetched` holds the bytes of `ipfs://` sources,
/// fetched by the caller (the binary's async edge) beforehand.
pub fn load(
    sources: &[Source],
    fetched: &[(String, Vec<u8>)],
) -> anyhow::Result<(Index, LoadReport)> {
    let mut loader = Loader::new();
    for s in sources {
        let name = s.name();
        match s {
            Source::File(p) => {
                let f = File::open(p).with_context(|| {
                    format!("cannot read {}: check the path (or drop --file to read this host's history)", p.display())
                })?;
                let r = maybe_gzip(f).with_context(|| format!("cannot read {}", p.display()))?;
                loader
                    .read(&name, r)
                    .with_context(|| format!("reading {} failed part-way", p.display()))?;
            }
            Source::Stdin => {
                let r = maybe_gzip(io::stdin()).context("cannot read stdin")?;
                loader
                    .read(&name, r)
                    .context("reading stdin failed part-way")?;
            }
            Source::Ipfs(cid) => {
                let data = fetched
                    .iter()
                    .find(|(c, _)| c == cid)
                    .map(|(_, d)| d.clone())
                    .with_context(|| format!("ipfs://{cid} was not fetched"))?;
                let r = maybe_gzip(io::Cursor::new(data))?;
                loader
                    .read(&name, r)
                    .with_context(|| format!("reading ipfs://{cid} failed"))?;
            }
        }
    }
    Ok(loader.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn sources_parse() {
        assert_eq!(Source::parse("-"), Source::Stdin);
        assert_eq!(Source::parse("ipfs://bafyx/"), Source::Ipfs("bafyx".into()));
        assert_eq!(Source::parse("/ipfs/bafyx"), Source::Ipfs("bafyx".into()));
        assert_eq!(Source::parse("a.jsonl"), Source::File("a.jsonl".into()));
    }

    #[test]
    fn default_sources_oldest_rotation_first_gzip_included() {
        let dir = tempfile::tempdir().expect("tempdir");
        for n in [
            "history.jsonl",
            "history.1.jsonl",
            "history.2.jsonl.gz",
            "history.x.jsonl",
            "alerts.jsonl",
            "other.jsonl",
        ] {
            std::fs::write(dir.path().join(n), "").expect("write");
        }
        let names: Vec<String> = default_sources(dir.path())
            .iter()
            .map(|s| match s {
                Source::File(p) => p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_string(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            names,
            [
                "history.2.jsonl.gz",
                "history.1.jsonl",
                "history.jsonl",
                "alerts.jsonl"
            ]
        );
    }

    #[test]
    fn gzip_and_plain_read_alike_with_torn_lines_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lines = "{\"timestamp\": 1767323045, \"action\": \"login\", \"status\": \"failure\", \"user_id\": \"bob\"}\n{\"timestamp\": 17";
        let plain = dir.path().join("h.jsonl");
        std::fs::write(&plain, lines).expect("write");
        let gz = dir.path().join("h.1.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(
            File::create(&gz).expect("create"),
            flate2::Compression::fast(),
        );
        enc.write_all(lines.as_bytes()).expect("gzip");
        enc.finish().expect("finish");
        let (ix, rep) = load(&[Source::File(plain), Source::File(gz)], &[]).expect("load");
        assert_eq!((ix.len(), rep.bad_lines), (2, 2));
    }

    #[test]
    fn a_missing_file_says_which() {
        let Err(err) = load(&[Source::File("/nonexistent/h.jsonl".into())], &[]) else {
            panic!("a missing file loaded");
        };
        assert!(
            format!("{err:#}").contains("/nonexistent/h.jsonl"),
            "{err:#}"
        );
    }
}
