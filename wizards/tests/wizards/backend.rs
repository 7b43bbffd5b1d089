//! Backend wizard: every step, Back on each, Edit from review, Cancel, the probe.

use ipfs_kit_wizards::config::{Auth, BackendPolicy, Target};
use ipfs_kit_wizards::secret::Identity;
use ipfs_kit_wizards::validate;

use super::common::*;

const KUBO: &str = "Kubo node (local or remote RPC)";
const CLUSTER: &str = "IPFS Cluster peer";
const S3: &str = "S3-compatible bucket";
const FILESYSTEM: &str = "Local filesystem path";
const TYPE_SECRET: &str = "Type it now (hidden; saved to credentials.toml, mode 0600)";
const FROM_ENV: &str = "Read it from an environment variable";
const STORED: &str = "Use an entry already in credentials.toml";
const TYPE_ID: &str = "Type it now (kept in config.toml; it is not a secret)";
const SECRET: &str = "tok-9f8e7d6c5b4a";

/// Steps 1 to 4 of a local Kubo node with a typed token, ending at the review menu.
fn kubo_steps() -> Vec<Scripted> {
    vec![
        choose(KUBO),
        KEEP,
        text("/var/lib/ipfs"),
        choose("Bearer token"),
        choose(TYPE_SECRET),
        Scripted::secret(SECRET),
        text("home"),
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
    ]
}

fn with(mut steps: Vec<Scripted>, tail: &[Scripted]) -> Vec<Scripted> {
    steps.extend_from_slice(tail);
    steps
}

fn backend(section: Section) -> (String, BackendConfig) {
    match section {
        Section::Backend { name, config } => (name.to_string(), config),
        other => panic!("not a backend: {other:?}"),
    }
}

#[test]
fn kubo_with_typed_token_walks_all_five_steps() {
    let probe = FixedProbe::ok();
    let (out, p) = run(
        WizardKind::Backend,
        with(kubo_steps(), &[choose("Apply")]),
        Answers::new(),
        "",
        Some(&probe),
    );
    let (name, config) = backend(applied(out));
    assert_eq!(name, "home");
    assert_eq!(
        config.target,
        Target::Kubo {
            api: validate::endpoint("/ip4/127.0.0.1/tcp/5001").unwrap(),
            repo: Some(validate::abs_path("/var/lib/ipfs").unwrap())
        }
    );
    assert_eq!(
        config.auth,
        Auth::Token {
            token: SecretRef::Literal(Secret::new(SECRET))
        }
    );
    assert_eq!(config.policy, BackendPolicy::default());
    assert_eq!(
        p.prompts(),
        [
            "What kind of backend?",
            "Kubo RPC address",
            "Repo path on this host (empty for a remote node)",
            "Credentials",
            "How should ipfs-kit get the token?",
            "Secret",
            "Name for this backend",
            "Request timeout",
            "Connect timeout",
            "Priority (lower is tried first)",
            "Weight among backends of the same priority",
            "Quota (empty for none)",
            "What next?",
        ]
    );
    let shown = p.shown();
    for header in [
        "Step 1/5: Kind",
        "Step 2/5: Connection",
        "Step 3/5: Credentials",
        "Step 4/5: Policy",
        "Step 5/5: Review and connection test",
    ] {
        assert!(shown.contains(&header), "missing {header:?} in {shown:#?}");
    }
    assert!(shown.contains(&"Connection test passed: fixed test report\n  probe: test double"));
    assert!(shown.iter().any(
        |s| s.starts_with("To be saved:\n[backends.home]\nkind = \"kubo\"")
            && s.contains("credential = \"home\"")
    ));
    assert_eq!(probe.seen.borrow().len(), 1);
    // Masked input: the secret is never shown, recorded or printed.
    assert!(!p.all_text().contains(SECRET));
    assert!(p.transcript().iter().any(|s| matches!(
        s,
        Shown::Prompt {
            kind: PromptKind::Password,
            ..
        }
    )));
}

