//! SQL for the shared keys: one row per name, written once.

use sqlx::Row;

use crate::db::{is_unique_violation, Conn, Outcome};

/// Stores `secret` under `name` unless a key of that name exists (another replica may have
/// made it a moment ago: its key wins).
pub(super) async fn insert_if_absent(
    conn: &mut Conn<'_>,
    name: &str,
    secret: &[u8],
    created_at: &str,
) -> Outcome<()> {
    let exists = sqlx::query("SELECT 1 FROM shared_keys WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    match sqlx::query("INSERT INTO shared_keys (name, secret, created_at) VALUES (?, ?, ?)")
        .bind(name)
        .bind(secret)
        .bind(created_at)
        .execute(&mut *conn)
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

pub(super) async fn find(conn: &mut Conn<'_>, name: &str) -> Outcome<Vec<u8>> {
    let row = sqlx::query("SELECT secret FROM shared_keys WHERE name = ?")
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("secret")?)
}
