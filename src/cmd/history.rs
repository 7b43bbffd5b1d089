//! `ipfs-kit history`: the operation history, newest first.

use std::io::Write;

use chrono::Utc;

use crate::config::Config;
use crate::ophistory::{self, OpStatus};

/// `ipfs-kit history`: the operation history, newest first.
pub fn run(
    cfg: &Config,
    status: Option<&str>,
    since: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<u8> {
    let now = Utc::now();
    let filter = ophistory::Filter {
        status: status
            .map(|s| s.parse::<OpStatus>())
            .transpose()
            .map_err(|e| anyhow::anyhow!("--status: {e}"))?,
        since: since
            .map(|s| ophistory::parse_since(s, now))
            .transpose()
            .map_err(|e| anyhow::anyhow!("--since: {e}"))?,
        limit: Some(limit),
    };
    let result = ophistory::query(&cfg.state_dir, &filter)?;
    for w in &result.warnings {
        eprintln!(
            "ipfs-kit: history: skipped {}:{}: {}",
            w.file.display(),
            w.line,
            w.message
        );
    }
    let mut out = std::io::stdout().lock();
    for e in &result.entries {
        if json {
            serde_json::to_writer(&mut out, e)?;
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
        writeln!(
            out,
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
        )?;
    }
    Ok(0)
}
