//! Non-interactive runs: every problem at once, layering, and the same result as an
//! interactive run with the same answers.

use ipfs_kit_wizards::save;

use super::common::*;

fn paths(errs: &[FieldError]) -> Vec<&str> {
    errs.iter().map(|e| e.path.as_str()).collect()
}

#[test]
fn every_missing_field_is_listed_at_once() {
    let errs =
        run_non_interactive(WizardKind::Backend, &sets(&["kind=s3"]), "").expect_err("incomplete");
    assert_eq!(
        paths(&errs),
        [
            "name",
            "endpoint",
            "region",
            "bucket",
            "auth.access_key_id",
            "auth.secret"
        ]
    );
    assert_eq!(
        errs[0].to_string(),
        "name: missing; expected a name such as archive-s3"
    );
    assert_eq!(
        errs[3].to_string(),
        "bucket: missing; expected a bucket name such as ipfs-archive"
    );
    assert_eq!(
        errs[5].to_string(),
        "auth.secret: missing; expected the secret itself (saved to credentials.toml), secret_env naming an environment variable, or credential naming a credentials.toml entry"
    );

    let errs = run_non_interactive(WizardKind::Backend, &Answers::new(), "").expect_err("empty");
    assert_eq!(paths(&errs), ["name", "kind"]);
    let errs = run_non_interactive(WizardKind::Vfs, &Answers::new(), EXISTING).expect_err("empty");
    assert_eq!(paths(&errs), ["name", "mfs_path", "backends"]);
}

#[test]
fn invalid_unknown_and_inapplicable_fields_are_listed_at_once() {
    let answers = sets(&[
        "name=Bad Name",
        "kind=s3",
        "endpoint=ftp://files.example.org",
        "region=us-east-1",
        "bucket=Bad_Bucket",
        "auth.access_key_id=AKIAEXAMPLE",
        "auth.secret_env=1BAD",
        "policy.timeout=fast",
        "policy.replication_min=2",
        "api=/ip4/127.0.0.1/tcp/5001",
        "bukket=typo",
    ]);
    let errs = run_non_interactive(WizardKind::Backend, &answers, "").expect_err("invalid");
    assert_eq!(
        paths(&errs),
        [
            "bukket",
            "name",
            "endpoint",
            "bucket",
            "auth.secret_env",
            "policy.timeout",
            "api",
            "policy.replication_min"
        ]
    );
    assert!(
        errs[0]
            .message
            .starts_with("unknown key for the backend wizard; expected one of kind, api, repo,")
    );
    assert_eq!(
        errs[6].message,
        "does not apply to kind = \"s3\"; remove it"
    );
    assert_eq!(
        errs[7].message,
        "applies only to kind = \"cluster\", not \"s3\"; remove it"
    );
    for e in &errs[1..6] {
        assert!(!e.message.starts_with("missing"), "{e}");
    }
}

#[test]
fn monitoring_and_vfs_errors_are_listed_at_once() {
    let answers = sets(&[
        "sources.kubo=fast",
        "thresholds.cpu_percent.warning=99",
        "outputs.log_level=loud",
    ]);
    let errs = run_non_interactive(WizardKind::Monitoring, &answers, "").expect_err("invalid");
    assert_eq!(
        paths(&errs),
        [
            "sources.kubo",
            "thresholds.cpu_percent.warning",
            "outputs.log_level"
        ]
    );
    assert_eq!(
        errs[1].message,
        "warning 99 is not below critical 95; expected warning < critical, since the warning should come first as the value rises"
    );

    let answers = sets(&[
        "name=m",
        "mfs_path=/m",
        "mount_point=/mnt/m",
        "backends=local,nope",
        "replicas=3",
    ]);
    let errs = run_non_interactive(WizardKind::Vfs, &answers, EXISTING).expect_err("invalid");
    assert_eq!(paths(&errs), ["backends", "mount_point", "replicas"]);
    assert_eq!(
        errs[0].message,
        "backend \"nope\" is not configured; expected one of archive, local"
    );
}

#[test]
fn layers_are_template_then_file_then_set() {
    let file =
        Answers::from_toml("name = \"from-file\"\n[policy]\npriority = 3\n").expect("answers file");
    let answers = layer_answers(
        WizardKind::Backend,
        Some("kubo_local"),
        Some(file),
        sets(&["name=from-set"]),
    )
    .expect("layers");
    assert_eq!(answers.get("name"), Some("from-set"));
    assert_eq!(answers.get("policy.priority"), Some("3"));
    assert_eq!(answers.get("api"), Some("/ip4/127.0.0.1/tcp/5001"));
    // An empty --set clears a template value.
    let answers = layer_answers(
        WizardKind::Backend,
        Some("s3_production"),
        None,
        sets(&["policy.quota="]),
    )
    .expect("layers");
    assert_eq!(answers.get("policy.quota"), None);
    // Setting one alternative replaces the template's other one.
    let answers = layer_answers(
        WizardKind::Backend,
        Some("s3_production"),
        None,
        sets(&["auth.credential=aws"]),
    )
    .expect("layers");
    assert_eq!(
        (
            answers.get("auth.secret_env"),
            answers.get("auth.credential")
        ),
        (None, Some("aws"))
    );
    assert_eq!(
        answers.get("auth.access_key_id_env"),
        Some("AWS_ACCESS_KEY_ID")
    );
}

