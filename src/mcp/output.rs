//! Tool results: structured JSON, bounded in size (the longest lists are cut, with a
//! "truncated, N more" note), or an error the agent reads with what to do.

use rmcp::model::{CallToolResult, ContentBlock};
use serde::Serialize;
use serde_json::Value;

/// A result's JSON at most this long (about 16k tokens).
pub const MAX_BYTES: usize = 64 * 1024;

/// The largest `limit` a tool takes.
pub const MAX_LIMIT: usize = 1000;

pub fn ok(v: &impl Serialize) -> CallToolResult {
    match serde_json::to_value(v) {
        Ok(v) => bounded(v),
        Err(e) => fail(format!("cannot encode the result: {e}")),
    }
}

pub fn fail(msg: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(msg.into())])
}

/// A `limit` argument checked against [`MAX_LIMIT`].
pub fn limit(given: Option<usize>, default: usize) -> Result<usize, CallToolResult> {
    match given.unwrap_or(default) {
        0 => Err(fail("limit must be at least 1")),
        n if n > MAX_LIMIT => Err(fail(format!(
            "limit {n} is too large: at most {MAX_LIMIT}; page with a smaller limit and the filters"
        ))),
        n => Ok(n),
    }
}

/// `v` as a structured result (an object: other values are under "result"), cut to
/// [`MAX_BYTES`].
pub fn bounded(v: Value) -> CallToolResult {
    let mut v = match v {
        Value::Object(_) => v,
        other => serde_json::json!({ "result": other }),
    };
    let cut = cut_to(&mut v, MAX_BYTES);
    if cut > 0
        && let Some(o) = v.as_object_mut()
    {
        o.insert(
            "truncated".into(),
            Value::String(format!(
                "truncated, {cut} more items not shown: ask with a smaller limit or narrower filters"
            )),
        );
    }
    CallToolResult::structured(v)
}

fn size(v: &Value) -> usize {
    serde_json::to_vec(v).map_or(usize::MAX, |b| b.len())
}

/// Halves the largest array until `v` fits in `max` bytes; returns the items removed.
pub fn cut_to(v: &mut Value, max: usize) -> usize {
    let mut removed = 0;
    while size(v) > max {
        let Some(arr) = largest_array(v) else { break };
        let keep = arr.len() / 2;
        removed += arr.len() - keep;
        arr.truncate(keep);
    }
    removed
}

fn largest_array(v: &mut Value) -> Option<&mut Vec<Value>> {
    // Find the path first (a borrow per step), then walk it mutably.
    fn find(v: &Value, path: &mut Vec<String>, best: &mut Option<(usize, Vec<String>)>) {
        match v {
            Value::Array(a) if !a.is_empty() => {
                let s = size(v);
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    *best = Some((s, path.clone()));
                }
                for (i, x) in a.iter().enumerate() {
                    path.push(i.to_string());
                    find(x, path, best);
                    path.pop();
                }
            }
            Value::Object(o) => {
                for (k, x) in o {
                    path.push(k.clone());
                    find(x, path, best);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut best = None;
    find(v, &mut Vec::new(), &mut best);
    let (_, path) = best?;
    let mut cur = v;
    for p in &path {
        cur = match cur {
            Value::Array(a) => a.get_mut(p.parse::<usize>().ok()?)?,
            Value::Object(o) => o.get_mut(p)?,
            _ => return None,
        };
    }
    cur.as_array_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_cut_with_a_note() {
        let items: Vec<Value> = (0..10_000).map(|i| serde_json::json!({"n": i})).collect();
        let r = bounded(serde_json::json!({"items": items, "kept": 1}));
        let v = r.structured_content.expect("structured");
        assert!(serde_json::to_vec(&v).expect("json").len() <= MAX_BYTES + 200);
        let shown = v["items"].as_array().expect("array").len();
        let note = v["truncated"].as_str().expect("note");
        assert!(note.contains(&format!("{} more", 10_000 - shown)), "{note}");
        assert_eq!(v["kept"], 1);
    }

    #[test]
    fn a_small_document_is_untouched() {
        let r = bounded(serde_json::json!([1, 2]));
        assert_eq!(
            r.structured_content.expect("structured"),
            serde_json::json!({"result": [1, 2]})
        );
    }
}
