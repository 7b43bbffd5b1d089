//! Validators: `fn(&str) -> Result<T, String>`, shared by prompts, answers files, `--set`
//! flags and config parsing. Every rejection says what is wrong and what is expected.
//!
//! Messages about secrets never repeat the input: they are shown on screen and logged.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::secret::Secret;
use crate::values::{
    AbsPath, BucketName, ByteSize, Endpoint, EntryName, EnvVarName, Eviction, HttpUrl, Interval,
    LogLevel, MfsPath, Percent, Region, ReplicationFactor, SourceInterval,
};

/// Units for [`byte_size`], in both the SI (Kubo's StorageMax) and the binary flavour.
pub(crate) const SIZE_UNITS: &[(&str, u64)] = &[
    ("B", 1),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("PB", 1_000_000_000_000_000),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
    ("PiB", 1 << 50),
];

const MIN_DURATION: Duration = Duration::from_millis(100);
const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

fn nonempty<'a>(s: &'a str, expected: &str) -> Result<&'a str, String> {
    let t = s.trim();
    if t.is_empty() {
        Err(format!("nothing was entered; expected {expected}"))
    } else {
        Ok(t)
    }
}

/// A name for a backend, VFS mount or credential: `a-z`, `0-9`, `-`, `_`, up to 63 chars.
pub fn entry_name(s: &str) -> Result<EntryName, String> {
    const WANT: &str = "a name of lowercase letters, digits, - and _, e.g. archive-s3";
    let t = nonempty(s, WANT)?;
    if t.len() > 63 {
        return Err(format!(
            "{t:?} is {} characters long; expected at most 63",
            t.len()
        ));
    }
    if !t.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Err(format!(
            "{t:?} must start with a lowercase letter or digit; expected {WANT}"
        ));
    }
    if let Some(bad) = t
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Err(format!("{t:?} contains {bad:?}; expected {WANT}"));
    }
    Ok(EntryName(t.to_string()))
}

/// Comma-separated entry names, at least one, no repeats ("local, archive").
pub fn name_list(s: &str) -> Result<Vec<EntryName>, String> {
    let t = nonempty(
        s,
        "one or more names separated by commas, e.g. local,archive",
    )?;
    let mut out: Vec<EntryName> = Vec::new();
    for part in t.split(',') {
        let name = entry_name(part)?;
        if out.contains(&name) {
            return Err(format!("{name:?} is listed twice; expected each name once"));
        }
        out.push(name);
    }
    Ok(out)
}

/// Kubo RPC / Cluster REST address: `http(s)://host:port[/path]` or a multiaddr such as
/// `/ip4/127.0.0.1/tcp/5001` (optionally ending in `/http` or `/https`).
pub fn endpoint(s: &str) -> Result<Endpoint, String> {
    const WANT: &str =
        "a URL such as http://127.0.0.1:5001 or a multiaddr such as /ip4/127.0.0.1/tcp/5001";
    let t = nonempty(s, WANT)?;
    if t.starts_with('/') {
        multiaddr_url(t)?;
    } else {
        url_like(t, WANT)?;
    }
    Ok(Endpoint(t.to_string()))
}

/// The URL an endpoint stands for; `None` only for text [`endpoint`] would reject.
pub(crate) fn endpoint_url(s: &str) -> Option<String> {
    if s.starts_with('/') {
        multiaddr_url(s).ok()
    } else {
        Some(s.to_string())
    }
}

