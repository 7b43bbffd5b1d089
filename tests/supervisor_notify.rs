//! `supervise` under systemd `Type=notify`, with the real Kubo and Cluster: the test is the
//! service manager — it binds the notify socket and reads what arrives: STATUS while
//! starting, READY=1 once both daemons are ready, WATCHDOG=1 at half WATCHDOG_USEC, STATUS on
//! every change (a kill -9 and the restart), STOPPING=1 on SIGTERM. Kubo notifies systemd
//! itself: its READY=1 must not reach the socket as if it were ours.

mod support;

use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use support::kit::{Kit, kill9, ready};

struct Socket {
    sock: UnixDatagram,
    got: Vec<(Instant, String)>,
}

impl Socket {
    /// Reads datagrams until one satisfies `pred`; panics with everything read after `limit`.
    fn until(&mut self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        let mut buf = vec![0u8; 4096];
        loop {
            if let Ok(n) = self.sock.recv(&mut buf) {
                let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
                self.got.push((Instant::now(), msg.clone()));
                if pred(&msg) {
                    return msg;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no {what} within {limit:?}; got {:#?}",
                self.got
            );
        }
    }

    /// Reads whatever is still queued.
    fn drain(&mut self) {
        let mut buf = vec![0u8; 4096];
        while let Ok(n) = self.sock.recv(&mut buf) {
            let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
            self.got.push((Instant::now(), msg));
        }
    }

    fn count(&self, line: &str) -> usize {
        self.got
            .iter()
            .filter(|(_, m)| m.lines().any(|l| l == line))
            .count()
    }
}

#[test]
fn supervise_reports_ready_status_watchdog_and_stopping_to_systemd() {
    let kit = Kit::new();
    kit.config("[supervisor]\nrestart_backoff = \"500ms\"\n");
    let path = kit.root().join("notify.sock");
    let sock = UnixDatagram::bind(&path).expect("bind the notify socket");
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let mut s = Socket {
        sock,
        got: Vec::new(),
    };
    let mut sup = kit.supervise(
        &["--init"],
        "supervise.log",
        &[
            ("NOTIFY_SOCKET", path.display().to_string()),
            ("WATCHDOG_USEC", "2000000".into()),
        ],
    );

    let first = s.until("a STATUS while starting", Duration::from_secs(30), |m| {
        m.starts_with("STATUS=")
    });
    assert_eq!(first, "STATUS=starting the daemons");
    let ready_msg = s.until("READY=1", Duration::from_secs(120), |m| {
        m.lines().any(|l| l == "READY=1")
    });
    assert!(
        ready_msg.contains("STATUS=kubo ready, cluster ready"),
        "{ready_msg}"
    );
    assert!(
        s.count("WATCHDOG=1") >= 1,
        "pinged during the start: {:#?}",
        s.got
    );
    let st = kit.status();
    assert!(ready(&st, "kubo") && ready(&st, "cluster"));

    // WATCHDOG=1 every second (half of 2 s).
    let from = s.count("WATCHDOG=1");
    let began = Instant::now();
    while began.elapsed() < Duration::from_secs(4) {
        s.until("a watchdog ping", Duration::from_secs(3), |m| {
            m == "WATCHDOG=1"
        });
    }
    let pings = s.count("WATCHDOG=1") - from;
    assert!(
        (3..=6).contains(&pings),
        "{pings} pings in 4 s: {:#?}",
        s.got
    );

    // A crash and the restart change the status line.
    let kubo = Kit::daemon(&st, "kubo")["pid"].as_u64().expect("pid");
    kill9(kubo);
    s.until("the crash in STATUS", Duration::from_secs(20), |m| {
        m.starts_with("STATUS=kubo ") && !m.starts_with("STATUS=kubo ready")
    });
    s.until("ready again in STATUS", Duration::from_secs(60), |m| {
        m.starts_with("STATUS=kubo ready")
    });

    sup.signal(Signal::SIGTERM);
    let stopping = s.until("STOPPING=1", Duration::from_secs(20), |m| {
        m.lines().any(|l| l == "STOPPING=1")
    });
    assert!(
        stopping.contains("STATUS=stopping on a signal"),
        "{stopping}"
    );
    let (code, _) = sup.wait_exit(Duration::from_secs(40));
    assert_eq!(code.code(), Some(0), "{}", kit.log("supervise.log"));
    // Drain what is left: Kubo's own READY=1/STOPPING=1 (first start, restart, stop) must
    // not have come through.
    s.drain();
    assert_eq!(s.count("READY=1"), 1, "{:#?}", s.got);
    assert_eq!(s.count("STOPPING=1"), 1, "{:#?}", s.got);
}
