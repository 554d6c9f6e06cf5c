//! The checks of a CA chain: its root, its intermediates, and that each may act as a CA.

use time::OffsetDateTime;

use super::{name, x509, Validation, ValidationCode as Code, ValidationResult as R};
use crate::pki::chain;
use crate::pki::parse::ParsedCertificate;

/// `VERIFY_ROOT_CERTIFICATE`: the root is self-signed, valid at `at`, and its signature
/// verifies. A "root" signed by someone else is refused: trust comes only from what is
/// uploaded, never from the system's store.
pub fn verify_root_certificate(root: Option<&ParsedCertificate>, at: OffsetDateTime) -> Validation {
    let code = Code::VerifyRootCertificate;
    let Some(root) = root else {
        return Validation::new(code, R::NotAvailable, "No root certificate");
    };
    let invalid = |why: String| {
        Validation::new(
            code,
            R::Invalid,
            format!("The root certificate must be valid and self-signed: {why}"),
        )
        .with_details(why)
    };
    if !root.info.self_issued {
        return invalid(format!(
            "{} is issued by another CA; upload that CA's root as the root, and this one as an intermediate",
            name(root)
        ));
    }
    let Some(cert) = x509(root) else {
        return invalid("it cannot be read".into());
    };
    match chain::verify(&cert, &[], std::slice::from_ref(&cert), at) {
        Ok(_) => Validation::new(
            code,
            R::Valid,
            "The root certificate is valid with VALID(SELF_SIGNED) state.",
        )
        .with_details("VALID(SELF_SIGNED)"),
        Err(why) => invalid(why),
    }
}

/// `VERIFY_CHAIN_CERTIFICATES`: every intermediate chains to the root (in any order).
pub fn verify_chain_certificates(
    chain_certificates: &[ParsedCertificate],
    root: Option<&ParsedCertificate>,
    at: OffsetDateTime,
) -> Validation {
    let code = Code::VerifyChainCertificates;
    if chain_certificates.is_empty() {
        return Validation::new(code, R::NotAvailable, "No intermediate chain");
    }
    let invalid = |why: String| {
        Validation::new(
            code,
            R::Invalid,
            format!("The intermediate chain must be made of CAs that chain to the root: {why}"),
        )
        .with_details(why)
    };
    let Some(root) = root.and_then(x509) else {
        return invalid("there is no root certificate to check it against".into());
    };
    let mut intermediates = Vec::with_capacity(chain_certificates.len());
    for parsed in chain_certificates {
        match x509(parsed) {
            Some(certificate) => intermediates.push(certificate),
            None => return invalid(format!("{} cannot be read by the verifier", name(parsed))),
        }
    }
    for (certificate, parsed) in intermediates.iter().zip(chain_certificates) {
        if !parsed.info.basic_constraints.is_some_and(|bc| bc.ca) {
            return invalid(format!("{} is not a CA (basic constraints)", name(parsed)));
        }
        if let Err(why) =
            chain::verify(certificate, &intermediates, std::slice::from_ref(&root), at)
        {
            return invalid(why);
        }
    }
    Validation::new(
        code,
        R::Valid,
        "The intermediate chain is made of valid CAs and the top of the chain is signed by the root.",
    )
}

