//! What limits the node now (pure: the caller gathers `Resources`), each with a severity and a recommendation naming the setting to
//! change: host CPU, memory, I/O wait (from /proc/stat over the sampling time), slow
//! endpoints (p95 over the last hour), regressions against saved baselines.

use std::io::Write;

use serde::Serialize;

use crate::perf::baseline::{self, Baseline};
use crate::perf::window::OpMetrics;
use crate::term;

#[derive(Clone, Debug, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Resources {
    pub cpu_percent: Option<f64>,
    pub memory_used_percent: Option<f64>,
    pub memory_used_bytes: Option<u64>,
    pub memory_total_bytes: Option<u64>,
    /// Share of CPU time spent waiting for I/O while sampling (Linux /proc/stat).
    pub iowait_percent: Option<f64>,
    pub load_average: Option<[f64; 3]>,
    /// (mount point, used %) of each disk.
    pub disks: Vec<(String, f64)>,
    pub kubo: String,
    pub cluster: String,
}

pub fn print_resources(w: &mut dyn Write, r: &Resources) -> anyhow::Result<()> {
    let pct = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1}%"));
    term::line(
        w,
        format_args!(
            "host: CPU {}, memory {}, I/O wait {}, load {}; Kubo {}, Cluster {}",
            pct(r.cpu_percent),
            pct(r.memory_used_percent),
            pct(r.iowait_percent),
            r.load_average.map_or("-".into(), |l| format!(
                "{:.2} {:.2} {:.2}",
                l[0], l[1], l[2]
            )),
            r.kubo,
            r.cluster
        ),
    )?;
    for (m, p) in &r.disks {
        term::line(w, format_args!("disk {m}: {p:.1}% used"))?;
    }
    Ok(())
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Bottleneck {
    // A Cow so a snapshot document can be read back (`dashboard … --snapshot FILE`).
    pub kind: std::borrow::Cow<'static, str>,
    pub subject: String,
    pub severity: Severity,
    pub observed: String,
    pub recommendation: String,
}

pub struct Thresholds {
    pub cpu: f64,
    pub memory: f64,
    pub slow_factor: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            cpu: 80.0,
            memory: 80.0,
            slow_factor: 2.0,
        }
    }
}

/// An endpoint whose p95 over the last hour is above this is slow.
const SLOW_P95_MS: f64 = 500.0;
/// Regressions need this many samples in the window.
const MIN_SAMPLES: u64 = 20;

/// The setting that makes an operation called less often (or given longer).
fn setting_for(op: &str) -> &'static str {
    match op {
        o if o.starts_with("kubo.repo/stat") => {
            "[kubo] full_repo_stat_every (the full repo/stat walks every block)"
        }
        o if o.starts_with("kubo.pin/ls") => "[kubo] pins_every (counting pins lists them all)",
        o if o.starts_with("kubo.") => "[kubo] interval or [kubo] timeout",
        o if o.starts_with("cluster.pins") => {
            "[cluster] pin_status_every (Cluster lists every pin of its Kubo)"
        }
        o if o.starts_with("cluster.") => "[cluster] interval or [cluster] timeout",
        o if o.starts_with("tui.") => "[host] interval, or a smaller terminal",
        _ => "[collector] interval",
    }
}

fn sev(value: f64, threshold: f64) -> Severity {
    if value >= threshold + (100.0 - threshold) / 2.0 {
        Severity::High
    } else {
        Severity::Medium
    }
}

