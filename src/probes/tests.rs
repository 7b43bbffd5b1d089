use std::time::Duration;

use ipfs_kit_wizards::config::{Auth as WizardAuth, BackendConfig, BackendPolicy, Target};
use ipfs_kit_wizards::{Probe, Secret, SecretRef};

use ipfs_kit_wizards::values::Interval;

use super::{LiveProbe, Resolver, Secrets, s3};

fn iv(s: &str) -> Interval {
    Interval::try_from(s.to_string()).expect("interval")
}

fn unreachable_kubo() -> BackendConfig {
    let policy = BackendPolicy {
        timeout: iv("2s"),
        connect_timeout: iv("1s"),
        ..BackendPolicy::default()
    };
    BackendConfig {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        target: Target::Kubo {
            api: "/ip4/127.0.0.1/tcp/1".parse().expect("endpoint"),
            repo: None,
        },
        auth: WizardAuth::Token {
            token: SecretRef::Literal(Secret::new("tok-SECRET-123")),
        },
        policy,
    }
}

#[test]
fn sync_probe_works_outside_any_runtime() {
    let err = LiveProbe::default().test(&unreachable_kubo()).unwrap_err();
    assert!(err.contains("cannot connect"), "{err}");
    assert!(!err.contains("SECRET"), "{err}");
}

#[test]
fn sync_probe_does_not_panic_inside_a_current_thread_runtime() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let err = rt
        .block_on(async { LiveProbe::default().test(&unreachable_kubo()) })
        .unwrap_err();
    assert!(err.contains("cannot connect"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_probe_does_not_panic_inside_a_multi_thread_runtime() {
    let err = LiveProbe::default().test(&unreachable_kubo()).unwrap_err();
    assert!(err.contains("cannot connect"), "{err}");
}

#[test]
fn secrets_are_masked_in_text() {
    let auth = WizardAuth::Token {
        token: SecretRef::Literal(Secret::new("tok-SECRET-123")),
    };
    let s = Secrets::resolve(&auth, &Resolver::default()).expect("resolve");
    assert_eq!(
        s.mask("server said: bad token tok-SECRET-123"),
        "server said: bad token ***"
    );
}

#[test]
fn a_missing_env_secret_is_reported_by_name() {
    let auth = WizardAuth::Token {
        token: SecretRef::Env("IPFS_KIT_TEST_SURELY_UNSET_VAR".parse().expect("name")),
    };
    let err = Secrets::resolve(&auth, &Resolver::default())
        .err()
        .expect("unset var");
    assert!(err.contains("IPFS_KIT_TEST_SURELY_UNSET_VAR"), "{err}");
}

#[test]
fn s3_error_documents_give_code_and_message() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; so on</Message><RequestId>x</RequestId></Error>"#;
    assert_eq!(
        s3::parse_error(xml).as_deref(),
        Some("SignatureDoesNotMatch: The request signature we calculated does not match & so on")
    );
    assert_eq!(
        s3::parse_error("<Error><Code>NoSuchBucket</Code></Error>").as_deref(),
        Some("NoSuchBucket")
    );
    assert_eq!(s3::parse_error("<html>502</html>"), None);
}

#[test]
fn the_whole_probe_is_bounded_by_the_policy_timeout() {
    // A listener that accepts and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut backend = unreachable_kubo();
    backend.target = Target::Kubo {
        api: format!("/ip4/127.0.0.1/tcp/{port}")
            .parse()
            .expect("endpoint"),
        repo: None,
    };
    backend.policy.timeout = iv("500ms");
    backend.policy.connect_timeout = iv("500ms");
    let started = std::time::Instant::now();
    let err = LiveProbe::default().test(&backend).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "{err}");
    assert!(
        err.contains("timed out") || err.contains("timeout"),
        "{err}"
    );
    drop(listener);
}

#[test]
fn pinning_service_errors_show_the_specs_reason_and_details() {
    use crate::sources::http::ApiError;
    let e = super::pinning::spec_reason(ApiError::Denied {
        status: 401,
        message: r#"{"error":{"reason":"UNAUTHORIZED","details":"token expired"}}"#.into(),
    });
    assert_eq!(
        e.to_string(),
        "access denied (401): UNAUTHORIZED: token expired — check the auth setting"
    );
    let e = super::pinning::spec_reason(ApiError::Denied {
        status: 403,
        message: "plain text".into(),
    });
    assert!(e.to_string().contains("plain text"), "{e}");
}
