//! Time-series rings for charts: one ring per series, pruned by age, with gaps (`None`)
//! where a source was down so charts show the outage instead of bridging it.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Series {
    HostCpuPercent,
    HostMemUsedBytes,
    HostNetRxRate,
    HostNetTxRate,
    KuboBwInRate,
    KuboBwOutRate,
    KuboPeers,
    KuboRepoSize,
    KuboPins,
    ClusterPins,
    ClusterPeers,
}

impl Series {
    pub const ALL: [Series; 11] = [
        Series::HostCpuPercent,
        Series::HostMemUsedBytes,
        Series::HostNetRxRate,
        Series::HostNetTxRate,
        Series::KuboBwInRate,
        Series::KuboBwOutRate,
        Series::KuboPeers,
        Series::KuboRepoSize,
        Series::KuboPins,
        Series::ClusterPins,
        Series::ClusterPeers,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// Hard cap per ring whatever the window, so memory stays bounded with tiny intervals.
const MAX_POINTS: usize = 10_000;

#[derive(Clone, Debug, Default)]
pub struct Ring {
    points: VecDeque<(DateTime<Utc>, Option<f64>)>,
}

impl Ring {
    pub fn points(
        &self,
    ) -> impl DoubleEndedIterator<Item = &(DateTime<Utc>, Option<f64>)> + ExactSizeIterator {
        self.points.iter()
    }

    pub fn latest(&self) -> Option<f64> {
        self.points.back().and_then(|p| p.1)
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct History {
    window: Duration,
    rings: Vec<Ring>,
    /// Points up to this time came from the cache (a previous run), not from this process.
    restored_until: Option<DateTime<Utc>>,
}

/// The rings as stored in the cache between runs: per series, (Unix ms, value) pairs.
#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct SavedHistory {
    pub rings: Vec<Vec<(i64, Option<f64>)>>,
}

impl Default for History {
    fn default() -> Self {
        History::new(Duration::from_secs(600))
    }
}

impl History {
    pub fn new(window: Duration) -> Self {
        History {
            window,
            rings: vec![Ring::default(); Series::ALL.len()],
            restored_until: None,
        }
    }

    /// The rings exactly as `saved` has them, no gap added (unlike `restore`): an attached
    /// client's copy of the daemon's, a snapshot file that carries its own history.
    pub fn from_saved(saved: &SavedHistory, window: Duration) -> Self {
        let mut h = History::new(window);
        for (ring, points) in h.rings.iter_mut().zip(&saved.rings) {
            for &(ms, v) in points.iter().rev().take(MAX_POINTS).rev() {
                if let Some(t) = DateTime::from_timestamp_millis(ms) {
                    ring.points.push_back((t, v));
                }
            }
        }
        h
    }

    /// Where the restored part of the charts ends, if they start with one.
    pub fn restored_until(&self) -> Option<DateTime<Utc>> {
        self.restored_until
    }

    pub fn save(&self) -> SavedHistory {
        SavedHistory {
            rings: self
                .rings
                .iter()
                .map(|r| {
                    r.points
                        .iter()
                        .map(|(t, v)| (t.timestamp_millis(), *v))
                        .collect()
                })
                .collect(),
        }
    }

    /// Seeds empty rings with a previous run's points that are still inside the window at
    /// `now`, followed by a gap (the time ipfs-kit was not running shows as an outage).
    pub fn restore(&mut self, saved: &SavedHistory, now: DateTime<Utc>) {
        if saved.rings.len() != self.rings.len() || self.rings.iter().any(|r| !r.is_empty()) {
            return;
        }
        let cutoff = now - chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX);
        let mut last = None;
        for (ring, points) in self.rings.iter_mut().zip(&saved.rings) {
            for &(ms, v) in points.iter().rev().take(MAX_POINTS - 1).rev() {
                let Some(t) = DateTime::from_timestamp_millis(ms) else {
                    continue;
                };
                if t >= cutoff && t <= now {
                    ring.points.push_back((t, v));
                    last = last.max(Some(t));
                }
            }
            if let Some(&(t, _)) = ring.points.back() {
                ring.points.push_back((t, None));
            }
        }
        self.restored_until = last;
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    pub fn ring(&self, s: Series) -> &Ring {
        &self.rings[s.index()]
    }

    pub fn push(&mut self, s: Series, at: DateTime<Utc>, value: Option<f64>) {
        let cutoff = at - chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX);
        let ring = &mut self.rings[s.index()];
        while ring.points.front().is_some_and(|p| p.0 < cutoff) || ring.points.len() >= MAX_POINTS {
            ring.points.pop_front();
        }
        ring.points.push_back((at, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prunes_by_age_and_keeps_gaps() {
        let mut h = History::new(Duration::from_secs(10));
        let t0 = Utc::now();
        for i in 0..30 {
            let v = if i == 25 { None } else { Some(i as f64) };
            h.push(Series::KuboPeers, t0 + chrono::Duration::seconds(i), v);
        }
        let r = h.ring(Series::KuboPeers);
        assert_eq!(r.len(), 11);
        assert_eq!(r.latest(), Some(29.0));
        assert!(r.points().any(|p| p.1.is_none()));
    }

    #[test]
    fn restores_what_is_inside_the_window_with_a_gap_after() {
        // Whole seconds: the cache keeps milliseconds.
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut before = History::new(Duration::from_secs(3600));
        for i in 0..100 {
            before.push(
                Series::HostCpuPercent,
                t0 + chrono::Duration::seconds(i * 60),
                Some(i as f64),
            );
        }
        let saved = serde_json::to_string(&before.save()).expect("json");
        let saved: SavedHistory = serde_json::from_str(&saved).expect("json");
        let now = t0 + chrono::Duration::seconds(100 * 60);
        let mut after = History::new(Duration::from_secs(3600));
        after.restore(&saved, now);
        let r = after.ring(Series::HostCpuPercent);
        // Minutes 40..=99 are inside the hour before `now`, then the gap.
        assert_eq!(r.len(), 61);
        assert_eq!(r.points().next().map(|p| p.1), Some(Some(40.0)));
        assert_eq!(r.latest(), None);
        assert_eq!(
            after.restored_until(),
            Some(t0 + chrono::Duration::seconds(99 * 60))
        );
        // A ring that already has points is left alone.
        let mut busy = History::new(Duration::from_secs(3600));
        busy.push(Series::KuboPeers, now, Some(1.0));
        busy.restore(&saved, now);
        assert!(busy.restored_until().is_none());
    }

    #[test]
    fn bounded_whatever_the_window() {
        let mut h = History::new(Duration::from_secs(7 * 24 * 3600));
        let t0 = Utc::now();
        for i in 0..(MAX_POINTS as i64 + 50) {
            h.push(
                Series::HostCpuPercent,
                t0 + chrono::Duration::milliseconds(i),
                Some(1.0),
            );
        }
        assert_eq!(h.ring(Series::HostCpuPercent).len(), MAX_POINTS);
    }
}
