//! The binary's edges: config errors, usage errors, the schema command.

use std::process::Command;

fn ipfs_kit(home: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"));
    c
}

#[test]
fn config_type_error_names_file_line_and_column_and_exits_78() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("config.toml");
    let text = "# ipfs-kit\n[kubo]\napi = \"127.0.0.1:5001\"\ntimeout = 5\n";
    std::fs::write(&file, text).expect("write");
    let out = ipfs_kit(dir.path())
        .args(["--once", "--config"])
        .arg(&file)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{err}");
    assert!(err.contains(&format!("{}:4:11: ", file.display())), "{err}");
    assert!(err.contains("timeout = 5"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        text,
        "the file must be left as it was"
    );
}

#[test]
fn default_config_location_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg_dir = dir.path().join("config/ipfs-kit");
    std::fs::create_dir_all(&cfg_dir).expect("mkdir");
    std::fs::write(cfg_dir.join("config.toml"), "[cluster]\nenabled = flase\n").expect("write");
    let out = ipfs_kit(dir.path()).arg("--once").output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{err}");
    assert!(err.contains("config/ipfs-kit/config.toml:2:11"), "{err}");
}

#[test]
fn bad_env_address_is_a_config_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ipfs_kit(dir.path())
        .env("IPFS_KIT_KUBO_API", "/ip4/127.0.0.1/udp/5001")
        .arg("--once")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{err}");
    assert!(
        err.contains("IPFS_KIT_KUBO_API: invalid multiaddr"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_64() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ipfs_kit(dir.path()).arg("--json").output().expect("run");
    assert_eq!(out.status.code(), Some(64));
    let out = ipfs_kit(dir.path())
        .args(["--once", "--timeout", "soon"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(64));
    let out = ipfs_kit(dir.path()).arg("--help").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn committed_schema_is_current() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ipfs_kit(dir.path()).arg("schema").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8_lossy(&out.stdout);
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/snapshot.schema.json"
    ))
    .expect("assets/snapshot.schema.json");
    assert_eq!(
        generated, committed,
        "assets/snapshot.schema.json is stale: run `cargo run -- schema > assets/snapshot.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).expect("schema is JSON");
    for field in [
        "schema_version",
        "time",
        "host",
        "kubo",
        "cluster",
        "health",
    ] {
        assert!(
            schema["properties"][field].is_object(),
            "schema lacks {field}"
        );
    }
}
