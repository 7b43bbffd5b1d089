//! `dashboard status [--json]`: the status summary; exits with the health status.

use super::{SnapshotArgs, obtain, out};
use crate::config::Config;
use crate::dashboard::status::summary;
use crate::term;

pub async fn run(
    cfg: &Config,
    snap_args: &SnapshotArgs,
    json: bool,
    mut w: &mut (dyn std::io::Write + Send),
) -> anyhow::Result<u8> {
    // The summary reads no ring.
    let got = obtain(cfg, snap_args, false).await?;
    let s = summary(&got.snap);
    let code = u8::try_from(s.status.exit_code()).unwrap_or(3);
    if json {
        let mut doc = serde_json::to_value(&s)?;
        if let Some(o) = doc.as_object_mut() {
            o.insert("origin".into(), serde_json::to_value(&got.origin)?);
        }
        term::json::write_pretty(&mut w, &doc)?;
        std::io::Write::write_all(&mut w, b"\n")?;
        return Ok(code);
    }
    let score = s.score.map_or("-".to_string(), |v| v.to_string());
    out!(
        &mut w,
        "{} score {score} ({:?}) at {}",
        s.status.as_str(),
        s.level,
        s.snapshot_time.format("%Y-%m-%d %H:%M:%S UTC")
    );
    for (name, src) in &s.sources {
        let score = src.score.map_or("-".to_string(), |v| v.to_string());
        out!(&mut w, "  {name:<20} {:<10} score {score}", src.word);
        for r in &src.reasons {
            out!(&mut w, "      {r}");
        }
    }
    out!(
        &mut w,
        "  alerts: {} critical, {} warning firing; {} pending",
        s.alerts.critical,
        s.alerts.warning,
        s.alerts.pending
    );
    for d in &s.daemons {
        out!(
            &mut w,
            "  daemon {:<12} {:<12} restarts {}",
            d.name,
            d.state.as_str(),
            d.restarts
        );
    }
    Ok(code)
}
