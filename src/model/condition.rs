//! The figures and words several views show, derived once from the snapshot so the header,
//! the panels, the tabs, the summary, the JSON and the exit code say the same thing:
//! - alert counts by severity (the firing alerts, as the health status counts them);
//! - a source's condition: its health level (poll state worsened by alerts) and its word;
//! - a watched daemon's uptime (the supervisor's record, else the process serving the API).

use super::{HealthLevel, ProcessStats, Snapshot, SourceState};
use crate::alerts::{Alert, Severity};

/// Firing alerts per severity. Pending ones have not fired yet and are not counted;
/// acknowledged ones still fire and are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlertCounts {
    pub critical: usize,
    pub warning: usize,
}

impl AlertCounts {
    pub fn of(alerts: &[Alert]) -> AlertCounts {
        alerts
            .iter()
            .filter(|a| a.is_firing())
            .fold(AlertCounts::default(), |mut c, a| {
                match a.severity {
                    Severity::Critical => c.critical += 1,
                    Severity::Warning => c.warning += 1,
                }
                c
            })
    }

    pub fn total(self) -> usize {
        self.critical + self.warning
    }
}

/// How a source is doing: the health level the Health panel and the JSON show, and the word
/// the header and the summary show for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Condition {
    pub level: HealthLevel,
    pub word: &'static str,
}

impl Condition {
    fn new(level: HealthLevel, word: &'static str) -> Condition {
        Condition { level, word }
    }
}

impl Snapshot {
    /// Firing alerts by severity.
    pub fn alert_counts(&self) -> AlertCounts {
        AlertCounts::of(&self.alerts)
    }

    /// The condition of `kubo`, `cluster` or `host`: the poll state says whether it answers,
    /// the health level (after alerts) how well. A Cluster that is down where none was
    /// configured is "not found"; a source switched off is "off".
    pub fn source_condition(&self, name: &str) -> Condition {
        let state = match name {
            "kubo" => self.kubo.state,
            "cluster" => self.cluster.state,
            "host" => self.host.state,
            _ => SourceState::Unknown,
        };
        let health = self.health.sources.get(name).map(|h| h.level);
        match state {
            SourceState::Disabled => Condition::new(HealthLevel::Unknown, "off"),
            SourceState::Unknown => Condition::new(HealthLevel::Unknown, "waiting"),
            // Health leaves a down source it does not require at unknown.
            SourceState::Down if health == Some(HealthLevel::Unknown) => {
                Condition::new(HealthLevel::Unknown, "not found")
            }
            SourceState::Down => Condition::new(HealthLevel::Unhealthy, "down"),
            SourceState::Ok | SourceState::Degraded => {
                let from_poll = if state == SourceState::Ok {
                    HealthLevel::Healthy
                } else {
                    HealthLevel::Degraded
                };
                match health.unwrap_or(from_poll) {
                    HealthLevel::Healthy => Condition::new(HealthLevel::Healthy, "ok"),
                    HealthLevel::Degraded => Condition::new(HealthLevel::Degraded, "degraded"),
                    HealthLevel::Unhealthy => Condition::new(HealthLevel::Unhealthy, "unhealthy"),
                    HealthLevel::Unknown => Condition::new(HealthLevel::Unknown, "unknown"),
                }
            }
        }
    }

    /// Seconds since the watched daemon of `role` ("kubo", "cluster") started: the
    /// supervisor's record of the daemon serving the watched API, else the host process that
    /// listens on that API's port.
    pub fn daemon_uptime(&self, role: &str) -> Option<u64> {
        if let Some(d) = self.watched_daemon(role) {
            // Not running: no uptime, whatever the host's last sample still lists. Running
            // with no start time known (pid not found): the host process below.
            if d.uptime_secs.is_some() || !d.state.is_running() {
                return d.uptime_secs;
            }
        }
        self.host
            .data
            .as_ref()?
            .processes
            .iter()
            .find(|p| p.role == role && self.is_watched(p))
            .map(|p| p.run_time_secs)
    }

    /// Whether host process `p` is the daemon this snapshot watches for its role: the pid the
    /// supervisor records for it, or the process listening on the watched API's port when
    /// that API is on this host. Other repos' daemons on the same host are not.
    pub fn is_watched(&self, p: &ProcessStats) -> bool {
        if let Some(d) = self.watched_daemon(&p.role) {
            if !d.state.is_running() {
                return false;
            }
            if let Some(pid) = d.pid {
                return pid == p.pid;
            }
        }
        let endpoint = match p.role.as_str() {
            "kubo" => self.kubo.endpoint.as_deref(),
            "cluster" => self.cluster.endpoint.as_deref(),
            _ => None,
        };
        endpoint
            .and_then(local_port)
            .is_some_and(|port| p.listen_ports.contains(&port))
    }
}

/// The port of an API address on this host (loopback, `localhost` or unspecified).
pub fn local_port(endpoint: &str) -> Option<u16> {
    let url = reqwest::Url::parse(endpoint).ok()?;
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let local = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    local.then(|| url.port_or_known_default()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::test_support::firing;
    use crate::model::Health;

    fn snap() -> Snapshot {
        let mut s = Snapshot::empty("http://k".into(), "http://c".into(), true);
        s.host.state = SourceState::Ok;
        s.kubo.state = SourceState::Ok;
        s.cluster.state = SourceState::Ok;
        s
    }

    #[test]
    fn a_source_answering_but_degraded_by_an_alert_is_degraded_everywhere() {
        let mut s = snap();
        s.alerts.push(firing(
            "cluster_kubo_unreachable",
            "cluster.ipfs_error",
            Severity::Warning,
        ));
        s.health = Health::derive(&s, true);
        assert_eq!(
            s.source_condition("cluster"),
            Condition::new(HealthLevel::Degraded, "degraded")
        );
        assert_eq!(s.source_condition("kubo").word, "ok");
        assert_eq!(
            s.alert_counts(),
            AlertCounts {
                critical: 0,
                warning: 1
            }
        );
    }

    #[test]
    fn down_is_down_unless_not_required() {
        let mut s = snap();
        s.cluster.state = SourceState::Down;
        s.health = Health::derive(&s, true);
        assert_eq!(s.source_condition("cluster").word, "down");
        s.health = Health::derive(&s, false);
        assert_eq!(s.source_condition("cluster").word, "not found");
        s.cluster.state = SourceState::Disabled;
        assert_eq!(s.source_condition("cluster").word, "off");
    }
}
