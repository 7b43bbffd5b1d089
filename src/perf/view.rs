//! Builds the Performance tab's view from the process's monitor and the store: hour figures
//! are read back from the store once a minute (after the minute is written), the minute in
//! progress every few seconds from memory, and each operation keeps the p95 of its last 30
//! minutes for the sparkline. Bottlenecks are judged where the host's figures are (`judge`).

use std::collections::{HashMap, VecDeque};

use super::bottlenecks::{self, Resources, Thresholds};
use super::window::{self, OpMetrics, Timeframe};
use super::{Minute, Monitor, baseline, store};
use crate::cache::Cache;
use crate::model::{OpPerf, PerfView, Snapshot};

const SPARK_MINUTES: usize = 30;

#[derive(Default)]
pub struct ViewBuilder {
    spark: HashMap<String, VecDeque<Option<f64>>>,
    hour: Vec<OpMetrics>,
    baselines: Vec<baseline::Baseline>,
    built_minute: i64,
}

fn p95_ms(m: &Minute) -> Option<f64> {
    (!m.hist.is_empty()).then(|| m.hist.value_at_quantile(0.95) as f64 / 1000.0)
}

impl ViewBuilder {
    /// Rolls and persists the monitor's minutes; once per minute rereads the hour from the
    /// store. Returns the view and the baselines to judge regressions against.
    pub fn step(
        &mut self,
        monitor: &Monitor,
        cache: &Cache,
        now_minute: i64,
    ) -> (PerfView, Vec<baseline::Baseline>) {
        monitor.roll(now_minute);
        let done = monitor.take_done();
        for (_, ops) in &done {
            for s in self.spark.values_mut() {
                s.push_back(None);
            }
            for (op, m) in ops {
                let s = self
                    .spark
                    .entry(op.clone())
                    .or_insert_with(|| VecDeque::from(vec![None]));
                if let Some(last) = s.back_mut() {
                    *last = p95_ms(m);
                }
            }
            for s in self.spark.values_mut() {
                while s.len() > SPARK_MINUTES {
                    s.pop_front();
                }
            }
        }
        let persisted = !done.is_empty();
        store::write(&done, cache);
        if persisted || self.built_minute != now_minute {
            self.built_minute = now_minute;
            let ops = store::load(cache, now_minute - 60, now_minute + 1, &monitor.unsaved());
            self.hour = window::table(Timeframe::Hour, &ops);
            self.baselines = baseline::all(cache);
        }
        let unsaved = monitor.unsaved();
        let now_ops: Option<&HashMap<String, Minute>> = unsaved
            .iter()
            .find(|(m, _)| *m == now_minute)
            .map(|(_, o)| o);
        // Operations first seen in the minute in progress show at once, with its figures,
        // rather than after the minute is written and the hour reread.
        let mut hour = self.hour.clone();
        if let Some(now_ops) = now_ops {
            for (op, m) in now_ops {
                if !m.hist.is_empty() && !hour.iter().any(|h| &h.operation == op) {
                    hour.push(window::metrics(op, Timeframe::Hour, m));
                }
            }
            hour.sort_by(|a, b| {
                b.p95_ms
                    .total_cmp(&a.p95_ms)
                    .then(a.operation.cmp(&b.operation))
            });
        }
        let operations = hour
            .iter()
            .map(|h| OpPerf {
                operation: h.operation.clone(),
                count_1h: h.count,
                success_rate_1h: h.success_rate,
                p50_ms_1h: h.p50_ms,
                p95_ms_1h: h.p95_ms,
                p99_ms_1h: h.p99_ms,
                max_ms_1h: h.max_ms,
                p95_ms_now: now_ops
                    .and_then(|o| o.get(&h.operation))
                    .and_then(p95_ms)
                    .unwrap_or(0.0),
                p95_per_minute: self
                    .spark
                    .get(&h.operation)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default(),
            })
            .collect();
        (
            PerfView {
                at: Some(chrono::Utc::now()),
                operations,
                cache: cache.stats(),
                bottlenecks: Vec::new(),
                last_bulk: None,
            },
            self.baselines.clone(),
        )
    }
}

/// The host's figures as the bottleneck rules take them (no I/O wait: that needs two reads
/// of /proc/stat, which the CLI makes).
pub fn resources_of(s: &Snapshot) -> Resources {
    let h = s.host.data.as_ref();
    Resources {
        cpu_percent: h.map(|h| f64::from(h.cpu_percent)),
        memory_used_percent: h
            .filter(|h| h.memory_total_bytes > 0)
            .map(|h| 100.0 * h.memory_used_bytes as f64 / h.memory_total_bytes as f64),
        memory_used_bytes: h.map(|h| h.memory_used_bytes),
        memory_total_bytes: h.map(|h| h.memory_total_bytes),
        iowait_percent: None,
        load_average: h.map(|h| h.load_average),
        disks: h
            .map(|h| {
                h.disks
                    .iter()
                    .filter(|d| d.total_bytes > 0)
                    .map(|d| {
                        (
                            d.mount_point.clone(),
                            100.0 * d.used_bytes as f64 / d.total_bytes as f64,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        kubo: format!("{:?}", s.kubo.state).to_lowercase(),
        cluster: format!("{:?}", s.cluster.state).to_lowercase(),
        kubo_internal: s.kubo.data.as_ref().and_then(|k| k.own_latency.clone()),
    }
}

/// Adds the bottlenecks judged from the snapshot's host and the view's hour figures.
pub fn judge(mut view: PerfView, s: &Snapshot, baselines: &[baseline::Baseline]) -> PerfView {
    let ops: Vec<OpMetrics> = view
        .operations
        .iter()
        .map(|o| OpMetrics {
            operation: o.operation.clone(),
            timeframe: Timeframe::Hour,
            count: o.count_1h,
            failed: 0,
            success_rate: o.success_rate_1h,
            p50_ms: o.p50_ms_1h,
            p95_ms: o.p95_ms_1h,
            p99_ms: o.p99_ms_1h,
            max_ms: o.max_ms_1h,
        })
        .collect();
    view.bottlenecks = bottlenecks::find(&resources_of(s), &ops, baselines, &Thresholds::default());
    view
}