fn multiaddr_url(t: &str) -> Result<String, String> {
    const WANT: &str = "expected /ip4/ADDR/tcp/PORT, /ip6/ADDR/tcp/PORT or /dns/HOST/tcp/PORT, optionally followed by /http or /https";
    let parts: Vec<&str> = t.split('/').skip(1).collect();
    let (host, port, rest) = match parts.as_slice() {
        [proto, addr, "tcp", port, rest @ ..] => {
            let host = match *proto {
                "ip4" => addr
                    .parse::<Ipv4Addr>()
                    .map(|a| a.to_string())
                    .map_err(|_| format!("{addr:?} is not an IPv4 address in {t:?}; {WANT}"))?,
                "ip6" => addr
                    .parse::<Ipv6Addr>()
                    .map(|a| format!("[{a}]"))
                    .map_err(|_| format!("{addr:?} is not an IPv6 address in {t:?}; {WANT}"))?,
                "dns" | "dns4" | "dns6" => {
                    hostname(addr).map_err(|e| format!("{e} in {t:?}; {WANT}"))?;
                    addr.to_string()
                }
                other => {
                    return Err(format!(
                        "{other:?} is not a supported protocol in {t:?}; {WANT}"
                    ));
                }
            };
            (host, port_in(port, t)?, rest)
        }
        _ => return Err(format!("{t:?} is not a TCP multiaddr; {WANT}")),
    };
    let scheme = match rest {
        [] | ["http"] => "http",
        ["https"] | ["tls", "http"] => "https",
        _ => {
            return Err(format!(
                "{t:?} has an unexpected ending after the port; {WANT}"
            ));
        }
    };
    Ok(format!("{scheme}://{host}:{port}"))
}

fn port_in(p: &str, whole: &str) -> Result<u16, String> {
    port(p).map_err(|e| format!("{e} (in {whole:?})"))
}

fn hostname(h: &str) -> Result<(), String> {
    let ok = !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(format!("{h:?} is not a valid host name"))
    }
}

/// An `http://` or `https://` URL with a host. Credentials in the URL are refused: they
/// would land in config.toml, and the credentials step keeps them out of it.
pub fn http_url(s: &str) -> Result<HttpUrl, String> {
    const WANT: &str = "a URL such as https://s3.us-east-1.amazonaws.com or http://127.0.0.1:9000";
    let t = nonempty(s, WANT)?;
    url_like(t, WANT)?;
    Ok(HttpUrl(t.to_string()))
}

fn url_like(t: &str, want: &str) -> Result<(), String> {
    let url = url::Url::parse(t).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            format!("{t:?} has no scheme; expected {want} (add http:// or https://)")
        }
        other => format!("{t:?} is not a valid URL ({other}); expected {want}"),
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!(
            "{t:?} uses the scheme {:?}; expected http or https",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{t:?} has no host; expected {want}"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL contains a user name or password; remove them from the URL and give them in the credentials step".into());
    }
    if url.fragment().is_some() {
        return Err(format!(
            "{t:?} ends with a #fragment; expected a URL without one"
        ));
    }
    Ok(())
}

/// A TCP port, 1 to 65535.
pub fn port(s: &str) -> Result<u16, String> {
    let t = nonempty(s, "a port number from 1 to 65535")?;
    match t.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        Ok(n) => Err(format!("port {n} is out of range; expected 1 to 65535")),
        Err(_) => Err(format!(
            "{t:?} is not a port number; expected a whole number from 1 to 65535"
        )),
    }
}

/// A duration with a unit ("500ms", "30s", "5m", "2h", "7d"), from 100ms to 365 days.
pub fn duration(s: &str) -> Result<Interval, String> {
    const WANT: &str = "a number with a unit, e.g. 500ms, 30s, 5m, 2h or 7d";
    let t = nonempty(s, WANT)?;
    let d = humantime::parse_duration(t)
        .map_err(|e| format!("{t:?} is not a duration ({e}); expected {WANT}"))?;
    if d < MIN_DURATION || d > MAX_DURATION {
        return Err(format!(
            "{t:?} is out of range; expected from 100ms to 365d"
        ));
    }
    Ok(Interval(d))
}

