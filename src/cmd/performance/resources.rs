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
    Resources {
        iowait_percent,
        ..crate::perf::view::resources_of(&snap)
    }
}
