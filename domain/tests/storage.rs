//! The storage conventions of `domain::db`, proved on both backends through the `Any` driver
//! the services use: text in VARCHAR, bytes and long PEM in BLOB/LONGBLOB, instants as
//! fixed-width text that sorts and compares in SQL, flags as SMALLINT.

#![cfg(feature = "server")]

use std::time::Duration;

use domain::clock::{from_db, to_db};
use domain::db::{long_text, Conn, Db, DbOptions};
use sqlx::{Executor, Row};
use time::macros::datetime;

const SQLITE_TABLE: &str = "CREATE TABLE probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL, \
    body BLOB NOT NULL, at TEXT NOT NULL, flag INTEGER NOT NULL)";
const MYSQL_TABLE: &str =
    "CREATE TABLE probe (id BIGINT PRIMARY KEY, label VARCHAR(512) NOT NULL, \
    body LONGBLOB NOT NULL, at VARCHAR(24) NOT NULL, flag SMALLINT NOT NULL) \
    DEFAULT CHARSET = utf8mb4";

async fn connect(url: &str) -> Db {
    connect_with(url, 2).await
}

async fn connect_with(url: &str, max_connections: u32) -> Db {
    Db::connect(&DbOptions {
        url: url.to_owned(),
        max_connections,
        attempts: 1,
        retry_wait: Duration::from_millis(10),
        create_if_missing: true,
    })
    .await
    .expect("test database")
}

/// The MariaDB server the tests use (`TEST_MYSQL_URL`), and the URL of a schema of this
/// process's own on it, named `{prefix}_{pid}`.
fn mysql_urls(prefix: &str) -> (String, String) {
    let server =
        std::env::var("TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    let url = format!(
        "{}/{prefix}_{}",
        server.trim_end_matches('/'),
        std::process::id()
    );
    (server, url)
}

async fn round_trip(db: &Db, create_table: &str) {
    let mut conn = db.connection_for_storage_tests().await;
    conn.execute(create_table).await.unwrap();

    // 64 KiB that is not UTF-8, and a long PEM chain.
    let bytes: Vec<u8> = (0..65536u32).map(|i| (i % 251) as u8 | 0x80).collect();
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        "QUJD".repeat(40_000)
    );
    let label = "Zé 日本 DFSP Bob";
    let instants = [
        datetime!(2026-11-28 09:30:00 UTC),
        datetime!(2026-11-28 09:30:00.5 UTC),
        datetime!(2027-01-01 00:00:00 UTC),
    ];
    let rows: [(i64, &[u8], _); 3] = [
        (1, &bytes, instants[2]),
        (2, pem.as_bytes(), instants[0]),
        (3, b"", instants[1]),
    ];
    for (id, body, at) in rows {
        sqlx::query("INSERT INTO probe (id, label, body, at, flag) VALUES (?, ?, ?, ?, ?)")
            .bind(id)
            .bind(label)
            .bind(body)
            .bind(to_db(at))
            .bind(i16::from(id == 2))
            .execute(&mut *conn)
            .await
            .unwrap();
    }

    // Read back as the services read: on SQLite through a reader of its own (db/sqlite_reads.rs),
    // whose rows must decode as sqlx's own do, and on the pooled connection.
    read_back(&mut Conn::Sqlx(&mut conn), label, &bytes, &pem, instants).await;
    if let Some(mut reader) = db.reader_for_storage_tests() {
        read_back(&mut reader.conn(), label, &bytes, &pem, instants).await;
    }
}