/// How often to poll a source: a duration (see [`duration`]) or `off`.
pub fn source_interval(s: &str) -> Result<SourceInterval, String> {
    let t = nonempty(s, "a duration such as 5s, or off")?;
    if t.eq_ignore_ascii_case("off") {
        return Ok(SourceInterval::Off);
    }
    duration(t)
        .map(SourceInterval::Every)
        .map_err(|e| format!("{e}, or off to disable the source"))
}

/// A size with a unit: B, KB, MB, GB, TB, PB (powers of 1000, as Kubo's StorageMax) or
/// KiB, MiB, GiB, TiB, PiB (powers of 1024). Decimals are allowed ("1.5GiB"); "0" is zero.
pub fn byte_size(s: &str) -> Result<ByteSize, String> {
    const WANT: &str = "a number with a unit, e.g. 512MiB, 10GiB or 500GB";
    let t = nonempty(s, WANT)?;
    if t == "0" {
        return Ok(ByteSize(0));
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("{t:?} has no unit; expected {WANT}"))?;
    let (num, unit) = (t[..split].trim(), t[split..].trim());
    let mult = SIZE_UNITS
        .iter()
        .find(|(u, _)| u.eq_ignore_ascii_case(unit))
        .map(|(_, m)| *m)
        .ok_or_else(|| format!("{unit:?} is not a size unit; expected {WANT}"))?;
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    if whole.is_empty() || frac.contains('.') || frac.len() > 9 {
        return Err(format!("{t:?} is not a size; expected {WANT}"));
    }
    let bad_number = || format!("{t:?} is not a size; expected {WANT}");
    let whole: u128 = whole.parse().map_err(|_| bad_number())?;
    let frac_value: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad_number())?
    };
    let scale = 10u128.pow(frac.len() as u32);
    let bytes = whole * u128::from(mult) + frac_value * u128::from(mult) / scale;
    u64::try_from(bytes)
        .map(ByteSize)
        .map_err(|_| format!("{t:?} is too large; expected at most 16EiB"))
}

/// An S3 bucket name under the AWS rules for general purpose buckets.
pub fn bucket_name(s: &str) -> Result<BucketName, String> {
    const RULES: &str = "3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
    let t = nonempty(s, RULES)?;
    if !(3..=63).contains(&t.len()) {
        return Err(format!(
            "bucket name {t:?} is {} characters long; expected {RULES}",
            t.len()
        ));
    }
    if let Some(bad) = t
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        return Err(format!(
            "bucket name {t:?} contains {bad:?}; expected {RULES}"
        ));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge_ok(t.chars().next()) || !edge_ok(t.chars().last()) {
        return Err(format!(
            "bucket name {t:?} must start and end with a letter or digit; expected {RULES}"
        ));
    }
    if t.contains("..") {
        return Err(format!(
            "bucket name {t:?} has two dots in a row; expected single dots between labels"
        ));
    }
    if t.parse::<Ipv4Addr>().is_ok() {
        return Err(format!(
            "bucket name {t:?} looks like an IP address; expected a name, e.g. ipfs-archive"
        ));
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if t.starts_with(prefix) {
            return Err(format!(
                "bucket name {t:?} starts with the reserved prefix {prefix:?}; choose another name"
            ));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if t.ends_with(suffix) {
            return Err(format!(
                "bucket name {t:?} ends with the reserved suffix {suffix:?}; choose another name"
            ));
        }
    }
    Ok(BucketName(t.to_string()))
}

/// An S3 region: lowercase letters, digits and hyphens, e.g. `us-east-1`; other S3
/// servers use their own codes (`auto` for R2, `garage`), so only the form is checked.
pub fn region(s: &str) -> Result<Region, String> {
    const WANT: &str = "a region code such as us-east-1 or eu-central-1 (MinIO uses us-east-1)";
    let t = nonempty(s, WANT)?;
    let ok_chars = t
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if t.len() > 32
        || !ok_chars
        || !t.starts_with(|c: char| c.is_ascii_lowercase())
        || t.ends_with('-')
    {
        return Err(format!("{t:?} is not a region code; expected {WANT}"));
    }
    Ok(Region(t.to_string()))
}

/// An absolute local path. `~` is refused rather than guessed: the wizard may run under
/// another user (sudo) than the daemon.
pub fn abs_path(s: &str) -> Result<AbsPath, String> {
    const WANT: &str = "an absolute path such as /var/lib/ipfs-kit";
    let t = nonempty(s, WANT)?;
    if t.contains('\0') {
        return Err(format!("the path contains a NUL byte; expected {WANT}"));
    }
    if t.starts_with('~') {
        return Err(format!(
            "{t:?} starts with ~, which is not expanded; write the full path, e.g. /home/you/ipfs"
        ));
    }
    let p = Path::new(t);
    if !p.is_absolute() {
        return Err(format!("{t:?} is relative; expected {WANT}"));
    }
    if p.components().any(|c| c == Component::ParentDir) {
        return Err(format!(
            "{t:?} contains ..; expected a path without .. parts"
        ));
    }
    Ok(AbsPath(PathBuf::from(t)))
}

/// A path in Kubo's MFS: starts with `/`, no empty, `.` or `..` parts. A trailing `/`
/// is dropped so `/media/` and `/media` are the same mount.
pub fn mfs_path(s: &str) -> Result<MfsPath, String> {
    const WANT: &str = "an MFS path such as /media or /backups/photos";
    let t = nonempty(s, WANT)?;
    if !t.starts_with('/') {
        return Err(format!("{t:?} does not start with /; expected {WANT}"));
    }
    let body = t.trim_end_matches('/');
    if body.is_empty() {
        return Ok(MfsPath("/".into()));
    }
    for part in body[1..].split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err(format!("{t:?} has an empty, . or .. part; expected {WANT}"));
        }
        if part.chars().any(char::is_control) {
            return Err(format!(
                "{t:?} contains a control character; expected {WANT}"
            ));
        }
    }
    Ok(MfsPath(body.to_string()))
}

