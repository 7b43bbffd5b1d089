//! `ipfs-kit mcp` driven by rmcp's client over the child-process transport, against the
//! real Kubo + Cluster: the read-only tool set and the full one with --allow-actions; every
//! tool called and its result compared with the CLI's `--json` for the same question; bad
//! input (unknown tool, wrong types, missing arguments, an action on a read-only server, a
//! huge limit) answered clearly with the server still answering; actions recorded in the
//! operation history as asked by the MCP client, locally and through a running daemon.

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, Implementation,
    ReadResourceRequestParams,
};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ServiceError, ServiceExt};
use serde_json::{Value, json};
use support::kit::Kit;
use support::{Harness, runtime};

const CLIENT: &str = "ipfs-kit-test";

type Client = RunningService<RoleClient, ClientConfig>;

async fn connect(mut cmd: Command, args: &[&str]) -> Client {
    cmd.arg("mcp").args(args);
    let transport = TokioChildProcess::new(tokio::process::Command::from(cmd)).expect("spawn");
    ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new(CLIENT, "1.0"),
    )
    .serve(transport)
    .await
    .expect("MCP handshake")
}

async fn names(c: &Client) -> BTreeSet<String> {
    c.list_all_tools()
        .await
        .expect("tools/list")
        .into_iter()
        .map(|t| t.name.to_string())
        .collect()
}

async fn call(c: &Client, name: &str, args: Value) -> Result<CallToolResult, ServiceError> {
    let Value::Object(o) = args else {
        panic!("arguments are an object")
    };
    c.call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(o))
        .await
}

/// A successful call's structured document (an object; other values under "result").
async fn doc(c: &Client, name: &str, args: Value) -> Value {
    let r = call(c, name, args.clone())
        .await
        .unwrap_or_else(|e| panic!("{name} {args}: {e}"));
    assert_ne!(r.is_error, Some(true), "{name} {args}: {:?}", r.content);
    r.structured_content
        .unwrap_or_else(|| panic!("{name}: no structured content"))
}

