//! The time-series widgets every tab uses: counters (change over the window), sparklines and
//! the resampling behind them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ipfs_kit_widgets::{
    Unit,
    counter::{CounterView, Polarity},
    sparkline::SparklineView,
};

use super::window_label;
use crate::model::{Ring, Series};
use crate::tui::model::{CounterKind, Model, SparkKind};

/// Points of a ring inside the window ending at the snapshot's time.
pub(super) fn in_window(
    ring: &Ring,
    now: DateTime<Utc>,
    window: Duration,
) -> impl Iterator<Item = (DateTime<Utc>, Option<f64>)> + '_ {
    let start = now - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::zero());
    ring.points()
        .filter(move |(t, _)| *t > start && *t <= now)
        .copied()
}

pub fn counter_view(m: &Model, kind: CounterKind) -> CounterView {
    let s = &m.snap;
    let k = s.kubo.data.as_ref();
    let c = s.cluster.data.as_ref();
    let (title, series, now_value, polarity): (&str, Option<Series>, Option<f64>, Polarity) =
        match kind {
            CounterKind::KuboPins => (
                "Pins",
                Some(Series::KuboPins),
                k.and_then(|k| k.recursive_pins).map(|v| v as f64),
                Polarity::Neutral,
            ),
            CounterKind::KuboPeers => (
                "Swarm peers",
                Some(Series::KuboPeers),
                k.and_then(|k| k.peers).map(|v| v as f64),
                Polarity::UpIsGood,
            ),
            CounterKind::ClusterPins => (
                "Cluster pins",
                Some(Series::ClusterPins),
                c.map(|c| c.pin_count as f64),
                Polarity::Neutral,
            ),
            CounterKind::ClusterPeers => (
                "Cluster peers",
                Some(Series::ClusterPeers),
                c.map(|c| c.peer_count as f64),
                Polarity::UpIsGood,
            ),
            CounterKind::BitswapBlocks => (
                "Blocks received",
                None,
                k.and_then(|k| k.bitswap.as_ref())
                    .map(|b| b.blocks_received as f64),
                Polarity::Neutral,
            ),
            CounterKind::Provided => (
                "Provided",
                None,
                k.and_then(|k| k.provide.as_ref()?.provided_total)
                    .map(|v| v as f64),
                Polarity::UpIsGood,
            ),
        };
    // Change over the window: the first and last present samples in it.
    let (mut first, mut last) = (None, None);
    if let Some(series) = series {
        for (t, v) in in_window(s.history.ring(series), s.time, m.window()) {
            if let Some(v) = v {
                first.get_or_insert((t, v));
                last = Some((t, v));
            }
        }
    }
    let value = now_value.or(last.map(|l| l.1));
    let (previous, rate) = match (first, last) {
        (Some((t0, v0)), Some((t1, v1))) if t1 > t0 => {
            let secs = (t1 - t0).num_milliseconds() as f64 / 1000.0;
            (Some(v0), Some((v1 - v0) / secs))
        }
        _ => (None, None),
    };
    CounterView {
        title: format!("{title} ({})", window_label(m.window())),
        value: value.unwrap_or(f64::NAN),
        previous,
        rate_per_sec: rate,
        unit: Unit::Count,
        polarity,
    }
}