fn whole_number(s: &str, what: &str, max: u64) -> Result<u64, String> {
    let want = format!("a whole number from 0 to {max}");
    let t = nonempty(s, &want)?;
    match t.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        Ok(n) => Err(format!("{what} {n} is too large; expected {want}")),
        Err(_) => Err(format!("{t:?} is not a {what}; expected {want}")),
    }
}

/// A number of peers, 0 to 10000.
pub fn peer_count(s: &str) -> Result<u32, String> {
    whole_number(s, "peer count", 10_000).map(|n| n as u32)
}

/// A count of events such as pin errors, 0 to 1000000.
pub fn count(s: &str) -> Result<u32, String> {
    whole_number(s, "count", 1_000_000).map(|n| n as u32)
}

/// Priority like a DNS SRV record's: 0 to 65535, lower is tried first.
pub fn priority(s: &str) -> Result<u16, String> {
    whole_number(s, "priority", 65_535).map(|n| n as u16)
}

/// Weight like a DNS SRV record's: 0 to 65535, the share among backends of one priority.
pub fn weight(s: &str) -> Result<u16, String> {
    whole_number(s, "weight", 65_535).map(|n| n as u16)
}

/// How many backends hold each block of a VFS mount: 1 to 16.
pub fn replicas(s: &str) -> Result<u8, String> {
    match whole_number(s, "replica count", 16) {
        Ok(0) => Err("a replica count of 0 keeps no copy; expected 1 to 16".into()),
        Ok(n) => Ok(n as u8),
        Err(e) => Err(e),
    }
}

/// IPFS Cluster replication factor: 1 to 1000 peers, or -1 for every peer.
pub fn replication_factor(s: &str) -> Result<ReplicationFactor, String> {
    const WANT: &str = "a peer count from 1 to 1000, or -1 for every peer";
    let t = nonempty(s, WANT)?;
    match t.parse::<i64>() {
        Ok(-1) => Ok(ReplicationFactor::EVERY_PEER),
        Ok(n @ 1..=1000) => Ok(ReplicationFactor(n as i32)),
        Ok(n) => Err(format!(
            "replication factor {n} is out of range; expected {WANT}"
        )),
        Err(_) => Err(format!(
            "{t:?} is not a replication factor; expected {WANT}"
        )),
    }
}

