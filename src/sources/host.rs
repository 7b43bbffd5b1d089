//! The host source: CPU, memory, load, disks, network rates and the Kubo/Cluster processes,
//! from sysinfo and /proc/net/dev. Sampling is synchronous (procfs reads), so callers run it
//! on a blocking thread.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use sysinfo::{DiskRefreshKind, Disks, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

use super::listeners;
use crate::model::{DiskStats, HostStats, ProcessStats};

/// Processes listed at most per role, so a host running many test daemons stays bounded.
const MAX_PROCS_PER_ROLE: usize = 8;
const MAX_DISKS: usize = 32;

pub struct HostSampler {
    sys: System,
    /// Byte counters per interface at the previous sample (from /proc/net/dev).
    net: HashMap<String, (u64, u64)>,
    disks: Disks,
    last_net: Option<Instant>,
    /// Kubo/Cluster processes found by the last full scan; refreshed alone in between, as
    /// reading every process's /proc entries each tick is most of the collector's CPU.
    daemon_pids: Vec<sysinfo::Pid>,
    /// The TCP ports each daemon listens on, read on full scans (a daemon's ports are set at
    /// start), so views can tell the one serving the watched API from other repos' daemons.
    listen_ports: HashMap<u32, Vec<u16>>,
    /// Ports of the APIs this ipfs-kit watches (`set_watched_ports`).
    watched_ports: Vec<u16>,
    samples: u32,
}

/// A full process scan (to find new daemons) and a new list of mounts every this many samples.
const FULL_SCAN_EVERY: u32 = 10;

/// sysinfo gives the list of mounts only: no I/O counters (/proc/diskstats) or kind, and no
/// space figures, as it has no free-block count (statvfs `f_bfree`) that df's figures need;
/// `disk_space` reads all three in one call instead.
fn disk_kind() -> DiskRefreshKind {
    DiskRefreshKind::nothing()
}

/// Total, free and available bytes of the filesystem at `mount` from one statvfs call, in
/// fragment-size units as df counts them. None when it cannot be read or is empty.
// The statvfs fields are u64 here but narrower on some targets.
#[allow(clippy::useless_conversion)]
fn disk_space(mount: &Path) -> Option<(u64, u64, u64)> {
    let s = nix::sys::statvfs::statvfs(mount).ok()?;
    let unit = match u64::from(s.fragment_size()) {
        0 => u64::from(s.block_size()),
        n => n,
    };
    let bytes = |blocks: u64| blocks.saturating_mul(unit);
    let total = bytes(u64::from(s.blocks()));
    (total > 0).then(|| {
        (
            total,
            bytes(u64::from(s.blocks_free())),
            bytes(u64::from(s.blocks_available())),
        )
    })
}

/// Received and transmitted byte counters per interface, from /proc/net/dev: one read for
/// every interface, where sysinfo's Networks opens nine sysfs files per interface and asks
/// netlink for addresses on each refresh.
fn read_net_dev() -> HashMap<String, (u64, u64)> {
    std::fs::read_to_string("/proc/net/dev")
        .map(|text| parse_net_dev(&text))
        .unwrap_or_default()
}

/// `  eth0: rx_bytes rx_packets … (8 receive fields) tx_bytes …`; the two header lines and
/// anything malformed are skipped.
fn parse_net_dev(text: &str) -> HashMap<String, (u64, u64)> {
    text.lines()
        .filter_map(|line| {
            let (name, fields) = line.split_once(':')?;
            let mut fields = fields.split_whitespace().map(|f| f.parse::<u64>().ok());
            let rx = fields.next()??;
            let tx = fields.nth(7)??;
            Some((name.trim().to_string(), (rx, tx)))
        })
        .collect()
}

/// The ports of the Kubo and Cluster APIs the config watches, those on this host.
pub fn watched_ports(cfg: &crate::config::Config) -> Vec<u16> {
    [&cfg.kubo.api.endpoint, &cfg.cluster.api.endpoint]
        .into_iter()
        .filter_map(|e| crate::model::local_port(e.url().as_str()))
        .collect()
}

