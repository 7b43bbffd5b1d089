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
        }
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
