//! SQL for the sessions: one row per session, keyed by the hash of its id.

use sqlx::Row;

use crate::db::{is_unique_violation, Conn, Outcome};

/// Inserts a session; `false` when a session with this id exists.
pub(super) async fn insert(
    conn: &mut Conn<'_>,
    id_hash: &str,
    data: &[u8],
    expires_at: &str,
) -> Outcome<bool> {
    match sqlx::query("INSERT INTO sessions (id_hash, data, expires_at) VALUES (?, ?, ?)")
        .bind(id_hash)
        .bind(data)
        .bind(expires_at)
        .execute(&mut *conn)
        .await
    {
        Ok(_) => Ok(true),
        Err(error) if is_unique_violation(&error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Replaces the session's row (or makes it): a delete and an insert, which both backends
/// run alike (an upsert is spelled differently in each, and MySQL's UPDATE reports unchanged
/// rows as not found).
pub(super) async fn replace(
    conn: &mut Conn<'_>,
    id_hash: &str,
    data: &[u8],
    expires_at: &str,
) -> Outcome<()> {
    delete(conn, id_hash).await?;
    sqlx::query("INSERT INTO sessions (id_hash, data, expires_at) VALUES (?, ?, ?)")
        .bind(id_hash)
        .bind(data)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The session's data, unless it expired before `now`.
pub(super) async fn find_live(
    conn: &mut Conn<'_>,
    id_hash: &str,
    now: &str,
) -> Outcome<Option<Vec<u8>>> {
    let row = sqlx::query("SELECT data FROM sessions WHERE id_hash = ? AND expires_at > ?")
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get("data")?),
        None => None,
    })
}

pub(super) async fn delete(conn: &mut Conn<'_>, id_hash: &str) -> Outcome<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(super) async fn delete_expired(conn: &mut Conn<'_>, now: &str) -> Outcome<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
