//! Progress on stderr: an indicatif bar (count, rate, ETA) on a terminal; plain lines through
//! `term` every 2 s when stderr is a file or a pipe (a bar there would be a wall of redraws).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const PLAIN_EVERY: Duration = Duration::from_secs(2);

pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    total: u64,
    done: u64,
    failed: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    /// `label` starts each plain line ("pin add").
    pub fn new(total: usize, label: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {per_sec} ETA {eta} {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(label.to_string());
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            label: label.to_string(),
            total: total as u64,
            done: 0,
            failed: 0,
            started: now,
            last_line: now,
        }
    }

    /// One item finished.
    pub fn item(&mut self, failed: bool) {
        self.done += 1;
        self.failed += u64::from(failed);
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if failed {
                    bar.set_message(format!("failed {}", self.failed));
                }
            }
            None if self.last_line.elapsed() >= PLAIN_EVERY => {
                self.last_line = Instant::now();
                crate::say!("ipfs-kit: {}: {}", self.label, self.status());
            }
            None => {}
        }
    }

    /// "400/1000 (40%), 312/s, ETA 2s, 0 failed".
    fn status(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = self.done as f64 / secs;
        let left = self.total.saturating_sub(self.done) as f64;
        let eta = if rate > 0.0 { left / rate } else { 0.0 };
        format!(
            "{}/{} ({:.0}%), {rate:.0}/s, ETA {eta:.0}s, {} failed",
            self.done,
            self.total,
            100.0 * self.done as f64 / self.total.max(1) as f64,
            self.failed
        )
    }

    /// Prints a line above the bar (or plainly when there is none).
    pub fn say(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| crate::say!("{text}")),
            None => crate::say!("{text}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
