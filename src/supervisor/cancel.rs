//! "The supervisor is shutting down": set once (on a signal, on quit), seen by every wait
//! that could otherwise hold a shutdown back — a readiness wait lasts up to `ready_timeout`
//! (90 s), longer than a service manager waits for a stop.

use std::sync::Arc;

use tokio::sync::watch;

#[derive(Clone, Debug)]
pub struct Cancel {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel {
            tx: Arc::new(watch::Sender::new(false)),
        }
    }
}

impl Cancel {
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolves once `cancel` has been called (at once if it already was).
    pub async fn cancelled(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`: wait_for cannot fail while we wait.
        let _ = rx.wait_for(|c| *c).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_sees_the_cancel_including_waits_begun_before_it() {
        let c = Cancel::default();
        let waiter = c.clone();
        let wait = tokio::spawn(async move { waiter.cancelled().await });
        tokio::task::yield_now().await;
        assert!(!c.is_cancelled());
        c.cancel();
        tokio::time::timeout(std::time::Duration::from_secs(1), wait)
            .await
            .expect("the wait ended")
            .expect("join");
        assert!(c.clone().is_cancelled());
        c.cancelled().await;
    }
}
