use openssl::x509::X509;

use super::repository::{self, KeyRow};
use super::{JwsKey, JwsKeyInput};
use crate::access::{DfspScope, EnvScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::pki::certificate_sets::JwsCert;
use crate::pki::validations;
use crate::{DomainError, DomainResult, Principal, Services};

const WHAT: &str = "JWS key";

/// The DFSPs' JWS public keys (MCM v3). Obtained from [`Services::jws_keys`].
pub struct JwsKeyService<'a> {
    pub(crate) services: &'a Services,
}

impl JwsKeyService<'_> {
    /// Stores the DFSP's JWS public key, replacing the one before. A key that cannot be read is
    /// stored with its failed validation, as MCM v3 does, so that the DFSP sees why; a missing
    /// key changes nothing (400). Storing the same key with the same time again is no change.
    pub async fn store(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &JwsKeyInput,
    ) -> DomainResult<JwsKey> {
        DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
        let public_key = match input.public_key.as_deref().map(str::trim) {
            Some(pem) if !pem.is_empty() => format!("{pem}\n"),
            _ => {
                return Err(DomainError::invalid_field(
                    WHAT,
                    "publicKey",
                    "is required: the JWS public key, PEM (-----BEGIN PUBLIC KEY-----)",
                ))
            }
        };
        let now = self.services.clock.now();
        let created_at = match &input.created_at {
            None => now.unix_timestamp(),
            Some(number) => unix_seconds(number).ok_or_else(|| {
                DomainError::invalid_field(
                    WHAT,
                    "createdAt",
                    format!("'{number}' is not a time in unix seconds (a number from 0 on)"),
                )
            })?,
        };
        let row = KeyRow {
            public_key,
            created_at,
        };
        let at = to_db(now);
        let changed = db_write!(self.services.db, |conn| async {
            let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
            let changed = repository::replace(conn, &scope, &row, &at, &who.subject).await?;
            if changed {
                Audit::new(
                    AuditAction::JwsKeyStore,
                    format!("JWS public key of DFSP '{dfsp_id}' stored (made at {created_at})"),
                )
                .env(env_id)
                .dfsp(dfsp_id)
                .record(conn, &who.subject, &at)
                .await?;
            }
            Ok(changed)
        }
        .await)?;
        if changed {
            tracing::info!(environment = %env_id, dfsp = %dfsp_id, by = %who.subject, "JWS public key stored");
        }
        Ok(view(dfsp_id.clone(), row, "publicKey"))
    }

    /// The DFSP's JWS public key: the one it uploaded as a key, else the one of its JWS
    /// certificate; 404 when it has neither.
    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<JwsKey> {
        let key = db_read!(self.services.db, |conn| async {
            let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
            repository::find(conn, &scope).await
        }
        .await)?;
        if let Some(key) = key {
            return Ok(view(dfsp_id.clone(), key, "publicKey"));
        }
        let certificate = self
            .services
            .certificate_sets()
            .find_jws(who, env_id, dfsp_id)
            .await?;
        certificate
            .and_then(|c| from_certificate(dfsp_id.clone(), &c, "certificate"))
            .ok_or_else(|| {
                DomainError::NotFound(format!(
                    "DFSP '{dfsp_id}' has no JWS key or certificate yet"
                ))
            })
    }

    /// Every participant's JWS public key, for every participant (each verifies the others'
    /// signatures with them): the Hub's first, as `hub_id`, then each DFSP's, uploaded as a
    /// key or taken from its JWS certificate. An empty list when there are none.
    pub async fn all(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        hub_id: &str,
    ) -> DomainResult<Vec<JwsKey>> {
        let keys = db_read!(self.services.db, |conn| EnvScope::read(
            conn,
            who,
            env_id,
            async |conn, scope| repository::list(conn, scope).await
        )
        .await)?;
        let certificates = self
            .services
            .certificate_sets()
            .all_dfsp_jws(who, env_id, None)
            .await?;
        let mut list = Vec::with_capacity(keys.len() + certificates.len());
        if let Some(hub) = certificates
            .iter()
            .find(|c| c.dfsp_id.is_none() && !c.superseded)
        {
            list.extend(from_certificate(DfspId(hub_id.to_owned()), hub, "hub"));
        }
        let with_keys: Vec<DfspId> = keys.iter().map(|(id, _)| id.clone()).collect();
        list.extend(
            keys.into_iter()
                .map(|(dfsp_id, key)| view(dfsp_id, key, "publicKey")),
        );
        for certificate in &certificates {
            if let Some(dfsp_id) = &certificate.dfsp_id {
                if !with_keys.contains(dfsp_id) {
                    list.extend(from_certificate(
                        dfsp_id.clone(),
                        certificate,
                        "certificate",
                    ));
                }
            }
        }
        Ok(list)
    }
}

/// A whole number of seconds from a JSON number (JavaScript clients may send `1733650000.5`).
fn unix_seconds(number: &serde_json::Number) -> Option<i64> {
    if let Some(whole) = number.as_i64() {
        return (whole >= 0).then_some(whole);
    }
    let float = number.as_f64()?;
    (float.is_finite() && float >= 0.0 && float < i64::MAX as f64).then_some(float as i64)
}

fn view(dfsp_id: DfspId, key: KeyRow, source: &str) -> JwsKey {
    let validations = vec![validations::jws_public_key(&key.public_key)];
    JwsKey {
        dfsp_id,
        validation_state: validations::state(&validations),
        validations,
        public_key: key.public_key,
        created_at: key.created_at,
        source: source.to_owned(),
    }
}

/// The public key of a JWS certificate, made at the certificate's start of validity; `None`
/// when the certificate's key cannot be written out (it was read when stored, so never).
fn from_certificate(dfsp_id: DfspId, certificate: &JwsCert, source: &str) -> Option<JwsKey> {
    let x509 = X509::from_pem(certificate.jws_certificate.as_bytes()).ok()?;
    let public_key = String::from_utf8(x509.public_key().ok()?.public_key_to_pem().ok()?).ok()?;
    let created_at = time::OffsetDateTime::parse(
        &certificate.jws_certificate_info.not_before,
        &time::format_description::well_known::Rfc3339,
    )
    .map(|t| t.unix_timestamp())
    .unwrap_or(0);
    let mut key = view(
        dfsp_id,
        KeyRow {
            public_key,
            created_at,
        },
        source,
    );
    // The certificate's own checks decide, as they do where it is shown as a certificate.
    key.validations
        .extend(certificate.validations.iter().cloned());
    key.validation_state = validations::state(&key.validations);
    Some(key)
}