#[test]
fn a_template_for_another_wizard_is_refused() {
    let err = layer_answers(WizardKind::Vfs, Some("kubo_local"), None, Answers::new())
        .expect_err("wrong wizard");
    assert_eq!(
        err.to_string(),
        "template kubo_local is for the backend wizard, not the vfs wizard"
    );
}

#[test]
fn answers_files_and_set_flags_are_read_strictly() {
    let a = Answers::from_toml("name = \"x\"\nbackends = [\"a\", \"b\"]\n[cache]\nmemory = \"1GiB\"\n[policy]\npriority = 5\npath_style = true\n").expect("toml");
    assert_eq!(a.get("backends"), Some("a,b"));
    assert_eq!(a.get("cache.memory"), Some("1GiB"));
    assert_eq!(a.get("policy.path_style"), Some("true"));
    let err = Answers::from_toml("when = 2024-01-01").expect_err("datetime");
    assert_eq!(
        err.to_string(),
        "when: date-time values are not supported; expected a string, number, boolean or list of strings"
    );
    let err = Answers::from_sets(["novalue"]).expect_err("no =");
    assert_eq!(
        err.to_string(),
        "--set \"novalue\": no '=' found; expected key=value, e.g. bucket=ipfs-archive"
    );
    let err = Answers::from_sets(["Bad Key=1"]).expect_err("bad key");
    assert_eq!(
        err.to_string(),
        "--set \"Bad Key=1\": the key is not a dotted name; expected e.g. policy.timeout=30s"
    );
    let secret = sets(&["auth.secret=do-not-print"]);
    assert_eq!(format!("{secret:?}"), "{\"auth.secret\": \"***\"}");
}

/// Runs both paths and checks they give the same section and the same saved file.
fn same_result(
    kind: WizardKind,
    template: &str,
    set: &[&str],
    typed: Vec<Scripted>,
    existing: &str,
) -> Section {
    let answers = layer_answers(kind, Some(template), None, sets(set)).expect("layers");
    let batch = run_non_interactive(kind, &answers, existing).expect("non-interactive run");
    let prefill = layer_answers(kind, Some(template), None, Answers::new()).expect("template");
    let (out, _) = run(kind, typed, prefill, existing, None);
    let interactive = applied(out);
    assert_eq!(batch, interactive);
    let (a, b) = (
        save::plan(existing, &batch).expect("plan"),
        save::plan(existing, &interactive).expect("plan"),
    );
    assert_eq!(a.new_config(), b.new_config());
    assert_eq!(a.summary(), b.summary());
    batch
}

#[test]
fn template_plus_set_equals_the_scripted_interactive_run_backend() {
    let typed = script(&[
        &[KEEP, KEEP, KEEP, text("media"), KEEP], // kind, connection
        &[
            KEEP,
            KEEP,
            choose("Type it now (hidden; saved to credentials.toml, mode 0600)"),
            Scripted::secret("minio-secret-1"),
        ],
        &[text("media-store")],
        &keeps(5),
        &[choose("Apply")],
    ]);
    let section = same_result(
        WizardKind::Backend,
        "s3_minio_local",
        &[
            "name=media-store",
            "bucket=media",
            "auth.secret=minio-secret-1",
        ],
        typed,
        EXISTING,
    );
    let plan = save::plan(EXISTING, &section).expect("plan");
    assert_eq!(
        plan.credential_name().map(|n| n.as_str()),
        Some("media-store")
    );
}

#[test]
fn template_plus_set_equals_the_scripted_interactive_run_vfs() {
    let typed = script(&[
        &[text("photos"), KEEP, text("/photos")],
        &[Scripted::choose_many(["archive", "local"]), text("2")],
        &keeps(4),
        &[choose("Apply")],
    ]);
    same_result(
        WizardKind::Vfs,
        "vfs_default",
        &[
            "name=photos",
            "mfs_path=/photos",
            "backends=archive,local",
            "replicas=2",
        ],
        typed,
        EXISTING,
    );
}

#[test]
fn template_plus_set_equals_the_scripted_interactive_run_monitoring() {
    let typed = script(&[
        &keeps(5),
        &keeps(2),
        &[text("10")],
        &keeps(11),
        &keeps(2),
        &[choose("debug"), choose("Apply")],
    ]);
    same_result(
        WizardKind::Monitoring,
        "monitoring_strict",
        &["thresholds.min_peers.warning=10", "outputs.log_level=debug"],
        typed,
        "",
    );
}
