//! Configuration: defaults < config file < environment (`IPFS_KIT_*`) < command-line flags.
//!
//! `load` returns a fully resolved `Config`; nothing later has to know where a value came from
//! except through the `Origin` it carries for display.

mod auth;
mod endpoint;
mod error;
mod file;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use auth::{Auth, Secret};
pub use endpoint::{Endpoint, to_multiaddr};
pub use error::ConfigError;
pub use file::{ExtraDaemon, FileConfig, PortConflictSetting, SupervisorSection, parse_interval};

/// Kubo's RPC default when nothing else is found.
pub const DEFAULT_KUBO_API: &str = "http://127.0.0.1:5001";
/// Cluster's REST API default.
pub const DEFAULT_CLUSTER_API: &str = "http://127.0.0.1:9094";

/// Where an endpoint came from, shown beside it so an operator knows what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env(&'static str),
    File(PathBuf),
    ApiFile(PathBuf),
    Embedded,
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag => f.write_str("flag"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::File(p) => write!(f, "config {}", p.display()),
            Origin::ApiFile(p) => write!(f, "api file {}", p.display()),
            Origin::Embedded => f.write_str("embedded node"),
            Origin::Default => f.write_str("default"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ApiConfig {
    pub endpoint: Endpoint,
    pub origin: Origin,
    pub auth: Option<Auth>,
    pub interval: Duration,
    pub timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct KuboConfig {
    pub api: ApiConfig,
    pub pins_every: Duration,
    pub full_repo_stat_every: Duration,
}

#[derive(Clone, Debug)]
pub struct ClusterConfig {
    pub enabled: bool,
    /// A required cluster that is down makes health WARNING; an auto-probed one does not.
    pub required: bool,
    pub api: ApiConfig,
    pub pin_status_every: Duration,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub kubo: KuboConfig,
    pub cluster: ClusterConfig,
    pub host_interval: Duration,
    pub history: Duration,
    pub max_backoff: Duration,
    pub state_dir: PathBuf,
    /// The file that was read, if any.
    pub file: Option<PathBuf>,
    pub supervisor: SupervisorSection,
    /// The alert rules in effect (built-ins overridden by the file and [monitoring.thresholds]).
    pub alert_rules: Vec<crate::alerts::Rule>,
    pub op_history: crate::ophistory::HistorySection,
    /// `[audit]`: the compliance policy and off-hours of the audit analytics.
    pub audit: crate::analytics::AuditSection,
    /// `[cache]`: the memory and disk tiers of the cache.
    pub cache: crate::cache::CacheSection,
    /// `[api]`: the daemon's HTTP API.
    pub api: crate::api::config::ApiConfig,
    /// `[[fleet.nodes]]`: the remote daemons of the Fleet tab.
    pub fleet: Vec<crate::fleet::FleetNode>,
    pub backends: std::collections::BTreeMap<String, ipfs_kit_wizards::BackendConfig>,
    pub vfs: std::collections::BTreeMap<String, ipfs_kit_wizards::VfsConfig>,
    /// How often backends are probed and VFS mounts stat'ed; None = off.
    pub backends_interval: Option<Duration>,
    pub vfs_interval: Option<Duration>,
    /// Where the latest snapshot is written as JSON, if anywhere.
    pub snapshot_file: Option<PathBuf>,
    /// Default log filter ([monitoring.outputs] log_level); IPFS_KIT_LOG wins.
    pub log_level: String,
}

/// Values given on the command line; each wins over file and environment.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub kubo_api: Option<String>,
    pub cluster_api: Option<String>,
    pub interval: Option<Duration>,
    pub state_dir: Option<PathBuf>,
}

/// Reads environment variables; a seam so tests need not touch the process environment.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// Loads and resolves the configuration.
pub fn load(overrides: &Overrides, env: &dyn Env) -> Result<Config, ConfigError> {
    let explicit = overrides
        .config
        .clone()
        .or_else(|| env.var("IPFS_KIT_CONFIG").map(PathBuf::from));
    let (file, path) = match explicit {
        Some(path) => (read_file(&path)?, Some(path)),
        None => match default_config_path(env) {
            Some(path) if path.exists() => (read_file(&path)?, Some(path)),
            _ => (FileConfig::default(), None),
        },
    };
    resolve(file, path, overrides, env)
}

/// Parses config text and checks what needs more than one field (alert rules); `path` is
/// only used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
    let file: FileConfig =
        toml::from_str(text).map_err(|e| ConfigError::from_toml(path.to_path_buf(), text, &e))?;
    let refs = ipfs_kit_wizards::WizardSections::check_references(&file.backends, &file.vfs);
    if let Some(first) = refs.first() {
        // Point at the table the problem is in, e.g. [vfs.media].
        let table = first.path.split('.').take(2).collect::<Vec<_>>().join(".");
        let offset = text.find(&format!("[{table}")).unwrap_or(0);
        let message = refs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ConfigError::at_offset(
            path.to_path_buf(),
            text,
            offset,
            message,
        ));
    }
    if let Err(issues) = file.alerts.rules() {
        let first = issues
            .first()
            .and_then(|i| i.span.clone())
            .map_or(0, |s| s.start);
        let message = issues
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ConfigError::at_offset(
            path.to_path_buf(),
            text,
            first,
            message,
        ));
    }
    if let Some((span, message)) = file.fleet.check().into_iter().next() {
        return Err(ConfigError::at_offset(
            path.to_path_buf(),
            text,
            span.start,
            message,
        ));
    }
    Ok(file)
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let bytes = std::fs::read(path).map_err(|error| ConfigError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        ConfigError::not_utf8(
            path.to_path_buf(),
            e.as_bytes(),
            e.utf8_error().valid_up_to(),
        )
    })?;
    parse(&text, path)
}

