//! SQL for the inventory: every stored certificate of an environment, in one round trip.

use sqlx::Row;

use super::CertificateKind;
use crate::access::EnvScope;
use crate::db::{long_text, Conn, Outcome};
use crate::pki::revocations::{revocation_of, Revocation};

/// One row that keeps certificates: its main certificate (a CA's root, an enrollment's or a
/// set's certificate) and the chain stored with it.
pub(crate) struct StoredCertificates {
    pub kind: CertificateKind,
    pub row_id: i64,
    /// The DFSP the row belongs to, with its security group (who may act for it).
    pub dfsp: Option<(String, String)>,
    pub certificate: String,
    pub intermediate_chain: Option<String>,
    pub root_certificate: Option<String>,
    /// The environment's CA that issued the main certificate, for an inbound enrollment it
    /// signed.
    pub issuer_ca_id: Option<i64>,
    pub revocation: Option<Revocation>,
}

/// The same columns from every table, in the order the inventory lists kinds (which decides
/// where a certificate stored twice, such as a DFSP's root in its CA and in its server
/// certificate's chain, is listed).
const ALL_CERTIFICATES: &str = "\
SELECT 'internalCa' AS kind, c.id AS row_id, NULL AS dfsp_id, NULL AS security_group, c.certificate AS certificate, NULL AS intermediate_chain, NULL AS root_certificate, \
    NULL AS issuer_ca_id, NULL AS revocation_reason, NULL AS revoked_at, NULL AS revoked_by \
  FROM certificate_authorities c WHERE c.env_id = ? \
UNION ALL SELECT 'hubCa', h.id, NULL, NULL, h.root_certificate, h.intermediate_chain, NULL, NULL, NULL, NULL, NULL \
  FROM hub_cas h WHERE h.env_id = ? \
UNION ALL SELECT 'dfspCa', c.dfsp_key, d.dfsp_id, d.security_group, c.root_certificate, c.intermediate_chain, NULL, NULL, NULL, NULL, NULL \
  FROM dfsp_cas c JOIN dfsps d ON d.id = c.dfsp_key WHERE d.env_id = ? \
UNION ALL SELECT 'inboundEnrollment', e.id, d.dfsp_id, d.security_group, e.certificate, NULL, NULL, e.ca_id, r.reason, r.revoked_at, r.revoked_by \
  FROM inbound_enrollments e JOIN dfsps d ON d.id = e.dfsp_key \
  LEFT JOIN certificate_revocations r ON r.inbound_enrollment_id = e.id \
  WHERE e.env_id = ? AND e.certificate IS NOT NULL \
UNION ALL SELECT 'outboundEnrollment', e.id, d.dfsp_id, d.security_group, e.certificate, NULL, NULL, NULL, NULL, NULL, NULL \
  FROM outbound_enrollments e JOIN dfsps d ON d.id = e.dfsp_key WHERE e.env_id = ? AND e.certificate IS NOT NULL \
UNION ALL SELECT 'hubServer', s.id, NULL, NULL, s.certificate, s.intermediate_chain, s.root_certificate, NULL, NULL, NULL, NULL \
  FROM hub_server_certs s WHERE s.env_id = ? \
UNION ALL SELECT 'dfspServer', s.id, d.dfsp_id, d.security_group, s.certificate, s.intermediate_chain, s.root_certificate, NULL, NULL, NULL, NULL \
  FROM dfsp_server_certs s JOIN dfsps d ON d.id = s.dfsp_key WHERE d.env_id = ? \
UNION ALL SELECT 'dfspJws', s.id, d.dfsp_id, d.security_group, s.certificate, s.intermediate_chain, s.root_certificate, NULL, NULL, NULL, NULL \
  FROM dfsp_jws_certs s JOIN dfsps d ON d.id = s.dfsp_key WHERE d.env_id = ? \
UNION ALL SELECT 'hubJws', s.id, NULL, NULL, s.certificate, s.intermediate_chain, s.root_certificate, NULL, NULL, NULL, NULL \
  FROM hub_jws_certs s WHERE s.env_id = ?";

/// How many times [`ALL_CERTIFICATES`] names the environment.
const ENVIRONMENT_BINDS: usize = 9;

