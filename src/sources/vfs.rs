//! VFS mounts: `files/stat?with-local=true` on Kubo for each MFS mount, so the dashboard can
//! show each mount's size, blocks and how much of it this node holds.

use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use serde::Deserialize;

use super::http::{ApiError, HttpApi, client_for};
use crate::config::KuboConfig;
use crate::model::VfsMountStats;
use ipfs_kit_wizards::VfsConfig;
use ipfs_kit_wizards::config::VfsLocation;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilesStat {
    pub hash: String,
    pub cumulative_size: u64,
    pub blocks: u64,
    #[serde(default)]
    pub local: Option<bool>,
    #[serde(default)]
    pub size_local: Option<u64>,
}

pub struct VfsSource {
    api: HttpApi,
    mounts: Vec<(String, VfsConfig)>,
}

impl VfsSource {
    pub fn new(
        kubo: &KuboConfig,
        mounts: impl IntoIterator<Item = (String, VfsConfig)>,
        timeout: Duration,
    ) -> Result<Self, ApiError> {
        Ok(VfsSource::with_client(
            &client_for([&kubo.api.endpoint])?,
            kubo,
            mounts,
            timeout,
        ))
    }

    /// As `new`, on a shared client (see `http::client_for`).
    pub fn with_client(
        client: &reqwest::Client,
        kubo: &KuboConfig,
        mounts: impl IntoIterator<Item = (String, VfsConfig)>,
        timeout: Duration,
    ) -> Self {
        VfsSource {
            api: HttpApi::with_client(client, &kubo.api.endpoint, kubo.api.auth.clone(), timeout),
            mounts: mounts.into_iter().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.mounts.is_empty()
    }

    pub async fn poll(&self) -> Vec<VfsMountStats> {
        let mut out = Vec::with_capacity(self.mounts.len());
        for (name, m) in &self.mounts {
            let mut st = VfsMountStats {
                name: name.clone(),
                location: String::new(),
                backends: m.backends.iter().map(ToString::to_string).collect(),
                replicas: u32::from(m.replicas),
                hash: None,
                size_bytes: None,
                blocks: None,
                local_bytes: None,
                local_share: None,
                error: None,
                last_attempt: Some(Utc::now()),
            };
            match &m.location {
                VfsLocation::Mfs(path) => {
                    st.location = format!("mfs:{}", path.as_str());
                    let query = [("arg", path.as_str()), ("with-local", "true")];
                    match self
                        .api
                        .json::<FilesStat>(Method::POST, "api/v0/files/stat", &query)
                        .await
                    {
                        Ok(fs) => apply(&mut st, fs),
                        Err(e) => st.error = Some(e.to_string()),
                    }
                }
                VfsLocation::Mount(path) => {
                    st.location = format!("mount:{}", path.as_path().display());
                    if !path.as_path().is_dir() {
                        st.error = Some(format!("{} is not a directory", path.as_path().display()));
                    }
                }
            }
            out.push(st);
        }
        out
    }
}

fn apply(st: &mut VfsMountStats, fs: FilesStat) {
    st.hash = Some(fs.hash);
    st.size_bytes = Some(fs.cumulative_size);
    st.blocks = Some(fs.blocks);
    st.local_bytes = fs.size_local;
    st.local_share = fs
        .size_local
        .filter(|_| fs.cumulative_size > 0)
        .map(|l| (l as f64 / fs.cumulative_size as f64).min(1.0))
        .or((fs.cumulative_size == 0).then_some(1.0));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::http::decode;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/kubo/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn files_stat_with_locality() {
        let fs: FilesStat = decode("files/stat", &fixture("files_stat_with_local.json")).unwrap();
        assert_eq!(
            (fs.cumulative_size, fs.blocks, fs.local, fs.size_local),
            (115, 1, Some(true), Some(115))
        );
        let mut st = VfsMountStats {
            name: "m".into(),
            location: "mfs:/media".into(),
            backends: vec![],
            replicas: 1,
            hash: None,
            size_bytes: None,
            blocks: None,
            local_bytes: None,
            local_share: None,
            error: None,
            last_attempt: None,
        };
        apply(&mut st, fs);
        assert_eq!(st.local_share, Some(1.0));
        let missing = String::from_utf8(fixture("files_stat_missing.json")).unwrap();
        assert!(missing.contains("file does not exist"));
    }
}
