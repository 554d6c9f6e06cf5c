use super::repository::{self, InboundRow, Issued};
use super::{InboundCertificate, InboundCreate, InboundEnrollment, InboundState};
use crate::access::{DfspScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::error::FieldErrors;
use crate::pki::ca::CaError;
use crate::pki::parse::{self, ParsedCertificate, ParsedCsr};
use crate::pki::validations;
use crate::{DomainError, DomainResult, Principal, Services};

const WHAT: &str = "inbound enrollment";

/// The DFSPs' CSRs and the certificates the Hub issues for them. Obtained from
/// [`Services::inbound_enrollments`].
pub struct InboundService<'a> {
    pub(crate) services: &'a Services,
}

impl InboundService<'_> {
    /// Stores the DFSP's CSR, whatever its validations say (they are reported with it).
    pub async fn create(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &InboundCreate,
    ) -> DomainResult<InboundEnrollment> {
        DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
        let csr = read_csr(input.client_csr.as_deref())?;
        let at = to_db(self.services.clock.now());
        let id = db_write!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                let id = repository::insert(conn, &scope, &csr.pem, &at, &who.subject).await?;
                Audit::new(
                    AuditAction::InboundCreate,
                    format!("CSR of DFSP '{dfsp_id}' submitted for enrollment {id}"),
                )
                .env(env_id)
                .dfsp(dfsp_id)
                .target(id)
                .record(conn, &who.subject, &at)
                .await?;
                Ok(id)
            }
            .await
        })?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, enrollment = id, by = %who.subject, "inbound CSR submitted");
        self.get(who, env_id, dfsp_id, id).await
    }

    /// The DFSP's enrollments, oldest first.
    pub async fn list(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<Vec<InboundEnrollment>> {
        let rows = db_read!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                repository::list(conn, &scope).await
            }
            .await
        })?;
        rows.into_iter()
            .map(|row| self.view(env_id, dfsp_id, row))
            .collect()
    }

    /// The state of each of the DFSP's enrollments, oldest first, and whether its certificate
    /// was revoked: what [`list`](Self::list) tells of them without parsing their CSRs and
    /// certificates or running their checks, which is most of its cost (the onboarding board
    /// needs no more).
    pub async fn statuses(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<Vec<InboundStatus>> {
        let rows = db_read!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                repository::list(conn, &scope).await
            }
            .await
        })?;
        rows.into_iter()
            .map(|row| {
                Ok(InboundStatus {
                    state: state_of(&row)?,
                    revoked: row.revocation.is_some(),
                })
            })
            .collect()
    }

    /// Every DFSP's CSRs that await a certificate, oldest first: the Hub's queue.
    pub async fn awaiting(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<InboundEnrollment>> {
        let action = "see the CSRs that await signing";
        who.ensure_hub_operator(action)?;
        let rows = db_read!(self.services.db, |conn| {
            async {
                let hub = HubScope::check(conn, who, env_id, action).await?;
                repository::awaiting(conn, &hub).await
            }
            .await
        })?;
        rows.into_iter()
            .map(|(dfsp_id, row)| self.view(env_id, &dfsp_id, row))
            .collect()
    }

    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
    ) -> DomainResult<InboundEnrollment> {
        let row = db_read!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                repository::find(conn, &scope, id).await
            }
            .await
        })?
        .ok_or_else(|| not_found(dfsp_id, id))?;
        self.view(env_id, dfsp_id, row)
    }

    /// Signs the CSR with the environment's current CA, under the CA's signing profile. Once:
    /// a signed enrollment is not signed again.
    pub async fn sign(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
    ) -> DomainResult<InboundEnrollment> {
        let action = "sign DFSPs' CSRs";
        who.ensure_hub_operator(action)?;
        let (row, signer) = db_read!(self.services.db, |conn| {
            async {
                let hub = HubScope::check(conn, who, env_id, action).await?;
                let scope = hub.dfsp(conn, dfsp_id).await?;
                let row = repository::find(conn, &scope, id).await?;
                let signer =
                    crate::pki::authorities::repository::current_signer(conn, &hub).await?;
                Ok((row, signer))
            }
            .await
        })?;
        let row = row.ok_or_else(|| not_found(dfsp_id, id))?;
        ensure_awaiting(&row, dfsp_id)?;
        let (ca, sealed_key) = signer.ok_or_else(|| {
            DomainError::Conflict(format!(
                "Environment {env_id} has no CA to sign with: a hub operator creates one first \
                 (POST /api/environments/{env_id}/cas, or the portal's Certificate authorities page)"
            ))
        })?;
        let passphrase = self.services.passphrase.clone().ok_or_else(|| {
            DomainError::Unavailable(
                "This server cannot sign: set P12_PASS_PHRASE (the pass phrase the CA's key was \
                 sealed with) in its environment and restart it"
                    .into(),
            )
        })?;
        let csr = crate::enrollments::stored::csr(row.id, &row.csr)?;
        let issuer = parse::certificate(ca.certificate.as_bytes()).map_err(|error| {
            tracing::error!(ca = ca.id, %error, "the stored CA cannot be read");
            DomainError::Internal("The environment's CA cannot be read".into())
        })?;
        let now = self.services.clock.now();
        let profile = ca.signing_profile.clone();
        let opened_keys = self.services.opened_keys.clone();
        // Where the certificate says the CA's CRL is, when this server knows its address.
        let crl_url = self
            .services
            .public_url
            .as_ref()
            .map(|base| format!("{base}/api/environments/{env_id}/cas/{}/crl", ca.id));
        let signed = tokio::task::spawn_blocking(move || {
            let key = opened_keys
                .open(&sealed_key, &passphrase)
                .map_err(|e| CaError::Engine(e.to_string()))?;
            crate::pki::sign::sign_csr(&csr, &issuer, &key, &profile, now, crl_url.as_deref())
        })
        .await
        .map_err(|_| DomainError::Internal("The certificate could not be made; try again".into()))?
        .map_err(|error| match error {
            CaError::Invalid(message) => DomainError::Conflict(format!("The CSR cannot be signed: {message}")),
            other => {
                tracing::error!(environment = %env_id, dfsp = %dfsp_id, enrollment = id, error = %other, "signing failed");
                DomainError::Internal(format!("The CSR could not be signed: {other}"))
            }
        })?;
        let at = to_db(now);
        let issued = Issued {
            certificate: &signed.pem,
            ca_id: Some(ca.id),
            hub_ca_id: None,
            at: &at,
            by: &who.subject,
        };
        self.issue(who, env_id, dfsp_id, id, &issued).await?;
        metrics::counter!(crate::statistics::CERTIFICATES_SIGNED, "kind" => "inbound_enrollment")
            .increment(1);
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, enrollment = id, ca = ca.id, serial = %signed.info.serial_hex, by = %who.subject, "inbound CSR signed");
        self.get(who, env_id, dfsp_id, id).await
    }

    /// Issues a certificate one of the Hub's external CAs signed for the CSR. It must certify
    /// the CSR's key and chain to that CA.
    pub async fn upload_certificate(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
        input: &InboundCertificate,
    ) -> DomainResult<InboundEnrollment> {
        let action = "add certificates to DFSPs' CSRs";
        who.ensure_hub_operator(action)?;
        let mut errors = FieldErrors::default();
        let certificate = match input
            .certificate
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        {
            Some(text) => errors.check(
                "certificate",
                parse::certificate(text.as_bytes()).map_err(|e| e.to_string()),
            ),
            None => {
                errors.push(
                    "certificate",
                    "is required: paste the certificate (PEM) the external CA signed",
                );
                None
            }
        };
        if input.hub_ca_id.is_none() {
            errors.push(
                "hubCAId",
                "is required: the id of the external Hub CA that signed the certificate",
            );
        }
        errors.finish(WHAT)?;
        let (Some(certificate), Some(hub_ca_id)) = (certificate, input.hub_ca_id) else {
            return Err(DomainError::Internal(
                "a checked certificate went missing".into(),
            ));
        };
        let row = db_read!(self.services.db, |conn| {
            async {
                let hub = HubScope::check(conn, who, env_id, action).await?;
                let scope = hub.dfsp(conn, dfsp_id).await?;
                repository::find(conn, &scope, id).await
            }
            .await
        })?
        .ok_or_else(|| not_found(dfsp_id, id))?;
        ensure_awaiting(&row, dfsp_id)?;
        let csr = crate::enrollments::stored::csr(row.id, &row.csr)?;
        let hub_ca = self
            .services
            .hub_cas()
            .get(who, env_id, hub_ca_id)
            .await
            .map_err(|error| match error {
                DomainError::NotFound(message) => {
                    DomainError::invalid_field(WHAT, "hubCAId", message)
                }
                other => other,
            })?;
        let now = self.services.clock.now();
        let same_key = validations::csr_cert_same_public_key(Some(&csr), Some(&certificate));
        if same_key.result != validations::ValidationResult::Valid {
            return Err(DomainError::invalid_field(
                WHAT,
                "certificate",
                "was not issued for this CSR: its public key is not the CSR's",
            ));
        }
        let chain = crate::pki::ca_chain::CaChain::read(
            "Hub CA",
            Some(&hub_ca.root_certificate),
            hub_ca.intermediate_chain.as_deref(),
            true,
        )?;
        let verdict = validations::certificate_chain(
            Some(&certificate),
            &chain.intermediates,
            chain.root.as_ref(),
            now,
        );
        if verdict.result != validations::ValidationResult::Valid {
            return Err(DomainError::invalid_field(
                WHAT,
                "certificate",
                format!(
                    "does not chain to the Hub CA '{}': {}",
                    hub_ca.name,
                    verdict
                        .details
                        .and_then(|d| d.as_str().map(str::to_owned))
                        .unwrap_or(verdict.message)
                ),
            ));
        }
        let at = to_db(now);
        let issued = Issued {
            certificate: &certificate.pem,
            ca_id: None,
            hub_ca_id: Some(hub_ca_id),
            at: &at,
            by: &who.subject,
        };
        self.issue(who, env_id, dfsp_id, id, &issued).await?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, enrollment = id, hub_ca = hub_ca_id, by = %who.subject, "inbound certificate uploaded");
        self.get(who, env_id, dfsp_id, id).await
    }

    /// Writes the certificate if the enrollment still awaits one.
    async fn issue(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
        issued: &Issued<'_>,
    ) -> DomainResult<()> {
        let action = "issue DFSPs' certificates";
        let written = db_write!(self.services.db, |conn| {
            async {
                let hub = HubScope::check(conn, who, env_id, action).await?;
                let scope = hub.dfsp(conn, dfsp_id).await?;
                let written = repository::issue(conn, &scope, id, issued).await?;
                if written {
                    let (action, summary) = match (issued.ca_id, issued.hub_ca_id) {
                        (Some(ca), _) => (
                            AuditAction::InboundSign,
                            format!("CSR of enrollment {id} of DFSP '{dfsp_id}' signed by the environment's CA {ca}"),
                        ),
                        (None, hub_ca) => (
                            AuditAction::InboundCertificateUpload,
                            format!(
                                "Certificate for enrollment {id} of DFSP '{dfsp_id}' added, signed by Hub CA {}",
                                hub_ca.map(|c| c.to_string()).unwrap_or_else(|| "?".into())
                            ),
                        ),
                    };
                    Audit::new(action, summary)
                        .env(env_id)
                        .dfsp(dfsp_id)
                        .target(id)
                        .record(conn, &who.subject, issued.at)
                        .await?;
                }
                Ok(written)
            }
            .await
        })?;
        if written {
            Ok(())
        } else {
            Err(DomainError::Conflict(format!(
                "Enrollment {id} of DFSP '{dfsp_id}' has its certificate already (issued meanwhile); it is not issued twice"
            )))
        }
    }

    fn view(
        &self,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        row: InboundRow,
    ) -> DomainResult<InboundEnrollment> {
        let csr = crate::enrollments::stored::csr(row.id, &row.csr)?;
        let certificate =
            crate::enrollments::stored::certificate(row.id, row.certificate.as_deref())?;
        let validations = validations::inbound_validations(
            Some(&csr),
            certificate.as_ref(),
            row.hub_ca_id.is_some(),
            self.services.clock.now(),
        );
        let state = state_of(&row)?;
        Ok(InboundEnrollment {
            id: row.id,
            env_id,
            dfsp_id: dfsp_id.clone(),
            csr: csr.pem,
            csr_info: csr.info,
            certificate: certificate
                .as_ref()
                .map(|c: &ParsedCertificate| c.pem.clone()),
            cert_info: certificate.map(|c| c.info),
            state,
            hub_ca_id: row.hub_ca_id,
            validation_state: validations::state(&validations),
            validations,
            created_date: row.created_at,
            created_by: row.created_by,
            signed_date: row.signed_at,
            signed_by: row.signed_by,
            revocation: row.revocation,
        })
    }
}