async fn read_back(
    conn: &mut Conn<'_>,
    label: &str,
    bytes: &[u8],
    pem: &str,
    instants: [time::OffsetDateTime; 3],
) {
    let row = sqlx::query("SELECT label, body, at, flag FROM probe WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("label"), label);
    assert_eq!(row.get::<Vec<u8>, _>("body"), bytes);
    assert_eq!(from_db(&row.get::<String, _>("at")).unwrap(), instants[2]);
    assert_eq!(row.get::<i16, _>("flag"), 0);

    let stored_pem: Vec<u8> = sqlx::query_scalar("SELECT body FROM probe WHERE id = 2")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(long_text(stored_pem).unwrap(), pem);
    assert!(long_text(bytes.to_vec()).is_err(), "non-UTF-8 is not text");
    let missing: Option<String> = sqlx::query_scalar("SELECT label FROM probe WHERE id = ?")
        .bind(4_i64)
        .fetch_optional(&mut *conn)
        .await
        .unwrap();
    assert_eq!(missing, None);
    let null: Option<String> = sqlx::query_scalar("SELECT NULL FROM probe WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(null, None);

    // Instants sort and compare in SQL as in time.
    let order: Vec<i64> = sqlx::query_scalar("SELECT id FROM probe ORDER BY at")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(order, [2, 3, 1]);
    let before: Vec<i64> = sqlx::query_scalar("SELECT id FROM probe WHERE at < ? ORDER BY id")
        .bind(to_db(datetime!(2026-11-28 09:30:00.2 UTC)))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(before, [2]);
}

#[tokio::test]
async fn conventions_hold_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("cm-storage-{}", std::process::id()));
    let url = format!("sqlite://{}/probe.db?mode=rwc", dir.display());
    let db = connect(&url).await;
    round_trip(&db, SQLITE_TABLE).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn conventions_hold_on_mysql() {
    use sqlx::migrate::MigrateDatabase;
    let (_, url) = mysql_urls("cm_storage");
    let db = connect(&url).await;
    round_trip(&db, MYSQL_TABLE).await;
    db.close().await;
    sqlx::MySql::drop_database(&url).await.unwrap();
}

/// The pool no longer pings every connection it hands out (a round trip per read), so a
/// connection the server dropped a moment ago reaches the services: a read on it is made again on
/// another connection, a write that could not even begin is made again, and the dropped
/// connection is never handed out again.
#[tokio::test]
async fn a_connection_the_server_dropped_is_replaced_on_mysql() {
    use domain::clock::SystemClock;
    use domain::environments::NewEnvironment;
    use domain::{Principal, Services};
    use sqlx::migrate::MigrateDatabase;

    let (server, url) = mysql_urls("cm_dropped");
    let schema = url.rsplit('/').next().unwrap().to_owned();
    // One connection, so that the dropped one is the one handed out next.
    let db = connect_with(&url, 1).await;
    db.migrate().await.unwrap();
    let services = Services::new(db.clone(), std::sync::Arc::new(SystemClock));
    let who = Principal::local_operator();
    let admin = sqlx::MySqlPool::connect(&server).await.unwrap();
    let drop_connections = || async {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()",
        )
        .bind(&schema)
        .fetch_all(&admin)
        .await
        .unwrap();
        assert!(!ids.is_empty(), "the pool holds a connection");
        for id in ids {
            sqlx::query(&format!("KILL {id}"))
                .execute(&admin)
                .await
                .unwrap();
        }
    };

    assert!(services.environments().list(&who).await.unwrap().is_empty());
    drop_connections().await;
    assert!(services.environments().list(&who).await.unwrap().is_empty());

    drop_connections().await;
    let input = NewEnvironment {
        name: Some("After the drop".into()),
        default_dn: None,
    };
    services.environments().create(&who, &input).await.unwrap();
    let listed = services.environments().list(&who).await.unwrap();
    assert_eq!(listed.len(), 1);

    admin.close().await;
    db.close().await;
    sqlx::MySql::drop_database(&url).await.unwrap();
}

/// The pool hands connections back without a ping (`domain::db::pool`), so what a borrower left
/// behind must not reach the next one: a transaction dropped before its commit is rolled back,
/// and a query abandoned halfway (its future dropped, as when a client goes away) leaves the
/// connection ready for the next query. One connection, so that the next borrower gets the same.
async fn a_connection_comes_back_clean(url: &str, create_table: &str) {
    use sqlx::Connection;

    let db = connect_with(url, 1).await;
    let count = |db: &Db| {
        let db = db.clone();
        async move {
            let mut conn = db.connection_for_storage_tests().await;
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM probe")
                .fetch_one(&mut *conn)
                .await
                .unwrap()
        }
    };
    {
        let mut conn = db.connection_for_storage_tests().await;
        conn.execute(create_table).await.unwrap();
        let mut transaction = conn.begin().await.unwrap();
        for id in 1..=500i64 {
            sqlx::query("INSERT INTO probe (id, label, body, at, flag) VALUES (?, ?, ?, ?, 0)")
                .bind(id)
                .bind("row")
                .bind(vec![7u8; 256])
                .bind(to_db(datetime!(2026-12-01 00:00:00 UTC)))
                .execute(&mut *transaction)
                .await
                .unwrap();
        }
        transaction.commit().await.unwrap();
    }

    // A transaction dropped before its commit.
    {
        let mut conn = db.connection_for_storage_tests().await;
        let mut transaction = conn.begin().await.unwrap();
        sqlx::query("DELETE FROM probe")
            .execute(&mut *transaction)
            .await
            .unwrap();
        drop(transaction);
    }
    assert_eq!(
        count(&db).await,
        500,
        "the dropped transaction was rolled back"
    );
    {
        // The next borrower can begin and commit a transaction of its own.
        let mut conn = db.connection_for_storage_tests().await;
        let mut transaction = conn.begin().await.unwrap();
        sqlx::query("DELETE FROM probe WHERE id = 500")
            .execute(&mut *transaction)
            .await
            .unwrap();
        transaction.commit().await.unwrap();
    }
    assert_eq!(count(&db).await, 499);

    // A query whose future is dropped after its first row.
    {
        use futures_util::StreamExt;
        let mut conn = db.connection_for_storage_tests().await;
        let mut rows = sqlx::query("SELECT id, body FROM probe ORDER BY id").fetch(&mut *conn);
        let first = rows.next().await.unwrap().unwrap();
        assert_eq!(first.get::<i64, _>(0), 1);
    }
    let ids: Vec<i64> = {
        let mut conn = db.connection_for_storage_tests().await;
        sqlx::query_scalar("SELECT id FROM probe WHERE id <= 3 ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
    };
    assert_eq!(
        ids,
        [1, 2, 3],
        "the abandoned query's rows do not reach the next one"
    );

    // Many borrowers at once share the one connection, each in turn.
    let counts = futures_util::future::join_all((0..20).map(|_| count(&db))).await;
    assert!(counts.iter().all(|&n| n == 499));
    let usage = db.pool_usage();
    assert_eq!((usage.open, usage.idle, usage.max), (1, 1, 1));
    db.close().await;
    assert_eq!(db.pool_usage().open, 0);
}

#[tokio::test]
async fn a_connection_comes_back_clean_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("cm-pool-{}", std::process::id()));
    let url = format!("sqlite://{}/pool.db?mode=rwc", dir.display());
    a_connection_comes_back_clean(&url, SQLITE_TABLE).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_connection_comes_back_clean_on_mysql() {
    use sqlx::migrate::MigrateDatabase;
    let (_, url) = mysql_urls("cm_pool");
    a_connection_comes_back_clean(&url, MYSQL_TABLE).await;
    sqlx::MySql::drop_database(&url).await.unwrap();
}

