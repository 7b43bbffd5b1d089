//! One cached value with a time to live, for the calls that are slow or rarely change.
//!
//! An async mutex around the value and its age: a caller that finds it stale fetches while
//! holding the lock, so concurrent callers wait for that one fetch instead of each calling the
//! daemon. (This was a one-entry moka cache; moka's code is built for many keys and eviction,
//! and cost the dashboard 1.2 MiB of resident memory for one value.)

use std::future::Future;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct TtlCell<V> {
    ttl: Duration,
    slot: Mutex<Option<(Instant, V)>>,
}

impl<V: Clone + Send + Sync + 'static> TtlCell<V> {
    pub fn new(ttl: Duration) -> Self {
        TtlCell {
            ttl,
            slot: Mutex::new(None),
        }
    }

    /// The value while younger than the TTL, else `fetch`'s, kept when it succeeds (an error
    /// is not kept: the next call tries again). Concurrent callers wait for one fetch.
    pub async fn get_or_try<E>(&self, fetch: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        let mut slot = self.slot.lock().await;
        if let Some((at, v)) = slot.as_ref()
            && at.elapsed() < self.ttl
        {
            return Ok(v.clone());
        }
        let v = fetch.await?;
        *slot = Some((Instant::now(), v.clone()));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn keeps_values_for_the_ttl_but_not_errors() {
        let calls = AtomicU32::new(0);
        let calls = &calls;
        let fetch = move |ok: bool| async move {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            if ok { Ok(n) } else { Err("down") }
        };
        let kept = TtlCell::new(Duration::from_secs(3600));
        assert_eq!(kept.get_or_try(fetch(false)).await, Err("down"));
        assert_eq!(kept.get_or_try(fetch(true)).await, Ok(1));
        assert_eq!(kept.get_or_try(fetch(true)).await, Ok(1));
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        let short = TtlCell::new(Duration::from_millis(20));
        assert_eq!(short.get_or_try(fetch(true)).await, Ok(2));
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(short.get_or_try(fetch(true)).await, Ok(3));

        let zero = TtlCell::new(Duration::ZERO);
        assert_eq!(zero.get_or_try(fetch(true)).await, Ok(4));
        assert_eq!(zero.get_or_try(fetch(true)).await, Ok(5));
    }
}
