//! The database: a pool of sqlx `Any` connections ([`pool`]) that speak SQLite or MySQL/MariaDB,
//! chosen by URL; on a SQLite file, reads run on readers of their own instead
//! ([`sqlite_reads`]: the same queries, without the hand-offs to sqlx's connection threads).
//!
//! Every query is written once, in the SQL both backends accept (`?` placeholders, no
//! `RETURNING`, integer flags). Only the schema differs, so each backend has its own migration
//! folder under `migrations/`. How values are stored so that both backends read them back
//! through the `Any` driver:
//!
//! - **Text** up to a few thousand characters: `VARCHAR(n)` on MySQL, `TEXT` on SQLite, read as
//!   `String`. Never MySQL `TEXT`/`MEDIUMTEXT`: the `Any` driver reports those as blobs, and
//!   decoding them as `String` fails.
//! - **Bytes and long text** (certificates, keys, CSRs, PEM chains): `LONGBLOB` on MySQL, `BLOB`
//!   on SQLite, bound as `&[u8]` and read as `Vec<u8>` ([`long_text`] turns PEM back into text).
//! - **Instants**: fixed-width UTC text (`clock::to_db`), which sorts and compares in SQL.
//! - **Flags**: `SMALLINT`/`INTEGER` 0 or 1 (the driver decodes no `TINYINT` or `BOOLEAN`).
//!
//! `domain/tests/storage.rs` proves each of these on both backends.
//!
//! Services reach the database only through the [`db_read!`] and [`db_write!`] macros, which run
//! their work on one connection (writes in a transaction that SQLite starts `IMMEDIATE`), retry
//! what concurrency made fail transiently, and turn database failures into a `DomainError`,
//! logged there and nowhere else.

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use sqlx::any::{AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::{Any, AnyConnection, Connection};

use crate::error::DomainError;

mod mysql_migrations;
mod pool;
mod shared_reads;
mod sqlite_reads;

use pool::Pool;
pub use pool::PooledConn;
pub(crate) use shared_reads::SharedReads;
pub use sqlite_reads::SqliteReader;
use sqlite_reads::SqliteReaders;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/mysql");

/// How long a server waits for another one to finish migrating the database.
const MIGRATION_LOCK_WAIT: Duration = Duration::from_secs(600);

/// How often a write that failed for a transient reason (a deadlock, a busy database) is tried
/// in all before the failure is reported.
const WRITE_ATTEMPTS: u32 = 5;

/// How often a read is tried in all when the connection it used was lost.
const READ_ATTEMPTS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MySql,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Ok(Backend::MySql)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::MySql => "MySQL/MariaDB",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite://path/to/file.db` or `mysql://user:password@host:port/schema`.
    pub url: String,
    pub max_connections: u32,
    /// How many times to try to connect before giving up (at least once).
    pub attempts: u32,
    pub retry_wait: Duration,
    /// Create the database (SQLite file, MySQL schema) when it does not exist yet.
    pub create_if_missing: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL: it must start with sqlite:// or mysql://")]
    UnsupportedUrl,
    #[error("could not prepare the SQLite directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("could not connect to the database after {attempts} attempt(s): {source}")]
    Connect { attempts: u32, source: sqlx::Error },
    #[error(
        "the SQLite database {path} is in use by another process (another server?): a SQLite \
         file serves one server; several share a MariaDB database"
    )]
    SqliteInUse { path: String },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "another server has been migrating the database for {0:?}: not waiting any longer (is one stuck?)"
    )]
    MigrationLock(Duration),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

/// What can go wrong inside a unit of database work: a domain rule refused it, or the database
/// failed. `?` turns either into this; [`Db::read`] and [`Db::write`] turn it back into a
/// `DomainError`, retrying transient database failures and logging the others.
#[derive(Debug)]
pub enum Failure {
    Domain(DomainError),
    Store(sqlx::Error),
}

impl From<DomainError> for Failure {
    fn from(error: DomainError) -> Self {
        Failure::Domain(error)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::Store(error)
    }
}

