//! Reads on SQLite without sqlx's connection threads.
//!
//! sqlx runs each SQLite connection on a thread of its own and passes every statement to it,
//! and every row back, through channels. For the short reads that most requests make, those
//! hand-offs (a futex wake-up each way, the task switches they cause, the request's task polled
//! again per row) cost several times what SQLite itself does: a third of the server's CPU on the
//! DFSP list, where SQLite's own share is under 2 % (docs/performance.md). So a read
//! ([`db_read!`](super::db_read)) on a SQLite file runs on a connection of this module, on the
//! calling task's thread: reading a few indexed rows takes microseconds, less than one hand-off.
//! Writes stay on sqlx's connections: they may wait for the write lock, which must not block
//! the runtime's threads.
//!
//! The rows come back as sqlx `AnyRow`s built the way sqlx's SQLite driver builds them (each
//! value by its storage class), so the repositories' queries and `FromRow` types serve both paths
//! unchanged. The connections are `query_only` (a write slipped into a read fails instead of
//! bypassing the write path's transaction) and never wait for a lock (`busy_timeout` 0): a read
//! that finds the database busy, which WAL mode makes rare (a recovery, a truncating checkpoint),
//! is read again on a sqlx connection, which may wait.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::types::{Null, ValueRef};
use rusqlite::{ErrorCode, OpenFlags};
use sqlx::{Any, Either, Execute};
use sqlx_core::any::{
    AnyColumn, AnyQueryResult, AnyRow, AnyTypeInfo, AnyTypeInfoKind, AnyValue, AnyValueKind,
};
use sqlx_core::ext::ustr::UStr;

/// Prepared statements kept per connection: the repositories have about a hundred distinct
/// queries, most requests use one to three of them.
const STATEMENTS_KEPT: usize = 128;

/// A statement that takes this long is logged as a warning, as sqlx's own are.
const SLOW_STATEMENT: Duration = Duration::from_secs(1);

/// Read connections to one SQLite file; cheap to clone (the clones share them).
#[derive(Debug, Clone)]
pub(crate) struct SqliteReaders {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    path: PathBuf,
    /// The URL's VFS (see [`super::SQLITE_VFS_ONE_PROCESS`]), `None` for SQLite's default.
    vfs: Option<String>,
    idle: Mutex<Vec<rusqlite::Connection>>,
    /// At most this many idle connections are kept; more are closed when they come back.
    keep: usize,
    /// Connections lent out now. A read holds its reader across the awaits of its unit of work,
    /// so many requests at once could open many; past [`Shared::limit`], reads queue for the
    /// sqlx pool instead.
    lent: AtomicUsize,
    limit: usize,
}

impl SqliteReaders {
    /// Readers of the database at `url`, or `None` when no other connection could see what sqlx's
    /// connections see (a database in memory).
    pub(crate) fn for_url(url: &str, keep: u32) -> Result<Option<SqliteReaders>, sqlx::Error> {
        if super::sqlite_in_memory(url) {
            return Ok(None);
        }
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
        Ok(Some(SqliteReaders {
            shared: Arc::new(Shared {
                path: options.get_filename().to_path_buf(),
                // The same VFS as sqlx's connections: connections of one process on one file
                // must agree on how they lock it.
                vfs: super::sqlite_vfs(url).map(str::to_owned),
                idle: Mutex::new(Vec::new()),
                keep: keep.max(1) as usize,
                lent: AtomicUsize::new(0),
                limit: (keep.max(1) as usize * 4).max(16),
            }),
        }))
    }

    /// An idle connection, or a new one; `None` when as many as the limit are lent out.
    pub(crate) fn take(&self) -> Result<Option<SqliteReader>, sqlx::Error> {
        let shared = &self.shared;
        if shared.lent.fetch_add(1, Ordering::Relaxed) >= shared.limit {
            shared.lent.fetch_sub(1, Ordering::Relaxed);
            return Ok(None);
        }
        // Lent from here on: the reader's drop gives the count back, also when opening fails.
        let mut reader = SqliteReader {
            connection: None,
            shared: Arc::clone(shared),
        };
        let idle = shared.idle().pop();
        reader.connection = Some(match idle {
            Some(connection) => connection,
            None => shared.open().map_err(read_error)?,
        });
        Ok(Some(reader))
    }

