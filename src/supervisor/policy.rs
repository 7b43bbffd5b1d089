//! Restart policy: exponential backoff between restarts and a budget of restarts per window,
//! after which the supervisor stops trying (and the daemon is `failed`).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestartPolicy {
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Restarts allowed within `window`.
    pub budget: u32,
    pub window: Duration,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        RestartPolicy {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            budget: 5,
            window: Duration::from_secs(600),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Restart after this delay.
    RestartAfter(Duration),
    /// The budget is spent: stop trying.
    GiveUp,
}

/// Crash times within the window; decides what to do after each crash.
#[derive(Clone, Debug, Default)]
pub struct RestartTracker {
    crashes: VecDeque<Instant>,
}

impl RestartTracker {
    pub fn on_crash(&mut self, policy: &RestartPolicy, now: Instant) -> Decision {
        while self
            .crashes
            .front()
            .is_some_and(|t| now.duration_since(*t) > policy.window)
        {
            self.crashes.pop_front();
        }
        if self.crashes.len() as u32 >= policy.budget {
            return Decision::GiveUp;
        }
        self.crashes.push_back(now);
        let n = self.crashes.len() as u32; // 1 for the first crash in the window
        let delay = policy
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(n.saturating_sub(1).min(16)));
        Decision::RestartAfter(delay.min(policy.max_backoff))
    }

    /// Crashes counted in the current window.
    pub fn recent(&self) -> usize {
        self.crashes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_then_gives_up() {
        let p = RestartPolicy::default();
        let mut t = RestartTracker::default();
        let t0 = Instant::now();
        let delays: Vec<Decision> = (0..6)
            .map(|i| t.on_crash(&p, t0 + Duration::from_secs(i)))
            .collect();
        assert_eq!(
            delays,
            vec![
                Decision::RestartAfter(Duration::from_secs(1)),
                Decision::RestartAfter(Duration::from_secs(2)),
                Decision::RestartAfter(Duration::from_secs(4)),
                Decision::RestartAfter(Duration::from_secs(8)),
                Decision::RestartAfter(Duration::from_secs(16)),
                Decision::GiveUp,
            ]
        );
    }

    #[test]
    fn budget_refills_after_the_window_and_backoff_caps() {
        let p = RestartPolicy {
            budget: 10,
            ..RestartPolicy::default()
        };
        let mut t = RestartTracker::default();
        let t0 = Instant::now();
        for i in 0..9 {
            t.on_crash(&p, t0 + Duration::from_secs(i));
        }
        assert_eq!(
            t.on_crash(&p, t0 + Duration::from_secs(9)),
            Decision::RestartAfter(Duration::from_secs(60))
        );
        // 11 minutes later the old crashes have left the window.
        assert_eq!(
            t.on_crash(&p, t0 + Duration::from_secs(660)),
            Decision::RestartAfter(Duration::from_secs(1))
        );
        assert_eq!(t.recent(), 1);
    }
}