/// The result of a unit of database work.
pub type Outcome<T> = Result<T, Failure>;

/// The connection a unit of work runs its statements on: one of sqlx's, or, for a read on a
/// SQLite file, a reader of [`sqlite_reads`]. The repositories' queries run on either through
/// sqlx's `Executor`.
#[derive(Debug)]
pub enum Conn<'a> {
    Sqlx(&'a mut AnyConnection),
    SqliteReader(&'a mut rusqlite::Connection),
}

impl<'c, 'a: 'c> sqlx::Executor<'c> for &'c mut Conn<'a> {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        mut query: E,
    ) -> BoxStream<'e, Result<sqlx::Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, Any>,
    {
        match self {
            Conn::Sqlx(connection) => (&mut **connection).fetch_many(query),
            Conn::SqliteReader(connection) => {
                let steps: Vec<_> = match sqlite_reads::run(connection, &mut query, None) {
                    Ok(steps) => steps.into_iter().map(Ok).collect(),
                    Err(error) => vec![Err(error)],
                };
                Box::pin(futures_util::stream::iter(steps))
            }
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        mut query: E,
    ) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, Any>,
    {
        match self {
            Conn::Sqlx(connection) => (&mut **connection).fetch_optional(query),
            Conn::SqliteReader(connection) => {
                let row = sqlite_reads::run(connection, &mut query, Some(1)).map(|steps| {
                    steps.into_iter().find_map(|step| match step {
                        sqlx::Either::Right(row) => Some(row),
                        sqlx::Either::Left(_) => None,
                    })
                });
                Box::pin(std::future::ready(row))
            }
        }
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, Result<AnyStatement<'q>, sqlx::Error>>
    where
        'c: 'e,
    {
        match self {
            Conn::Sqlx(connection) => (&mut **connection).prepare_with(sql, parameters),
            Conn::SqliteReader(_) => Box::pin(std::future::ready(Err(not_on_a_reader()))),
        }
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<sqlx::Describe<Any>, sqlx::Error>>
    where
        'c: 'e,
    {
        match self {
            Conn::Sqlx(connection) => (&mut **connection).describe(sql),
            Conn::SqliteReader(_) => Box::pin(std::future::ready(Err(not_on_a_reader()))),
        }
    }
}

fn not_on_a_reader() -> sqlx::Error {
    sqlx::Error::Protocol("statements are not prepared or described on a SQLite reader".into())
}

#[derive(Debug, Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// Reads on a SQLite file go through these instead of the pool (see [`sqlite_reads`]).
    readers: Option<SqliteReaders>,
}

impl Db {
    /// Connects, retrying as configured, and creating the database when asked to.
    pub async fn connect(options: &DbOptions) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(&options.url)?;
        let mut options = options.clone();
        if backend == Backend::Sqlite {
            ensure_sqlite_directory(&options.url)?;
            options.url = sqlite_url_held_by_this_process(&options.url);
        }
        let options = &options;
        let attempts = options.attempts.max(1);
        let mut attempt = 1;
        loop {
            match Self::try_connect(options, backend).await {
                Ok(pool) => {
                    let readers = match backend {
                        Backend::Sqlite => {
                            SqliteReaders::for_url(&options.url, options.max_connections)
                                .map_err(|source| DbError::Connect { attempts, source })?
                        }
                        Backend::MySql => None,
                    };
                    return Ok(Db {
                        pool,
                        backend,
                        readers,
                    });
                }
                Err(source) if attempt >= attempts => {
                    return Err(if backend == Backend::Sqlite && sqlite_busy(&source) {
                        DbError::SqliteInUse {
                            path: sqlite_path(&options.url).to_owned(),
                        }
                    } else {
                        DbError::Connect { attempts, source }
                    });
                }
                Err(error) => {
                    tracing::warn!(
                        attempt,
                        attempts,
                        %error,
                        "database not reachable yet; retrying in {:?}",
                        options.retry_wait
                    );
                    tokio::time::sleep(options.retry_wait).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn try_connect(options: &DbOptions, backend: Backend) -> Result<Pool, sqlx::Error> {
        if options.create_if_missing && !Any::database_exists(&options.url).await? {
            tracing::info!("creating the {} database", backend.name());
            Any::create_database(&options.url).await?;
        }
        Pool::connect(&options.url, backend, options.max_connections).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the backend's pending migrations (MySQL runs them under an advisory lock, so
    /// several replicas may start at once).
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = self.acquire().await?;
                SQLITE_MIGRATIONS.run_direct(&mut *conn).await?
            }
            Backend::MySql => {
                // sqlx's own lock is `GET_LOCK(name, -1)`, which MariaDB answers at once with
                // NULL instead of waiting (MySQL waits): replicas starting together on a new
                // database would migrate at the same time and fail on each other's half-done
                // migration. This lock waits, on both, on a connection of its own.
                let mut lock = self.pool.connect_detached().await?;
                let acquired: Option<i64> = sqlx::query_scalar(
                    "SELECT GET_LOCK(CONCAT('cm_migrate_', SHA1(DATABASE())), ?)",
                )
                .bind(MIGRATION_LOCK_WAIT.as_secs() as i64)
                .fetch_one(&mut lock)
                .await?;
                if acquired != Some(1) {
                    return Err(DbError::MigrationLock(MIGRATION_LOCK_WAIT));
                }
                let migrated = match self.acquire().await {
                    Ok(mut conn) => mysql_migrations::run(&mut conn, &MYSQL_MIGRATIONS).await,
                    Err(error) => Err(error.into()),
                };
                // Closing the connection releases the lock too; releasing first lets the next
                // replica go on without waiting for the close.
                let _ = sqlx::query("SELECT RELEASE_LOCK(CONCAT('cm_migrate_', SHA1(DATABASE())))")
                    .execute(&mut lock)
                    .await;
                let _ = lock.close().await;
                migrated?
            }
        }
        Ok(())
    }

    /// True when the database answers a trivial query.
    pub async fn is_reachable(&self) -> bool {
        match self.pool.acquire().await {
            Ok(mut conn) => conn.ping().await.is_ok(),
            Err(_) => false,
        }
    }

    /// How many connections the pool holds open, how many of them are idle, and its limit.
    pub fn pool_usage(&self) -> crate::statistics::PoolUsage {
        crate::statistics::PoolUsage {
            open: self.pool.open(),
            idle: self.pool.idle(),
            max: self.pool.max(),
            readers: self.readers.as_ref().map(SqliteReaders::usage),
        }
    }

    pub async fn close(&self) {
        if let Some(readers) = &self.readers {
            readers.close();
        }
        self.pool.close().await;
    }

    /// A pooled connection.
    pub(crate) async fn acquire(&self) -> Result<PooledConn, sqlx::Error> {
        self.pool.acquire().await
    }

    /// The connection a [`db_read!`] reads on: a SQLite reader when there are readers, one is
    /// free and `on_sqlx` is not asked for, else a pooled connection. `reader` and `pooled` hold it.
    pub(crate) async fn read_connection<'a>(
        &self,
        reader: &'a mut Option<SqliteReader>,
        pooled: &'a mut Option<PooledConn>,
        on_sqlx: bool,
    ) -> Result<Conn<'a>, sqlx::Error> {
        if let Some(readers) = self.readers.as_ref().filter(|_| !on_sqlx) {
            *reader = readers.take()?;
            if let Some(reader) = reader {
                return Ok(Conn::SqliteReader(reader.connection()));
            }
        }
        Ok(Conn::Sqlx(pooled.insert(self.acquire().await?)))
    }

    /// Begins a write transaction on `conn`, for [`db_write!`]. On SQLite it takes the write lock
    /// when it begins (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes
    /// fails with "database is locked" when another writer got there first, instead of waiting
    /// its turn.
    pub async fn begin_write<'c>(
        &self,
        conn: &'c mut PooledConn,
    ) -> Result<sqlx::Transaction<'c, Any>, sqlx::Error> {
        conn.begin_transaction();
        match self.backend {
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
            Backend::MySql => conn.begin().await,
        }
    }

    /// After one attempt of a [`db_read!`]: the result to return, or `None` to read again on
    /// another connection because the one used was lost (the server restarted or dropped it).
    /// A lost connection is closed, never handed out again.
    pub(crate) fn after_read<T>(
        &self,
        outcome: Outcome<T>,
        connection: Option<&mut PooledConn>,
        on_sqlx: &mut bool,
        attempt: &mut u32,
    ) -> Option<Result<T, DomainError>> {
        match outcome {
            Err(Failure::Store(error)) if !*on_sqlx && sqlite_reads::is_busy(&error) => {
                tracing::debug!(%error, "SQLite busy; reading again on a connection that waits");
                *on_sqlx = true;
                None
            }
            Err(Failure::Store(error)) if is_connection_lost(&error) => {
                if let Some(connection) = connection {
                    connection.discard();
                }
                if *attempt < READ_ATTEMPTS {
                    tracing::info!(%error, "database connection lost; reading again on another");
                    *attempt += 1;
                    return None;
                }
                Some(Err(settle(Failure::Store(error), "read")))
            }
            outcome => Some(outcome.map_err(|failure| settle(failure, "read"))),
        }
    }

    /// After one attempt of a [`db_write!`]: the result to return, or `None` to try again after a
    /// short wait because concurrency made the attempt fail transiently, or because the
    /// connection was lost before the transaction began. A lost connection is closed.
    pub(crate) async fn after_write<T>(
        &self,
        outcome: Outcome<T>,
        connection: Option<&mut PooledConn>,
        begun: bool,
        attempt: &mut u32,
    ) -> Option<Result<T, DomainError>> {
        let error = match outcome {
            Ok(value) => {
                if let Some(connection) = connection {
                    connection.transaction_committed();
                }
                return Some(Ok(value));
            }
            Err(Failure::Store(error)) => error,
            Err(failure) => return Some(Err(settle(failure, "write"))),
        };
        let lost = is_connection_lost(&error);
        if lost {
            if let Some(connection) = connection {
                connection.discard();
            }
        }
        // A write is tried again on another connection only when the lost one never began the
        // transaction: once it had, the commit may have landed.
        let again = is_transient(&error) || (lost && !begun);
        if again && *attempt < WRITE_ATTEMPTS {
            tracing::debug!(attempt = *attempt, %error, "transient database failure; trying the write again");
            tokio::time::sleep(Duration::from_millis(5 << *attempt)).await;
            *attempt += 1;
            return None;
        }
        Some(Err(settle(Failure::Store(error), "write")))
    }
}

