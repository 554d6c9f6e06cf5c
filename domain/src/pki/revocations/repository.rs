//! SQL for revocations and CRLs. A CRL is written by compare-and-swap on its number, so that
//! replicas that make one at the same time never go back to an older list.

use sqlx::Row;

use super::{Revocation, RevocationReason};
use crate::access::{EnvScope, HubScope};
use crate::clock::from_db;
use crate::db::{inserted_id, is_unique_violation, long_text, Conn, Outcome};

/// What reads of inbound enrollments add, from
/// `LEFT JOIN certificate_revocations r ON r.inbound_enrollment_id = e.id`: the revocation of
/// the enrollment's certificate, if any (read back with [`revocation_of`]).
pub(crate) const REVOCATION_COLUMNS: &str =
    "r.reason AS revocation_reason, r.revoked_at AS revoked_at, r.revoked_by AS revoked_by";
pub(crate) const REVOCATION_JOIN: &str =
    "LEFT JOIN certificate_revocations r ON r.inbound_enrollment_id = e.id";

/// The revocation [`REVOCATION_COLUMNS`] read, if the row has one.
pub(crate) fn revocation_of(row: &sqlx::any::AnyRow) -> Result<Option<Revocation>, sqlx::Error> {
    let reason: Option<String> = row.try_get("revocation_reason")?;
    let Some(reason) = reason else {
        return Ok(None);
    };
    let revoked_at: String = row.try_get("revoked_at")?;
    Ok(Some(Revocation {
        reason: RevocationReason::parse(&reason).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown revocation reason {reason}").into())
        })?,
        revoked_at: from_db(&revoked_at)
            .ok()
            .and_then(|at| {
                at.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or(revoked_at),
        revoked_by: row.try_get("revoked_by")?,
    }))
}

/// An inbound enrollment as revocation sees it.
pub(super) struct RevocableRow {
    pub dfsp_id: String,
    pub certificate: Option<String>,
    /// The environment's CA that signed it (`None`: an external Hub CA did, or not signed).
    pub ca_id: Option<i64>,
    pub revoked_at: Option<String>,
}

pub(super) async fn find_inbound(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    enrollment_id: i64,
) -> Outcome<Option<RevocableRow>> {
    let row = sqlx::query(
        "SELECT d.dfsp_id, e.certificate, e.ca_id, r.revoked_at FROM inbound_enrollments e \
         JOIN dfsps d ON d.id = e.dfsp_key \
         LEFT JOIN certificate_revocations r ON r.inbound_enrollment_id = e.id \
         WHERE e.env_id = ? AND e.id = ?",
    )
    .bind(scope.env_id().get())
    .bind(enrollment_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let certificate: Option<Vec<u8>> = row.try_get("certificate")?;
    Ok(Some(RevocableRow {
        dfsp_id: row.try_get("dfsp_id")?,
        certificate: certificate.map(long_text).transpose()?,
        ca_id: row.try_get("ca_id")?,
        revoked_at: row.try_get("revoked_at")?,
    }))
}

pub(super) struct NewRevocation<'a> {
    pub ca_id: i64,
    pub serial: &'a str,
    pub enrollment_id: i64,
    pub reason: RevocationReason,
    pub at: &'a str,
    pub by: &'a str,
}

