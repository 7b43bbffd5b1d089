//! A line diff to show before applying, with secret-looking values masked.

/// Lines of context kept around each change.
const CONTEXT: usize = 2;

/// `- old` / `+ new` lines with a little context; `(no changes)` when equal. Values of
/// keys that look like secrets (`auth = "bearer:..."`, `password = ...`) show as `***`,
/// since an existing config.toml may hold one the operator wrote by hand.
pub fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = line_ops(&a, &b);
    if ops.iter().all(|op| matches!(op, Op::Same(_))) {
        return "(no changes)\n".into();
    }
    let near_change = |i: usize| {
        let lo = i.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT).min(ops.len() - 1);
        ops[lo..=hi].iter().any(|op| !matches!(op, Op::Same(_)))
    };
    let mut out = String::new();
    let mut skipped = false;
    for (i, op) in ops.iter().enumerate() {
        let (mark, line) = match op {
            Op::Same(_) if !near_change(i) => {
                skipped = true;
                continue;
            }
            Op::Same(l) => (' ', *l),
            Op::Del(l) => ('-', *l),
            Op::Add(l) => ('+', *l),
        };
        if skipped {
            out.push_str("  ...\n");
            skipped = false;
        }
        out.push(mark);
        out.push(' ');
        out.push_str(&redact_line(line));
        out.push('\n');
    }
    if skipped {
        out.push_str("  ...\n");
    }
    out
}

enum Op<'a> {
    Same(&'a str),
    Del(&'a str),
    Add(&'a str),
}

/// Longest common subsequence over lines: config files are small, so O(n*m) is fine.
fn line_ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::with_capacity(n + m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same(a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Removals before additions, as diff(1) prints them.
            ops.push(Op::Del(a[i]));
            i += 1;
        } else {
            ops.push(Op::Add(b[j]));
            j += 1;
        }
    }
    ops
}

/// Masks the value of `key = "..."` when the key names a secret. References such as
/// `secret_env = "VAR"` or `credential = "name"` are not secrets and stay readable.
pub(crate) fn redact_line(line: &str) -> String {
    let Some((key, value)) = line.split_once('=') else {
        return line.to_string();
    };
    let k = key.trim().trim_matches('"').to_ascii_lowercase();
    let is_reference = k.ends_with("_env") || k == "credential";
    let looks_secret = ["secret", "password", "token", "auth"]
        .iter()
        .any(|w| k.contains(w));
    let is_string = value.trim_start().starts_with(['"', '\'']);
    if looks_secret && !is_reference && is_string {
        format!("{key}= \"***\"")
    } else {
        line.to_string()
    }
}
