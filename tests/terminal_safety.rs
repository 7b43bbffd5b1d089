//! A server cannot write to the operator's terminal: text from outside the process (a 500's
//! `Message`, history details, a supervisor's published daemon messages) reaches stdout and
//! stderr without escape sequences or control characters, while JSON keeps it escaped.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

/// Clears the screen, paints red, sets the window title, a C1 CSI and a bidi override.
const HOSTILE: &str = "\u{1b}[2J\u{1b}[41mpwned\u{1b}]0;title\u{7} c1\u{9b}31m rtl\u{202e}x";

fn ipfs_kit(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ipfs-kit"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"));
    c
}

/// A loopback HTTP server that answers every request, as a broken or hostile Kubo/Cluster
/// would, with HTTP 500 and Kubo's error document whose `Message` is `HOSTILE`.
fn hostile_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let body = serde_json::json!({ "Message": HOSTILE, "Code": 0, "Type": "error" }).to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            // The request line and headers, up to the blank line; bodies are empty or ignored.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

/// No ESC, BEL or other C0 control but \n, no DEL, no C1 (U+0080–U+009F), no bidi override.
fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<String> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}: {text:?}");
}

fn check_both(what: &str, out: &Output) {
    assert_clean(&format!("{what} stdout"), &out.stdout);
    assert_clean(&format!("{what} stderr"), &out.stderr);
}

#[test]
fn once_summary_prints_a_hostile_500_message_cleaned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = hostile_server();
    let out = ipfs_kit(dir.path())
        .args(["--once", "--kubo-api", &url, "--cluster-api", &url])
        .output()
        .expect("run");
    check_both("--once", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    // The message is still shown, minus its escapes.
    assert!(text.contains("HTTP 500"), "{text}");
    assert!(text.contains("pwned c1 rtl?x"), "{text}");

    // JSON is not terminal text: the message is kept, escaped by serde.
    let out = ipfs_kit(dir.path())
        .args([
            "--once",
            "--json",
            "--kubo-api",
            &url,
            "--cluster-api",
            &url,
        ])
        .output()
        .expect("run");
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains(r"\u001b[2J\u001b[41mpwned"), "{json}");
    assert_clean("--once --json stdout", &out.stdout);
}

#[test]
fn pin_and_history_print_server_text_cleaned_and_damaged_lines_in_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = hostile_server();
    let cid = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    let pin = |dir: &Path| {
        ipfs_kit(dir)
            .args(["pin", "add", cid, "--kubo-api", &url, "--cluster-api", &url])
            .output()
            .expect("run")
    };
    let out = pin(dir.path());
    assert_eq!(out.status.code(), Some(1));
    check_both("pin add", &out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pwned"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The failure was recorded with the server's message as its detail.
    let out = ipfs_kit(dir.path()).arg("history").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    check_both("history", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("pin.add") && text.contains("pwned"), "{text}");
    let out = ipfs_kit(dir.path())
        .args(["history", "--json"])
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(r"\u001b[2J"),
        "JSON keeps the text"
    );

    // A damaged line is reported in words, not as a Rust debug dump.
    let file = dir.path().join("state/ipfs-kit/history.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .expect("history.jsonl");
    writeln!(f, "not json \u{1b}[2J").expect("append");
    drop(f);
    let lines = std::fs::read_to_string(&file)
        .expect("read")
        .lines()
        .count();
    let out = pin(dir.path());
    check_both("pin add", &out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "ipfs-kit: history: skipped {}:{lines}: ",
            file.display()
        )),
        "{err}"
    );
    assert!(!err.contains("ReadWarning"), "{err}");
    let out = ipfs_kit(dir.path()).arg("history").output().expect("run");
    check_both("history", &out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("skipped").count(), 1, "{err}");
}

#[test]
fn daemon_status_prints_published_messages_cleaned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state/ipfs-kit/daemons");
    std::fs::create_dir_all(&state).expect("mkdir");
    // What a running supervisor publishes; this test process plays the live supervisor.
    let published = serde_json::json!({
        "pid": std::process::id(),
        "updated_at": "2026-01-01T00:00:00Z",
        "daemons": [{
            "name": "kubo",
            "state": "failed",
            "pid": null,
            "adopted": false,
            "started_at": null,
            "uptime_secs": null,
            "restarts": 5,
            "last_exit": format!("exit code 1 {HOSTILE}"),
            "last_exit_at": null,
            "ports": [],
            "api": null,
            "dir": "/tmp/x",
            "log": "/tmp/x.log",
            "message": format!("gave up: {HOSTILE}\nsecond line"),
        }],
    });
    std::fs::write(state.join("supervisor.json"), published.to_string()).expect("write");
    let out = ipfs_kit(dir.path())
        .args(["daemon", "status"])
        .output()
        .expect("run");
    check_both("daemon status", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("last exit: exit code 1 pwned"), "{text}");
    // One line per message: a server's newline cannot start a line of its own.
    assert!(
        text.contains("gave up: pwned c1 rtl?x second line"),
        "{text}"
    );
}
