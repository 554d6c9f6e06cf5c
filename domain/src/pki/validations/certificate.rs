//! The checks of one certificate: its validity, key, signature algorithm, usage, and the chain
//! it verifies against.

use time::OffsetDateTime;

use super::{
    name, rsa_equivalent_bits, state, x509, Validation, ValidationCode as Code,
    ValidationResult as R, ValidationState, ACCEPTED_SIGNATURE_ALGORITHMS,
};
use crate::pki::ca_chain::CaChain;
use crate::pki::chain;
use crate::pki::parse::ParsedCertificate;

/// `CERTIFICATE_VALIDITY`: `at` is within the certificate's validity.
pub fn certificate_validity(
    certificate: Option<&ParsedCertificate>,
    at: OffsetDateTime,
) -> Validation {
    let code = Code::CertificateValidity;
    let Some(certificate) = certificate else {
        return Validation::new(code, R::NotAvailable, "No certificate");
    };
    use time::format_description::well_known::Rfc3339;
    let at = at.replace_nanosecond(0).unwrap_or(at);
    let now = at.format(&Rfc3339).unwrap_or_default();
    let info = &certificate.info;
    let date = |value: &str| serde_json::json!({"type": "DATE", "value": value});
    let instant = |text: &str| OffsetDateTime::parse(text, &Rfc3339).ok();
    let within = matches!(
        (instant(&info.not_before), instant(&info.not_after)),
        (Some(from), Some(to)) if from <= at && at <= to
    );
    let mut validation = if within {
        let mut v = Validation::new(code, R::Valid, format!("Certificate is valid for {now}"));
        v.message_template = "Certificate is valid for ${data.currentDate}".into();
        v
    } else {
        let mut v = Validation::new(
            code,
            R::Invalid,
            format!(
                "Certificate is not valid for {now}: it is valid from {} to {}",
                info.not_before, info.not_after
            ),
        );
        v.message_template = "Certificate is not valid for ${data.currentDate}: it is valid from ${data.notBeforeDate} to ${data.notAfterDate}".into();
        v
    };
    validation.data = serde_json::json!({
        "currentDate": date(&now),
        "notBeforeDate": date(&info.not_before),
        "notAfterDate": date(&info.not_after),
    });
    validation
}

/// `CERTIFICATE_PUBLIC_KEY_LENGTH_2048` / `_4096`: a key at least as strong as RSA with
/// `minimum` bits (see [`rsa_equivalent_bits`]).
pub fn certificate_public_key_length(
    certificate: Option<&ParsedCertificate>,
    minimum: u32,
) -> Validation {
    let code = if minimum >= 4096 {
        Code::CertificatePublicKeyLength4096
    } else {
        Code::CertificatePublicKeyLength2048
    };
    let Some(certificate) = certificate else {
        return Validation::new(code, R::NotAvailable, "No certificate");
    };
    let key = &certificate.info.public_key;
    let strength = rsa_equivalent_bits(key);
    let integer = |value: u32| serde_json::json!({"type": "INTEGER", "value": value});
    let mut validation = if strength >= minimum {
        Validation::new(code, R::Valid, "Certificate key length valid")
    } else {
        let mut v = Validation::new(
            code,
            R::Invalid,
            format!(
                "Certificate key length {} invalid, should be {minimum}: make a new RSA key of at \
                 least {minimum} bits, or an EC key of at least {} bits",
                key.bits,
                if minimum > 3072 { 384 } else { 256 }
            ),
        );
        v.message_template =
            "Certificate key length ${data.actualKeySize.value} invalid, should be ${data.keyLength.value}".into();
        v
    };
    validation.data =
        serde_json::json!({"actualKeySize": integer(key.bits), "keyLength": integer(minimum)});
    validation
}

