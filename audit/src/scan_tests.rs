//! The scanner against serde_json: on every line, the same `Event` or the same error.

use crate::events::{Event, LineError, parse_norm, parse_norm_serde};
use crate::generator::{self, GenConfig, Rng};
use crate::scan::scan;

fn both(line: &str) -> (Result<Event, LineError>, Result<Event, LineError>) {
    let fast = parse_norm(line.as_bytes()).map(|n| n.into_event());
    let slow = parse_norm_serde(line.as_bytes()).map(|n| n.into_event());
    (fast, slow)
}

#[track_caller]
fn same(line: &str) {
    let (fast, slow) = both(line);
    assert_eq!(fast, slow, "line: {line}");
}

/// Same result, and read by the scanner itself (not the fallback).
#[track_caller]
fn scanned(line: &str) {
    assert!(scan(line).is_some(), "the scanner gave up on: {line}");
    same(line);
}

/// Same result, through serde_json (the scanner must give up).
#[track_caller]
fn fallback(line: &str) {
    assert!(scan(line).is_none(), "the scanner read: {line}");
    same(line);
}

fn generated(days: u32) -> Vec<String> {
    let cfg = GenConfig {
        days,
        peak_per_hour: 60.0,
        ..GenConfig::default()
    };
    let mut out = Vec::new();
    generator::generate(&cfg, |e| {
        let mut l = Vec::new();
        generator::write_line(&mut l, &e).expect("write to a Vec");
        let l = String::from_utf8(l).expect("generator writes UTF-8");
        out.push(l.trim_end().to_string());
    });
    out
}

#[test]
fn generator_output_is_scanned_and_identical() {
    let lines = generated(4);
    assert!(lines.len() > 1000);
    let (mut op, mut py) = (0, 0);
    for l in &lines {
        scanned(l);
        if l.starts_with("{\"event_id\"") {
            op += 1;
        } else {
            py += 1;
        }
    }
    assert!(op > 100 && py > 100, "both schemas: {op} and {py}");
}

#[test]
fn every_prefix_of_a_line_is_torn_the_same_way() {
    for l in generated(1).iter().take(40) {
        for (end, _) in l.char_indices() {
            same(&l[..end]);
        }
    }
}

#[test]
fn random_mutations_agree() {
    const ALPHABET: &[u8] = b"\"\\{}[],: \t0123456789.eE-+ntrufalsxZT\x01\xc3\xa9";
    let lines = generated(1);
    let mut rng = Rng::new(7);
    let mut differing_paths = 0u32;
    for round in 0..60_000u64 {
        let base = lines[(round as usize) % lines.len()].as_bytes();
        let mut b = base.to_vec();
        for _ in 0..=rng.below(3) {
            let at = rng.below(b.len() as u64 + 1) as usize;
            let c = ALPHABET[rng.below(ALPHABET.len() as u64) as usize];
            match rng.below(3) {
                0 if at < b.len() => b[at] = c,
                1 if at < b.len() => {
                    b.remove(at);
                }
                _ => b.insert(at, c),
            }
        }
        let fast = parse_norm(&b).map(|n| n.into_event());
        let slow = parse_norm_serde(&b).map(|n| n.into_event());
        assert_eq!(fast, slow, "line: {}", String::from_utf8_lossy(&b));
        if std::str::from_utf8(&b).is_ok_and(|s| scan(s).is_none()) {
            differing_paths += 1;
        }
    }
    // The mutations must reach the fallback often, and the scanner too.
    assert!(
        differing_paths > 10_000 && differing_paths < 55_000,
        "{differing_paths}"
    );
}

