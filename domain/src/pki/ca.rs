//! The environment's internal CA: a self-signed root made in-process, checked before release.

use std::net::IpAddr;

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Name, X509NameBuilder, X509};
use time::{Duration, OffsetDateTime};

use super::keys::KeySpec;
use super::parse::{self, ParsedCertificate};
use super::CertInfo;

/// How far back a new certificate's validity starts, for clocks a little behind ours.
pub(crate) const BACKDATE: Duration = Duration::minutes(5);

/// The subject of a CA: MCM's `CA_csr_dn`, already checked by the service (lengths, country).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaSubject {
    pub common_name: String,
    pub organization: String,
    pub organizational_unit: Option<String>,
    pub country: Option<String>,
    pub state: Option<String>,
    pub locality: Option<String>,
}

/// Everything the engine needs to make a CA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaParameters {
    pub subject: CaSubject,
    /// DNS names and IP addresses, as subject alternative names.
    pub hosts: Vec<String>,
    pub key: KeySpec,
    pub validity: Duration,
}

/// A new CA: its certificate (checked) and its private key, to be sealed before storage.
pub struct IssuedCa {
    pub certificate: ParsedCertificate,
    pub key: PKey<Private>,
}

impl std::fmt::Debug for IssuedCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCa")
            .field("certificate", &self.certificate.info.subject)
            .finish_non_exhaustive()
    }
}

/// Why a CA could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaError {
    #[error("{0}")]
    Invalid(String),
    #[error("the CA could not be made: {0}")]
    Engine(String),
    #[error("the new CA certificate broke a rule and was not released: {0}")]
    Rule(String),
}

/// A self-signed CA as RFC 5280 asks: a random positive serial of at most 20 octets, critical
/// basic constraints (CA), critical key usage (keyCertSign, cRLSign), subject and authority key
/// identifiers, validity from `now` (less a few minutes) for `validity`. Slow for RSA-4096: call
/// it off the async executor.
pub fn create(parameters: &CaParameters, now: OffsetDateTime) -> Result<IssuedCa, CaError> {
    if parameters.validity <= Duration::ZERO {
        return Err(CaError::Invalid("the validity must be positive".into()));
    }
    let key = parameters
        .key
        .generate()
        .map_err(|e| CaError::Engine(e.to_string()))?;
    let engine = |e: openssl::error::ErrorStack| CaError::Engine(first_reason(&e));
    let name = subject_name(&parameters.subject)?;
    let mut builder = X509::builder().map_err(engine)?;
    builder.set_version(2).map_err(engine)?;
    let serial = random_serial().map_err(engine)?;
    builder.set_serial_number(&serial).map_err(engine)?;
    builder.set_subject_name(&name).map_err(engine)?;
    builder.set_issuer_name(&name).map_err(engine)?;
    builder.set_pubkey(&key).map_err(engine)?;
    let not_before = now - BACKDATE;
    let not_after = now + parameters.validity;
    let (not_before, not_after) = (asn1_time(not_before)?, asn1_time(not_after)?);
    builder.set_not_before(&not_before).map_err(engine)?;
    builder.set_not_after(&not_after).map_err(engine)?;
    builder
        .append_extension(
            BasicConstraints::new()
                .critical()
                .ca()
                .build()
                .map_err(engine)?,
        )
        .map_err(engine)?;
    builder
        .append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .map_err(engine)?,
        )
        .map_err(engine)?;
    let subject_key_id = SubjectKeyIdentifier::new()
        .build(&builder.x509v3_context(None, None))
        .map_err(engine)?;
    builder.append_extension(subject_key_id).map_err(engine)?;
    let authority_key_id = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&builder.x509v3_context(None, None))
        .map_err(engine)?;
    builder.append_extension(authority_key_id).map_err(engine)?;
    if !parameters.hosts.is_empty() {
        let mut names = SubjectAlternativeName::new();
        for host in &parameters.hosts {
            match host.parse::<IpAddr>() {
                Ok(_) => names.ip(host),
                Err(_) => names.dns(host),
            };
        }
        let extension = names
            .build(&builder.x509v3_context(None, None))
            .map_err(engine)?;
        builder.append_extension(extension).map_err(engine)?;
    }
    builder
        .sign(&key, digest_for(&parameters.key))
        .map_err(engine)?;
    let certificate = builder.build();
    let parsed = parse::certificate(&certificate.to_der().map_err(engine)?)
        .map_err(|e| CaError::Engine(e.to_string()))?;
    // A root is its own issuer.
    check_before_release(&certificate, &parsed.info, &certificate, &parsed.info)
        .map_err(CaError::Rule)?;
    Ok(IssuedCa {
        certificate: parsed,
        key,
    })
}

