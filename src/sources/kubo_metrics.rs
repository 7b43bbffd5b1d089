//! Kubo's own latencies, read from its Prometheus endpoint (`GET /debug/metrics/prometheus`
//! on the RPC listener): the datastore's operations (go-ds-measure histograms
//! `ipfs_fsrepo_datastore_<op>_latency_seconds`) and its RPC as a whole
//! (`ipfs_http_request_duration_seconds{handler="api"}`, a summary over a sliding window).
//! The counters are cumulative since Kubo started, so two reads give the figures of the time
//! between them, as Prometheus's `rate` would.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::Method;

use super::http::{ApiError, HttpApi, read_limited};
use crate::model::{KuboOwnLatency, KuboOwnOp};

/// The endpoint's answer is ~115 KB on a fresh node; labels grow with peers and protocols.
const BODY_LIMIT: usize = 8 << 20;
/// Read at most this often: the figures are for spotting a slow disk, not for a chart.
pub const READ_EVERY: Duration = Duration::from_secs(30);
const DATASTORE: (&str, &str) = ("ipfs_fsrepo_datastore_", "_latency_seconds");
const RPC: &str = "ipfs_http_request_duration_seconds";

/// One cumulative histogram: (upper bound in seconds, observations ≤ it), sorted by bound.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    pub buckets: Vec<(f64, f64)>,
    pub count: f64,
    pub sum: f64,
}

impl Histogram {
    /// What was observed after `before` (a counter that went down means Kubo restarted:
    /// then everything since the restart).
    fn since(&self, before: &Histogram) -> Histogram {
        if self.count < before.count || self.buckets.len() != before.buckets.len() {
            return self.clone();
        }
        Histogram {
            buckets: self
                .buckets
                .iter()
                .zip(&before.buckets)
                .map(|((le, n), (_, m))| (*le, (n - m).max(0.0)))
                .collect(),
            count: self.count - before.count,
            sum: (self.sum - before.sum).max(0.0),
        }
    }

    /// The q-quantile in seconds, interpolated within its bucket as PromQL's
    /// `histogram_quantile` does; in the +Inf bucket, the highest finite bound.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count <= 0.0 {
            return None;
        }
        let rank = q * self.count;
        let mut lower = (0.0, 0.0);
        for &(le, n) in &self.buckets {
            if n >= rank {
                if le.is_infinite() {
                    return Some(lower.0);
                }
                let width = n - lower.1;
                let frac = if width > 0.0 {
                    (rank - lower.1) / width
                } else {
                    1.0
                };
                return Some(lower.0 + (le - lower.0) * frac);
            }
            lower = (le, n);
        }
        Some(lower.0)
    }
}

/// What one read found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scrape {
    /// By datastore operation (`get`, `put`, `batchcommit`, …).
    pub datastore: BTreeMap<String, Histogram>,
    pub rpc_count: Option<f64>,
    pub rpc_sum: Option<f64>,
    /// Summary quantiles of the RPC (0.5, 0.9, 0.99), seconds.
    pub rpc_quantiles: BTreeMap<String, f64>,
}

/// A sample line: name, labels (name, unescaped value), value.
type Sample<'a> = (&'a str, Vec<(&'a str, String)>, f64);

/// A sample line's name, labels and value; `None` for comments and lines we cannot read.
fn sample(line: &str) -> Option<Sample<'_>> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..name_end];
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(mut body) = rest.strip_prefix('{') {
        loop {
            body = body.trim_start_matches([',', ' ']);
            if let Some(after) = body.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after_eq) = body.split_once("=\"")?;
            let (value, close) = quoted(after_eq)?;
            labels.push((key.trim(), value));
            body = &after_eq[close + 1..];
        }
    }
    let value = number(rest.split_whitespace().next()?)?;
    Some((name, labels, value))
}

/// A label value up to its closing quote (escapes undone) and the quote's index.
fn quoted(s: &str) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (escaped, c) {
            (true, 'n') => {
                value.push('\n');
                escaped = false;
            }
            (true, c) => {
                value.push(c);
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, '"') => return Some((value, i)),
            (false, c) => value.push(c),
        }
    }
    None
}