/// Records the revocation; `None` when the certificate is revoked already.
pub(super) async fn insert(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    new: &NewRevocation<'_>,
) -> Outcome<Option<i64>> {
    let result = sqlx::query(
        "INSERT INTO certificate_revocations \
         (env_id, ca_id, serial, inbound_enrollment_id, reason, revoked_at, revoked_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(new.ca_id)
    .bind(new.serial)
    .bind(new.enrollment_id)
    .bind(new.reason.as_str())
    .bind(new.at)
    .bind(new.by)
    .execute(&mut *conn)
    .await;
    match result {
        Ok(result) => Ok(Some(inserted_id(conn, &result).await?)),
        Err(error) if is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// One entry of a CRL.
pub(super) struct RevokedRow {
    pub serial: String,
    pub reason: String,
    pub revoked_at: String,
}

/// Every certificate the CA issued that is revoked, in the order of revocation, and the id of
/// the newest revocation (0 when there is none).
pub(super) async fn revoked_by_ca(
    conn: &mut Conn<'_>,
    ca_id: i64,
) -> Outcome<(Vec<RevokedRow>, i64)> {
    let rows = sqlx::query(
        "SELECT id, serial, reason, revoked_at FROM certificate_revocations \
         WHERE ca_id = ? ORDER BY id",
    )
    .bind(ca_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut newest = 0;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        newest = newest.max(row.try_get::<i64, _>("id")?);
        list.push(RevokedRow {
            serial: row.try_get("serial")?,
            reason: row.try_get("reason")?,
            revoked_at: row.try_get("revoked_at")?,
        });
    }
    Ok((list, newest))
}

/// The id of the CA's newest revocation, 0 when there is none.
pub(super) async fn newest_revocation(conn: &mut Conn<'_>, ca_id: i64) -> Outcome<i64> {
    let row = sqlx::query(
        "SELECT COALESCE(MAX(id), 0) AS newest FROM certificate_revocations WHERE ca_id = ?",
    )
    .bind(ca_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("newest")?)
}

/// An environment's CA: its id and certificate (PEM), and its sealed key.
pub(super) struct CaSigner {
    pub id: i64,
    pub certificate: String,
    pub sealed_key: Vec<u8>,
}

/// The CA `ca_id` of the environment, or its current one (the newest) without an id.
pub(super) async fn ca_signer(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    ca_id: Option<i64>,
) -> Outcome<Option<CaSigner>> {
    let query = match ca_id {
        Some(id) => sqlx::query(
            "SELECT id, certificate, sealed_key FROM certificate_authorities \
             WHERE env_id = ? AND id = ?",
        )
        .bind(scope.env_id().get())
        .bind(id),
        None => sqlx::query(
            "SELECT id, certificate, sealed_key FROM certificate_authorities \
             WHERE env_id = ? ORDER BY id DESC LIMIT 1",
        )
        .bind(scope.env_id().get()),
    };
    let Some(row) = query.fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    Ok(Some(CaSigner {
        id: row.try_get("id")?,
        certificate: long_text(row.try_get("certificate")?)?,
        sealed_key: row.try_get("sealed_key")?,
    }))
}

/// A CA's stored CRL.
pub(super) struct StoredCrl {
    pub number: i64,
    pub this_update: String,
    pub next_update: String,
    /// The newest revocation it lists.
    pub last_revocation: i64,
    pub der: Vec<u8>,
}

pub(super) async fn stored_crl(conn: &mut Conn<'_>, ca_id: i64) -> Outcome<Option<StoredCrl>> {
    let row = sqlx::query(
        "SELECT crl_number, this_update, next_update, last_revocation, crl \
         FROM certificate_revocation_lists WHERE ca_id = ?",
    )
    .bind(ca_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(StoredCrl {
        number: row.try_get("crl_number")?,
        this_update: row.try_get("this_update")?,
        next_update: row.try_get("next_update")?,
        last_revocation: row.try_get("last_revocation")?,
        der: row.try_get("crl")?,
    }))
}

/// Stores `crl` as the CA's CRL if the stored one is still number `replaces` (`None`: there
/// is none yet); `false` when another writer got there first.
pub(super) async fn save_crl(
    conn: &mut Conn<'_>,
    ca_id: i64,
    replaces: Option<i64>,
    crl: &StoredCrl,
) -> Outcome<bool> {
    let result = match replaces {
        None => {
            sqlx::query(
                "INSERT INTO certificate_revocation_lists \
                 (ca_id, crl_number, this_update, next_update, last_revocation, crl) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(ca_id)
            .bind(crl.number)
            .bind(&crl.this_update)
            .bind(&crl.next_update)
            .bind(crl.last_revocation)
            .bind(crl.der.as_slice())
            .execute(&mut *conn)
            .await
        }
        Some(number) => {
            sqlx::query(
                "UPDATE certificate_revocation_lists SET crl_number = ?, this_update = ?, \
                 next_update = ?, last_revocation = ?, crl = ? \
                 WHERE ca_id = ? AND crl_number = ?",
            )
            .bind(crl.number)
            .bind(&crl.this_update)
            .bind(&crl.next_update)
            .bind(crl.last_revocation)
            .bind(crl.der.as_slice())
            .bind(ca_id)
            .bind(number)
            .execute(&mut *conn)
            .await
        }
    };
    match result {
        Ok(result) => Ok(result.rows_affected() == 1),
        Err(error) if is_unique_violation(&error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}
