//! The backend connection probes against real servers: Kubo and Cluster from the harness,
//! Cluster's Pinning Service API, an s3s-fs S3 server, and local directories. Every report
//! and error is also checked for the secrets involved.

#[path = "probes/s3_server.rs"]
mod s3_server;
mod support;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use ipfs_kit::probes::{LiveProbe, Resolver, probe};
use ipfs_kit_wizards::config::{Auth, BackendConfig, BackendPolicy, Target};
use ipfs_kit_wizards::secret::Identity;
use ipfs_kit_wizards::values::{AbsPath, ByteSize, Interval};
use ipfs_kit_wizards::{Probe, ProbeReport, Secret, SecretRef};
use s3_server::{ACCESS_KEY, S3Server, SECRET_KEY};
use support::{Harness, runtime};

fn backend(target: Target, auth: Auth) -> BackendConfig {
    let policy = BackendPolicy {
        timeout: Interval::try_from("15s".to_string()).expect("interval"),
        connect_timeout: Interval::try_from("3s".to_string()).expect("interval"),
        ..BackendPolicy::default()
    };
    BackendConfig {
        target,
        auth,
        policy,
    }
}

fn literal(s: &str) -> SecretRef {
    SecretRef::Literal(Secret::new(s))
}

fn fact<'a>(r: &'a ProbeReport, name: &str) -> &'a str {
    r.facts
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no fact {name:?} in {}", r.render()))
}

/// Fails when `secret` shows anywhere in what the probe returned.
fn assert_no_secret(result: &Result<ProbeReport, String>, secret: &str) {
    let text = match result {
        Ok(r) => format!("{}{:?}", r.render(), r),
        Err(e) => e.clone(),
    };
    assert!(!text.contains(secret), "the secret leaked into: {text}");
}

fn test(b: &BackendConfig) -> Result<ProbeReport, String> {
    LiveProbe::default().test(b)
}

fn kubo_target(h: &Harness) -> Target {
    Target::Kubo {
        api: h.kubo_api.to_string().parse().expect("endpoint"),
        repo: None,
    }
}

