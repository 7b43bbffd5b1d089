//! `[vfs.<name>]`: a virtual filesystem mount, the backends that hold its data, and its cache.

use serde::{Deserialize, Serialize};

use crate::field::{Errors, FieldErrors};
use crate::values::{AbsPath, ByteSize, EntryName, Eviction, Interval, MfsPath};

/// Where the mount lives: a directory in Kubo's MFS, or a local mount point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VfsLocation {
    Mfs(MfsPath),
    Mount(AbsPath),
}

/// How much of the mount is kept close, and for how long.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CachePolicy {
    /// In-memory cache size; 0 turns it off.
    pub memory: ByteSize,
    /// On-disk cache size; 0 turns it off.
    pub disk: ByteSize,
    pub eviction: Eviction,
    /// How long a cached entry is trusted before it is checked again.
    pub ttl: Interval,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            memory: ByteSize(256 << 20),
            disk: ByteSize(10 << 30),
            eviction: Eviction::Lru,
            ttl: Interval(std::time::Duration::from_secs(3600)),
        }
    }
}

/// One `[vfs.<name>]` entry, valid as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "VfsFile", into = "VfsFile")]
pub struct VfsConfig {
    pub location: VfsLocation,
    /// Names of `[backends.<name>]` entries that hold the data.
    pub backends: Vec<EntryName>,
    /// On how many of those backends each block is kept.
    pub replicas: u8,
    pub cache: CachePolicy,
}

/// The flat on-disk form (also filled in from answers).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VfsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfs_path: Option<MfsPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_point: Option<AbsPath>,
    #[serde(default)]
    pub backends: Vec<EntryName>,
    #[serde(default = "one")]
    pub replicas: u8,
    #[serde(default)]
    pub cache: CachePolicy,
}

fn one() -> u8 {
    1
}

impl TryFrom<VfsFile> for VfsConfig {
    type Error = FieldErrors;

    fn try_from(f: VfsFile) -> Result<Self, FieldErrors> {
        let mut errs = Errors::default();
        let location = match (f.mfs_path, f.mount_point) {
            (Some(p), None) => Some(VfsLocation::Mfs(p)),
            (None, Some(p)) => Some(VfsLocation::Mount(p)),
            (Some(_), Some(_)) => {
                errs.push(
                    "mount_point",
                    "both mfs_path and mount_point are set; expected one of them",
                );
                None
            }
            (None, None) => {
                errs.push(
                    "mfs_path",
                    "missing; expected mfs_path (e.g. /media) or mount_point (e.g. /mnt/ipfs)",
                );
                None
            }
        };
        if f.backends.is_empty() {
            errs.push(
                "backends",
                "no backend is listed; expected at least one [backends.<name>] entry",
            );
        }
        for (i, name) in f.backends.iter().enumerate() {
            if f.backends[..i].contains(name) {
                errs.push(
                    "backends",
                    format!("{name} is listed twice; expected each backend once"),
                );
            }
        }
        if f.replicas == 0 || f.replicas > 16 {
            errs.push(
                "replicas",
                format!("{} is out of range; expected 1 to 16", f.replicas),
            );
        } else if !f.backends.is_empty() && usize::from(f.replicas) > f.backends.len() {
            errs.push(
                "replicas",
                format!("{} replicas need at least {} backends, but {} are listed; lower replicas or add backends", f.replicas, f.replicas, f.backends.len()),
            );
        }
        match location {
            Some(location) if errs.0.is_empty() => Ok(VfsConfig {
                location,
                backends: f.backends,
                replicas: f.replicas,
                cache: f.cache,
            }),
            _ => Err(FieldErrors(errs.0)),
        }
    }
}

impl From<VfsConfig> for VfsFile {
    fn from(c: VfsConfig) -> Self {
        let (mfs_path, mount_point) = match c.location {
            VfsLocation::Mfs(p) => (Some(p), None),
            VfsLocation::Mount(p) => (None, Some(p)),
        };
        VfsFile {
            mfs_path,
            mount_point,
            backends: c.backends,
            replicas: c.replicas,
            cache: c.cache,
        }
    }
}
