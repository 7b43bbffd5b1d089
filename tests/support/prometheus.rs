//! Prometheus and promtool from the Debian package `prometheus`, installed when missing;
//! `promtool check metrics` on an exposition. Included with `#[path]` by the tests that
//! need it.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;

const HOW: &str = "install the Debian package: `apt-get install -y prometheus` (as root); it \
                   provides /usr/bin/promtool and /usr/bin/prometheus";

fn find(bin: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
}

fn apt(args: &[&str]) -> Result<(), String> {
    let out = Command::new("apt-get")
        .args(["-o", "DPkg::Lock::Timeout=300"])
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("apt-get: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "apt-get {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The path of `bin` (promtool or prometheus), installing the package when it is missing;
/// panics saying how when it cannot.
pub fn tool(bin: &str) -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _one = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = find(bin) {
        return p;
    }
    eprintln!("{bin} missing: apt-get install -y prometheus");
    let installed =
        apt(&["install", "-y", "--no-install-recommends", "prometheus"]).or_else(|first| {
            // A fresh machine's package lists may be missing or old.
            apt(&["update"])
                .and_then(|()| apt(&["install", "-y", "--no-install-recommends", "prometheus"]))
                .map_err(|e| format!("{first}\nthen: {e}"))
        });
    match (installed, find(bin)) {
        (_, Some(p)) => p,
        (Err(e), None) => panic!("{bin} is needed and could not be installed ({e}); {HOW}"),
        (Ok(()), None) => panic!("{bin} still missing after installing prometheus; {HOW}"),
    }
}

/// `promtool check metrics` on `text`: Ok when it is clean, else its complaints.
pub fn check_metrics(text: &str) -> Result<(), String> {
    let mut child = Command::new(tool("promtool"))
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to promtool");
    let out = child.wait_with_output().expect("promtool");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && said.trim().is_empty() {
        Ok(())
    } else {
        Err(format!("promtool check metrics ({}): {said}", out.status))
    }
}

/// The samples of an exposition: `name{labels}` exactly as written → value.
pub fn samples(text: &str) -> std::collections::BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let (key, value) = l.rsplit_once(' ')?;
            Some((key.to_string(), value.parse().ok()?))
        })
        .collect()
}
