//! Unit tests of the config loader; compiled only under `#[cfg(test)]` (see `mod tests` in mod.rs).

use std::path::Path;

use super::test_env::env;
use super::*;

fn parse_err(text: &str) -> (usize, usize, String) {
    match parse(text, Path::new("/etc/x.toml")) {
        Err(ConfigError::Parse {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn empty_file_gives_defaults() {
    let f = parse("", Path::new("c.toml")).unwrap();
    assert_eq!(f.kubo.interval, Duration::from_secs(2));
    assert_eq!(f.cluster.pin_status_every, Duration::from_secs(30));
    assert_eq!(f.collector.history, Duration::from_secs(600));
}

#[test]
fn type_error_reports_line_and_column() {
    let (line, col, msg) = parse_err("[kubo]\ninterval = \"2s\"\ntimeout = 5\n");
    assert_eq!((line, col), (3, 11));
    assert!(msg.contains("string"), "{msg}");
}

#[test]
fn bad_endpoint_points_at_the_value() {
    let (line, col, msg) = parse_err("[cluster]\n\napi = \"/ip4/127.0.0.1/udp/9094\"\n");
    assert_eq!((line, col), (3, 7));
    assert!(msg.contains("/tcp/PORT"), "{msg}");
}

#[test]
fn unknown_key_is_an_error() {
    let (line, _, msg) = parse_err("[kubo]\napi = \"127.0.0.1:5001\"\nintervall = \"1s\"\n");
    assert_eq!(line, 3);
    assert!(msg.contains("intervall"), "{msg}");
}

#[test]
fn out_of_range_interval_is_rejected() {
    let (_, _, msg) = parse_err("[host]\ninterval = \"1ms\"\n");
    assert!(msg.contains("100ms to 7d"), "{msg}");
}

#[test]
fn display_names_file_line_and_column() {
    let err = parse("[kubo]\ntimeout = true\n", Path::new("/home/op/c.toml")).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("/home/op/c.toml:2:11: "), "{text}");
    assert!(text.contains("timeout = true"), "{text}");
}

#[test]
fn flags_beat_env_beat_file() {
    let file = parse("[kubo]\napi = \"127.0.0.1:1111\"\n", Path::new("c.toml")).unwrap();
    let e = env(&[
        ("IPFS_KIT_KUBO_API", "/ip4/127.0.0.1/tcp/2222"),
        ("HOME", "/nonexistent"),
    ]);
    let c = resolve(file, Some("c.toml".into()), &Overrides::default(), &e).unwrap();
    assert_eq!(c.kubo.api.endpoint.to_string(), "http://127.0.0.1:2222");
    assert_eq!(c.kubo.api.origin, Origin::Env("IPFS_KIT_KUBO_API"));

    let file = parse("[kubo]\napi = \"127.0.0.1:1111\"\n", Path::new("c.toml")).unwrap();
    let ov = Overrides {
        kubo_api: Some("127.0.0.1:3333".into()),
        ..Default::default()
    };
    let c = resolve(file, None, &ov, &e).unwrap();
    assert_eq!(c.kubo.api.endpoint.to_string(), "http://127.0.0.1:3333");
    assert_eq!(c.kubo.api.origin, Origin::Flag);
}

#[test]
fn bad_env_value_names_the_variable() {
    let e = env(&[("IPFS_KIT_CLUSTER_API", "ftp://x")]);
    let err = resolve(FileConfig::default(), None, &Overrides::default(), &e).unwrap_err();
    assert!(
        err.to_string().starts_with("IPFS_KIT_CLUSTER_API: "),
        "{err}"
    );
}

#[test]
fn kubo_is_discovered_from_ipfs_path_api_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("api"), "/ip4/127.0.0.1/tcp/45678").unwrap();
    let e = env(&[
        ("IPFS_PATH", dir.path().to_str().unwrap()),
        ("HOME", "/nonexistent"),
    ]);
    let c = resolve(FileConfig::default(), None, &Overrides::default(), &e).unwrap();
    assert_eq!(c.kubo.api.endpoint.to_string(), "http://127.0.0.1:45678");
    assert!(matches!(c.kubo.api.origin, Origin::ApiFile(_)));
}

#[test]
fn defaults_without_anything() {
    let e = env(&[("HOME", "/nonexistent")]);
    let c = resolve(FileConfig::default(), None, &Overrides::default(), &e).unwrap();
    assert_eq!(c.kubo.api.endpoint.to_string(), DEFAULT_KUBO_API);
    assert_eq!(c.cluster.api.endpoint.to_string(), DEFAULT_CLUSTER_API);
    assert!(c.cluster.enabled && !c.cluster.required);
    assert_eq!(c.state_dir, Path::new("/nonexistent/.local/state/ipfs-kit"));
}

#[test]
fn configured_cluster_is_required() {
    let e = env(&[("IPFS_KIT_CLUSTER_API", "127.0.0.1:9999")]);
    let c = resolve(FileConfig::default(), None, &Overrides::default(), &e).unwrap();
    assert!(c.cluster.required);
}

#[test]
fn auth_from_env_variable_named_in_file() {
    let file = parse("[kubo]\nauth_env = \"MY_TOKEN\"\n", Path::new("c.toml")).unwrap();
    let e = env(&[("MY_TOKEN", "bearer:t0k")]);
    let c = resolve(file, None, &Overrides::default(), &e).unwrap();
    assert_eq!(c.kubo.api.auth, Some(Auth::Bearer(Secret::new("t0k"))));

    let file = parse("[kubo]\nauth_env = \"MISSING\"\n", Path::new("c.toml")).unwrap();
    let err = resolve(file, None, &Overrides::default(), &env(&[])).unwrap_err();
    assert!(err.to_string().contains("MISSING is not set"), "{err}");
}

#[test]
fn missing_explicit_file_is_an_error_but_missing_default_is_not() {
    let ov = Overrides {
        config: Some("/nonexistent/c.toml".into()),
        ..Default::default()
    };
    assert!(matches!(
        load(&ov, &env(&[])),
        Err(ConfigError::Read { .. })
    ));
    let e = env(&[("XDG_CONFIG_HOME", "/nonexistent")]);
    assert!(load(&Overrides::default(), &e).is_ok());
}

#[test]
fn monitoring_section_drives_intervals_thresholds_and_outputs() {
    let text = r#"
[kubo]
interval = "9s"

[monitoring.sources]
kubo = "3s"
cluster = "off"
host = "2s"
backends = "5m"
vfs = "off"

[monitoring.thresholds]
repo_used_percent = { warning = 70, critical = 90 }
min_peers = { warning = 4, critical = 1 }

[monitoring.outputs]
history_retention = "30m"
snapshot_file = "/tmp/ipfs-kit-snapshot.json"
log_level = "debug"
"#;
    let file = parse(text, Path::new("c.toml")).unwrap();
    let c = resolve(
        file,
        None,
        &Overrides::default(),
        &env(&[("HOME", "/nonexistent")]),
    )
    .unwrap();
    assert_eq!(c.kubo.api.interval, Duration::from_secs(3));
    assert_eq!(c.host_interval, Duration::from_secs(2));
    assert!(!c.cluster.enabled);
    assert_eq!(c.backends_interval, Some(Duration::from_secs(300)));
    assert_eq!(c.vfs_interval, None);
    let repo = c
        .alert_rules
        .iter()
        .find(|r| r.name == "kubo_repo_usage")
        .unwrap();
    assert_eq!((repo.warning, repo.critical), (Some(70.0), Some(90.0)));
    let peers = c
        .alert_rules
        .iter()
        .find(|r| r.name == "kubo_peers_low")
        .unwrap();
    assert_eq!((peers.warning, peers.critical), (Some(4.0), Some(1.0)));
    assert_eq!(c.history, Duration::from_secs(1800));
    assert_eq!(
        c.snapshot_file.as_deref(),
        Some(Path::new("/tmp/ipfs-kit-snapshot.json"))
    );
    assert_eq!(c.log_level, "debug");

    // --interval still wins over [monitoring.sources].
    let file = parse(text, Path::new("c.toml")).unwrap();
    let ov = Overrides {
        interval: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let c = resolve(file, None, &ov, &env(&[])).unwrap();
    assert_eq!(c.kubo.api.interval, Duration::from_secs(1));
}

#[test]
fn a_vfs_mount_naming_a_missing_backend_is_a_config_error_at_its_table() {
    let text =
        "[kubo]\ninterval = \"2s\"\n\n[vfs.media]\nmfs_path = \"/media\"\nbackends = [\"nope\"]\n";
    let err = parse(text, Path::new("c.toml")).unwrap_err();
    match err {
        ConfigError::Parse { line, message, .. } => {
            assert_eq!(line, 4, "{message}");
            assert!(message.contains("nope"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn backends_written_by_the_wizard_are_read() {
    let text = "[backends.local]\nkind = \"kubo\"\napi = \"/ip4/127.0.0.1/tcp/5001\"\n";
    let file = parse(text, Path::new("c.toml")).unwrap();
    assert_eq!(file.backends.len(), 1);
}

#[test]
fn fleet_nodes_are_checked_at_their_line_and_column() {
    let text = "[[fleet.nodes]]\nname = \"a\"\nurl = \"http://10.0.0.1:5080\"\n\n[[fleet.nodes]]\nname = \"b\"\nurl = \"10.0.0.2:5080\"\n";
    let (line, col, msg) = parse_err(text);
    assert_eq!((line, col), (7, 7), "{msg}");
    assert!(msg.contains("write it as http://HOST:PORT"), "{msg}");
    let (line, _, msg) =
        parse_err("[[fleet.nodes]]\nname = \"a\"\nurl = \"http://x:1\"\nport = 3\n");
    assert_eq!(line, 4, "{msg}");
    assert!(msg.contains("unknown field `port`"), "{msg}");
}