/// A one-shot run's host sample: the first reading is taken at once on a blocking thread, the
/// second when the caller has what else it was waiting for (and at least `min_window` after
/// the first, the shortest window /proc/stat's clock ticks say something over). CPU use thus
/// covers the run's own time, and costs it nothing when the daemons answer slower.
pub struct OnceSample {
    first: tokio::task::JoinHandle<Result<(HostSampler, Instant), String>>,
}

impl OnceSample {
    /// `watched`: the API ports whose owners are the watched daemons (see `watched_ports`).
    pub fn start(watched: Vec<u16>) -> OnceSample {
        OnceSample {
            first: tokio::task::spawn_blocking(move || {
                HostSampler::watching(watched).map(|s| (s, Instant::now()))
            }),
        }
    }

    pub async fn finish(self, min_window: std::time::Duration) -> Result<HostStats, String> {
        let (mut sampler, at) = self
            .first
            .await
            .map_err(|e| format!("host sampler failed: {e}"))??;
        tokio::time::sleep_until((at + min_window).into()).await;
        tokio::task::spawn_blocking(move || sampler.sample())
            .await
            .map_err(|e| format!("host sampler failed: {e}"))
    }
}

impl HostSampler {
    /// Creates the sampler and takes a first CPU/network reading, which rates are measured from.
    pub fn new() -> Result<Self, String> {
        let mut sys = System::new().map_err(|e| format!("cannot read system info: {e}"))?;
        sys.refresh_cpu_usage();
        let disks = Disks::new_with_refreshed_list_specifics(disk_kind())
            .map_err(|e| format!("cannot list disks: {e}"))?;
        let mut me = HostSampler {
            sys,
            net: read_net_dev(),
            disks,
            last_net: Some(Instant::now()),
            daemon_pids: Vec::new(),
            listen_ports: HashMap::new(),
            watched_ports: Vec::new(),
            samples: 0,
        };
        me.refresh_processes_and_disks();
        // The daemons found now are refreshed by the next sample, so their CPU use is measured
        // from this reading (a one-shot run has no second full scan).
        me.daemon_pids = me
            .daemon_processes()
            .iter()
            .map(|p| sysinfo::Pid::from_u32(p.pid))
            .collect();
        Ok(me)
    }

    /// Refreshes the daemons' processes (every process on a full scan) and the disks' space
    /// (the list of mounts too on a full scan). Returns whether it was a full scan.
    fn refresh_processes_and_disks(&mut self) -> bool {
        let full = self.samples.is_multiple_of(FULL_SCAN_EVERY);
        self.samples = self.samples.wrapping_add(1);
        let which = if full {
            ProcessesToUpdate::All
        } else {
            ProcessesToUpdate::Some(&self.daemon_pids)
        };
        if full {
            self.disks.refresh_specifics(true, disk_kind());
        }
        self.sys.refresh_processes_specifics(
            which,
            true,
            // Without tasks: on Linux sysinfo would otherwise list every thread of every
            // process as a process of its own (a Go daemon has dozens).
            ProcessRefreshKind::nothing()
                .without_tasks()
                .with_cpu()
                .with_memory()
                .with_cmd(UpdateKind::OnlyIfNotSet)
                .with_exe(UpdateKind::OnlyIfNotSet),
        );
        full
    }

