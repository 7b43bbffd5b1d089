//! Gathering `Resources` for `performance resources|bottlenecks|summary`: the host through one
//! collection (the watched node located as every mode does) and I/O wait from /proc/stat
//! across it.

use crate::config::Config;
use crate::perf::bottlenecks::Resources;

/// (iowait, total) jiffies of all CPUs, from the first line of /proc/stat.
fn cpu_jiffies() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<u64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    Some((*v.get(4)?, v.iter().take(8).sum()))
}

pub async fn gather(cfg: &Config) -> Resources {
    let before = cpu_jiffies();
    let mut located = cfg.clone();
    crate::locate::locate(&mut located).await;
    let snap = crate::collector::collect_once(&located, std::time::Duration::from_secs(3)).await;
    let after = cpu_jiffies();
    let iowait_percent = match (before, after) {
        (Some((w0, t0)), Some((w1, t1))) if t1 > t0 => {
            Some(100.0 * (w1 - w0) as f64 / (t1 - t0) as f64)
        }
        _ => None,
    };
    let h = snap.host.data.as_ref();
    Resources {
        cpu_percent: h.map(|h| f64::from(h.cpu_percent)),
        memory_used_percent: h
            .filter(|h| h.memory_total_bytes > 0)
            .map(|h| 100.0 * h.memory_used_bytes as f64 / h.memory_total_bytes as f64),
        memory_used_bytes: h.map(|h| h.memory_used_bytes),
        memory_total_bytes: h.map(|h| h.memory_total_bytes),
        iowait_percent,
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
        kubo: format!("{:?}", snap.kubo.state).to_lowercase(),
        cluster: format!("{:?}", snap.cluster.state).to_lowercase(),
    }
}
