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

/// Runs with `args`; returns (exit code, stderr).
fn run(home: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = ipfs_kit(home).args(args).output().expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_values_on_the_command_line_exit_64_naming_flag_value_and_what_is_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["history", "--since", "bogus"],
            &["--since", "bogus", "24h", "RFC 3339"],
        ),
        (
            &["history", "--status", "bogus"],
            &["--status", "bogus", "ok, failed, running"],
        ),
        (
            &["--once", "--kubo-api", "ftp://x"],
            &["--kubo-api", "ftp://x", "http or https"],
        ),
        (
            &["wizard", "backend", "--non-interactive", "--set", "garbage"],
            &["--set", "garbage", "key=value"],
        ),
        (
            &[
                "wizard",
                "backend",
                "--non-interactive",
                "--template",
                "nosuch",
            ],
            &["--template", "nosuch", "kubo_local"],
        ),
        (
            &[
                "wizard",
                "backend",
                "--non-interactive",
                "--template",
                "vfs_default",
            ],
            &["--template", "vfs_default", "vfs wizard"],
        ),
    ];
    for (args, words) in cases {
        let (code, err) = run(dir.path(), args);
        assert_eq!(code, Some(64), "{args:?}: {err}");
        for w in *words {
            assert!(err.contains(w), "{args:?}: {w:?} not in {err}");
        }
        // Said once, not "--since: invalid --since …".
        assert_eq!(
            err.matches(args[args.len() - 2]).count(),
            1,
            "{args:?}: {err}"
        );
    }
}

#[test]
fn unknown_daemon_name_exits_64_and_lists_the_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The daemon commands need the tools (exit 69 without them) before they judge a name.
    let tools = std::env::var("IPFS_KIT_TOOLS_BIN").expect(
        "set IPFS_KIT_TOOLS_BIN to the directory with ipfs and ipfs-cluster-service \
         (scripts/install-ipfs-tools.sh)",
    );
    let out = ipfs_kit(dir.path())
        .env("PATH", tools)
        .args(["daemon", "status", "nosuch"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(64), "{err}");
    assert!(
        err.contains(r#"daemon "nosuch": no such daemon; expected all, kubo, cluster"#),
        "{err}"
    );
}

#[test]
fn an_os_error_reading_the_config_is_said_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Root reads a chmod 000 file anyway; a directory gives a real OS error to anyone.
    let not_a_file = dir.path().join("config.toml");
    std::fs::create_dir(&not_a_file).expect("mkdir");
    for args in [
        &["--once"][..],
        &["wizard", "backend", "--non-interactive", "--dry-run"][..],
    ] {
        let out = ipfs_kit(dir.path())
            .arg("--config")
            .arg(&not_a_file)
            .args(args)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{args:?}: {err}");
        let os = "(os error ";
        assert_eq!(err.matches(os).count(), 1, "{args:?}: {err}");
        let what = err[..err.find(os).expect("an OS error")]
            .rsplit(": ")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        assert!(!what.is_empty(), "{err}");
        assert_eq!(
            err.matches(&what).count(),
            1,
            "{args:?}: {what:?} twice in {err}"
        );
        assert!(err.contains(&not_a_file.display().to_string()), "{err}");
    }
}

#[test]
fn a_binary_config_file_names_the_first_invalid_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        b"[kubo]\napi = \"127.0.0.1:5001\"\ntime\xffout = 5\n",
    )
    .expect("write");
    let (code, err) = run(
        dir.path(),
        &["--once", "--config", &file.display().to_string()],
    );
    assert_eq!(code, Some(78), "{err}");
    assert!(
        err.contains(&format!("{}:3:5: not UTF-8 text", file.display())),
        "{err}"
    );
    assert_eq!(
        err.matches("UTF-8").count(),
        2,
        "said once, plus the fix: {err}"
    );
}

#[test]
fn a_missing_answers_file_exits_64_and_a_bad_one_65() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("none.toml");
    let (code, err) = run(
        dir.path(),
        &[
            "wizard",
            "backend",
            "--non-interactive",
            "--answers",
            &missing.display().to_string(),
        ],
    );
    assert_eq!(code, Some(64), "{err}");
    assert!(
        err.contains("--answers") && err.contains("none.toml"),
        "{err}"
    );
    assert_eq!(err.matches("(os error ").count(), 1, "{err}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "kind = [").expect("write");
    let (code, err) = run(
        dir.path(),
        &[
            "wizard",
            "backend",
            "--non-interactive",
            "--answers",
            &bad.display().to_string(),
        ],
    );
    assert_eq!(code, Some(65), "{err}");
    assert!(
        err.contains("bad.toml") && err.contains("not valid TOML"),
        "{err}"
    );
}