    pub(crate) fn usage(&self) -> crate::statistics::ReaderUsage {
        let shared = &self.shared;
        let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        crate::statistics::ReaderUsage {
            in_use: as_u32(shared.lent.load(Ordering::Relaxed)),
            idle: as_u32(shared.idle().len()),
            max: as_u32(shared.limit),
        }
    }

    /// Closes the idle connections.
    pub(crate) fn close(&self) {
        self.shared.idle().clear();
    }
}

impl Shared {
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<rusqlite::Connection>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        // No SQLITE_OPEN_CREATE: the database exists (sqlx opened it first and migrated it).
        // Read-write rather than read-only, so that the WAL index can be set up like any
        // reader's; `query_only` refuses writes.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = match &self.vfs {
            Some(vfs) => rusqlite::Connection::open_with_flags_and_vfs(&self.path, flags, vfs)?,
            None => rusqlite::Connection::open_with_flags(&self.path, flags)?,
        };
        connection.busy_timeout(Duration::ZERO)?;
        connection.pragma_update(None, "query_only", true)?;
        connection.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        Ok(connection)
    }
}

/// A read connection, borrowed until dropped.
#[derive(Debug)]
pub struct SqliteReader {
    connection: Option<rusqlite::Connection>,
    shared: Arc<Shared>,
}

impl SqliteReader {
    pub(crate) fn connection(&mut self) -> &mut rusqlite::Connection {
        self.connection
            .as_mut()
            .expect("a reader holds its connection until dropped")
    }

    /// The reader as the connection queries run on.
    pub fn conn(&mut self) -> super::Conn<'_> {
        super::Conn::SqliteReader(self.connection())
    }
}

impl Drop for SqliteReader {
    fn drop(&mut self) {
        self.shared.lent.fetch_sub(1, Ordering::Relaxed);
        // One left inside a transaction (which no read begins) would read an old snapshot.
        if let Some(connection) = self.connection.take().filter(|c| c.is_autocommit()) {
            let mut idle = self.shared.idle();
            if idle.len() < self.shared.keep {
                idle.push(connection);
            }
        }
    }
}

/// Runs `query` on `connection`: its rows (at most `limit`), then its result, as sqlx's
/// `fetch_many` yields them.
pub(crate) fn run<'q>(
    connection: &rusqlite::Connection,
    query: &mut impl Execute<'q, Any>,
    limit: Option<usize>,
) -> Result<Vec<Either<AnyQueryResult, AnyRow>>, sqlx::Error> {
    let started = Instant::now();
    let arguments = query.take_arguments().map_err(sqlx::Error::Encode)?;
    let values = arguments.map(|a| a.values.0).unwrap_or_default();
    let mut statement = connection.prepare_cached(query.sql()).map_err(read_error)?;
    if values.len() != statement.parameter_count() {
        return Err(sqlx::Error::Protocol(format!(
            "the statement takes {} argument(s), {} given: {}",
            statement.parameter_count(),
            values.len(),
            query.sql()
        )));
    }
    for (index, value) in values.iter().enumerate() {
        bind(&mut statement, index + 1, value)?;
    }
    let names: Vec<UStr> = statement
        .column_names()
        .into_iter()
        .map(UStr::new)
        .collect();
    let column_names: Arc<sqlx_core::HashMap<UStr, usize>> = Arc::new(
        names
            .iter()
            .enumerate()
            .map(|(ordinal, name)| (name.clone(), ordinal))
            .collect(),
    );
    let mut results = Vec::new();
    let mut rows = statement.raw_query();
    while limit.is_none_or(|limit| results.len() < limit) {
        let Some(row) = rows.next().map_err(read_error)? else {
            break;
        };
        let mut columns = Vec::with_capacity(names.len());
        let mut values = Vec::with_capacity(names.len());
        for (ordinal, name) in names.iter().enumerate() {
            let kind = value_kind(row.get_ref(ordinal).map_err(read_error)?)?;
            columns.push(AnyColumn {
                ordinal,
                name: name.clone(),
                // The value's own type, as sqlx's SQLite driver maps it: its decoders look at
                // the value, never at the column.
                type_info: AnyTypeInfo {
                    kind: type_of(&kind),
                },
            });
            values.push(AnyValue { kind });
        }
        results.push(Either::Right(AnyRow {
            column_names: Arc::clone(&column_names),
            columns,
            values,
        }));
    }
    // Dropping the rows resets the statement: its read transaction ends here, not when the
    // statement is next used (a connection left mid-read would pin an old snapshot).
    drop(rows);
    log_statement(query.sql(), results.len(), started.elapsed());
    results.push(Either::Left(AnyQueryResult {
        rows_affected: connection.changes(),
        last_insert_id: None,
    }));
    Ok(results)
}

