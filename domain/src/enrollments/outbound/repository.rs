//! SQL for outbound enrollments. Every function takes the DFSP's [`DfspScope`]; state changes
//! are conditional updates. The sealed key is written here and never read back for display.

use sqlx::{FromRow, Row};

use crate::access::DfspScope;
use crate::db::{inserted_id, long_text, Conn, Outcome};

pub(super) struct OutboundRow {
    pub id: i64,
    pub csr: String,
    /// The public half of the key the server made (SubjectPublicKeyInfo DER).
    pub key_public: Option<Vec<u8>>,
    pub certificate: Option<String>,
    pub state: String,
    pub created_at: String,
    pub created_by: Option<String>,
    pub certificate_at: Option<String>,
    pub certificate_by: Option<String>,
    pub validated_at: Option<String>,
    pub validated_by: Option<String>,
}

impl<'r> FromRow<'r, sqlx::any::AnyRow> for OutboundRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        let certificate: Option<Vec<u8>> = row.try_get("certificate")?;
        Ok(OutboundRow {
            id: row.try_get("id")?,
            csr: long_text(row.try_get("csr")?)?,
            key_public: row.try_get("key_public")?,
            certificate: certificate.map(long_text).transpose()?,
            state: row.try_get("state")?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
            certificate_at: row.try_get("certificate_at")?,
            certificate_by: row.try_get("certificate_by")?,
            validated_at: row.try_get("validated_at")?,
            validated_by: row.try_get("validated_by")?,
        })
    }
}

const COLUMNS: &str = "id, csr, key_public, certificate, state, created_at, created_by, \
     certificate_at, certificate_by, validated_at, validated_by";

/// A new enrollment: the CSR, and the key the server made for it, if it did.
pub(super) struct NewOutbound<'a> {
    pub csr: &'a str,
    pub sealed_key: Option<&'a [u8]>,
    pub key_public: Option<&'a [u8]>,
    pub at: &'a str,
    pub by: &'a str,
}

pub(super) async fn insert(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    row: &NewOutbound<'_>,
) -> Outcome<i64> {
    let result = sqlx::query(
        "INSERT INTO outbound_enrollments (env_id, dfsp_key, csr, sealed_key, key_public, state, \
         created_at, created_by) VALUES (?, ?, ?, ?, ?, 'CSR_LOADED', ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(scope.key().0)
    .bind(row.csr.as_bytes())
    .bind(row.sealed_key)
    .bind(row.key_public)
    .bind(row.at)
    .bind(row.by)
    .execute(&mut *conn)
    .await?;
    Ok(inserted_id(conn, &result).await?)
}

/// The DFSP's enrollments, oldest first, those in `state` only when given.
pub(super) async fn list(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    state: Option<&str>,
) -> Outcome<Vec<OutboundRow>> {
    let query = match state {
        Some(_) => format!(
            "SELECT {COLUMNS} FROM outbound_enrollments WHERE dfsp_key = ? AND state = ? ORDER BY id"
        ),
        None => format!("SELECT {COLUMNS} FROM outbound_enrollments WHERE dfsp_key = ? ORDER BY id"),
    };
    let mut query = sqlx::query_as(&query).bind(scope.key().0);
    if let Some(state) = state {
        query = query.bind(state);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}

pub(super) async fn find(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    id: i64,
) -> Outcome<Option<OutboundRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM outbound_enrollments WHERE dfsp_key = ? AND id = ?"
    ))
    .bind(scope.key().0)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Stores the returned certificate unless the enrollment was validated; `false` then.
pub(super) async fn set_certificate(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    id: i64,
    certificate: &str,
    at: &str,
    by: &str,
    replace_validated: bool,
) -> Outcome<bool> {
    let result = sqlx::query(
        "UPDATE outbound_enrollments SET certificate = ?, state = 'CERT_SIGNED', \
         certificate_at = ?, certificate_by = ? \
         WHERE dfsp_key = ? AND id = ? \
         AND (state IN ('CSR_LOADED', 'CERT_SIGNED') OR (? = 1 AND state = 'VALIDATED'))",
    )
    .bind(certificate.as_bytes())
    .bind(at)
    .bind(by)
    .bind(scope.key().0)
    .bind(id)
    .bind(i32::from(replace_validated))
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Marks the enrollment validated if it still holds `certificate`; `false` otherwise.
pub(super) async fn set_validated(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    id: i64,
    certificate: &str,
    at: &str,
    by: &str,
) -> Outcome<bool> {
    let result = sqlx::query(
        "UPDATE outbound_enrollments SET state = 'VALIDATED', validated_at = ?, validated_by = ? \
         WHERE dfsp_key = ? AND id = ? AND state = 'CERT_SIGNED' AND certificate = ?",
    )
    .bind(at)
    .bind(by)
    .bind(scope.key().0)
    .bind(id)
    .bind(certificate.as_bytes())
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}
