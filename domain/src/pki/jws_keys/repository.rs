//! SQL for the DFSPs' JWS public keys: one row per DFSP, replaced as a whole.

use sqlx::{FromRow, Row};

use crate::access::{DfspScope, EnvScope};
use crate::db::{long_text, Conn, Outcome};
use crate::dfsps::DfspId;

pub(crate) struct KeyRow {
    pub public_key: String,
    pub created_at: i64,
}

impl<'r> FromRow<'r, sqlx::any::AnyRow> for KeyRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(KeyRow {
            public_key: long_text(row.try_get("public_key")?)?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// Replaces the DFSP's key (inside the caller's transaction). `false`: the same key with the
/// same time was stored already, and nothing changed.
pub(crate) async fn replace(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    key: &KeyRow,
    at: &str,
    by: &str,
) -> Outcome<bool> {
    if let Some(stored) = find(conn, scope).await? {
        if stored.public_key == key.public_key && stored.created_at == key.created_at {
            return Ok(false);
        }
    }
    sqlx::query("DELETE FROM dfsp_jws_keys WHERE dfsp_key = ?")
        .bind(scope.key().0)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO dfsp_jws_keys (dfsp_key, public_key, created_at, updated_at, updated_by) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(scope.key().0)
    .bind(key.public_key.as_bytes())
    .bind(key.created_at)
    .bind(at)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

pub(crate) async fn find(conn: &mut Conn<'_>, scope: &DfspScope) -> Outcome<Option<KeyRow>> {
    Ok(
        sqlx::query_as("SELECT public_key, created_at FROM dfsp_jws_keys WHERE dfsp_key = ?")
            .bind(scope.key().0)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Every key of the environment's DFSPs, in the order the DFSPs were created.
pub(crate) async fn list(conn: &mut Conn<'_>, scope: &EnvScope) -> Outcome<Vec<(DfspId, KeyRow)>> {
    let rows = sqlx::query(
        "SELECT d.dfsp_id, k.public_key, k.created_at FROM dfsp_jws_keys k \
         JOIN dfsps d ON d.id = k.dfsp_key WHERE d.env_id = ? ORDER BY d.id",
    )
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((DfspId(row.try_get("dfsp_id")?), KeyRow::from_row(row)?)))
        .collect()
}