#[test]
fn both_schemas_and_alerts() {
    scanned(
        r#"{"event_id":"e1","operation_id":"o1","session_id":"s1","timestamp":"2026-01-02T03:04:05Z","duration_ms":12,"event_type":"system","action":"daemon.crash","resource":"kubo","resource_type":"daemon","user_id":"root","status":"failed","details":{"message":"exit 2"}}"#,
    );
    scanned(
        r#"{"event_type":"authentication","action":"login","timestamp":1767323045.5,"user_id":"bob","ip_address":"10.0.0.1","status":"failure","request_id":"r9","metadata":{"operation_id":"op","subsystem":"auth","transaction_id":"t","session_id":"s","extra":[1,{"a":null}]}}"#,
    );
    scanned(
        r#"{"at":"2026-01-02T03:04:05Z","kind":"fired","alert":{"id":"disk-1","rule":"disk","metric":"host.disk_used","severity":"critical","state":"firing","message":"m","value":0.97,"labels":{"a":"b"}}}"#,
    );
    scanned(
        r#"{"at":"2026-01-02T03:04:05.5+02:00","kind":"resolved","alert":{"id":"x","value":3}}"#,
    );
    scanned(r#"{"at":1767323045,"kind":"fired","alert":{"id":null,"rule":null,"value":null}}"#);
    scanned(r#"{"at":"2026-01-02T03:04:05Z","kind":"","alert":{}}"#);
    scanned(r#"{"at":"2026-01-02T03:04:05Z","alert":null,"action":"a","timestamp":5}"#);
    scanned(r#"{"at":"2026-01-02T03:04:05Z","kind":"fired","alert":{"id":"x","value":-0.5}}"#);
    fallback(r#"{"at":"2026-01-02T03:04:05Z","kind":"fired","alert":[]}"#);
    fallback(r#"{"at":"2026-01-02T03:04:05Z","kind":"fired","alert":{"id":"x","id":"y"}}"#);
}

#[test]
fn escapes_and_unicode() {
    fallback(r#"{"timestamp":1,"action":"pin\u002eadd"}"#);
    fallback(r#"{"timestamp":1,"action":"a","user_id":"a\"b"}"#);
    fallback(r#"{"timestamp":1,"\u0061ction":"a"}"#);
    fallback(r#"{"timestamp":1,"action":"a","details":{"k":"line\nbreak"}}"#);
    fallback(r#"{"timestamp":1,"action":"a","other":"\ud800"}"#);
    fallback("{\"timestamp\":1,\"action\":\"a\tb\"}");
    scanned(r#"{"timestamp":1,"action":"日本.語","user_id":"jürgen","details":{"ключ":"🦀"}}"#);
    scanned(r#"{"timestamp":1,"action":"a","resource":"é"}"#);
    // Not UTF-8 at all.
    assert_eq!(
        parse_norm(b"{\"timestamp\":1,\"action\":\"\xff\"}").map(|n| n.into_event()),
        Err(LineError::Utf8)
    );
}

#[test]
fn numbers_as_serde_reads_them() {
    for ts in [
        "0",
        "5",
        "1767323045",
        "1767323045.5",
        "1767323045.036",
        "1767323045.0364523",
        "1767323045.123456789012",
        "1767323045123",
        "100000000000",
        "99999999999.9999",
        "0.0004",
        "1e9",
        "1.7e9",
        "1E+9",
        "-5",
        "-0",
        "-1767323045.5",
        "1e400",
        "123456789012345678901234567890",
        "0.1234567890123456789",
    ] {
        same(&format!(r#"{{"timestamp":{ts},"action":"a"}}"#));
        same(&format!(
            r#"{{"timestamp":1,"action":"a","duration_ms":{ts}}}"#
        ));
        same(&format!(
            r#"{{"timestamp":1,"action":"a","details":{{"n":{ts}}}}}"#
        ));
        same(&format!(
            r#"{{"at":1,"kind":"fired","alert":{{"id":"a","value":{ts}}}}}"#
        ));
    }
    for bad in [
        "01", "1.", ".5", "-", "1e", "1e+", "+1", "0x10", "1..2", "NaN", "Infinity",
    ] {
        same(&format!(r#"{{"timestamp":{bad},"action":"a"}}"#));
        same(&format!(r#"{{"timestamp":1,"action":"a","x":{bad}}}"#));
    }
    // Numbers written as strings.
    same(r#"{"timestamp":"1767323045","action":"a"}"#);
    fallback(r#"{"timestamp":1,"action":"a","duration_ms":"12"}"#);
    scanned(r#"{"timestamp":1,"action":"a","details":{"duration_ms":"12"}}"#);
    scanned(r#"{"timestamp":1,"action":"a","details":{"duration_ms":12}}"#);
    fallback(r#"{"timestamp":1,"action":"a","details":{"duration_ms":12.5}}"#);
    scanned(r#"{"timestamp":1,"action":"a","duration_ms":12.7}"#);
    scanned(r#"{"timestamp":1,"action":"a","duration_ms":-3}"#);
}

#[test]
fn missing_null_and_odd_fields() {
    scanned(r#"{}"#);
    scanned(r#"{"action":"x"}"#);
    scanned(r#"{"timestamp":5}"#);
    scanned(r#"{"timestamp":5,"action":""}"#);
    scanned(r#"{"timestamp":5,"action":null}"#);
    scanned(r#"{"timestamp":null,"action":"a"}"#);
    scanned(r#"{"timestamp":"yesterday","action":"x"}"#.replace("yesterday", "2026-01-02 03:04:05.250").as_str());
    fallback(r#"{"timestamp":"yesterday","action":"x"}"#);
    fallback(r#"{"timestamp":"2026-02-30T00:00:00Z","action":"x"}"#);
    scanned(r#"{"timestamp":"2026-01-02t03:04:05z","action":"x"}"#);
    scanned(r#"{"timestamp":"2026-01-02T03:04:05","action":"x"}"#);
    scanned(r#"{"timestamp":"2026-12-31T23:59:60Z","action":"x"}"#);
    scanned(
        r#"{"timestamp":1,"action":"a","details":null,"metadata":null,"resource_type":"pin","resource":"bafy"}"#,
    );
    scanned(
        r#"{"timestamp":1,"action":"a","details":{"t":true,"f":false,"n":null,"k":"v","k":"w"}}"#,
    );
    fallback(r#"{"timestamp":1,"action":"a","details":{"nested":{"a":1},"list":[1,2]}}"#);
    fallback(r#"{"timestamp":1,"action":"a","details":[]}"#);
    fallback(r#"{"timestamp":1,"action":"a","details":"text"}"#);
    fallback(r#"{"timestamp":1,"action":"a","metadata":["op"]}"#);
    fallback(r#"{"timestamp":1,"action":"a","metadata":{"subsystem":"x","subsystem":"y"}}"#);
    fallback(r#"{"timestamp":1,"action":"a","action":"b"}"#);
    fallback(r#"{"timestamp":1,"action":"a","user_id":5}"#);
    scanned(
        r#"{"timestamp":1,"action":"a","unknown":{"deep":[[[{"x":[true,false,null,-1.5e3]}]]]},"u2":[]}"#,
    );
    scanned(" { \"timestamp\" : 1 ,\t\"action\" : \"a\" } ");
    scanned(r#"{"timestamp":1,"action":"a","resource_type":"source","resource":"host"}"#);
    scanned(r#"{"timestamp":1,"action":"a","resource_type":"Daemon","resource":"kubo"}"#);
}

#[test]
fn torn_and_garbage_lines() {
    for l in [
        "hello",
        "[1,2]",
        "[]",
        "null",
        "\"text\"",
        "5",
        "{",
        "}",
        "{\"a\":}",
        "{,}",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{\"a\":1 \"b\":2}",
        "{} x",
        "{}{}",
        "{\"timestamp\":1,\"action\":\"a\"",
        "{\"timestamp\":1,\"action\":\"a",
        "{\"timestamp\":1,\"action\":",
        "{\"timestamp\":1,\"action\"",
        "{\"timestamp\":tru,\"action\":\"a\"}",
        "{\"timestamp\":1,\"action\":\"a\",\"x\":nul}",
        "{\"timestamp\":1,\"action\":\"a\",\"x\":[1,]}",
        "{\"timestamp\":1,\"action\":\"a\",\"x\":[1 2]}",
        "{\"timestamp\":1,\"action\":\"a\",\"x\":{\"k\"}}",
        "{'timestamp':1}",
        "{timestamp:1}",
        "{\"timestamp\":1,\"action\":\"a\"}\u{0}",
    ] {
        same(l);
    }
    let deep = format!(
        "{{\"timestamp\":1,\"action\":\"a\",\"x\":{}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    same(&deep);
}
