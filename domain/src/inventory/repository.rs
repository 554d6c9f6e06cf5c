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
  FROM dfsp_jws_certs s JOIN dfsps d ON d.id = s.dfsp_key WHERE d.env_id = ?";

/// How many times [`ALL_CERTIFICATES`] names the environment.
const ENVIRONMENT_BINDS: usize = 8;

pub(crate) async fn all(conn: &mut Conn, scope: &EnvScope) -> Outcome<Vec<StoredCertificates>> {
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
