//! Value types that can only hold what their validator accepted.
//!
//! Each one reads and writes its TOML form through the same function in [`crate::validate`]
//! that checks typed answers and `--set` flags, so a config file, an answers file and a
//! prompt can never disagree on what is valid.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::validate;

/// A string newtype that (de)serializes as its text and is built only by its validator.
macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $check:path) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(pub(crate) String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $check(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $check(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

text_value!(
    /// Kubo RPC or Cluster REST address: an `http(s)://` URL or a TCP multiaddr.
    Endpoint,
    validate::endpoint
);
text_value!(
    /// An `http://` or `https://` URL without embedded credentials.
    HttpUrl,
    validate::http_url
);
text_value!(
    /// An S3 bucket name that follows the AWS naming rules.
    BucketName,
    validate::bucket_name
);
text_value!(
    /// An S3 region code such as `us-east-1` (or `auto`, `garage` for other servers).
    Region,
    validate::region
);
text_value!(
    /// A path inside Kubo's MFS, always starting with `/`.
    MfsPath,
    validate::mfs_path
);
text_value!(
    /// The name of an environment variable that holds a value at run time.
    EnvVarName,
    validate::env_var_name
);
text_value!(
    /// A name for a backend, VFS mount or credential: also a TOML key, so kept simple.
    EntryName,
    validate::entry_name
);

impl Endpoint {
    /// The HTTP base URL to send requests to (a multiaddr is turned into one).
    pub fn to_url(&self) -> String {
        validate::endpoint_url(&self.0).unwrap_or_else(|| self.0.clone())
    }
}

/// An absolute filesystem path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AbsPath(pub(crate) PathBuf);

impl AbsPath {
    pub fn as_path(&self) -> &Path {
        &self.0
    }
}

impl fmt::Display for AbsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.display())
    }
}

impl TryFrom<String> for AbsPath {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        validate::abs_path(&s)
    }
}

impl From<AbsPath> for String {
    fn from(v: AbsPath) -> String {
        v.0.to_string_lossy().into_owned()
    }
}

/// A duration written the humantime way ("500ms", "30s", "1h 30m").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Interval(pub(crate) Duration);

impl Interval {
    pub fn get(self) -> Duration {
        self.0
    }
}

impl fmt::Display for Interval {
    /// The largest unit that gives a whole number ("7d", "90s", "1500ms"), the way an
    /// operator writes it; humantime would print "7days" or "1m 30s".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(&str, u128); 5] = [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
            ("ms", 1),
        ];
        let ms = self.0.as_millis();
        match UNITS
            .iter()
            .find(|(_, size)| ms > 0 && ms.is_multiple_of(*size))
        {
            Some((unit, size)) if self.0.subsec_nanos().is_multiple_of(1_000_000) => {
                write!(f, "{}{unit}", ms / size)
            }
            _ => write!(f, "{}", humantime::format_duration(self.0)),
        }
    }
}

impl TryFrom<String> for Interval {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        validate::duration(&s)
    }
}

impl From<Interval> for String {
    fn from(v: Interval) -> String {
        v.to_string()
    }
}

/// A number of bytes, written with a unit ("512MiB", "10GiB", "500GB").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ByteSize(pub(crate) u64);

impl ByteSize {
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ByteSize {
    /// The unit that gives the shortest exact number, so "500GB" stays "500GB" and
    /// "10GiB" stays "10GiB" after a round trip through the file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let best = validate::SIZE_UNITS
            .iter()
            .filter(|(_, mult)| *mult > 1 && self.0.is_multiple_of(*mult))
            .min_by_key(|(_, mult)| self.0 / mult);
        match best {
            Some((unit, mult)) if self.0 > 0 => write!(f, "{}{unit}", self.0 / mult),
            _ => write!(f, "{}B", self.0),
        }
    }
}

impl TryFrom<String> for ByteSize {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        validate::byte_size(&s)
    }
}

impl From<ByteSize> for String {
    fn from(v: ByteSize) -> String {
        v.to_string()
    }
}

/// A whole percentage, 0 to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Percent(pub(crate) u8);

impl Percent {
    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<i64> for Percent {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        validate::percent(&n.to_string())
    }
}

impl From<Percent> for i64 {
    fn from(v: Percent) -> i64 {
        i64::from(v.0)
    }
}

/// IPFS Cluster's replication factor: a peer count, or -1 for "every peer".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct ReplicationFactor(pub(crate) i32);

impl ReplicationFactor {
    pub const EVERY_PEER: ReplicationFactor = ReplicationFactor(-1);

    pub fn get(self) -> i32 {
        self.0
    }

    /// Order where "every peer" is the largest factor.
    pub(crate) fn rank(self) -> i64 {
        if self.0 < 0 {
            i64::MAX
        } else {
            i64::from(self.0)
        }
    }
}

impl fmt::Display for ReplicationFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<i64> for ReplicationFactor {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        validate::replication_factor(&n.to_string())
    }
}

impl From<ReplicationFactor> for i64 {
    fn from(v: ReplicationFactor) -> i64 {
        i64::from(v.0)
    }
}

/// How often a monitoring source is polled, or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum SourceInterval {
    Off,
    Every(Interval),
}

impl fmt::Display for SourceInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceInterval::Off => f.write_str("off"),
            SourceInterval::Every(i) => write!(f, "{i}"),
        }
    }
}

impl TryFrom<String> for SourceInterval {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        validate::source_interval(&s)
    }
}

impl From<SourceInterval> for String {
    fn from(v: SourceInterval) -> String {
        v.to_string()
    }
}

/// Which cached entry goes first when the cache is full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Eviction {
    /// Least recently used.
    #[default]
    Lru,
    /// Least frequently used.
    Lfu,
}

impl fmt::Display for Eviction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Eviction::Lru => "lru",
            Eviction::Lfu => "lfu",
        })
    }
}

/// The log level ipfs-kit writes at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        })
    }
}
