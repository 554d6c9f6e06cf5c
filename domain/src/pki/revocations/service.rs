use time::{Duration, OffsetDateTime};

use super::repository::{self, NewRevocation, StoredCrl};
use super::{Revocation, RevocationReason, RevokeRequest};
use crate::access::{EnvScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::{from_db, to_db};
use crate::db::{db_read, db_write};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::inventory::CertificateKind;
use crate::pki::ca::CaError;
use crate::pki::crl::{self, CrlParameters, RevokedEntry};
use crate::pki::parse;
use crate::{DomainError, DomainResult, Principal, Services};

/// A CA's certificate revocation list, as served.
#[derive(Debug, Clone)]
pub struct CrlDocument {
    /// The CA that signed it.
    pub ca_id: i64,
    pub number: i64,
    pub this_update: OffsetDateTime,
    pub next_update: OffsetDateTime,
    /// DER.
    pub der: Vec<u8>,
}

/// Revocations and CRLs. Obtained from [`Services::revocations`].
pub struct RevocationService<'a> {
    pub(crate) services: &'a Services,
}

/// How often a CRL is made again when another replica keeps making one at the same time.
const CRL_ATTEMPTS: usize = 5;

impl RevocationService<'_> {
    /// Revokes the certificate `certificate_id` (an inventory id) names, which the
    /// environment's CA must have issued: a DFSP's client certificate (`inboundEnrollment.N`).
    /// Hub operators only. The CA's CRL is made again at once.
    pub async fn revoke(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        certificate_id: &str,
        request: &RevokeRequest,
    ) -> DomainResult<Revocation> {
        let action = "revoke certificates";
        who.ensure_hub_operator(action)?;
        let enrollment_id = revocable_id(env_id, certificate_id)?;
        let reason = match request.reason.as_deref().map(str::trim) {
            None | Some("") => RevocationReason::Unspecified,
            Some(text) => RevocationReason::parse(text).ok_or_else(|| {
                let known: Vec<_> = RevocationReason::ALL.iter().map(|r| r.as_str()).collect();
                DomainError::invalid_field(
                    "revocation",
                    "reason",
                    format!(
                        "'{text}' is not a reason; the reasons are {}",
                        known.join(", ")
                    ),
                )
            })?,
        };
        if self.services.passphrase.is_none() {
            // Without the CA's key no CRL can say so: refuse rather than revoke in name only.
            return Err(DomainError::Unavailable(
                "This server cannot sign the CRL that revokes the certificate: set \
                 P12_PASS_PHRASE (the pass phrase the CA's key was sealed with) and restart it"
                    .into(),
            ));
        }
        let now = self.services.clock.now();
        let at = to_db(now);
        let (ca_id, dfsp_id, serial) = db_write!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, action).await?;
                let row = repository::find_inbound(conn, &scope, enrollment_id)
                    .await?
                    .ok_or_else(|| no_certificate(env_id, certificate_id))?;
                let certificate = row.certificate.ok_or_else(|| {
                    DomainError::Conflict(format!(
                        "Enrollment {enrollment_id} of DFSP '{}' has no certificate yet: there is \
                         nothing to revoke",
                        row.dfsp_id
                    ))
                })?;
                let ca_id = row.ca_id.ok_or_else(|| {
                    DomainError::Conflict(format!(
                        "The certificate of enrollment {enrollment_id} was issued by one of the \
                         Hub's external CAs, not by the environment's CA: revoke it with that CA"
                    ))
                })?;
                if let Some(revoked_at) = row.revoked_at {
                    return Err(already_revoked(enrollment_id, &revoked_at).into());
                }
                let serial = parse::certificate(certificate.as_bytes())
                    .map_err(|error| {
                        tracing::error!(enrollment = enrollment_id, %error, "a stored certificate cannot be read");
                        DomainError::Internal("The certificate cannot be read".into())
                    })?
                    .info
                    .serial_hex;
                let new = NewRevocation {
                    ca_id,
                    serial: &serial,
                    enrollment_id,
                    reason,
                    at: &at,
                    by: &who.subject,
                };
                if repository::insert(conn, &scope, &new).await?.is_none() {
                    return Err(already_revoked(enrollment_id, &at).into());
                }
                let dfsp_id = DfspId(row.dfsp_id);
                Audit::new(
                    AuditAction::CertificateRevoke,
                    format!(
                        "Certificate {serial} of DFSP '{dfsp_id}' (enrollment {enrollment_id}) \
                         revoked: {}",
                        reason.as_str()
                    ),
                )
                .env(env_id)
                .dfsp(&dfsp_id)
                .target(certificate_id)
                .record(conn, &who.subject, &at)
                .await?;
                Ok((ca_id, dfsp_id, serial))
            }
            .await
        })?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, enrollment = enrollment_id, ca = ca_id, serial = %serial, reason = reason.as_str(), by = %who.subject, "certificate revoked");
        // The revocation stands even if this fails: the CRL is made again when it is next
        // asked for, since it then lists fewer revocations than there are.
        if let Err(error) = self.crl(env_id, Some(ca_id)).await {
            tracing::error!(environment = %env_id, ca = ca_id, %error, "the CRL could not be made after a revocation");
        }
        Ok(Revocation {
            reason,
            revoked_at: now
                .replace_nanosecond(0)
                .unwrap_or(now)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or(at),
            revoked_by: Some(who.subject.clone()),
        })
    }

    /// The CRL of the environment's CA `ca_id` (its current CA without one), made again first
    /// when it is missing, lists fewer revocations than there are, or has run half of its
    /// validity. Public: relying parties fetch it without signing in.
    pub async fn crl(
        &self,
        env_id: EnvironmentId,
        ca_id: Option<i64>,
    ) -> DomainResult<CrlDocument> {
        let validity = self.services.crl_validity;
        for _ in 0..CRL_ATTEMPTS {
            // The stored CRL is read before the revocations: a CRL written after this read
            // makes the save below fail, and a revocation committed after it is followed by
            // its own save, so the newest CRL always lists every revocation.
            let (signer, stored, revoked, newest) = db_read!(self.services.db, |conn| {
                async {
                    let scope = EnvScope::public(conn, env_id).await?;
                    let signer = repository::ca_signer(conn, &scope, ca_id)
                        .await?
                        .ok_or_else(|| no_ca(env_id, ca_id))?;
                    let stored = repository::stored_crl(conn, signer.id).await?;
                    let newest = repository::newest_revocation(conn, signer.id).await?;
                    let up_to_date = stored
                        .as_ref()
                        .is_some_and(|crl| crl.last_revocation >= newest);
                    let revoked = if up_to_date {
                        Vec::new()
                    } else {
                        repository::revoked_by_ca(conn, signer.id).await?.0
                    };
                    Ok((signer, stored, revoked, newest))
                }
                .await
            })?;
            let now = self.services.clock.now();
            if let Some(crl) = &stored {
                if crl.last_revocation >= newest && is_fresh(crl, now, validity) {
                    return document(signer.id, crl);
                }
            }
            let Some(passphrase) = self.services.passphrase.clone() else {
                // Without the key the stored CRL is served while it is valid.
                return match &stored {
                    Some(crl) if crl.last_revocation >= newest && before_next_update(crl, now) => {
                        document(signer.id, crl)
                    }
                    _ => Err(DomainError::Unavailable(
                        "This server cannot sign the CA's CRL: set P12_PASS_PHRASE (the pass \
                         phrase the CA's key was sealed with) and restart it"
                            .into(),
                    )),
                };
            };
            let (revoked, newest) = if stored
                .as_ref()
                .is_some_and(|crl| crl.last_revocation >= newest)
            {
                // Only stale by age: the same entries again.
                db_read!(self.services.db, |conn| repository::revoked_by_ca(
                    conn, signer.id
                )
                .await)?
            } else {
                (revoked, newest)
            };
            let entries = revoked
                .iter()
                .map(|row| {
                    Ok(RevokedEntry {
                        serial: serial_bytes(&row.serial)?,
                        revoked_at: from_db(&row.revoked_at).map_err(|_| {
                            DomainError::Internal(format!(
                                "The revocation time '{}' cannot be read",
                                row.revoked_at
                            ))
                        })?,
                        reason: RevocationReason::parse(&row.reason)
                            .unwrap_or(RevocationReason::Unspecified),
                    })
                })
                .collect::<DomainResult<Vec<_>>>()?;
            let this_update = now.replace_nanosecond(0).unwrap_or(now);
            let next_update = this_update + validity;
            let number = stored.as_ref().map_or(1, |crl| crl.number + 1);
            let parameters = CrlParameters {
                number: u64::try_from(number).unwrap_or(1),
                this_update,
                next_update,
            };
            let opened_keys = self.services.opened_keys.clone();
            let sealed_key = signer.sealed_key.clone();
            let issuer = parse::certificate(signer.certificate.as_bytes()).map_err(|error| {
                tracing::error!(ca = signer.id, %error, "the stored CA cannot be read");
                DomainError::Internal("The environment's CA cannot be read".into())
            })?;
            let der = tokio::task::spawn_blocking(move || {
                let key = opened_keys
                    .open(&sealed_key, &passphrase)
                    .map_err(|e| CaError::Engine(e.to_string()))?;
                crl::make_crl(&issuer.der, &key, &parameters, &entries)
            })
            .await
            .map_err(|_| DomainError::Internal("The CRL could not be made; try again".into()))?
            .map_err(|error| {
                tracing::error!(environment = %env_id, ca = signer.id, %error, "the CRL could not be signed");
                DomainError::Internal(format!("The CRL could not be signed: {error}"))
            })?;
            let made = StoredCrl {
                number,
                this_update: to_db(this_update),
                next_update: to_db(next_update),
                last_revocation: newest,
                der,
            };
            let replaces = stored.as_ref().map(|crl| crl.number);
            let saved = db_write!(self.services.db, |conn| repository::save_crl(
                conn, signer.id, replaces, &made
            )
            .await)?;
            if saved {
                tracing::info!(environment = %env_id, ca = signer.id, number, entries = revoked.len(), "CRL signed");
                return document(signer.id, &made);
            }
            // Another replica stored a CRL meanwhile: look again.
        }
        Err(DomainError::Unavailable(
            "The CRL is being made by another server right now; try again in a moment".into(),
        ))
    }
}