pub fn find(
    r: &Resources,
    ops: &[OpMetrics],
    baselines: &[Baseline],
    t: &Thresholds,
) -> Vec<Bottleneck> {
    let mut out = Vec::new();
    if let Some(cpu) = r.cpu_percent.filter(|c| *c >= t.cpu) {
        out.push(Bottleneck {
            kind: "cpu".into(),
            subject: "host".into(),
            severity: sev(cpu, t.cpu),
            observed: format!("CPU {cpu:.1}% (threshold {:.0}%)", t.cpu),
            recommendation: "lower Kubo's work (Swarm.ConnMgr.HighWater, Reprovider.Strategy in Kubo's config) or poll less often ([host] interval, [kubo] interval)".into(),
        });
    }
    if let Some(mem) = r.memory_used_percent.filter(|m| *m >= t.memory) {
        out.push(Bottleneck {
            kind: "memory".into(),
            subject: "host".into(),
            severity: sev(mem, t.memory),
            observed: format!("memory {mem:.1}% used (threshold {:.0}%)", t.memory),
            recommendation: "cap Kubo's connections (Swarm.ConnMgr.HighWater, Swarm.ResourceMgr.MaxMemory) or shrink ipfs-kit's [cache] memory_max_bytes".into(),
        });
    }
    if let Some(io) = r.iowait_percent.filter(|w| *w >= 20.0) {
        out.push(Bottleneck {
            kind: "io_wait".into(),
            subject: "host".into(),
            severity: if io >= 40.0 { Severity::High } else { Severity::Medium },
            observed: format!("{io:.1}% of CPU time waiting for I/O"),
            recommendation: "the repo's disk is saturated: move Kubo's datastore (Datastore.Spec) to faster storage, or run GC less often (Datastore.GCPeriod)".into(),
        });
    }
    for (mount, used) in r.disks.iter().filter(|(_, u)| *u >= 90.0) {
        out.push(Bottleneck {
            kind: "disk_space".into(),
            subject: mount.clone(),
            severity: if *used >= 95.0 {
                Severity::High
            } else {
                Severity::Medium
            },
            observed: format!("{used:.1}% used"),
            recommendation:
                "free space or lower Kubo's Datastore.StorageMax and run `ipfs repo gc`".into(),
        });
    }
    for o in ops
        .iter()
        .filter(|o| o.p95_ms >= SLOW_P95_MS && o.count >= MIN_SAMPLES)
    {
        out.push(Bottleneck {
            kind: "slow_endpoint".into(),
            subject: o.operation.clone(),
            severity: if o.p95_ms >= 4.0 * SLOW_P95_MS {
                Severity::High
            } else {
                Severity::Medium
            },
            observed: format!(
                "p95 {:.0} ms over {} calls in the last hour",
                o.p95_ms, o.count
            ),
            recommendation: format!(
                "call it less often or give it longer: {}",
                setting_for(&o.operation)
            ),
        });
    }
    for b in baselines {
        let Some(o) = ops.iter().find(|o| o.operation == b.operation) else {
            continue;
        };
        if let Some(reg) = baseline::check(b, o.p95_ms, o.count, t.slow_factor, MIN_SAMPLES) {
            out.push(Bottleneck {
                kind: "regression".into(),
                subject: reg.operation.clone(),
                severity: if reg.ratio >= 2.0 * t.slow_factor {
                    Severity::High
                } else {
                    Severity::Low
                },
                observed: format!(
                    "p95 {:.1} ms against a baseline of {:.1} ms ({:.1}×)",
                    reg.current_p95_ms, reg.baseline_p95_ms, reg.ratio
                ),
                recommendation: format!(
                    "something changed since the baseline of {}: check the daemon's logs; {}",
                    b.taken_at.format("%Y-%m-%d %H:%M"),
                    setting_for(&reg.operation)
                ),
            });
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.severity));
    out
}

pub fn print(w: &mut dyn Write, found: &[Bottleneck]) -> anyhow::Result<()> {
    if found.is_empty() {
        term::line(w, format_args!("no bottlenecks"))?;
    }
    for b in found {
        term::line(
            w,
            format_args!(
                "{:<6} {:<14} {}: {}",
                format!("{:?}", b.severity).to_lowercase(),
                b.kind,
                b.subject,
                b.observed
            ),
        )?;
        term::line(w, format_args!("       → {}", b.recommendation))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perf::window::Timeframe;

    fn res(cpu: f64, mem: f64) -> Resources {
        Resources {
            cpu_percent: Some(cpu),
            memory_used_percent: Some(mem),
            memory_used_bytes: None,
            memory_total_bytes: None,
            iowait_percent: Some(1.0),
            load_average: None,
            disks: vec![("/".into(), 50.0)],
            kubo: "ok".into(),
            cluster: "ok".into(),
        }
    }

    fn op(name: &str, p95: f64, count: u64) -> OpMetrics {
        OpMetrics {
            operation: name.into(),
            timeframe: Timeframe::Hour,
            count,
            failed: 0,
            success_rate: 1.0,
            p50_ms: p95 / 2.0,
            p95_ms: p95,
            p99_ms: p95,
            max_ms: p95,
        }
    }

    #[test]
    fn each_kind_names_the_setting_to_change() {
        let b = Baseline {
            operation: "kubo.id".into(),
            p50_ms: 1.0,
            p95_ms: 2.0,
            p99_ms: 3.0,
            samples: 100,
            timeframe: "1h".into(),
            taken_at: chrono::Utc::now(),
        };
        let found = find(
            &res(95.0, 85.0),
            &[
                op("kubo.repo/stat", 2500.0, 50),
                op("kubo.id", 10.0, 100),
                op("cluster.id", 1.0, 100),
            ],
            &[b],
            &Thresholds::default(),
        );
        let kinds: Vec<&str> = found.iter().map(|b| &*b.kind).collect();
        assert!(
            kinds.contains(&"cpu") && kinds.contains(&"memory"),
            "{kinds:?}"
        );
        let slow = found
            .iter()
            .find(|b| b.kind == "slow_endpoint")
            .expect("slow");
        assert!(slow.recommendation.contains("[kubo] full_repo_stat_every"));
        let reg = found
            .iter()
            .find(|b| b.kind == "regression")
            .expect("regression");
        assert_eq!(reg.subject, "kubo.id");
        assert_eq!(found[0].severity, Severity::High);
        assert!(
            find(
                &res(10.0, 10.0),
                &[op("kubo.id", 1.0, 100)],
                &[],
                &Thresholds::default()
            )
            .is_empty()
        );
    }
}
