//! One full backend wizard through the real binary in a real terminal (tmux), Back included:
//! the saved config.toml and the 0600 credentials file are checked, and the typed secret
//! never appears on screen. And a wizard cancelled with Ctrl-C exits 130 and writes nothing.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(dir: &Path, env: &[(&str, String)]) -> Tmux {
        let available = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            available,
            "this test needs tmux: install tmux (apt-get install tmux)"
        );
        // One server per test: tests run in parallel threads of one process.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = format!("ipfs-kit-wiz-{}-{n}", std::process::id());
        let mut cmd = Command::new("tmux");
        cmd.args([
            "-L",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "50",
        ]);
        for (k, v) in env {
            cmd.arg("-e").arg(format!("{k}={v}"));
        }
        cmd.arg("-c").arg(dir).arg("sh");
        let out = cmd.output().expect("tmux new-session");
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmux { socket }
    }

    fn send(&self, keys: &[&str]) {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0"])
            .args(keys)
            .output()
            .expect("send-keys");
        assert!(out.status.success());
    }

    fn text(&self, t: &str) {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0", "-l", t])
            .output()
            .expect("send-keys");
        assert!(out.status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "capture-pane",
                "-p",
                "-t",
                "0",
                "-S",
                "-200",
            ])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until `needle` has appeared `times` times on the screen (with scrollback).
    fn wait(&self, needle: &str, times: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.screen();
            if s.matches(needle).count() >= times {
                // Let the prompt finish drawing before keys arrive.
                std::thread::sleep(Duration::from_millis(150));
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {needle:?} x{times}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn env_for(root: &Path) -> [(&'static str, String); 5] {
    [
        ("HOME", root.join("home").display().to_string()),
        ("XDG_CONFIG_HOME", root.join("config").display().to_string()),
        ("XDG_STATE_HOME", root.join("state").display().to_string()),
        ("TERM", "xterm-256color".to_string()),
        ("PS1", "$ ".to_string()),
    ]
}

#[test]
fn wizard_cancelled_with_ctrl_c_exits_130_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let t = Tmux::new(root, &env_for(root));
    t.text(&format!(
        "{} wizard backend; echo \"WIZ\"\"ARD-EXIT=$?\"",
        env!("CARGO_BIN_EXE_ipfs-kit")
    ));
    t.send(&["Enter"]);
    t.wait("What kind of backend?", 1);
    t.send(&["C-c"]);
    let screen = t.wait("WIZARD-EXIT=", 1);
    assert!(screen.contains("WIZARD-EXIT=130"), "{screen}");
    assert!(
        screen.contains("wizard cancelled; nothing was written"),
        "{screen}"
    );
    assert!(!root.join("config/ipfs-kit/config.toml").exists());
}

#[test]
fn backend_wizard_in_a_terminal_with_back_saves_config_and_0600_credentials() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let env = env_for(root);
    let t = Tmux::new(root, &env);
    // Quoted apart so the typed command line itself never matches "WIZARD-EXIT=".
    t.text(&format!(
        "{} wizard backend; echo \"WIZ\"\"ARD-EXIT=$?\"",
        env!("CARGO_BIN_EXE_ipfs-kit")
    ));
    t.send(&["Enter"]);

    t.wait("What kind of backend?", 1);
    t.text("Kubo");
    t.send(&["Enter"]);
    t.wait("Kubo RPC address", 1);
    t.send(&["Enter"]);
    t.wait("Repo path on this host", 1);
    // Back: Esc returns to the previous question, which keeps its answer.
    t.send(&["Escape"]);
    t.wait("Kubo RPC address", 2);
    t.send(&["Enter"]);
    t.wait("Repo path on this host", 2);
    t.text("/var/lib/ipfs");
    t.send(&["Enter"]);
    t.wait("Credentials", 1);
    t.text("Bearer");
    t.send(&["Enter"]);
    t.wait("How should ipfs-kit get the token?", 1);
    t.text("Type it now");
    t.send(&["Enter"]);
    t.wait("Secret", 1);
    t.text("tty-s3cret-value");
    t.send(&["Enter"]);
    t.wait("Name for this backend", 1);
    // The name comes pre-filled from the kind; clear it first.
    for _ in 0..12 {
        t.send(&["BSpace"]);
    }
    t.text("ttyhome");
    t.send(&["Enter"]);
    for q in [
        "Request timeout",
        "Connect timeout",
        "Priority",
        "Weight among",
        "Quota",
    ] {
        t.wait(q, 1);
        t.send(&["Enter"]);
    }
    t.wait("What next?", 1);
    t.text("Apply");
    t.send(&["Enter"]);
    let screen = t.wait("WIZARD-EXIT=", 1);
    assert!(screen.contains("WIZARD-EXIT=0"), "{screen}");
    assert!(
        !screen.contains("tty-s3cret-value"),
        "the secret was shown:\n{screen}"
    );

    let cfg = root.join("config/ipfs-kit/config.toml");
    let text = std::fs::read_to_string(&cfg).unwrap_or_else(|e| panic!("{e}; screen:\n{screen}"));
    assert!(
        text.contains("[backends.ttyhome]") && text.contains("kind = \"kubo\""),
        "{text}"
    );
    assert!(text.contains("repo = \"/var/lib/ipfs\""), "{text}");
    assert!(!text.contains("tty-s3cret-value"), "{text}");
    let creds = cfg.with_file_name("credentials.toml");
    let mode = std::fs::metadata(&creds)
        .expect("credentials.toml")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        std::fs::read_to_string(&creds)
            .expect("read")
            .contains("tty-s3cret-value")
    );
}
