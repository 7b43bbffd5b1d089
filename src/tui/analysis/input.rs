//! The history files the Audit tab analyses and how they are read: `history.jsonl`, its
//! rotated `history.N.jsonl[.gz]`, and `alerts.jsonl` (rotated the same way), under the
//! state dir. Kept behind `sources` and `load` so the shared loader of `src/analytics` can
//! replace it without touching the worker.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use ipfs_kit_audit::{Index, LoadReport, Loader};

/// The default sources under `state_dir`, oldest file first per stem.
pub fn sources(state_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for stem in ["history", "alerts"] {
        let mut rotated: Vec<(usize, PathBuf)> = fs::read_dir(state_dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name();
                let rest = name.to_str()?.strip_prefix(stem)?.strip_prefix('.')?;
                let n = rest
                    .strip_suffix(".jsonl.gz")
                    .or_else(|| rest.strip_suffix(".jsonl"))?;
                Some((n.parse::<usize>().ok().filter(|n| *n >= 1)?, e.path()))
            })
            .collect();
        // history.3 is older than history.1.
        rotated.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        out.extend(rotated.into_iter().map(|(_, p)| p));
        let current = state_dir.join(format!("{stem}.jsonl"));
        if current.exists() {
            out.push(current);
        }
    }
    out
}

/// What changes when a source changes: each file's path, size and modification time.
pub type Signature = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// A cheap look at the sources (one `stat` each), to tell whether to load again.
pub fn signature(paths: &[PathBuf]) -> Signature {
    paths
        .iter()
        .map(|p| {
            let md = fs::metadata(p).ok();
            (
                p.clone(),
                md.as_ref().map_or(0, |m| m.len()),
                md.and_then(|m| m.modified().ok()),
            )
        })
        .collect()
}

/// Reads every source (gzip when the name ends `.gz`) into one Index. A file that cannot be
/// read is named in the returned problems, the others are still loaded; bad lines are
/// counted in the report with their file:line.
pub fn load(paths: &[PathBuf]) -> (Index, LoadReport, Vec<String>) {
    let mut l = Loader::new();
    let mut problems = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        let read = File::open(p).and_then(|f| {
            let r: Box<dyn BufRead> = if name.ends_with(".gz") {
                Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(f)))
            } else {
                Box::new(BufReader::new(f))
            };
            l.read(&name, r)
        });
        if let Err(e) = read {
            problems.push(format!("cannot read {name}: {e}"));
        }
    }
    let (ix, report) = l.finish();
    (ix, report, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn rotated_oldest_first_and_gzip_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let line = |id: &str, t: &str| {
            format!(
                r#"{{"timestamp":"{t}","event_id":"{id}","operation_id":"{id}","session_id":"s","event_type":"pin","action":"pin.add","user_id":"u","status":"ok","details":{{}}}}"#
            ) + "\n"
        };
        fs::write(
            dir.path().join("history.jsonl"),
            line("c", "2026-11-21T12:00:00Z"),
        )
        .expect("write");
        fs::write(
            dir.path().join("history.2.jsonl"),
            line("a", "2026-11-21T10:00:00Z"),
        )
        .expect("write");
        let gz = File::create(dir.path().join("history.1.jsonl.gz")).expect("create");
        let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::fast());
        enc.write_all(line("b", "2026-11-21T11:00:00Z").as_bytes())
            .expect("gz");
        enc.finish().expect("gz");
        fs::write(dir.path().join("history.x.jsonl"), "not ours").expect("write");
        let names: Vec<String> = sources(dir.path())
            .iter()
            .filter_map(|p| p.file_name()?.to_str().map(String::from))
            .collect();
        assert_eq!(
            names,
            ["history.2.jsonl", "history.1.jsonl.gz", "history.jsonl"]
        );
        let mut paths = sources(dir.path());
        paths.push(dir.path().join("gone.jsonl"));
        let (ix, report, problems) = load(&paths);
        assert_eq!((ix.len(), report.bad_lines), (3, 0));
        assert_eq!(ix.event_id(0), "a");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("gone.jsonl"), "{problems:?}");
    }
}
