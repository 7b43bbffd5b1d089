//! Plain words about what is down and how to start or configure it, shown above a tab's
//! widgets.

use ipfs_kit_widgets::Level;

use super::model::{Model, Tab};
use crate::model::{DaemonState, SourceState, SourceStatus};

/// One notice: how serious, and what to say.
pub type Notice = (Level, String);

/// The notices a tab shows.
pub fn for_tab(m: &Model, tab: Tab) -> Vec<Notice> {
    let s = &m.snap;
    let mut out = Vec::new();
    // On every tab: what is recorded meanwhile is not on disk yet.
    out.extend(state_writes_notice(&s.state_writes));
    let (kubo, cluster, host) = match tab {
        Tab::Overview => (true, true, true),
        Tab::Node => (true, false, false),
        Tab::Cluster => (false, true, false),
        Tab::Host => (false, false, true),
        Tab::Operations | Tab::Alerts | Tab::Pins | Tab::Fleet => (false, false, false),
        Tab::Daemons => {
            out.extend(daemons_notice(m));
            (false, false, false)
        }
        Tab::Performance => {
            out.extend(super::convert::perf_notices(m));
            (false, false, false)
        }
        Tab::Audit => {
            out.extend(super::convert::audit_notices(m));
            (false, false, false)
        }
    };
    if kubo && let Some(n) = kubo_notice(m, &s.kubo) {
        out.push(n);
    }
    if cluster {
        // On a small overview only what needs doing: "no Cluster here" waits for its tab.
        let room = tab != Tab::Overview || m.size.1 >= 31;
        out.extend(
            cluster_notice(m, &s.cluster, tab == Tab::Cluster)
                .filter(|(level, _)| room || *level != Level::Info),
        );
    }
    if host && s.host.state == SourceState::Down {
        out.push((
            Level::Warning,
            format!(
                "Host figures are unavailable: {}.",
                s.host.error.as_deref().unwrap_or("no sample")
            ),
        ));
    }
    out
}

/// The status line for a state dir that refuses writes: what fails, what waits, what is lost.
fn state_writes_notice(w: &crate::model::StateWrites) -> Option<Notice> {
    if !w.failing {
        return None;
    }
    let plural = |n: u64| if n == 1 { "entry" } else { "entries" };
    let dropped = if w.dropped_total > 0 {
        format!(
            " {} older {} dropped (backlog full).",
            w.dropped_total,
            plural(w.dropped_total)
        )
    } else {
        String::new()
    };
    Some((
        Level::Warning,
        format!(
            "History not saved: {}. {} {} wait in memory and are written when the disk \
             recovers (free space or make it writable).{dropped}",
            w.last_error.as_deref().unwrap_or("write failed"),
            w.pending,
            plural(w.pending),
        ),
    ))
}

/// What the Daemons tab needs said: why nothing can be started, or that the node on screen
/// is not one ipfs-kit runs.
fn daemons_notice(m: &Model) -> Option<Notice> {
    if let Some(why) = &m.info.no_supervisor {
        return Some((
            Level::Warning,
            format!("Daemons cannot be run from here: {why}."),
        ));
    }
    let kubo = m.snap.daemons.iter().find(|d| d.name == "kubo")?;
    let watched = m.snap.kubo.endpoint.as_deref()?;
    let same = kubo
        .api
        .as_deref()
        .is_some_and(|a| a.trim_end_matches('/') == watched.trim_end_matches('/'));
    if !same && !kubo.state.is_running() {
        return Some((
            Level::Info,
            format!(
                "The dashboard watches the Kubo at {watched}, which ipfs-kit does not run. \
                 The daemons below are ipfs-kit's own (repo {}); set [supervisor] kubo_repo \
                 in {} to supervise yours.",
                kubo.dir, m.info.config_path
            ),
        ));
    }
    None
}

/// Why a call failed, without the address the sentence already names.
fn reason(error: Option<&str>, endpoint: &str) -> String {
    let e = error.unwrap_or("no answer");
    let prefix = format!("cannot connect to {endpoint}: ");
    e.strip_prefix(&prefix).unwrap_or(e).to_string()
}

