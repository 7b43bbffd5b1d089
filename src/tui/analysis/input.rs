//! The history files the Audit tab analyses and how they are read: the shared loader of
//! `src/analytics/input.rs` (`history.jsonl`, its rotated `history.N.jsonl[.gz]`, and
//! `alerts.jsonl` rotated the same way, under the state dir), plus a cheap signature to tell
//! when to read them again.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use ipfs_kit_audit::{Index, LoadReport, Loader};

use crate::analytics::input::{self, Source};

/// The default sources under `state_dir`, oldest file first per stem.
pub fn sources(state_dir: &Path) -> Vec<PathBuf> {
    input::default_sources(state_dir)
        .into_iter()
        .filter_map(|s| match s {
            Source::File(p) => Some(p),
            _ => None,
        })
        .collect()
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

/// Reads every source (gzip by its magic bytes) into one Index. A file that cannot be read
/// is named in the returned problems (and nothing is analysed until it can be); bad lines
/// are counted in the report with their file:line.
pub fn load(paths: &[PathBuf]) -> (Index, LoadReport, Vec<String>) {
    let sources: Vec<Source> = paths.iter().cloned().map(Source::File).collect();
    match input::load(&sources, &[]) {
        Ok((ix, report)) => (ix, report, Vec::new()),
        Err(e) => {
            let (ix, report) = Loader::new().finish();
            (ix, report, vec![format!("cannot load the history: {e:#}")])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
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
        let (ix, report, problems) = load(&paths);
        assert_eq!((ix.len(), report.bad_lines), (3, 0), "{problems:?}");
        assert_eq!(ix.event_id(0), "a");
        paths.push(dir.path().join("gone.jsonl"));
        let (_, _, problems) = load(&paths);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("gone.jsonl"), "{problems:?}");
    }
}