/// `db_read!(db, |conn| body)`: evaluates `body` (an `Outcome<T>`, typically an async block's
/// awaited result, using `?` freely) with `conn` bound to one pooled connection, and returns a
/// `DomainResult<T>`, database failures logged and reported without internals.
///
/// A macro rather than a method taking an async closure: the futures of async closures that
/// borrow their captures are not provably `Send` (a compiler limitation), which axum handlers
/// and server functions require.
macro_rules! db_read {
    ($db:expr, |$conn:ident| $body:expr) => {{
        let db: &$crate::db::Db = &$db;
        let mut attempt = 1;
        let mut on_sqlx = false;
        loop {
            let mut reader: Option<$crate::db::SqliteReader> = None;
            let mut connection: Option<$crate::db::PooledConn> = None;
            let outcome: $crate::db::Outcome<_> = async {
                let mut handle = db
                    .read_connection(&mut reader, &mut connection, on_sqlx)
                    .await?;
                let $conn: &mut $crate::db::Conn<'_> = &mut handle;
                $body
            }
            .await;
            if let Some(result) =
                db.after_read(outcome, connection.as_mut(), &mut on_sqlx, &mut attempt)
            {
                break result;
            }
        }
    }};
}

/// `db_write!(db, |conn| body)`: evaluates `body` (an `Outcome<T>`) inside one transaction bound to
/// `conn`, and commits it; any failure rolls everything back, so nothing half-written stays. A
/// transient failure (a MySQL deadlock, a busy SQLite) evaluates `body` again, up to
/// `WRITE_ATTEMPTS` times in all, so `body` must not depend on a previous attempt.
macro_rules! db_write {
    ($db:expr, |$conn:ident| $body:expr) => {{
        let db: &$crate::db::Db = &$db;
        let mut attempt = 1;
        loop {
            let mut connection: Option<$crate::db::PooledConn> = None;
            let mut begun = false;
            let outcome: $crate::db::Outcome<_> = async {
                let mut transaction = db
                    .begin_write(connection.insert(db.acquire().await?))
                    .await?;
                begun = true;
                let work: $crate::db::Outcome<_> = {
                    let mut handle = $crate::db::Conn::Sqlx(&mut *transaction);
                    let $conn: &mut $crate::db::Conn<'_> = &mut handle;
                    $body
                };
                let value = work?;
                transaction.commit().await?;
                Ok(value)
            }
            .await;
            if let Some(result) = db
                .after_write(outcome, connection.as_mut(), begun, &mut attempt)
                .await
            {
                break result;
            }
        }
    }};
}

