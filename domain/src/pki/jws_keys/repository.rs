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

/// One external DFSP's key as stored.
pub(crate) struct ExternalRow {
    pub dfsp_id: String,
    pub key: KeyRow,
    /// The proxy that gave it; `None`: a hub operator.
    pub source: Option<DfspId>,
    pub source_key: Option<i64>,
}

/// The environment's external DFSPs' keys, by external id; of one source proxy when
/// `source_key` is given.
pub(crate) async fn list_external(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
) -> Outcome<Vec<ExternalRow>> {
    let rows = sqlx::query(
        "SELECT e.dfsp_id, e.public_key, e.created_at, e.source_dfsp_key, d.dfsp_id AS source \
         FROM external_jws_keys e LEFT JOIN dfsps d ON d.id = e.source_dfsp_key \
         WHERE e.env_id = ? ORDER BY e.dfsp_id",
    )
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ExternalRow {
                dfsp_id: row.try_get("dfsp_id")?,
                key: KeyRow::from_row(row)?,
                source: row.try_get::<Option<String>, _>("source")?.map(DfspId),
                source_key: row.try_get("source_dfsp_key")?,
            })
        })
        .collect()
}

/// Stores an external DFSP's key, replacing the one before (inside the caller's transaction).
/// `false`: the same key with the same time and source was stored already.
pub(crate) async fn upsert_external(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    dfsp_id: &str,
    key: &KeyRow,
    source_key: Option<i64>,
    at: &str,
    by: &str,
) -> Outcome<bool> {
    let stored = sqlx::query(
        "SELECT public_key, created_at, source_dfsp_key FROM external_jws_keys \
         WHERE env_id = ? AND dfsp_id = ?",
    )
    .bind(scope.env_id().get())
    .bind(dfsp_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(stored) = stored {
        let same = long_text(stored.try_get("public_key")?)? == key.public_key
            && stored.try_get::<i64, _>("created_at")? == key.created_at
            && stored.try_get::<Option<i64>, _>("source_dfsp_key")? == source_key;
        if same {
            return Ok(false);
        }
        sqlx::query("DELETE FROM external_jws_keys WHERE env_id = ? AND dfsp_id = ?")
            .bind(scope.env_id().get())
            .bind(dfsp_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO external_jws_keys (env_id, dfsp_id, source_dfsp_key, public_key, created_at, \
         updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(dfsp_id)
    .bind(source_key)
    .bind(key.public_key.as_bytes())
    .bind(key.created_at)
    .bind(at)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Removes an external DFSP's key; `false` when there is none.
pub(crate) async fn delete_external(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    dfsp_id: &str,
) -> Outcome<bool> {
    let result = sqlx::query("DELETE FROM external_jws_keys WHERE env_id = ? AND dfsp_id = ?")
        .bind(scope.env_id().get())
        .bind(dfsp_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// The environment's DFSPs that are interscheme proxies: (row key, id, security group).
pub(crate) async fn proxies(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
) -> Outcome<Vec<(i64, DfspId, String)>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, dfsp_id, security_group FROM dfsps WHERE env_id = ? AND is_proxy = 1 ORDER BY id",
    )
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, id, group)| (key, DfspId(id), group))
        .collect())
}

/// Which of `ids` are this environment's own DFSPs.
pub(crate) async fn native_ids(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    ids: &[&str],
) -> Outcome<Vec<String>> {
    let mut native = Vec::new();
    for chunk in ids.chunks(500) {
        let placeholders = vec!["?"; chunk.len()].join(", ");
        let sql =
            format!("SELECT dfsp_id FROM dfsps WHERE env_id = ? AND dfsp_id IN ({placeholders})");
        let mut query = sqlx::query_scalar::<_, String>(&sql).bind(scope.env_id().get());
        for id in chunk {
            query = query.bind(*id);
        }
        native.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(native)
}
