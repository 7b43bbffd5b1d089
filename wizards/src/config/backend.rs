//! `[backends.<name>]`: one storage backend, its credentials and its policy.
//!
//! On disk the connection fields sit flat beside `kind` (what an operator expects to
//! write); in memory they are the [`Target`] enum, so a `bucket` on a Kubo node cannot exist.
//! The flat form, [`BackendFile`], is also what answers files fill in, and its conversion
//! reports every problem at once.

use serde::{Deserialize, Serialize, Serializer};

use super::auth::{Auth, AuthFile, AuthScheme};
use crate::field::{Errors, FieldErrors};
use crate::secret::{Secret, SecretRef};
use crate::values::{
    AbsPath, BucketName, ByteSize, Endpoint, EntryName, HttpUrl, Interval, Region,
    ReplicationFactor,
};

/// What a backend is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackendKind {
    /// A Kubo node's RPC API, on this host or remote.
    Kubo,
    /// An IPFS Cluster peer's REST API.
    Cluster,
    /// An S3-compatible bucket (AWS, MinIO, Garage, R2, ...).
    S3,
    /// A directory on a local filesystem.
    Filesystem,
    /// A remote service speaking the IPFS Pinning Service API.
    PinningService,
}

impl BackendKind {
    pub const ALL: [BackendKind; 5] = [
        BackendKind::Kubo,
        BackendKind::Cluster,
        BackendKind::S3,
        BackendKind::Filesystem,
        BackendKind::PinningService,
    ];

    /// The value written as `kind = "..."`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Kubo => "kubo",
            BackendKind::Cluster => "cluster",
            BackendKind::S3 => "s3",
            BackendKind::Filesystem => "filesystem",
            BackendKind::PinningService => "pinning-service",
        }
    }

    /// What the kind menu shows.
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::Kubo => "Kubo node (local or remote RPC)",
            BackendKind::Cluster => "IPFS Cluster peer",
            BackendKind::S3 => "S3-compatible bucket",
            BackendKind::Filesystem => "Local filesystem path",
            BackendKind::PinningService => "Remote pinning service (IPFS Pinning Service API)",
        }
    }

    pub fn parse(s: &str) -> Result<BackendKind, String> {
        let t = s.trim();
        BackendKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| format!("{t:?} is not a backend kind; expected one of kubo, cluster, s3, filesystem, pinning-service"))
    }

    /// Schemes the service accepts: Kubo's API.Authorizations and Cluster's REST API take
    /// bearer or basic; S3 signs with a key pair; the Pinning Service API uses a bearer token.
    pub fn auth_schemes(self) -> &'static [AuthScheme] {
        match self {
            BackendKind::Kubo | BackendKind::Cluster => {
                &[AuthScheme::None, AuthScheme::Token, AuthScheme::Basic]
            }
            BackendKind::S3 => &[AuthScheme::AccessKey],
            BackendKind::Filesystem => &[AuthScheme::None],
            BackendKind::PinningService => &[AuthScheme::Token],
        }
    }

    /// The scheme used when an answers file or config table names none.
    pub fn default_auth(self) -> AuthScheme {
        match self {
            BackendKind::S3 => AuthScheme::AccessKey,
            BackendKind::PinningService => AuthScheme::Token,
            BackendKind::Kubo | BackendKind::Cluster | BackendKind::Filesystem => AuthScheme::None,
        }
    }

    /// The connection keys that belong to this kind.
    pub(crate) fn connection_keys(self) -> &'static [&'static str] {
        match self {
            BackendKind::Kubo => &["api", "repo"],
            BackendKind::Cluster => &["api"],
            BackendKind::S3 => &["endpoint", "region", "bucket", "path_style"],
            BackendKind::Filesystem => &["path"],
            BackendKind::PinningService => &["endpoint"],
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the backend is and how to reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `repo` is set for a node on this host, so checks can read its disk.
    Kubo {
        api: Endpoint,
        repo: Option<AbsPath>,
    },
    Cluster {
        api: Endpoint,
    },
    /// `path_style`: address the bucket as `endpoint/bucket` (MinIO and most self-hosted
    /// servers) instead of `bucket.endpoint`.
    S3 {
        endpoint: HttpUrl,
        region: Region,
        bucket: BucketName,
        path_style: bool,
    },
    Filesystem {
        path: AbsPath,
    },
    PinningService {
        endpoint: HttpUrl,
    },
}

impl Target {
    pub fn kind(&self) -> BackendKind {
        match self {
            Target::Kubo { .. } => BackendKind::Kubo,
            Target::Cluster { .. } => BackendKind::Cluster,
            Target::S3 { .. } => BackendKind::S3,
            Target::Filesystem { .. } => BackendKind::Filesystem,
            Target::PinningService { .. } => BackendKind::PinningService,
        }
    }
}

/// How ipfs-kit uses the backend. Priority and weight work like a DNS SRV record's:
/// lower priority is tried first, weight shares load among backends of one priority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackendPolicy {
    /// Longest wait for one request.
    pub timeout: Interval,
    /// Longest wait to open a connection.
    pub connect_timeout: Interval,
    pub priority: u16,
    pub weight: u16,
    /// Most data ipfs-kit places on this backend; none means no limit of our own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<ByteSize>,
    /// Cluster only: `replication_factor_min` for pins made through this backend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_min: Option<ReplicationFactor>,
    /// Cluster only: `replication_factor_max`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_max: Option<ReplicationFactor>,
}