pub(crate) use {db_read, db_write};

/// The one place where a database failure becomes a domain error: logged in full, reported
/// without internals.
pub(crate) fn settle(failure: Failure, what: &str) -> DomainError {
    match failure {
        Failure::Domain(error) => error,
        Failure::Store(error) => {
            tracing::error!(%error, "database {what} failed");
            DomainError::Internal(
                "The database could not complete the request; the server log has the details."
                    .into(),
            )
        }
    }
}

/// The connection itself failed (the server went away, the socket broke): nothing about the
/// work is wrong, but this connection must not be used again.
fn is_connection_lost(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Io(_))
}

/// Failures that concurrency causes and that the same work, tried again, gets past.
fn is_transient(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(error) = error else {
        return false;
    };
    if let Some(mysql) = error.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
        return matches!(mysql.number(), 1213 | 1205);
    }
    if error
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .is_some()
    {
        // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
        let code: i64 = error.code().and_then(|c| c.parse().ok()).unwrap_or(0);
        return matches!(code & 0xff, 5 | 6);
    }
    false
}

pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// The id of the row the last INSERT on this connection created. MySQL reports it with the
/// result; the Any driver drops SQLite's, so it is asked for on the same connection.
pub(crate) async fn inserted_id(
    conn: &mut Conn<'_>,
    result: &sqlx::any::AnyQueryResult,
) -> Result<i64, sqlx::Error> {
    match result.last_insert_id() {
        Some(id) => Ok(id),
        None => {
            sqlx::query_scalar("SELECT last_insert_rowid()")
                .fetch_one(conn)
                .await
        }
    }
}

