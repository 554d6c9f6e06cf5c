//! SQL for the Hub's external CAs. Reads take an [`EnvScope`], writes a [`HubScope`].

use sqlx::{FromRow, Row};

use crate::access::{EnvScope, HubScope};
use crate::db::{inserted_id, long_text, Conn, Outcome};

/// A Hub CA row: the certificates as PEM, read again (and validated) whenever it is shown.
pub(super) struct HubCaRow {
    pub id: i64,
    pub name: String,
    pub root_certificate: String,
    pub intermediate_chain: Option<String>,
    pub created_at: String,
    pub created_by: Option<String>,
}

impl<'r> FromRow<'r, sqlx::any::AnyRow> for HubCaRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        let chain: Option<Vec<u8>> = row.try_get("intermediate_chain")?;
        Ok(HubCaRow {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            root_certificate: long_text(row.try_get("root_certificate")?)?,
            intermediate_chain: chain.map(long_text).transpose()?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
        })
    }
}

const COLUMNS: &str = "id, name, root_certificate, intermediate_chain, created_at, created_by";

/// Inserts the CA; `None` when its name is taken in the environment.
pub(super) async fn insert(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    name: &str,
    root_certificate: &str,
    intermediate_chain: Option<&str>,
    at: &str,
    by: &str,
) -> Outcome<Option<i64>> {
    let result = sqlx::query(
        "INSERT INTO hub_cas (env_id, name, root_certificate, intermediate_chain, created_at, \
         created_by) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(name)
    .bind(root_certificate.as_bytes())
    .bind(intermediate_chain.map(str::as_bytes))
    .bind(at)
    .bind(by)
    .execute(&mut *conn)
    .await;
    match result {
        Ok(result) => Ok(Some(inserted_id(conn, &result).await?)),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The environment's Hub CAs, oldest first.
pub(super) async fn list(conn: &mut Conn<'_>, scope: &EnvScope) -> Outcome<Vec<HubCaRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM hub_cas WHERE env_id = ? ORDER BY id"
    ))
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?)
}

/// The environment's Hub CA `id`.
pub(super) async fn find(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    id: i64,
) -> Outcome<Option<HubCaRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM hub_cas WHERE env_id = ? AND id = ?"
    ))
    .bind(scope.env_id().get())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Deletes the environment's Hub CA `id`; `false` when there was none.
pub(super) async fn delete(conn: &mut Conn<'_>, scope: &HubScope, id: i64) -> Outcome<bool> {
    let result = sqlx::query("DELETE FROM hub_cas WHERE env_id = ? AND id = ?")
        .bind(scope.env_id().get())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}
