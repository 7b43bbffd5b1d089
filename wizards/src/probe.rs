//! The live connection test. The binary implements [`Probe`] against real endpoints
//! (Kubo `id`, Cluster `/id`, S3 HeadBucket, a writable path, pinning service
//! `GET /pins?limit=1`); the wizard only shows what it found.

use crate::config::BackendConfig;

/// Talks to a backend and reports what is there.
pub trait Probe {
    /// `Ok` when the backend answered as expected; `Err` says why not (the server's
    /// reason where there is one). The config may still hold a typed-in secret: use it,
    /// never print it.
    fn test(&self, backend: &BackendConfig) -> Result<ProbeReport, String>;
}

/// What a successful probe found, e.g. summary "Kubo 0.39.0" with facts
/// ("peer id", "12D3Koo..."), ("peers", "8").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProbeReport {
    pub summary: String,
    pub facts: Vec<(String, String)>,
}

impl ProbeReport {
    pub fn new(summary: impl Into<String>) -> Self {
        ProbeReport {
            summary: summary.into(),
            facts: Vec::new(),
        }
    }

    pub fn fact(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.facts.push((name.into(), value.into()));
        self
    }

    /// The summary, then one indented `name: value` line per fact.
    pub fn render(&self) -> String {
        let mut s = self.summary.clone();
        for (k, v) in &self.facts {
            s.push_str(&format!("\n  {k}: {v}"));
        }
        s
    }
}