/// Logs the statement as sqlx logs its own (same target, same levels), so that a log of the
/// statements a request ran shows the reads too.
fn log_statement(sql: &str, rows_returned: usize, elapsed: Duration) {
    if elapsed >= SLOW_STATEMENT {
        tracing::warn!(target: "sqlx::query", statement = sql, rows_returned, ?elapsed, "slow statement (SQLite reader)");
    } else {
        tracing::debug!(target: "sqlx::query", statement = sql, rows_returned, ?elapsed, "SQLite reader");
    }
}

fn bind(
    statement: &mut rusqlite::Statement<'_>,
    index: usize,
    value: &AnyValueKind<'_>,
) -> Result<(), sqlx::Error> {
    // As sqlx's SQLite driver binds them (`map_arguments` in sqlx-sqlite).
    match value {
        AnyValueKind::Null(_) => statement.raw_bind_parameter(index, Null),
        AnyValueKind::Bool(b) => statement.raw_bind_parameter(index, i32::from(*b)),
        AnyValueKind::SmallInt(i) => statement.raw_bind_parameter(index, i32::from(*i)),
        AnyValueKind::Integer(i) => statement.raw_bind_parameter(index, *i),
        AnyValueKind::BigInt(i) => statement.raw_bind_parameter(index, *i),
        AnyValueKind::Real(r) => statement.raw_bind_parameter(index, f64::from(*r)),
        AnyValueKind::Double(d) => statement.raw_bind_parameter(index, *d),
        AnyValueKind::Text(text) => statement.raw_bind_parameter(index, text.as_ref()),
        AnyValueKind::Blob(bytes) => statement.raw_bind_parameter(index, bytes.as_ref()),
        other => {
            return Err(sqlx::Error::Protocol(format!(
                "no SQLite binding for the argument {other:?}"
            )))
        }
    }
    .map_err(read_error)
}

