//! `dashboard operations [--status S] [--hours N] [--limit N]`: the operation history,
//! newest first, and how many of the matching entries ended each way (all of them, not just
//! the ones shown, as the original's operation-history widget counts).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{out, print_json};
use crate::config::Config;
use crate::ophistory::{self, OpEntry, OpStatus};

#[derive(Serialize, Default)]
struct Counts {
    ok: usize,
    failed: usize,
    running: usize,
}

#[derive(Serialize)]
struct Filter<'a> {
    status: Option<&'a str>,
    hours: Option<u32>,
    since: Option<DateTime<Utc>>,
    limit: usize,
}

#[derive(Serialize)]
struct Operations<'a> {
    schema_version: u32,
    filter: Filter<'a>,
    /// Entries that match, before --limit.
    matched: usize,
    counts: Counts,
    operations: &'a [OpEntry],
}

pub fn run(
    cfg: &Config,
    status: Option<&str>,
    hours: Option<u32>,
    limit: usize,
    json: bool,
    mut w: &mut (dyn std::io::Write + Send),
) -> anyhow::Result<u8> {
    // clap allowed only the three words.
    let st: Option<OpStatus> = status
        .map(str::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let since = hours.map(|h| Utc::now() - chrono::Duration::hours(i64::from(h)));
    let filter = ophistory::Filter {
        status: st,
        since,
        limit: None,
    };
    let result = ophistory::query(&cfg.state_dir, &filter)?;
    for w in &result.warnings {
        crate::say!("ipfs-kit: history: {w}");
    }
    let mut counts = Counts::default();
    for e in &result.entries {
        match e.status {
            OpStatus::Ok => counts.ok += 1,
            OpStatus::Failed => counts.failed += 1,
            OpStatus::Running => counts.running += 1,
        }
    }
    let shown = &result.entries[..limit.min(result.entries.len())];
    if json {
        return print_json(
            w,
            &Operations {
                schema_version: 1,
                filter: Filter {
                    status,
                    hours,
                    since,
                    limit,
                },
                matched: result.entries.len(),
                counts,
                operations: shown,
            },
        );
    }
    out!(
        &mut w,
        "{} operations ({} ok, {} failed, {} running){}",
        result.entries.len(),
        counts.ok,
        counts.failed,
        counts.running,
        if shown.len() < result.entries.len() {
            format!("; the newest {} shown", shown.len())
        } else {
            String::new()
        }
    );
    for e in shown {
        let took = e
            .duration_ms
            .map_or("-".to_string(), |ms| format!("{:.1}s", ms as f64 / 1000.0));
        out!(
            &mut w,
            "{}  {:<7} {:<22} {:<24} {:>7}  {}",
            e.timestamp
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S"),
            e.status.as_str(),
            e.action,
            e.resource.as_deref().unwrap_or("-"),
            took,
            e.user_id
        );
    }
    Ok(0)
}
