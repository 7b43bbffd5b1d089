//! Saving: merge keeps the operator's text, writes are atomic, the backup is the old file,
//! secrets land only in a 0600 credentials file, and a failure leaves every file as it was.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::*;
use crate::credentials::CredentialStore;
use crate::wizard::{WizardKind, run_non_interactive};
use crate::{Answers, WizardSections};

const SECRET: &str = "s3cr3t-value-never-shown";

const EXISTING: &str = r#"# ipfs-kit config, edited by hand
[kubo]
api = "/ip4/127.0.0.1/tcp/5001"  # the local node
auth = "bearer:hand-written-token"

# cold storage
[backends.local]
kind = "filesystem"
path = "/srv/blocks"

[collector]
history = "10m"
"#;

fn backend(name: &str, with_secret: bool) -> Section {
    let mut sets = vec![
        format!("name={name}"),
        "kind=pinning-service".into(),
        "endpoint=https://api.pinata.cloud/psa".into(),
    ];
    sets.push(if with_secret {
        format!("auth.secret={SECRET}")
    } else {
        "auth.secret_env=PIN_TOKEN".into()
    });
    let answers = Answers::from_sets(&sets).expect("valid --set pairs");
    run_non_interactive(WizardKind::Backend, &answers, EXISTING).expect("valid answers")
}