/// A value as sqlx's `AnyRow::map_from` makes it from a SQLite value: by its storage class.
fn value_kind(value: ValueRef<'_>) -> Result<AnyValueKind<'static>, sqlx::Error> {
    Ok(match value {
        ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
        ValueRef::Integer(i) => AnyValueKind::BigInt(i),
        ValueRef::Real(d) => AnyValueKind::Double(d),
        ValueRef::Text(bytes) => AnyValueKind::Text(Cow::Owned(
            std::str::from_utf8(bytes)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?
                .to_owned(),
        )),
        ValueRef::Blob(bytes) => AnyValueKind::Blob(Cow::Owned(bytes.to_vec())),
    })
}

fn type_of(kind: &AnyValueKind<'_>) -> AnyTypeInfoKind {
    match kind {
        AnyValueKind::BigInt(_) => AnyTypeInfoKind::BigInt,
        AnyValueKind::Double(_) => AnyTypeInfoKind::Double,
        AnyValueKind::Text(_) => AnyTypeInfoKind::Text,
        AnyValueKind::Blob(_) => AnyTypeInfoKind::Blob,
        _ => AnyTypeInfoKind::Null,
    }
}

/// A failure of a read connection, wrapped in sqlx's error so that the repositories' `?` and
/// the one place that reports database failures (`db::settle`) take it like any other.
#[derive(Debug, thiserror::Error)]
#[error("SQLite read: {source}")]
struct ReadError {
    busy: bool,
    source: rusqlite::Error,
}

fn read_error(source: rusqlite::Error) -> sqlx::Error {
    let busy = matches!(
        source.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    );
    sqlx::Error::AnyDriverError(Box::new(ReadError { busy, source }))
}

/// The read found the database locked; read it again on a connection that may wait.
pub(crate) fn is_busy(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::AnyDriverError(e)
        if e.downcast_ref::<ReadError>().is_some_and(|e| e.busy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Conn, Db, DbOptions, Failure};

    /// A new directory for one test's database, and the database's URL.
    fn temp_database(test: &str) -> (PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("cm-readers-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("probe.db").display());
        (dir, url)
    }

    #[test]
    fn a_reader_refuses_writes_and_reports_a_locked_database_as_busy() {
        let (dir, url) = temp_database("locks");
        // A rollback-journal database, where a writer's exclusive lock keeps readers out (WAL
        // mode, the server's, makes that rare; the reader must still tell it apart).
        let writer = rusqlite::Connection::open(dir.join("probe.db")).unwrap();
        writer
            .execute_batch(
                "CREATE TABLE probe (id INTEGER PRIMARY KEY); INSERT INTO probe VALUES (1);",
            )
            .unwrap();
        let readers = SqliteReaders::for_url(&url, 2)
            .unwrap()
            .expect("a file has readers");
        let mut reader = readers.take().unwrap().expect("a reader under the limit");

        let mut insert = sqlx::query::<Any>("INSERT INTO probe VALUES (2)");
        let refused = run(reader.connection(), &mut insert, None)
            .err()
            .expect("a write refused");
        assert!(refused.to_string().contains("readonly"), "{refused}");
        assert!(!is_busy(&refused));

        writer.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let mut select = sqlx::query::<Any>("SELECT id FROM probe");
        let locked = run(reader.connection(), &mut select, None)
            .err()
            .expect("a locked database");
        assert!(is_busy(&locked), "{locked}");

        writer.execute_batch("COMMIT").unwrap();
        let mut select = sqlx::query::<Any>("SELECT id FROM probe WHERE id >= ?").bind(1_i64);
        let steps = run(reader.connection(), &mut select, None).unwrap();
        assert_eq!(steps.len(), 2, "one row, then the statement's result");

        let mut wrong = sqlx::query::<Any>("SELECT id FROM probe WHERE id = ?");
        let unbound = run(reader.connection(), &mut wrong, None)
            .err()
            .expect("an argument missing");
        assert!(
            unbound.to_string().contains("1 argument(s), 0 given"),
            "{unbound}"
        );
        drop(reader);
        readers.close();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn past_the_limit_reads_are_left_to_the_pool() {
        let (dir, url) = temp_database("limit");
        rusqlite::Connection::open(dir.join("probe.db")).unwrap();
        let readers = SqliteReaders::for_url(&url, 2)
            .unwrap()
            .expect("a file has readers");
        let lent: Vec<SqliteReader> = (0..16)
            .map(|_| readers.take().unwrap().expect("a reader under the limit"))
            .collect();
        assert!(
            readers.take().unwrap().is_none(),
            "the 17th waits for the pool"
        );
        drop(lent);
        let again = readers.take().unwrap();
        assert!(again.is_some());
        assert_eq!(
            readers.shared.idle().len(),
            1,
            "two kept idle, one lent again"
        );
        drop(again);

        // A reader left inside a transaction would read an old snapshot next time: closed.
        let mut inside = readers.take().unwrap().expect("a reader");
        inside.connection().execute_batch("BEGIN").unwrap();
        drop(inside);
        assert_eq!(
            readers.shared.idle().len(),
            1,
            "the one in a transaction not kept"
        );
        readers.close();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_busy_read_is_read_again_on_a_pooled_connection() {
        let (dir, url) = temp_database("fallback");
        let db = Db::connect(&DbOptions {
            url,
            max_connections: 2,
            attempts: 1,
            retry_wait: Duration::from_millis(10),
            create_if_missing: true,
        })
        .await
        .unwrap();
        let (mut reader, mut pooled) = (None, None);
        let first = db.read_connection(&mut reader, &mut pooled, false).await;
        assert!(matches!(first, Ok(Conn::SqliteReader(_))));

        let busy = read_error(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        ));
        let (mut on_sqlx, mut attempt) = (false, 1);
        let settled =
            db.after_read::<()>(Err(Failure::Store(busy)), None, &mut on_sqlx, &mut attempt);
        assert!(settled.is_none(), "read again");
        assert!(on_sqlx);

        let (mut reader, mut pooled) = (None, None);
        let again = db.read_connection(&mut reader, &mut pooled, on_sqlx).await;
        assert!(matches!(again, Ok(Conn::Sqlx(_))));
        drop(again);
        drop(pooled);
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
