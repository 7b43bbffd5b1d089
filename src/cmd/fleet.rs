//! `ipfs-kit fleet [--json]`: one line per fleet node (`[[fleet.nodes]]` and `--connect`
//! repeated), asked all at once with one deadline, for scripts and cron. Exit code: the
//! worst node's (a node that does not answer counts as CRITICAL).

use std::time::Duration;

use chrono::Utc;

use crate::config::{Config, Secret};
use crate::fleet::{FleetNode, FleetRow, FleetSort, Reach};
use crate::model::Status;

/// Nothing to ask: a usage error, as main's.
const EX_USAGE: u8 = 64;

pub async fn run(
    cfg: &Config,
    connect: &[String],
    token: Option<&str>,
    json: bool,
    timeout: Duration,
) -> anyhow::Result<u8> {
    let nodes = crate::fleet::config::fleet(&cfg.fleet, connect);
    // A single --connect is a fleet of one here.
    let nodes = if nodes.is_empty() {
        crate::fleet::config::from_connect(connect)
    } else {
        nodes
    };
    if nodes.is_empty() {
        crate::say!(
            "ipfs-kit fleet: no fleet nodes; list them as [[fleet.nodes]] (name, url, token or token_env) in {}, or give --connect URL for each",
            cfg.file
                .as_ref()
                .map_or("the config file".to_string(), |p| p.display().to_string())
        );
        return Ok(EX_USAGE);
    }
    let default_token = crate::api::client::default_token(cfg, token);
    let rows = ask_all(&nodes, default_token, timeout).await;
    let worst = rows.iter().map(row_status).max().unwrap_or(Status::Ok);
    if json {
        let doc = serde_json::json!({ "time": Utc::now(), "nodes": rows });
        let _ = crate::term::json::write_pretty(&mut std::io::stdout().lock(), &doc);
    } else {
        print_table(&rows);
    }
    Ok(worst.exit_code() as u8)
}

/// Every node's row, asked concurrently; one that does not answer by `timeout` is down.
pub async fn ask_all(
    nodes: &[FleetNode],
    default_token: Option<Secret>,
    timeout: Duration,
) -> Vec<FleetRow> {
    let default_token = default_token.as_ref();
    let asks = nodes.iter().map(|n| async move {
        let down = |e: String| FleetRow::unseen(&n.name, &n.url, Reach::Down, Some(e));
        let remote = match n.remote(default_token) {
            Ok(r) => r,
            Err(e) => return down(e),
        };
        match tokio::time::timeout(timeout, remote.snapshot()).await {
            Ok(Ok(s)) => FleetRow::from_snapshot(&n.name, &n.url, &s, Utc::now()),
            Ok(Err(e)) => down(e),
            Err(_) => down(format!(
                "no answer within {}",
                humantime::format_duration(timeout)
            )),
        }
    });
    futures_util::future::join_all(asks).await
}

fn row_status(r: &FleetRow) -> Status {
    match r.state {
        Reach::Up => r.status.unwrap_or(Status::Unknown),
        Reach::Down | Reach::Connecting => Status::Critical,
    }
}

fn print_table(rows: &[FleetRow]) {
    let mut sorted: Vec<&FleetRow> = rows.iter().collect();
    FleetSort::Name.sort(&mut sorted);
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |n| n.to_string());
    crate::show!(
        "{:<16} {:<6} {:<10} {:>5} {:<8} {:<8} {:>5} {:>7} {:>12} {:>6}",
        "NODE",
        "STATE",
        "HEALTH",
        "SCORE",
        "KUBO",
        "CLUSTER",
        "PEERS",
        "PINS",
        "REPO",
        "ALERTS"
    );
    for r in sorted {
        crate::show!(
            "{:<16} {:<6} {:<10} {:>5} {:<8} {:<8} {:>5} {:>7} {:>12} {:>6}",
            r.name,
            r.state.as_str(),
            r.health.map_or("-", |h| h.as_str()),
            r.score.map_or("-".into(), |s| s.to_string()),
            r.kubo.map_or("-", |s| s.as_str()),
            r.cluster.map_or("-", |s| s.as_str()),
            opt(r.peers),
            opt(r.pins.or(r.cluster_pins)),
            r.repo_text(),
            r.alerts_firing
        );
        if let Some(e) = &r.error {
            crate::show!("  {}: {e}", r.name);
        }
    }
}