/// A CRL is made again once half of its validity has passed, so that a relying party that
/// fetches it on schedule always holds a valid one.
fn is_fresh(crl: &StoredCrl, now: OffsetDateTime, validity: Duration) -> bool {
    match from_db(&crl.this_update) {
        Ok(this_update) => now < this_update + validity / 2 && before_next_update(crl, now),
        Err(_) => false,
    }
}

fn before_next_update(crl: &StoredCrl, now: OffsetDateTime) -> bool {
    from_db(&crl.next_update).is_ok_and(|next| now < next)
}

fn document(ca_id: i64, crl: &StoredCrl) -> DomainResult<CrlDocument> {
    let instant = |text: &str| {
        from_db(text)
            .map_err(|_| DomainError::Internal(format!("The CRL's time '{text}' cannot be read")))
    };
    Ok(CrlDocument {
        ca_id,
        number: crl.number,
        this_update: instant(&crl.this_update)?,
        next_update: instant(&crl.next_update)?,
        der: crl.der.clone(),
    })
}

/// `01:A2:FF` as bytes.
fn serial_bytes(hex: &str) -> DomainResult<Vec<u8>> {
    hex.split(':')
        .map(|byte| u8::from_str_radix(byte, 16))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            DomainError::Internal(format!("The stored serial number '{hex}' cannot be read"))
        })
}