    /// A new sample. CPU and network figures cover the time since the previous call, which
    /// should be at least `sysinfo::MINIMUM_CPU_UPDATE_INTERVAL` (200 ms) ago.
    pub fn sample(&mut self) -> HostStats {
        // Usage only: the frequency part reads /proc/cpuinfo, which is slow and not shown.
        self.sys.refresh_cpu_usage();
        self.sys.refresh_memory();
        let full = self.refresh_processes_and_disks();
        let net = read_net_dev();

        let now = Instant::now();
        let elapsed = self
            .last_net
            .map(|t| now.duration_since(t).as_secs_f64())
            .filter(|s| *s > 0.0);
        self.last_net = Some(now);

        let (mut rx, mut tx, mut rx_total, mut tx_total) = (0u64, 0u64, 0u64, 0u64);
        for (name, &(r, t)) in &net {
            if name == "lo" {
                continue;
            }
            // A new interface counts from this sample on; a reset counter gives zero.
            let (r0, t0) = self.net.get(name).copied().unwrap_or((r, t));
            rx = rx.saturating_add(r.saturating_sub(r0));
            tx = tx.saturating_add(t.saturating_sub(t0));
            rx_total = rx_total.saturating_add(r);
            tx_total = tx_total.saturating_add(t);
        }
        self.net = net;
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
                let mut procs = self.daemon_processes();
                self.daemon_pids = procs
                    .iter()
                    .map(|p| sysinfo::Pid::from_u32(p.pid))
                    .collect();
                self.fill_listen_ports(&mut procs, full);
                procs
            },
        }
    }

    fn disk_stats(&self) -> Vec<DiskStats> {
        let mut seen = HashSet::new();
        self.disks
            .iter()
            .filter(|d| seen.insert(d.mount_point().to_path_buf()))
            .filter_map(|d| {
                let (total, free, avail) = disk_space(d.mount_point())?;
                Some(DiskStats::new(
                    d.mount_point().display().to_string(),
                    d.file_system().to_string_lossy().into_owned(),
                    total,
                    free,
                    avail,
                ))
            })
            .take(MAX_DISKS)
            .collect()
    }

    /// Each daemon's listening ports, read once per process (a daemon binds its ports as it
    /// starts; one seen before it had bound any is read again on the next full scan).
    /// Reading /proc/net/tcp walks the kernel's whole socket hash table (10–20 ms on a large
    /// host, even with few sockets): re-reading it on every full scan cost the dashboard a
    /// fifth of its CPU.
    fn fill_listen_ports(&mut self, procs: &mut [ProcessStats], full: bool) {
        if full {
            self.listen_ports.retain(|_, ports| !ports.is_empty());
        }
        if procs
            .iter()
            .any(|p| !self.listen_ports.contains_key(&p.pid))
        {
            let sockets = listeners::listening_sockets();
            for p in procs.iter() {
                self.listen_ports
                    .entry(p.pid)
                    .or_insert_with(|| listeners::ports_of(p.pid, &sockets));
            }
        }
        self.listen_ports
            .retain(|pid, _| procs.iter().any(|p| p.pid == *pid));
        for p in procs.iter_mut() {
            p.listen_ports = self.listen_ports.get(&p.pid).cloned().unwrap_or_default();
        }
    }

    /// More daemons of a role than are listed (a host running many test daemons): the ones
    /// listening on a watched API port are kept, so the watched daemon is never cut off.
    fn keep_watched_within_cap(&self, procs: &mut Vec<ProcessStats>) {
        let sockets = listeners::listening_sockets();
        let watched = |p: &ProcessStats| {
            !self.watched_ports.is_empty()
                && listeners::ports_of(p.pid, &sockets)
                    .iter()
                    .any(|port| self.watched_ports.contains(port))
        };
        // Stable: by pid within each group, as listed otherwise.
        procs.sort_by_cached_key(|p| !watched(p));
        let mut per_role: HashMap<String, usize> = HashMap::new();
        procs.retain(|p| {
            let n = per_role.entry(p.role.clone()).or_default();
            *n += 1;
            *n <= MAX_PROCS_PER_ROLE
        });
        procs.sort_by_key(|p| p.pid);
    }

    /// `new`, keeping the daemons that listen on `ports` (the watched APIs' on this host,
    /// `watched_ports`) listed however many others run.
    pub fn watching(ports: Vec<u16>) -> Result<Self, String> {
        let mut me = HostSampler::new()?;
        me.watched_ports = ports;
        Ok(me)
    }

    /// Kubo is an `ipfs` process running `daemon`; Cluster is `ipfs-cluster-service daemon`.
    fn daemon_processes(&self) -> Vec<ProcessStats> {
        let mut out: Vec<ProcessStats> = Vec::new();
        let mut per_role = [0usize; 2]; // found, before the cap
        let mut procs: Vec<_> = self.sys.processes().values().collect();
        // Threads are never daemons of their own (sysinfo may list them as processes).
        procs.retain(|p| p.exists() && p.thread_kind().is_none());
        procs.sort_by_key(|p| p.pid().as_u32());
        for p in procs {
            if !p.cmd().iter().any(|a| a == "daemon") {
                continue;
            }
            // The kernel cuts a process name to 15 bytes ("ipfs-cluster-se"), so the program
            // is also recognised by the file name of its executable or of argv[0].
            let exe = p.exe().and_then(Path::file_name);
            let argv0 = p.cmd().first().and_then(|a| Path::new(a).file_name());
            let is = |program: &str| {
                [Some(p.name()), exe, argv0]
                    .into_iter()
                    .flatten()
                    .any(|n| n == program)
            };
            let (role, name) = if is("ipfs") {
                (0, "ipfs")
            } else if is("ipfs-cluster-service") {
                (1, "ipfs-cluster-service")
            } else {
                continue;
            };
            per_role[role] += 1;
            out.push(ProcessStats {
                role: ["kubo", "cluster"][role].to_string(),
                pid: p.pid().as_u32(),
                name: name.to_string(),
                cpu_percent: p.cpu_usage(),
                rss_bytes: p.memory(),
                run_time_secs: p.run_time(),
                listen_ports: Vec::new(),
            });
        }
        if per_role.iter().any(|n| *n > MAX_PROCS_PER_ROLE) {
            self.keep_watched_within_cap(&mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_dev_counters() {
        let text = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  123456     100    0    0    0     0          0         0   123456     100    0    0    0     0       0          0
  eth0: 9876543   5000    0    0    0     0          0         0  1234567    4000    0    0    0     0       0          0
  bad0: x
";
        let m = parse_net_dev(text);
        assert_eq!(m.len(), 2);
        assert_eq!(m["lo"], (123_456, 123_456));
        assert_eq!(m["eth0"], (9_876_543, 1_234_567));
    }

    /// The figures of `/` are df's: size exactly, used and available within what a busy
    /// machine writes between the two readings, Use% within one point.
    #[test]
    fn disk_figures_match_df() {
        let out = std::process::Command::new("df")
            .args(["-B1", "--output=size,used,avail,pcent", "/"])
            .output()
            .expect("run df");
        assert!(out.status.success(), "df failed: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let row: Vec<&str> = text
            .lines()
            .nth(1)
            .expect("a df row")
            .split_whitespace()
            .collect();
        let num = |i: usize| -> u64 {
            row[i]
                .trim_end_matches('%')
                .parse()
                .unwrap_or_else(|e| panic!("df field {i} {row:?}: {e}"))
        };
        let (size, used, avail, pcent) = (num(0), num(1), num(2), num(3));

        let s = HostSampler::new().expect("sampler");
        let root = s
            .disk_stats()
            .into_iter()
            .find(|d| d.mount_point == "/")
            .expect("/ is listed");
        // Builds running beside the test write hundreds of MiB a second.
        const SLACK: u64 = 256 << 20;
        assert_eq!(root.total_bytes, size, "size: {root:?} vs df {row:?}");
        assert!(
            root.used_bytes.abs_diff(used) < SLACK,
            "used: {root:?} vs df {row:?}"
        );
        assert!(
            root.available_bytes.abs_diff(avail) < SLACK,
            "avail: {root:?} vs df {row:?}"
        );
        let p = root.use_percent.expect("use%");
        assert!(
            (p - pcent as f64).abs() <= 1.0,
            "use%: {root:?} vs df {row:?}"
        );
    }

    /// The second reading waits for the minimum window and no longer (the fixed 100 ms CPU
    /// window was most of `--once`'s time).
    #[tokio::test]
    async fn a_one_shot_sample_waits_the_minimum_window_only() {
        let started = Instant::now();
        let first = OnceSample::start(Vec::new());
        // What the caller was waiting for meanwhile.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let waited = Instant::now();
        let h = first
            .finish(std::time::Duration::from_millis(20))
            .await
            .expect("sample");
        assert!(started.elapsed() >= std::time::Duration::from_millis(300));
        assert!(
            waited.elapsed() < std::time::Duration::from_millis(150),
            "waited {:?} after the window had passed",
            waited.elapsed()
        );
        assert!(!h.cpu_per_core.is_empty() && h.memory_total_bytes > 0);
    }

    #[test]
    fn samples_this_host() {
        let mut s = HostSampler::new().expect("sampler");
        std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
        let h = s.sample();
        assert!(h.memory_total_bytes > 0);
        assert!(!h.cpu_per_core.is_empty());
        let pids: HashSet<u32> = h.processes.iter().map(|p| p.pid).collect();
        assert_eq!(pids.len(), h.processes.len(), "a process listed twice");
    }
}