/// `CERTIFICATE_SIGNATURE_ALGORITHM`: the certificate is signed with one of
/// [`ACCEPTED_SIGNATURE_ALGORITHMS`].
pub fn certificate_signature_algorithm(certificate: Option<&ParsedCertificate>) -> Validation {
    let code = Code::CertificateSignatureAlgorithm;
    let Some(certificate) = certificate else {
        return Validation::new(code, R::NotAvailable, "No certificate");
    };
    let algorithm = &certificate.info.signature_algorithm;
    if ACCEPTED_SIGNATURE_ALGORITHMS.contains(&algorithm.as_str()) {
        Validation::new(
            code,
            R::Valid,
            format!("The certificate has a valid signature algorithm: {algorithm}"),
        )
    } else {
        Validation::new(
            code,
            R::Invalid,
            format!(
                "The certificate is signed with {algorithm}, which is not accepted: have it \
                 signed again with SHA-256 or stronger ({})",
                ACCEPTED_SIGNATURE_ALGORITHMS.join(", ")
            ),
        )
    }
}

/// `CERTIFICATE_USAGE_SERVER`: the extended key usage allows TLS server authentication.
pub fn certificate_usage_server(certificate: Option<&ParsedCertificate>) -> Validation {
    extended_usage(
        certificate,
        Code::CertificateUsageServer,
        "serverAuth",
        "TLS WWW server authentication",
    )
}

/// `CERTIFICATE_USAGE_CLIENT`: the extended key usage allows TLS client authentication.
pub fn certificate_usage_client(certificate: Option<&ParsedCertificate>) -> Validation {
    extended_usage(
        certificate,
        Code::CertificateUsageClient,
        "clientAuth",
        "TLS WWW client authentication",
    )
}

fn extended_usage(
    certificate: Option<&ParsedCertificate>,
    code: Code,
    purpose: &str,
    described: &str,
) -> Validation {
    let Some(certificate) = certificate else {
        return Validation::new(code, R::NotAvailable, "No certificate");
    };
    let usages = &certificate.info.extended_key_usages;
    if usages.iter().any(|usage| usage == purpose) {
        Validation::new(
            code,
            R::Valid,
            format!("The certificate has the \"{described}\" extended key usage ({purpose})"),
        )
    } else {
        let has = if usages.is_empty() {
            "no extended key usage".to_owned()
        } else {
            format!("only {}", usages.join(", "))
        };
        Validation::new(
            code,
            R::Invalid,
            format!(
                "The certificate doesn't have the \"{described}\" extended key usage \
                 ({purpose}); it has {has}. Issue it again with {purpose} in its extended key usage"
            ),
        )
    }
}

/// `CERTIFICATE_CHAIN`: the certificate verifies against the root, through the intermediates
/// (in any order), as of `at`. Only the given root is trusted, never the system's store.
pub fn certificate_chain(
    certificate: Option<&ParsedCertificate>,
    intermediates: &[ParsedCertificate],
    root: Option<&ParsedCertificate>,
    at: OffsetDateTime,
) -> Validation {
    let code = Code::CertificateChain;
    let Some(certificate) = certificate else {
        return Validation::new(code, R::NotAvailable, "No certificate");
    };
    match verify_to(certificate, intermediates, root, at) {
        Ok(()) => Validation::new(code, R::Valid, "Certificate chain valid"),
        Err(why) => Validation::new(
            code,
            R::Invalid,
            format!("Certificate chain invalid: {why}"),
        )
        .with_details(why),
    }
}

/// `CERTIFICATE_SIGNED_BY_DFSP_CA`: the certificate verifies against the DFSP's CA, which must
/// itself be valid.
pub fn certificate_signed_by_dfsp_ca(
    certificate: Option<&ParsedCertificate>,
    dfsp_ca: Option<&CaChain>,
    at: OffsetDateTime,
) -> Validation {
    let code = Code::CertificateSignedByDfspCa;
    let Some(certificate) = certificate else {
        return Validation::new(code, R::NotAvailable, "No certificate");
    };
    let Some(dfsp_ca) = dfsp_ca.filter(|ca| ca.root.is_some()) else {
        return Validation::new(
            code,
            R::NotAvailable,
            "No DFSP CA: the DFSP uploads its CA (root and intermediates) first",
        );
    };
    if state(&dfsp_ca.validations(at)) == ValidationState::Invalid {
        return Validation::new(
            code,
            R::Invalid,
            "The DFSP's CA is itself invalid (see its validations): fix the DFSP's CA first",
        );
    }
    match verify_to(
        certificate,
        &dfsp_ca.intermediates,
        dfsp_ca.root.as_ref(),
        at,
    ) {
        Ok(()) => Validation::new(code, R::Valid, "The certificate is signed by the DFSP's CA"),
        Err(why) => Validation::new(
            code,
            R::Invalid,
            format!("The certificate is not signed by the DFSP's CA: {why}"),
        )
        .with_details(why),
    }
}

