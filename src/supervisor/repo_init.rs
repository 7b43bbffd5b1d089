//! A repo is made whole or not at all: init runs in a temporary directory beside the target,
//! which is renamed into place only once every step has succeeded. A repo half made by an
//! older, interrupted init (full disk, kill) is recognised and reported with the way out;
//! nothing the user may still need is ever deleted here.

use std::fs;
use std::path::{Path, PathBuf};

use super::LaunchError;

/// What is found at a repo's path before a start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RepoState {
    /// Nothing there, or an empty directory: `--init` may create the repo.
    Absent,
    /// Every file an init writes is there (their contents are checked later, by name).
    Ready,
    /// Some of an init's files are missing or empty; the reason is said in words.
    Interrupted(String),
}

/// Kubo's init writes `config`, then `datastore_spec`, then `version`: a repo without one of
/// them, or with an empty `config`, was cut off part-way.
pub fn inspect_kubo(dir: &Path) -> RepoState {
    inspect(dir, &["config", "datastore_spec", "version"])
}

/// `ipfs-cluster-service init` writes `service.json` and `identity.json`.
pub fn inspect_cluster(dir: &Path) -> RepoState {
    inspect(dir, &["service.json", "identity.json"])
}

fn inspect(dir: &Path, files: &[&str]) -> RepoState {
    match fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return RepoState::Absent,
        // Unreadable: let the start name the real error.
        Err(_) => return RepoState::Ready,
        Ok(mut entries) => {
            if entries.next().is_none() {
                return RepoState::Absent;
            }
        }
    }
    for name in files {
        match fs::metadata(dir.join(name)) {
            Err(_) => return RepoState::Interrupted(format!("it has no {name}")),
            Ok(m) if !m.is_file() => {
                return RepoState::Interrupted(format!("{name} is not a file"));
            }
            Ok(m) if m.len() == 0 => return RepoState::Interrupted(format!("{name} is empty")),
            Ok(_) => {}
        }
    }
    RepoState::Ready
}

/// The error for a repo an init left half made: what was found and the commands that recover.
pub fn interrupted(name: &str, dir: &Path, reason: &str) -> LaunchError {
    let shown = shell_word(dir);
    let aside = shell_word(&aside_name(dir));
    LaunchError::InterruptedInit {
        name: name.to_string(),
        message: format!(
            "{} looks like an interrupted init ({reason}): move it away (mv {shown} {aside}) \
             and run `ipfs-kit daemon start {name} --init` again; nothing was deleted",
            dir.display()
        ),
    }
}

/// `<dir>.broken`, or `<dir>.broken-2`, … when that is taken.
fn aside_name(dir: &Path) -> PathBuf {
    let base = dir.as_os_str().to_string_lossy().into_owned();
    let mut candidate = PathBuf::from(format!("{base}.broken"));
    let mut n = 2;
    while candidate.exists() && n < 100 {
        candidate = PathBuf::from(format!("{base}.broken-{n}"));
        n += 1;
    }
    candidate
}

