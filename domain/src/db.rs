//! The database: one sqlx `Any` pool that speaks SQLite or MySQL/MariaDB, chosen by URL.
//!
//! Every query is written once, in the SQL both backends accept (`?` placeholders, no
//! `RETURNING`, text timestamps, integer flags). Only the schema differs, so each backend has
//! its own migration folder under `migrations/`.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor};

use crate::error::DomainError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/mysql");

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
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connects, retrying as configured, and creating the database when asked to.
    pub async fn connect(options: &DbOptions) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(&options.url)?;
        if backend == Backend::Sqlite {
            ensure_sqlite_directory(&options.url)?;
        }
        let attempts = options.attempts.max(1);
        let mut attempt = 1;
        loop {
            match Self::try_connect(options, backend).await {
                Ok(pool) => return Ok(Db { pool, backend }),
                Err(source) if attempt >= attempts => {
                    return Err(DbError::Connect { attempts, source })
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

    async fn try_connect(options: &DbOptions, backend: Backend) -> Result<AnyPool, sqlx::Error> {
        if options.create_if_missing && !Any::database_exists(&options.url).await? {
            tracing::info!("creating the {} database", backend.name());
            Any::create_database(&options.url).await?;
        }
        AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed while one writer commits. Foreign keys and
                        // a busy timeout are already sqlx's SQLite defaults.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(&options.url)
            .await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the backend's pending migrations (MySQL runs them under an advisory lock, so
    /// several replicas may start at once).
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::MySql => &MYSQL_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// True when the database answers a trivial query.
    pub async fn is_reachable(&self) -> bool {
        match self.pool.acquire().await {
            Ok(mut conn) => conn.ping().await.is_ok(),
            Err(_) => false,
        }
    }

    pub(crate) async fn conn(&self) -> Result<PoolConnection<Any>, DomainError> {
        Ok(self.pool.acquire().await?)
    }

    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, Any>, DomainError> {
        Ok(self.pool.begin().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn ensure_sqlite_directory(url: &str) -> Result<(), DbError> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
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

/// A database failure inside a service: logged in full, reported without internals.
impl From<sqlx::Error> for DomainError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        DomainError::Internal(
            "The database could not complete the request; the server log has the details.".into(),
        )
    }
}

pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

pub(crate) type Conn = AnyConnection;

/// The id of the row the last INSERT on this connection created. MySQL reports it with the
/// result; the Any driver drops SQLite's, so it is asked for on the same connection.
pub(crate) async fn inserted_id(
    conn: &mut Conn,
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
