//! Each operation's samples since the process started, in a few fixed buckets: what
//! `/metrics` exposes as Prometheus histograms, whose counts must only ever grow. The
//! per-minute HDR histograms leave the monitor when they are written to the store, so every
//! minute is folded in here when it closes (`Monitor::roll`); the minute in progress is added
//! when read. A few hundred bytes per operation, against 26 KiB for a lifetime HDR histogram.

use super::Minute;

/// Upper bounds of the buckets, in microseconds (the last bucket, +Inf, is implicit):
/// 100 µs to 30 s, where loopback and remote daemon calls fall.
pub const BOUNDS_US: [u64; 16] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
    1_000_000, 2_500_000, 10_000_000, 30_000_000,
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Samples per bucket (not cumulative): `BOUNDS_US[i]` for i < 16, above them at 16.
    pub buckets: [u64; BOUNDS_US.len() + 1],
    /// The samples' sum in microseconds, each taken at its HDR bucket's midpoint (1%).
    pub sum_us: u64,
    pub ok: u64,
    pub failed: u64,
}

impl Totals {
    pub fn count(&self) -> u64 {
        self.ok + self.failed
    }

    /// Adds a minute's samples. A sample goes to a bucket by the low end of its HDR bucket
    /// (so 1 ms is ≤ 1 ms) and into the sum by its midpoint, both within HDR's 1%.
    pub fn add(&mut self, m: &Minute) {
        for v in m.hist.iter_recorded() {
            let at = v.value_iterated_to();
            let us = m.hist.median_equivalent(at);
            let n = v.count_at_value();
            let low = m.hist.lowest_equivalent(at);
            let i = BOUNDS_US.partition_point(|&b| b < low);
            self.buckets[i] += n;
            self.sum_us = self.sum_us.saturating_add(us.saturating_mul(n));
        }
        self.ok += m.ok;
        self.failed += m.failed;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::perf::Monitor;

    #[test]
    fn samples_land_in_their_buckets_and_survive_the_minute_leaving() {
        let m = Monitor::new();
        for us in [90, 100, 101, 4_000, 40_000_000] {
            m.record("op", Duration::from_micros(us), us < 1_000_000);
        }
        let t = &m.totals()["op"];
        assert_eq!(t.count(), 5);
        assert_eq!((t.ok, t.failed), (4, 1));
        // 90 and 100 ≤ 100 µs; 101 in (100, 250]; 4 ms in (2.5, 5] ms; 40 s above 30 s.
        assert_eq!(t.buckets[0], 2);
        assert_eq!(t.buckets[1], 1);
        assert_eq!(t.buckets[5], 1);
        assert_eq!(t.buckets[16], 1);
        let sum = 90 + 100 + 101 + 4_000 + 40_000_000u64;
        assert!(t.sum_us.abs_diff(sum) <= sum / 100, "{} vs {sum}", t.sum_us);

        // The minute closes and is taken by the store: the totals stay, then grow.
        let before = t.clone();
        m.roll(i64::MAX);
        drop(m.take_done());
        assert_eq!(m.totals()["op"], before);
        m.record("op", Duration::from_micros(300), true);
        let after = &m.totals()["op"];
        assert_eq!(after.count(), 6);
        assert_eq!(after.buckets[2], 1);
    }
}
