//! Monitoring wizard: every step, Back on each, Edit from review, Cancel.

use ipfs_kit_wizards::validate;
use ipfs_kit_wizards::values::{LogLevel, SourceInterval};

use super::common::*;

const REPO_WARNING: &str = "Repo use, % of StorageMax: warning at";

fn monitoring(section: Section) -> MonitoringConfig {
    match section {
        Section::Monitoring(m) => m,
        other => panic!("not monitoring: {other:?}"),
    }
}

#[test]
fn all_defaults_in_three_steps_with_the_review_in_the_last() {
    let steps = script(&[&keeps(5 + 14 + 3), &[choose("Apply")]]);
    let (out, p) = run(WizardKind::Monitoring, steps, Answers::new(), "", None);
    assert_eq!(monitoring(applied(out)), MonitoringConfig::default());
    let shown = p.shown();
    for header in [
        "Step 1/3: Sources and intervals",
        "Step 2/3: Alert thresholds",
        "Step 3/3: Outputs",
        "Review and save",
    ] {
        assert!(shown.contains(&header), "missing {header:?}");
    }
    assert!(!shown.iter().any(|s| s.starts_with("Step 4")));
    assert_eq!(
        options_of(&p, "What next?", 0),
        [
            "Apply",
            "Edit step 1: Sources and intervals",
            "Edit step 2: Alert thresholds",
            "Edit step 3: Outputs",
            "Cancel"
        ]
    );
    assert_eq!(p.prompts().len(), 5 + 14 + 3 + 1);
}

#[test]
fn typed_values_and_validator_rejections() {
    let steps = script(&[
        &[text("fast"), text("1s"), text("off")],
        &keeps(3),
        &[text("120"), text("70"), text("85")],
        &[text("-2"), text("8"), text("2")],
        &keeps(10),
        &[
            text("forever"),
            text("7d"),
            text("var/snap.json"),
            text("/var/lib/ipfs-kit/snap.json"),
            choose("debug"),
            choose("Apply"),
        ],
    ]);
    let (out, p) = run(WizardKind::Monitoring, steps, Answers::new(), "", None);
    assert_eq!(
        p.rejections(),
        [
            validate::source_interval("fast").unwrap_err(),
            validate::percent("120").unwrap_err(),
            validate::peer_count("-2").unwrap_err(),
            validate::duration("forever").unwrap_err(),
            validate::abs_path("var/snap.json").unwrap_err(),
        ]
    );
    let m = monitoring(applied(out));
    assert_eq!(m.sources.kubo.to_string(), "1s");
    assert_eq!(m.sources.cluster, SourceInterval::Off);
    assert_eq!(
        (
            m.thresholds.repo_used_percent.warning.get(),
            m.thresholds.repo_used_percent.critical.get()
        ),
        (70, 85)
    );
    assert_eq!(
        (
            m.thresholds.min_peers.warning,
            m.thresholds.min_peers.critical
        ),
        (8, 2)
    );
    assert_eq!(m.outputs.history_retention.to_string(), "7d");
    assert_eq!(
        m.outputs.snapshot_file.map(|p| p.to_string()),
        Some("/var/lib/ipfs-kit/snap.json".into())
    );
    assert_eq!(m.outputs.log_level, LogLevel::Debug);
}

#[test]
fn back_on_every_step_keeps_the_answers() {
    let steps = script(&[
        &[text("3s"), BACK, KEEP], // within step 1
        &keeps(4),
        &[BACK, KEEP],             // step 2 -> step 1's last question
        &[text("90"), BACK, KEEP], // within step 2
        &keeps(13),
        &[BACK, KEEP], // step 3 -> step 2's last question
        &keeps(3),
        &[BACK, KEEP], // review -> step 3's last question
        &[choose("Apply")],
    ]);
    let (out, p) = run(WizardKind::Monitoring, steps, Answers::new(), "", None);
    let m = monitoring(applied(out));
    assert_eq!(m.sources.kubo.to_string(), "3s");
    assert_eq!(m.thresholds.repo_used_percent.warning.get(), 90);
    assert_eq!(
        shown_default(&p, "Kubo node (peers, bandwidth, repo): poll every", 1),
        Some("3s")
    );
    assert_eq!(shown_default(&p, REPO_WARNING, 2), Some("90"));
    assert_eq!(shown_default(&p, "Log level", 1), Some("info"));
}

#[test]
fn warning_after_critical_is_an_error_until_edited() {
    let steps = script(&[
        &keeps(5),
        &[text("95"), text("80")],
        &keeps(12 + 3),
        &[
            choose("Edit step 2: Alert thresholds"),
            text("80"),
            text("95"),
        ],
        &keeps(12),
        &[choose("Apply")],
    ]);
    let (out, p) = run(WizardKind::Monitoring, steps, Answers::new(), "", None);
    assert!(p.shown().contains(
        &"These answers need fixing before anything can be saved:\n  - thresholds.repo_used_percent.warning: warning 95 is not below critical 80; expected warning < critical, since the warning should come first as the value rises"
    ));
    // Editing step 2 returns straight to the review: the later steps are complete.
    assert_eq!(
        p.prompts().iter().filter(|m| **m == REPO_WARNING).count(),
        2
    );
    let m = monitoring(applied(out));
    assert_eq!(m.thresholds.repo_used_percent.warning.get(), 80);
}

#[test]
fn cancel_at_any_step_returns_cancelled() {
    for at in [0, 5, 19, 22] {
        let mut steps = keeps(at);
        steps.push(CANCEL);
        assert_eq!(
            run(WizardKind::Monitoring, steps, Answers::new(), "", None).0,
            Outcome::Cancelled,
            "cancel at {at}"
        );
    }
}