/// `$XDG_CONFIG_HOME/ipfs-kit/config.toml` (or `~/.config/ipfs-kit/config.toml`).
pub fn default_config_path(env: &dyn Env) -> Option<PathBuf> {
    if let Some(dir) = env.var("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(dir).join("ipfs-kit/config.toml"));
    }
    env.var("HOME")
        .map(|h| PathBuf::from(h).join(".config/ipfs-kit/config.toml"))
}

/// `$XDG_STATE_HOME/ipfs-kit` (or `~/.local/state/ipfs-kit`).
pub fn default_state_dir(env: &dyn Env) -> PathBuf {
    if let Some(dir) = env.var("XDG_STATE_HOME") {
        return PathBuf::from(dir).join("ipfs-kit");
    }
    match env.var("HOME") {
        Some(h) => PathBuf::from(h).join(".local/state/ipfs-kit"),
        None => std::env::temp_dir().join("ipfs-kit-state"),
    }
}

/// `$XDG_CACHE_HOME/ipfs-kit/cache.redb`, else `~/.cache/ipfs-kit/cache.redb`.
pub fn default_cache_file(env: &dyn Env) -> PathBuf {
    let dir = match (env.var("XDG_CACHE_HOME"), env.var("HOME")) {
        (Some(d), _) => PathBuf::from(d),
        (None, Some(h)) => PathBuf::from(h).join(".cache"),
        (None, None) => std::env::temp_dir(),
    };
    dir.join("ipfs-kit").join("cache.redb")
}

fn resolve(
    file: FileConfig,
    path: Option<PathBuf>,
    ov: &Overrides,
    env: &dyn Env,
) -> Result<Config, ConfigError> {
    let file_origin = || Origin::File(path.clone().unwrap_or_default());

    // Kubo endpoint: flag > env > file > discovery.
    let (kubo_ep, kubo_origin) = match pick_endpoint(
        ov.kubo_api.as_deref(),
        env,
        "IPFS_KIT_KUBO_API",
        file.kubo.api.clone(),
        file_origin(),
    )? {
        Some(found) => found,
        None => discover_kubo(env),
    };
    let kubo_auth = pick_auth(
        env,
        "IPFS_KIT_KUBO_AUTH",
        file.kubo.auth.clone(),
        file.kubo.auth_env.as_deref(),
        &kubo_ep,
    )?;

    let cluster_found = pick_endpoint(
        ov.cluster_api.as_deref(),
        env,
        "IPFS_KIT_CLUSTER_API",
        file.cluster.api.clone(),
        file_origin(),
    )?;
    let cluster_configured = cluster_found.is_some();
    let (cluster_ep, cluster_origin) = match cluster_found {
        Some(found) => found,
        None => (parse_default(DEFAULT_CLUSTER_API), Origin::Default),
    };
    let cluster_auth = pick_auth(
        env,
        "IPFS_KIT_CLUSTER_AUTH",
        file.cluster.auth.clone(),
        file.cluster.auth_env.as_deref(),
        &cluster_ep,
    )?;
    let enabled = file.cluster.enabled.unwrap_or(true);

    let state_dir = ov
        .state_dir
        .clone()
        .or_else(|| env.var("IPFS_KIT_STATE_DIR").map(PathBuf::from))
        .or(file.paths.state_dir.clone())
        .unwrap_or_else(|| default_state_dir(env));
    if let Some(message) = file.audit.check() {
        return Err(ConfigError::Invalid {
            origin: "[audit]".into(),
            message,
        });
    }

    Ok(Config {
        kubo: KuboConfig {
            api: ApiConfig {
                endpoint: kubo_ep,
                origin: kubo_origin,
                auth: kubo_auth,
                interval: ov.interval.unwrap_or(file.kubo.interval),
                timeout: file.kubo.timeout,
            },
            pins_every: file.kubo.pins_every,
            full_repo_stat_every: file.kubo.full_repo_stat_every,
        },
        cluster: ClusterConfig {
            enabled,
            required: enabled && (cluster_configured || file.cluster.enabled == Some(true)),
            api: ApiConfig {
                endpoint: cluster_ep,
                origin: cluster_origin,
                auth: cluster_auth,
                interval: ov.interval.unwrap_or(file.cluster.interval),
                timeout: file.cluster.timeout,
            },
            pin_status_every: file.cluster.pin_status_every,
        },
        host_interval: ov.interval.unwrap_or(file.host.interval),
        history: file.collector.history,
        max_backoff: file.collector.max_backoff,
        state_dir,
        file: path,
        supervisor: supervised_repos(file.supervisor, env),
        alert_rules: file.alerts.rules().map_err(|issues| ConfigError::Invalid {
            origin: "[alerts]".into(),
            message: issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        })?,
        op_history: file.history,
        audit: file.audit,
        api: crate::api::config::resolve(file.api, env)?,
        fleet: crate::fleet::config::resolve(file.fleet, env)?,
        cache: crate::cache::CacheSection {
            path: Some(
                file.cache
                    .path
                    .clone()
                    .unwrap_or_else(|| default_cache_file(env)),
            ),
            ..file.cache
        },
        backends: file.backends,
        vfs: file.vfs,
        backends_interval: Some(Duration::from_secs(60)),
        vfs_interval: Some(Duration::from_secs(30)),
        snapshot_file: None,
        log_level: "info".into(),
    }
    .with_monitoring(file.monitoring.as_ref(), ov.interval.is_some()))
}

