//! VFS wizard: every step, Back on each, Edit from review, Cancel.

use ipfs_kit_wizards::config::{CachePolicy, VfsLocation};
use ipfs_kit_wizards::validate;
use ipfs_kit_wizards::values::Eviction;

use super::common::*;

const MFS: &str = "A directory in Kubo's MFS";
const MOUNT: &str = "A local mount point";
const BACKENDS: &str = "Backends that hold its data";
const LFU: &str = "LFU: the least frequently used entry";

fn vfs(section: Section) -> (String, VfsConfig) {
    match section {
        Section::Vfs { name, config } => (name.to_string(), config),
        other => panic!("not a VFS mount: {other:?}"),
    }
}

fn full_steps() -> Vec<Scripted> {
    vec![
        text("media"),
        choose(MFS),
        text("/media/"),
        Scripted::choose_many(["local", "archive"]),
        text("2"),
        text("1GiB"),
        KEEP,
        choose(LFU),
        text("30m"),
    ]
}

#[test]
fn mfs_mount_walks_all_four_steps() {
    let (out, p) = run(
        WizardKind::Vfs,
        script(&[&full_steps(), &[choose("Apply")]]),
        Answers::new(),
        EXISTING,
        None,
    );
    let (name, config) = vfs(applied(out));
    assert_eq!(name, "media");
    assert_eq!(
        config.location,
        VfsLocation::Mfs(validate::mfs_path("/media").unwrap())
    );
    assert_eq!(
        config.backends,
        validate::name_list("local,archive").unwrap()
    );
    assert_eq!(config.replicas, 2);
    assert_eq!(
        config.cache,
        CachePolicy {
            memory: validate::byte_size("1GiB").unwrap(),
            disk: CachePolicy::default().disk,
            eviction: Eviction::Lfu,
            ttl: validate::duration("30m").unwrap(),
        }
    );
    assert_eq!(options_of(&p, BACKENDS, 0), ["archive", "local"]);
    for header in [
        "Step 1/4: Name and location",
        "Step 2/4: Backing backends and replication",
        "Step 3/4: Cache policy",
        "Step 4/4: Review and save",
    ] {
        assert!(p.shown().contains(&header), "missing {header:?}");
    }
    let saved = p
        .shown()
        .into_iter()
        .find(|s| s.starts_with("To be saved:"))
        .expect("summary");
    assert!(
        saved.contains(
            "[vfs.media]\nmfs_path = \"/media\"\nbackends = [\"local\", \"archive\"]\nreplicas = 2"
        ),
        "{saved}"
    );
}

#[test]
fn back_on_every_step_keeps_the_answers() {
    let steps = vec![
        text("media"),
        choose(MFS),
        BACK, // the MFS path prompt -> the location menu
        choose(MFS),
        text("/media"),
        BACK, // step 2 -> step 1's last question
        KEEP,
        KEEP,
        Scripted::choose_many(["local"]),
        KEEP,
        BACK, // step 3 -> step 2's last question
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        KEEP,
        BACK, // review -> step 3's last question
        text("2h"),
        choose("Apply"),
    ];
    let (out, p) = run(WizardKind::Vfs, steps, Answers::new(), EXISTING, None);
    let (_, config) = vfs(applied(out));
    assert_eq!(config.cache.ttl.to_string(), "2h");
    assert_eq!(
        shown_default(&p, "Where does the mount live?", 2),
        Some(MFS)
    );
    assert_eq!(shown_default(&p, "MFS path", 2), Some("/media"));
    assert_eq!(
        shown_default(&p, "Copies of each block (one per backend)", 1),
        Some("1")
    );
    assert_eq!(shown_default(&p, "Trust a cached entry for", 1), Some("1h"));
}

#[test]
fn an_empty_selection_is_asked_again() {
    let steps = script(&[
        &[
            text("media"),
            choose(MFS),
            text("/media"),
            Scripted::choose_many(Vec::<String>::new()),
            Scripted::choose_many(["local"]),
        ],
        &keeps(5),
        &[choose("Apply")],
    ]);
    let (out, p) = run(WizardKind::Vfs, steps, Answers::new(), EXISTING, None);
    assert_eq!(
        vfs(applied(out)).1.backends,
        validate::name_list("local").unwrap()
    );
    assert!(
        p.shown()
            .contains(&"Choose at least one: Space ticks an option, Enter confirms.")
    );
}

#[test]
fn too_many_replicas_are_caught_at_review_and_fixed_by_editing() {
    let steps = script(&[
        &[
            text("media"),
            choose(MFS),
            text("/media"),
            Scripted::choose_many(["local"]),
            text("2"),
        ],
        &keeps(4),
        &[
            choose("Edit step 2: Backing backends and replication"),
            KEEP,
            text("1"),
            choose("Apply"),
        ],
    ]);
    let (out, p) = run(WizardKind::Vfs, steps, Answers::new(), EXISTING, None);
    assert!(p.shown().contains(
        &"These answers need fixing before anything can be saved:\n  - replicas: 2 replicas need at least 2 backends, but 1 are listed; lower replicas or add backends"
    ));
    assert_eq!(vfs(applied(out)).1.replicas, 1);
}

#[test]
fn mount_point_with_rejected_paths() {
    let steps = script(&[
        &[
            text("Scratch"),
            text("scratch"),
            choose(MOUNT),
            text("mnt/scratch"),
            text("/mnt/scratch"),
        ],
        &[Scripted::choose_many(["archive"])],
        &keeps(5),
        &[
            choose("Edit step 3: Cache policy"),
            text("0"),
            text("0"),
            KEEP,
            KEEP,
            choose("Apply"),
        ],
    ]);
    let (out, p) = run(WizardKind::Vfs, steps, Answers::new(), EXISTING, None);
    assert_eq!(
        p.rejections(),
        [
            validate::entry_name("Scratch").unwrap_err(),
            validate::abs_path("mnt/scratch").unwrap_err()
        ]
    );
    let (name, config) = vfs(applied(out));
    assert_eq!(name, "scratch");
    assert_eq!(
        config.location,
        VfsLocation::Mount(validate::abs_path("/mnt/scratch").unwrap())
    );
    assert_eq!(
        (config.cache.memory.bytes(), config.cache.disk.bytes()),
        (0, 0)
    );
}

#[test]
fn cancel_at_any_step_returns_cancelled() {
    let full = script(&[&full_steps(), &[choose("Apply")]]);
    for at in [0, 3, 5, 9] {
        let mut steps = full[..at].to_vec();
        steps.push(CANCEL);
        assert_eq!(
            run(WizardKind::Vfs, steps, Answers::new(), EXISTING, None).0,
            Outcome::Cancelled,
            "cancel at {at}"
        );
    }
    let steps = script(&[&full_steps(), &[choose("Cancel")]]);
    assert_eq!(
        run(WizardKind::Vfs, steps, Answers::new(), EXISTING, None).0,
        Outcome::Cancelled
    );
}

#[test]
fn without_configured_backends_names_are_typed_and_checked() {
    let steps = script(&[
        &[
            text("media"),
            choose(MFS),
            text("/media"),
            text("local,local"),
            text("local"),
        ],
        &keeps(5),
        &[choose("Cancel")],
    ]);
    let (out, p) = run(WizardKind::Vfs, steps, Answers::new(), "", None);
    assert_eq!(out, Outcome::Cancelled);
    assert_eq!(
        p.rejections(),
        [validate::name_list("local,local").unwrap_err()]
    );
    assert!(p.shown().contains(
        &"These answers need fixing before anything can be saved:\n  - backends: backend \"local\" is not configured, and no backend is; run the backend wizard first"
    ));
}
