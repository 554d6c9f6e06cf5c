use time::Duration;

use super::{
    repository, CaInitialInfo, CertificateAuthority, RootCaCert, SigningProfile, PROFILE_USAGES,
    SIGNATURE_ALGORITHMS,
};
use crate::access::{EnvScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::environments::{DistinguishedName, EnvironmentId};
use crate::error::FieldErrors;
use crate::pki::ca::{self, CaError, CaParameters, CaSubject};
use crate::pki::keys::{self, KeySpec};
use crate::text::TextRule;
use crate::{DomainError, DomainResult, Principal, Services};

/// The CA's own validity, and the signing profile's, when the request names none: cfssl's.
const DEFAULT_EXPIRY: &str = "43800h";
const DEFAULT_USAGES: [&str; 3] = ["signing", "key encipherment", "client auth"];
const HOST: TextRule = TextRule::new(253);

/// An environment's internal CAs. Obtained from [`Services::certificate_authorities`].
pub struct CaService<'a> {
    pub(crate) services: &'a Services,
}

impl CaService<'_> {
    /// Makes a new CA for the environment, which becomes its current one. The key is made off
    /// the async executor and sealed under `P12_PASS_PHRASE` before it is stored.
    pub async fn create(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        input: &CaInitialInfo,
    ) -> DomainResult<RootCaCert> {
        let action = "create an environment's CA";
        let environment = db_read!(self.services.db, |conn| {
            async {
                HubScope::check(conn, who, env_id, action).await?;
                crate::environments::repository::find(conn, env_id).await
            }
            .await
        })?
        .ok_or_else(|| crate::environments::not_found(env_id))?;
        let (parameters, profile) = validate(input, &environment.default_dn)?;
        let passphrase = self.services.passphrase.clone().ok_or_else(|| {
            DomainError::Unavailable(
                "This server cannot make CAs: set P12_PASS_PHRASE (a long random secret that \
                 seals the CAs' private keys) in its environment and restart it"
                    .into(),
            )
        })?;
        let now = self.services.clock.now();
        let (issued, sealed) = tokio::task::spawn_blocking(move || {
            let issued = ca::create(&parameters, now)?;
            let sealed =
                keys::seal(&issued.key, &passphrase).map_err(|e| CaError::Engine(e.to_string()))?;
            Ok::<_, CaError>((issued, sealed))
        })
        .await
        .map_err(|_| DomainError::Internal("The CA could not be made; try again".into()))?
        .map_err(|error| match error {
            CaError::Invalid(message) => DomainError::invalid_field("CA", "csr", message),
            other => {
                tracing::error!(environment = %env_id, error = %other, "CA creation failed");
                DomainError::Internal(format!("{other}"))
            }
        })?;
        let at = to_db(now);
        let certificate = issued.certificate;
        let id = db_write!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, action).await?;
                let row = repository::NewCa {
                    certificate: &certificate.pem,
                    cert_info: &certificate.info,
                    sealed_key: &sealed,
                    signing_profile: &profile,
                    at: &at,
                    by: &who.subject,
                };
                let id = repository::insert(conn, &scope, row).await?;
                Audit::new(
                    AuditAction::CaCreate,
                    format!(
                        "The environment's CA {id} created (serial {})",
                        certificate.info.serial_hex
                    ),
                )
                .env(env_id)
                .target(id)
                .record(conn, &who.subject, &at)
                .await?;
                Ok(id)
            }
            .await
        })?;
        metrics::counter!(crate::statistics::CERTIFICATES_SIGNED, "kind" => "internal_ca")
            .increment(1);
        tracing::info!(environment = %env_id, ca = id, serial = %certificate.info.serial_hex, by = %who.subject, "CA created");
        Ok(RootCaCert {
            id,
            certificate: certificate.pem,
            cert_info: certificate.info,
        })
    }

    /// The environment's current CA.
    pub async fn current(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<RootCaCert> {
        let current = db_read!(self.services.db, |conn| {
            async {
                let scope = EnvScope::check(conn, who, env_id).await?;
                repository::current(conn, &scope).await
            }
            .await
        })?;
        current
            .map(|ca| RootCaCert {
                id: ca.id,
                certificate: ca.certificate,
                cert_info: ca.cert_info,
            })
            .ok_or_else(|| {
                DomainError::NotFound(format!(
                    "Environment {env_id} has no CA yet; a hub operator creates it with POST /api/environments/{env_id}/cas"
                ))
            })
    }

    /// The environment's CAs, the current one first.
    pub async fn list(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<CertificateAuthority>> {
        db_read!(self.services.db, |conn| EnvScope::read(
            conn,
            who,
            env_id,
            repository::list
        )
        .await)
    }
}

/// Checks the request, filling in MCM's defaults and the environment's default DN.
fn validate(
    input: &CaInitialInfo,
    default_dn: &DistinguishedName,
) -> DomainResult<(CaParameters, SigningProfile)> {
    let mut errors = FieldErrors::default();
    let csr = input.csr.clone().unwrap_or_default();
    let name = match csr.names.as_deref() {
        None | Some([]) => default_dn.clone(),
        Some([one]) => one.validate(&mut errors, "csr.names[0]"),
        Some(_) => {
            errors.push("csr.names", "must hold one name");
            DistinguishedName::default()
        }
    };
    let from = if csr.names.as_deref().is_some_and(|n| !n.is_empty()) {
        "in csr.names[0]"
    } else {
        "taken from the environment's defaultDN, as csr.names is empty"
    };
    if name.cn.is_none() {
        errors.push(
            "csr.names[0].CN",
            format!("is required: the CA needs a common name ({from})"),
        );
    }
    if name.o.is_none() {
        errors.push(
            "csr.names[0].O",
            format!("is required: the CA needs an organization ({from})"),
        );
    }
    let mut hosts = Vec::new();
    for (i, host) in csr.hosts.iter().flatten().enumerate() {
        let field = format!("csr.hosts[{i}]");
        if let Some(host) = errors.check(&field, HOST.required(Some(host))) {
            if host.parse::<std::net::IpAddr>().is_err() && !is_dns_name(&host) {
                errors.push(
                    &field,
                    format!("'{host}' is neither a DNS name nor an IP address"),
                );
            } else {
                hosts.push(host);
            }
        }
    }
    let key = csr.key.clone().unwrap_or_default();
    let key = errors.check(
        "csr.key",
        KeySpec::from_request(
            key.algo.as_deref().unwrap_or("rsa"),
            key.size.unwrap_or(4096),
        ),
    );
    let ca_expiry = csr.expiry.clone().unwrap_or_else(|| DEFAULT_EXPIRY.into());
    let validity = errors.check("csr.expiry", ca::parse_duration(&ca_expiry));
    let profile = input.default.clone().unwrap_or_default();
    let expiry = profile.expiry.unwrap_or_else(|| DEFAULT_EXPIRY.into());
    errors.check("default.expiry", ca::parse_duration(&expiry));
    let usages = profile
        .usages
        .unwrap_or_else(|| DEFAULT_USAGES.map(String::from).to_vec());
    for (i, usage) in usages.iter().enumerate() {
        if !PROFILE_USAGES.contains(&usage.as_str()) {
            errors.push(
                &format!("default.usages[{i}]"),
                format!("'{usage}' is not one of {}", PROFILE_USAGES.join(", ")),
            );
        }
    }
    // Case-insensitive, as MCM's own scripts write `SHA256withRSA`; stored in the canonical
    // spelling.
    let asked = profile
        .signature_algorithm
        .unwrap_or_else(|| SIGNATURE_ALGORITHMS[0].into());
    let signature_algorithm = match SIGNATURE_ALGORITHMS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(asked.trim()))
    {
        Some(known) => (*known).to_owned(),
        None => {
            errors.push(
                "default.signature_algorithm",
                format!(
                    "'{asked}' is not one of {}",
                    SIGNATURE_ALGORITHMS.join(", ")
                ),
            );
            asked
        }
    };
    if validity.is_some_and(|v: Duration| v > Duration::days(365 * 30)) {
        errors.push("csr.expiry", "must be at most 30 years (262800h)");
    }
    errors.finish("CA")?;
    let parameters = CaParameters {
        subject: CaSubject {
            common_name: name.cn.unwrap_or_default(),
            organization: name.o.unwrap_or_default(),
            organizational_unit: name.ou,
            country: name.c,
            state: name.st,
            locality: name.l,
        },
        hosts,
        key: key.ok_or_else(|| DomainError::Internal("a checked key went missing".into()))?,
        validity: validity
            .ok_or_else(|| DomainError::Internal("a checked expiry went missing".into()))?,
    };
    Ok((
        parameters,
        SigningProfile {
            expiry,
            usages,
            signature_algorithm,
        },
    ))
}

/// A host of a CA: a DNS name, or a wildcard over one (`*.example.com`).
fn is_dns_name(host: &str) -> bool {
    let name = host.strip_prefix("*.").unwrap_or(host);
    crate::network::values::is_dns_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document's pattern for a host name accepts what the check accepts.
    #[test]
    fn the_host_pattern_agrees_with_the_check() {
        let pattern = regex::Regex::new(super::super::schema::DNS_NAME_PATTERN).unwrap();
        let long_label = "a".repeat(64);
        for sample in [
            "hub.example.com",
            "*.example.com",
            "a",
            "a-b.c",
            "-a.b",
            "a-.b",
            "a..b",
            "a.*.b",
            "*",
            "*.*.com",
            "under_score.com",
            "hub.example.com.",
            long_label.as_str(),
            "é.com",
            "",
        ] {
            assert_eq!(pattern.is_match(sample), is_dns_name(sample), "{sample:?}");
        }
    }
}
