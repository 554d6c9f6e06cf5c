//! HTTP clients made at their first use. Making a `reqwest::Client` reads and parses every
//! certificate the system trusts (OpenSSL 3 takes ~100 ms of CPU for Debian's bundle), so a
//! client made at start-up delayed the first answer by that much, even in a server that never
//! calls out (no identity provider, no alert webhook).

use std::sync::{Arc, OnceLock};

/// A `reqwest::Client` made by `make` the first time it is asked for; clones share it.
#[derive(Clone)]
pub struct LazyClient(Arc<Inner>);

struct Inner {
    client: OnceLock<reqwest::Client>,
    make: Box<dyn Fn() -> reqwest::Client + Send + Sync>,
}

impl LazyClient {
    pub fn new(make: impl Fn() -> reqwest::Client + Send + Sync + 'static) -> LazyClient {
        LazyClient(Arc::new(Inner {
            client: OnceLock::new(),
            make: Box::new(make),
        }))
    }

    /// The client, made now if this is its first use.
    pub fn get(&self) -> &reqwest::Client {
        self.0.client.get_or_init(|| (self.0.make)())
    }

    /// True once the client was made (the tests check that start-up makes none).
    pub fn is_made(&self) -> bool {
        self.0.client.get().is_some()
    }
}

impl std::fmt::Debug for LazyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyClient")
            .field("made", &self.is_made())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_client_is_made_once_at_its_first_use_and_shared_by_clones() {
        let made = Arc::new(AtomicUsize::new(0));
        let counter = made.clone();
        let lazy = LazyClient::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            reqwest::Client::new()
        });
        let clone = lazy.clone();
        assert_eq!(made.load(Ordering::SeqCst), 0);
        assert!(!clone.is_made());
        lazy.get();
        clone.get();
        assert_eq!(made.load(Ordering::SeqCst), 1);
        assert!(clone.is_made());
    }
}
