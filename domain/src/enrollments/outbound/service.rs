use super::repository::{self, NewOutbound, OutboundRow};
use super::{
    CsrParameters, OutboundCertificate, OutboundCreate, OutboundEnrollment, OutboundState,
};
use crate::access::{DfspScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::error::FieldErrors;
use crate::pki::ca::CaError;
use crate::pki::ca_chain::CaChain;
use crate::pki::keys::KeySpec;
use crate::pki::parse;
use crate::pki::request::CsrSubject;
use crate::pki::validations;
use crate::text::TextRule;
use crate::{DomainError, DomainResult, Principal, Services};

const WHAT: &str = "outbound enrollment";
const EMAIL: TextRule = TextRule::new(128);
const HOST: TextRule = TextRule::new(253);

/// The Hub's CSRs for the DFSPs and the certificates their CAs return. Obtained from
/// [`Services::outbound_enrollments`].
pub struct OutboundService<'a> {
    pub(crate) services: &'a Services,
}

impl OutboundService<'_> {
    /// Stores a CSR the Hub made elsewhere (its key stays there).
    pub async fn create(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &OutboundCreate,
    ) -> DomainResult<OutboundEnrollment> {
        let action = "send the Hub's CSRs to DFSPs";
        who.ensure_hub_operator(action)?;
        let csr = match input.hub_csr.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => parse::csr(text.as_bytes()).map_err(|e| e.invalid(WHAT, "hubCSR"))?,
            None => {
                return Err(DomainError::invalid_field(
                    WHAT,
                    "hubCSR",
                    "is required: paste the Hub's certificate signing request (PEM)",
                ))
            }
        };
        let row = NewOutbound {
            csr: &csr.pem,
            sealed_key: None,
            key_public: None,
            at: &to_db(self.services.clock.now()),
            by: &who.subject,
        };
        self.insert(who, env_id, dfsp_id, action, &row).await
    }

    /// Makes an RSA-4096 key and a CSR for it; the key is sealed under `P12_PASS_PHRASE` and
    /// never leaves the server.
    pub async fn create_csr(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &CsrParameters,
    ) -> DomainResult<OutboundEnrollment> {
        let action = "make the Hub's CSRs for DFSPs";
        who.ensure_hub_operator(action)?;
        let (subject, dns, ips) = validate(input)?;
        let passphrase = self.services.passphrase.clone().ok_or_else(|| {
            DomainError::Unavailable(
                "This server cannot make keys: set P12_PASS_PHRASE (a long random secret that \
                 seals the private keys it makes) in its environment and restart it"
                    .into(),
            )
        })?;
        // The DFSP must exist before a key is made for it.
        db_read!(self.services.db, |conn| {
            async {
                let hub = HubScope::check(conn, who, env_id, action).await?;
                hub.dfsp(conn, dfsp_id).await
            }
            .await
        })?;
        let (csr, sealed, public) = tokio::task::spawn_blocking(move || {
            let key = KeySpec::Rsa(4096)
                .generate()
                .map_err(|e| CaError::Engine(e.to_string()))?;
            let csr = crate::pki::request::make_csr(&subject, &dns, &ips, &key)?;
            let sealed = crate::pki::keys::seal(&key, &passphrase)
                .map_err(|e| CaError::Engine(e.to_string()))?;
            let public = key
                .public_key_to_der()
                .map_err(|_| CaError::Engine("the public key cannot be written".into()))?;
            Ok::<_, CaError>((csr, sealed, public))
        })
        .await
        .map_err(|_| DomainError::Internal("The key could not be made; try again".into()))?
        .map_err(|error| match error {
            CaError::Invalid(message) => DomainError::invalid_field(WHAT, "subject", message),
            other => {
                tracing::error!(environment = %env_id, dfsp = %dfsp_id, error = %other, "CSR making failed");
                DomainError::Internal(format!("The CSR could not be made: {other}"))
            }
        })?;
        let row = NewOutbound {
            csr: &csr.pem,
            sealed_key: Some(&sealed),
            key_public: Some(&public),
            at: &to_db(self.services.clock.now()),
            by: &who.subject,
        };
        self.insert(who, env_id, dfsp_id, action, &row).await
    }

    async fn insert(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        action: &str,
        row: &NewOutbound<'_>,
    ) -> DomainResult<OutboundEnrollment> {
        let id = db_write!(self.services.db, |conn| {
            async {
                let hub = HubScope::check(conn, who, env_id, action).await?;
                let scope = hub.dfsp(conn, dfsp_id).await?;
                let id = repository::insert(conn, &scope, row).await?;
                Audit::new(
                    AuditAction::OutboundCreate,
                    format!(
                        "Hub CSR {id} for DFSP '{dfsp_id}' created ({})",
                        if row.sealed_key.is_some() {
                            "key made here"
                        } else {
                            "uploaded"
                        }
                    ),
                )
                .env(env_id)
                .dfsp(dfsp_id)
                .target(id)
                .record(conn, &who.subject, row.at)
                .await?;
                Ok(id)
            }
            .await
        })?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, enrollment = id, key_made = row.sealed_key.is_some(), by = %who.subject, "outbound CSR created");
        self.get(who, env_id, dfsp_id, id).await
    }

    /// The DFSP's enrollments, oldest first; with `state`, those in it only.
    pub async fn list(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        state: Option<&str>,
    ) -> DomainResult<Vec<OutboundEnrollment>> {
        let state = match state {
            Some(text) => Some(OutboundState::parse(text).ok_or_else(|| {
                DomainError::invalid_field(
                    "filter",
                    "state",
                    format!("'{text}' is not one of CSR_LOADED, CERT_SIGNED, VALIDATED"),
                )
            })?),
            None => None,
        };
        let (rows, chain) = db_read!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                let rows = repository::list(conn, &scope, state.map(OutboundState::as_str)).await?;
                let chain = crate::pki::dfsp_cas::chain_of(conn, &scope).await?;
                Ok((rows, chain))
            }
            .await
        })?;
        rows.into_iter()
            .map(|row| self.view(env_id, dfsp_id, row, chain.as_ref()))
            .collect()
    }

    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
    ) -> DomainResult<OutboundEnrollment> {
        let (row, chain) = db_read!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                let row = repository::find(conn, &scope, id).await?;
                let chain = crate::pki::dfsp_cas::chain_of(conn, &scope).await?;
                Ok((row, chain))
            }
            .await
        })?;
        let row = row.ok_or_else(|| not_found(dfsp_id, id))?;
        self.view(env_id, dfsp_id, row, chain.as_ref())
    }

    /// Stores the certificate the DFSP's CA signed for the Hub's CSR. It must certify the CSR's
    /// key. It replaces an earlier one until the Hub validated it, and a validated one that no
    /// longer passes its checks; while the stored one passes them, another for the same CSR
    /// (or the same again) succeeds and changes nothing.
    pub async fn upload_certificate(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
        input: &OutboundCertificate,
    ) -> DomainResult<OutboundEnrollment> {
        DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
        let certificate = match input
            .certificate
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        {
            Some(text) => {
                parse::certificate(text.as_bytes()).map_err(|e| e.invalid(WHAT, "certificate"))?
            }
            None => {
                return Err(DomainError::invalid_field(
                    WHAT,
                    "certificate",
                    "is required: paste the certificate (PEM) the DFSP's CA signed",
                ))
            }
        };
        // MCM v3's DFSP-side client signs the Hub's CSR again and returns the new certificate
        // on every cycle. While the one stored passes every check against the DFSP's current
        // CA, another for the same CSR is acknowledged and changes nothing; once it no longer
        // does (the DFSP changed its CA, or it expired), the new one replaces it, and a
        // validated enrollment awaits the Hub's validation again.
        let stored = self.get(who, env_id, dfsp_id, id).await?;
        let stored_holds = stored.certificate.is_some()
            && stored.validation_state == validations::ValidationState::Valid
            && matches!(
                stored.state,
                OutboundState::CertSigned | OutboundState::Validated
            );
        if stored_holds {
            let csr = crate::enrollments::stored::csr(id, &stored.csr)?;
            let same = validations::csr_cert_same_public_key(Some(&csr), Some(&certificate));
            if same.result == validations::ValidationResult::Valid {
                return Ok(stored);
            }
        }
        let replace_validated = stored.state == OutboundState::Validated && !stored_holds;
        let at = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                let row = repository::find(conn, &scope, id)
                    .await?
                    .ok_or_else(|| not_found(dfsp_id, id))?;
                // The same certificate again is no change, whatever the state.
                if row.certificate.as_deref() == Some(certificate.pem.as_str()) {
                    return Ok(());
                }
                let csr = crate::enrollments::stored::csr(row.id, &row.csr)?;
                let same = validations::csr_cert_same_public_key(Some(&csr), Some(&certificate));
                if same.result != validations::ValidationResult::Valid {
                    return Err(DomainError::invalid_field(
                        WHAT,
                        "certificate",
                        "was not issued for this CSR: its public key is not the CSR's",
                    )
                    .into());
                }
                if !repository::set_certificate(conn, &scope, id, &certificate.pem, &at, &who.subject, replace_validated).await? {
                    return Err(DomainError::Conflict(format!(
                        "Enrollment {id} of DFSP '{dfsp_id}' is validated already; its certificate is not replaced"
                    ))
                    .into());
                }
                Audit::new(
                    AuditAction::OutboundCertificateUpload,
                    format!("Certificate for the Hub's CSR {id} returned by DFSP '{dfsp_id}'"),
                )
                .env(env_id)
                .dfsp(dfsp_id)
                .target(id)
                .record(conn, &who.subject, &at)
                .await?;
                Ok(())
            }
            .await
        })?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, enrollment = id, by = %who.subject, "outbound certificate returned");
        self.get(who, env_id, dfsp_id, id).await
    }

    /// Runs the validations against the DFSP's current CA; when all pass the enrollment becomes
    /// `VALIDATED`. The answer has the validations either way.
    pub async fn validate(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        id: i64,
    ) -> DomainResult<OutboundEnrollment> {
        let action = "validate the certificates DFSPs return";
        who.ensure_hub_operator(action)?;
        let enrollment = self.get(who, env_id, dfsp_id, id).await?;
        let Some(certificate) = enrollment.certificate.clone() else {
            return Err(DomainError::Conflict(format!(
                "Enrollment {id} of DFSP '{dfsp_id}' has no certificate yet: the DFSP returns it first"
            )));
        };
        if enrollment.state != OutboundState::CertSigned
            || enrollment.validation_state != validations::ValidationState::Valid
        {
            return Ok(enrollment);
        }
        let at = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| {
            async {
                let hub = HubScope::check(conn, who, env_id, action).await?;
                let scope = hub.dfsp(conn, dfsp_id).await?;
                if repository::set_validated(conn, &scope, id, &certificate, &at, &who.subject)
                    .await?
                {
                    Audit::new(
                        AuditAction::OutboundValidate,
                        format!("Certificate of the Hub's CSR {id} for DFSP '{dfsp_id}' validated"),
                    )
                    .env(env_id)
                    .dfsp(dfsp_id)
                    .target(id)
                    .record(conn, &who.subject, &at)
                    .await?;
                }
                Ok(())
            }
            .await
        })?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, enrollment = id, by = %who.subject, "outbound certificate validated");
        self.get(who, env_id, dfsp_id, id).await
    }

    fn view(
        &self,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        row: OutboundRow,
        dfsp_ca: Option<&CaChain>,
    ) -> DomainResult<OutboundEnrollment> {
        let csr = crate::enrollments::stored::csr(row.id, &row.csr)?;
        let certificate =
            crate::enrollments::stored::certificate(row.id, row.certificate.as_deref())?;
        let validations = validations::outbound_validations(
            Some(&csr),
            certificate.as_ref(),
            row.key_public.as_deref(),
            dfsp_ca,
            self.services.clock.now(),
        );
        let state = OutboundState::parse(&row.state).ok_or_else(|| {
            DomainError::Internal(format!("Enrollment {} has an unknown state", row.id))
        })?;
        Ok(OutboundEnrollment {
            id: row.id,
            env_id,
            dfsp_id: dfsp_id.clone(),
            csr: csr.pem,
            csr_info: csr.info,
            certificate: certificate.as_ref().map(|c| c.pem.clone()),
            cert_info: certificate.map(|c| c.info),
            state,
            key_kept: row.key_public.is_some(),
            validation_state: validations::state(&validations),
            validations,
            created_date: row.created_at,
            created_by: row.created_by,
            certificate_date: row.certificate_at,
            certificate_by: row.certificate_by,
            validated_date: row.validated_at,
            validated_by: row.validated_by,
        })
    }
}