fn kubo_notice(m: &Model, k: &SourceStatus<crate::model::KuboStats>) -> Option<Notice> {
    if k.state != SourceState::Down {
        return None;
    }
    let ep = k.endpoint.as_deref().unwrap_or("?");
    let why = reason(k.error.as_deref(), ep);
    let origin = k.endpoint_source.as_deref().unwrap_or("default");
    let cfg = &m.info.config_path;
    let supervised = m.snap.watched_daemon("kubo");
    let text = if let Some(d) = supervised {
        // What the Daemons tab says, not advice that contradicts it.
        let doing = match d.state {
            DaemonState::Crashed | DaemonState::BackingOff | DaemonState::Starting => {
                "the supervisor is restarting it"
            }
            DaemonState::Failed => {
                "the supervisor gave up restarting it: start it on the Daemons tab (6)"
            }
            _ => "see the Daemons tab (6)",
        };
        let exit = d
            .last_exit
            .as_deref()
            .map_or(String::new(), |e| format!(", last exit: {e}"));
        format!(
            "Kubo is not answering at {ep} ({why}); {doing} ({}{exit}). Its log is in {}.",
            d.state.as_str(),
            m.info.log_dir
        )
    } else if origin == "embedded node" {
        format!(
            "The embedded Kubo is not answering at {ep} ({why}). Its log is in {}; quit and \
             run ipfs-kit again to restart it.",
            m.info.log_dir
        )
    } else if origin == "default" || origin.starts_with("api file") {
        format!(
            "Kubo is not answering at {ep} ({why}). Start it with `ipfs daemon`, or set \
             IPFS_KIT_KUBO_API / [kubo] api in {cfg}."
        )
    } else {
        format!(
            "Kubo is not answering at {ep} ({why}). Check that Kubo runs there, or change the \
             address (it comes from {origin})."
        )
    };
    Some((Level::Critical, text))
}

fn cluster_notice(
    m: &Model,
    c: &SourceStatus<crate::model::ClusterStats>,
    own_tab: bool,
) -> Option<Notice> {
    let ep = c.endpoint.as_deref().unwrap_or("?");
    let origin = c.endpoint_source.as_deref().unwrap_or("default");
    let cfg = &m.info.config_path;
    match c.state {
        SourceState::Down if origin == "default" => Some((
            Level::Info,
            format!(
                "No IPFS Cluster answers at {ep} (none configured). To watch one, start \
                 `ipfs-cluster-service daemon` or set IPFS_KIT_CLUSTER_API / [cluster] api in \
                 {cfg}; [cluster] enabled = false hides this."
            ),
        )),
        SourceState::Down => {
            let why = reason(c.error.as_deref(), ep);
            Some((
                Level::Warning,
                format!(
                    "IPFS Cluster is not answering at {ep} ({why}). Start it with \
                     `ipfs-cluster-service daemon`, or change the address (it comes from \
                     {origin})."
                ),
            ))
        }
        SourceState::Disabled if own_tab => Some((
            Level::Info,
            format!("Cluster monitoring is off ([cluster] enabled = false in {cfg})."),
        )),
        _ => c
            .data
            .as_ref()
            .and_then(|d| d.ipfs_error.as_ref())
            .map(|e| {
                (
                    Level::Warning,
                    format!(
                        "IPFS Cluster cannot reach its Kubo ({e}); it cannot pin until it can. \
                         Check ipfs_connector.ipfshttp.node_multiaddress in its service.json."
                    ),
                )
            }),
    }
}

/// Rows the tab's notices take at `width` columns (each notice wrapped, marker included).
pub fn lines(m: &Model, tab: Tab, width: u16) -> usize {
    for_tab(m, tab)
        .iter()
        .map(|(l, t)| wrap(&with_marker(*l, t, m.theme.ascii), usize::from(width)).len())
        .sum()
}

/// `✖ Kubo is not answering…` / `[XX] Kubo is not answering…`.
pub fn with_marker(level: Level, text: &str, ascii: bool) -> String {
    format!("{} {text}", level.glyph(ascii))
}

/// Word wrap to `width` cells; words longer than a line are cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for word in text.split_whitespace() {
        let w = ipfs_kit_widgets::format::width(word);
        if line_w > 0 && line_w + 1 + w > width {
            out.push(std::mem::take(&mut line));
            line_w = 0;
        }
        if line_w > 0 {
            line.push(' ');
            line_w += 1;
        }
        line.push_str(word);
        line_w += w;
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("", 5), vec![""]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abcdefgh"]);
    }
}
