//! Which node a run watches — one answer for every mode (the dashboard, `--once`, the
//! no-terminal summary, `pin`). An endpoint the user configured is used as given. A
//! discovered one (Kubo's own order: `$IPFS_PATH/api`, `~/.ipfs/api`, `:5001`) is used when
//! it answers, except that the node ipfs-kit supervises (the repos `[supervisor]` or
//! `IPFS_PATH` / `IPFS_CLUSTER_PATH` name, else the embedded one under the state dir) comes
//! before the bare default port when it runs. Only the dashboard and the no-terminal summary go on to start the embedded node.

use std::path::Path;
use std::time::Duration;

use reqwest::Method;

use crate::config::{Config, Endpoint, Origin};
use crate::sources::http::{ApiError, HttpApi};
use crate::supervisor::cluster::ClusterDir;
use crate::supervisor::spec::{Kind, SupervisorConfig};

/// A loopback Kubo answers `id` in a few milliseconds and refuses at once when down; this
/// only bounds a remote or hung one.
const PROBE_TIMEOUT: Duration = Duration::from_millis(1500);

/// What `locate` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    /// The user named the endpoint (flag, env, config file): watched whether it answers or not.
    Configured,
    /// The discovered endpoint answers.
    Discovered,
    /// The discovered endpoint does not answer, but the supervised node does: `cfg` now
    /// points at it (Kubo from its repo's `api` file, Cluster from its service.json).
    Supervised,
    /// Nothing answers; `cfg` still points at the discovered endpoint.
    NotFound,
}

/// Points `cfg` at the node to watch (see the module doc). An `api` file is evidence of a
/// node, the default port only a guess: the supervised node's `api` file is tried before it.
pub async fn locate(cfg: &mut Config) -> Located {
    let from_api_file = match &cfg.kubo.api.origin {
        Origin::ApiFile(_) => true,
        Origin::Default => false,
        _ => return Located::Configured,
    };
    if from_api_file && answers(&cfg.kubo.api.endpoint, cfg).await {
        return Located::Discovered;
    }
    if let Some((kubo, cluster)) = supervised_node(cfg)
        && kubo != cfg.kubo.api.endpoint
        && answers(&kubo, cfg).await
    {
        point_at(cfg, kubo, cluster);
        return Located::Supervised;
    }
    if !from_api_file && answers(&cfg.kubo.api.endpoint, cfg).await {
        return Located::Discovered;
    }
    Located::NotFound
}

/// Watches the supervised (or embedded) node: its Kubo, and its Cluster unless the user
/// configured another. That Cluster is part of the node, so its being down is an alert.
pub fn point_at(cfg: &mut Config, kubo: Endpoint, cluster: Option<Endpoint>) {
    cfg.kubo.api.endpoint = kubo;
    cfg.kubo.api.origin = Origin::Embedded;
    if let Some(c) = cluster.filter(|_| cfg.cluster.api.origin == Origin::Default) {
        cfg.cluster.api.endpoint = c;
        cfg.cluster.api.origin = Origin::Embedded;
        cfg.cluster.required = cfg.cluster.enabled;
    }
}

/// The supervised Kubo's API (from the `api` file it writes while it runs) and its Cluster's
/// REST API (from service.json), read from the files alone.
fn supervised_node(cfg: &Config) -> Option<(Endpoint, Option<Endpoint>)> {
    let sc = SupervisorConfig::from_config(cfg);
    let dir_of = |kind: fn(&Kind) -> bool| {
        sc.daemons
            .iter()
            .find(|d| kind(&d.kind))
            .map(|d| d.dir.clone())
    };
    let kubo_dir = dir_of(|k| matches!(k, Kind::Kubo))?;
    let kubo = std::fs::read_to_string(kubo_dir.join("api"))
        .ok()?
        .parse::<Endpoint>()
        .ok()?;
    let cluster = dir_of(|k| matches!(k, Kind::Cluster)).and_then(|d| {
        // Only service.json is read: the binary's path does not matter here.
        ClusterDir::new(Path::new("ipfs-cluster-service"), &d)
            .rest_api()
            .ok()
    });
    Some((kubo, cluster))
}

/// Whether a Kubo RPC API answers `id` (403 counts: it is up but wants credentials).
async fn answers(ep: &Endpoint, cfg: &Config) -> bool {
    let Ok(api) = HttpApi::new(ep, cfg.kubo.api.auth.clone(), PROBE_TIMEOUT) else {
        return false;
    };
    match api.send(Method::POST, "api/v0/id", &[]).await {
        Ok(_) | Err(ApiError::Denied { .. }) => true,
        Err(_) => false,
    }
}