/// `CA_CERTIFICATE_USAGE`: the root and every intermediate are CAs (critical basic
/// constraints with CA true) allowed to sign certificates (keyCertSign, when they state a
/// key usage). MCM checked only the root's basic constraints.
pub fn ca_certificate_usage(
    root: Option<&ParsedCertificate>,
    chain_certificates: &[ParsedCertificate],
) -> Validation {
    let code = Code::CaCertificateUsage;
    if root.is_none() && chain_certificates.is_empty() {
        return Validation::new(
            code,
            R::NotAvailable,
            "No root certificate or intermediate chain",
        );
    }
    for certificate in root.into_iter().chain(chain_certificates) {
        let info = &certificate.info;
        let problem = match info.basic_constraints {
            None => Some("has no basic constraints extension (CA = true)"),
            Some(bc) if !bc.ca => Some("is not a CA: its basic constraints say CA = false"),
            Some(bc) if !bc.critical => Some("must mark its basic constraints critical"),
            Some(_)
                if !info.key_usages.is_empty()
                    && !info.key_usages.iter().any(|u| u == "keyCertSign") =>
            {
                Some("has a key usage without keyCertSign, so it may not sign certificates")
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            let why = format!("{} {problem}", name(certificate));
            return Validation::new(
                code,
                R::Invalid,
                format!("Every CA certificate must be a CA allowed to sign certificates: {why}"),
            )
            .with_details(why);
        }
    }
    Validation::new(
        code,
        R::Valid,
        "The root and intermediate certificates are CAs allowed to sign certificates (CA = true, keyCertSign).",
    )
}

#[cfg(test)]
mod tests {
    use super::super::{ValidationResult as R, *};
    use super::*;
    use crate::pki::testing::issue;
    use time::macros::datetime;

    fn at() -> OffsetDateTime {
        datetime!(2026-11-28 09:30 UTC)
    }

    #[test]
    fn a_good_ca_chain_is_valid_in_every_check() {
        let root = issue("Root", None, true, true, None);
        let one = issue("Intermediate 1", Some(&root), true, true, None);
        let two = issue("Intermediate 2", Some(&one), true, true, None);
        let chain = [two.parsed(), one.parsed()];
        let validations = [
            verify_root_certificate(Some(&root.parsed()), at()),
            verify_chain_certificates(&chain, Some(&root.parsed()), at()),
            ca_certificate_usage(Some(&root.parsed()), &chain),
        ];
        for v in &validations {
            assert_eq!(v.result, R::Valid, "{v:?}");
            assert!(v.performed);
        }
        assert_eq!(validations[0].details, Some("VALID(SELF_SIGNED)".into()));
        assert_eq!(state(&validations), ValidationState::Valid);
    }

    #[test]
    fn each_broken_ca_chain_fails_its_check_with_a_reason() {
        let root = issue("Root", None, true, true, None);
        let other = issue("Other Root", None, true, true, None);
        let not_ca = issue("Not a CA", Some(&root), false, true, None);
        let no_sign = issue("No keyCertSign", Some(&root), true, false, None);
        let stranger = issue("Stranger", Some(&other), true, true, None);

        let v = verify_root_certificate(Some(&not_ca.parsed()), at());
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message.contains("'Not a CA' is issued by another CA"),
            "{}",
            v.message
        );

        let expired = issue(
            "Old Root",
            None,
            true,
            true,
            Some((1_600_000_000, 1_700_000_000)),
        );
        let v = verify_root_certificate(Some(&expired.parsed()), at());
        assert!(
            v.message.contains("'Old Root' has expired"),
            "{}",
            v.message
        );

        let v = verify_chain_certificates(&[stranger.parsed()], Some(&root.parsed()), at());
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message.contains("the issuer of 'Stranger' is missing"),
            "{}",
            v.message
        );

        let v = verify_chain_certificates(&[not_ca.parsed()], Some(&root.parsed()), at());
        assert!(
            v.message.contains("'Not a CA' is not a CA"),
            "{}",
            v.message
        );

        // Every CA of the chain is checked, not only the root (MCM's quirk).
        let v = ca_certificate_usage(Some(&root.parsed()), &[no_sign.parsed()]);
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message
                .contains("'No keyCertSign' has a key usage without keyCertSign"),
            "{}",
            v.message
        );
        let v = ca_certificate_usage(Some(&not_ca.parsed()), &[]);
        assert!(
            v.message
                .contains("'Not a CA' has no basic constraints extension"),
            "{}",
            v.message
        );

        assert_eq!(state(&[v]), ValidationState::Invalid);
    }

    #[test]
    fn missing_inputs_are_not_available_and_do_not_invalidate() {
        let validations = [
            verify_root_certificate(None, at()),
            verify_chain_certificates(&[], None, at()),
            ca_certificate_usage(None, &[]),
            certificate_validity(None, at()),
            certificate_public_key_length(None, 2048),
        ];
        for v in &validations {
            assert_eq!((v.performed, v.result), (false, R::NotAvailable), "{v:?}");
        }
        assert_eq!(state(&validations), ValidationState::Valid);
        let json = serde_json::to_value(&validations[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"validationCode": "VERIFY_ROOT_CERTIFICATE", "performed": false,
                "result": "NOT_AVAILABLE", "message": "No root certificate", "messageTemplate": "", "data": {}})
        );
    }
}