/// The enrollment an inventory id names, if it is a certificate this service can revoke.
fn revocable_id(env_id: EnvironmentId, certificate_id: &str) -> DomainResult<i64> {
    let mut parts = certificate_id.split('.');
    let kind = parts.next().and_then(CertificateKind::parse);
    let row: Option<i64> = parts.next().and_then(|n| n.parse().ok());
    let rest = parts.next();
    match (kind, row, rest) {
        (Some(CertificateKind::InboundEnrollment), Some(row), None) => Ok(row),
        // An enrollment's certificate has no chain stored with it to number.
        (Some(CertificateKind::InboundEnrollment), _, _) => {
            Err(no_certificate(env_id, certificate_id))
        }
        (Some(kind), Some(_), _) => Err(DomainError::invalid_field(
            "revocation",
            "certificateId",
            format!(
                "'{certificate_id}' is a {} ({}), which the environment's CA did not issue: only \
                 DFSP client certificates (inboundEnrollment.N) are revoked here; the others \
                 are revoked by whoever issued them",
                kind.label().to_lowercase(),
                kind.as_str()
            ),
        )),
        _ => Err(no_certificate(env_id, certificate_id)),
    }
}

fn no_certificate(env_id: EnvironmentId, certificate_id: &str) -> DomainError {
    DomainError::NotFound(format!(
        "Environment {env_id} has no certificate '{certificate_id}' (see GET \
         /api/environments/{env_id}/certificates for the ids)"
    ))
}

