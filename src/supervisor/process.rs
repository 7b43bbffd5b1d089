//! A daemon process we started: its own process group (so a stop reaches its children too),
//! output appended to a log file, graceful stop then SIGKILL, and a stop on drop unless
//! detached — so a panicking test never leaves daemons behind.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use super::LaunchError;

/// Starts the line written to a daemon's log before each start.
pub const START_MARKER: &str = "--- ipfs-kit:";
/// A log over this size is rotated when its daemon (re)starts. Not while it runs: the daemon
/// holds the file itself, so that it can outlive ipfs-kit without writing into a dead pipe.
const MAX_LOG_BYTES: u64 = 10 * 1024 * 1024;
/// Rotated logs kept: `kubo.log.1` (newest) .. `kubo.log.3`.
const KEEP_LOGS: usize = 3;

/// `x.log` -> `x.log.1` -> ... -> `x.log.<keep>` (dropped) when `x.log` is over `max` bytes.
pub fn rotate(path: &Path, max: u64, keep: usize) {
    let big = std::fs::metadata(path).is_ok_and(|m| m.len() > max);
    if !big || keep == 0 {
        return;
    }
    let numbered = |n: usize| {
        let mut s = path.as_os_str().to_owned();
        s.push(format!(".{n}"));
        PathBuf::from(s)
    };
    let _ = std::fs::remove_file(numbered(keep));
    for n in (1..keep).rev() {
        let _ = std::fs::rename(numbered(n), numbered(n + 1));
    }
    if let Err(e) = std::fs::rename(path, numbered(1)) {
        tracing::warn!("cannot rotate {}: {e}", path.display());
    }
}

pub struct DaemonProcess {
    name: String,
    child: Child,
    log_path: PathBuf,
    /// Length of the log when this process started; readiness only reads what came after.
    log_offset: u64,
    stop_on_drop: bool,
    exited: Option<ExitStatus>,
}

impl DaemonProcess {
    pub fn spawn(name: &str, mut cmd: Command, log_path: &Path) -> Result<Self, LaunchError> {
        if let Some(dir) = log_path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| LaunchError::io(format!("cannot create {}", dir.display()), e))?;
        }
        rotate(log_path, MAX_LOG_BYTES, KEEP_LOGS);
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_path)
            .map_err(|e| LaunchError::io(format!("cannot open log {}", log_path.display()), e))?;
        // The dashboard's log view draws this line as a restart marker.
        let _ = writeln!(
            log,
            "{START_MARKER} {name} starting at {} ---",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let log_offset = log.metadata().map(|m| m.len()).unwrap_or(0);
        let log_err = log
            .try_clone()
            .map_err(|e| LaunchError::io(format!("cannot open log {}", log_path.display()), e))?;
        for var in super::notify::NOTIFY_VARS {
            cmd.env_remove(var);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .process_group(0);
        let child = cmd.spawn().map_err(|e| {
            LaunchError::io(format!("cannot start {name} ({:?})", cmd.get_program()), e)
        })?;
        Ok(DaemonProcess {
            name: name.to_string(),
            child,
            log_path: log_path.to_path_buf(),
            log_offset,
            stop_on_drop: true,
            exited: None,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The exit status once the process has ended.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().ok().flatten();
        }
        self.exited
    }

    /// What this process wrote to its log since it started.
    pub fn log_since_start(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log_path)
            && f.seek(SeekFrom::Start(self.log_offset)).is_ok()
        {
            // Readiness lines come early; cap what is read.
            let _ = f.take(4 * 1024 * 1024).read_to_string(&mut s);
        }
        s
    }

    /// The last `n` lines of its log, for error messages.
    pub fn log_tail(&self, n: usize) -> String {
        let text = self.log_since_start();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// A start-up failure with the log tail, if the process has already exited.
    pub fn check_alive(&mut self) -> Result<(), LaunchError> {
        match self.exit_status() {
            Some(status) => Err(LaunchError::Exited {
                name: self.name.clone(),
                status: status.to_string(),
                log_tail: self.log_tail(15),
            }),
            None => Ok(()),
        }
    }

    /// SIGTERM to the process group, SIGKILL after `grace`; waits for the exit.
    pub fn stop(&mut self, grace: Duration) -> Option<ExitStatus> {
        let pgid = match self.begin_stop() {
            Ok(pgid) => pgid,
            Err(st) => return Some(st),
        };
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Some(st) = self.stopped(pgid) {
                return Some(st);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = killpg(pgid, Signal::SIGKILL);
        self.exited = self.child.wait().ok();
        self.exited
    }

    /// As `stop`, without blocking the async runtime while it waits.
    pub async fn stop_async(&mut self, grace: Duration) -> Option<ExitStatus> {
        let pgid = match self.begin_stop() {
            Ok(pgid) => pgid,
            Err(st) => return Some(st),
        };
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Some(st) = self.stopped(pgid) {
                return Some(st);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let _ = killpg(pgid, Signal::SIGKILL);
        // SIGKILL takes effect at once; poll briefly rather than block the runtime in wait().
        for _ in 0..200 {
            if let Some(st) = self.exit_status() {
                return Some(st);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.exited = self.child.wait().ok();
        self.exited
    }

    /// SIGTERM to the daemon's process group; `Err` with the status if it had already exited.
    fn begin_stop(&mut self) -> Result<Pid, ExitStatus> {
        if let Some(st) = self.exit_status() {
            return Err(st);
        }
        let pgid = Pid::from_raw(self.child.id() as i32);
        let _ = killpg(pgid, Signal::SIGTERM);
        Ok(pgid)
    }

    /// The status once the daemon has exited; children that ignored the signal go too.
    fn stopped(&mut self, pgid: Pid) -> Option<ExitStatus> {
        let st = self.exit_status()?;
        let _ = killpg(pgid, Signal::SIGKILL);
        Some(st)
    }

    /// Lets the daemon outlive this handle.
    pub fn detach(mut self) -> u32 {
        self.stop_on_drop = false;
        self.child.id()
    }
}

impl Drop for DaemonProcess {
    fn drop(&mut self) {
        if self.stop_on_drop {
            self.stop(Duration::from_secs(10));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_shifts_and_keeps_the_configured_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("kubo.log");
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        for round in 0..5 {
            std::fs::write(&log, format!("round {round} {}", "x".repeat(20))).expect("write");
            rotate(&log, 10, 3);
        }
        assert!(!log.exists(), "the big log was moved aside");
        assert!(read(&dir.path().join("kubo.log.1")).starts_with("round 4"));
        assert!(read(&dir.path().join("kubo.log.2")).starts_with("round 3"));
        assert!(read(&dir.path().join("kubo.log.3")).starts_with("round 2"));
        assert!(!dir.path().join("kubo.log.4").exists());
        // Under the limit: left alone.
        std::fs::write(&log, "small").expect("write");
        rotate(&log, 10, 3);
        assert_eq!(read(&log), "small");
    }
}
