//! The merge side of the collector: polls applied to the Snapshot and the history rings.

use std::sync::Arc;

use chrono::Utc;

use crate::alerts::{AlertEngine, AlertHistory, Context};
use crate::config::Config;
use crate::model::{Health, History, Series, Snapshot, SourceState, SourceStatus, StateWrites};
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};
use crate::sources::Poll;

use super::Update;

/// Alert events a snapshot carries for the dashboard's alert history.
pub const ALERT_LOG_ROWS: usize = 200;

/// The merge side: applies polls to the snapshot and history. Pure apart from the clock
/// value it is handed, so `--once` and the running collector share it.
pub struct CollectorState {
    snap: Snapshot,
    history: Arc<History>,
    cluster_required: bool,
    alerts: AlertEngine,
    /// Where alert events and source state changes are kept (the running collector only).
    alert_log: Option<AlertHistory>,
    ops: Option<OpHistory>,
    /// `--once`'s test write in the state dir (it keeps no history of its own).
    state_probe: Option<StateWrites>,
    /// Supervised daemons ready at the last update, and whether one became ready since.
    ready_daemons: std::collections::BTreeSet<String>,
    wake_sources: bool,
}

impl CollectorState {
    pub fn new(cfg: &Config) -> Self {
        let mut snap = Snapshot::empty(
            cfg.kubo.api.endpoint.to_string(),
            cfg.cluster.api.endpoint.to_string(),
            cfg.cluster.enabled,
        );
        snap.kubo.endpoint_source = Some(cfg.kubo.api.origin.to_string());
        snap.cluster.endpoint_source = Some(cfg.cluster.api.origin.to_string());
        let context = Context {
            cluster_required: cfg.cluster.required,
            // A Kubo found through its repo's `api` file: that repo's disk is the one to watch
            // (until Kubo reports its path itself, or the supervisor names its repo).
            repo_path: match &cfg.kubo.api.origin {
                crate::config::Origin::ApiFile(f) => f.parent().map(std::path::Path::to_path_buf),
                _ => None,
            },
            ..Context::default()
        };
        CollectorState {
            snap,
            history: Arc::new(History::new(cfg.history)),
            cluster_required: cfg.cluster.required,
            alerts: AlertEngine::new(cfg.alert_rules.clone(), context),
            alert_log: None,
            ops: None,
            state_probe: None,
            ready_daemons: std::collections::BTreeSet::new(),
            wake_sources: false,
        }
    }

    /// Starts the charts from a previous run's rings (see `History::restore`).
    pub fn restore_history(
        &mut self,
        saved: &crate::model::SavedHistory,
        now: chrono::DateTime<Utc>,
    ) {
        Arc::make_mut(&mut self.history).restore(saved, now);
    }

    pub fn saved_history(&self) -> crate::model::SavedHistory {
        self.history.save()
    }

    /// Keeps alert events in `<state>/alerts.jsonl` (restoring alerts that were firing) and
    /// records source state changes in the operation history. Returns read warnings.
    pub fn persist(&mut self, state_dir: &std::path::Path, ops: Option<OpHistory>) -> Vec<String> {
        let mut warnings = Vec::new();
        match AlertHistory::open(state_dir, 500) {
            Ok((mut log, w)) => {
                warnings.extend(w.iter().map(|w| format!("alert history: {w}")));
                let events = self.alerts.restore(log.take_unresolved(), Utc::now());
                if let Err(e) = log.append(&events) {
                    warnings.push(format!("alert history: {e}"));
                }
                self.alert_log = Some(log);
            }
            Err(e) => warnings.push(format!("alert history not kept: {e}")),
        }
        self.ops = ops;
        warnings
    }

    /// For `--once`: the result of a test write in the state dir, in place of the histories'.
    pub fn set_state_probe(&mut self, probe: StateWrites) {
        self.state_probe = Some(probe);
    }

