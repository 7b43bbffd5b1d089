//! Host figures from sysinfo and statvfs.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct HostStats {
    pub hostname: Option<String>,
    /// CPU use over all cores, 0-100.
    pub cpu_percent: f32,
    /// CPU use per core, 0-100 each.
    pub cpu_per_core: Vec<f32>,
    pub memory_total_bytes: u64,
    pub memory_used_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
    /// 1, 5 and 15 minute load averages.
    pub load_average: [f64; 3],
    pub uptime_secs: u64,
    pub disks: Vec<DiskStats>,
    /// Bytes per second over all non-loopback interfaces since the previous sample.
    pub net_rx_bytes_per_sec: f64,
    pub net_tx_bytes_per_sec: f64,
    pub net_rx_total_bytes: u64,
    pub net_tx_total_bytes: u64,
    /// Kubo and Cluster daemons found on this host.
    pub processes: Vec<ProcessStats>,
}

/// One filesystem's space, in df's terms (`df -B1 --output=size,used,avail,pcent`).
#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct DiskStats {
    pub mount_point: String,
    pub file_system: String,
    pub total_bytes: u64,
    /// Free blocks, including those reserved for root (statvfs `f_bfree`).
    pub free_bytes: u64,
    /// What an unprivileged writer can still use (statvfs `f_bavail`).
    pub available_bytes: u64,
    /// total − free, as df counts it (not total − available: the root reserve is not used).
    pub used_bytes: u64,
    /// df's Use%: used / (used + available), rounded up to a whole percent; None when both
    /// are zero.
    pub use_percent: Option<f64>,
}

impl DiskStats {
    /// The figures derived the way df derives them (coreutils df.c), from statvfs's three.
    pub fn new(
        mount_point: String,
        file_system: String,
        total_bytes: u64,
        free_bytes: u64,
        available_bytes: u64,
    ) -> DiskStats {
        let used = total_bytes.saturating_sub(free_bytes);
        let nonroot_total = u128::from(used) + u128::from(available_bytes);
        let use_percent = (nonroot_total > 0).then(|| {
            let u100 = u128::from(used) * 100;
            (u100.div_ceil(nonroot_total)) as f64
        });
        DiskStats {
            mount_point,
            file_system,
            total_bytes,
            free_bytes,
            available_bytes,
            used_bytes: used,
            use_percent,
        }
    }

    /// The share left to unprivileged writers, 100 − Use%: what the disk alert watches.
    pub fn available_percent(&self) -> Option<f64> {
        self.use_percent.map(|p| 100.0 - p)
    }
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, JsonSchema)]
pub struct ProcessStats {
    /// `kubo` or `cluster`.
    pub role: String,
    pub pid: u32,
    pub name: String,
    /// CPU use in percent of one core (may exceed 100 on several cores).
    pub cpu_percent: f32,
    pub rss_bytes: u64,
    pub run_time_secs: u64,
    /// The TCP ports it listens on (its API among them), sorted; empty when unreadable.
    pub listen_ports: Vec<u16>,
}

#[cfg(test)]
mod tests {
    use super::DiskStats;

    const GIB: u64 = 1 << 30;

    #[test]
    fn disk_figures_follow_df() {
        // The case: a filesystem with a large root reserve (free far above available).
        let d = DiskStats::new("/".into(), "ext4".into(), 252 * GIB, 237 * GIB, 76 * GIB);
        assert_eq!(d.used_bytes, 15 * GIB);
        // 15 / (15 + 76) = 16.48% -> df says 17%.
        assert_eq!(d.use_percent, Some(17.0));
        assert_eq!(d.available_percent(), Some(83.0));
        // Exactly divisible: no rounding up.
        let d = DiskStats::new("/x".into(), "ext4".into(), 100, 50, 50);
        assert_eq!(d.use_percent, Some(50.0));
        // A full filesystem whose free blocks are all reserved: 100%.
        let d = DiskStats::new("/y".into(), "ext4".into(), 100, 5, 0);
        assert_eq!(d.use_percent, Some(100.0));
        assert_eq!(
            DiskStats::new("/z".into(), "tmpfs".into(), 0, 0, 0).use_percent,
            None
        );
    }
}
