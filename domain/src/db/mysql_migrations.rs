//! Applying the MySQL/MariaDB migrations with sqlx's bookkeeping in a third of the commits.
//!
//! MariaDB commits every DDL statement on its own and waits for the disk at each commit. sqlx's
//! runner adds three commits per migration to the migration's own: its row in
//! `_sqlx_migrations` (committed by the migration's first DDL statement), the row marked
//! finished, and its execution time; on an empty database that is some 45 commits, about 15 ms
//! of a start. Here a migration's row is marked finished, with its time, in the same transaction
//! that adds the next migration's row, so a migration costs one commit of bookkeeping, plus one
//! at the end.
//!
//! What the database holds at any moment is what sqlx's runner leaves: the rows of the
//! migrations that completed, finished; at most one unfinished row, the migration being applied
//! (or that failed part-way, which the next start refuses with `MigrateError::Dirty` until
//! someone repairs the database); a migration whose statements all rolled back (one without DDL,
//! which MySQL runs in the transaction) leaves no row. The checks before are sqlx's: an
//! unfinished migration, one applied that this build does not know, one changed since it was
//! applied. The lock is the caller's (`Db::migrate`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sqlx::migrate::{Migrate, MigrateError, Migration, Migrator};
use sqlx::{AnyConnection, Connection, Executor};

/// Applies `migrator`'s pending up migrations on `conn`, a MySQL/MariaDB connection.
pub(super) async fn run(conn: &mut AnyConnection, migrator: &Migrator) -> Result<(), MigrateError> {
    conn.ensure_migrations_table().await?;
    if let Some(version) = conn.dirty_version().await? {
        return Err(MigrateError::Dirty(version));
    }
    let applied: HashMap<i64, _> = conn
        .list_applied_migrations()
        .await?
        .into_iter()
        .map(|migration| (migration.version, migration.checksum))
        .collect();
    if let Some(version) = applied
        .keys()
        .find(|version| !migrator.iter().any(|known| known.version == **version))
    {
        return Err(MigrateError::VersionMissing(*version));
    }
    let mut pending = Vec::new();
    for migration in migrator
        .iter()
        .filter(|migration| !migration.migration_type.is_down_migration())
    {
        match applied.get(&migration.version) {
            Some(checksum) if *checksum != migration.checksum => {
                return Err(MigrateError::VersionMismatch(migration.version))
            }
            Some(_) => {}
            None => pending.push(migration),
        }
    }

    // The migration applied before this one, not yet marked finished, and how long it took.
    let mut completed: Option<(i64, Duration)> = None;
    for migration in pending {
        let started = Instant::now();
        if let Err(error) = apply(conn, migration, completed).await {
            // The transaction that marked the previous migration finished may have rolled back
            // with the failed one; mark it again (it completed either way).
            if let Some((version, took)) = completed {
                let _ = mark_finished(conn, version, took).await;
            }
            return Err(error);
        }
        completed = Some((migration.version, started.elapsed()));
    }
    if let Some((version, took)) = completed {
        mark_finished(conn, version, took).await?;
    }
    Ok(())
}

/// In one transaction: marks `completed` finished, adds `migration`'s row unfinished and runs its
/// SQL. Its first DDL statement commits the two rows; MySQL commits each DDL statement then.
async fn apply(
    conn: &mut AnyConnection,
    migration: &Migration,
    completed: Option<(i64, Duration)>,
) -> Result<(), MigrateError> {
    let mut tx = conn.begin().await?;
    if let Some((version, took)) = completed {
        mark_finished(&mut tx, version, took).await?;
    }
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (?, ?, FALSE, ?, -1)",
    )
    .bind(migration.version)
    .bind(&*migration.description)
    .bind(&*migration.checksum)
    .execute(&mut *tx)
    .await?;
    tx.execute(&*migration.sql)
        .await
        .map_err(|error| MigrateError::ExecuteMigration(error, migration.version))?;
    tx.commit().await?;
    Ok(())
}