/// The rules every certificate the engine makes must keep, checked on the finished
/// certificate before anyone sees it. `issuer` is the certificate of the signing CA and
/// `issuer_info` what it says (the certificate itself for a root).
pub fn check_before_release(
    certificate: &X509,
    info: &CertInfo,
    issuer: &X509,
    issuer_info: &CertInfo,
) -> Result<(), String> {
    let serial = certificate
        .serial_number()
        .to_bn()
        .map_err(|_| "its serial number cannot be read".to_owned())?;
    if serial.is_negative() || serial.num_bits() == 0 {
        return Err("its serial number must be positive".into());
    }
    if serial.num_bytes() > 20 {
        return Err("its serial number is longer than 20 octets".into());
    }
    if info.subject_key_identifier.is_none() {
        return Err("it has no subject key identifier".into());
    }
    if info.authority_key_identifier.is_none()
        || info.authority_key_identifier != issuer_info.subject_key_identifier
    {
        return Err(
            "its authority key identifier is not its issuer's subject key identifier".into(),
        );
    }
    if let Some(constraints) = info.basic_constraints.filter(|c| c.ca) {
        if !constraints.critical {
            return Err("a CA's basic constraints must be critical".into());
        }
        for usage in ["keyCertSign", "cRLSign"] {
            if !info.key_usages.iter().any(|u| u == usage) {
                return Err(format!("a CA's key usage must include {usage}"));
            }
        }
    }
    if info.not_before >= info.not_after {
        return Err("its validity ends before it starts".into());
    }
    if info.not_before < issuer_info.not_before || info.not_after > issuer_info.not_after {
        return Err("its validity is not inside its issuer's".into());
    }
    let issuer_key = issuer
        .public_key()
        .map_err(|_| "its issuer's key cannot be read".to_owned())?;
    if !certificate.verify(&issuer_key).unwrap_or(false) {
        return Err("its signature does not verify with its issuer's key".into());
    }
    Ok(())
}

/// SHA-384 goes with P-384, as RFC 5480 recommends; SHA-256 with everything else.
fn digest_for(key: &KeySpec) -> MessageDigest {
    match key {
        KeySpec::Ecdsa(super::keys::EcCurve::P384) => MessageDigest::sha384(),
        _ => MessageDigest::sha256(),
    }
}

fn subject_name(subject: &CaSubject) -> Result<X509Name, CaError> {
    let mut name = X509NameBuilder::new().map_err(|e| CaError::Engine(first_reason(&e)))?;
    // RFC 5280's order, from the widest to the narrowest. OpenSSL writes each value as a
    // UTF8String and the country as a PrintableString, as the RFC asks.
    let parts = [
        (Nid::COUNTRYNAME, "country (C)", subject.country.as_deref()),
        (
            Nid::STATEORPROVINCENAME,
            "state (ST)",
            subject.state.as_deref(),
        ),
        (
            Nid::LOCALITYNAME,
            "locality (L)",
            subject.locality.as_deref(),
        ),
        (
            Nid::ORGANIZATIONNAME,
            "organization (O)",
            Some(subject.organization.as_str()),
        ),
        (
            Nid::ORGANIZATIONALUNITNAME,
            "organizational unit (OU)",
            subject.organizational_unit.as_deref(),
        ),
        (
            Nid::COMMONNAME,
            "common name (CN)",
            Some(subject.common_name.as_str()),
        ),
    ];
    for (nid, label, value) in parts {
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            if matches!(nid, Nid::COMMONNAME | Nid::ORGANIZATIONNAME) {
                return Err(CaError::Invalid(format!("the CA's {label} is required")));
            }
            continue;
        };
        name.append_entry_by_nid(nid, value).map_err(|_| {
            CaError::Invalid(format!("the CA's {label} '{value}' cannot be encoded"))
        })?;
    }
    Ok(name.build())
}

