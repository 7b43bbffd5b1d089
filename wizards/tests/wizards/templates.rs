//! The built-in templates: all present, described, loadable and valid.

use ipfs_kit_wizards::{save, templates};

use super::common::*;

const EXPECTED: [(&str, WizardKind); 11] = [
    ("kubo_local", WizardKind::Backend),
    ("kubo_remote", WizardKind::Backend),
    ("cluster_single_peer", WizardKind::Backend),
    ("s3_production", WizardKind::Backend),
    ("s3_minio_local", WizardKind::Backend),
    ("local_filesystem", WizardKind::Backend),
    ("pinning_service", WizardKind::Backend),
    ("vfs_default", WizardKind::Vfs),
    ("vfs_large_cache", WizardKind::Vfs),
    ("monitoring_default", WizardKind::Monitoring),
    ("monitoring_strict", WizardKind::Monitoring),
];

#[test]
fn all_eleven_are_listed_with_descriptions() {
    let list = templates::list().expect("templates parse");
    let got: Vec<(&str, WizardKind)> = list.iter().map(|t| (t.name, t.kind)).collect();
    assert_eq!(got, EXPECTED);
    for t in &list {
        assert!(
            t.description.len() > 20,
            "{} has a thin description",
            t.name
        );
    }
}

#[test]
fn every_template_builds_a_valid_section_that_round_trips() {
    for (name, kind) in EXPECTED {
        let t = templates::load(name).expect("load");
        let section = run_non_interactive(kind, &t.answers, EXISTING)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let plan = save::plan(EXISTING, &section).expect("plan");
        let saved =
            WizardSections::from_config_str(plan.new_config()).expect("saved config parses");
        assert_eq!(saved.validate(), Ok(()), "{name}");
        let reparsed = match &section {
            Section::Backend { name, config } => saved.backends.get(name.as_str()) == Some(config),
            Section::Vfs { name, config } => saved.vfs.get(name.as_str()) == Some(config),
            Section::Monitoring(m) => saved.monitoring.as_ref() == Some(m),
        };
        assert!(
            reparsed,
            "{name} did not survive the round trip:\n{}",
            plan.new_config()
        );
    }
}

#[test]
fn a_template_prefills_every_step_and_enter_accepts_it() {
    let prefill = layer_answers(
        WizardKind::Backend,
        Some("s3_production"),
        None,
        Answers::new(),
    )
    .expect("template");
    let typed = script(&[
        &keeps(5),
        &[KEEP, KEEP, KEEP, KEEP],
        &keeps(6),
        &[choose("Apply")],
    ]);
    let (out, p) = run(WizardKind::Backend, typed, prefill.clone(), "", None);
    assert_eq!(
        applied(out),
        run_non_interactive(WizardKind::Backend, &prefill, "").expect("valid")
    );
    assert_eq!(
        shown_default(&p, "Bucket name", 0),
        Some("ipfs-kit-archive")
    );
    assert_eq!(
        shown_default(&p, "How should ipfs-kit get the secret access key?", 0),
        Some("Read it from an environment variable")
    );
    assert_eq!(shown_default(&p, "Quota (empty for none)", 0), Some("1TiB"));
}

#[test]
fn an_unknown_name_lists_the_real_ones() {
    let err = templates::load("s3").expect_err("unknown");
    assert!(
        err.to_string()
            .starts_with("there is no template \"s3\"; expected one of kubo_local, kubo_remote,"),
        "{err}"
    );
}
