//! Identical reads that arrive while one is running share the next one, so that many clients
//! polling the same list cost the database one statement per round trip rather than one each.
//!
//! Nothing is served from memory: a read that arrives while another of the same key runs waits
//! for that one to finish and then for a new one, which starts after it arrived, so every answer
//! comes from a statement that started after its request did. A client therefore sees every
//! change committed before it asked, whichever replica committed it, exactly as if it had read
//! alone. What sharing changes is the cost, one statement for everyone who asked during the
//! previous one, and the wait of who joins: the rest of the running read, then its own.
//!
//! A read that fails fails for everyone who shared it (they asked at the same moment, and the
//! database would have told them the same). It runs in the first waiter's request span, so
//! its log lines carry that request's id; each other waiter's request logs a line of its own
//! naming the failure. A round that is cancelled or panics before it answers drops its
//! waiters' channels, and each of them then reads on its own.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;
use tracing::{Instrument, Span};

use crate::{DomainError, DomainResult};

/// Who waits for the next read of a key: where to send the answer, and the span of the
/// request that asked (for its log lines).
type Waiters<V> = Vec<(oneshot::Sender<DomainResult<V>>, Span)>;

/// The reads of one kind (say, an environment's DFSP list) in progress, by key.
pub(crate) struct SharedReads<K, V> {
    /// Whether reads are shared at all (see [`SharedReads::new`]).
    share: bool,
    /// A key is present while a read of it runs; its value is who arrived since that read began.
    running: Arc<Mutex<HashMap<K, Waiters<V>>>>,
}

impl<K, V> Clone for SharedReads<K, V> {
    fn clone(&self) -> Self {
        SharedReads {
            share: self.share,
            running: Arc::clone(&self.running),
        }
    }
}

impl<K, V> SharedReads<K, V> {
    /// `share`: whether reads are worth sharing. They are when each costs a round trip to a
    /// database server, whose CPU is what limits many clients; a read of a SQLite file in
    /// the process costs no more than the hand-off between the readers (measured: about 3 µs
    /// more per read, and a longer tail), so there every read is its own.
    pub(crate) fn new(share: bool) -> Self {
        SharedReads {
            share,
            running: Arc::default(),
        }
    }
}

