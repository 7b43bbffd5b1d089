//! The TCP ports given processes listen on, from /proc: the LISTEN sockets of
//! /proc/net/tcp and tcp6 (inode -> port) matched against each process's fd links. This is how
//! the host source tells the daemon serving the watched API from other repos' daemons.

use std::collections::HashMap;

/// Listening TCP sockets on this host: socket inode -> local port (IPv4 and IPv6).
pub fn listening_sockets() -> HashMap<u64, u16> {
    let mut out = HashMap::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(text) = std::fs::read_to_string(table) {
            out.extend(parse_listening(&text));
        }
    }
    out
}

/// `sl local_address rem_address st … inode`: the rows in state 0A (LISTEN).
fn parse_listening(table: &str) -> impl Iterator<Item = (u64, u16)> + '_ {
    table.lines().skip(1).filter_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (_, port_hex) = f.get(1)?.rsplit_once(':')?;
        if *f.get(3)? != "0A" {
            return None;
        }
        Some((
            f.get(9)?.parse().ok()?,
            u16::from_str_radix(port_hex, 16).ok()?,
        ))
    })
}

/// The ports `pid` listens on, sorted, given the host's listening sockets. Empty when its fds
/// cannot be read (another user's process).
pub fn ports_of(pid: u32, sockets: &HashMap<u64, u16>) -> Vec<u16> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    let mut ports: Vec<u16> = fds
        .flatten()
        .filter_map(|fd| {
            let target = std::fs::read_link(fd.path()).ok()?;
            let inode = target
                .to_str()?
                .strip_prefix("socket:[")?
                .strip_suffix(']')?
                .parse::<u64>()
                .ok()?;
            sockets.get(&inode).copied()
        })
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_listen_rows_only() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0 100 0 0 10 0\n   1: 0100007F:1389 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 777 1 0 100 0 0 10 0\n";
        let m: HashMap<u64, u16> = parse_listening(table).collect();
        assert_eq!(m, HashMap::from([(123456, 5001)]));
    }

    #[test]
    fn finds_our_own_listener() {
        let l = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = l.local_addr().expect("addr").port();
        let ports = ports_of(std::process::id(), &listening_sockets());
        assert!(ports.contains(&port), "{ports:?} lacks {port}");
    }
}
