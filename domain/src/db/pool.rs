//! The connection pool the services borrow connections from.
//!
//! sqlx's own pool pings every connection on its way back (`PoolConnection`'s drop spawns a
//! task that pings, then releases): a second round trip for every read, a network one on MySQL
//! and a hand-off to the connection's thread on SQLite, plus a task spawned per request. The
//! ping is there to flush what a cancelled query left behind (a rollback queued by a dropped
//! transaction, an unread result), which sqlx's connections also flush before their next
//! command, so this pool hands connections back as they are: a return is a push onto the idle
//! list. Except one whose transaction did not end in a commit (a failed or cancelled write): a
//! dropped transaction's ROLLBACK waits in a MySQL connection's buffer until its next command,
//! and its locks with it, so such a connection is pinged (sending the ROLLBACK) before it goes
//! back. A connection that failed (see `Db::after_read`) is discarded instead; one that sat idle
//! long enough for a MySQL server to have dropped it is pinged before it is handed out.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Executor};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Backend;

/// How long a request waits for a connection when all of them are in use.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a MySQL connection may sit in the pool before it is pinged on its way out.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(5);

/// A connection idle this long is closed rather than handed out: a quiet server gives back
/// what a burst of load opened (see `Shared::take_idle`).
const IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// Cheap to clone: the clones share the connections.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    options: AnyConnectOptions,
    backend: Backend,
    max: u32,
    /// One permit per connection that may be open; a borrowed connection holds one.
    permits: Arc<Semaphore>,
    /// Idle connections, the most recently returned last (handed out first: its caches are
    /// warm, and the others grow idle long enough to be closed).
    idle: Mutex<Vec<Idle>>,
    open: AtomicU32,
    closed: AtomicBool,
}

#[derive(Debug)]
struct Idle {
    connection: AnyConnection,
    since: Instant,
}

/// A connection borrowed from the [`Pool`]; it goes back to the pool when dropped.
#[derive(Debug)]
pub struct PooledConn {
    connection: Option<AnyConnection>,
    shared: Arc<Shared>,
    discard: bool,
    /// A transaction began and has not been committed yet.
    in_transaction: bool,
    /// Held until the connection is back on the idle list.
    permit: Option<OwnedSemaphorePermit>,
}

impl Pool {
    /// Opens one connection at once, so that a wrong URL or an unreachable server is reported
    /// at start-up, and keeps it.
    pub(crate) async fn connect(
        url: &str,
        backend: Backend,
        max: u32,
    ) -> Result<Pool, sqlx::Error> {
        let options: AnyConnectOptions = url.parse()?;
        let max = max.max(1);
        let pool = Pool {
            shared: Arc::new(Shared {
                options,
                backend,
                max,
                permits: Arc::new(Semaphore::new(max as usize)),
                idle: Mutex::new(Vec::new()),
                open: AtomicU32::new(0),
                closed: AtomicBool::new(false),
            }),
        };
        drop(pool.acquire().await?);
        Ok(pool)
    }

    /// A connection: an idle one when there is one, a new one while fewer than the maximum are
    /// open, else the first one returned. Waiting for a turn and opening a connection each give
    /// up after [`ACQUIRE_TIMEOUT`].
    pub(crate) async fn acquire(&self) -> Result<PooledConn, sqlx::Error> {
        let shared = &self.shared;
        'turn: loop {
            let permit = shared.permit().await?;
            loop {
                let Some(idle) = shared.take_idle() else {
                    let connection =
                        tokio::time::timeout(ACQUIRE_TIMEOUT, shared.open_connection())
                            .await
                            .map_err(|_| sqlx::Error::PoolTimedOut)??;
                    return Ok(shared.lend(connection, permit));
                };
                let idle_for = idle.since.elapsed();
                if idle_for >= IDLE_TIMEOUT {
                    shared.close_in_background(idle.connection);
                    continue;
                }
                let mut lent = shared.lend(idle.connection, permit);
                if shared.backend == Backend::MySql && idle_for >= IDLE_BEFORE_PING {
                    if let Err(error) = ping(&mut lent).await {
                        tracing::info!(%error, "an idle database connection was lost; taking another");
                        lent.discard();
                        continue 'turn;
                    }
                }
                return Ok(lent);
            }
        }
    }

    /// A connection outside the pool, for work that holds it for long (the migration lock).
    pub(crate) async fn connect_detached(&self) -> Result<AnyConnection, sqlx::Error> {
        self.shared.options.connect().await
    }

    pub(crate) fn open(&self) -> u32 {
        self.shared.open.load(Ordering::Relaxed)
    }

    pub(crate) fn idle(&self) -> u32 {
        u32::try_from(self.shared.idle().len()).unwrap_or(u32::MAX)
    }

    pub(crate) fn max(&self) -> u32 {
        self.shared.max
    }

    /// Closes the idle connections and refuses new borrowers; borrowed ones are closed when
    /// they come back.
    pub(crate) async fn close(&self) {
        let shared = &self.shared;
        // Under the list's lock, so that a connection coming back sees either the flag or the
        // list this takes (see `Shared::give_back`).
        let idle = {
            let mut idle = shared.idle();
            shared.closed.store(true, Ordering::Release);
            std::mem::take(&mut *idle)
        };
        shared.permits.close();
        for Idle { connection, .. } in idle {
            shared.open.fetch_sub(1, Ordering::Relaxed);
            let _ = connection.close().await;
        }
    }
}