/// A path as one word for a POSIX shell (quoted only when it needs to be).
fn shell_word(p: &Path) -> String {
    let s = p.display().to_string();
    let plain = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c));
    if plain && !s.is_empty() {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Runs `init` on a fresh temporary directory beside `dir` and renames it to `dir` when it
/// succeeds; on failure the temporary directory goes and `dir` stays as it was. `dir` must be
/// absent or an empty directory (`RepoState::Absent`).
pub fn create_atomically(
    dir: &Path,
    init: impl FnOnce(&Path) -> Result<(), LaunchError>,
) -> Result<(), LaunchError> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = dir
        .file_name()
        .map_or_else(|| "repo".into(), |n| n.to_string_lossy().into_owned());
    fs::create_dir_all(parent)
        .map_err(|e| LaunchError::io(format!("cannot create {}", parent.display()), e))?;
    remove_stale_temps(parent, &base);
    let tmp = parent.join(format!("{}{}", temp_prefix(&base), std::process::id()));
    if tmp.exists() {
        // Ours by name and pid, left by a process that had this pid before: not a repo.
        let _ = fs::remove_dir_all(&tmp);
    }
    fs::create_dir(&tmp)
        .map_err(|e| LaunchError::io(format!("cannot create {}", tmp.display()), e))?;
    let fail = |e: LaunchError| {
        let _ = fs::remove_dir_all(&tmp);
        e
    };
    init(&tmp).map_err(fail)?;
    // The files are on disk before the name points at them, so a power cut cannot leave a
    // renamed repo with empty files.
    sync_tree(&tmp)
        .map_err(|e| LaunchError::io(format!("cannot sync {}", tmp.display()), e))
        .map_err(fail)?;
    // An empty directory in the way (made by hand or by an older version) is no data.
    if dir.is_dir() {
        fs::remove_dir(dir)
            .map_err(|e| {
                LaunchError::io(
                    format!("cannot replace the empty directory {}", dir.display()),
                    e,
                )
            })
            .map_err(fail)?;
    }
    fs::rename(&tmp, dir)
        .map_err(|e| {
            LaunchError::io(
                format!("cannot rename {} to {}", tmp.display(), dir.display()),
                e,
            )
        })
        .map_err(fail)?;
    if let Ok(d) = fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `.kubo.init-`: hidden, so no tool mistakes it for a repo.
fn temp_prefix(base: &str) -> String {
    format!(".{base}.init-")
}

/// Temporary dirs of inits whose process is gone (killed part-way): never renamed, so never
/// used by anything.
fn remove_stale_temps(parent: &Path, base: &str) {
    let prefix = temp_prefix(base);
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !super::pidfile::is_alive(pid) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        let kind = e.file_type()?;
        if kind.is_dir() {
            sync_tree(&e.path())?;
        } else if kind.is_file() {
            fs::File::open(e.path())?.sync_all()?;
        }
    }
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubo_repo(dir: &Path) {
        fs::create_dir_all(dir).expect("mkdir");
        fs::write(dir.join("config"), "{}").expect("write");
        fs::write(dir.join("datastore_spec"), "{}").expect("write");
        fs::write(dir.join("version"), "18\n").expect("write");
    }

    #[test]
    fn states_of_a_kubo_repo() {
        let t = tempfile::tempdir().expect("tempdir");
        let dir = t.path().join("kubo");
        assert_eq!(inspect_kubo(&dir), RepoState::Absent);
        fs::create_dir(&dir).expect("mkdir");
        assert_eq!(inspect_kubo(&dir), RepoState::Absent, "an empty dir");
        fs::create_dir(dir.join("blocks")).expect("mkdir");
        assert_eq!(
            inspect_kubo(&dir),
            RepoState::Interrupted("it has no config".into())
        );
        fs::write(dir.join("config"), "").expect("write");
        assert_eq!(
            inspect_kubo(&dir),
            RepoState::Interrupted("config is empty".into())
        );
        fs::write(dir.join("config"), "{}").expect("write");
        assert_eq!(
            inspect_kubo(&dir),
            RepoState::Interrupted("it has no datastore_spec".into())
        );
        kubo_repo(&dir);
        assert_eq!(inspect_kubo(&dir), RepoState::Ready);
    }

    #[test]
    fn states_of_a_cluster_dir() {
        let t = tempfile::tempdir().expect("tempdir");
        let dir = t.path().join("cluster");
        fs::create_dir(&dir).expect("mkdir");
        fs::write(dir.join("service.json"), "{}").expect("write");
        assert_eq!(
            inspect_cluster(&dir),
            RepoState::Interrupted("it has no identity.json".into())
        );
        fs::write(dir.join("identity.json"), "{}").expect("write");
        assert_eq!(inspect_cluster(&dir), RepoState::Ready);
    }

    #[test]
    fn the_message_says_how_to_recover() {
        let t = tempfile::tempdir().expect("tempdir");
        let dir = t.path().join("node/kubo");
        let msg = interrupted("kubo", &dir, "config is empty").to_string();
        let d = dir.display();
        assert!(
            msg.contains(&format!(
                "{d} looks like an interrupted init (config is empty): move it away (mv {d} {d}.broken)"
            )),
            "{msg}"
        );
        assert!(msg.contains("`ipfs-kit daemon start kubo --init`"), "{msg}");
        fs::create_dir_all(t.path().join("node/kubo.broken")).expect("mkdir");
        let msg = interrupted("kubo", &dir, "x").to_string();
        assert!(msg.contains(&format!("{d}.broken-2)")), "{msg}");
        assert_eq!(shell_word(Path::new("/a b/it's")), r"'/a b/it'\''s'");
    }

    #[test]
    fn a_failed_init_leaves_nothing_and_a_good_one_is_renamed() {
        let t = tempfile::tempdir().expect("tempdir");
        let dir = t.path().join("node/kubo");
        let err = create_atomically(&dir, |tmp| {
            fs::write(tmp.join("config"), "").expect("write");
            Err(LaunchError::io(
                "ipfs init",
                std::io::Error::other("no space left on device"),
            ))
        })
        .expect_err("init failed");
        assert!(err.to_string().contains("no space left"), "{err}");
        assert!(!dir.exists());
        let left: Vec<_> = fs::read_dir(t.path().join("node"))
            .expect("read")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}");

        // An empty dir in the way is replaced; the temp dir of a dead init is swept.
        fs::create_dir(&dir).expect("mkdir");
        let stale = t.path().join("node/.kubo.init-999999999");
        fs::create_dir(&stale).expect("mkdir");
        create_atomically(&dir, |tmp| {
            kubo_repo(tmp);
            Ok(())
        })
        .expect("init");
        assert_eq!(inspect_kubo(&dir), RepoState::Ready);
        assert!(!stale.exists());
    }
}