/// Text stored as bytes (see the module documentation), read back. Stored text is always
/// UTF-8; anything else is reported as a database fault, not passed on.
pub fn long_text(bytes: Vec<u8>) -> Result<String, sqlx::Error> {
    String::from_utf8(bytes).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Whether a SQLite URL names a database in memory (`sqlite::memory:`, `mode=memory`): there is
/// no directory to make for it, and no other connection sees what one connection stores.
fn sqlite_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// The SQLite VFS that holds the database file for this process alone: one exclusive lock
/// taken by the first connection, after which the connections of the process coordinate in
/// memory (their WAL index on the heap, no `-shm` file), where SQLite's default VFS made two
/// `fcntl` calls and took a process-wide mutex around them for every read transaction (a tenth
/// of the server's CPU on the JSON DFSP list, see docs/performance.md). Another process, a
/// second server or the `sqlite3` shell, cannot open the file while the server runs: SQLite
/// is the single-server store, several replicas share MariaDB.
pub const SQLITE_VFS_ONE_PROCESS: &str = "unix-excl";

/// `url` with [`SQLITE_VFS_ONE_PROCESS`] as its VFS, unless it names one (`vfs=unix` keeps the
/// file open to other processes) or the database is in memory.
fn sqlite_url_held_by_this_process(url: &str) -> String {
    if sqlite_in_memory(url) || sqlite_vfs(url).is_some() {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}vfs={SQLITE_VFS_ONE_PROCESS}")
}

/// SQLite's "database is locked" (`SQLITE_BUSY`, also in its extended forms).
fn sqlite_busy(error: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i64 = 5;
    matches!(error, sqlx::Error::Database(e)
        if e.code().and_then(|code| code.parse::<i64>().ok()).is_some_and(|code| code & 0xff == SQLITE_BUSY))
}

/// The VFS a SQLite URL names (its last `vfs` parameter, the one sqlx uses), if any.
fn sqlite_vfs(url: &str) -> Option<&str> {
    let (_, query) = url.split_once('?')?;
    query
        .rsplit('&')
        .find_map(|pair| pair.strip_prefix("vfs="))
        .filter(|vfs| !vfs.is_empty())
}

/// The file a SQLite URL names (`sqlite://data/cm.db?mode=rwc`: `data/cm.db`).
fn sqlite_path(url: &str) -> &str {
    url.trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default()
}

fn ensure_sqlite_directory(url: &str) -> Result<(), DbError> {
    let path = sqlite_path(url);
    if path.is_empty() || sqlite_in_memory(url) {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| DbError::Directory {
                path: dir.display().to_string(),
                source,
            })
        }
        _ => Ok(()),
    }
}