fn number(s: &str) -> Option<f64> {
    match s {
        "+Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

/// Reads the families we use out of the exposition text; everything else is skipped.
pub fn parse(text: &str) -> Scrape {
    let mut out = Scrape::default();
    for line in text.lines() {
        let Some((name, labels, value)) = sample(line) else {
            continue;
        };
        let label = |k: &str| {
            labels
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.as_str())
        };
        if let Some(rest) = name.strip_prefix(DATASTORE.0)
            && let Some((op, part)) = rest.split_once(DATASTORE.1)
            && !op.is_empty()
        {
            let h = out.datastore.entry(op.to_string()).or_default();
            match part {
                "_bucket" => {
                    if let Some(le) = label("le").and_then(number) {
                        h.buckets.push((le, value));
                    }
                }
                "_sum" => h.sum = value,
                "_count" => h.count = value,
                _ => {}
            }
        } else if let Some(part) = name.strip_prefix(RPC)
            && label("handler") == Some("api")
        {
            match part {
                "" => {
                    if let Some(q) = label("quantile") {
                        out.rpc_quantiles.insert(q.to_string(), value);
                    }
                }
                "_sum" => out.rpc_sum = Some(value),
                "_count" => out.rpc_count = Some(value),
                _ => {}
            }
        }
    }
    for h in out.datastore.values_mut() {
        h.buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

/// The figures of `now` (since `before` when given, else since Kubo started), operations
/// without a call in that time left out; slowest p95 first.
pub fn own_ops(now: &Scrape, before: Option<&Scrape>) -> Vec<KuboOwnOp> {
    let ms = |s: f64| s * 1000.0;
    let mut ops: Vec<KuboOwnOp> = now
        .datastore
        .iter()
        .filter_map(|(op, h)| {
            let h = match before.and_then(|b| b.datastore.get(op)) {
                Some(b) => h.since(b),
                None => h.clone(),
            };
            (h.count >= 1.0).then(|| KuboOwnOp {
                operation: format!("datastore.{op}"),
                count: h.count as u64,
                mean_ms: ms(h.sum / h.count),
                p95_ms: h.quantile(0.95).map(ms),
                p99_ms: None,
            })
        })
        .collect();
    if let (Some(count), Some(sum)) = (now.rpc_count, now.rpc_sum) {
        let (count, sum) = match before.and_then(|b| b.rpc_count.zip(b.rpc_sum)) {
            Some((c0, s0)) if count >= c0 => (count - c0, sum - s0),
            _ => (count, sum),
        };
        let q = |k: &str| now.rpc_quantiles.get(k).copied().filter(|v| v.is_finite());
        if count >= 1.0 {
            ops.push(KuboOwnOp {
                operation: "rpc".into(),
                count: count as u64,
                mean_ms: ms(sum / count),
                // The summary has 0.5, 0.9 and 0.99: 0.9 stands in for p95 (an underestimate).
                p95_ms: q("0.9").map(ms),
                p99_ms: q("0.99").map(ms),
            });
        }
    }
    ops.sort_by(|a, b| {
        b.p95_ms
            .unwrap_or(0.0)
            .total_cmp(&a.p95_ms.unwrap_or(0.0))
            .then_with(|| a.operation.cmp(&b.operation))
    });
    ops
}

/// Reads Kubo's endpoint at most every `READ_EVERY`, keeping the previous read so that the
/// figures are those of the time between two reads.
#[derive(Default)]
pub struct OwnLatency {
    last: Mutex<Option<(Instant, Scrape, KuboOwnLatency)>>,
}

impl OwnLatency {
    pub async fn get(&self, api: &HttpApi) -> Result<KuboOwnLatency, ApiError> {
        if let Ok(last) = self.last.lock()
            && let Some((at, _, figures)) = last.as_ref()
            && at.elapsed() < READ_EVERY
        {
            return Ok(figures.clone());
        }
        let call = "debug/metrics/prometheus";
        let resp = api
            .send(Method::GET, "/debug/metrics/prometheus", &[])
            .await?;
        let body = read_limited(resp, BODY_LIMIT, call).await?;
        let now = parse(&String::from_utf8_lossy(&body));
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let figures = match last.as_ref() {
            Some((at, before, _)) => KuboOwnLatency {
                window_seconds: Some(at.elapsed().as_secs_f64()),
                ops: own_ops(&now, Some(before)),
            },
            None => KuboOwnLatency {
                window_seconds: None,
                ops: own_ops(&now, None),
            },
        };
        *last = Some((Instant::now(), now, figures.clone()));
        Ok(figures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both reads captured from a real Kubo v0.39.0 (`--profile=test`): the first after a few
    /// `id`, `pin/ls` and `add` calls, the second after 50 more `add`s of 300 KB.
    const FIRST: &str = include_str!("../../tests/fixtures/kubo/debug_metrics_prometheus_1.txt");
    const SECOND: &str = include_str!("../../tests/fixtures/kubo/debug_metrics_prometheus_2.txt");

    #[test]
    fn reads_the_datastore_histograms_and_the_rpc_summary() {
        let s = parse(SECOND);
        let put = &s.datastore["put"];
        assert_eq!(put.count, 268.0);
        assert_eq!(put.buckets.len(), 6);
        assert_eq!(put.buckets[1], (0.001, 196.0));
        assert!(put.buckets[5].0.is_infinite());
        assert!(s.datastore.contains_key("batchcommit"));
        assert!(s.rpc_count.is_some_and(|c| c >= 59.0));
        assert_eq!(s.rpc_quantiles.len(), 3);
    }

    #[test]
    fn quantiles_interpolate_within_a_bucket_as_promql_does() {
        let h = Histogram {
            buckets: vec![
                (0.001, 0.0),
                (0.01, 50.0),
                (0.1, 100.0),
                (f64::INFINITY, 100.0),
            ],
            count: 100.0,
            sum: 1.0,
        };
        // Rank 25 is half way through the (1 ms, 10 ms] bucket.
        assert!((h.quantile(0.25).unwrap() - 0.0055).abs() < 1e-12);
        assert!((h.quantile(0.95).unwrap() - 0.091).abs() < 1e-12);
        let inf = Histogram {
            buckets: vec![(1.0, 1.0), (f64::INFINITY, 10.0)],
            count: 10.0,
            sum: 50.0,
        };
        assert_eq!(inf.quantile(0.95), Some(1.0));
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn two_reads_give_the_figures_between_them() {
        let (a, b) = (parse(FIRST), parse(SECOND));
        let between = own_ops(&b, Some(&a));
        let since_start = own_ops(&b, None);
        let put = |ops: &[KuboOwnOp]| {
            ops.iter()
                .find(|o| o.operation == "datastore.put")
                .cloned()
                .expect("datastore.put")
        };
        let (p0, p1) = (put(&since_start), put(&between));
        assert_eq!(p0.count, 268);
        assert_eq!(
            p1.count as f64,
            b.datastore["put"].count - a.datastore["put"].count
        );
        assert!(p1.p95_ms.is_some_and(|p| p > 1.0 && p <= 100.0), "{p1:?}");
        let rpc = between.iter().find(|o| o.operation == "rpc").expect("rpc");
        assert!(rpc.count >= 50, "the 50 adds between the reads: {rpc:?}");
        assert!(rpc.p99_ms.is_some());
        // Slowest first.
        assert!(
            between
                .windows(2)
                .all(|w| w[0].p95_ms.unwrap_or(0.0) >= w[1].p95_ms.unwrap_or(0.0))
        );
        // A Kubo restart (counters back at zero) is not a negative count.
        let restarted = own_ops(&a, Some(&b));
        assert!(restarted.iter().all(|o| o.mean_ms >= 0.0));
        assert_eq!(put(&restarted).count as f64, a.datastore["put"].count);
    }

    #[test]
    fn label_values_with_escapes_and_odd_lines() {
        let (name, labels, v) =
            sample(r#"x_total{a="q\"uo,te}",b="new\nline"} 3.5"#).expect("a sample");
        assert_eq!((name, v), ("x_total", 3.5));
        assert_eq!(
            labels,
            [("a", "q\"uo,te}".to_string()), ("b", "new\nline".into())]
        );
        assert_eq!(sample("plain 7").map(|s| s.2), Some(7.0));
        assert!(sample("# TYPE x counter").is_none());
        assert!(sample(r#"broken{a="x 1"#).is_none());
        assert!(sample("novalue").is_none());
    }
}
