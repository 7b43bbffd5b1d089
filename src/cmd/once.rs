//! `--once`: one collection pass printed as JSON or a short summary; the exit code is the
//! health status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

use std::io::Write;

use std::time::Duration;

use anyhow::Context as _;

use crate::collector::collect_once;
use crate::config::Config;
use crate::embedded;
use crate::format::{bytes, rate, short_id};
use crate::locate::{Located, locate};
use crate::model::{Snapshot, SourceState, SourceStatus};
use crate::supervisor::LaunchError;
use crate::supervisor::lock::{Mode, StateLock};
use crate::supervisor::watch::watching;
use crate::term;

/// `--once` / `snapshot`: the running daemon's newest snapshot (found through `<state>/api`
/// or `--connect`), else one collection pass; printed; the exit code is the health status.
pub async fn run(
    cfg: &mut Config,
    json: bool,
    deadline: Duration,
    connect: Option<&str>,
    token: Option<&str>,
) -> anyhow::Result<u8> {
    let attached = match crate::api::client::attach(cfg, connect, token).await {
        Ok(Some(remote)) => match remote.snapshot().await {
            Ok(snap) => Some(snap),
            Err(e) => {
                crate::say!("ipfs-kit: {e}; collecting here instead");
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            crate::say!("ipfs-kit: {e}; collecting here instead");
            None
        }
    };
    let snap = match attached {
        Some(snap) => std::sync::Arc::new(snap),
        None => {
            locate(cfg).await;
            collect_once(cfg, deadline).await
        }
    };
    // One write for the document, not one per line (stdout is line-buffered).
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        write_json(&snap, &mut out).context("cannot write to stdout")?;
    } else {
        write_summary(&snap, &mut out).context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(snap.health.status.exit_code() as u8)
}

/// No arguments: the configured or running node, else the embedded one (started for this run
/// and stopped after it until the dashboard and supervisor keep it).
pub async fn embedded_default(cfg: &mut Config, deadline: Duration) -> anyhow::Result<u8> {
    // A terminal the dashboard cannot draw on (TERM=dumb) gets this summary: say why.
    if let Some(why) = crate::tui::summary_notice() {
        crate::say!("ipfs-kit: {why}");
    }
    if locate(cfg).await != Located::NotFound {
        let snap = collect_once(cfg, deadline).await;
        let mut out = std::io::stdout().lock();
        write_summary(&snap, &mut out).context("cannot write to stdout")?;
        return Ok(snap.health.status.exit_code() as u8);
    }

    // Another ipfs-kit supervises the node (and may be restarting it): look, never start.
    let lock = match StateLock::acquire(&cfg.state_dir, Mode::Command) {
        Ok(lock) => lock,
        Err(LaunchError::Supervised { holder, .. }) => {
            crate::say!("ipfs-kit: {}", watching(holder.as_ref()));
            let snap = collect_once(cfg, deadline).await;
            let mut out = std::io::stdout().lock();
            write_summary(&snap, &mut out).context("cannot write to stdout")?;
            return Ok(snap.health.status.exit_code() as u8);
        }
        Err(e) => return Err(e.into()),
    };
    let node = embedded::start_for(cfg).await?;
    let snap = collect_once(cfg, deadline).await;
    {
        let mut out = std::io::stdout().lock();
        write_summary(&snap, &mut out).context("cannot write to stdout")?;
    }
    embedded::stop_reporting(node).await;
    drop(lock);
    Ok(snap.health.status.exit_code() as u8)
}

/// Writes the snapshot as one pretty JSON document followed by a newline.
pub fn write_json(snap: &Snapshot, out: &mut dyn Write) -> std::io::Result<()> {
    term::json::write_pretty(out, snap)?;
    writeln!(out)
}

/// The short human summary: one line for health, one per source. Every line goes through
/// [`term::line`]: errors, peer names and versions come from the servers.
pub fn write_summary(snap: &Snapshot, out: &mut dyn Write) -> std::io::Result<()> {
    let h = &snap.health;
    let score = h.score.map_or("-".to_string(), |s| s.to_string());
    term::line(
        out,
        format_args!(
            "ipfs-kit  {}  health {} (score {score})",
            snap.time.format("%Y-%m-%d %H:%M:%S UTC"),
            h.status.as_str()
        ),
    )?;

    let mut line = head(snap, &snap.kubo);
    if let Some(k) = &snap.kubo.data {
        line.push_str(&format!(
            "  {}  {}",
            short_id(&k.peer_id),
            k.agent_version.trim_end_matches('/')
        ));
        if let Some(p) = k.peers {
            line.push_str(&format!("  peers {p}"));
        }
        if let Some(p) = k.recursive_pins {
            line.push_str(&format!("  pins {p}"));
        }
        if let Some(r) = &k.repo {
            match (r.storage_max_bytes, r.usage_ratio) {
                (Some(max), Some(ratio)) => line.push_str(&format!(
                    "  repo {} of {} ({:.1}%)",
                    bytes(r.size_bytes),
                    bytes(max),
                    ratio * 100.0
                )),
                _ => line.push_str(&format!("  repo {}", bytes(r.size_bytes))),
            }
        }
        if let Some(b) = &k.bandwidth {
            line.push_str(&format!(
                "  bw in {} out {}",
                rate(b.rate_in_bytes_per_sec),
                rate(b.rate_out_bytes_per_sec)
            ));
        }
    }
    term::line(out, format_args!("{line}"))?;

    if snap.cluster.state != SourceState::Disabled {
        let mut line = head(snap, &snap.cluster);
        if let Some(c) = &snap.cluster.data {
            line.push_str(&format!(
                "  {} ({})  v{}  peers {}  pins {}",
                short_id(&c.peer_id),
                c.peer_name,
                c.version,
                c.peer_count,
                c.pin_count
            ));
            if let Some(st) = &c.pin_status {
                let parts: Vec<String> = st.iter().map(|(k, v)| format!("{k} {v}")).collect();
                if !parts.is_empty() {
                    line.push_str(&format!(" ({})", parts.join(", ")));
                }
            }
            line.push_str(&format!("  alerts {}", c.alerts.len()));
        }
        term::line(out, format_args!("{line}"))?;
    }

    let mut line = head(snap, &snap.host);
    if let Some(d) = &snap.host.data {
        line.push_str(&format!(
            "  cpu {:.1}% of {} cores  mem {} / {}  load {:.2} {:.2} {:.2}  net rx {} tx {}",
            d.cpu_percent,
            d.cpu_per_core.len(),
            bytes(d.memory_used_bytes),
            bytes(d.memory_total_bytes),
            d.load_average[0],
            d.load_average[1],
            d.load_average[2],
            rate(d.net_rx_bytes_per_sec),
            rate(d.net_tx_bytes_per_sec),
        ));
    }
    term::line(out, format_args!("{line}"))?;

    for r in &h.reasons {
        term::line(out, format_args!("  ! {r}"))?;
    }
    Ok(())
}

/// Name, condition word (the dashboard header's: health after alerts), endpoint, error.
fn head<T>(snap: &Snapshot, s: &SourceStatus<T>) -> String {
    let word = snap.source_condition(&s.name).word;
    let mut line = format!("{:<8} {word:<8}", s.name);
    if let Some(ep) = &s.endpoint {
        line.push_str(&format!(" {ep}"));
    }
    if let Some(e) = &s.error {
        line.push_str(&format!("  error: {e}"));
    }
    line
}
