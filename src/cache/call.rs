//! One slow daemon call kept in the shared cache (both tiers): a dashboard or supervisor
//! started after a restart gets the last answer from disk at once instead of waiting for a
//! block-walking `repo/stat` or a full pin listing. Concurrent callers wait for one fetch.
//! Without a cache (one-shot runs, which call each once) every call fetches.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Cache;

pub struct CachedCall<V> {
    store: Option<(Arc<Cache>, String)>,
    ttl: Duration,
    flight: tokio::sync::Mutex<()>,
    _value: PhantomData<fn() -> V>,
}

impl<V: Serialize + DeserializeOwned> CachedCall<V> {
    /// `key` names the call and the node (`kubo:<endpoint>:version`); `cache` None = no
    /// caching.
    pub fn new(cache: Option<&Arc<Cache>>, key: String, ttl: Duration) -> Self {
        CachedCall {
            store: cache.map(|c| (Arc::clone(c), key)),
            ttl,
            flight: tokio::sync::Mutex::new(()),
            _value: PhantomData,
        }
    }

    fn cached(&self) -> Option<V> {
        let (cache, key) = self.store.as_ref()?;
        cache.get_json(key)
    }

    /// The cached value while younger than the TTL, else `fetch`'s, kept when it succeeds
    /// (an error is not kept: the next call tries again).
    pub async fn get_or_try<E>(&self, fetch: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        if let Some(v) = self.cached() {
            return Ok(v);
        }
        let _one = self.flight.lock().await;
        if let Some(v) = self.cached() {
            return Ok(v);
        }
        let v = fetch.await?;
        if let Some((cache, key)) = &self.store {
            cache.set_json(key, &v, self.ttl);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{CacheSection, Policy};
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn keeps_values_for_the_ttl_but_not_errors_and_across_a_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let section = CacheSection {
            memory_policy: Policy::Tinylfu,
            path: Some(dir.path().join("c.redb")),
            ..CacheSection::default()
        };
        let calls = AtomicU32::new(0);
        let calls = &calls;
        let fetch = move |ok: bool| async move {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            if ok { Ok(n) } else { Err("down") }
        };
        {
            let cache = Arc::new(Cache::open(&section));
            let c = CachedCall::new(Some(&cache), "k".into(), Duration::from_secs(3600));
            assert_eq!(c.get_or_try(fetch(false)).await, Err("down"));
            assert_eq!(c.get_or_try(fetch(true)).await, Ok(1));
            assert_eq!(c.get_or_try(fetch(true)).await, Ok(1));
        }
        // A new process: the value comes from the disk tier.
        let cache = Arc::new(Cache::open(&section));
        let c = CachedCall::new(Some(&cache), "k".into(), Duration::from_secs(3600));
        assert_eq!(c.get_or_try(fetch(true)).await, Ok(1));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // Uncached: every call fetches.
        let none: CachedCall<u32> = CachedCall::new(None, "k".into(), Duration::from_secs(3600));
        assert_eq!(none.get_or_try(fetch(true)).await, Ok(2));
        assert_eq!(none.get_or_try(fetch(true)).await, Ok(3));
    }
}