fn no_ca(env_id: EnvironmentId, ca_id: Option<i64>) -> DomainError {
    match ca_id {
        Some(id) => DomainError::NotFound(format!("Environment {env_id} has no CA {id}")),
        None => DomainError::NotFound(format!(
            "Environment {env_id} has no CA yet, so no CRL: a hub operator creates the CA first"
        )),
    }
}

fn already_revoked(enrollment_id: i64, at: &str) -> DomainError {
    let when = from_db(at)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.to_owned());
    DomainError::Conflict(format!(
        "The certificate of enrollment {enrollment_id} is already revoked (since {when})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inbound_enrollment_certificates_are_revocable() {
        let env = EnvironmentId::parse("3").unwrap();
        assert_eq!(revocable_id(env, "inboundEnrollment.12").unwrap(), 12);
        let error = revocable_id(env, "dfspCa.4").unwrap_err();
        assert_eq!(error.status_code(), 400);
        assert!(error.field_errors()[0]
            .message
            .contains("whoever issued them"));
        assert_eq!(
            revocable_id(env, "inboundEnrollment.12.1")
                .unwrap_err()
                .status_code(),
            404
        );
        assert_eq!(revocable_id(env, "nothing").unwrap_err().status_code(), 404);
        assert_eq!(
            revocable_id(env, "inboundEnrollment.x")
                .unwrap_err()
                .status_code(),
            404
        );
    }

    #[test]
    fn serials_read_from_their_hex_form() {
        assert_eq!(serial_bytes("01:A2:FF").unwrap(), [0x01, 0xa2, 0xff]);
        assert!(serial_bytes("01:ZZ").is_err());
    }

    #[test]
    fn a_crl_is_made_again_halfway_through_its_validity() {
        let this_update = time::macros::datetime!(2026-11-28 00:00:00 UTC);
        let crl = StoredCrl {
            number: 1,
            this_update: to_db(this_update),
            next_update: to_db(this_update + Duration::days(7)),
            last_revocation: 0,
            der: Vec::new(),
        };
        let week = Duration::days(7);
        assert!(is_fresh(&crl, this_update + Duration::days(3), week));
        assert!(!is_fresh(&crl, this_update + Duration::hours(84), week));
        assert!(before_next_update(&crl, this_update + Duration::days(6)));
        assert!(!before_next_update(&crl, this_update + week));
    }
}