impl Db {
    /// A connection of the pool, for the tests of the storage conventions (`domain/tests/storage.rs`)
    /// only; services go through [`db_read!`] and [`db_write!`].
    #[doc(hidden)]
    pub async fn connection_for_storage_tests(&self) -> PooledConn {
        self.acquire().await.expect("a connection")
    }

    /// A SQLite reader, as [`db_read!`] reads on (`None` on MySQL), for the same tests only.
    #[doc(hidden)]
    pub fn reader_for_storage_tests(&self) -> Option<SqliteReader> {
        let readers = self.readers.as_ref()?;
        readers.take().expect("a SQLite reader")
    }
}

#[cfg(test)]
mod tests {
    use super::{sqlite_path, sqlite_url_held_by_this_process, sqlite_vfs};

    #[test]
    fn a_sqlite_file_is_held_by_this_process_unless_the_url_names_a_vfs() {
        assert_eq!(
            sqlite_url_held_by_this_process("sqlite://data/cm.db"),
            "sqlite://data/cm.db?vfs=unix-excl"
        );
        assert_eq!(
            sqlite_url_held_by_this_process("sqlite://data/cm.db?mode=rwc"),
            "sqlite://data/cm.db?mode=rwc&vfs=unix-excl"
        );
        assert_eq!(
            sqlite_url_held_by_this_process("sqlite://data/cm.db?vfs=unix"),
            "sqlite://data/cm.db?vfs=unix"
        );
        assert_eq!(
            sqlite_url_held_by_this_process("sqlite::memory:"),
            "sqlite::memory:"
        );
        assert_eq!(
            sqlite_path("sqlite://data/cm.db?mode=rwc&vfs=unix-excl"),
            "data/cm.db"
        );
        assert_eq!(
            sqlite_vfs("sqlite://x.db?mode=rwc&vfs=unix-none"),
            Some("unix-none")
        );
        assert_eq!(sqlite_vfs("sqlite://x.db?vfs="), None);
        assert_eq!(
            sqlite_vfs("sqlite://x.db?vfs=unix&vfs=unix-dotfile"),
            Some("unix-dotfile")
        );
        // An empty one is overridden by the one added after it, for sqlx and the readers alike.
        let url = sqlite_url_held_by_this_process("sqlite://x.db?vfs=");
        assert_eq!(sqlite_vfs(&url), Some("unix-excl"));
        assert_eq!(sqlite_vfs("sqlite://x.db"), None);
    }
}