/// Checks `CSRParameters`: a subject with a CN, and at least one DNS name or IP address.
fn validate(input: &CsrParameters) -> DomainResult<(CsrSubject, Vec<String>, Vec<String>)> {
    let mut errors = FieldErrors::default();
    let subject = input.subject.clone().unwrap_or_default();
    if input.subject.is_none() {
        errors.push(
            "subject",
            "is required: the CSR needs at least a common name (CN)",
        );
    }
    let name = crate::environments::DistinguishedName {
        cn: subject.cn.clone(),
        o: subject.o.clone(),
        ou: subject.ou.clone(),
        c: subject.c.clone(),
        st: subject.st.clone(),
        l: subject.l.clone(),
    }
    .validate(&mut errors, "subject");
    if input.subject.is_some() && name.cn.is_none() {
        errors.push("subject.CN", "is required: the CSR's common name");
    }
    let email = errors
        .check(
            "subject.emailAddress",
            EMAIL.optional(subject.email_address.as_deref()),
        )
        .flatten();
    if let Some(email) = &email {
        if !email.contains('@') || !email.is_ascii() {
            errors.push(
                "subject.emailAddress",
                format!("'{email}' is not an email address"),
            );
        }
    }
    let names = input
        .extensions
        .clone()
        .and_then(|e| e.subject_alt_name)
        .unwrap_or_default();
    let mut dns = Vec::new();
    for (i, host) in names.dns.iter().flatten().enumerate() {
        let field = format!("extensions.subjectAltName.dns[{i}]");
        if let Some(host) = errors.check(&field, HOST.required(Some(host))) {
            if crate::network::values::is_dns_name(host.strip_prefix("*.").unwrap_or(&host)) {
                dns.push(host);
            } else {
                errors.push(&field, format!("'{host}' is not a DNS name"));
            }
        }
    }
    let mut ips = Vec::new();
    for (i, ip) in names.ips.iter().flatten().enumerate() {
        match ip.trim().parse::<std::net::IpAddr>() {
            Ok(address) => ips.push(address.to_string()),
            Err(_) => errors.push(
                &format!("extensions.subjectAltName.ips[{i}]"),
                format!("'{ip}' is not an IP address"),
            ),
        }
    }
    if dns.is_empty()
        && ips.is_empty()
        && names.dns.iter().flatten().count() + names.ips.iter().flatten().count() == 0
    {
        errors.push(
            "extensions.subjectAltName",
            "must have a DNS name (dns) or an IP address (ips): the DFSP's servers check it",
        );
    }
    errors.finish(WHAT)?;
    Ok((
        CsrSubject {
            common_name: name.cn.unwrap_or_default(),
            email_address: email,
            organization: name.o,
            organizational_unit: name.ou,
            country: name.c,
            state: name.st,
            locality: name.l,
        },
        dns,
        ips,
    ))
}

pub(crate) fn not_found(dfsp_id: &DfspId, id: i64) -> DomainError {
    DomainError::NotFound(format!(
        "DFSP '{dfsp_id}' has no outbound enrollment with id {id}"
    ))
}