impl Default for BackendPolicy {
    fn default() -> Self {
        BackendPolicy {
            timeout: Interval(std::time::Duration::from_secs(30)),
            connect_timeout: Interval(std::time::Duration::from_secs(5)),
            priority: 10,
            weight: 100,
            quota: None,
            replication_min: None,
            replication_max: None,
        }
    }
}

/// One `[backends.<name>]` entry, valid as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "BackendFile")]
pub struct BackendConfig {
    pub target: Target,
    pub auth: Auth,
    pub policy: BackendPolicy,
}

impl BackendConfig {
    pub fn kind(&self) -> BackendKind {
        self.target.kind()
    }

    /// Moves a typed-in secret out, leaving a reference to credentials entry `name`.
    pub fn take_literal_secret(&mut self, name: &EntryName) -> Option<Secret> {
        let slot = self.auth.secret_mut()?;
        match std::mem::replace(slot, SecretRef::Credential(name.clone())) {
            SecretRef::Literal(secret) => Some(secret),
            other => {
                *slot = other;
                None
            }
        }
    }
}

impl Serialize for BackendConfig {
    /// Refuses a typed-in secret: it belongs in credentials.toml, never in config.toml.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if matches!(self.auth.secret(), Some(SecretRef::Literal(_))) {
            return Err(serde::ser::Error::custom(
                "a typed-in secret must be moved to the credentials file before saving",
            ));
        }
        BackendFile::from(self.clone()).serialize(s)
    }
}

/// The flat on-disk form of a backend (also filled in from answers).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BackendFile {
    pub kind: Option<BackendKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<AbsPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<HttpUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<BucketName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_style: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<AbsPath>,
    #[serde(default, skip_serializing_if = "AuthFile::is_unset")]
    pub auth: AuthFile,
    #[serde(default)]
    pub policy: BackendPolicy,
}

fn need<T>(errs: &mut Errors, key: &str, value: Option<T>, want: &str) -> Option<T> {
    if value.is_none() {
        errs.push(key, format!("missing; expected {want}"));
    }
    value
}

const WANT_API: &str =
    "an address such as /ip4/127.0.0.1/tcp/5001 or https://node.example.org:5001";
const WANT_URL: &str = "a URL such as https://s3.us-east-1.amazonaws.com";

impl TryFrom<BackendFile> for BackendConfig {
    type Error = FieldErrors;

