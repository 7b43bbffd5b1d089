//! `ipfs-kit history`: the operation history, newest first.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::ophistory::{self, OpStatus};
use crate::term;

/// `ipfs-kit history`: the operation history, newest first.
pub fn run(
    cfg: &Config,
    status: Option<OpStatus>,
    since: Option<DateTime<Utc>>,
    limit: usize,
    json: bool,
) -> anyhow::Result<u8> {
    // Both were checked by clap's value parsers (cli.rs), so a bad value exits 64 there.
    let filter = ophistory::Filter {
        status,
        since,
        limit: Some(limit),
    };
    let result = ophistory::query(&cfg.state_dir, &filter)?;
    for w in &result.warnings {
        crate::say!("ipfs-kit: history: {w}");
    }
    let mut out = std::io::stdout().lock();
    for e in &result.entries {
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
