//! `daemon start|stop|restart|status` through a running daemon's API: the process that holds
//! the state dir (`supervise`, a dashboard) owns the daemons, so a one-shot command asks it
//! (`POST /api/v1/daemons/{name}/{action}`) instead of being refused; the daemon records the
//! action once, as asked by this client.

use crate::actions::{ActionError, Request};
use crate::api::client::Remote;
use crate::config::Config;
use crate::model::DaemonStatus;
use crate::supervisor::service::Action;

/// Where a `daemon` command's API is: `--connect` (the first) and `--token`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Via<'a> {
    pub connect: Option<&'a str>,
    pub token: Option<&'a str>,
}

/// What asking the daemon came to.
pub(super) enum Asked {
    /// It did it (or tried and failed): the exit code, the statuses printed.
    Done(u8),
    /// It would not (read-only, no supervisor in it, a wrong token): why. The caller
    /// refuses as it would with no API (exit 75, the holder named).
    Refused(String),
}

/// Exit 69: `--connect` names a daemon that does not answer.
const EX_UNAVAILABLE: u8 = 69;

/// The daemon `--connect` names (an error when it does not answer), else the local one when
/// it answers.
pub(super) async fn find(cfg: &Config, via: Via<'_>) -> Result<Option<Remote>, String> {
    crate::api::client::attach(cfg, via.connect, via.token).await
}

/// `--connect URL` that does not answer: said, exit 69 (nothing local is touched: the
/// command was meant for that daemon).
pub(super) fn unreachable(e: &str) -> u8 {
    crate::say!("ipfs-kit: {e}");
    EX_UNAVAILABLE
}

/// Runs `action` on `which` through `remote` and prints the statuses as the direct path
/// does. Exit 0 done, 1 the daemon tried and failed, 64 no such daemon.
pub(super) async fn act(
    remote: &Remote,
    action: Action,
    which: &str,
    json: bool,
) -> anyhow::Result<Asked> {
    // The names the daemon supervises, checked as the direct path checks them (exit 64).
    // An empty list: it is still in its first start, and its answer will say.
    match remote.daemons().await {
        Ok(list) if !list.is_empty() => super::daemon::check_which(&list, which)?,
        Ok(_) => {}
        Err(e) => return Ok(Asked::Refused(format!("the daemon at {}: {e}", remote.url))),
    }
    let req = Request::Daemon {
        action,
        name: which.to_string(),
    };
    match remote.act(&req).await {
        Ok(done) => {
            crate::say!(
                "ipfs-kit: {} (by the daemon at {})",
                done.message,
                remote.url
            );
            let statuses = match done.daemons {
                Some(d) => d,
                None => statuses_after(remote).await,
            };
            super::daemon::print_status(&statuses, which, json)?;
            Ok(Asked::Done(0))
        }
        Err(ActionError::NotFound(e)) => Err(super::UsageError::new("daemon", which, e).into()),
        Err(ActionError::Failed(e)) => {
            crate::say!(
                "ipfs-kit: {} {which} (by the daemon at {}): {e}",
                action.as_str(),
                remote.url
            );
            super::daemon::print_status(&statuses_after(remote).await, which, json)?;
            Ok(Asked::Done(1))
        }
        Err(
            e @ (ActionError::ReadOnly(_)
            | ActionError::Unavailable(_)
            | ActionError::BadInput(_)
            | ActionError::Conflict(_)),
        ) => Ok(Asked::Refused(format!("the daemon at {}: {e}", remote.url))),
    }
}

/// The statuses after a failed action (the error carries none); empty when they cannot be
/// read, said.
async fn statuses_after(remote: &Remote) -> Vec<DaemonStatus> {
    remote.daemons().await.unwrap_or_else(|e| {
        crate::say!("ipfs-kit: {e}");
        Vec::new()
    })
}

/// `daemon status` from the daemon: its supervisor's statuses, or `None` when it has none
/// yet (still in its first start) or cannot say, and the caller looks itself.
pub(super) async fn statuses(remote: &Remote) -> Option<Vec<DaemonStatus>> {
    match remote.daemons().await {
        Ok(list) if !list.is_empty() => Some(list),
        Ok(_) => None,
        Err(e) => {
            crate::say!("ipfs-kit: {e}; looking here instead");
            None
        }
    }
}
