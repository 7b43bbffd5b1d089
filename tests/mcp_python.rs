//! An independent client nobody here wrote: the official Python MCP SDK (PyPI `mcp`) runs
//! tests/mcp/client.py, which starts `ipfs-kit mcp` over stdio against the real Kubo +
//! Cluster, lists the tools and calls a few. The SDK is installed into a virtualenv under
//! ~/.cache/ipfs-kit when missing; without python3 the test fails saying how to get it.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use support::Harness;

fn venv() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from);
    home.join(".cache/ipfs-kit/mcp-venv")
}

/// The venv's python with `mcp` importable, installing what is missing.
fn python() -> PathBuf {
    let dir = venv();
    let py = dir.join("bin/python");
    if !py.exists() {
        let st = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&dir)
            .status()
            .unwrap_or_else(|e| {
                panic!("python3 is needed for the Python MCP SDK test (apt-get install python3 python3-venv): {e}")
            });
        assert!(
            st.success(),
            "python3 -m venv {} failed (apt-get install python3-venv)",
            dir.display()
        );
    }
    let has = Command::new(&py)
        .args(["-c", "import mcp.client.stdio"])
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        let out = Command::new(&py)
            .args(["-m", "pip", "install", "--quiet", "mcp>=2,<3"])
            .output()
            .expect("run pip");
        assert!(
            out.status.success(),
            "pip install mcp into {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    py
}

#[test]
fn the_official_python_sdk_lists_and_calls_tools() {
    let py = python();
    let h = Harness::full();
    h.write_config(support::NO_HOST_DISK_ALERT);
    let cid = h.add_files(1, "py").remove(0);
    let out = h
        .ipfs_kit()
        .args(["pin", "add", &cid])
        .output()
        .expect("pin");
    assert!(out.status.success(), "{out:?}");

    // The harness's environment (and nothing else), which client.py hands to the server.
    let kit = h.ipfs_kit();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp/client.py");
    let out = Command::new(&py)
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_ipfs-kit"))
        .env_clear()
        .envs(kit.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .expect("run the Python client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "client.py failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.trim()).expect("client.py prints JSON");

    let read_only: BTreeSet<String> = ipfs_kit::mcp::registry()
        .iter()
        .filter(|t| t.hints.read_only)
        .map(|t| t.name().to_string())
        .collect();
    let listed: BTreeSet<String> = seen["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    assert_eq!(listed, read_only);
    assert_eq!(seen["server"], "ipfs-kit");
    assert_eq!(seen["all_read_only"], true);
    assert!(
        ["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&seen["status"].as_str().unwrap_or("")),
        "{seen}"
    );
    assert_eq!(
        seen["widgets"],
        ipfs_kit::dashboard::registry::WIDGETS.len()
    );
    // The operations document is the CLI's.
    let cli = h
        .ipfs_kit()
        .args(["dashboard", "operations", "--json", "--limit", "3"])
        .output()
        .expect("cli");
    let want: Value = serde_json::from_slice(&cli.stdout).expect("cli json");
    assert_eq!(seen["operations"], want);
    assert!(
        want["operations"].as_array().is_some_and(|o| o
            .iter()
            .any(|e| e["resource"] == Value::String(cid.clone()))),
        "{want}"
    );
    assert_eq!(seen["refused"]["is_error"], true);
    assert!(
        seen["refused"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("--allow-actions")),
        "{seen}"
    );
    assert!(
        seen["resource_operations"].as_u64().is_some_and(|n| n >= 1),
        "{seen}"
    );
    assert_eq!(seen["still_answering"], true);
}