    fn try_from(f: BackendFile) -> Result<Self, FieldErrors> {
        let mut errs = Errors::default();
        let Some(kind) = f.kind else {
            errs.push(
                "kind",
                "missing; expected one of kubo, cluster, s3, filesystem, pinning-service",
            );
            return Err(FieldErrors(errs.0));
        };
        let present = [
            ("api", f.api.is_some()),
            ("repo", f.repo.is_some()),
            ("endpoint", f.endpoint.is_some()),
            ("region", f.region.is_some()),
            ("bucket", f.bucket.is_some()),
            ("path_style", f.path_style.is_some()),
            ("path", f.path.is_some()),
        ];
        for (key, is_set) in present {
            if is_set && !kind.connection_keys().contains(&key) {
                errs.push(
                    key,
                    format!("does not apply to kind = \"{kind}\"; remove it"),
                );
            }
        }
        let target = match kind {
            BackendKind::Kubo => need(&mut errs, "api", f.api, WANT_API)
                .map(|api| Target::Kubo { api, repo: f.repo }),
            BackendKind::Cluster => {
                need(&mut errs, "api", f.api, WANT_API).map(|api| Target::Cluster { api })
            }
            BackendKind::S3 => {
                let endpoint = need(&mut errs, "endpoint", f.endpoint, WANT_URL);
                let region = need(
                    &mut errs,
                    "region",
                    f.region,
                    "a region code such as us-east-1",
                );
                let bucket = need(
                    &mut errs,
                    "bucket",
                    f.bucket,
                    "a bucket name such as ipfs-archive",
                );
                match (endpoint, region, bucket) {
                    (Some(endpoint), Some(region), Some(bucket)) => Some(Target::S3 {
                        endpoint,
                        region,
                        bucket,
                        path_style: f.path_style.unwrap_or(false),
                    }),
                    _ => None,
                }
            }
            BackendKind::Filesystem => {
                need(&mut errs, "path", f.path, "an absolute directory path")
                    .map(|path| Target::Filesystem { path })
            }
            BackendKind::PinningService => need(
                &mut errs,
                "endpoint",
                f.endpoint,
                "the service's API URL, e.g. https://api.pinata.cloud/psa",
            )
            .map(|endpoint| Target::PinningService { endpoint }),
        };
        let auth = match f.auth.into_auth(kind) {
            Ok(auth) => Some(auth),
            Err(e) => {
                errs.extend_under("auth", e);
                None
            }
        };
        check_policy(kind, &f.policy, &mut errs);
        match (target, auth) {
            (Some(target), Some(auth)) if errs.0.is_empty() => Ok(BackendConfig {
                target,
                auth,
                policy: f.policy,
            }),
            _ => Err(FieldErrors(errs.0)),
        }
    }
}

fn check_policy(kind: BackendKind, p: &BackendPolicy, errs: &mut Errors) {
    if kind != BackendKind::Cluster {
        for (key, set) in [
            ("policy.replication_min", p.replication_min.is_some()),
            ("policy.replication_max", p.replication_max.is_some()),
        ] {
            if set {
                errs.push(
                    key,
                    format!("applies only to kind = \"cluster\", not \"{kind}\"; remove it"),
                );
            }
        }
    }
    if let (Some(min), Some(max)) = (p.replication_min, p.replication_max)
        && min.rank() > max.rank()
    {
        errs.push(
                "policy.replication_min",
                format!("{min} is more than replication_max {max}; expected min <= max (-1 means every peer)"),
            );
    }
    if p.connect_timeout > p.timeout {
        errs.push(
            "policy.connect_timeout",
            format!(
                "{} is longer than timeout {}; expected connect_timeout <= timeout",
                p.connect_timeout, p.timeout
            ),
        );
    }
}

impl From<BackendConfig> for BackendFile {
    fn from(c: BackendConfig) -> Self {
        let kind = c.kind();
        let mut f = BackendFile {
            kind: Some(kind),
            policy: c.policy,
            ..BackendFile::default()
        };
        match c.target {
            Target::Kubo { api, repo } => {
                f.api = Some(api);
                f.repo = repo;
            }
            Target::Cluster { api } => f.api = Some(api),
            Target::S3 {
                endpoint,
                region,
                bucket,
                path_style,
            } => {
                f.endpoint = Some(endpoint);
                f.region = Some(region);
                f.bucket = Some(bucket);
                f.path_style = Some(path_style);
            }
            Target::Filesystem { path } => f.path = Some(path),
            Target::PinningService { endpoint } => f.endpoint = Some(endpoint),
        }
        f.auth = AuthFile::from_auth(kind, c.auth);
        f
    }
}
