//! SQL for inbound enrollments. Every function takes the DFSP's [`DfspScope`]; the state
//! change is a conditional update, so two concurrent signings issue one certificate.

use sqlx::{FromRow, Row};

use crate::access::{DfspScope, HubScope};
use crate::db::{inserted_id, long_text, Conn, Outcome};
use crate::dfsps::DfspId;
use crate::pki::revocations::{revocation_of, Revocation, REVOCATION_COLUMNS, REVOCATION_JOIN};

pub(super) struct InboundRow {
    pub id: i64,
    pub csr: String,
    pub certificate: Option<String>,
    pub state: String,
    pub hub_ca_id: Option<i64>,
    pub created_at: String,
    pub created_by: Option<String>,
    pub signed_at: Option<String>,
    pub signed_by: Option<String>,
    pub revocation: Option<Revocation>,
}

impl<'r> FromRow<'r, sqlx::any::AnyRow> for InboundRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        let certificate: Option<Vec<u8>> = row.try_get("certificate")?;
        Ok(InboundRow {
            id: row.try_get("id")?,
            csr: long_text(row.try_get("csr")?)?,
            certificate: certificate.map(long_text).transpose()?,
            state: row.try_get("state")?,
            hub_ca_id: row.try_get("hub_ca_id")?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
            signed_at: row.try_get("signed_at")?,
            signed_by: row.try_get("signed_by")?,
            revocation: revocation_of(row)?,
        })
    }
}

/// Read from `inbound_enrollments e` with [`REVOCATION_JOIN`].
const COLUMNS: &str = "e.id, e.csr, e.certificate, e.state, e.hub_ca_id, e.created_at, \
    e.created_by, e.signed_at, e.signed_by";

pub(super) async fn insert(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    csr: &str,
    at: &str,
    by: &str,
) -> Outcome<i64> {
    let result = sqlx::query(
        "INSERT INTO inbound_enrollments (env_id, dfsp_key, csr, state, created_at, created_by) \
         VALUES (?, ?, ?, 'CSR_LOADED', ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(scope.key().0)
    .bind(csr.as_bytes())
    .bind(at)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(inserted_id(conn, &result).await?)
}

/// The DFSP's enrollments, oldest first.
pub(super) async fn list(conn: &mut Conn<'_>, scope: &DfspScope) -> Outcome<Vec<InboundRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS}, {REVOCATION_COLUMNS} FROM inbound_enrollments e {REVOCATION_JOIN} \
         WHERE e.dfsp_key = ? ORDER BY e.id"
    ))
    .bind(scope.key().0)
    .fetch_all(&mut *conn)
    .await?)
}

pub(super) async fn find(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    id: i64,
) -> Outcome<Option<InboundRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS}, {REVOCATION_COLUMNS} FROM inbound_enrollments e {REVOCATION_JOIN} \
         WHERE e.dfsp_key = ? AND e.id = ?"
    ))
    .bind(scope.key().0)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// What issuing a certificate writes.
pub(super) struct Issued<'a> {
    pub certificate: &'a str,
    /// The environment's CA that signed it, or
    pub ca_id: Option<i64>,
    /// the external Hub CA that did.
    pub hub_ca_id: Option<i64>,
    pub at: &'a str,
    pub by: &'a str,
}

/// Issues the enrollment's certificate if it still awaits one; `false` when it does not.
pub(super) async fn issue(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    id: i64,
    issued: &Issued<'_>,
) -> Outcome<bool> {
    let result = sqlx::query(
        "UPDATE inbound_enrollments SET certificate = ?, state = 'CERT_SIGNED', ca_id = ?, \
         hub_ca_id = ?, signed_at = ?, signed_by = ? \
         WHERE dfsp_key = ? AND id = ? AND state = 'CSR_LOADED'",
    )
    .bind(issued.certificate.as_bytes())
    .bind(issued.ca_id)
    .bind(issued.hub_ca_id)
    .bind(issued.at)
    .bind(issued.by)
    .bind(scope.key().0)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// How many enrollments name the Hub CA `hub_ca_id` as their signer.
pub(crate) async fn count_signed_by_hub_ca(conn: &mut Conn<'_>, hub_ca_id: i64) -> Outcome<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM inbound_enrollments WHERE hub_ca_id = ?")
        .bind(hub_ca_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("n")?)
}

/// Every DFSP's enrollments that await a certificate, oldest first, with their DFSP.
pub(super) async fn awaiting(
    conn: &mut Conn<'_>,
    scope: &HubScope,
) -> Outcome<Vec<(DfspId, InboundRow)>> {
    let rows = sqlx::query(&format!(
        "SELECT d.dfsp_id AS owner, {COLUMNS}, {REVOCATION_COLUMNS} FROM inbound_enrollments e \
         JOIN dfsps d ON d.id = e.dfsp_key {REVOCATION_JOIN} \
         WHERE e.env_id = ? AND e.state = 'CSR_LOADED' ORDER BY e.id"
    ))
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        list.push((DfspId(row.try_get("owner")?), InboundRow::from_row(&row)?));
    }
    Ok(list)
}