/// A call answered with isError; its text.
async fn tool_error(c: &Client, name: &str, args: Value) -> String {
    let r = call(c, name, args.clone())
        .await
        .unwrap_or_else(|e| panic!("{name} {args}: a protocol error ({e}), not a tool error"));
    assert_eq!(r.is_error, Some(true), "{name} {args} succeeded: {r:?}");
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A call refused as a protocol error with invalid params (-32602).
async fn invalid_params(c: &Client, name: &str, args: Value) -> String {
    match call(c, name, args.clone()).await {
        Err(ServiceError::McpError(e)) => {
            assert_eq!(e.code.0, -32602, "{name} {args}: {e:?}");
            e.message.to_string()
        }
        other => panic!("{name} {args}: expected invalid params, got {other:?}"),
    }
}

fn cli(mut cmd: Command, args: &[&str]) -> Value {
    let out = cmd.args(args).output().expect("run ipfs-kit");
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "ipfs-kit {args:?}: not JSON ({e}): {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Removes the fields that say when a document was made (two runs differ only there).
fn timeless(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                for k in ["generated_at", "snapshot_time", "time", "taken_at", "since"] {
                    o.remove(k);
                }
                o.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

/// An object's keys, for documents whose figures move between two runs.
fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn unwrap_result(v: Value) -> Value {
    match v {
        Value::Object(mut o) if o.len() == 1 && o.contains_key("result") => {
            o.remove("result").unwrap_or(Value::Null)
        }
        other => other,
    }
}

fn registry_names(read_only: bool) -> BTreeSet<String> {
    ipfs_kit::mcp::registry()
        .iter()
        .filter(|t| !read_only || t.hints.read_only)
        .map(|t| t.name().to_string())
        .collect()
}

fn history(cmd: Command) -> Vec<Value> {
    cli(
        cmd,
        &["dashboard", "operations", "--json", "--limit", "500"],
    )["operations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn every_tool_answers_as_the_cli_does_and_bad_input_is_refused_clearly() {
    let h = Harness::full();
    h.write_config(support::NO_HOST_DISK_ALERT);
    // A real history: a pin through the CLI, a failed one, and a performance baseline.
    let cid = h.add_files(1, "mcp").remove(0);
    let out = h
        .ipfs_kit()
        .args(["pin", "add", &cid])
        .output()
        .expect("pin");
    assert!(out.status.success(), "{out:?}");
    let _ = h.ipfs_kit().args(["pin", "add", "not-a-cid"]).output();
    let ops = history(h.ipfs_kit());
    assert!(ops.len() >= 2, "{ops:?}");
    let event_id = ops[0]["event_id"].as_str().expect("event_id").to_string();
    let operation_id = ops[0]["operation_id"].as_str().expect("op id").to_string();
    let rt = runtime();
    rt.block_on(async {
        let c = connect(h.ipfs_kit(), &[]).await;

        // Read-only by default: exactly the read tools, each with its hints.
        assert_eq!(names(&c).await, registry_names(true));
        for t in c.list_all_tools().await.expect("list") {
            let a = t.annotations.expect("annotations");
            assert_eq!(a.read_only_hint, Some(true), "{}", t.name);
            assert!(a.destructive_hint.is_some() && a.idempotent_hint.is_some());
        }

        // Same documents as the CLI, exactly (but for when they were made).
        let same: Vec<(&str, Value, Vec<&str>)> = vec![
            (
                "dashboard_list_widgets",
                json!({}),
                vec!["dashboard", "widgets", "--json"],
            ),
            (
                "dashboard_list_wizards",
                json!({}),
                vec!["dashboard", "list-wizards", "--json"],
            ),
            (
                "dashboard_get_operations_history",
                json!({"limit": 5, "status": "ok"}),
                vec![
                    "dashboard",
                    "operations",
                    "--json",
                    "--limit",
                    "5",
                    "--status",
                    "ok",
                ],
            ),
            (
                "performance_get_batch_stats",
                json!({}),
                vec!["performance", "batch-stats", "--json"],
            ),
            (
                "performance_get_metrics",
                json!({"timeframe": "24h"}),
                vec!["performance", "metrics", "--json", "--timeframe", "24h"],
            ),
            (
                "audit_analytics_get_patterns",
                json!({}),
                vec!["audit-analytics", "patterns", "--json"],
            ),
            (
                "audit_analytics_detect_anomalies",
                json!({"threshold": 3.0}),
                vec!["audit-analytics", "anomalies", "--json", "--threshold", "3"],
            ),
            (
                "audit_analytics_correlate_events",
                json!({"event_id": event_id, "window": "10m"}),
                vec![
                    "audit-analytics",
                    "correlate",
                    "--json",
                    "--event-id",
                    &event_id,
                    "--window",
                    "10m",
                    "--max-results",
                    "50",
                ],
            ),
            (
                "audit_analytics_reconstruct_timeline",
                json!({"operation_id": operation_id}),
                vec![
                    "audit-analytics",
                    "timeline",
                    "--json",
                    "--operation-id",
                    &operation_id,
                ],
            ),
            (
                "audit_analytics_analyze_causation",
                json!({"event_id": event_id, "max_depth": 5}),
                vec![
                    "audit-analytics",
                    "causation",
                    "--json",
                    "--event-id",
                    &event_id,
                    "--max-depth",
                    "5",
                ],
            ),
            (
                "audit_analytics_assess_impact",
                json!({"event_id": event_id}),
                vec![
                    "audit-analytics",
                    "impact",
                    "--json",
                    "--event-id",
                    &event_id,
                ],
            ),
            (
                "audit_analytics_get_compliance_score",
                json!({}),
                vec![
                    "audit-analytics",
                    "compliance",
                    "--json",
                    "--max-violations",
                    "20",
                ],
            ),
            (
                "audit_analytics_get_statistics",
                json!({"group_by": "action", "limit": 3}),
                vec![
                    "audit-analytics",
                    "stats",
                    "--json",
                    "--group-by",
                    "action",
                    "--top",
                    "3",
                ],
            ),
            (
                "audit_analytics_analyze_trends",
                json!({"metric": "failures", "period": "hourly"}),
                vec![
                    "audit-analytics",
                    "trends",
                    "--json",
                    "--metric",
                    "failures",
                    "--period",
                    "hourly",
                ],
            ),
            (
                "audit_analytics_generate_report",
                json!({"report_type": "activity"}),
                vec!["audit-analytics", "report", "--json", "--type", "activity"],
            ),
        ];
        for (tool, args, argv) in &same {
            let got = unwrap_result(doc(&c, tool, args.clone()).await);
            let want = cli(h.ipfs_kit(), argv);
            assert_eq!(
                timeless(got),
                timeless(want),
                "{tool} against ipfs-kit {argv:?}"
            );
        }
        // The text form of a report is the CLI's text.
        let r = call(
            &c,
            "audit_analytics_generate_report",
            json!({"format": "csv"}),
        )
        .await
        .expect("report");
        let text = r.content[0].as_text().expect("text").text.clone();
        let out = h
            .ipfs_kit()
            .args(["audit-analytics", "report", "--format", "csv"])
            .output()
            .expect("run");
        assert_eq!(
            text.lines().next(),
            String::from_utf8_lossy(&out.stdout).lines().next()
        );

        // Documents drawn from the live node: the same shape and the same answers where
        // they cannot move between two runs.
        let shaped: Vec<(&str, Value, Vec<&str>)> = vec![
            (
                "dashboard_get_status_summary",
                json!({}),
                vec!["dashboard", "status", "--json"],
            ),
            (
                "dashboard_get_widget_data",
                json!({"widget_id": "overview.health"}),
                vec![
                    "dashboard",
                    "widget-data",
                    "--json",
                    "--widget-id",
                    "overview.health",
                ],
            ),
            (
                "dashboard_get_chart_data",
                json!({"chart_type": "bar", "metric": "health.scores"}),
                vec![
                    "dashboard",
                    "chart",
                    "--type",
                    "bar",
                    "--metric",
                    "health.scores",
                ],
            ),
            (
                "performance_get_cache_stats",
                json!({}),
                vec!["performance", "cache-stats", "--json"],
            ),
            (
                "performance_get_bottlenecks",
                json!({"cpu_threshold": 99.0}),
                vec![
                    "performance",
                    "bottlenecks",
                    "--json",
                    "--cpu-threshold",
                    "99",
                ],
            ),
            (
                "performance_get_resource_usage",
                json!({}),
                vec!["performance", "resources", "--json"],
            ),
            (
                "performance_get_monitor_stats",
                json!({}),
                vec!["performance", "monitor-stats", "--json"],
            ),
            (
                "performance_get_summary",
                json!({}),
                vec!["performance", "summary", "--json"],
            ),
            ("node_get_snapshot", json!({}), vec!["snapshot", "--json"]),
        ];
        for (tool, args, argv) in &shaped {
            let got = unwrap_result(doc(&c, tool, args.clone()).await);
            let want = cli(h.ipfs_kit(), argv);
            let mut got_keys = keys(&got);
            if *tool == "node_get_snapshot" {
                // With no daemon the server keeps a collector of its own running: its
                // snapshot has the performance view a one-shot `snapshot` never has.
                assert!(
                    got["performance"].is_object(),
                    "a running collector's: {got}"
                );
                got_keys.remove("performance");
            }
            assert_eq!(got_keys, keys(&want), "{tool} against ipfs-kit {argv:?}");
        }
        let w = doc(
            &c,
            "dashboard_get_widget_data",
            json!({"widget_id": "overview.health"}),
        )
        .await;
        assert_eq!(
            w["widget"],
            cli(h.ipfs_kit(), &["dashboard", "widgets", "--json"])["widgets"]
                .as_array()
                .and_then(|a| a.iter().find(|x| x["id"] == "overview.health"))
                .cloned()
                .unwrap_or_default()
        );
        let snap = doc(&c, "node_get_snapshot", json!({})).await;
        assert_eq!(snap["kubo"]["state"], "ok", "{}", snap["kubo"]);
        assert_eq!(snap["cluster"]["state"], "ok", "{}", snap["cluster"]);
        let cli_snap = cli(h.ipfs_kit(), &["snapshot", "--json"]);
        assert!(
            snap["kubo"]["data"]["peer_id"].is_string(),
            "{}",
            snap["kubo"]
        );
        assert_eq!(
            snap["kubo"]["data"]["peer_id"],
            cli_snap["kubo"]["data"]["peer_id"]
        );
        let d = doc(&c, "daemon_status", json!({})).await;
        assert_eq!(
            d["daemons"].as_array().map(Vec::len),
            cli_snap["daemons"].as_array().map(Vec::len)
        );
        let a = doc(&c, "alerts_list", json!({"limit": 5})).await;
        assert!(
            a["alerts"].is_array() && a["recent_events"].as_array().is_some_and(|e| e.len() <= 5),
            "{a}"
        );

        // Resources: the three, readable without a tool call.
        let res: BTreeSet<String> = c
            .list_all_resources()
            .await
            .expect("resources")
            .into_iter()
            .map(|r| r.uri.clone())
            .collect();
        assert_eq!(
            res,
            [
                "ipfs-kit://alerts",
                "ipfs-kit://operations",
                "ipfs-kit://snapshot"
            ]
            .map(String::from)
            .into()
        );
        let r = c
            .read_resource(ReadResourceRequestParams::new("ipfs-kit://operations"))
            .await
            .expect("read");
        let text = match &r.contents[0] {
            rmcp::model::ResourceContents::TextResourceContents { text, .. } => text.clone(),
            other => panic!("{other:?}"),
        };
        let v: Value = serde_json::from_str(&text).expect("json");
        // The server's own collector records too (source changes): compare with the file now.
        let now = history(h.ipfs_kit());
        assert_eq!(v["operations"][0]["event_id"], now[0]["event_id"]);

        // Bad input: each refused clearly, the server answering after each.
        let m = invalid_params(&c, "no_such_tool", json!({})).await;
        assert!(m.contains("no_such_tool"), "{m}");
        let m = invalid_params(
            &c,
            "dashboard_get_operations_history",
            json!({"limit": "ten"}),
        )
        .await;
        assert!(m.contains("invalid type"), "{m}");
        let m = invalid_params(&c, "dashboard_get_widget_data", json!({})).await;
        assert!(m.contains("missing field `widget_id`"), "{m}");
        let m = invalid_params(&c, "daemon_status", json!({"bogus": 1})).await;
        assert!(m.contains("unknown field"), "{m}");
        let m = tool_error(&c, "pin_add", json!({"cid": cid})).await;
        assert!(m.contains("--allow-actions"), "{m}");
        let m = tool_error(
            &c,
            "dashboard_get_operations_history",
            json!({"limit": 100_000_000}),
        )
        .await;
        assert!(m.contains("at most 1000"), "{m}");
        let m = tool_error(
            &c,
            "dashboard_get_widget_data",
            json!({"widget_id": "nope"}),
        )
        .await;
        assert!(m.contains("overview.health"), "names the valid ids: {m}");
        let m = tool_error(
            &c,
            "audit_analytics_get_patterns",
            json!({"confidence": 7.0}),
        )
        .await;
        assert!(m.contains("confidence"), "{m}");
        assert_eq!(names(&c).await, registry_names(true), "still answering");
        c.cancel().await.expect("close");

        // --allow-actions lists every tool; --tools narrows.
        let c = connect(h.ipfs_kit(), &["--allow-actions"]).await;
        assert_eq!(names(&c).await, registry_names(false));
        // A local action (no daemon runs): through the actions path, recorded as the client.
        let unpinned = doc(&c, "pin_rm", json!({"cid": cid})).await;
        assert!(
            unpinned["message"]
                .as_str()
                .is_some_and(|m| m.contains("through")),
            "{unpinned}"
        );
        let m = tool_error(&c, "pin_add", json!({"cid": "bafy-not-a-cid"})).await;
        assert!(
            m.contains("pin.add") && m.contains("Correct the argument"),
            "{m}"
        );
        let m = tool_error(&c, "daemon_restart", json!({"name": "kubo"})).await;
        assert!(m.contains("ipfs-kit supervise"), "says what to do: {m}");
        let s = doc(
            &c,
            "performance_start_operation",
            json!({"operation": "agent.check"}),
        )
        .await;
        let e = doc(
            &c,
            "performance_end_operation",
            json!({"operation_id": s["operation_id"]}),
        )
        .await;
        assert_eq!(e["operation"], "agent.check");
        let m = tool_error(
            &c,
            "performance_end_operation",
            json!({"operation_id": s["operation_id"]}),
        )
        .await;
        assert!(m.contains("no open operation"), "{m}");
        // The wizard: a dry run returns the CLI's diff and writes nothing.
        let w = doc(
            &c,
            "dashboard_run_wizard",
            json!({"wizard_id": "monitoring", "template": "monitoring_strict"}),
        )
        .await;
        let out = h
            .ipfs_kit()
            .args([
                "dashboard",
                "wizard",
                "--wizard-id",
                "monitoring",
                "--template",
                "monitoring_strict",
            ])
            .output()
            .expect("wizard");
        assert_eq!(
            w["diff"].as_str(),
            Some(String::from_utf8_lossy(&out.stdout).as_ref())
        );
        assert!(
            w["diff"]
                .as_str()
                .is_some_and(|d| d.contains("[monitoring")),
            "{w}"
        );
        assert_eq!(
            std::fs::read_to_string(h.root().join("config/ipfs-kit/config.toml")).expect("config"),
            support::NO_HOST_DISK_ALERT
        );
        let m = tool_error(
            &c,
            "dashboard_run_wizard",
            json!({"wizard_id": "nope", "template": "x"}),
        )
        .await;
        assert!(m.contains("backend"), "names the wizards: {m}");
        c.cancel().await.expect("close");
        let mine: Vec<Value> = history(h.ipfs_kit())
            .into_iter()
            .filter(|e| e["user_id"] == format!("mcp:{CLIENT}"))
            .collect();
        assert!(
            mine.iter()
                .any(|e| e["action"] == "pin.remove" && e["status"] == "ok"),
            "{mine:?}"
        );
        assert!(
            mine.iter()
                .any(|e| e["action"] == "pin.add" && e["status"] == "failed"),
            "{mine:?}"
        );

        let c = connect(
            h.ipfs_kit(),
            &["--allow-actions", "--tools", "daemon_status,pin_add"],
        )
        .await;
        assert_eq!(
            names(&c).await,
            ["daemon_status", "pin_add"].map(String::from).into()
        );
        let m = tool_error(&c, "node_get_snapshot", json!({})).await;
        assert!(m.contains("allow-list"), "{m}");
        c.cancel().await.expect("close");
    });
    // A bad --tools name is a usage error before any protocol.
    let out = h
        .ipfs_kit()
        .args(["mcp", "--tools", "nope"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(64), "{out:?}");
}

#[test]
fn through_a_running_daemon_actions_are_recorded_as_the_mcp_client() {
    let kit = Kit::new();
    // A rule that fires at once, for a real alert to list and acknowledge.
    kit.config(&format!(
        "{}\n[[alerts.rules]]\nname = \"mcp_test_peers\"\nmetric = \"kubo.peers\"\nop = \"<\"\nwarning = 1000\nfor = \"0s\"\nmessage = \"{{name}}: {{value}} peers\"\n",
        support::NO_HOST_DISK_ALERT
    ));
    let _sup = kit.supervise(&["--init"], "supervise.log", &[]);
    kit.wait_supervised("supervise.log");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !kit.state().join("api").exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "no <state>/api: {}",
            kit.log("supervise.log")
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let cid = kit
        .ipfs(&[
            "add",
            "-Q",
            "--pin=false",
            &kit.root()
                .join("config/ipfs-kit/config.toml")
                .display()
                .to_string(),
        ])
        .trim()
        .to_string();
    runtime().block_on(async {
        let c = connect(kit.cmd(), &["--allow-actions"]).await;
        let st = doc(&c, "dashboard_get_status_summary", json!({})).await;
        assert_eq!(
            st["origin"]["from"], "daemon",
            "read through the daemon: {st}"
        );
        let d = doc(&c, "daemon_status", json!({})).await;
        let names: Vec<&str> = d["daemons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["name"].as_str())
            .collect();
        assert!(names.contains(&"kubo") && names.contains(&"cluster"), "{d}");
        let done = doc(&c, "pin_add", json!({"cid": cid})).await;
        assert!(done["message"].is_string(), "{done}");
        let m = tool_error(&c, "alerts_acknowledge", json!({"id": "no-such-alert"})).await;
        assert!(m.contains("alert.acknowledge"), "{m}");
        // The alert fires in the daemon; its events are listed (from alerts.jsonl: the API's
        // snapshot carries no alert log), and acknowledging it goes through the daemon.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let listed = loop {
            let a = doc(&c, "alerts_list", json!({"limit": 10})).await;
            let firing = a["alerts"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|x| x.to_string().contains("mcp_test_peers"));
            if firing && a["recent_events"].as_array().is_some_and(|e| !e.is_empty()) {
                break a;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the test alert never fired: {a}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        };
        let id = listed["alerts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x.to_string().contains("mcp_test_peers"))
            .and_then(|x| x["id"].as_str())
            .unwrap_or_else(|| panic!("alert id: {listed}"))
            .to_string();
        let acked = doc(&c, "alerts_acknowledge", json!({"id": id})).await;
        assert!(acked["message"].is_string(), "{acked}");
        let r = c
            .read_resource(ReadResourceRequestParams::new("ipfs-kit://alerts"))
            .await
            .expect("read");
        let rmcp::model::ResourceContents::TextResourceContents { text, .. } = &r.contents[0]
        else {
            panic!("text resource")
        };
        assert!(text.contains("mcp_test_peers"), "{text}");
        c.cancel().await.expect("close");
    });
    let pins = kit.ipfs(&["pin", "ls", "--type=recursive", "-q"]);
    assert!(pins.contains(&cid), "pinned in Kubo: {pins}");
    let ops = history(kit.cmd());
    let rec = ops
        .iter()
        .find(|e| e["action"] == "pin.add" && e["resource"] == json!(cid))
        .unwrap_or_else(|| panic!("pin.add recorded: {ops:?}"));
    let who = rec["user_id"].as_str().unwrap_or_default();
    assert!(
        who.starts_with("api:127.0.0.1") && who.contains(&format!("mcp:{CLIENT}")),
        "{who}"
    );
    assert!(
        ops.iter().any(|e| e["action"] == "alert.acknowledge"
            && e["status"] == "ok"
            && e["user_id"]
                .as_str()
                .is_some_and(|u| u.contains(&format!("mcp:{CLIENT}")))),
        "the acknowledgement recorded as the client: {ops:?}"
    );
}

#[test]
fn fleet_tools_list_the_nodes_and_read_one_through_its_daemon() {
    let node = Kit::new();
    node.config(support::NO_HOST_DISK_ALERT);
    let _sup = node.supervise(&["--init", "--leave-running"], "supervise.log", &[]);
    node.wait_supervised("supervise.log");
    let url = support::wait_file(&node.state().join("api"));
    let token = support::wait_file(&node.state().join("api.token"));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let gone = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let op = Kit::new();
    op.config(&format!(
        "{}\n[[fleet.nodes]]\nname = \"self\"\nurl = \"{url}\"\ntoken = \"{token}\"\n\n\
         [[fleet.nodes]]\nname = \"gone\"\nurl = \"{gone}\"\n",
        support::NO_HOST_DISK_ALERT
    ));
    let own = cli(
        node.cmd(),
        &["--once", "--json", "--connect", &url, "--token", &token],
    );
    let by_cli = cli(op.cmd(), &["fleet", "--json"]);
    runtime().block_on(async {
        // Without a fleet: said, with what to write.
        let c = connect(node.cmd(), &[]).await;
        let m = tool_error(&c, "fleet_list_nodes", json!({})).await;
        assert!(m.contains("[[fleet.nodes]]"), "{m}");
        c.cancel().await.expect("close");

        let c = connect(op.cmd(), &[]).await;
        let listed = doc(&c, "fleet_list_nodes", json!({})).await;
        let summary = |v: &Value| -> Vec<(Value, Value, Value)> {
            v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| (r["name"].clone(), r["url"].clone(), r["state"].clone()))
                .collect()
        };
        assert_eq!(summary(&listed), summary(&by_cli), "{listed} vs {by_cli}");
        assert_eq!(
            summary(&listed),
            [
                (json!("self"), json!(url), json!("up")),
                (json!("gone"), json!(gone), json!("down"))
            ]
        );
        let snap = doc(&c, "node_get_snapshot", json!({"node": "self"})).await;
        assert_eq!(
            snap["kubo"]["data"]["peer_id"], own["kubo"]["data"]["peer_id"],
            "the node's own snapshot"
        );
        assert!(snap["performance"].is_object(), "from its daemon: {snap}");
        let d = doc(&c, "daemon_status", json!({"node": "self"})).await;
        assert!(d["daemons"].to_string().contains("kubo"), "{d}");
        let m = tool_error(&c, "alerts_list", json!({"node": "gone"})).await;
        assert!(m.contains("fleet node gone is down"), "{m}");
        let m = tool_error(&c, "node_get_snapshot", json!({"node": "nope"})).await;
        assert!(
            m.contains("there is no fleet node") && m.contains("self, gone"),
            "{m}"
        );
        invalid_params(&c, "fleet_list_nodes", json!({"limit": "ten"})).await;
        let one = doc(&c, "fleet_list_nodes", json!({"limit": 1})).await;
        assert_eq!(one["more"], 1, "{one}");
        c.cancel().await.expect("close");
    });
}