#[test]
fn back_on_every_step_keeps_the_answers() {
    let script = vec![
        BACK, // first question of all: stays
        choose(KUBO),
        BACK, // step 2 -> step 1
        KEEP,
        text("/ip4/10.0.0.5/tcp/5001"),
        BACK, // repo -> api, within step 2
        KEEP,
        KEEP,
        BACK, // step 3 -> step 2's last question
        KEEP,
        choose("Bearer token"),
        choose(FROM_ENV),
        BACK, // env var prompt -> the either menu
        choose(FROM_ENV),
        text("KUBO_TOKEN"),
        BACK, // step 4 -> step 3's last question (the either menu)
        KEEP,
        KEEP,
        text("edge"),
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        BACK, // review -> step 4's last question
        KEEP,
        choose("Apply"),
    ];
    let (out, p) = run(WizardKind::Backend, script, Answers::new(), "", None);
    let (name, config) = backend(applied(out));
    assert_eq!(name, "edge");
    assert_eq!(
        config.target,
        Target::Kubo {
            api: validate::endpoint("/ip4/10.0.0.5/tcp/5001").unwrap(),
            repo: None
        }
    );
    assert_eq!(
        config.auth,
        Auth::Token {
            token: SecretRef::Env(validate::env_var_name("KUBO_TOKEN").unwrap())
        }
    );
    assert!(
        p.shown()
            .contains(&"This is the first question; Ctrl-C leaves the wizard.")
    );
    // Each re-asked prompt starts from the earlier answer.
    assert_eq!(shown_default(&p, "What kind of backend?", 2), Some(KUBO));
    assert_eq!(
        shown_default(&p, "Kubo RPC address", 2),
        Some("/ip4/10.0.0.5/tcp/5001")
    );
    assert_eq!(
        shown_default(&p, "How should ipfs-kit get the token?", 2),
        Some(FROM_ENV)
    );
    assert_eq!(
        shown_default(&p, "Environment variable name", 2),
        Some("KUBO_TOKEN")
    );
    assert_eq!(shown_default(&p, "Quota (empty for none)", 1), None);
    assert_eq!(
        p.prompts().iter().filter(|m| **m == "What next?").count(),
        2
    );
}

