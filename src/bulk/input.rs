//! The list a bulk run reads: one CID or IPFS path per line (`Qm…`, `bafy…`, `/ipfs/<cid>`,
//! `/ipfs/<cid>/sub/path`, `ipfs://<cid>`), `#` comments and blank lines ignored. Every line is
//! checked before anything is sent, so a typo on line 900 stops the run before line 1.

use std::collections::HashMap;

use super::cid::Cid;

/// One line to act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// 1-based line number in the input.
    pub line: usize,
    /// The root CID.
    pub cid: Cid,
    /// `/ipfs/<cid>/sub/path` when the line named a path under the CID.
    pub path: Option<String>,
}

impl Item {
    /// What the line names, normalised: the CID, or the `/ipfs/` path. The report's key.
    pub fn target(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.cid.text)
    }
}

/// A line that is not a CID or path; `problem` reads after the line's text ("is not a CID: …").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    /// The line as written (shortened).
    pub text: String,
    pub problem: String,
}

/// The items, the lines that are not CIDs, and repeated lines (line, first line): a repeat is
/// done once, not refused.
pub struct Parsed {
    pub items: Vec<Item>,
    pub bad: Vec<BadLine>,
    pub duplicates: Vec<(usize, usize)>,
}

pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed {
        items: Vec::new(),
        bad: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = strip_comment(raw).trim();
        if content.is_empty() {
            continue;
        }
        match parse_line(content) {
            Ok((cid, path)) => {
                let item = Item { line, cid, path };
                match seen.get(item.target()) {
                    Some(&first) => out.duplicates.push((line, first)),
                    None => {
                        seen.insert(item.target().to_string(), line);
                        out.items.push(item);
                    }
                }
            }
            Err(problem) => out.bad.push(BadLine {
                line,
                text: shorten(content),
                problem,
            }),
        }
    }
    out
}

/// `#` starts a comment at the start of a line or after white space (a path may hold `#`).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

fn parse_line(s: &str) -> Result<(Cid, Option<String>), String> {
    if s.contains('\u{fffd}') {
        return Err("is not UTF-8 text".into());
    }
    if s.split_whitespace().nth(1).is_some() {
        return Err("has more than one word: put one CID or path per line".into());
    }
    let rest = s
        .strip_prefix("/ipfs/")
        .or_else(|| s.strip_prefix("ipfs://"))
        .unwrap_or(s);
    if s.starts_with("/ipns/") || s.starts_with("ipns://") {
        return Err(
            "is an IPNS name: resolve it first (`ipfs name resolve`) and list the /ipfs/ path"
                .into(),
        );
    }
    let (root, sub) = match rest.split_once('/') {
        Some((root, sub)) => (root, sub.trim_end_matches('/')),
        None => (rest, ""),
    };
    let cid = Cid::parse(root).map_err(|e| {
        if root == s {
            format!("is not a CID: {e}")
        } else {
            format!("starts with {root:?}, which is not a CID: {e}")
        }
    })?;
    let path = (!sub.is_empty()).then(|| format!("/ipfs/{root}/{sub}"));
    Ok((cid, path))
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(79).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V0: &str = "QmW9g8uq43EiXhFiqVDVYY4Yb73XPJRukR8sJYJdFAjVTG";
    const V1: &str = "bafybeidubw4ikz2gddi5dd54yn6s2sm57fn5xf235ginukt4gmjhnmkrim";

    #[test]
    fn lines_comments_paths_and_bad_lines() {
        let text = format!(
            "# a list\n{V0}\n\n  /ipfs/{V1}/docs/a#b.txt  # a comment\nipfs://{V1}\n\
             Qm123\n/ipns/example.com\n{V0}\n{V0} {V1}\n"
        );
        let p = parse(&text);
        let targets: Vec<(usize, &str)> = p.items.iter().map(|i| (i.line, i.target())).collect();
        let path = format!("/ipfs/{V1}/docs/a#b.txt");
        assert_eq!(targets, vec![(2, V0), (4, path.as_str()), (5, V1)]);
        assert_eq!(p.items[1].cid.text, V1);
        assert_eq!(p.duplicates, vec![(8, 2)]);
        let bad: Vec<usize> = p.bad.iter().map(|b| b.line).collect();
        assert_eq!(bad, vec![6, 7, 9]);
        assert!(p.bad[0].problem.contains("46 characters"), "{:?}", p.bad[0]);
        assert!(p.bad[1].problem.contains("IPNS"));
        assert!(p.bad[2].problem.contains("one CID or path per line"));
    }
}
