//! Signing a CSR with an environment's CA: the certificate carries the CSR's key, subject and
//! alternative names, the usages of the CA's signing profile, a validity inside the CA's, and
//! is checked before release like everything the engine makes.

use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Req, X509};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::authorities::SigningProfile;
use super::ca::{self, CaError};
use super::parse::{self, ParsedCertificate, ParsedCsr};

/// The digest a profile's `signature_algorithm` names (case-insensitively, as MCM's users
/// wrote `SHA256withRSA`); SHA-256 for anything else.
fn digest_of(profile: &SigningProfile) -> MessageDigest {
    match profile.signature_algorithm.to_ascii_uppercase().as_str() {
        "SHA384WITHRSA" => MessageDigest::sha384(),
        "SHA512WITHRSA" => MessageDigest::sha512(),
        _ => MessageDigest::sha256(),
    }
}

fn instant(text: &str) -> Result<OffsetDateTime, CaError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| CaError::Engine(format!("the date '{text}' cannot be read")))
}

/// Signs `csr` with the CA (`issuer`, its `issuer_key`) under `profile`, as of `now`. The
/// certificate ends when the CA does if the profile's expiry would outlive it. With `crl_url`,
/// it names the CA's CRL there (a CRL distribution point).
pub fn sign_csr(
    csr: &ParsedCsr,
    issuer: &ParsedCertificate,
    issuer_key: &PKey<Private>,
    profile: &SigningProfile,
    now: OffsetDateTime,
    crl_url: Option<&str>,
) -> Result<ParsedCertificate, CaError> {
    let engine = |e: ErrorStack| CaError::Engine(ca::first_reason(&e));
    let request = X509Req::from_der(&csr.der).map_err(engine)?;
    let issuer_certificate = X509::from_der(&issuer.der).map_err(engine)?;
    let public_key = request.public_key().map_err(engine)?;
    let rsa = public_key.id() == Id::RSA;
    match public_key.id() {
        Id::RSA if public_key.bits() >= 2048 => {}
        Id::EC if public_key.bits() >= 256 => {}
        _ => {
            return Err(CaError::Invalid(format!(
                "the CSR's key ({} bits) is not one the Hub signs: make a new key, RSA of 2048 \
                 bits or more or EC on P-256 or P-384, and a new CSR",
                public_key.bits()
            )))
        }
    }
    let validity = ca::parse_duration(&profile.expiry).map_err(CaError::Invalid)?;
    let not_before = (now - ca::BACKDATE).max(instant(&issuer.info.not_before)?);
    let not_after = (now + validity).min(instant(&issuer.info.not_after)?);
    if not_after <= now {
        return Err(CaError::Invalid(
            "the environment's CA has expired: make a new CA, then sign again".into(),
        ));
    }
    let mut builder = X509::builder().map_err(engine)?;
    builder.set_version(2).map_err(engine)?;
    let serial = ca::random_serial().map_err(engine)?;
    builder.set_serial_number(&serial).map_err(engine)?;
    builder
        .set_subject_name(request.subject_name())
        .map_err(engine)?;
    builder
        .set_issuer_name(issuer_certificate.subject_name())
        .map_err(engine)?;
    builder.set_pubkey(&public_key).map_err(engine)?;
    let (not_before, not_after) = (ca::asn1_time(not_before)?, ca::asn1_time(not_after)?);
    builder.set_not_before(&not_before).map_err(engine)?;
    builder.set_not_after(&not_after).map_err(engine)?;
    builder
        .append_extension(BasicConstraints::new().critical().build().map_err(engine)?)
        .map_err(engine)?;
    let usages = &profile.usages;
    let has = |usage: &str| usages.iter().any(|u| u.eq_ignore_ascii_case(usage));
    let mut key_usage = KeyUsage::new();
    key_usage.critical().digital_signature();
    // Key encipherment is an RSA operation; an EC key's certificate must not claim it.
    if rsa && has("key encipherment") {
        key_usage.key_encipherment();
    }
    builder
        .append_extension(key_usage.build().map_err(engine)?)
        .map_err(engine)?;
    if has("server auth") || has("client auth") {
        let mut extended = ExtendedKeyUsage::new();
        if has("server auth") {
            extended.server_auth();
        }
        if has("client auth") {
            extended.client_auth();
        }
        builder
            .append_extension(extended.build().map_err(engine)?)
            .map_err(engine)?;
    }
    let subject_key_id = SubjectKeyIdentifier::new()
        .build(&builder.x509v3_context(Some(&issuer_certificate), None))
        .map_err(engine)?;
    builder.append_extension(subject_key_id).map_err(engine)?;
    let authority_key_id = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&builder.x509v3_context(Some(&issuer_certificate), None))
        .map_err(engine)?;
    builder.append_extension(authority_key_id).map_err(engine)?;
    // The CSR's alternative names, and the subject's emailAddress among them: RFC 5280
    // (4.1.2.6) asks new certificates to carry an email address there.
    let names = &csr.info.extensions.subject_alt_name;
    let mut emails = names.email_addresses.clone();
    if let Some(email) = &csr.info.subject.email_address {
        if !emails.contains(email) {
            emails.push(email.clone());
        }
    }
    if !(names.dns.is_empty() && names.ips.is_empty() && emails.is_empty() && names.uris.is_empty())
    {
        let mut san = SubjectAlternativeName::new();
        if request.subject_name().entries().next().is_none() {
            san.critical();
        }
        for dns in &names.dns {
            san.dns(dns);
        }
        for ip in &names.ips {
            san.ip(ip);
        }
        for email in &emails {
            san.email(email);
        }
        for uri in &names.uris {
            san.uri(uri);
        }
        let extension = san
            .build(&builder.x509v3_context(Some(&issuer_certificate), None))
            .map_err(|_| CaError::Invalid("the CSR's alternative names cannot be copied".into()))?;
        builder.append_extension(extension).map_err(engine)?;
    }
    if let Some(url) = crl_url {
        let oid = openssl::asn1::Asn1Object::from_str("2.5.29.31").map_err(engine)?;
        let value =
            openssl::asn1::Asn1OctetString::new_from_bytes(&super::crl::distribution_points(url))
                .map_err(engine)?;
        let extension =
            openssl::x509::X509Extension::new_from_der(&oid, false, &value).map_err(engine)?;
        builder.append_extension(extension).map_err(engine)?;
    }
    builder
        .sign(issuer_key, digest_of(profile))
        .map_err(engine)?;
    let certificate = builder.build();
    let parsed = parse::certificate(&certificate.to_der().map_err(engine)?)
        .map_err(|e| CaError::Engine(e.to_string()))?;
    ca::check_before_release(
        &certificate,
        &parsed.info,
        &issuer_certificate,
        &issuer.info,
    )
    .map_err(CaError::Rule)?;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::ca::{CaParameters, CaSubject};
    use crate::pki::keys::{EcCurve, KeySpec};
    use crate::pki::testing::{csr, ec_key, pkilint, rsa_key};
    use crate::pki::validations::{inbound_validations, state, ValidationState};
    use time::macros::datetime;
    use time::Duration;

    fn now() -> OffsetDateTime {
        datetime!(2026-11-28 09:30 UTC)
    }

    fn hub_ca(key: KeySpec, validity: Duration) -> ca::IssuedCa {
        let parameters = CaParameters {
            subject: CaSubject {
                common_name: "Hub CA".into(),
                organization: "Example Hub".into(),
                ..Default::default()
            },
            hosts: vec![],
            key,
            validity,
        };
        ca::create(&parameters, now()).unwrap()
    }

    fn profile(usages: &[&str], algorithm: &str) -> SigningProfile {
        SigningProfile {
            expiry: "43800h".into(),
            usages: usages.iter().map(|u| (*u).to_owned()).collect(),
            signature_algorithm: algorithm.into(),
        }
    }

    const DN: [(&str, &str); 7] = [
        ("CN", "dfsp1.example.com"),
        ("OU", "Payments"),
        ("O", "Bank One"),
        ("L", "Kampala"),
        ("ST", "Central"),
        ("C", "UG"),
        ("emailAddress", "pki@bank.example"),
    ];

    #[test]
    fn a_signed_csr_chains_to_the_ca_and_carries_the_csrs_key_names_and_the_profiles_usages() {
        let ca = hub_ca(KeySpec::Rsa(2048), Duration::days(3650));
        let key = rsa_key(4096);
        let request = csr(
            &DN,
            &["dfsp1.example.com", "api.dfsp1.example.com"],
            &key,
            MessageDigest::sha256(),
        );
        let default = profile(
            &["signing", "key encipherment", "client auth"],
            "SHA256withRSA",
        );
        let signed = sign_csr(&request, &ca.certificate, &ca.key, &default, now(), None).unwrap();
        let info = &signed.info;
        assert_eq!(info.subject, request.info.subject);
        assert_eq!(info.issuer, ca.certificate.info.subject);
        assert_eq!(info.signature_algorithm, "SHA256WithRSA");
        assert_eq!(info.key_usages, ["digitalSignature", "keyEncipherment"]);
        assert_eq!(info.extended_key_usages, ["clientAuth"]);
        assert_eq!(info.basic_constraints.map(|bc| bc.ca), Some(false));
        let sans = &info.extensions.subject_alt_name;
        assert_eq!(sans.dns, ["dfsp1.example.com", "api.dfsp1.example.com"]);
        assert_eq!(sans.email_addresses, ["pki@bank.example"]);
        assert_eq!(info.not_before, "2026-11-28T09:25:00Z");
        assert_eq!(info.not_after, "2031-11-27T09:30:00Z");

        // OpenSSL validates it against the CA alone.
        let root = X509::from_der(&ca.certificate.der).unwrap();
        let certificate = X509::from_der(&signed.der).unwrap();
        crate::pki::chain::verify(&certificate, &[], std::slice::from_ref(&root), now()).unwrap();
        // It is what the CSR asked for: every inbound validation passes.
        let validations = inbound_validations(Some(&request), Some(&signed), false, now());
        assert_eq!(
            state(&validations),
            ValidationState::Valid,
            "{validations:#?}"
        );
        let report = pkilint(&signed.pem);
        assert!(report.is_empty(), "{report}");
    }

    #[test]
    fn with_a_crl_address_the_certificate_names_its_distribution_point() {
        let ca = hub_ca(KeySpec::Ecdsa(EcCurve::P256), Duration::days(3650));
        let request = csr(
            &DN,
            &["dfsp1.example.com"],
            &ec_key(),
            MessageDigest::sha256(),
        );
        let url = "https://mcm.example.com/api/environments/1/cas/3/crl";
        let default = profile(&["signing", "client auth"], "");
        let signed = sign_csr(
            &request,
            &ca.certificate,
            &ca.key,
            &default,
            now(),
            Some(url),
        )
        .unwrap();
        let certificate = X509::from_der(&signed.der).unwrap();
        let points = certificate
            .crl_distribution_points()
            .expect("a CRL distribution point");
        let uri = points
            .iter()
            .flat_map(|point| {
                point
                    .distpoint()
                    .and_then(|name| name.fullname())
                    .into_iter()
            })
            .flat_map(|names| {
                names
                    .iter()
                    .filter_map(|name| name.uri().map(str::to_owned))
            })
            .collect::<Vec<_>>();
        assert_eq!(uri, [url]);
        let report = pkilint(&signed.pem);
        assert!(report.is_empty(), "{report}");
    }

    #[test]
    fn an_ec_key_gets_no_key_encipherment_and_the_profiles_digest_is_used() {
        let ca = hub_ca(KeySpec::Ecdsa(EcCurve::P256), Duration::days(3650));
        let request = csr(
            &DN[..3],
            &["dfsp1.example.com"],
            &ec_key(),
            MessageDigest::sha256(),
        );
        let both = profile(
            &["signing", "key encipherment", "server auth", "client auth"],
            "SHA384WithRSA",
        );
        let signed = sign_csr(&request, &ca.certificate, &ca.key, &both, now(), None).unwrap();
        assert_eq!(signed.info.key_usages, ["digitalSignature"]);
        assert_eq!(
            signed.info.extended_key_usages,
            ["serverAuth", "clientAuth"]
        );
        assert_eq!(signed.info.signature_algorithm, "ECDSAWithSHA384");
        let report = pkilint(&signed.pem);
        assert!(report.is_empty(), "{report}");
    }

    #[test]
    fn a_certificate_never_outlives_its_ca_and_an_expired_ca_signs_nothing() {
        let ca = hub_ca(KeySpec::Ecdsa(EcCurve::P256), Duration::days(365));
        let request = csr(&DN[..1], &[], &ec_key(), MessageDigest::sha256());
        let long = profile(&["signing", "client auth"], "SHA256WithRSA");
        let signed = sign_csr(&request, &ca.certificate, &ca.key, &long, now(), None).unwrap();
        assert_eq!(signed.info.not_after, ca.certificate.info.not_after);
        let later = now() + Duration::days(400);
        let error = sign_csr(&request, &ca.certificate, &ca.key, &long, later, None).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the environment's CA has expired"),
            "{error}"
        );
    }

    #[test]
    fn a_weak_key_is_not_signed() {
        let ca = hub_ca(KeySpec::Ecdsa(EcCurve::P256), Duration::days(365));
        let request = csr(&DN[..1], &[], &rsa_key(1024), MessageDigest::sha256());
        let error = sign_csr(
            &request,
            &ca.certificate,
            &ca.key,
            &profile(&["signing"], ""),
            now(),
            None,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("is not one the Hub signs"),
            "{error}"
        );
    }
}