pub(crate) fn random_serial() -> Result<Asn1Integer, openssl::error::ErrorStack> {
    // 159 random bits: positive, at most 20 octets, never zero in practice (and checked).
    let mut serial = BigNum::new()?;
    loop {
        serial.rand(159, MsbOption::MAYBE_ZERO, false)?;
        if serial.num_bits() > 64 {
            return serial.to_asn1_integer();
        }
    }
}

pub(crate) fn asn1_time(instant: OffsetDateTime) -> Result<Asn1Time, CaError> {
    Asn1Time::from_unix(instant.unix_timestamp()).map_err(|_| {
        CaError::Invalid("the validity reaches beyond what a certificate can say".into())
    })
}

pub(crate) fn first_reason(error: &openssl::error::ErrorStack) -> String {
    error
        .errors()
        .first()
        .and_then(|e| e.reason())
        .unwrap_or("the cryptographic library refused")
        .to_owned()
}

/// A duration as MCM's configuration writes it (Go's `time.ParseDuration`): numbers with the
/// units `h`, `m` and `s`, such as `43800h` (five years) or `1h30m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let hint = "use hours, minutes and seconds such as 43800h (5 years) or 8760h (1 year)";
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("is empty: {hint}"));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("'{text}' is not a duration: {hint}"));
        }
        let number: i64 = rest[..digits]
            .parse()
            .map_err(|_| format!("'{text}' is too long a duration"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "h" => Duration::hours(1),
            "m" => Duration::minutes(1),
            "s" => Duration::seconds(1),
            "" => return Err(format!("'{text}' needs a unit after {number}: {hint}")),
            other => return Err(format!("'{other}' is not a unit of '{text}': {hint}")),
        };
        rest = &rest[unit_len..];
        total = unit
            .checked_mul(
                i32::try_from(number).map_err(|_| format!("'{text}' is too long a duration"))?,
            )
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| format!("'{text}' is too long a duration"))?;
    }
    if total <= Duration::ZERO {
        return Err(format!("must be longer than zero: {hint}"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::keys::EcCurve;

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-11-28 09:30:00 UTC)
    }

    fn parameters(key: KeySpec) -> CaParameters {
        CaParameters {
            subject: CaSubject {
                common_name: "tes1.centralhub.modusbox.live".into(),
                organization: "Modusbox".into(),
                organizational_unit: Some("MCM".into()),
                country: Some("US".into()),
                state: Some("Río Negro".into()),
                locality: None,
            },
            hosts: vec!["hub.example.com".into(), "10.0.0.1".into()],
            key,
            validity: parse_duration("43800h").unwrap(),
        }
    }

    #[test]
    fn a_new_ca_keeps_every_rule_and_verifies_with_openssl() {
        for spec in [
            KeySpec::Rsa(2048),
            KeySpec::Ecdsa(EcCurve::P256),
            KeySpec::Ecdsa(EcCurve::P384),
        ] {
            let ca = create(&parameters(spec), now()).unwrap();
            let info = &ca.certificate.info;
            assert_eq!(
                info.subject.common_name.as_deref(),
                Some("tes1.centralhub.modusbox.live")
            );
            assert_eq!(info.subject.state.as_deref(), Some("Río Negro"));
            assert_eq!(info.subject, info.issuer);
            assert_eq!(info.not_before, "2026-11-28T09:25:00Z");
            assert_eq!(info.not_after, "2031-11-27T09:30:00Z");
            let bc = info.basic_constraints.unwrap();
            assert!(bc.ca && bc.critical);
            assert_eq!(info.key_usages, ["keyCertSign", "cRLSign"]);
            assert!(info.subject_key_identifier.is_some());
            assert_eq!(info.authority_key_identifier, info.subject_key_identifier);
            assert_eq!(info.extensions.subject_alt_name.dns, ["hub.example.com"]);
            assert_eq!(info.extensions.subject_alt_name.ips, ["10.0.0.1"]);
            let x509 = X509::from_der(&ca.certificate.der).unwrap();
            assert!(x509.public_key().unwrap().public_eq(&ca.key));
            // OpenSSL's own path validation, trusting only this root.
            assert!(
                crate::pki::chain::verify(&x509, &[], std::slice::from_ref(&x509), now()).is_ok(),
                "{spec:?}"
            );
            let expected_algorithm = match spec {
                KeySpec::Rsa(_) => "SHA256WithRSA",
                KeySpec::Ecdsa(EcCurve::P256) => "ECDSAWithSHA256",
                KeySpec::Ecdsa(EcCurve::P384) => "ECDSAWithSHA384",
            };
            assert_eq!(info.signature_algorithm, expected_algorithm);
        }
    }

    #[test]
    fn serials_are_random_positive_and_short_enough() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..3 {
            let ca = create(&parameters(KeySpec::Ecdsa(EcCurve::P256)), now()).unwrap();
            let x509 = X509::from_der(&ca.certificate.der).unwrap();
            let serial = x509.serial_number().to_bn().unwrap();
            assert!(!serial.is_negative() && serial.num_bytes() <= 20);
            assert!(seen.insert(ca.certificate.info.serial_number.clone()));
        }
    }

    #[test]
    fn the_release_check_refuses_a_broken_certificate() {
        let ca = create(&parameters(KeySpec::Ecdsa(EcCurve::P256)), now()).unwrap();
        let other = create(&parameters(KeySpec::Ecdsa(EcCurve::P256)), now()).unwrap();
        let ca_x509 = X509::from_der(&ca.certificate.der).unwrap();
        let other_x509 = X509::from_der(&other.certificate.der).unwrap();
        // Checked against another CA as its issuer: wrong key identifier, wrong signature.
        let refused = check_before_release(
            &ca_x509,
            &ca.certificate.info,
            &other_x509,
            &other.certificate.info,
        )
        .unwrap_err();
        assert!(refused.contains("authority key identifier"), "{refused}");
    }

    #[test]
    fn missing_names_are_refused_with_their_label() {
        let mut bad = parameters(KeySpec::Ecdsa(EcCurve::P256));
        bad.subject.organization = " ".into();
        assert_eq!(
            create(&bad, now()).unwrap_err(),
            CaError::Invalid("the CA's organization (O) is required".into())
        );
        let mut bad = parameters(KeySpec::Ecdsa(EcCurve::P256));
        bad.subject.country = Some("USA".into());
        assert!(create(&bad, now())
            .unwrap_err()
            .to_string()
            .contains("country (C) 'USA'"));
    }

    /// pkilint (installed by scripts/setup into .tools/venv) finds nothing to warn about in the
    /// CA certificates the engine makes, RSA and ECDSA.
    #[test]
    fn pkilint_finds_nothing_in_our_ca_certificates() {
        for spec in [KeySpec::Rsa(3072), KeySpec::Ecdsa(EcCurve::P384)] {
            let ca = create(&parameters(spec), now()).unwrap();
            let report = crate::pki::testing::pkilint(&ca.certificate.pem);
            assert!(report.is_empty(), "{spec:?}: {report}");
        }
    }

    #[test]
    fn durations_read_as_go_writes_them() {
        assert_eq!(parse_duration("43800h"), Ok(Duration::hours(43800)));
        assert_eq!(parse_duration("1h30m10s"), Ok(Duration::seconds(5410)));
        for bad in ["", "10", "h", "10d", "-5h", "0h", "1.5h", "99999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
