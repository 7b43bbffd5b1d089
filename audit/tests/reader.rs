//! Both schemas (and alerts) mixed in one input, plus torn, blank and garbage lines.

use ipfs_kit_audit::{Loader, Schema, Status};

const MIXED: &str = concat!(
    r#"{"event_id":"e1","operation_id":"o1","session_id":"s1","timestamp":"2026-01-05T12:00:00Z","duration_ms":40,"event_type":"data","action":"pin.add","resource":"bafyA","resource_type":"pin","user_id":"root","status":"ok","details":{"via":"cluster"}}"#,
    "\n",
    r#"{"event_type":"authentication","action":"login","timestamp":1767614460.25,"user_id":"bob","ip_address":"10.0.0.9","status":"failure","details":{}}"#,
    "\n",
    "garbage that is not json\n",
    "\n",
    r#"{"at":"2026-01-05T12:02:00+01:00","kind":"fired","alert":{"id":"disk-1","rule":"disk","metric":"host.disk_used","severity":"warning","message":"disk 91%"}}"#,
    "\n",
    r#"{"event_type":"data","action":"read","timestamp":"2026-01-05T12:03:00Z","request_id":"r7","resource_id":"f1","resource_type":"file","status":"success","metadata":{"operation_id":"op9","session_id":"sess","transaction_id":"tx","subsystem":"storage"}}"#,
    "\n",
    r#"{"timestamp":"2026-01-05T12:04:00Z"}"#,
    "\n",
    r#"{"event_id":"e2","operation_id":"o2","session_id":"s1","timestamp":"2026-01-05T12:05:00Z","event_type":"system","action":"daemon.cra"#,
);

#[test]
fn mixed_schemas_torn_and_garbage_lines() {
    let mut l = Loader::new();
    l.read("history.jsonl", MIXED.as_bytes()).unwrap();
    let (ix, rep) = l.finish();
    assert_eq!(rep.events, 4);
    assert_eq!(rep.lines, 8);
    assert_eq!(rep.blank_lines, 1);
    assert_eq!(rep.bad_lines, 3);
    assert_eq!(
        (
            rep.by_schema.op_history,
            rep.by_schema.python,
            rep.by_schema.alerts
        ),
        (1, 2, 1)
    );
    let where_: Vec<String> = rep
        .bad
        .iter()
        .map(|b| format!("{}:{}", b.source, b.line))
        .collect();
    assert_eq!(
        where_,
        ["history.jsonl:3", "history.jsonl:7", "history.jsonl:8"]
    );
    assert!(
        rep.bad[2].message.starts_with("torn line"),
        "{}",
        rep.bad[2]
    );
    assert!(rep.bad[1].message.contains("action"), "{}", rep.bad[1]);
    // Sorted by time: the alert (11:02 UTC) comes first.
    let evs: Vec<_> = (0..ix.len()).map(|i| ix.event(i)).collect();
    assert_eq!(evs[0].schema, Schema::Alerts);
    assert_eq!(evs[0].status, Status::Warning);
    assert_eq!(evs[1].id.as_deref(), Some("e1"));
    assert_eq!(evs[1].cid.as_deref(), Some("bafyA"));
    assert_eq!(evs[1].details["via"], "cluster");
    assert_eq!(evs[2].user.as_deref(), Some("bob"));
    assert_eq!(evs[2].status, Status::Failed);
    assert_eq!(evs[2].id, None);
    assert_eq!(ix.event_id(2), "history.jsonl:2");
    assert_eq!(ix.lookup("history.jsonl:2"), Some(2));
    assert_eq!(evs[3].transaction_id.as_deref(), Some("tx"));
    assert_eq!(evs[3].subsystem.as_deref(), Some("storage"));
    assert_eq!(ix.find_id("r7"), Some(3));
    assert!(ix.failed_auth(&ix.recs[2]));
}

#[test]
fn several_sources_keep_their_names() {
    let mut l = Loader::new();
    l.read("a.jsonl", "{}\n".as_bytes()).unwrap();
    l.read_lines("b.jsonl", ["x", r#"{"timestamp":1,"action":"a"}"#]);
    let (ix, rep) = l.finish();
    assert_eq!(ix.len(), 1);
    let bad: Vec<String> = rep.bad.iter().map(ToString::to_string).collect();
    assert_eq!(bad.len(), 2);
    assert!(
        bad[0].starts_with("a.jsonl:1: skipped: no usable time"),
        "{}",
        bad[0]
    );
    assert!(
        bad[1].starts_with("b.jsonl:1: skipped: not JSON"),
        "{}",
        bad[1]
    );
}

/// Inputs larger than one parsing chunk (2 MiB): line numbers stay right across chunks.
#[test]
fn line_numbers_across_chunks() {
    let mut text = String::new();
    let mut bad = Vec::new();
    for i in 1..=20_000u32 {
        if i % 4999 == 0 {
            text.push_str("{oops\n");
            bad.push(i);
        } else {
            text.push_str(&format!(
                r#"{{"event_id":"e{i}","operation_id":"o{i}","session_id":"s","timestamp":"2026-01-05T12:00:00Z","event_type":"data","action":"pin.add","resource":"bafy{i:0>120}","user_id":"root","status":"ok"}}"#
            ));
            text.push('\n');
        }
    }
    text.push_str(r#"{"event_id":"torn"#);
    assert!(text.len() > 4 << 20);
    let mut l = Loader::new();
    l.read("big.jsonl", text.as_bytes()).unwrap();
    let (ix, rep) = l.finish();
    let lines: Vec<u32> = rep.bad.iter().map(|b| b.line).collect();
    bad.push(20_001);
    assert_eq!(lines, bad);
    assert!(rep.bad.last().unwrap().message.starts_with("torn"));
    assert_eq!(ix.len(), 20_000 - 4);
    assert_eq!(rep.lines, 20_001);
    // Stable sort on equal times: input order kept, so event i sits at a known place.
    let i = ix.find_id("e12345").unwrap();
    assert_eq!(ix.event_id(i), "e12345");
    assert_eq!(ix.recs[i].line, 12345);
}
