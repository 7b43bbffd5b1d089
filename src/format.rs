//! Human formatting for the short summary (the dashboard has its own in the widgets crate).

pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

pub fn rate(bytes_per_sec: f64) -> String {
    format!("{}/s", bytes(bytes_per_sec.max(0.0) as u64))
}

/// A peer ID shortened to its head and tail, the way operators recognise them. Counted in
/// characters: the ID comes from a server and need not be ASCII.
pub fn short_id(id: &str) -> String {
    short_id_with(id, "…")
}

/// The first 8 and last 6 characters of a long id with `ellipsis` between. Counted in
/// characters, not bytes: ids come from outside the process and may not be ASCII.
pub fn short_id_with(id: &str, ellipsis: &str) -> String {
    let n = id.chars().count();
    if n <= 16 {
        return id.to_string();
    }
    let head: String = id.chars().take(8).collect();
    let tail: String = id.chars().skip(n - 6).collect();
    format!("{head}{ellipsis}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_cut_on_characters() {
        let id = "ééééééééééééééééééé";
        assert_eq!(short_id(id), "éééééééé…éééééé");
        assert_eq!(
            short_id_with("12D3KooWAbCdEfGhIjKlMn", "~"),
            "12D3KooW~IjKlMn"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(10_000_000_000), "9.3 GiB");
        assert_eq!(rate(2048.0), "2.0 KiB/s");
        assert_eq!(
            short_id("12D3KooWAZWobXKmv41yf9DEkDCpR3jxwQji9ERVqNaHQgGmVWQP"),
            "12D3KooW…GmVWQP"
        );
        assert_eq!(short_id("ééééééééééééééééé"), "éééééééé…éééééé");
    }
}
