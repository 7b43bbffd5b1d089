//! Configured storage backends (`[backends.*]`), each probed with the same live connection
//! test the backend wizard runs, on the `[monitoring.sources] backends` interval.

use std::time::{Duration, Instant};

use chrono::Utc;
use ipfs_kit_wizards::BackendConfig;
use ipfs_kit_wizards::config::Target;

use crate::model::{BackendStatus, SourceState};
use crate::probes::LiveProbe;

pub struct BackendsSource {
    /// The probe, or why it cannot run (an unreadable credentials file, say).
    probe: Result<LiveProbe, String>,
    backends: Vec<(String, BackendConfig)>,
    timeout: Duration,
}

impl BackendsSource {
    /// `credentials`: the credentials.toml beside the config file.
    pub fn new(
        backends: impl IntoIterator<Item = (String, BackendConfig)>,
        credentials: Option<&std::path::Path>,
        timeout: Duration,
    ) -> Self {
        let probe = match credentials {
            Some(p) if p.exists() => LiveProbe::load(p),
            _ => Ok(LiveProbe::default()),
        };
        BackendsSource {
            probe,
            backends: backends.into_iter().collect(),
            timeout,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.backends.is_empty()
    }

    pub async fn poll(&self) -> Vec<BackendStatus> {
        let mut out = Vec::with_capacity(self.backends.len());
        for (name, b) in &self.backends {
            let started = Instant::now();
            let result = match &self.probe {
                Ok(p) => match tokio::time::timeout(self.timeout, p.probe(b)).await {
                    Ok(r) => r,
                    Err(_) => Err(format!("no answer within {:?}", self.timeout)),
                },
                Err(e) => Err(e.clone()),
            };
            let now = Utc::now();
            let mut st = BackendStatus {
                name: name.clone(),
                kind: b.kind().as_str().to_string(),
                target: describe(&b.target),
                state: SourceState::Down,
                summary: None,
                facts: Vec::new(),
                error: None,
                latency_ms: Some(started.elapsed().as_millis().min(u128::from(u64::MAX)) as u64),
                last_success: None,
                last_attempt: Some(now),
            };
            match result {
                Ok(report) => {
                    st.state = SourceState::Ok;
                    st.summary = Some(report.summary);
                    st.facts = report.facts;
                    st.last_success = Some(now);
                }
                Err(e) => st.error = Some(e),
            }
            out.push(st);
        }
        out
    }
}

/// Where a backend points, without credentials.
pub fn describe(t: &Target) -> String {
    match t {
        Target::Kubo { api, repo } => match repo {
            Some(r) => format!("{api} (repo {r})"),
            None => api.to_string(),
        },
        Target::Cluster { api } => api.to_string(),
        Target::S3 {
            endpoint,
            bucket,
            region,
            ..
        } => format!("s3://{bucket} at {endpoint} ({region})"),
        Target::Filesystem { path } => path.to_string(),
        Target::PinningService { endpoint } => endpoint.to_string(),
    }
}