/// A write transaction that ends without its commit leaves a ROLLBACK in a MySQL connection's
/// buffer, and its row locks on the server, until the connection's next command; the pool sends
/// it before the connection goes back, so that others do not wait for those locks.
#[tokio::test]
async fn a_dropped_write_releases_its_locks_on_mysql() {
    use sqlx::migrate::MigrateDatabase;
    let (_, url) = mysql_urls("cm_locks");
    let db = connect(&url).await;
    {
        let mut conn = db.connection_for_storage_tests().await;
        conn.execute(MYSQL_TABLE).await.unwrap();
        conn.execute("INSERT INTO probe (id, label, body, at, flag) VALUES (1, 'a', '', '', 0)")
            .await
            .unwrap();
    }
    {
        let mut conn = db.connection_for_storage_tests().await;
        let mut transaction = db.begin_write(&mut conn).await.unwrap();
        sqlx::query("UPDATE probe SET label = 'locked' WHERE id = 1")
            .execute(&mut *transaction)
            .await
            .unwrap();
        // Dropped without a commit, as when the work fails or the request is cancelled.
    }
    // Another client, outside the pool, waits at most a second for the row's lock.
    let mut other = <sqlx::MySqlConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    other
        .execute("SET SESSION innodb_lock_wait_timeout = 1")
        .await
        .unwrap();
    let updated = sqlx::query("UPDATE probe SET label = 'other' WHERE id = 1")
        .execute(&mut other)
        .await;
    assert!(updated.is_ok(), "the row stayed locked: {updated:?}");
    let label: String = sqlx::query_scalar("SELECT label FROM probe WHERE id = 1")
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert_eq!(label, "other");
    drop(other);
    db.close().await;
    sqlx::MySql::drop_database(&url).await.unwrap();
}

/// A SQLite file is the server's alone (`db::SQLITE_VFS_ONE_PROCESS`): one exclusive lock on it
/// for the process, held from the first statement until the last connection closes, and no
/// `-shm` file (the connections share their WAL index in memory). Unless the URL names
/// SQLite's default VFS, which leaves the file open to other processes.
#[tokio::test]
async fn a_sqlite_file_is_held_by_the_process_that_opened_it() {
    use std::os::unix::fs::MetadataExt;

    /// Whether this process holds a write lock on the file (`/proc/locks`: `POSIX ADVISORY
    /// WRITE <pid> <major>:<minor>:<inode> ...`).
    fn write_locked_by_us(path: &std::path::Path) -> bool {
        let inode = std::fs::metadata(path).expect("the database file").ino();
        let pid = std::process::id().to_string();
        std::fs::read_to_string("/proc/locks")
            .expect("/proc/locks")
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .any(|fields| {
                fields.len() > 5
                    && fields[1..4] == ["POSIX", "ADVISORY", "WRITE"]
                    && fields[4] == pid
                    && fields[5].rsplit(':').next() == Some(inode.to_string().as_str())
            })
    }

    let dir = std::env::temp_dir().join(format!("cm-held-{}", std::process::id()));
    for (query, held) in [("mode=rwc", true), ("mode=rwc&vfs=unix", false)] {
        let _ = std::fs::remove_dir_all(&dir);
        let file = dir.join("held.db");
        let db = connect(&format!("sqlite://{}?{query}", file.display())).await;
        round_trip(&db, SQLITE_TABLE).await;
        assert_eq!(write_locked_by_us(&file), held, "{query}");
        assert_eq!(dir.join("held.db-shm").exists(), !held, "{query}");
        db.close().await;
        assert!(
            !write_locked_by_us(&file),
            "{query}: the lock outlived the connections"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
