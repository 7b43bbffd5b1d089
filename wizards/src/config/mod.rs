//! The config sections the wizards write, as they sit in config.toml.
//!
//! ```toml
//! [backends.<name>]                 # one table per backend; <name> is a-z 0-9 - _
//! kind = "kubo"                     # kubo | cluster | s3 | filesystem | pinning-service
//! api = "/ip4/127.0.0.1/tcp/5001"   # kubo, cluster: URL or TCP multiaddr
//! repo = "/var/lib/ipfs"            # kubo, optional: repo on this host (disk checks)
//! endpoint = "https://..."          # s3, pinning-service: URL
//! region = "us-east-1"              # s3
//! bucket = "ipfs-archive"           # s3
//! path_style = true                 # s3, default false
//! path = "/srv/ipfs-blocks"         # filesystem
//!
//! [backends.<name>.auth]            # left out when the backend needs none
//! scheme = "access-key"             # none | token | basic | access-key
//! user = "admin"                    # basic (or user_env = "VAR")
//! access_key_id = "AKIA..."         # access-key (or access_key_id_env = "VAR")
//! secret_env = "VAR"                # the secret from an environment variable, or
//! credential = "<name>"             # the secret from [<name>] in credentials.toml
//!
//! [backends.<name>.policy]          # every field has a default
//! timeout = "30s"
//! connect_timeout = "5s"
//! priority = 10                     # lower is tried first (like DNS SRV)
//! weight = 100                      # share among backends of one priority
//! quota = "500GiB"                  # optional
//! replication_min = 2               # cluster only, optional; -1 = every peer
//! replication_max = 3               # cluster only, optional
//!
//! [vfs.<name>]
//! mfs_path = "/media"               # or mount_point = "/mnt/ipfs/media"
//! backends = ["local", "archive"]   # names of [backends.*] entries
//! replicas = 2                      # default 1, at most len(backends)
//!
//! [vfs.<name>.cache]                # every field has a default
//! memory = "256MiB"
//! disk = "10GiB"
//! eviction = "lru"                  # lru | lfu
//! ttl = "1h"
//!
//! [monitoring.sources]              # every field of [monitoring] has a default
//! kubo = "2s"                       # a duration or "off"; also cluster, host, backends, vfs
//!
//! [monitoring.thresholds]           # { warning = W, critical = C } each
//! repo_used_percent = { warning = 80, critical = 95 }   # of Datastore.StorageMax
//! min_peers = { warning = 4, critical = 1 }             # alert below
//! pin_errors = { warning = 1, critical = 10 }
//! cluster_peers_down = { warning = 1, critical = 2 }
//! disk_free_percent = { warning = 15, critical = 5 }    # alert below
//! cpu_percent = { warning = 85, critical = 95 }
//! memory_percent = { warning = 85, critical = 95 }
//!
//! [monitoring.outputs]
//! history_retention = "24h"
//! snapshot_file = "/var/lib/ipfs-kit/snapshot.json"    # optional
//! log_level = "info"                                    # error | warn | info | debug | trace
//! ```
//!
//! Every table rejects unknown keys. Secrets never appear here: a typed-in secret is saved
//! to `credentials.toml` beside config.toml (mode 0600) as `[<name>] secret = "..."`, and
//! the backend refers to it with `credential = "<name>"`.
//!
//! The binary embeds the three sections into its own file struct: `backends`, `vfs` and
//! `monitoring` fields typed as in [`WizardSections`], then calls
//! [`WizardSections::check_references`] (or builds a `WizardSections` and calls
//! [`WizardSections::validate`]) for the rules that span sections.

pub(crate) mod auth;
pub(crate) mod backend;
pub(crate) mod monitoring;
pub(crate) mod vfs;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::field::FieldError;
use crate::validate;

pub use auth::{Auth, AuthScheme};
pub use backend::{BackendConfig, BackendKind, BackendPolicy, Target};
pub use monitoring::{Above, Below, MonitoringConfig, Outputs, Sources, Thresholds};
pub use vfs::{CachePolicy, VfsConfig, VfsLocation};

/// The three sections as one value (the part of config.toml the wizards own).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WizardSections {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub backends: BTreeMap<String, BackendConfig>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub vfs: BTreeMap<String, VfsConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<MonitoringConfig>,
}

impl WizardSections {
    /// Reads just these sections out of a whole config.toml, ignoring its other tables.
    pub fn from_config_str(text: &str) -> Result<WizardSections, String> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut own = toml::Table::new();
        for key in ["backends", "vfs", "monitoring"] {
            if let Some(v) = table.remove(key) {
                own.insert(key.to_string(), v);
            }
        }
        own.try_into().map_err(|e: toml::de::Error| e.to_string())
    }

    /// Rules that span sections: valid entry names, and VFS mounts naming backends that exist.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let errs = Self::check_references(&self.backends, &self.vfs);
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// The same checks for a binary that keeps the maps in its own struct.
    pub fn check_references(
        backends: &BTreeMap<String, BackendConfig>,
        vfs: &BTreeMap<String, VfsConfig>,
    ) -> Vec<FieldError> {
        let mut errs = Vec::new();
        for name in backends.keys() {
            if let Err(e) = validate::entry_name(name) {
                errs.push(FieldError::new(format!("backends.{name}"), e));
            }
        }
        for (name, mount) in vfs {
            if let Err(e) = validate::entry_name(name) {
                errs.push(FieldError::new(format!("vfs.{name}"), e));
            }
            for b in &mount.backends {
                if !backends.contains_key(b.as_str()) {
                    errs.push(FieldError::new(
                        format!("vfs.{name}.backends"),
                        unknown_backend(b.as_str(), backends.keys().map(String::as_str)),
                    ));
                }
            }
        }
        errs
    }
}

pub(crate) fn unknown_backend<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.collect();
    if known.is_empty() {
        format!(
            "backend {name:?} is not configured, and no backend is; run the backend wizard first"
        )
    } else {
        format!(
            "backend {name:?} is not configured; expected one of {}",
            known.join(", ")
        )
    }
}
