//! `ipfs-kit dashboard`: the original design's dashboard CLI — the widgets and their data,
//! charts, the operation history, the wizards and the status — drawn from the dashboard's
//! own code (`crate::dashboard`), so the JSON is what the screen shows. Human output on
//! stdout by default; `--json` is one document. Bad ids and metrics exit 64 naming the
//! valid ones.

mod args;
mod chart;
mod operations;
mod status;
mod widgets;
mod wizard;

pub use args::{ChartFormat, DashboardAction, SnapshotArgs};
pub use wizard::run as run_wizard;

use std::io::Write;

use serde::Serialize;

use crate::config::Config;
use crate::dashboard::source::{self, Obtained, Want};
use crate::term;

pub async fn run(cfg: &Config, action: &DashboardAction) -> anyhow::Result<u8> {
    run_to(cfg, action, &mut std::io::stdout()).await
}

/// `run` with its output into `w`: the MCP tools take the same `--json` documents from here.
pub async fn run_to(
    cfg: &Config,
    action: &DashboardAction,
    w: &mut (dyn Write + Send),
) -> anyhow::Result<u8> {
    match action {
        DashboardAction::Widgets { out } => widgets::list(out.json, w),
        DashboardAction::WidgetData {
            widget_id,
            snapshot,
            columns,
            ascii,
            out,
        } => {
            widgets::data(
                cfg,
                widget_id,
                snapshot,
                usize::from(*columns),
                *ascii,
                out.json,
                w,
            )
            .await
        }
        DashboardAction::Chart {
            chart_type,
            metric,
            format,
            snapshot,
        } => chart::run(cfg, *chart_type, metric, *format, snapshot, w).await,
        DashboardAction::Operations {
            status,
            hours,
            limit,
            out,
        } => operations::run(cfg, status.as_deref(), *hours, *limit, out.json, w),
        DashboardAction::ListWizards { out } => wizard::list(out.json, w),
        DashboardAction::Wizard {
            wizard_id,
            template,
            sets,
            apply,
        } => {
            let ops = crate::cmd::open_history(cfg);
            wizard::run(cfg, wizard_id, template, sets, *apply, ops.as_ref(), w)
        }
        DashboardAction::Status { snapshot, out } => status::run(cfg, snapshot, out.json, w).await,
    }
}

/// The snapshot the flags ask for.
async fn obtain(cfg: &Config, a: &SnapshotArgs, rings: bool) -> anyhow::Result<Obtained> {
    source::obtain(
        cfg,
        &Want {
            refresh: a.refresh,
            file: a.snapshot.clone(),
            timeout: a.timeout,
            skip_rings: !rings,
            remote: a.remote.clone(),
            local: a.local.clone(),
        },
    )
    .await
}

fn print_json(out: &mut (dyn Write + Send), v: &impl Serialize) -> anyhow::Result<u8> {
    term::json::write_pretty(out, v)?;
    writeln!(out)?;
    Ok(0)
}

macro_rules! out {
    ($w:expr, $($arg:tt)*) => { $crate::term::line($w, format_args!($($arg)*))? };
}
pub(crate) use out;