    /// Whether history entries or alert events wait for the disk (a retry has work to do).
    pub(super) fn writes_pending(&self) -> bool {
        self.write_status().failing
    }

    /// The operation and alert histories' writes, together.
    fn write_status(&self) -> StateWrites {
        let mut w = self.state_probe.clone().unwrap_or_default();
        if let Some(ops) = &self.ops {
            w.merge(&ops.write_status());
        }
        if let Some(log) = &self.alert_log {
            w.merge(log.write_status());
        }
        w
    }

    /// Whether a supervised daemon became ready since the last call (sources should be
    /// polled now).
    pub fn take_wake(&mut self) -> bool {
        std::mem::take(&mut self.wake_sources)
    }

    /// Whether `daemons` says what the snapshot already says, uptimes aside (they change
    /// every second while a daemon runs).
    pub(super) fn same_daemons(&self, daemons: &[crate::model::DaemonStatus]) -> bool {
        crate::model::DaemonStatus::all_same_but_uptime(&self.snap.daemons, daemons)
    }

    /// Facts from the supervisor for the `daemon.*` alert metrics.
    pub fn alert_context(&mut self) -> &mut Context {
        self.alerts.context_mut()
    }

    fn record_transition(
        &self,
        source: &str,
        before: SourceState,
        after: SourceState,
        error: Option<&str>,
    ) {
        let Some(ops) = &self.ops else { return };
        let (action, status) = match (before, after) {
            (b, SourceState::Down) if b != SourceState::Down => ("source.down", OpStatus::Failed),
            (SourceState::Down | SourceState::Unknown, SourceState::Ok | SourceState::Degraded) => {
                ("source.up", OpStatus::Ok)
            }
            _ => return,
        };
        let mut op = NewOp::new(EventType::System, action).resource("source", source);
        if let Some(e) = error {
            op = op.detail("error", e);
        }
        let _ = ops.record(op, status);
    }

