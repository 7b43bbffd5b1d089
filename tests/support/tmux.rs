//! A tmux server of our own for end-to-end tests of the dashboard: a private socket, one
//! 120x40 pane running a plain shell, keys in, screen out. A missing tmux fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const PROMPT: &str = "kit-test$";
static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// A tmux server of our own with one 120x40 pane running a plain shell; killed on drop.
pub struct Tmux {
    socket: String,
    dir: PathBuf,
}

impl Tmux {
    /// `env`: the variables the pane's shell gets (and nothing else from this process).
    pub fn start(dir: &Path, env: &[(String, String)]) -> Tmux {
        let socket = format!(
            "ipfs-kit-test-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::SeqCst)
        );
        let t = Tmux {
            socket,
            dir: dir.to_path_buf(),
        };
        let mut args: Vec<String> = ["new-session", "-d", "-s", "kit", "-x", "120", "-y", "40"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for (k, v) in env {
            args.push("-e".into());
            args.push(format!("{k}={v}"));
        }
        // bash does not take PS1 from the environment: an rc file sets it.
        let rc = dir.join("tmux-test.bashrc");
        std::fs::write(&rc, format!("PS1='{PROMPT} '\n")).expect("write rc file");
        args.push(format!("bash --noprofile --rcfile {}", rc.display()));
        let out = t.tmux(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.wait_for("the shell prompt", Duration::from_secs(10), |s| {
            s.contains(PROMPT)
        });
        t
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        let mut c = Command::new("tmux");
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            // -u: UTF-8 whatever the locale says, so the capture shows what was drawn.
            .args(["-u", "-L", &self.socket, "-f", "/dev/null"])
            .args(args);
        match c.output() {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!("tmux is missing: install tmux (apt-get install tmux)")
            }
            Err(e) => panic!("cannot run tmux: {e}"),
        }
    }

    /// Types `text` and presses Enter.
    pub fn line(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "kit", "-l", text]);
        self.tmux(&["send-keys", "-t", "kit", "Enter"]);
    }

    /// Sends tmux key names (`Escape`, `?`, `3`, `q`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "kit"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// The pane's text (`-e`: with escape sequences for colours and attributes).
    pub fn capture(&self, escapes: bool) -> String {
        let mut args = vec!["capture-pane", "-p", "-t", "kit"];
        if escapes {
            args.push("-e");
        }
        String::from_utf8_lossy(&self.tmux(&args).stdout).into_owned()
    }

    /// Polls the pane until `cond` holds; panics with the last screen after `timeout`.
    pub fn wait_for(&self, what: &str, timeout: Duration, cond: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture(false);
            if cond(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Ends the pane's processes too (they get SIGHUP).
        let _ = self.tmux(&["kill-server"]);
    }
}

/// An environment with nothing configured and no Kubo to discover: the dashboard must use
/// its embedded node, under `root` (state, config, cache and HOME all inside it).
pub fn embedded_env(root: &Path) -> Vec<(String, String)> {
    let p = |s: &str| root.join(s).display().to_string();
    vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), p("home")),
        ("XDG_CONFIG_HOME".into(), p("config")),
        ("XDG_CACHE_HOME".into(), p("cache")),
        ("IPFS_KIT_STATE_DIR".into(), p("state")),
        // No IPFS_PATH: with it set, the supervisor would run that repo, not the embedded
        // node (Kubo's convention); HOME has no ~/.ipfs, so discovery finds nothing.
        ("IPFS_TELEMETRY".into(), "off".into()),
        // The directory holding the Kubo and Cluster binaries the tests use.
        ("IPFS_KIT_TOOLS_BIN".into(), tools_bin()),
    ]
}

fn tools_bin() -> String {
    super::tools()
        .ipfs
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default()
}
