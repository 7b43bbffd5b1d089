//! One supervisor per state dir: an exclusive `flock` on `<state>/daemons/supervisor.lock`,
//! held for as long as the process lives and released by the kernel when it dies (kill -9
//! included). The holder writes its pid and mode into the file, so that a refused second
//! process can name it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use super::LaunchError;

/// What kind of ipfs-kit process holds the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// `ipfs-kit supervise`.
    Supervise,
    /// The dashboard, which supervises while it runs.
    Dashboard,
    /// A one-shot `ipfs-kit daemon start|stop|restart`.
    Command,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub mode: Mode,
}

impl Holder {
    /// "pid 1234 (`ipfs-kit supervise`)".
    pub fn describe(&self) -> String {
        let what = match self.mode {
            Mode::Supervise => "`ipfs-kit supervise`",
            Mode::Dashboard => "an ipfs-kit dashboard",
            Mode::Command => "`ipfs-kit daemon …`",
        };
        format!("pid {} ({what})", self.pid)
    }
}

/// The sentence for `LaunchError::Supervised`: who holds the lock and what to do instead.
pub fn refusal(holder: Option<&Holder>, lock: &Path) -> String {
    let who = holder.map_or_else(
        || "another ipfs-kit (pid not readable)".to_string(),
        Holder::describe,
    );
    let dir = lock
        .parent()
        .and_then(Path::parent)
        .unwrap_or(lock)
        .display();
    let advice = match holder.map(|h| h.mode) {
        Some(Mode::Dashboard) => "use its Daemons tab, or quit it first",
        Some(Mode::Command) => "it is finishing a start or stop: try again in a moment",
        _ => {
            "it starts, restarts and stops them itself: stop it first (SIGTERM, or \
             `systemctl stop` for its unit); `ipfs-kit daemon status` shows its view"
        }
    };
    format!(
        "the daemons under {dir} are supervised by {who}, which holds {}; {advice}",
        lock.display()
    )
}

/// `<state>/daemons/supervisor.lock`.
pub fn lock_file(state_dir: &Path) -> PathBuf {
    state_dir.join("daemons").join("supervisor.lock")
}

/// The held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct StateLock {
    _file: Flock<File>,
}

impl StateLock {
    /// Takes the state dir's lock without waiting. `LaunchError::Supervised` names the holder
    /// when another process has it.
    pub fn acquire(state_dir: &Path, mode: Mode) -> Result<StateLock, LaunchError> {
        let path = lock_file(state_dir);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| LaunchError::io(format!("cannot create {}", dir.display()), e))?;
        }
        // Not truncated on open: the holder's pid must stay readable. std opens files with
        // O_CLOEXEC, so the daemons we spawn (which outlive us) never inherit the lock.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| LaunchError::io(format!("cannot open {}", path.display()), e))?;
        let mut locked = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(l) => l,
            Err((_, Errno::EWOULDBLOCK)) => {
                return Err(LaunchError::Supervised {
                    holder: read_holder(&path),
                    lock: path,
                });
            }
            Err((_, e)) => {
                return Err(LaunchError::io(
                    format!("cannot lock {}", path.display()),
                    e.into(),
                ));
            }
        };
        let me = Holder {
            pid: std::process::id(),
            mode,
        };
        write_holder(&mut locked, &me)
            .map_err(|e| LaunchError::io(format!("cannot write {}", path.display()), e))?;
        Ok(StateLock { _file: locked })
    }
}

/// Writes over the old text, then cuts the file to the new length: a reader never sees an
/// empty file, at worst a mix it cannot parse (and reads again).
fn write_holder(file: &mut File, h: &Holder) -> std::io::Result<()> {
    let text = format!(
        "{}\n",
        serde_json::to_string(h).map_err(std::io::Error::other)?
    );
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)?;
    file.flush()
}

/// The holder named in the lock file; retried briefly, as the holder may be writing it.
fn read_holder(path: &Path) -> Option<Holder> {
    for _ in 0..10 {
        let mut text = String::new();
        if File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .is_ok()
            && let Ok(h) = serde_json::from_str::<Holder>(text.trim())
        {
            return Some(h);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = StateLock::acquire(dir.path(), Mode::Supervise).expect("first lock");
        // flock locks belong to the open file: a second open in this process conflicts too.
        match StateLock::acquire(dir.path(), Mode::Dashboard) {
            Err(LaunchError::Supervised { holder, lock }) => {
                assert_eq!(
                    holder,
                    Some(Holder {
                        pid: std::process::id(),
                        mode: Mode::Supervise
                    })
                );
                assert_eq!(lock, lock_file(dir.path()));
                let msg = refusal(holder.as_ref(), &lock);
                assert!(
                    msg.contains(&format!(
                        "pid {} (`ipfs-kit supervise`)",
                        std::process::id()
                    )),
                    "{msg}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        drop(first);
        let again = StateLock::acquire(dir.path(), Mode::Dashboard).expect("free again");
        let text = std::fs::read_to_string(lock_file(dir.path())).expect("read");
        assert_eq!(
            serde_json::from_str::<Holder>(text.trim()).expect("holder json"),
            Holder {
                pid: std::process::id(),
                mode: Mode::Dashboard
            },
            "the new holder replaced the old text whole: {text:?}"
        );
        drop(again);
    }
}
