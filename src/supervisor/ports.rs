//! Loopback port helpers, and naming the owner of a busy port from /proc so a conflict
//! message can say who holds it (we never kill a process we did not start).

use std::net::TcpListener;

/// A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// Whether 127.0.0.1:`port` can be bound now.
pub fn is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// The first free port at or after `port` (up to 100 tries).
pub fn next_free(port: u16) -> Option<u16> {
    (port..=port.saturating_add(100)).find(|p| *p != 0 && is_free(*p))
}

/// Who listens on a TCP port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortOwner {
    pub pid: Option<u32>,
    /// The command line, or why it could not be read.
    pub command: String,
}

impl std::fmt::Display for PortOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pid {
            Some(pid) => write!(f, "pid {pid} ({})", self.command),
            None => f.write_str(&self.command),
        }
    }
}

/// Finds the process listening on `port` (any address, IPv4 or IPv6) via /proc/net/tcp*
/// socket inodes and /proc/<pid>/fd links. None when nothing listens there.
pub fn owner_of(port: u16) -> Option<PortOwner> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(text) = std::fs::read_to_string(table) {
            inodes.extend(listening_inodes(&text, port));
        }
    }
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let procs = std::fs::read_dir("/proc").ok()?;
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path())
                && wanted.iter().any(|w| target.as_os_str() == w.as_str())
            {
                return Some(PortOwner {
                    pid: Some(pid),
                    command: command_line(pid),
                });
            }
        }
    }
    Some(PortOwner {
        pid: None,
        command: "a process this user cannot see (another user's, or in another namespace)".into(),
    })
}

/// The command line of `pid`, arguments joined by spaces.
pub fn command_line(pid: u32) -> String {
    match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(raw) if !raw.is_empty() => raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        _ => std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown command".into()),
    }
}

/// Socket inodes in LISTEN state (0A) on `port` in a /proc/net/tcp table.
fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let local = f.get(1)?;
            let state = f.get(3)?;
            let inode = f.get(9)?;
            let (_, port_hex) = local.rsplit_once(':')?;
            (u16::from_str_radix(port_hex, 16).ok()? == port && *state == "0A")
                .then(|| inode.parse().ok())
                .flatten()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_net_tcp() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0 100 0 0 10 0\n   1: 0100007F:1389 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 777 1 0 100 0 0 10 0\n";
        assert_eq!(listening_inodes(table, 5001), vec![123456]);
        assert!(listening_inodes(table, 5002).is_empty());
    }

    #[test]
    fn names_our_own_listener() {
        let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = l.local_addr().unwrap().port();
        let owner = owner_of(port).expect("someone listens");
        assert_eq!(owner.pid, Some(std::process::id()));
        assert!(!is_free(port));
        drop(l);
        assert!(owner_of(port).is_none());
        assert_eq!(next_free(port), Some(port));
    }
}