fn parse_default(s: &str) -> Endpoint {
    // The constants above are valid; fall back to a loopback URL type-safely all the same.
    s.parse().unwrap_or_else(|_| unreachable_endpoint())
}

fn unreachable_endpoint() -> Endpoint {
    match "http://127.0.0.1:1".parse() {
        Ok(e) => e,
        Err(_) => unreachable!("a literal loopback URL always parses"),
    }
}

fn pick_endpoint(
    flag: Option<&str>,
    env: &dyn Env,
    var: &'static str,
    from_file: Option<Endpoint>,
    file_origin: Origin,
) -> Result<Option<(Endpoint, Origin)>, ConfigError> {
    let invalid = |origin: &str, message: String| ConfigError::Invalid {
        origin: origin.to_string(),
        message,
    };
    if let Some(raw) = flag {
        let ep = raw.parse().map_err(|m| invalid("command-line flag", m))?;
        return Ok(Some((ep, Origin::Flag)));
    }
    if let Some(raw) = env.var(var) {
        let ep = raw.parse().map_err(|m| invalid(var, m))?;
        return Ok(Some((ep, Origin::Env(var))));
    }
    Ok(from_file.map(|ep| (ep, file_origin)))
}

fn pick_auth(
    env: &dyn Env,
    var: &'static str,
    from_file: Option<Auth>,
    file_env: Option<&str>,
    endpoint: &Endpoint,
) -> Result<Option<Auth>, ConfigError> {
    if let Some(raw) = env.var(var) {
        return raw
            .parse()
            .map(Some)
            .map_err(|message| ConfigError::Invalid {
                origin: var.to_string(),
                message,
            });
    }
    if let Some(name) = file_env {
        let raw = env.var(name).ok_or_else(|| ConfigError::Invalid {
            origin: format!("auth_env = {name:?}"),
            message: format!(
                "environment variable {name} is not set; export it or remove auth_env"
            ),
        })?;
        return raw
            .parse()
            .map(Some)
            .map_err(|message| ConfigError::Invalid {
                origin: name.to_string(),
                message,
            });
    }
    Ok(from_file.or_else(|| endpoint.embedded_auth().cloned()))
}

