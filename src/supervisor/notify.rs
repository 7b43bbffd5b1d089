//! systemd's notify protocol for `supervise` under `Type=notify`: one datagram per message to
//! `$NOTIFY_SOCKET` (a path, or `@name` for an abstract socket). READY=1, STATUS=…,
//! WATCHDOG=1 and STOPPING=1 are all it sends; without `$NOTIFY_SOCKET` nothing is sent.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

use crate::model::DaemonStatus;

/// The variables a daemon we spawn must not inherit: Kubo notifies systemd itself, and its
/// READY=1 would be taken for ours (or, under NotifyAccess=main, logged as foreign).
pub const NOTIFY_VARS: [&str; 3] = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"];

#[derive(Debug)]
pub struct Notifier {
    sock: UnixDatagram,
    addr: SocketAddr,
    watchdog: Option<Duration>,
}

impl Notifier {
    /// From the process environment.
    pub fn from_env() -> Option<Notifier> {
        Notifier::from_vars(|k| std::env::var(k).ok())
    }

    /// `None` when `NOTIFY_SOCKET` is unset or unusable (said in the log: systemd then
    /// reports the start as timed out, which names the unit).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Notifier> {
        let path = var("NOTIFY_SOCKET").filter(|p| !p.is_empty())?;
        let made = address(&path).and_then(|addr| Ok((UnixDatagram::unbound()?, addr)));
        let (sock, addr) = match made {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!("NOTIFY_SOCKET={path}: {e}; not notifying systemd");
                return None;
            }
        };
        // WATCHDOG_PID, when set, names the process systemd expects the pings from.
        let ours = var("WATCHDOG_PID")
            .is_none_or(|p| p.trim().parse::<u32>().ok() == Some(std::process::id()));
        let watchdog = var("WATCHDOG_USEC")
            .and_then(|u| u.trim().parse::<u64>().ok())
            .filter(|u| *u > 0 && ours)
            // Half the timeout, as sd_watchdog_enabled(3) advises.
            .map(|u| Duration::from_micros(u / 2));
        Some(Notifier {
            sock,
            addr,
            watchdog,
        })
    }

    /// How often to send WATCHDOG=1, when systemd asked for it.
    pub fn watchdog_interval(&self) -> Option<Duration> {
        self.watchdog
    }

    /// Sends one message (`KEY=value` lines); a failure is logged, never fatal.
    pub fn send(&self, msg: &str) {
        if let Err(e) = self.sock.send_to_addr(msg.as_bytes(), &self.addr) {
            tracing::warn!("sd_notify {msg:?}: {e}");
        }
    }

    pub fn ready(&self, status: &str) {
        self.send(&format!("READY=1\nSTATUS={}", one_line(status)));
    }

    pub fn status(&self, status: &str) {
        self.send(&format!("STATUS={}", one_line(status)));
    }

    pub fn watchdog(&self) {
        self.send("WATCHDOG=1");
    }

    pub fn stopping(&self, status: &str) {
        self.send(&format!("STOPPING=1\nSTATUS={}", one_line(status)));
    }
}

fn address(path: &str) -> std::io::Result<SocketAddr> {
    match path.strip_prefix('@') {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name.as_bytes())
        }
        None => SocketAddr::from_pathname(path),
    }
}

/// STATUS is one line: a newline would start a new KEY=value.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// "kubo ready, cluster degraded (running but cannot reach its Kubo: …)": each daemon's
/// state, with the reason when it is not ready.
pub fn summary(daemons: &[DaemonStatus]) -> String {
    daemons
        .iter()
        .map(|d| match (&d.message, d.state.as_str()) {
            (Some(m), state) if state != "ready" => format!("{} {state} ({m})", d.name),
            (_, state) => format!("{} {state}", d.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    fn recv(sock: &UnixDatagram) -> String {
        let mut buf = [0u8; 512];
        let n = sock.recv(&mut buf).expect("a datagram");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }

    #[test]
    fn messages_reach_a_path_socket_and_the_watchdog_is_half_the_timeout() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("notify.sock");
        let server = UnixDatagram::bind(&path).expect("bind");
        server
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        let n = Notifier::from_vars(vars(&[
            ("NOTIFY_SOCKET", path.display().to_string()),
            ("WATCHDOG_USEC", "4000000".into()),
            ("WATCHDOG_PID", std::process::id().to_string()),
        ]))
        .expect("a notifier");
        assert_eq!(n.watchdog_interval(), Some(Duration::from_secs(2)));
        n.ready("kubo ready,\ncluster ready");
        assert_eq!(recv(&server), "READY=1\nSTATUS=kubo ready, cluster ready");
        n.watchdog();
        assert_eq!(recv(&server), "WATCHDOG=1");
        n.stopping("stopping");
        assert_eq!(recv(&server), "STOPPING=1\nSTATUS=stopping");
    }

    #[test]
    fn abstract_sockets_work_and_a_watchdog_for_another_pid_is_not_ours() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("ipfs-kit-test-{}", std::process::id());
        let server = UnixDatagram::bind_addr(
            &SocketAddr::from_abstract_name(name.as_bytes()).expect("abstract name"),
        )
        .expect("bind abstract");
        server
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        let n = Notifier::from_vars(vars(&[
            ("NOTIFY_SOCKET", format!("@{name}")),
            ("WATCHDOG_USEC", "4000000".into()),
            ("WATCHDOG_PID", "1".into()),
        ]))
        .expect("a notifier");
        assert_eq!(n.watchdog_interval(), None);
        n.status("kubo starting");
        assert_eq!(recv(&server), "STATUS=kubo starting");
        assert!(Notifier::from_vars(vars(&[])).is_none());
    }
}
