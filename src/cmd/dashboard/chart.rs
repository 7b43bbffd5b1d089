//! `dashboard chart --type T --metric M [--format json|csv]`.

use std::io::Write;

use super::{ChartFormat, SnapshotArgs, obtain, print_json};
use crate::cmd::UsageError;
use crate::config::Config;
use crate::dashboard::charts::{self, ChartType};
use crate::dashboard::source;
use crate::tui::analysis::AuditQuery;

pub async fn run(
    cfg: &Config,
    t: ChartType,
    metric: &str,
    format: ChartFormat,
    snap_args: &SnapshotArgs,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<u8> {
    let valid = || charts::ids_for(t).join(", ");
    let Some(m) = charts::find(metric) else {
        return Err(UsageError::new(
            "--metric",
            metric,
            format!(
                "no such metric; a {} chart shows one of {}",
                t.as_str(),
                valid()
            ),
        )
        .into());
    };
    if !m.types().contains(&t) {
        let types: Vec<&str> = m.types().iter().map(|t| t.as_str()).collect();
        return Err(UsageError::new(
            "--metric",
            metric,
            format!(
                "cannot be drawn as a {} chart (it can as {}); a {} chart shows one of {}",
                t.as_str(),
                types.join(" or "),
                t.as_str(),
                valid()
            ),
        )
        .into());
    }
    let got = obtain(cfg, snap_args, true).await?;
    let mut model = source::model(cfg, (*got.snap).clone(), false);
    if m.needs_analysis() {
        model.analysis.query = AuditQuery::default();
        source::load(cfg, &mut model, crate::dashboard::registry::Needs::Analysis).await?;
    }
    let Some(chart) = charts::build(&model, m, t) else {
        unreachable!("the type was checked above")
    };
    match format {
        ChartFormat::Json => print_json(out, &chart),
        // Every field passed the sanitiser in to_csv; the CRLF record ends are RFC 4180's.
        ChartFormat::Csv => {
            let text = charts::to_csv(&chart);
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(0)
        }
    }
}