/// Verifies `certificate` against `root` through `intermediates`, in our words.
fn verify_to(
    certificate: &ParsedCertificate,
    intermediates: &[ParsedCertificate],
    root: Option<&ParsedCertificate>,
    at: OffsetDateTime,
) -> Result<(), String> {
    let root = root.ok_or("there is no root certificate to verify it against")?;
    let unreadable =
        |parsed: &ParsedCertificate| format!("{} cannot be read by the verifier", name(parsed));
    let target = x509(certificate).ok_or_else(|| unreadable(certificate))?;
    let root = x509(root).ok_or_else(|| unreadable(root))?;
    let intermediates = intermediates
        .iter()
        .map(|parsed| x509(parsed).ok_or_else(|| unreadable(parsed)))
        .collect::<Result<Vec<_>, _>>()?;
    chain::verify(&target, &intermediates, std::slice::from_ref(&root), at).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::super::ValidationResult as R;
    use super::*;
    use crate::pki::testing::{issue, Spec};
    use openssl::hash::MessageDigest;
    use time::macros::datetime;

    fn at() -> OffsetDateTime {
        datetime!(2026-11-28 09:30 UTC)
    }

    #[test]
    fn validity_and_key_length_report_their_data() {
        let leaf = issue("leaf", None, false, false, None);
        let v = certificate_validity(Some(&leaf.parsed()), at());
        assert_eq!(v.result, R::Valid);
        assert_eq!(v.data["currentDate"]["value"], "2026-11-28T09:30:00Z");
        let v = certificate_validity(Some(&leaf.parsed()), datetime!(2029-01-01 00:00 UTC));
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message
                .contains("valid from 2026-01-01T00:00:00Z to 2028-01-01T00:00:00Z"),
            "{}",
            v.message
        );
        // A P-256 key is as strong as RSA-3072: enough for 2048, not for 4096.
        assert_eq!(
            certificate_public_key_length(Some(&leaf.parsed()), 2048).result,
            R::Valid
        );
        let v = certificate_public_key_length(Some(&leaf.parsed()), 4096);
        assert_eq!(v.result, R::Invalid);
        assert_eq!(v.data["keyLength"]["value"], 4096);
    }

    #[test]
    fn the_signature_algorithm_must_be_sha2_or_better() {
        let sha256 = Spec::new("sha256").issue(None);
        let v = certificate_signature_algorithm(Some(&sha256.parsed()));
        assert_eq!(v.result, R::Valid, "{v:?}");
        assert!(v.message.ends_with("ECDSAWithSHA256"), "{}", v.message);
        let mut spec = Spec::new("sha384 rsa");
        spec.rsa_bits = Some(2048);
        spec.digest = MessageDigest::sha384;
        let v = certificate_signature_algorithm(Some(&spec.issue(None).parsed()));
        assert_eq!(v.result, R::Valid, "MCM refused SHA-384: {v:?}");
        let mut spec = Spec::new("sha1");
        spec.rsa_bits = Some(2048);
        spec.digest = MessageDigest::sha1;
        let v = certificate_signature_algorithm(Some(&spec.issue(None).parsed()));
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message
                .contains("signed with SHA1WithRSA, which is not accepted"),
            "{}",
            v.message
        );
        assert_eq!(
            certificate_signature_algorithm(None).result,
            R::NotAvailable
        );
    }

    #[test]
    fn server_and_client_usage_come_from_the_extended_key_usage() {
        let mut spec = Spec::new("server");
        spec.extended_key_usages = &["serverAuth"];
        let server = spec.issue(None).parsed();
        assert_eq!(certificate_usage_server(Some(&server)).result, R::Valid);
        let v = certificate_usage_client(Some(&server));
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message.contains("it has only serverAuth"),
            "{}",
            v.message
        );
        let none = Spec::new("no eku").issue(None).parsed();
        let v = certificate_usage_server(Some(&none));
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message.contains("it has no extended key usage"),
            "{}",
            v.message
        );
        let mut spec = Spec::new("both");
        spec.extended_key_usages = &["clientAuth", "serverAuth"];
        let both = spec.issue(None).parsed();
        assert_eq!(certificate_usage_client(Some(&both)).result, R::Valid);
        assert_eq!(certificate_usage_server(Some(&both)).result, R::Valid);
    }

    #[test]
    fn the_chain_check_trusts_only_the_given_root_with_intermediates_in_any_order() {
        let root = issue("Root", None, true, true, None);
        let one = issue("One", Some(&root), true, true, None);
        let two = issue("Two", Some(&one), true, true, None);
        let leaf = issue("leaf.example.com", Some(&two), false, false, None);
        let (root, one, two, leaf) = (root.parsed(), one.parsed(), two.parsed(), leaf.parsed());
        for order in [[one.clone(), two.clone()], [two.clone(), one.clone()]] {
            let v = certificate_chain(Some(&leaf), &order, Some(&root), at());
            assert_eq!(v.result, R::Valid, "{v:?}");
        }
        let v = certificate_chain(Some(&leaf), std::slice::from_ref(&two), Some(&root), at());
        assert_eq!(v.result, R::Invalid);
        // OpenSSL gives up at the leaf when no path reaches the root.
        assert!(
            v.message
                .contains("is missing: upload the intermediate or root"),
            "{}",
            v.message
        );
        let v = certificate_chain(Some(&leaf), &[one.clone(), two.clone()], None, at());
        assert!(
            v.message.contains("there is no root certificate"),
            "{}",
            v.message
        );
        let stranger = issue("Stranger", None, true, true, None).parsed();
        let v = certificate_chain(
            Some(&leaf),
            &[one.clone(), two.clone()],
            Some(&stranger),
            at(),
        );
        assert_eq!(v.result, R::Invalid, "{v:?}");
        // A self-signed leaf is not trusted for being self-signed.
        let lonely = issue("self-signed.example.com", None, false, false, None).parsed();
        let v = certificate_chain(Some(&lonely), &[], Some(&root), at());
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message
                .contains("is self-signed but is not one of the trusted roots"),
            "{}",
            v.message
        );
        let later = datetime!(2030-01-01 00:00 UTC);
        let v = certificate_chain(Some(&leaf), &[one, two], Some(&root), later);
        assert_eq!(v.result, R::Invalid);
        assert!(v.message.contains("has expired"), "{}", v.message);
    }

    #[test]
    fn a_certificate_must_chain_to_a_valid_dfsp_ca() {
        let root = issue("DFSP Root", None, true, true, None);
        let issuing = issue("DFSP Issuing", Some(&root), true, true, None);
        let client = issue("client", Some(&issuing), false, false, None).parsed();
        let ca = CaChain {
            root: Some(root.parsed()),
            intermediates: vec![issuing.parsed()],
        };
        let v = certificate_signed_by_dfsp_ca(Some(&client), Some(&ca), at());
        assert_eq!(v.result, R::Valid, "{v:?}");
        let other = issue("Other Root", None, true, true, None);
        let foreign = issue("foreign", Some(&other), false, false, None).parsed();
        let v = certificate_signed_by_dfsp_ca(Some(&foreign), Some(&ca), at());
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message
                .starts_with("The certificate is not signed by the DFSP's CA"),
            "{}",
            v.message
        );
        let v = certificate_signed_by_dfsp_ca(Some(&client), None, at());
        assert_eq!((v.performed, v.result), (false, R::NotAvailable));
        // An invalid CA (its intermediate is not allowed to sign) makes the check invalid.
        let no_sign = issue("No keyCertSign", Some(&root), true, false, None);
        let signed = issue("client 2", Some(&no_sign), false, false, None).parsed();
        let broken = CaChain {
            root: Some(root.parsed()),
            intermediates: vec![no_sign.parsed()],
        };
        let v = certificate_signed_by_dfsp_ca(Some(&signed), Some(&broken), at());
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message.contains("The DFSP's CA is itself invalid"),
            "{}",
            v.message
        );
    }
}