/// A ring resampled to `cols` columns over the window, oldest first: each column is the mean
/// of the samples that fall in it, or the sample just before it while that is recent (the
/// poll interval may be longer than a column). A column that is at least half gap is a gap.
pub fn resample(
    ring: &Ring,
    now: DateTime<Utc>,
    window: Duration,
    cols: usize,
) -> Vec<Option<f64>> {
    if cols == 0 {
        return Vec::new();
    }
    let window_ms = window.as_millis().max(1) as f64;
    let step = window_ms / cols as f64;
    let start = now - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::zero());
    let pts: Vec<(f64, Option<f64>)> = ring
        .points()
        .map(|(t, v)| ((*t - start).num_milliseconds() as f64, *v))
        .collect();
    // Typical spacing of samples: how long a sample stands for.
    let spacing = match (pts.first(), pts.last()) {
        (Some(a), Some(b)) if pts.len() > 1 => (b.0 - a.0) / (pts.len() - 1) as f64,
        _ => step,
    };
    let hold = (spacing * 1.5).max(step);
    let mut out = Vec::with_capacity(cols);
    let mut j = 0; // first point not yet consumed
    let mut before: Option<(f64, Option<f64>)> = None;
    for i in 0..cols {
        let end = step * (i + 1) as f64;
        let (mut sum, mut n, mut gaps) = (0.0, 0u32, 0u32);
        while j < pts.len() && pts[j].0 <= end {
            let (t, v) = pts[j];
            if t > end - step {
                match v {
                    Some(v) if v.is_finite() => {
                        sum += v;
                        n += 1;
                    }
                    _ => gaps += 1,
                }
            }
            before = Some(pts[j]);
            j += 1;
        }
        // A column that was mostly down shows as a gap, so a short outage stays visible
        // when a column spans more than it.
        out.push(if gaps > 0 && gaps >= n {
            None
        } else if n > 0 {
            Some(sum / f64::from(n))
        } else {
            before.filter(|(t, _)| end - t <= hold).and_then(|(_, v)| v)
        });
    }
    out
}

pub fn spark_view(m: &Model, kind: SparkKind, cols: usize) -> SparklineView {
    let s = &m.snap;
    let (title, unit, max) = match kind {
        SparkKind::BwIn => ("In", Unit::BytesPerSec, None),
        SparkKind::BwOut => ("Out", Unit::BytesPerSec, None),
        SparkKind::KuboPeers => ("Peers", Unit::Count, None),
        SparkKind::RepoSize => ("Repo", Unit::Bytes, None),
        SparkKind::Cpu => ("CPU", Unit::Percent, Some(100.0)),
        SparkKind::Memory => (
            "Memory",
            Unit::Bytes,
            s.host.data.as_ref().map(|h| h.memory_total_bytes as f64),
        ),
        SparkKind::NetRx => ("Rx", Unit::BytesPerSec, None),
        SparkKind::NetTx => ("Tx", Unit::BytesPerSec, None),
        SparkKind::ClusterPins => ("Pins", Unit::Count, None),
        SparkKind::ClusterPeers => ("Peers", Unit::Count, None),
    };
    SparklineView {
        title: title.into(),
        values: resample(s.history.ring(kind.series()), s.time, m.window(), cols),
        unit,
        max,
        level: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{History, Series};

    fn ring(points: &[(i64, Option<f64>)]) -> (History, DateTime<Utc>) {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut h = History::new(Duration::from_secs(3600));
        for (s, v) in points {
            h.push(Series::KuboPeers, now + chrono::Duration::seconds(*s), *v);
        }
        (h, now)
    }

    #[test]
    fn resample_keeps_gaps_newest_right_and_holds_between_samples() {
        // Samples every 2 s over the last 20 s, down from -10 s to -4 s.
        let pts: Vec<(i64, Option<f64>)> = (-19..=0)
            .step_by(2)
            .map(|s| {
                (
                    s,
                    (!(-10..=-4).contains(&s)).then_some(f64::from(s as i32 + 100)),
                )
            })
            .collect();
        let (h, now) = ring(&pts);
        let cols = resample(h.ring(Series::KuboPeers), now, Duration::from_secs(20), 20);
        assert_eq!(cols.len(), 20);
        // Newest at the right.
        assert_eq!(cols[19], Some(99.0));
        // The outage is a gap, not bridged.
        assert!(cols[10..16].iter().all(Option::is_none), "{cols:?}");
        // Between two samples the earlier one holds (1 s columns, 2 s interval).
        assert!(cols[1].is_some() && cols[2].is_some(), "{cols:?}");
        // Nothing before the first sample.
        let (h, now) = ring(&[(0, Some(1.0))]);
        let cols = resample(h.ring(Series::KuboPeers), now, Duration::from_secs(60), 6);
        assert_eq!(cols, vec![None, None, None, None, None, Some(1.0)]);
    }
}