fn cluster_peer_id(h: &Harness) -> String {
    let dir = h.cluster_dir.as_ref().expect("cluster").path();
    let text = std::fs::read_to_string(dir.join("identity.json")).expect("identity.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("identity json");
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn kubo_and_cluster_report_their_real_peer_ids() {
    let mut h = Harness::full();
    let kubo_id = h.ipfs(&["id", "-f", "<id>"]).trim().to_string();

    let r = test(&backend(kubo_target(&h), Auth::None)).expect("kubo probe");
    assert!(r.summary.starts_with("Kubo 0.39.0"), "{}", r.render());
    assert_eq!(fact(&r, "peer id"), kubo_id);
    assert!(
        fact(&r, "agent version").starts_with("kubo/0.39.0"),
        "{}",
        r.render()
    );

    let cluster = Target::Cluster {
        api: h
            .cluster_api
            .as_ref()
            .expect("cluster")
            .to_string()
            .parse()
            .expect("endpoint"),
    };
    let r = test(&backend(cluster.clone(), Auth::None)).expect("cluster probe");
    assert_eq!(fact(&r, "peer id"), cluster_peer_id(&h));
    assert_eq!(fact(&r, "version"), "1.1.6");
    assert_eq!(fact(&r, "cluster peers"), "1");
    assert_eq!(fact(&r, "ipfs connector"), format!("ok (Kubo {kubo_id})"));

    // Cluster keeps answering without its Kubo: the probe passes and shows the error.
    h.stop_kubo();
    let r = test(&backend(cluster, Auth::None)).expect("cluster probe without kubo");
    let connector = fact(&r, "ipfs connector");
    assert!(connector.starts_with("error: "), "{}", r.render());
    assert!(
        r.summary.contains("connector reports an error"),
        "{}",
        r.render()
    );
}

#[test]
fn a_stopped_kubo_fails_naming_the_connection_failure() {
    let mut h = Harness::kubo();
    let b = backend(kubo_target(&h), Auth::None);
    test(&b).expect("kubo up");
    h.stop_kubo();
    let err = test(&b).expect_err("kubo is stopped");
    assert!(err.contains("cannot connect"), "{err}");
    assert!(err.contains("Connection refused"), "{err}");
    assert!(err.contains(&h.kubo_api.to_string()), "{err}");
}

#[test]
fn kubo_with_a_token_passes_and_a_wrong_token_fails_without_showing_either() {
    const TOKEN: &str = "probe-right-T0KEN-5678";
    const WRONG: &str = "probe-wrong-T0KEN-9999";
    let h = Harness::kubo_with(|repo| {
        repo.set_config_json(
            "API.Authorizations",
            &format!(
                r#"{{"ops": {{"AuthSecret": "bearer:{TOKEN}", "AllowedPaths": ["/api/v0"]}}}}"#
            ),
        )
        .expect("set API.Authorizations");
    });
    let ok = test(&backend(
        kubo_target(&h),
        Auth::Token {
            token: literal(TOKEN),
        },
    ));
    assert_no_secret(&ok, TOKEN);
    ok.expect("right token");

    let bad = test(&backend(
        kubo_target(&h),
        Auth::Token {
            token: literal(WRONG),
        },
    ));
    assert_no_secret(&bad, WRONG);
    assert_no_secret(&bad, TOKEN);
    let err = bad.expect_err("wrong token");
    assert!(err.contains("access denied (403)"), "{err}");
}

// ---- pinning service: Cluster's IPFS Pinning Service API, with JWT auth ----

const PINSVC_USER: &str = "pinner";
const PINSVC_PASSWORD: &str = "pinsvc-PASSWORD-4321";

/// Kubo and a Cluster whose Pinning Service API wants credentials (basic or a JWT that
/// POST /token issues); the REST API stays open so readiness works as usual.
fn cluster_with_pinsvc_auth() -> (Harness, String) {
    use ipfs_kit::config::to_multiaddr;
    use ipfs_kit::supervisor::cluster::ClusterDir;

    let mut h = Harness::kubo();
    let cdir = ClusterDir::new(&h.tools.cluster_service, &h.root().join("cluster"));
    cdir.init().unwrap_or_else(|e| panic!("cluster init: {e}"));
    cdir.configure_loopback(&to_multiaddr(&h.kubo_api))
        .unwrap_or_else(|e| panic!("cluster config: {e}"));
    let file = cdir.path().join("service.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
    v["api"]["pinsvcapi"]["basic_auth_credentials"] =
        serde_json::json!({ PINSVC_USER: PINSVC_PASSWORD });
    let addr = v["api"]["pinsvcapi"]["http_listen_multiaddress"]
        .as_str()
        .expect("pinsvcapi address")
        .to_string();
    std::fs::write(&file, serde_json::to_string_pretty(&v).expect("encode")).expect("write");
    let mut proc = cdir
        .start(&h.root().join("logs/cluster.log"))
        .unwrap_or_else(|e| panic!("start cluster: {e}"));
    let api = runtime()
        .block_on(cdir.wait_ready(&mut proc, Duration::from_secs(90)))
        .unwrap_or_else(|e| panic!("cluster not ready: {e}"));
    h.cluster_api = Some(api);
    h.cluster = Some(proc);
    h.cluster_dir = Some(cdir);
    let url = addr
        .parse::<ipfs_kit::config::Endpoint>()
        .expect("pinsvcapi multiaddr")
        .to_string();
    (h, url)
}

fn jwt_token(pinsvc: &str) -> String {
    runtime().block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{pinsvc}/token"))
            .basic_auth(PINSVC_USER, Some(PINSVC_PASSWORD))
            .send()
            .await
            .expect("POST /token");
        assert!(resp.status().is_success(), "POST /token: {}", resp.status());
        let v: serde_json::Value = resp.json().await.expect("token json");
        v["token"].as_str().expect("token").to_string()
    })
}

#[test]
fn pinning_service_counts_pins_with_a_stored_token_and_refuses_a_wrong_one() {
    let (h, pinsvc) = cluster_with_pinsvc_auth();
    let cid = h.add_files(1, "pinsvc").remove(0);
    h.cluster_ctl(&["pin", "add", "--wait", &cid]);
    let token = jwt_token(&pinsvc);

    // The token as the wizard saves it: an entry in a 0600 credentials.toml.
    let creds = h.root().join("credentials.toml");
    std::fs::write(&creds, format!("[pinsvc]\nsecret = \"{token}\"\n")).expect("write");
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let target = Target::PinningService {
        endpoint: pinsvc.parse().expect("url"),
    };
    let stored = Auth::Token {
        token: SecretRef::Credential("pinsvc".parse().expect("entry name")),
    };
    let ok = LiveProbe::load(&creds)
        .expect("credentials")
        .test(&backend(target.clone(), stored));
    assert_no_secret(&ok, &token);
    let r = ok.expect("pinning service probe");
    assert_eq!(fact(&r, "pins"), "1", "{}", r.render());

    // The async API gives the same answer.
    let store = Resolver::load(&creds).expect("credentials");
    let stored = Auth::Token {
        token: SecretRef::Credential("pinsvc".parse().expect("entry name")),
    };
    let r2 = runtime()
        .block_on(probe(&backend(target.clone(), stored), &store))
        .expect("async probe");
    assert_eq!(r2, r);

    let wrong = format!("{token}x");
    let bad = test(&backend(
        target,
        Auth::Token {
            token: literal(&wrong),
        },
    ));
    assert_no_secret(&bad, &wrong);
    assert_no_secret(&bad, &token);
    let err = bad.expect_err("wrong token");
    assert!(err.contains("401"), "{err}");
    assert!(err.contains("unauthorized"), "{err}");
}

// ---- S3: a real s3s-fs server ----

fn s3(server: &S3Server, bucket: &str, secret: &str) -> BackendConfig {
    backend(
        Target::S3 {
            endpoint: server.endpoint.parse().expect("url"),
            region: "us-east-1".parse().expect("region"),
            bucket: bucket.parse().expect("bucket"),
            path_style: true,
        },
        Auth::AccessKey {
            access_key_id: Identity::Plain(ACCESS_KEY.into()),
            secret_key: literal(secret),
        },
    )
}

#[test]
fn s3_right_bucket_and_keys_pass() {
    let server = S3Server::start();
    server.create_bucket("ipfs-archive");
    let ok = test(&s3(&server, "ipfs-archive", SECRET_KEY));
    assert_no_secret(&ok, SECRET_KEY);
    let r = ok.expect("s3 probe");
    assert_eq!(fact(&r, "bucket"), "ipfs-archive");
    assert_eq!(fact(&r, "url style"), "path");
    assert!(r.summary.contains("reachable"), "{}", r.render());
}

#[test]
fn s3_wrong_secret_key_fails_with_the_servers_reason() {
    let server = S3Server::start();
    server.create_bucket("ipfs-archive");
    let wrong = "ipfskit-WRONG-secret-key-000";
    let bad = test(&s3(&server, "ipfs-archive", wrong));
    assert_no_secret(&bad, wrong);
    assert_no_secret(&bad, SECRET_KEY);
    let err = bad.expect_err("wrong secret");
    assert!(err.contains("HTTP 403"), "{err}");
    assert!(err.contains("SignatureDoesNotMatch"), "{err}");
}

#[test]
fn s3_missing_bucket_fails_with_no_such_bucket() {
    let server = S3Server::start();
    let err = test(&s3(&server, "not-there", SECRET_KEY)).expect_err("no bucket");
    assert!(err.contains("HTTP 404"), "{err}");
    assert!(err.contains("NoSuchBucket"), "{err}");
    assert!(!err.contains(SECRET_KEY), "{err}");
}

#[test]
fn s3_unreachable_endpoint_fails_naming_it() {
    let server = S3Server::start();
    let endpoint = server.endpoint.clone();
    drop(server);
    let b = backend(
        Target::S3 {
            endpoint: endpoint.parse().expect("url"),
            region: "us-east-1".parse().expect("region"),
            bucket: "ipfs-archive".parse().expect("bucket"),
            path_style: true,
        },
        Auth::AccessKey {
            access_key_id: Identity::Plain(ACCESS_KEY.into()),
            secret_key: literal(SECRET_KEY),
        },
    );
    let err = test(&b).expect_err("server stopped");
    assert!(
        err.contains(&format!("cannot connect to S3 endpoint {endpoint}")),
        "{err}"
    );
    assert!(!err.contains("X-Amz-Signature"), "{err}");
}

// ---- local filesystem ----

fn fs_backend(path: &std::path::Path, quota: Option<&str>) -> BackendConfig {
    let mut b = backend(
        Target::Filesystem {
            path: AbsPath::try_from(path.to_str().expect("utf8").to_string()).expect("abs path"),
        },
        Auth::None,
    );
    b.policy.quota = quota.map(|q| ByteSize::try_from(q.to_string()).expect("size"));
    b
}

#[test]
fn filesystem_temp_dir_passes_with_free_space() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = test(&fs_backend(dir.path(), Some("1MiB"))).expect("fs probe");
    assert_eq!(fact(&r, "writable"), "yes");
    assert!(fact(&r, "free").ends_with("B"), "{}", r.render());
    assert_eq!(fact(&r, "quota"), "1.0 MiB");
    // The probe file is gone again.
    assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
}

#[test]
fn filesystem_quota_above_free_space_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = test(&fs_backend(dir.path(), Some("1000PiB"))).expect_err("too small");
    assert!(err.contains("less than the quota"), "{err}");
}

#[test]
fn filesystem_missing_file_and_read_only_paths_fail_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope");
    let err = test(&fs_backend(&missing, None)).expect_err("missing");
    assert!(err.contains("does not exist"), "{err}");

    let file = dir.path().join("file");
    std::fs::write(&file, "x").expect("write");
    let err = test(&fs_backend(&file, None)).expect_err("a file");
    assert!(err.contains("is not a directory"), "{err}");

    // Root ignores permission bits, so as root use sysfs, which takes no new files.
    let read_only = if nix::unistd::geteuid().is_root() {
        std::path::PathBuf::from("/sys")
    } else {
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).expect("mkdir");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        ro
    };
    let err = test(&fs_backend(&read_only, None)).expect_err("read-only");
    assert!(err.contains("is not writable"), "{err}");
}
