//! Host figures from sysinfo.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
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

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DiskStats {
    pub mount_point: String,
    pub file_system: String,
    pub total_bytes: u64,
    pub available_bytes: u64,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
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