impl Config {
    /// Applies `[monitoring]` (the monitoring wizard's section): its source intervals win over
    /// the per-source `interval` keys (but not over `--interval`), its thresholds set the
    /// built-in alert rules they correspond to, and its outputs set retention, the snapshot
    /// file and the log level.
    fn with_monitoring(
        mut self,
        m: Option<&ipfs_kit_wizards::MonitoringConfig>,
        interval_flag: bool,
    ) -> Config {
        use ipfs_kit_wizards::values::SourceInterval;
        let Some(m) = m else { return self };
        let every = |s: &SourceInterval| match s {
            SourceInterval::Every(i) => Some(i.get()),
            SourceInterval::Off => None,
        };
        if !interval_flag {
            if let Some(d) = every(&m.sources.kubo) {
                self.kubo.api.interval = d;
            }
            if let Some(d) = every(&m.sources.host) {
                self.host_interval = d;
            }
            match every(&m.sources.cluster) {
                Some(d) => self.cluster.api.interval = d,
                None => {
                    self.cluster.enabled = false;
                    self.cluster.required = false;
                }
            }
        }
        self.backends_interval = every(&m.sources.backends);
        self.vfs_interval = every(&m.sources.vfs);

        let t = &m.thresholds;
        let set = |rules: &mut Vec<crate::alerts::Rule>, name: &str, w: f64, c: f64| {
            if let Some(r) = rules.iter_mut().find(|r| r.name == name) {
                r.warning = Some(w);
                r.critical = Some(c);
            }
        };
        let pct = |p: ipfs_kit_wizards::values::Percent| f64::from(p.get());
        set(
            &mut self.alert_rules,
            "kubo_repo_usage",
            pct(t.repo_used_percent.warning),
            pct(t.repo_used_percent.critical),
        );
        // "fewer than N peers": the rule fires below its threshold.
        set(
            &mut self.alert_rules,
            "kubo_peers_low",
            f64::from(t.min_peers.warning),
            f64::from(t.min_peers.critical),
        );
        // "N or more pin errors": the rule is `> threshold`, so one less.
        set(
            &mut self.alert_rules,
            "cluster_pin_error",
            f64::from(t.pin_errors.warning) - 1.0,
            f64::from(t.pin_errors.critical) - 1.0,
        );
        set(
            &mut self.alert_rules,
            "cluster_peers_missing",
            f64::from(t.cluster_peers_down.warning) - 1.0,
            f64::from(t.cluster_peers_down.critical) - 1.0,
        );
        set(
            &mut self.alert_rules,
            "host_disk_free",
            pct(t.disk_free_percent.warning),
            pct(t.disk_free_percent.critical),
        );
        set(
            &mut self.alert_rules,
            "host_cpu",
            pct(t.cpu_percent.warning),
            pct(t.cpu_percent.critical),
        );
        set(
            &mut self.alert_rules,
            "host_memory",
            pct(t.memory_percent.warning),
            pct(t.memory_percent.critical),
        );

        self.history = m.outputs.history_retention.get();
        self.snapshot_file = m
            .outputs
            .snapshot_file
            .as_ref()
            .map(|p| p.as_path().to_path_buf());
        self.log_level = m.outputs.log_level.to_string();
        self
    }
}

/// The repos the supervisor runs: those `[supervisor]` names, else Kubo's and Cluster's own
/// convention (`IPFS_PATH`, `IPFS_CLUSTER_PATH`), else the embedded node under the state dir
/// (filled in by the supervisor's spec).
fn supervised_repos(mut s: SupervisorSection, env: &dyn Env) -> SupervisorSection {
    let dir = |var: &str| env.var(var).filter(|v| !v.is_empty()).map(PathBuf::from);
    s.kubo_repo = s.kubo_repo.or_else(|| dir("IPFS_PATH"));
    s.cluster_dir = s.cluster_dir.or_else(|| dir("IPFS_CLUSTER_PATH"));
    s
}

/// Kubo's own discovery order: `$IPFS_PATH/api`, `~/.ipfs/api`, then the default port.
fn discover_kubo(env: &dyn Env) -> (Endpoint, Origin) {
    let mut candidates = Vec::new();
    if let Some(p) = env.var("IPFS_PATH") {
        candidates.push(PathBuf::from(p).join("api"));
    }
    if let Some(h) = env.var("HOME") {
        candidates.push(PathBuf::from(h).join(".ipfs/api"));
    }
    for api_file in candidates {
        if let Ok(text) = std::fs::read_to_string(&api_file)
            && let Ok(ep) = text.parse::<Endpoint>()
        {
            return (ep, Origin::ApiFile(api_file));
        }
    }
    (parse_default(DEFAULT_KUBO_API), Origin::Default)
}

#[cfg(test)]
mod tests;

/// An environment made of given variables, for unit tests here and elsewhere in the crate.
#[cfg(test)]
pub(crate) mod test_env {
    use std::collections::HashMap;

    pub struct FakeEnv(HashMap<&'static str, String>);

    impl super::Env for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
    }

    pub fn env(pairs: &[(&'static str, &str)]) -> FakeEnv {
        FakeEnv(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
    }
}
