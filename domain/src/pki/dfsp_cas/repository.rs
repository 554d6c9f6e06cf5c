//! SQL for the DFSPs' CAs: one row per DFSP, keyed by it. Every function takes the DFSP's
//! [`DfspScope`].

use sqlx::{FromRow, Row};

use crate::access::{DfspScope, HubScope};
use crate::db::{long_text, Conn, Outcome};
use crate::dfsps::DfspId;

pub(crate) struct DfspCaRow {
    pub root_certificate: String,
    pub intermediate_chain: Option<String>,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

impl<'r> FromRow<'r, sqlx::any::AnyRow> for DfspCaRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        let chain: Option<Vec<u8>> = row.try_get("intermediate_chain")?;
        Ok(DfspCaRow {
            root_certificate: long_text(row.try_get("root_certificate")?)?,
            intermediate_chain: chain.map(long_text).transpose()?,
            updated_at: row.try_get("updated_at")?,
            updated_by: row.try_get("updated_by")?,
        })
    }
}

/// Replaces the DFSP's CA with `row` (inside the caller's transaction).
pub(crate) async fn replace(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    row: &DfspCaRow,
) -> Outcome<()> {
    sqlx::query("DELETE FROM dfsp_cas WHERE dfsp_key = ?")
        .bind(scope.key().0)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO dfsp_cas (dfsp_key, root_certificate, intermediate_chain, updated_at, \
         updated_by) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(scope.key().0)
    .bind(row.root_certificate.as_bytes())
    .bind(row.intermediate_chain.as_deref().map(str::as_bytes))
    .bind(&row.updated_at)
    .bind(&row.updated_by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn find(conn: &mut Conn<'_>, scope: &DfspScope) -> Outcome<Option<DfspCaRow>> {
    Ok(sqlx::query_as(
        "SELECT root_certificate, intermediate_chain, updated_at, updated_by FROM dfsp_cas \
         WHERE dfsp_key = ?",
    )
    .bind(scope.key().0)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every DFSP of the environment, in the order they were created, with its CA if it has one.
pub(crate) async fn list(
    conn: &mut Conn<'_>,
    scope: &HubScope,
) -> Outcome<Vec<(DfspId, String, Option<DfspCaRow>)>> {
    let rows = sqlx::query(
        "SELECT d.dfsp_id, d.name, c.root_certificate, c.intermediate_chain, c.updated_at, \
         c.updated_by FROM dfsps d LEFT JOIN dfsp_cas c ON c.dfsp_key = d.id \
         WHERE d.env_id = ? ORDER BY d.id",
    )
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        let root: Option<Vec<u8>> = row.try_get("root_certificate")?;
        let ca = match root {
            Some(root) => Some(DfspCaRow {
                root_certificate: long_text(root)?,
                intermediate_chain: row
                    .try_get::<Option<Vec<u8>>, _>("intermediate_chain")?
                    .map(long_text)
                    .transpose()?,
                updated_at: row.try_get("updated_at")?,
                updated_by: row.try_get("updated_by")?,
            }),
            None => None,
        };
        list.push((DfspId(row.try_get("dfsp_id")?), row.try_get("name")?, ca));
    }
    Ok(list)
}
