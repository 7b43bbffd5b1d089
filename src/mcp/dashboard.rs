//! The dashboard tools: `ipfs-kit dashboard … --json`, the same documents.

use rmcp::model::CallToolResult;
use schemars::JsonSchema;
use serde::Deserialize;

use super::context::{Call, document, flag, parse};
use super::output;
use super::tool::{Hints, NoArgs, ToolDef};
use crate::cmd::dashboard::{self, DashboardAction};

async fn run(call: &Call, argv: Vec<String>) -> CallToolResult {
    let mut action: DashboardAction = match parse(&argv) {
        Ok(a) => a,
        Err(e) => return output::fail(e),
    };
    let snap = match &mut action {
        DashboardAction::WidgetData { snapshot, .. }
        | DashboardAction::Chart { snapshot, .. }
        | DashboardAction::Status { snapshot, .. } => Some(snapshot),
        _ => None,
    };
    let reads_snapshot = snap.is_some();
    if let Some(s) = snap {
        s.remote = call.remote().await;
        if s.remote.is_none() && s.snapshot.is_none() {
            s.local = call.local().await;
        }
    }
    let mut buf = Vec::new();
    let r = dashboard::run_to(call.cfg(), &action, &mut buf).await;
    // Read without the daemon (it went away, or never ran): look for it again next time.
    if reads_snapshot
        && serde_json::from_slice::<serde_json::Value>(&buf)
            .map_or(true, |v| v["origin"]["from"] != "daemon")
    {
        call.forget_remote().await;
    }
    // `status` exits with the health status; the document is the answer either way.
    document(r.map(|_| 0), &buf)
}

fn args(sub: &str) -> Vec<String> {
    vec![sub.to_string()]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fresh {
    /// Collect now even when a fresh snapshot file exists (a running daemon's snapshot is
    /// used regardless).
    #[serde(default)]
    pub refresh: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetData {
    /// A widget id from dashboard_list_widgets, e.g. overview.health.
    pub widget_id: String,
    /// Columns sparklines are resampled to (1-2000; default 60).
    pub columns: Option<u16>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartData {
    /// line, scatter, bar, pie or heatmap.
    pub chart_type: String,
    /// What to chart, e.g. kubo.peers (an unknown one is answered with the valid ones).
    pub metric: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operations {
    /// ok, failed or running.
    pub status: Option<String>,
    /// Only the last N hours.
    pub hours: Option<u32>,
    /// At most N entries, newest first (default 50, at most 1000; the counts cover all).
    pub limit: Option<usize>,
}

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            "dashboard_get_status_summary",
            "Health status (OK/WARNING/CRITICAL/UNKNOWN), score and level per source, alert counts and daemons: `ipfs-kit dashboard status --json`.",
            Hints::READ,
            |call, p: Fresh| async move {
                let mut a = args("status");
                a.push("--json".into());
                if p.refresh {
                    a.push("--refresh".into());
                }
                run(&call, a).await
            },
        ),
        ToolDef::new(
            "dashboard_list_widgets",
            "The dashboard's widgets by stable id, kind and tab (ids for dashboard_get_widget_data).",
            Hints::READ,
            |call, _: NoArgs| async move { run(&call, vec!["widgets".into(), "--json".into()]).await },
        ),
        ToolDef::new(
            "dashboard_get_widget_data",
            "One widget's data: the view its tab draws, built by the same converter from the current snapshot.",
            Hints::READ,
            |call, p: WidgetData| async move {
                let mut a = vec![
                    "widget-data".into(),
                    "--json".into(),
                    "--widget-id".into(),
                    p.widget_id,
                ];
                flag(&mut a, "--columns", p.columns);
                run(&call, a).await
            },
        ),
        ToolDef::new(
            "dashboard_get_chart_data",
            "A metric as chart data: line and scatter from the history rings, bar and pie from current values, heatmap by hour and day.",
            Hints::READ,
            |call, p: ChartData| async move {
                run(
                    &call,
                    vec![
                        "chart".into(),
                        "--type".into(),
                        p.chart_type,
                        "--metric".into(),
                        p.metric,
                    ],
                )
                .await
            },
        ),
        ToolDef::new(
            "dashboard_get_operations_history",
            "The operation history (every action, who asked, how it ended), newest first, with counts per status.",
            Hints::READ,
            |call, p: Operations| async move {
                let limit = match output::limit(p.limit, 50) {
                    Ok(n) => n,
                    Err(e) => return e,
                };
                let mut a = vec!["operations".into(), "--json".into()];
                flag(&mut a, "--status", p.status);
                flag(&mut a, "--hours", p.hours);
                flag(&mut a, "--limit", Some(limit));
                run(&call, a).await
            },
        ),
        ToolDef::new(
            "dashboard_list_wizards",
            "The setup wizards (backend, vfs, monitoring) and their templates.",
            Hints::READ,
            |call, _: NoArgs| async move {
                run(&call, vec!["list-wizards".into(), "--json".into()]).await
            },
        ),
        ToolDef::new(
            "dashboard_run_wizard",
            "Runs a setup wizard non-interactively from a template and answers: a dry run returning the config diff unless apply is true.",
            Hints::action(false, true),
            |call, p: Wizard| async move { wizard(&call, p).await },
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wizard {
    /// backend, vfs or monitoring (backend_setup, vfs_config, monitoring_setup too).
    pub wizard_id: String,
    /// A template of that wizard (dashboard_list_wizards lists them).
    pub template: String,
    /// Answers over the template's, as key → value (e.g. {"bucket": "archive"}).
    #[serde(default)]
    pub answers: std::collections::BTreeMap<String, String>,
    /// Write the change to config.toml (atomically; secrets to credentials.toml, 0600).
    /// Without it (the default) nothing is written: a dry run returning the diff.
    #[serde(default)]
    pub apply: bool,
}

/// `dashboard wizard`: the diff it would apply (or applied), recorded as the client.
pub async fn wizard(call: &Call, p: Wizard) -> CallToolResult {
    let sets: Vec<String> = p.answers.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let ops = call.ctx.ops.as_ref().map(|o| o.as_user(&call.who()));
    let mut diff = Vec::new();
    match dashboard::run_wizard(
        call.cfg(),
        &p.wizard_id,
        &p.template,
        &sets,
        p.apply,
        ops.as_ref(),
        &mut diff,
    ) {
        Ok(0) => output::ok(&serde_json::json!({
            "wizard_id": p.wizard_id,
            "template": p.template,
            "applied": p.apply,
            "diff": String::from_utf8_lossy(&diff),
        })),
        Ok(code) => output::fail(format!(
            "the wizard refused the answers (exit {code}); dashboard_list_wizards shows the templates, the log file the problems"
        )),
        Err(e) => output::fail(format!("{e:#}")),
    }
}
