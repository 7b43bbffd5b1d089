//! Finding the Kubo and Cluster binaries: the cache that scripts/install-ipfs-tools.sh fills,
//! then PATH.

use std::path::{Path, PathBuf};

use super::LaunchError;

pub const INSTALL_HINT: &str = "install them with scripts/install-ipfs-tools.sh (Kubo v0.39.0 and IPFS Cluster v1.1.6 via Go, into ~/.cache/ipfs-kit/tools/bin), or set IPFS_KIT_TOOLS_BIN to a directory holding them";

#[derive(Clone, Debug)]
pub struct Tools {
    pub ipfs: PathBuf,
    pub cluster_service: PathBuf,
    pub cluster_ctl: PathBuf,
}

/// `$IPFS_KIT_TOOLS_BIN`, else `$XDG_CACHE_HOME/ipfs-kit/tools/bin`, else `~/.cache/...`.
pub fn tools_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("IPFS_KIT_TOOLS_BIN").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d).join("ipfs-kit/tools/bin"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/ipfs-kit/tools/bin"))
}

fn find_one(name: &str, dir: Option<&Path>) -> Option<PathBuf> {
    if let Some(d) = dir {
        let p = d.join(name);
        if p.is_file() {
            return Some(p);
        }
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

impl Tools {
    pub fn find() -> Result<Tools, LaunchError> {
        let dir = tools_dir();
        let mut missing = Vec::new();
        let mut get = |name: &str| {
            find_one(name, dir.as_deref()).unwrap_or_else(|| {
                missing.push(name.to_string());
                PathBuf::new()
            })
        };
        let tools = Tools {
            ipfs: get("ipfs"),
            cluster_service: get("ipfs-cluster-service"),
            cluster_ctl: get("ipfs-cluster-ctl"),
        };
        if missing.is_empty() {
            Ok(tools)
        } else {
            let looked = dir
                .map(|d| format!("{} and PATH", d.display()))
                .unwrap_or_else(|| "PATH".into());
            Err(LaunchError::ToolMissing(format!(
                "{} not found in {looked}; {INSTALL_HINT}",
                missing.join(", ")
            )))
        }
    }
}
