//! The host source: CPU, memory, load, disks, network rates and the Kubo/Cluster processes,
//! from sysinfo. Sampling is synchronous (procfs reads), so callers run it on a blocking thread.

use std::collections::HashSet;
use std::time::Instant;

use sysinfo::{Disks, Networks, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

use crate::model::{DiskStats, HostStats, ProcessStats};

/// Processes listed at most per role, so a host running many test daemons stays bounded.
const MAX_PROCS_PER_ROLE: usize = 8;
const MAX_DISKS: usize = 32;

pub struct HostSampler {
    sys: System,
    networks: Networks,
    disks: Disks,
    last_net: Option<Instant>,
    /// Kubo/Cluster processes found by the last full scan; refreshed alone in between, as
    /// reading every process's /proc entries each tick is most of the collector's CPU.
    daemon_pids: Vec<sysinfo::Pid>,
    samples: u32,
}

/// A full process scan (to find new daemons) every this many samples.
const FULL_SCAN_EVERY: u32 = 10;

impl HostSampler {
    /// Creates the sampler and takes a first CPU/network reading, which rates are measured from.
    pub fn new() -> Result<Self, String> {
        let mut sys = System::new().map_err(|e| format!("cannot read system info: {e}"))?;
        sys.refresh_cpu_all();
        let networks = Networks::new_with_refreshed_list()
            .map_err(|e| format!("cannot list network interfaces: {e}"))?;
        let disks =
            Disks::new_with_refreshed_list().map_err(|e| format!("cannot list disks: {e}"))?;
        let mut me = HostSampler {
            sys,
            networks,
            disks,
            last_net: Some(Instant::now()),
            daemon_pids: Vec::new(),
            samples: 0,
        };
        me.refresh_processes();
        Ok(me)
    }

    fn refresh_processes(&mut self) {
        let full = self.samples.is_multiple_of(FULL_SCAN_EVERY);
        self.samples = self.samples.wrapping_add(1);
        let which = if full {
            ProcessesToUpdate::All
        } else {
            ProcessesToUpdate::Some(&self.daemon_pids)
        };
        self.sys.refresh_processes_specifics(
            which,
            true,
            ProcessRefreshKind::nothing()
                .with_cpu()
                .with_memory()
                .with_cmd(UpdateKind::OnlyIfNotSet)
                .with_exe(UpdateKind::OnlyIfNotSet),
        );
    }

    /// A new sample. CPU and network figures cover the time since the previous call, which
    /// should be at least `sysinfo::MINIMUM_CPU_UPDATE_INTERVAL` (200 ms) ago.
    pub fn sample(&mut self) -> HostStats {
        self.sys.refresh_cpu_all();
        self.sys.refresh_memory();
        self.refresh_processes();
        self.networks.refresh(true);
        self.disks.refresh(true);

        let now = Instant::now();
        let elapsed = self
            .last_net
            .map(|t| now.duration_since(t).as_secs_f64())
            .filter(|s| *s > 0.0);
        self.last_net = Some(now);

        let (mut rx, mut tx, mut rx_total, mut tx_total) = (0u64, 0u64, 0u64, 0u64);
        for (name, data) in self.networks.iter() {
            if name == "lo" {
                continue;
            }
            rx += data.received();
            tx += data.transmitted();
            rx_total += data.total_received();
            tx_total += data.total_transmitted();
        }
        let rate = |bytes: u64| elapsed.map_or(0.0, |s| bytes as f64 / s);

        let load = System::load_average()
            .map(|l| [l.one, l.five, l.fifteen])
            .unwrap_or_default();
        HostStats {
            hostname: System::host_name().ok(),
            cpu_percent: self.sys.global_cpu_usage(),
            cpu_per_core: self.sys.cpus().iter().map(|c| c.usage()).collect(),
            memory_total_bytes: self.sys.total_memory(),
            memory_used_bytes: self.sys.used_memory(),
            swap_total_bytes: self.sys.total_swap(),
            swap_used_bytes: self.sys.used_swap(),
            load_average: load,
            uptime_secs: System::uptime().unwrap_or(0),
            disks: self.disk_stats(),
            net_rx_bytes_per_sec: rate(rx),
            net_tx_bytes_per_sec: rate(tx),
            net_rx_total_bytes: rx_total,
            net_tx_total_bytes: tx_total,
            processes: {
                let procs = self.daemon_processes();
                self.daemon_pids = procs
                    .iter()
                    .map(|p| sysinfo::Pid::from_u32(p.pid))
                    .collect();
                procs
            },
        }
    }

    fn disk_stats(&self) -> Vec<DiskStats> {
        let mut seen = HashSet::new();
        self.disks
            .iter()
            .filter(|d| d.total_space() > 0)
            .filter(|d| seen.insert(d.mount_point().to_path_buf()))
            .take(MAX_DISKS)
            .map(|d| DiskStats {
                mount_point: d.mount_point().display().to_string(),
                file_system: d.file_system().to_string_lossy().into_owned(),
                total_bytes: d.total_space(),
                available_bytes: d.available_space(),
            })
            .collect()
    }

    /// Kubo is an `ipfs` process running `daemon`; Cluster is `ipfs-cluster-service daemon`.
    fn daemon_processes(&self) -> Vec<ProcessStats> {
        let mut out: Vec<ProcessStats> = Vec::new();
        let mut per_role = [0usize; 2];
        let mut procs: Vec<_> = self.sys.processes().values().collect();
        procs.retain(|p| p.exists());
        procs.sort_by_key(|p| p.pid().as_u32());
        for p in procs {
            let name = p.name().to_string_lossy();
            let is_daemon = p.cmd().iter().any(|a| a == "daemon");
            let role = match name.as_ref() {
                "ipfs" if is_daemon => 0,
                "ipfs-cluster-service" if is_daemon => 1,
                _ => continue,
            };
            if per_role[role] >= MAX_PROCS_PER_ROLE {
                continue;
            }
            per_role[role] += 1;
            out.push(ProcessStats {
                role: ["kubo", "cluster"][role].to_string(),
                pid: p.pid().as_u32(),
                name: name.into_owned(),
                cpu_percent: p.cpu_usage(),
                rss_bytes: p.memory(),
                run_time_secs: p.run_time(),
            });
        }
        out
    }
}