impl Shared {
    /// A turn to hold one of the `max` connections.
    async fn permit(&self) -> Result<OwnedSemaphorePermit, sqlx::Error> {
        if self.closed.load(Ordering::Acquire) {
            return Err(sqlx::Error::PoolClosed);
        }
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => Ok(permit),
            Err(_) => tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.clone().acquire_owned())
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?
                .map_err(|_| sqlx::Error::PoolClosed),
        }
    }

    fn lend(
        self: &Arc<Self>,
        connection: AnyConnection,
        permit: OwnedSemaphorePermit,
    ) -> PooledConn {
        PooledConn {
            connection: Some(connection),
            shared: self.clone(),
            discard: false,
            in_transaction: false,
            permit: Some(permit),
        }
    }

    /// The connection returned last, if any. On the way, the one idle longest is closed when
    /// it has sat for [`IDLE_TIMEOUT`]: connections are taken from the top, so one that a burst
    /// of load opened would otherwise wait at the bottom for ever.
    fn take_idle(&self) -> Option<Idle> {
        let mut idle = self.idle();
        let stale = idle
            .first()
            .is_some_and(|oldest| oldest.since.elapsed() >= IDLE_TIMEOUT);
        let stale = stale.then(|| idle.remove(0));
        let taken = idle.pop();
        drop(idle);
        if let Some(stale) = stale {
            self.close_in_background(stale.connection);
        }
        taken
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Idle>> {
        // The lock is only held to push or pop; a panic cannot leave the list half-changed.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn open_connection(&self) -> Result<AnyConnection, sqlx::Error> {
        let mut connection = self.options.connect().await?;
        if self.backend == Backend::Sqlite {
            // WAL lets readers proceed while one writer commits. Foreign keys are sqlx's
            // default; writers queue for up to the busy timeout instead of failing at once.
            connection.execute("PRAGMA journal_mode = WAL").await?;
            connection.execute("PRAGMA busy_timeout = 10000").await?;
        }
        self.open.fetch_add(1, Ordering::Relaxed);
        Ok(connection)
    }

    /// Puts a connection back on the idle list, or closes it when the pool was closed meanwhile.
    fn give_back(&self, connection: AnyConnection) {
        let mut idle = self.idle();
        // Under the list's lock, so that `Pool::close` either sees this connection on the list
        // or this sees its flag.
        if self.closed.load(Ordering::Acquire) {
            drop(idle);
            self.close_in_background(connection);
        } else {
            idle.push(Idle {
                connection,
                since: Instant::now(),
            });
        }
    }

    /// Drops a connection that failed, without a goodbye it could not deliver.
    fn forget(&self, connection: AnyConnection) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        drop(connection);
    }

    /// Closes a connection politely (MySQL's goodbye) without making the caller wait; outside a
    /// runtime (a process on its way out) it is simply dropped.
    fn close_in_background(&self, connection: AnyConnection) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = connection.close().await;
            });
        }
    }
}

/// A ping that gives up after [`ACQUIRE_TIMEOUT`]: a server that stopped answering must not keep
/// a borrower, or a permit, waiting for as long as TCP takes to notice.
async fn ping(connection: &mut AnyConnection) -> Result<(), sqlx::Error> {
    tokio::time::timeout(ACQUIRE_TIMEOUT, connection.ping())
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?
}

impl PooledConn {
    /// This connection failed (the server went away): it is closed, never handed out again.
    pub(crate) fn discard(&mut self) {
        self.discard = true;
    }

    /// A transaction is about to begin on this connection.
    pub(crate) fn begin_transaction(&mut self) {
        self.in_transaction = true;
    }

    /// The transaction was committed: nothing is left pending on the connection.
    pub(crate) fn transaction_committed(&mut self) {
        self.in_transaction = false;
    }
}

impl Deref for PooledConn {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        self.connection.as_ref().expect("a borrowed connection")
    }
}

impl DerefMut for PooledConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.connection.as_mut().expect("a borrowed connection")
    }
}

impl Drop for PooledConn {
    fn drop(&mut self) {
        let Some(connection) = self.connection.take() else {
            return;
        };
        if self.discard {
            self.shared.forget(connection);
            return;
        }
        if !self.in_transaction {
            self.shared.give_back(connection);
            // The permit is released after this body, once the connection is back on the list.
            return;
        }
        // A transaction ended without its commit: the ping flushes its ROLLBACK (and waits for
        // it) before anyone else gets the connection. The permit goes along, so that no other
        // connection is opened in its place meanwhile.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.shared.forget(connection);
            return;
        };
        let shared = self.shared.clone();
        let permit = self.permit.take();
        runtime.spawn(async move {
            let mut connection = connection;
            match ping(&mut connection).await {
                Ok(()) => shared.give_back(connection),
                Err(error) => {
                    tracing::info!(%error, "a database connection failed while rolling back; closing it");
                    shared.forget(connection);
                }
            }
            drop(permit);
        });
    }
}