pub(crate) async fn all(conn: &mut Conn<'_>, scope: &EnvScope) -> Outcome<Vec<StoredCertificates>> {
    let mut query = sqlx::query(ALL_CERTIFICATES);
    for _ in 0..ENVIRONMENT_BINDS {
        query = query.bind(scope.env_id().get());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let optional = |column: &str| -> Result<Option<String>, sqlx::Error> {
                row.try_get::<Option<Vec<u8>>, _>(column)?
                    .map(long_text)
                    .transpose()
            };
            let dfsp_id: Option<String> = row.try_get("dfsp_id")?;
            let group: Option<String> = row.try_get("security_group")?;
            Ok(StoredCertificates {
                kind: CertificateKind::parse(&kind).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown certificate kind {kind}").into())
                })?,
                row_id: row.try_get("row_id")?,
                dfsp: dfsp_id.zip(group),
                certificate: long_text(row.try_get("certificate")?)?,
                intermediate_chain: optional("intermediate_chain")?,
                root_certificate: optional("root_certificate")?,
                issuer_ca_id: row.try_get("issuer_ca_id")?,
                revocation: revocation_of(row)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// An expiry alert as stored.
pub(crate) struct AlertRow {
    pub id: i64,
    pub env_id: i64,
    pub threshold_days: i64,
    pub payload: Vec<u8>,
    pub attempts: i64,
    pub next_attempt_at: String,
}

pub(crate) struct NewAlert<'a> {
    pub env_id: i64,
    pub fingerprint: &'a str,
    pub threshold_days: u32,
    /// `pending` (to send) or `skipped`.
    pub state: &'a str,
    pub payload: &'a [u8],
    pub claimed_by: &'a str,
    pub at: &'a str,
    /// For a pending alert, the claim's lease.
    pub next_attempt_at: &'a str,
}

/// Records the alert unless it exists: whether this call made it (and so owns it).
pub(crate) async fn insert_alert(
    conn: &mut Conn<'_>,
    alert: &NewAlert<'_>,
) -> Outcome<Option<i64>> {
    let result = sqlx::query(
        "INSERT INTO expiry_alerts (env_id, fingerprint, threshold_days, state, payload, \
         claimed_by, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
    )
    .bind(alert.env_id)
    .bind(alert.fingerprint)
    .bind(i64::from(alert.threshold_days))
    .bind(alert.state)
    .bind(alert.payload)
    .bind(alert.claimed_by)
    .bind(alert.next_attempt_at)
    .bind(alert.at)
    .execute(&mut *conn)
    .await;
    match result {
        Ok(result) => Ok(Some(crate::db::inserted_id(conn, &result).await?)),
        Err(error) if crate::db::is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Which (fingerprint, threshold) alerts of the environment exist already.
pub(crate) async fn alerted(conn: &mut Conn<'_>, env_id: i64) -> Outcome<Vec<(String, i64)>> {
    let rows =
        sqlx::query("SELECT fingerprint, threshold_days FROM expiry_alerts WHERE env_id = ?")
            .bind(env_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("fingerprint")?, row.try_get("threshold_days")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Pending alerts whose time has come: never sent after a failure, or claimed by a replica
/// that did not finish within its lease.
pub(crate) async fn due_alerts(conn: &mut Conn<'_>, now: &str) -> Outcome<Vec<AlertRow>> {
    let rows = sqlx::query(
        "SELECT id, env_id, threshold_days, payload, attempts, next_attempt_at FROM expiry_alerts \
         WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AlertRow {
                id: row.try_get("id")?,
                env_id: row.try_get("env_id")?,
                threshold_days: row.try_get("threshold_days")?,
                payload: row.try_get("payload")?,
                attempts: row.try_get("attempts")?,
                next_attempt_at: row.try_get("next_attempt_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Takes a due alert over for `sender` until `lease`, if nobody else did since it was read.
pub(crate) async fn claim_alert(
    conn: &mut Conn<'_>,
    alert: &AlertRow,
    sender: &str,
    lease: &str,
) -> Outcome<bool> {
    let result = sqlx::query(
        "UPDATE expiry_alerts SET claimed_by = ?, next_attempt_at = ? \
         WHERE id = ? AND state = 'pending' AND next_attempt_at = ?",
    )
    .bind(sender)
    .bind(lease)
    .bind(alert.id)
    .bind(&alert.next_attempt_at)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub(crate) async fn alert_sent(conn: &mut Conn<'_>, id: i64, at: &str) -> Outcome<()> {
    sqlx::query(
        "UPDATE expiry_alerts SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
    )
    .bind(at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn alert_failed(
    conn: &mut Conn<'_>,
    id: i64,
    attempts: i64,
    next_attempt_at: &str,
    error: &str,
) -> Outcome<()> {
    sqlx::query(
        "UPDATE expiry_alerts SET attempts = ?, next_attempt_at = ?, last_error = ? \
         WHERE id = ? AND state = 'pending'",
    )
    .bind(attempts)
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
