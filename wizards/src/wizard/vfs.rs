//! VFS wizard: name and location, backing backends and replication, cache policy, then
//! review and save.

use super::build::Reader;
use super::question::{Arm, CheckFn, Question};
use super::{Def, Section};
use crate::answers::Answers;
use crate::config::vfs::VfsFile;
use crate::config::{CachePolicy, VfsConfig, unknown_backend};
use crate::field::FieldError;
use crate::validate;
use crate::values::Eviction;

/// `known_backends`: the `[backends.*]` names already in config.toml.
pub(crate) struct VfsDef {
    pub known_backends: Vec<String>,
}

const KEYS: &[&str] = &[
    "name",
    "mfs_path",
    "mount_point",
    "backends",
    "replicas",
    "cache.memory",
    "cache.disk",
    "cache.eviction",
    "cache.ttl",
];

const SIZE: CheckFn = |s| validate::byte_size(s).map(drop);

impl Def for VfsDef {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "Name and location",
            "Backing backends and replication",
            "Cache policy",
        ]
    }

    fn review_title(&self) -> &'static str {
        "Review and save"
    }

    fn review_is_own_step(&self) -> bool {
        true
    }

    fn questions(&self, step: usize, _a: &Answers) -> Vec<Question> {
        let d = CachePolicy::default();
        match step {
            0 => vec![
                Question::text("name", "Name for this mount", |s| {
                    validate::entry_name(s).map(drop)
                })
                .help("Used as [vfs.<name>] in config.toml, e.g. media"),
                Question::either(
                    "Where does the mount live?",
                    vec![
                        Arm {
                            key: "mfs_path",
                            label: "A directory in Kubo's MFS",
                            message: "MFS path",
                            masked: false,
                            check: |s| validate::mfs_path(s).map(drop),
                        },
                        Arm {
                            key: "mount_point",
                            label: "A local mount point",
                            message: "Mount point",
                            masked: false,
                            check: |s| validate::abs_path(s).map(drop),
                        },
                    ],
                ),
            ],
            1 => vec![
                Question::many(
                    "backends",
                    "Backends that hold its data",
                    self.known_backends.clone(),
                )
                .help("Space ticks, Enter confirms; names of [backends.*] entries"),
                Question::text("replicas", "Copies of each block (one per backend)", |s| {
                    validate::replicas(s).map(drop)
                })
                .default("1"),
            ],
            2 => vec![
                Question::text("cache.memory", "Memory cache size (0 for none)", SIZE)
                    .default(d.memory.to_string()),
                Question::text("cache.disk", "Disk cache size (0 for none)", SIZE)
                    .default(d.disk.to_string()),
                Question::choice(
                    "cache.eviction",
                    "When the cache is full, evict",
                    vec![
                        ("lru".into(), "LRU: the least recently used entry".into()),
                        ("lfu".into(), "LFU: the least frequently used entry".into()),
                    ],
                    Eviction::default().to_string(),
                ),
                Question::text("cache.ttl", "Trust a cached entry for", |s| {
                    validate::duration(s).map(drop)
                })
                .default(d.ttl.to_string()),
            ],
            _ => Vec::new(),
        }
    }

    fn known_keys(&self) -> &'static [&'static str] {
        KEYS
    }

    fn build(&self, a: &Answers) -> Result<Section, Vec<FieldError>> {
        let mut r = Reader::new(a);
        let d = CachePolicy::default();
        let name = r.need("name", validate::entry_name, "a name such as media");
        let backends = r.opt("backends", validate::name_list).unwrap_or_default();
        for b in &backends {
            if !self.known_backends.iter().any(|k| k == b.as_str()) {
                r.errs.push(FieldError::new(
                    "backends",
                    unknown_backend(b.as_str(), self.known_backends.iter().map(String::as_str)),
                ));
            }
        }
        let file = VfsFile {
            mfs_path: r.opt("mfs_path", validate::mfs_path),
            mount_point: r.opt("mount_point", validate::abs_path),
            backends,
            replicas: r.or("replicas", validate::replicas, 1),
            cache: CachePolicy {
                memory: r.or("cache.memory", validate::byte_size, d.memory),
                disk: r.or("cache.disk", validate::byte_size, d.disk),
                eviction: r.or("cache.eviction", validate::eviction, d.eviction),
                ttl: r.or("cache.ttl", validate::duration, d.ttl),
            },
        };
        let config = match VfsConfig::try_from(file) {
            Ok(c) => Some(c),
            Err(e) => {
                r.merge(e.0);
                None
            }
        };
        let section = name
            .zip(config)
            .map(|(name, config)| Section::Vfs { name, config });
        r.finish(section)
    }
}
