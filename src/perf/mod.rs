//! The performance monitor: every timed operation (RPC calls by endpoint, collector passes,
//! frame renders, supervisor actions, pin operations) goes into an HDR histogram of its
//! current minute, with its success count. Each minute the running ipfs-kit (dashboard or
//! `supervise`) writes the finished minutes into the cache's store (store.rs), so that a
//! separate `ipfs-kit performance …` process reads 1m/1h/24h windows (window.rs), baselines
//! and regressions (baseline.rs).
//!
//! Recording takes one uncontended lock and a histogram increment (≈40 ns, BENCHMARKS.md);
//! nothing is allocated after an operation's first sample.

pub mod baseline;
pub mod bottlenecks;
pub mod store;
pub mod totals;
pub mod view;
pub mod window;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// Microseconds, 1 µs to 1 h, two significant digits (1% error).
const HIGH_US: u64 = 3_600_000_000;
const SIGFIG: u8 = 2;

pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGH_US, SIGFIG).expect("constant bounds hdrhistogram accepts")
}

/// One operation's samples over one minute.
#[derive(Clone)]
pub struct Minute {
    pub hist: Histogram<u64>,
    pub ok: u64,
    pub failed: u64,
}

impl Minute {
    pub fn new() -> Minute {
        Minute {
            hist: new_histogram(),
            ok: 0,
            failed: 0,
        }
    }

    pub fn count(&self) -> u64 {
        self.ok + self.failed
    }

    /// Adds another minute's samples (merging windows).
    pub fn merge(&mut self, other: &Minute) {
        let _ = self.hist.add(&other.hist);
        self.ok += other.ok;
        self.failed += other.failed;
    }
}

impl Default for Minute {
    fn default() -> Self {
        Minute::new()
    }
}

/// FNV-1a: operation names are short and ours, so a DoS-resistant hash (SipHash, a third
/// of a record's cost) buys nothing here.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type OpMap = HashMap<String, Minute, std::hash::BuildHasherDefault<Fnv>>;

struct Current {
    /// Unix minute the samples belong to.
    minute: i64,
    ops: OpMap,
    /// Finished minutes not yet written to the store.
    done: Vec<(i64, HashMap<String, Minute>)>,
    /// Every finished minute, folded in as it closes (for `/metrics`).
    totals: HashMap<String, totals::Totals, std::hash::BuildHasherDefault<Fnv>>,
}

pub struct Monitor {
    current: Mutex<Current>,
}

pub fn unix_minute() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(60)
}

impl Monitor {
    pub fn new() -> Monitor {
        Monitor {
            current: Mutex::new(Current {
                minute: unix_minute(),
                ops: OpMap::default(),
                done: Vec::new(),
                totals: HashMap::default(),
            }),
        }
    }

    /// One sample of `op` that took `took`.
    pub fn record(&self, op: &str, took: Duration, ok: bool) {
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
        let mut c = self.current.lock().unwrap_or_else(|p| p.into_inner());
        let entry = match c.ops.get_mut(op) {
            Some(m) => m,
            None => c.ops.entry(op.to_string()).or_default(),
        };
        entry.hist.saturating_record(us);
        if ok {
            entry.ok += 1;
        } else {
            entry.failed += 1;
        }
    }

    /// Closes the current minute when the clock has moved on (called by the persister each
    /// few seconds, so `record` never reads the clock).
    pub fn roll(&self, now_minute: i64) {
        let mut c = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if now_minute > c.minute {
            let ops: HashMap<String, Minute> = std::mem::take(&mut c.ops).into_iter().collect();
            for (op, m) in &ops {
                c.totals.entry(op.clone()).or_default().add(m);
            }
            let minute = c.minute;
            if !ops.is_empty() {
                c.done.push((minute, ops));
            }
            c.minute = now_minute;
        }
    }

    /// The finished minutes, for the store; they are gone from the monitor after this.
    pub fn take_done(&self) -> Vec<(i64, HashMap<String, Minute>)> {
        let mut c = self.current.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut c.done)
    }

    /// Puts minutes back after a failed write (they are tried again next time).
    pub fn give_back(&self, mut minutes: Vec<(i64, HashMap<String, Minute>)>) {
        let mut c = self.current.lock().unwrap_or_else(|p| p.into_inner());
        minutes.append(&mut c.done);
        c.done = minutes;
    }

    /// This process's samples not yet in the store (the current minute and finished ones),
    /// so that a window read in the recording process is complete.
    pub fn unsaved(&self) -> Vec<(i64, HashMap<String, Minute>)> {
        let c = self.current.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = c.done.clone();
        out.push((
            c.minute,
            c.ops.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        ));
        out
    }

    /// Each operation's samples since the process started (finished minutes and the one in
    /// progress), for `/metrics`: the counts only grow.
    pub fn totals(&self) -> HashMap<String, totals::Totals> {
        let c = self.current.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: HashMap<String, totals::Totals> = c
            .totals
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (op, m) in &c.ops {
            out.entry(op.clone()).or_default().add(m);
        }
        out
    }
}

impl Default for Monitor {
    fn default() -> Self {
        Monitor::new()
    }
}

/// The last bulk pin run's summary (written by `pin add|rm --from`), if one ran and its
/// file reads.
pub fn last_bulk_run(state_dir: &std::path::Path) -> Option<serde_json::Value> {
    let last = crate::bulk::stats::read_last(state_dir).ok()??;
    serde_json::to_value(last).ok()
}

/// The process's monitor.
pub fn global() -> &'static Monitor {
    static M: OnceLock<Monitor> = OnceLock::new();
    M.get_or_init(Monitor::new)
}

/// Records one sample in the process's monitor.
pub fn record(op: &str, took: Duration, ok: bool) {
    global().record(op, took, ok);
}

/// Times `f` as `op`; `ok` judges its result.
pub fn timed<T>(op: &str, f: impl FnOnce() -> T, ok: impl Fn(&T) -> bool) -> T {
    let t = Instant::now();
    let out = f();
    record(op, t.elapsed(), ok(&out));
    out
}

/// Times an async operation as `op`; a `Result`'s `Err` counts as a failure.
pub async fn timed_async<T, E>(
    op: &str,
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let t = Instant::now();
    let out = fut.await;
    record(op, t.elapsed(), out.is_ok());
    out
}

#[cfg(test)]
mod tests;
