//! Small, exact statistics used by the detectors.

/// Median of `v` (reorders it). `None` when empty.
pub fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let n = v.len();
    let mid = n / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    let m = *m;
    if n % 2 == 1 {
        return Some(m);
    }
    let lower = v[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some((lower + m) / 2.0)
}

/// Centre and spread of a sample, robustly.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Robust {
    pub median: f64,
    /// Median absolute deviation from the median.
    pub mad: f64,
    /// Mean absolute deviation from the median (the fallback when `mad` is 0).
    pub mean_ad: f64,
    /// The standard-deviation estimate used for z-scores: `mad / 0.6745`, else
    /// `1.2533 · mean_ad` (Iglewicz & Hoaglin; 1.2533 = √(π/2) makes it consistent for normal
    /// data), else 0 (every value equal).
    pub sigma: f64,
}

impl Robust {
    pub fn of(values: &[f64]) -> Option<Robust> {
        let mut v = values.to_vec();
        let median = median(&mut v)?;
        let mut dev: Vec<f64> = values.iter().map(|x| (x - median).abs()).collect();
        let mean_ad = dev.iter().sum::<f64>() / dev.len() as f64;
        let mad = median_of(&mut dev);
        let sigma = if mad > 0.0 {
            mad / 0.6745
        } else {
            1.2533 * mean_ad
        };
        Some(Robust {
            median,
            mad,
            mean_ad,
            sigma,
        })
    }

    /// The robust z-score 0.6745·(x − median)/MAD, or its mean-absolute-deviation fallback;
    /// when the spread is 0 as well, `floor` stands in for it so that any deviation larger
    /// than the floor scores above 1 and equal values score 0.
    pub fn z(&self, x: f64, floor: f64) -> f64 {
        let s = self.sigma.max(floor);
        if s <= 0.0 {
            return if x == self.median {
                0.0
            } else {
                f64::INFINITY.copysign(x - self.median)
            };
        }
        (x - self.median) / s
    }
}

fn median_of(v: &mut [f64]) -> f64 {
    median(v).unwrap_or(0.0)
}

/// Nearest-rank percentile (p in 0–100) of `v` (reorders it).
pub fn percentile(v: &mut [u32], p: f64) -> Option<u32> {
    if v.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize - 1;
    let rank = rank.min(v.len() - 1);
    Some(*v.select_nth_unstable(rank).1)
}

/// Least-squares slope of `y` against 0, 1, 2, … (units of y per step); 0 for < 2 points.
pub fn slope(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    if y.len() < 2 {
        return 0.0;
    }
    let mx = (n - 1.0) / 2.0;
    let my = y.iter().sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, v) in y.iter().enumerate() {
        let dx = i as f64 - mx;
        num += dx * (v - my);
        den += dx * dx;
    }
    if den == 0.0 { 0.0 } else { num / den }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_mad_and_fallback() {
        let r = Robust::of(&[1.0, 2.0, 3.0, 4.0, 100.0]).unwrap();
        assert_eq!(r.median, 3.0);
        assert_eq!(r.mad, 1.0);
        assert!((r.z(100.0, 0.0) - 0.6745 * 97.0).abs() < 1e-9);
        // MAD = 0 (more than half equal): mean absolute deviation takes over.
        let r = Robust::of(&[5.0, 5.0, 5.0, 5.0, 9.0]).unwrap();
        assert_eq!(r.mad, 0.0);
        assert!((r.sigma - 1.2533 * 0.8).abs() < 1e-9);
        // All equal: the floor decides.
        let r = Robust::of(&[5.0, 5.0, 5.0]).unwrap();
        assert_eq!(r.z(5.0, 1.0), 0.0);
        assert_eq!(r.z(9.0, 1.0), 4.0);
        assert!(r.z(9.0, 0.0).is_infinite());
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(slope(&[1.0, 3.0, 5.0]), 2.0);
        assert_eq!(percentile(&mut [5, 1, 3, 2, 4], 50.0), Some(3));
        assert_eq!(percentile(&mut [5, 1, 3, 2, 4], 99.0), Some(5));
    }
}
