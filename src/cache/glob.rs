//! Glob patterns for `cache-invalidate --pattern`: `*` any run of characters, `?` one
//! character, everything else literal.

/// Whether `text` matches `pattern` as a whole (iterative, with one backtrack point: linear
/// for the patterns people write).
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("kubo.*", "kubo.repo_stat"));
        assert!(matches("*", ""));
        assert!(matches("k?bo.*stat", "kubo.repo_stat"));
        assert!(matches("*.pins.*", "cluster.pins.status"));
        assert!(!matches("kubo.*", "cluster.id"));
        assert!(!matches("kubo", "kubo.id"));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
    }
}
