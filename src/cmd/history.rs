//! `ipfs-kit history`: the operation history, newest first.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::ophistory::{self, OpStatus};
use crate::term;

/// The filters of `ipfs-kit history`.
pub struct Query {
    pub status: Option<OpStatus>,
    pub since: Option<DateTime<Utc>>,
    pub limit: usize,
    pub json: bool,
}

/// `ipfs-kit history`: the operation history, newest first: the running daemon's (found
/// through `<state>/api`, or `--connect`), else read from the state dir here.
pub async fn run(
    cfg: &Config,
    q: &Query,
    connect: Option<&str>,
    token: Option<&str>,
) -> anyhow::Result<u8> {
    // Both were checked by clap's value parsers (cli.rs), so a bad value exits 64 there.
    let filter = ophistory::Filter {
        status: q.status,
        since: q.since,
        limit: Some(q.limit),
    };
    let remote = match crate::api::client::attach(cfg, connect, token).await {
        Ok(Some(remote)) => match remote.history(&filter).await {
            Ok(doc) => Some((doc.entries, doc.warnings)),
            Err(e) => {
                crate::say!("ipfs-kit: {e}; reading the history here instead");
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            crate::say!("ipfs-kit: {e}; reading the history here instead");
            None
        }
    };
    let (entries, warnings) = match remote {
        Some(got) => got,
        None => {
            let r = ophistory::query(&cfg.state_dir, &filter)?;
            let warnings = r.warnings.iter().map(ToString::to_string).collect();
            (r.entries, warnings)
        }
    };
    for w in &warnings {
        crate::say!("ipfs-kit: history: {w}");
    }
    print(&entries, q.json)
}

fn print(entries: &[ophistory::OpEntry], json: bool) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    for e in entries {
        if json {
            term::json::write_compact(&mut out, e)?;
            writeln!(out)?;
            continue;
        }
        let took = e
            .duration_ms
            .map_or("-".to_string(), |ms| format!("{:.1}s", ms as f64 / 1000.0));
        let detail = e
            .details
            .get("error")
            .or_else(|| e.details.get("message"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        term::line(
            &mut out,
            format_args!(
                "{}  {:<7} {:<22} {:<10} {:>7}  {}  {}",
                e.timestamp
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S"),
                e.status.as_str(),
                e.action,
                e.resource.as_deref().unwrap_or("-"),
                took,
                e.user_id,
                detail
            ),
        )?;
    }
    Ok(0)
}