/// A whole percentage, "0" to "100"; a trailing `%` is allowed.
pub fn percent(s: &str) -> Result<Percent, String> {
    const WANT: &str = "a whole number from 0 to 100, e.g. 85";
    let t = nonempty(s, WANT)?;
    let digits = t.strip_suffix('%').unwrap_or(t).trim();
    match digits.parse::<u64>() {
        Ok(n) if n <= 100 => Ok(Percent(n as u8)),
        Ok(n) => Err(format!("{n}% is more than 100%; expected {WANT}")),
        Err(_) => Err(format!("{t:?} is not a percentage; expected {WANT}")),
    }
}

/// An environment variable name: letters, digits and `_`, not starting with a digit.
pub fn env_var_name(s: &str) -> Result<EnvVarName, String> {
    const WANT: &str = "letters, digits and _, not starting with a digit, e.g. IPFS_KIT_TOKEN";
    let t = nonempty(s, WANT)?;
    let ok = t.len() <= 255
        && t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(EnvVarName(t.to_string()))
    } else {
        Err(format!(
            "{t:?} is not an environment variable name; expected {WANT}"
        ))
    }
}

/// `error`, `warn`, `info`, `debug` or `trace`.
pub fn log_level(s: &str) -> Result<LogLevel, String> {
    let t = nonempty(s, "one of error, warn, info, debug, trace")?;
    match t.to_ascii_lowercase().as_str() {
        "error" => Ok(LogLevel::Error),
        "warn" | "warning" => Ok(LogLevel::Warn),
        "info" => Ok(LogLevel::Info),
        "debug" => Ok(LogLevel::Debug),
        "trace" => Ok(LogLevel::Trace),
        _ => Err(format!(
            "{t:?} is not a log level; expected one of error, warn, info, debug, trace"
        )),
    }
}

/// `lru` (least recently used) or `lfu` (least frequently used).
pub fn eviction(s: &str) -> Result<Eviction, String> {
    let t = nonempty(s, "lru or lfu")?;
    match t.to_ascii_lowercase().as_str() {
        "lru" => Ok(Eviction::Lru),
        "lfu" => Ok(Eviction::Lfu),
        _ => Err(format!(
            "{t:?} is not an eviction policy; expected lru (least recently used) or lfu (least frequently used)"
        )),
    }
}

/// `true`/`false`, `yes`/`no`, `y`/`n`, `on`/`off`.
pub fn boolean(s: &str) -> Result<bool, String> {
    let t = nonempty(s, "true or false")?;
    match t.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Ok(true),
        "false" | "no" | "n" | "off" => Ok(false),
        _ => Err(format!(
            "{t:?} is not a yes/no value; expected true or false"
        )),
    }
}

/// A user name or access key ID: not a secret, but must be one token.
pub fn identity(s: &str) -> Result<String, String> {
    let t = nonempty(s, "a user name or key ID without spaces")?;
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{t:?} contains spaces or control characters; expected a user name or key ID without spaces"
        ));
    }
    Ok(t.to_string())
}

/// A token, password or secret key. The input is never echoed in the message.
pub fn secret(s: &str) -> Result<Secret, String> {
    if s.is_empty() {
        return Err("nothing was entered; expected the secret value".into());
    }
    if s.trim() != s {
        return Err("the secret starts or ends with whitespace; expected it without spaces or line breaks around it".into());
    }
    if s.chars().any(char::is_control) {
        return Err(
            "the secret contains a control character; expected printable characters only".into(),
        );
    }
    Ok(Secret::new(s))
}

#[cfg(test)]
mod tests;