    pub fn apply(&mut self, update: Update) {
        let now = Utc::now();
        let before = [
            self.snap.host.state,
            self.snap.kubo.state,
            self.snap.cluster.state,
        ];
        if let Update::RetryWrites = update {
            if let Some(ops) = &self.ops {
                ops.flush();
            }
            if let Some(log) = &mut self.alert_log {
                log.flush();
            }
            return;
        }
        if let Update::Acknowledge { id, by } = &update {
            match self.alerts.acknowledge(id, now) {
                Ok(Some(event)) => {
                    if let Some(log) = &mut self.alert_log {
                        let _ = log.append(std::slice::from_ref(&event));
                    }
                    if let Some(ops) = &self.ops {
                        let op = NewOp::new(EventType::Admin, "alert.acknowledge")
                            .resource("alert", id.clone());
                        let ops = by
                            .as_deref()
                            .map_or_else(|| ops.clone(), |u| ops.as_user(u));
                        let _ = ops.record(op, OpStatus::Ok);
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!("acknowledge {id}: {e}"),
            }
            self.snap.alerts = self.alerts.active();
            return;
        }
        self.apply_poll(update, now);
        let after = [
            self.snap.host.state,
            self.snap.kubo.state,
            self.snap.cluster.state,
        ];
        let errors = [
            &self.snap.host.error,
            &self.snap.kubo.error,
            &self.snap.cluster.error,
        ];
        for (i, name) in ["host", "kubo", "cluster"].iter().enumerate() {
            if before[i] != after[i] {
                self.record_transition(name, before[i], after[i], errors[i].as_deref());
            }
        }
    }

    fn apply_poll(&mut self, update: Update, now: chrono::DateTime<Utc>) {
        let h = Arc::make_mut(&mut self.history);
        match update {
            Update::Acknowledge { .. } | Update::RetryWrites => {}
            Update::Perf(view, baselines) => {
                let judged = crate::perf::view::judge(*view, &self.snap, &baselines);
                self.snap.performance = Some(Arc::new(judged));
            }
            Update::Vfs(v) => self.snap.vfs = v,
            Update::Daemons(d) => {
                use crate::model::DaemonState;
                let facts = &mut self.alerts.context_mut().daemons;
                facts.clear();
                for st in &d {
                    facts.insert(
                        st.name.clone(),
                        crate::alerts::DaemonFacts {
                            crashed: matches!(
                                st.state,
                                DaemonState::Crashed
                                    | DaemonState::BackingOff
                                    | DaemonState::Failed
                            ),
                            restart_budget_exhausted: st.state == DaemonState::Failed,
                        },
                    );
                }
                // A daemon that just became ready is polled at once, not after its source's
                // backoff: the operator restarted it and wants to see it.
                let ready: std::collections::BTreeSet<String> = d
                    .iter()
                    .filter(|s| s.state == DaemonState::Ready)
                    .map(|s| s.name.clone())
                    .collect();
                self.wake_sources |= ready.difference(&self.ready_daemons).next().is_some()
                    && !self.ready_daemons.is_empty();
                self.ready_daemons = ready;
                self.snap.daemons = d;
                // The supervised Kubo's repo is where its disk space matters, even when Kubo
                // does not report its path (only a full `repo/stat` does).
                if let Some(kubo) = self.snap.watched_daemon("kubo") {
                    self.alerts.context_mut().repo_path = Some(kubo.dir.clone().into());
                }
            }
            Update::Backends(mut b) => {
                // A failed probe keeps the time of the backend's last success.
                for new in &mut b {
                    if new.last_success.is_none() {
                        new.last_success = self
                            .snap
                            .backends
                            .iter()
                            .find(|old| old.name == new.name)
                            .and_then(|old| old.last_success);
                    }
                }
                self.snap.backends = b;
            }
            Update::Host(p) => {
                merge(&mut self.snap.host, *p, now);
                let d = self
                    .snap
                    .host
                    .data
                    .as_ref()
                    .filter(|_| !self.snap.host.stale);
                h.push(
                    Series::HostCpuPercent,
                    now,
                    d.map(|d| f64::from(d.cpu_percent)),
                );
                h.push(
                    Series::HostMemUsedBytes,
                    now,
                    d.map(|d| d.memory_used_bytes as f64),
                );
                h.push(
                    Series::HostNetRxRate,
                    now,
                    d.map(|d| d.net_rx_bytes_per_sec),
                );
                h.push(
                    Series::HostNetTxRate,
                    now,
                    d.map(|d| d.net_tx_bytes_per_sec),
                );
            }
            Update::Kubo(p) => {
                merge(&mut self.snap.kubo, *p, now);
                let d = self
                    .snap
                    .kubo
                    .data
                    .as_ref()
                    .filter(|_| !self.snap.kubo.stale);
                let bw = d.and_then(|d| d.bandwidth.as_ref());
                h.push(
                    Series::KuboBwInRate,
                    now,
                    bw.map(|b| b.rate_in_bytes_per_sec),
                );
                h.push(
                    Series::KuboBwOutRate,
                    now,
                    bw.map(|b| b.rate_out_bytes_per_sec),
                );
                h.push(
                    Series::KuboPeers,
                    now,
                    d.and_then(|d| d.peers).map(|v| v as f64),
                );
                h.push(
                    Series::KuboRepoSize,
                    now,
                    d.and_then(|d| d.repo.as_ref()).map(|r| r.size_bytes as f64),
                );
                h.push(
                    Series::KuboPins,
                    now,
                    d.and_then(|d| d.recursive_pins).map(|v| v as f64),
                );
            }
            Update::Cluster(p) => {
                merge(&mut self.snap.cluster, *p, now);
                let d = self
                    .snap
                    .cluster
                    .data
                    .as_ref()
                    .filter(|_| !self.snap.cluster.stale);
                h.push(Series::ClusterPins, now, d.map(|d| d.pin_count as f64));
                h.push(Series::ClusterPeers, now, d.map(|d| d.peer_count as f64));
            }
        }
        self.snap.time = now;
    }

    /// The current snapshot with alerts evaluated and health derived.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        self.snap.history = Arc::clone(&self.history);
        self.snap.state_writes = self.write_status();
        let events = self.alerts.evaluate(&self.snap, Utc::now());
        if let Some(log) = &mut self.alert_log {
            if let Err(e) = log.append(&events) {
                tracing::warn!("alert history: {e}");
            }
            // Rebuilt only when something happened; snapshots share it otherwise.
            if !events.is_empty() || self.snap.alert_log.is_empty() {
                self.snap.alert_log =
                    Arc::new(log.recent().take(ALERT_LOG_ROWS).cloned().collect());
            }
        }
        self.snap.alerts = self.alerts.active();
        // Again: this snapshot's own alert events may just have failed to be written.
        self.snap.state_writes = self.write_status();
        self.snap.health = Health::derive(&self.snap, self.cluster_required);
        Arc::new(self.snap.clone())
    }
}

fn merge<T>(s: &mut SourceStatus<T>, p: Poll<T>, now: chrono::DateTime<Utc>) {
    s.last_attempt = Some(now);
    s.latency_ms = Some(p.latency.as_millis().min(u128::from(u64::MAX)) as u64);
    match p.data {
        Some(data) => {
            s.state = if p.errors.is_empty() {
                SourceState::Ok
            } else {
                SourceState::Degraded
            };
            s.data = Some(data);
            s.stale = false;
            s.error = None;
            s.errors = p.errors;
            s.last_success = Some(now);
            s.consecutive_failures = 0;
        }
        None => {
            s.state = SourceState::Down;
            s.error = p.error.or_else(|| Some("no answer".into()));
            s.errors.clear();
            s.consecutive_failures = s.consecutive_failures.saturating_add(1);
            // Keep the last good values for display, marked stale.
            s.stale = s.data.is_some();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    #[test]
    fn daemon_reports_that_change_only_uptimes_are_quiet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let overrides = crate::config::Overrides {
            state_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        let cfg = crate::config::load(&overrides, &env(&[])).expect("config");
        let mut state = CollectorState::new(&cfg);
        let report = |st: &str, uptime: u64| {
            let d: crate::model::DaemonStatus = serde_json::from_value(
                serde_json::json!({"name": "kubo", "state": st, "pid": 7, "adopted": false,
                    "uptime_secs": uptime, "restarts": 0, "ports": [], "dir": "d", "log": "l"}),
            )
            .expect("status");
            vec![d]
        };
        assert!(!state.same_daemons(&report("ready", 1)));
        state.apply(Update::Daemons(report("ready", 1)));
        assert!(state.same_daemons(&report("ready", 2)));
        assert!(!state.same_daemons(&report("crashed", 2)));
        assert!(!state.same_daemons(&[]));
    }

    #[test]
    fn the_supervised_kubo_serving_the_watched_api_names_the_repo_for_disk_alerts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let overrides = crate::config::Overrides {
            state_dir: Some(dir.path().to_path_buf()),
            kubo_api: Some("127.0.0.1:5999".into()),
            ..Default::default()
        };
        let cfg = crate::config::load(&overrides, &env(&[])).expect("config");
        let mut state = CollectorState::new(&cfg);
        let report = |api: &str| {
            let d: crate::model::DaemonStatus =
                serde_json::from_value(serde_json::json!({"name": "kubo", "state": "ready",
                    "pid": 7, "adopted": false, "restarts": 0, "ports": [], "api": api,
                    "dir": "/srv/ipfs", "log": "l"}))
                .expect("status");
            vec![d]
        };
        // Another Kubo's repo says nothing about the watched one.
        state.apply(Update::Daemons(report("http://127.0.0.1:6000")));
        assert_eq!(state.alerts.context_mut().repo_path, None);
        state.apply(Update::Daemons(report(
            &state.snap.kubo.endpoint.clone().unwrap_or_default(),
        )));
        assert_eq!(
            state.alerts.context_mut().repo_path,
            Some(std::path::PathBuf::from("/srv/ipfs"))
        );
    }

    #[test]
    fn an_unwritable_state_dir_is_counted_alerted_on_and_recovered_from() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A file where the state dir should be: nothing can be created in it.
        let state_dir = dir.path().join("state");
        std::fs::write(&state_dir, "not a directory").expect("blocker");
        let overrides = crate::config::Overrides {
            state_dir: Some(state_dir.clone()),
            ..Default::default()
        };
        let cfg = crate::config::load(&overrides, &env(&[])).expect("config");
        let (ops, _) = OpHistory::open(&crate::ophistory::HistoryOptions::new(state_dir.clone()))
            .expect("ops");
        let mut state = CollectorState::new(&cfg);
        state.persist(&state_dir, Some(ops.clone()));
        let _ = ops.record(
            NewOp::new(EventType::Data, "pin.add").resource("pin", "x"),
            OpStatus::Ok,
        );

        let snap = state.snapshot();
        let w = &snap.state_writes;
        assert!(w.failing, "{w:?}");
        assert_eq!(
            w.pending, 2,
            "the pin and the alert's own event wait: {w:?}"
        );
        assert!(
            w.last_error.as_deref().is_some_and(|e| e.contains("state")),
            "{w:?}"
        );
        let alert = snap
            .alerts
            .iter()
            .find(|a| a.rule == "state_dir_unwritable")
            .expect("alert");
        assert!(alert.is_firing(), "fires at once: {alert:?}");
        assert_eq!(alert.severity, crate::alerts::Severity::Warning);
        let json = serde_json::to_value(&*snap).expect("json");
        assert_eq!(json["state_writes"]["pending"], 2);
        // A full disk is the host's trouble, not Kubo's.
        let reasons = |name: &str| snap.health.sources.get(name).map(|s| s.reasons.clone());
        assert!(
            reasons("host").is_some_and(|r| r.iter().any(|r| r.contains("state_dir_unwritable"))),
            "{:?}",
            snap.health
        );
        assert!(
            !reasons("kubo").is_some_and(|r| r.iter().any(|r| r.contains("state_dir_unwritable"))),
            "{:?}",
            snap.health
        );

        std::fs::remove_file(&state_dir).expect("recover");
        assert!(state.writes_pending());
        state.apply(Update::RetryWrites);
        let snap = state.snapshot();
        assert!(!snap.state_writes.failing, "{:?}", snap.state_writes);
        assert_eq!(snap.state_writes.pending, 0);
        assert!(snap.alerts.iter().all(|a| a.rule != "state_dir_unwritable"));
        let alerts = std::fs::read_to_string(state_dir.join("alerts.jsonl")).expect("alerts");
        let kinds: Vec<String> = alerts
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).expect("line")["kind"].to_string()
            })
            .collect();
        assert_eq!(kinds, ["\"fired\"", "\"resolved\""], "{alerts}");
        let history = std::fs::read_to_string(state_dir.join("history.jsonl")).expect("history");
        assert!(history.contains("pin.add"), "{history}");
    }

    #[test]
    fn a_kubo_found_by_its_api_file_names_its_repo_for_disk_alerts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).expect("mkdir");
        std::fs::write(repo.join("api"), "/ip4/127.0.0.1/tcp/5999").expect("api file");
        let vars = env(&[
            ("IPFS_PATH", &repo.display().to_string()),
            ("HOME", &dir.path().display().to_string()),
        ]);
        let overrides = crate::config::Overrides {
            state_dir: Some(dir.path().join("state")),
            ..Default::default()
        };
        let cfg = crate::config::load(&overrides, &vars).expect("config");
        let mut state = CollectorState::new(&cfg);
        assert_eq!(state.alerts.context_mut().repo_path, Some(repo));
    }
}