fn read_csr(text: Option<&str>) -> DomainResult<ParsedCsr> {
    match text.filter(|t| !t.trim().is_empty()) {
        Some(text) => parse::csr(text.as_bytes()).map_err(|e| e.invalid(WHAT, "clientCSR")),
        None => Err(DomainError::invalid_field(
            WHAT,
            "clientCSR",
            "is required: paste the DFSP's certificate signing request (PEM)",
        )),
    }
}

fn ensure_awaiting(row: &InboundRow, dfsp_id: &DfspId) -> DomainResult<()> {
    if row.state == "CSR_LOADED" {
        Ok(())
    } else {
        Err(DomainError::Conflict(format!(
            "Enrollment {} of DFSP '{dfsp_id}' has its certificate already; a certificate is \
             issued once: the DFSP submits a new CSR for a new one",
            row.id
        )))
    }
}

pub(crate) fn not_found(dfsp_id: &DfspId, id: i64) -> DomainError {
    DomainError::NotFound(format!(
        "DFSP '{dfsp_id}' has no inbound enrollment with id {id}"
    ))
}

/// One enrollment's state, and whether its certificate was revoked (see
/// [`InboundService::statuses`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboundStatus {
    pub state: InboundState,
    pub revoked: bool,
}

fn state_of(row: &InboundRow) -> DomainResult<InboundState> {
    InboundState::parse(&row.state)
        .ok_or_else(|| DomainError::Internal(format!("Enrollment {} has an unknown state", row.id)))
}
