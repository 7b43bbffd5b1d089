//! `ipfs-kit wizard …` through the real binary, without a terminal: templates, --set,
//! --dry-run, every problem listed at once, secrets in a 0600 file, the saved sections
//! read back by the collector (a VFS mount stat'ed on a real Kubo).

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use support::{Harness, NO_HOST_DISK_ALERT, run_json};

fn kit(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", root.join("home"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_STATE_HOME", root.join("state"));
    c
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn non_interactive_backend_with_template_set_dry_run_and_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("config/ipfs-kit/config.toml");
    std::fs::create_dir_all(cfg.parent().expect("parent")).expect("mkdir");
    std::fs::write(&cfg, "# my notes\n[kubo]\ninterval = \"3s\"\n").expect("write");

    // Everything missing is listed at once, and nothing is written.
    let out = kit(dir.path())
        .args(["wizard", "backend", "--non-interactive", "--set", "kind=s3"])
        .output()
        .expect("run");
    let e = err(&out);
    assert_eq!(out.status.code(), Some(65), "{e}");
    for field in ["name", "endpoint", "bucket"] {
        assert!(
            e.contains(&format!("  {field}: ")),
            "{field} not listed: {e}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&cfg).expect("read"),
        "# my notes\n[kubo]\ninterval = \"3s\"\n"
    );

    // --dry-run shows the change and writes nothing.
    let args = [
        "wizard",
        "backend",
        "--template",
        "kubo_remote",
        "--set",
        "name=far",
        "--set",
        "api=https://node.example:5001",
        "--set",
        "auth.secret=s3cr3t-tok",
        "--non-interactive",
    ];
    let out = kit(dir.path())
        .args(args)
        .arg("--dry-run")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("[backends.far]"), "{diff}");
    assert!(!diff.contains("s3cr3t"), "secret in the diff: {diff}");
    assert!(!cfg.with_file_name("credentials.toml").exists());

    let out = kit(dir.path()).args(args).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let text = std::fs::read_to_string(&cfg).expect("read");
    assert!(text.starts_with("# my notes\n"), "comments kept: {text}");
    assert!(
        text.contains("[backends.far]") && !text.contains("s3cr3t"),
        "{text}"
    );
    let creds = cfg.with_file_name("credentials.toml");
    let mode = std::fs::metadata(&creds)
        .expect("credentials")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        std::fs::read_to_string(&creds)
            .expect("read")
            .contains("s3cr3t")
    );
    assert!(
        cfg.with_file_name("config.toml.bak").exists(),
        "backup kept"
    );

    // The binary reads what the wizard wrote.
    let out = kit(dir.path())
        .args(["--once", "--json", "--kubo-api", "127.0.0.1:1"])
        .output()
        .expect("run");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(j["kubo"].is_object(), "{}", err(&out));

    let out = kit(dir.path())
        .args(["history", "--json"])
        .output()
        .expect("history");
    let h = String::from_utf8_lossy(&out.stdout);
    assert!(
        h.contains("\"wizard.run\"") && h.contains("\"config.save\""),
        "{h}"
    );
}

#[test]
fn a_vfs_mount_is_stat_ed_on_the_real_kubo() {
    let h = Harness::kubo();
    // The wizards below add their sections to this file, keeping what it has.
    h.write_config(NO_HOST_DISK_ALERT);
    h.ipfs(&["files", "mkdir", "-p", "/data"]);
    let f = h.root().join("payload.txt");
    std::fs::write(&f, "some bytes for the mount\n".repeat(100)).expect("write");
    h.ipfs(&[
        "files",
        "write",
        "--create",
        "/data/payload.txt",
        f.to_str().expect("path"),
    ]);

    let out = h
        .ipfs_kit()
        .args([
            "wizard",
            "backend",
            "--template",
            "kubo_local",
            "--set",
            "name=local",
            "--non-interactive",
        ])
        .arg("--set")
        .arg(format!("api={}", h.kubo_api))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let missing = h.root().join("no-such-dir");
    let out = h
        .ipfs_kit()
        .args([
            "wizard",
            "backend",
            "--set",
            "kind=filesystem",
            "--set",
            "name=gone",
            "--non-interactive",
        ])
        .arg("--set")
        .arg(format!("path={}", missing.display()))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let out = h
        .ipfs_kit()
        .args([
            "wizard",
            "vfs",
            "--template",
            "vfs_default",
            "--set",
            "name=data",
            "--set",
            "backends=local",
            "--non-interactive",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));

    let mut cmd = h.ipfs_kit();
    cmd.args(["--once", "--json"]);
    let (code, j, _) = run_json(cmd);
    // Every configured backend is probed for real.
    let backend = |name: &str| {
        j["backends"]
            .as_array()
            .and_then(|b| b.iter().find(|x| x["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("{}", j["backends"]))
    };
    let local = backend("local");
    assert_eq!(local["state"], "ok", "{local}");
    let peer: serde_json::Value = serde_json::from_str(&h.ipfs(&["id"])).expect("id");
    let peer = peer["ID"].as_str().expect("peer id");
    assert!(
        local.to_string().contains(peer),
        "probe report names the node: {local}"
    );
    let gone = backend("gone");
    assert_eq!(gone["state"], "down");
    assert!(
        gone["error"].as_str().unwrap_or("").contains("no-such-dir"),
        "{gone}"
    );
    assert_eq!(j["health"]["sources"]["backend:gone"]["level"], "unhealthy");
    assert_eq!(code, 1, "a backend down is WARNING: {}", j["health"]);
    let m = j["vfs"]
        .as_array()
        .and_then(|v| v.iter().find(|m| m["name"] == "data"))
        .unwrap_or_else(|| panic!("{}", j["vfs"]));
    assert_eq!(m["location"], "mfs:/data");
    let stat: serde_json::Value =
        serde_json::from_str(&h.ipfs(&["files", "stat", "--with-local", "--enc=json", "/data"]))
            .expect("stat");
    assert_eq!(m["size_bytes"], stat["CumulativeSize"]);
    assert_eq!(m["blocks"], stat["Blocks"]);
    assert_eq!(m["local_share"], 1.0);
    assert!(m["error"].is_null());
}