fn dir_with_config(text: Option<&str>) -> (tempfile::TempDir, ConfigPaths) {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = ConfigPaths::beside(dir.path().join("config.toml"));
    if let Some(text) = text {
        fs::write(&paths.config, text).expect("write config");
    }
    (dir, paths)
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn merge_keeps_comments_and_other_tables_and_groups_backends() {
    let plan = plan(EXISTING, &backend("pinata", false)).expect("plan");
    let new = plan.new_config();
    for line in EXISTING.lines() {
        assert!(new.contains(line), "lost line {line:?} in\n{new}");
    }
    let local = new.find("[backends.local]").expect("old entry");
    let pinata = new.find("[backends.pinata]").expect("new entry");
    let collector = new.find("[collector]").expect("collector");
    assert!(
        local < pinata && pinata < collector,
        "new backend should follow its sibling:\n{new}"
    );
    let sections = WizardSections::from_config_str(new).expect("saved config parses");
    assert_eq!(sections.backends.len(), 2);
    assert!(sections.validate().is_ok());
}

#[test]
fn replacing_an_entry_keeps_its_place_and_comment() {
    let plan = plan(EXISTING, &backend("local", false)).expect("plan");
    let new = plan.new_config();
    assert!(
        new.contains("# cold storage\n[backends.local]\nkind = \"pinning-service\""),
        "{new}"
    );
    assert!(!new.contains("/srv/blocks"));
    assert!(new.find("[backends.local]") < new.find("[collector]"));
    assert!(
        plan.diff().contains(
            "- kind = \"filesystem\"\n- path = \"/srv/blocks\"\n+ kind = \"pinning-service\""
        ),
        "{}",
        plan.diff()
    );
}

#[test]
fn a_new_file_gets_just_the_section() {
    let plan = plan("", &backend("pinata", false)).expect("plan");
    assert!(
        plan.new_config()
            .starts_with("[backends.pinata]\nkind = \"pinning-service\""),
        "{}",
        plan.new_config()
    );
}

#[test]
fn diff_and_summary_mask_secrets() {
    let plan = plan(EXISTING, &backend("pinata", true)).expect("plan");
    for text in [
        plan.diff().to_string(),
        plan.summary(),
        plan.new_config().to_string(),
        format!("{plan:?}"),
    ] {
        assert!(!text.contains(SECRET), "secret leaked into:\n{text}");
    }
    assert!(
        plan.summary().contains("[pinata]\nsecret = \"***\""),
        "{}",
        plan.summary()
    );
    assert!(plan.new_config().contains("credential = \"pinata\""));
    // A secret the operator wrote by hand elsewhere in config.toml is masked in the diff too.
    let edited = EXISTING.replace("bearer:hand-written-token", "bearer:changed-token");
    let d = diff(EXISTING, &edited);
    assert!(
        d.contains("- auth = \"***\"") && d.contains("+ auth = \"***\""),
        "{d}"
    );
    assert!(!d.contains("hand-written") && !d.contains("changed-token"));
}

#[test]
fn diff_of_equal_texts_says_so() {
    assert_eq!(diff(EXISTING, EXISTING), "(no changes)\n");
}

#[test]
fn apply_writes_config_backup_and_private_credentials() {
    let (dir, paths) = dir_with_config(Some(EXISTING));
    fs::set_permissions(&paths.config, fs::Permissions::from_mode(0o640)).expect("chmod config");
    let plan = plan(EXISTING, &backend("pinata", true)).expect("plan");
    let saved = plan.apply(&paths).expect("apply");

    assert_eq!(
        fs::read_to_string(&paths.config).expect("config"),
        plan.new_config()
    );
    assert_eq!(
        fs::read_to_string(paths.backup()).expect("backup"),
        EXISTING
    );
    assert_eq!(saved.backup, Some(paths.backup()));
    assert_eq!(mode(&paths.config), 0o640, "config keeps its mode");
    assert_eq!(mode(&paths.credentials), 0o600);
    let creds = fs::read_to_string(&paths.credentials).expect("credentials");
    assert!(
        creds.contains(&format!("[pinata]\nsecret = \"{SECRET}\"")),
        "{creds}"
    );
    assert!(
        !fs::read_to_string(&paths.config)
            .expect("config")
            .contains(SECRET)
    );
    let store = CredentialStore::load(&paths.credentials).expect("load credentials");
    let sections = WizardSections::from_config_str(plan.new_config()).expect("parse");
    let secret_ref = sections.backends["pinata"]
        .auth
        .secret()
        .expect("has a secret");
    assert_eq!(
        store.resolve(secret_ref).expect("resolves").expose(),
        SECRET
    );
    assert_eq!(
        files_in(dir.path()),
        ["config.toml", "config.toml.bak", "credentials.toml"]
    );
}

#[test]
fn credentials_are_merged_with_existing_entries() {
    let (_dir, paths) = dir_with_config(None);
    let first = plan("", &backend("one", true)).expect("plan");
    first.apply(&paths).expect("first apply");
    let second = plan(first.new_config(), &backend("two", true)).expect("plan");
    second.apply(&paths).expect("second apply");
    let store = CredentialStore::load(&paths.credentials).expect("load");
    assert!(store.get("one").is_some() && store.get("two").is_some());
    assert_eq!(mode(&paths.credentials), 0o600);
}

#[test]
fn no_credentials_file_for_env_references() {
    let (dir, paths) = dir_with_config(None);
    let saved = plan("", &backend("pinata", false))
        .expect("plan")
        .apply(&paths)
        .expect("apply");
    assert_eq!(
        saved,
        Saved {
            config: paths.config.clone(),
            backup: None,
            credentials: None
        }
    );
    assert_eq!(files_in(dir.path()), ["config.toml"]);
}

#[test]
fn dry_run_is_a_plan_without_apply() {
    let (dir, paths) = dir_with_config(Some(EXISTING));
    let plan = plan(EXISTING, &backend("pinata", true)).expect("plan");
    assert!(plan.diff().contains("+ [backends.pinata]"));
    assert_eq!(files_in(dir.path()), ["config.toml"]);
    assert_eq!(fs::read_to_string(&paths.config).expect("config"), EXISTING);
}

#[test]
fn crash_between_temp_write_and_rename_leaves_everything_as_it_was() {
    let (dir, paths) = dir_with_config(Some(EXISTING));
    fs::write(&paths.credentials, "[other]\nsecret = \"x\"\n").expect("creds");
    fs::set_permissions(&paths.credentials, fs::Permissions::from_mode(0o600)).expect("chmod");
    let plan = plan(EXISTING, &backend("pinata", true)).expect("plan");
    let mut seen_temp = false;
    let result = plan.apply_with(&paths, &mut |point| {
        if point == SavePoint::Staged {
            // The new text is fully on disk beside the original, which is untouched.
            let temps: Vec<String> = files_in(dir.path())
                .into_iter()
                .filter(|n| n.ends_with(".tmp"))
                .collect();
            assert_eq!(temps.len(), 2, "{temps:?}");
            seen_temp = true;
            return Err(io::Error::other("simulated crash"));
        }
        Ok(())
    });
    assert!(seen_temp);
    assert!(matches!(result, Err(SaveError::Io { .. })));
    assert_eq!(fs::read_to_string(&paths.config).expect("config"), EXISTING);
    assert_eq!(
        fs::read_to_string(&paths.credentials).expect("creds"),
        "[other]\nsecret = \"x\"\n"
    );
    assert_eq!(files_in(dir.path()), ["config.toml", "credentials.toml"]);
}

#[test]
fn failure_after_credentials_puts_them_back() {
    let (dir, paths) = dir_with_config(Some(EXISTING));
    fs::write(&paths.credentials, "[other]\nsecret = \"x\"\n").expect("creds");
    fs::set_permissions(&paths.credentials, fs::Permissions::from_mode(0o600)).expect("chmod");
    let plan = plan(EXISTING, &backend("pinata", true)).expect("plan");
    let fail_late = |point: SavePoint| {
        if point == SavePoint::CredentialsWritten {
            Err(io::Error::other("disk full"))
        } else {
            Ok(())
        }
    };
    assert!(plan.apply_with(&paths, &mut { fail_late }).is_err());
    assert_eq!(fs::read_to_string(&paths.config).expect("config"), EXISTING);
    assert_eq!(
        fs::read_to_string(&paths.credentials).expect("creds"),
        "[other]\nsecret = \"x\"\n"
    );
    assert_eq!(mode(&paths.credentials), 0o600);
    assert_eq!(files_in(dir.path()), ["config.toml", "credentials.toml"]);

    // Without an earlier credentials file, the new one is removed again.
    fs::remove_file(&paths.credentials).expect("rm");
    assert!(plan.apply_with(&paths, &mut { fail_late }).is_err());
    assert_eq!(files_in(dir.path()), ["config.toml"]);
}

#[test]
fn a_config_changed_since_reading_is_not_overwritten() {
    let (dir, paths) = dir_with_config(Some(EXISTING));
    let plan = plan(EXISTING, &backend("pinata", true)).expect("plan");
    fs::write(&paths.config, "# edited meanwhile\n").expect("edit");
    assert!(matches!(plan.apply(&paths), Err(SaveError::Changed(_))));
    assert_eq!(
        fs::read_to_string(&paths.config).expect("config"),
        "# edited meanwhile\n"
    );
    assert_eq!(files_in(dir.path()), ["config.toml"]);
}

#[test]
fn an_unparseable_config_is_reported_not_replaced() {
    let err = plan("[kubo\napi = 1", &backend("pinata", false)).expect_err("bad toml");
    assert!(matches!(err, SaveError::ParseConfig(_)), "{err}");
}

#[test]
fn readable_credentials_are_refused() {
    let (_dir, paths) = dir_with_config(None);
    fs::write(&paths.credentials, "[x]\nsecret = \"y\"\n").expect("write");
    fs::set_permissions(&paths.credentials, fs::Permissions::from_mode(0o644)).expect("chmod");
    let err = CredentialStore::load(&paths.credentials).expect_err("insecure");
    assert!(
        err.to_string()
            .ends_with("others can read it (mode 644); run chmod 600 on it"),
        "{err}"
    );
}