#[test]
fn s3_connection_fields_reject_bad_input_with_the_validator_message() {
    let script = vec![
        choose(S3),
        text("s3.amazonaws.com"),
        text("https://s3.eu-central-1.amazonaws.com"),
        text("EU"),
        text("eu-central-1"),
        text("Bad_Bucket"),
        text("ab"),
        text("ipfs-archive"),
        Scripted::Confirm(false),
        choose(TYPE_ID),
        text("two words"),
        text("AKIAEXAMPLE"),
        choose(FROM_ENV),
        text("AWS-SECRET"),
        text("AWS_SECRET_ACCESS_KEY"),
        text("archive"),
        text("fast"),
        text("2m"),
        text("never"),
        KEEP,
        text("-3"),
        text("20"),
        text("a lot"),
        text("150"),
        text("2 TB"),
        choose("Apply"),
    ];
    let (out, p) = run(WizardKind::Backend, script, Answers::new(), "", None);
    let expected = [
        validate::http_url("s3.amazonaws.com").unwrap_err(),
        validate::region("EU").unwrap_err(),
        validate::bucket_name("Bad_Bucket").unwrap_err(),
        validate::bucket_name("ab").unwrap_err(),
        validate::identity("two words").unwrap_err(),
        validate::env_var_name("AWS-SECRET").unwrap_err(),
        validate::duration("fast").unwrap_err(),
        validate::duration("never").unwrap_err(),
        validate::priority("-3").unwrap_err(),
        validate::weight("a lot").unwrap_err(),
    ];
    assert_eq!(
        p.rejections(),
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let (name, config) = backend(applied(out));
    assert_eq!(name, "archive");
    assert_eq!(
        config.target,
        Target::S3 {
            endpoint: validate::http_url("https://s3.eu-central-1.amazonaws.com").unwrap(),
            region: validate::region("eu-central-1").unwrap(),
            bucket: validate::bucket_name("ipfs-archive").unwrap(),
            path_style: false,
        }
    );
    assert_eq!(
        config.auth,
        Auth::AccessKey {
            access_key_id: Identity::Plain("AKIAEXAMPLE".into()),
            secret_key: SecretRef::Env(validate::env_var_name("AWS_SECRET_ACCESS_KEY").unwrap()),
        }
    );
    assert_eq!(config.policy.timeout.to_string(), "2m");
    assert_eq!(config.policy.priority, 20);
    assert_eq!(config.policy.weight, 150);
    assert_eq!(
        config.policy.quota.map(|q| q.to_string()),
        Some("2TB".to_string())
    );
}

#[test]
fn edit_step_from_review_reasks_that_step_then_returns_to_review() {
    let script = with(
        kubo_steps(),
        &[
            choose("Edit step 4: Policy"),
            text("home2"),
            KEEP,
            KEEP,
            KEEP,
            KEEP,
            KEEP,
            choose("Apply"),
        ],
    );
    let (out, p) = run(WizardKind::Backend, script, Answers::new(), "", None);
    assert_eq!(backend(applied(out)).0, "home2");
    assert_eq!(shown_default(&p, "Name for this backend", 1), Some("home"));
    assert_eq!(
        p.prompts().iter().filter(|m| **m == "What next?").count(),
        2
    );
}

#[test]
fn editing_the_kind_revisits_only_the_steps_it_invalidates() {
    let script = with(
        kubo_steps(),
        &[
            choose("Edit step 1: Kind"),
            choose(S3),
            text("http://127.0.0.1:9000"),
            KEEP,
            text("media"),
            Scripted::Confirm(true),
            choose(FROM_ENV),
            text("MINIO_ROOT_USER"),
            choose(TYPE_SECRET),
            KEEP, // an empty masked answer keeps the secret typed before
            choose("Apply"),
        ],
    );
    let (out, p) = run(WizardKind::Backend, script, Answers::new(), "", None);
    let (name, config) = backend(applied(out));
    assert_eq!(name, "home");
    assert!(matches!(
        config.target,
        Target::S3 {
            path_style: true,
            ..
        }
    ));
    assert_eq!(
        config.auth,
        Auth::AccessKey {
            access_key_id: Identity::Env(validate::env_var_name("MINIO_ROOT_USER").unwrap()),
            secret_key: SecretRef::Literal(Secret::new(SECRET)),
        }
    );
    // Policy answers were complete, so step 4 was not asked again.
    assert_eq!(
        p.prompts()
            .iter()
            .filter(|m| **m == "Name for this backend")
            .count(),
        1
    );
}

#[test]
fn cancel_at_any_step_returns_cancelled() {
    let full = with(kubo_steps(), &[choose("Apply")]);
    // Index of the first reply of steps 1..5 in `full`.
    for at in [0, 1, 3, 6, 12] {
        let mut script = full[..at].to_vec();
        script.push(CANCEL);
        let (out, _) = run(WizardKind::Backend, script, Answers::new(), "", None);
        assert_eq!(out, Outcome::Cancelled, "cancel at reply {at}");
    }
    let mut script = kubo_steps();
    script.push(choose("Cancel"));
    assert_eq!(
        run(WizardKind::Backend, script, Answers::new(), "", None).0,
        Outcome::Cancelled
    );
}

#[test]
fn a_failed_probe_is_shown_and_can_be_run_again() {
    let probe = FixedProbe::failing("connection refused");
    let script = with(
        kubo_steps(),
        &[choose("Test the connection again"), choose("Cancel")],
    );
    let (out, p) = run(
        WizardKind::Backend,
        script,
        Answers::new(),
        "",
        Some(&probe),
    );
    assert_eq!(out, Outcome::Cancelled);
    assert_eq!(
        p.shown()
            .iter()
            .filter(|s| **s == "Connection test failed: connection refused")
            .count(),
        2
    );
    assert_eq!(probe.seen.borrow().len(), 2);
    assert!(matches!(
        probe.seen.borrow()[0].auth,
        Auth::Token {
            token: SecretRef::Literal(_)
        }
    ));
}

#[test]
fn filesystem_has_no_credentials_step_and_back_skips_it() {
    let script = vec![
        choose(FILESYSTEM),
        text("/srv/ipfs-blocks"),
        BACK, // step 4 -> step 2 (step 3 asks nothing for a filesystem)
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        choose("Apply"),
    ];
    let (out, p) = run(WizardKind::Backend, script, Answers::new(), "", None);
    let (name, config) = backend(applied(out));
    assert_eq!(name, "filesystem");
    assert_eq!(config.auth, Auth::None);
    assert_eq!(
        &p.prompts()[..4],
        [
            "What kind of backend?",
            "Directory to store blocks in",
            "Name for this backend",
            "Directory to store blocks in"
        ]
    );
    assert!(!p.shown().contains(&"Step 3/5: Credentials"));
}

#[test]
fn review_lists_cross_field_errors_and_offers_only_edit_or_cancel() {
    let script = vec![
        choose(CLUSTER),
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        text("3"),
        text("2"),
        choose("Edit step 4: Policy"),
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        text("1"),
        KEEP,
        choose("Apply"),
    ];
    let (out, p) = run(WizardKind::Backend, script, Answers::new(), "", None);
    assert!(p.shown().contains(
        &"These answers need fixing before anything can be saved:\n  - policy.replication_min: 3 is more than replication_max 2; expected min <= max (-1 means every peer)"
    ));
    let first_review = p
        .transcript()
        .iter()
        .find_map(|s| match s {
            Shown::Prompt {
                message, options, ..
            } if message == "What next?" => Some(options.clone()),
            _ => None,
        })
        .expect("review menu");
    assert_eq!(
        first_review,
        [
            "Edit step 1: Kind",
            "Edit step 2: Connection",
            "Edit step 3: Credentials",
            "Edit step 4: Policy",
            "Cancel"
        ]
    );
    let (name, config) = backend(applied(out));
    assert_eq!(name, "cluster");
    assert_eq!(config.policy.replication_min.map(|r| r.get()), Some(1));
    assert_eq!(config.policy.replication_max.map(|r| r.get()), Some(2));
}

#[test]
fn basic_auth_from_env_user_and_stored_credential() {
    let script = vec![
        choose(CLUSTER),
        text("https://cluster.example.org:9094"),
        choose("User name and password (basic auth)"),
        choose(FROM_ENV),
        text("CLUSTER_USER"),
        choose(STORED),
        text("cluster-admin"),
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        choose("Apply"),
    ];
    let (out, _) = run(WizardKind::Backend, script, Answers::new(), "", None);
    let (_, config) = backend(applied(out));
    assert_eq!(
        config.auth,
        Auth::Basic {
            user: Identity::Env(validate::env_var_name("CLUSTER_USER").unwrap()),
            password: SecretRef::Credential(validate::entry_name("cluster-admin").unwrap()),
        }
    );
}

#[test]
fn the_review_shows_a_diff_against_the_existing_config() {
    let (out, p) = run(
        WizardKind::Backend,
        with(kubo_steps(), &[choose("Apply")]),
        Answers::new(),
        EXISTING,
        None,
    );
    applied(out);
    let diff = p
        .shown()
        .into_iter()
        .find(|s| s.starts_with("Changes to config.toml:"))
        .expect("diff shown");
    assert!(diff.contains("+ [backends.home]"), "{diff}");
    assert!(!diff.contains(SECRET));
}

#[test]
fn a_script_that_does_not_fit_is_an_error_not_a_guess() {
    let mut p = ScriptedPrompter::new([text("kubo")]);
    let err = run_interactive(
        WizardKind::Backend,
        &mut p,
        &Context::default(),
        Answers::new(),
    )
    .expect_err("mismatch");
    assert!(
        err.to_string()
            .contains("does not fit \"What kind of backend?\""),
        "{err}"
    );
    let mut p = ScriptedPrompter::new([choose(KUBO)]);
    let err = run_interactive(
        WizardKind::Backend,
        &mut p,
        &Context::default(),
        Answers::new(),
    )
    .expect_err("exhausted");
    assert_eq!(
        err.to_string(),
        "the script has no answer left for \"Kubo RPC address\""
    );
}

#[test]
fn the_inquire_prompter_refuses_without_a_terminal() {
    use std::io::IsTerminal;
    let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    match InquirePrompter::new() {
        Err(PromptError::NotTty(which)) => assert!(!tty, "refused {which} on a terminal"),
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => assert!(tty, "accepted a non-terminal"),
    }
}