impl<K, V> SharedReads<K, V>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// `read`'s answer for `key`, from a read that started after this call did: this call's own
    /// when no read of `key` is running, else the one that follows the running one, shared by
    /// everyone who asked while it ran. `read` must answer the same to everyone who may call
    /// this with `key` (check the caller's permissions before, not inside).
    pub(crate) async fn read<F, Fut>(&self, key: K, read: F) -> DomainResult<V>
    where
        F: Fn() -> Fut + Clone + Send + 'static,
        Fut: Future<Output = DomainResult<V>> + Send + 'static,
    {
        if !self.share {
            return read().await;
        }
        let waiting = {
            let mut running = self.lock();
            match running.get_mut(&key) {
                Some(waiters) => {
                    let (sender, receiver) = oneshot::channel();
                    waiters.push((sender, Span::current()));
                    Some(receiver)
                }
                None => {
                    running.insert(key.clone(), Vec::new());
                    None
                }
            }
        };
        match waiting {
            Some(receiver) => match receiver.await {
                Ok(answer) => answer,
                // The round meant for us was cancelled or panicked: read alone.
                Err(_) => read().await,
            },
            None => {
                let round = Round {
                    running: Arc::clone(&self.running),
                    key,
                    read,
                };
                let answer = (round.read)().await;
                drop(round);
                answer
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Waiters<V>>> {
        lock(&self.running)
    }
}

/// The map is only ever changed whole under the lock, so a panic elsewhere leaves it sound.
fn lock<K, V>(
    running: &Mutex<HashMap<K, Waiters<V>>>,
) -> std::sync::MutexGuard<'_, HashMap<K, Waiters<V>>> {
    running.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One read of a key in progress. When it ends (answered, cancelled or panicking), those who
/// arrived meanwhile get a round of their own, or the key is idle again.
struct Round<K, V, F, Fut>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + 'static,
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = DomainResult<V>> + Send + 'static,
{
    running: Arc<Mutex<HashMap<K, Waiters<V>>>>,
    key: K,
    read: F,
}

impl<K, V, F, Fut> Round<K, V, F, Fut>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + 'static,
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = DomainResult<V>> + Send + 'static,
{
    async fn answer(self, waiters: Waiters<V>) {
        let span = waiters
            .first()
            .map_or_else(Span::none, |(_, span)| span.clone());
        let answer = (self.read)().instrument(span).await;
        if let Err(error @ DomainError::Internal(_)) = &answer {
            for (_, span) in waiters.iter().skip(1) {
                span.in_scope(
                    || tracing::error!(%error, "a read shared with another request failed"),
                );
            }
        }
        for (waiter, _) in waiters {
            // A waiter that went away (its client hung up) needs no answer.
            let _ = waiter.send(answer.clone());
        }
    }
}

impl<K, V, F, Fut> Drop for Round<K, V, F, Fut>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + 'static,
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = DomainResult<V>> + Send + 'static,
{
    fn drop(&mut self) {
        let waiters = {
            let mut running = lock(&self.running);
            match running.get_mut(&self.key) {
                Some(waiters) if !waiters.is_empty() => std::mem::take(waiters),
                _ => {
                    running.remove(&self.key);
                    return;
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let next = Round {
                    running: Arc::clone(&self.running),
                    key: self.key.clone(),
                    read: self.read.clone(),
                };
                runtime.spawn(next.answer(waiters));
            }
            // No runtime (it is shutting down): the waiters' channels close, and each of them
            // reads on its own, if it still runs at all.
            Err(_) => {
                lock(&self.running).remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use tokio::sync::Notify;

    use super::*;

    /// Reads numbered in the order they start; the first one waits for `release`.
    #[derive(Clone, Default)]
    struct Numbered {
        started: Arc<AtomicUsize>,
        release: Arc<Notify>,
    }

    impl Numbered {
        fn read(&self) -> impl Fn() -> BoxedAnswer + Clone + Send + 'static {
            let this = self.clone();
            move || {
                let this = this.clone();
                Box::pin(async move {
                    let number = this.started.fetch_add(1, Ordering::SeqCst) + 1;
                    if number == 1 {
                        this.release.notified().await;
                    }
                    Ok(number)
                })
            }
        }

        fn started(&self) -> usize {
            self.started.load(Ordering::SeqCst)
        }
    }

    type BoxedAnswer = std::pin::Pin<Box<dyn Future<Output = DomainResult<usize>> + Send>>;

    /// Lets the spawned tasks run until `key` has `count` waiters.
    async fn until_waiting(reads: &SharedReads<u8, usize>, key: u8, count: usize) {
        for _ in 0..1000 {
            if reads.lock().get(&key).map_or(0, Vec::len) == count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("never {count} waiters for {key}");
    }

    /// Spawns a read of `key` through `reads`.
    fn spawn_read<F, Fut>(
        reads: &SharedReads<u8, usize>,
        key: u8,
        read: F,
    ) -> tokio::task::JoinHandle<DomainResult<usize>>
    where
        F: Fn() -> Fut + Clone + Send + 'static,
        Fut: Future<Output = DomainResult<usize>> + Send + 'static,
    {
        let reads = reads.clone();
        tokio::spawn(async move { reads.read(key, read).await })
    }

    /// Spawns the first read of `key`, which waits for `numbered.release`, once it has begun.
    async fn first_read(
        reads: &SharedReads<u8, usize>,
        numbered: &Numbered,
        key: u8,
    ) -> tokio::task::JoinHandle<DomainResult<usize>> {
        let first = spawn_read(reads, key, numbered.read());
        while numbered.started() == 0 {
            tokio::task::yield_now().await;
        }
        first
    }

    #[tokio::test]
    async fn a_read_alone_is_its_own() {
        let reads = SharedReads::<u8, usize>::new(true);
        let numbered = Numbered::default();
        numbered.release.notify_one();
        assert_eq!(reads.read(1, numbered.read()).await, Ok(1));
        assert_eq!(reads.read(1, numbered.read()).await, Ok(2));
        assert!(reads.lock().is_empty(), "an idle key is forgotten");
    }

    #[tokio::test]
    async fn those_who_ask_during_a_read_share_the_next_one() {
        let reads = SharedReads::<u8, usize>::new(true);
        let numbered = Numbered::default();
        let first = first_read(&reads, &numbered, 7).await;
        let later: Vec<_> = (0..3)
            .map(|_| spawn_read(&reads, 7, numbered.read()))
            .collect();
        until_waiting(&reads, 7, 3).await;
        assert_eq!(
            numbered.started(),
            1,
            "nobody reads while the first read runs"
        );

        numbered.release.notify_one();
        assert_eq!(first.await.unwrap(), Ok(1));
        for waiter in later {
            // Never the answer of the read that was running when they asked.
            assert_eq!(waiter.await.unwrap(), Ok(2));
        }
        assert_eq!(numbered.started(), 2);
        assert!(reads.lock().is_empty());
    }

    #[tokio::test]
    async fn unshared_reads_are_each_their_own() {
        let reads = SharedReads::<u8, usize>::new(false);
        let numbered = Numbered::default();
        let first = first_read(&reads, &numbered, 1).await;
        assert_eq!(reads.read(1, numbered.read()).await, Ok(2));
        numbered.release.notify_one();
        assert_eq!(first.await.unwrap(), Ok(1));
    }

    #[tokio::test]
    async fn other_keys_read_on_their_own() {
        let reads = SharedReads::<u8, usize>::new(true);
        let numbered = Numbered::default();
        let first = first_read(&reads, &numbered, 1).await;
        assert_eq!(reads.read(2, numbered.read()).await, Ok(2));
        numbered.release.notify_one();
        assert_eq!(first.await.unwrap(), Ok(1));
    }

    #[tokio::test]
    async fn waiters_are_answered_when_the_read_they_waited_behind_is_cancelled() {
        let reads = SharedReads::<u8, usize>::new(true);
        let numbered = Numbered::default();
        let first = first_read(&reads, &numbered, 3).await;
        let waiter = spawn_read(&reads, 3, numbered.read());
        until_waiting(&reads, 3, 1).await;
        first.abort();
        assert!(first.await.unwrap_err().is_cancelled());
        assert_eq!(waiter.await.unwrap(), Ok(2));
        assert!(reads.lock().is_empty());
    }

    #[tokio::test]
    async fn a_failed_read_fails_for_everyone_who_shared_it() {
        let reads = SharedReads::<u8, usize>::new(true);
        let release = Arc::new(Notify::new());
        let started = Arc::new(AtomicUsize::new(0));
        let read = {
            let (release, started) = (release.clone(), started.clone());
            move || {
                let (release, started) = (release.clone(), started.clone());
                async move {
                    if started.fetch_add(1, Ordering::SeqCst) == 0 {
                        release.notified().await;
                        Ok(1)
                    } else {
                        Err(DomainError::NotFound("gone".into()))
                    }
                }
            }
        };
        let first = spawn_read(&reads, 5, read.clone());
        while started.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        let waiters: Vec<_> = (0..2)
            .map(|_| spawn_read(&reads, 5, read.clone()))
            .collect();
        until_waiting(&reads, 5, 2).await;
        release.notify_one();
        assert_eq!(first.await.unwrap(), Ok(1));
        for waiter in waiters {
            assert_eq!(
                waiter.await.unwrap(),
                Err(DomainError::NotFound("gone".into()))
            );
        }
        assert_eq!(started.load(Ordering::SeqCst), 2);
    }
}