async fn mark_finished(
    conn: &mut AnyConnection,
    version: i64,
    took: Duration,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE _sqlx_migrations SET success = TRUE, execution_time = ? WHERE version = ?")
        .bind(i64::try_from(took.as_nanos()).unwrap_or(i64::MAX))
        .bind(version)
        .execute(conn)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use sqlx::migrate::MigrateDatabase;
    use sqlx::Row;

    use super::*;

    /// A fresh schema on the test MariaDB (`TEST_MYSQL_URL`), named after the test.
    async fn fresh_schema(name: &str) -> (String, AnyConnection) {
        sqlx::any::install_default_drivers();
        let server = std::env::var("TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
        let url = format!(
            "{}/cm_migrations_{name}_{}",
            server.trim_end_matches('/'),
            std::process::id()
        );
        let _ = sqlx::MySql::drop_database(&url).await;
        sqlx::MySql::create_database(&url).await.unwrap();
        let conn = AnyConnection::connect(&url).await.unwrap();
        (url, conn)
    }

    /// A migrator of `files` (name, SQL), read from a directory as `sqlx::migrate!` reads one.
    async fn migrator(files: &[(&str, &str)]) -> Migrator {
        static DIRECTORIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = DIRECTORIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cm-migrations-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, sql) in files {
            std::fs::write(dir.join(name), sql).unwrap();
        }
        let migrator = Migrator::new(dir.as_path()).await.unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        migrator
    }

    /// (version, finished, execution time) of each row of sqlx's table, in order.
    async fn bookkeeping(conn: &mut AnyConnection) -> Vec<(i64, bool, i64)> {
        sqlx::query(
            "SELECT version, CAST(success AS SIGNED) AS success, execution_time \
             FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(conn)
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.get::<i64, _>("version"),
                row.get::<i64, _>("success") == 1,
                row.get::<i64, _>("execution_time"),
            )
        })
        .collect()
    }

    async fn tables(conn: &mut AnyConnection) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name <> '_sqlx_migrations' \
             ORDER BY table_name",
        )
        .fetch_all(conn)
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn the_project_migrations_leave_what_sqlx_leaves() {
        let (url, mut conn) = fresh_schema("project").await;
        let project = &super::super::MYSQL_MIGRATIONS;
        run(&mut conn, project).await.unwrap();
        let rows = bookkeeping(&mut conn).await;
        let versions: Vec<i64> = project.iter().map(|m| m.version).collect();
        assert_eq!(rows.iter().map(|row| row.0).collect::<Vec<_>>(), versions);
        assert!(
            rows.iter().all(|&(_, finished, took)| finished && took > 0),
            "{rows:?}"
        );
        // Again: nothing to do, for this runner and for sqlx's, which accepts the bookkeeping.
        run(&mut conn, project).await.unwrap();
        project.run_direct(&mut conn).await.unwrap();
        assert_eq!(bookkeeping(&mut conn).await, rows);
        conn.close().await.unwrap();
        sqlx::MySql::drop_database(&url).await.unwrap();
    }

    #[tokio::test]
    async fn a_failed_ddl_migration_is_the_only_unfinished_one() {
        let (url, mut conn) = fresh_schema("ddl").await;
        let failing = migrator(&[
            ("1_one.sql", "CREATE TABLE one (id BIGINT PRIMARY KEY);"),
            (
                "2_two.sql",
                "CREATE TABLE two (id BIGINT PRIMARY KEY); CREATE TABLE broken (id NOTATYPE);",
            ),
            ("3_three.sql", "CREATE TABLE three (id BIGINT PRIMARY KEY);"),
        ])
        .await;
        let error = run(&mut conn, &failing).await.unwrap_err();
        assert!(
            matches!(error, MigrateError::ExecuteMigration(_, 2)),
            "{error:?}"
        );
        let rows = bookkeeping(&mut conn).await;
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].0 == 1 && rows[0].1 && rows[0].2 > 0, "{rows:?}");
        assert_eq!(rows[1], (2, false, -1));
        assert_eq!(tables(&mut conn).await, ["one", "two"]);
        // The next start refuses the half-migrated database, as sqlx does.
        let error = run(&mut conn, &failing).await.unwrap_err();
        assert!(matches!(error, MigrateError::Dirty(2)), "{error:?}");
        conn.close().await.unwrap();
        sqlx::MySql::drop_database(&url).await.unwrap();
    }

    #[tokio::test]
    async fn a_failed_migration_without_ddl_leaves_no_trace() {
        let (url, mut conn) = fresh_schema("dml").await;
        let files = [
            ("1_one.sql", "CREATE TABLE one (id BIGINT PRIMARY KEY);"),
            (
                "2_two.sql",
                "INSERT INTO one (id) VALUES (1); INSERT INTO nowhere (id) VALUES (1);",
            ),
        ];
        let failing = migrator(&files).await;
        let error = run(&mut conn, &failing).await.unwrap_err();
        assert!(
            matches!(error, MigrateError::ExecuteMigration(_, 2)),
            "{error:?}"
        );
        let rows = bookkeeping(&mut conn).await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(rows[0].0 == 1 && rows[0].1, "{rows:?}");
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM one")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(count, 0, "the migration's insert rolled back");

        // A repaired release applies it; one that changed an applied migration is refused, and
        // so is one that lacks an applied migration.
        let fixed = ("2_two.sql", "INSERT INTO one (id) VALUES (1);");
        let repaired = migrator(&[files[0], fixed]).await;
        run(&mut conn, &repaired).await.unwrap();
        assert!(bookkeeping(&mut conn).await.iter().all(|row| row.1));
        let changed = migrator(&[
            ("1_one.sql", "CREATE TABLE one (id INT PRIMARY KEY);"),
            fixed,
        ])
        .await;
        let error = run(&mut conn, &changed).await.unwrap_err();
        assert!(
            matches!(error, MigrateError::VersionMismatch(1)),
            "{error:?}"
        );
        let older = migrator(&files[..1]).await;
        let error = run(&mut conn, &older).await.unwrap_err();
        assert!(
            matches!(error, MigrateError::VersionMissing(2)),
            "{error:?}"
        );
        conn.close().await.unwrap();
        sqlx::MySql::drop_database(&url).await.unwrap();
    }
}
