//! The validation catalogue (MCM's section 6): each check gives a [`Validation`] in MCM's
//! result format, and an operation's [`ValidationState`] is `INVALID` as soon as one of its
//! validations is. Messages say what is wrong and how to fix it.

use serde::{Deserialize, Serialize};

/// The validation codes, as MCM emits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = ValidationCodes))]
pub enum ValidationCode {
    #[serde(rename = "VERIFY_ROOT_CERTIFICATE")]
    VerifyRootCertificate,
    #[serde(rename = "VERIFY_CHAIN_CERTIFICATES")]
    VerifyChainCertificates,
    #[serde(rename = "CA_CERTIFICATE_USAGE")]
    CaCertificateUsage,
    #[serde(rename = "CERTIFICATE_VALIDITY")]
    CertificateValidity,
    #[serde(rename = "CERTIFICATE_PUBLIC_KEY_LENGTH_2048")]
    CertificatePublicKeyLength2048,
    #[serde(rename = "CERTIFICATE_PUBLIC_KEY_LENGTH_4096")]
    CertificatePublicKeyLength4096,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValidationResult {
    Valid,
    Invalid,
    NotAvailable,
}

/// The outcome of a set of validations: `INVALID` if one is, else `VALID`; `NOT_AVAILABLE`
/// when there was nothing to validate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValidationState {
    Valid,
    Invalid,
    NotAvailable,
}

/// One validation, in MCM's format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    pub validation_code: ValidationCode,
    /// `false` (with `NOT_AVAILABLE`) when an input was missing or the check does not apply.
    pub performed: bool,
    pub result: ValidationResult,
    pub message: String,
    #[serde(default)]
    pub message_template: String,
    /// Typed values the message refers to: `{"name": {"type": "DATE"|"INTEGER", "value": ...}}`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub data: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<Object>))]
    pub details: Option<serde_json::Value>,
}

#[cfg(feature = "server")]
impl Validation {
    fn new(code: ValidationCode, result: ValidationResult, message: impl Into<String>) -> Self {
        Validation {
            validation_code: code,
            performed: result != ValidationResult::NotAvailable,
            result,
            message: message.into(),
            message_template: String::new(),
            data: serde_json::json!({}),
            details: None,
        }
    }

    fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(serde_json::Value::String(details.into()));
        self
    }
}

/// The state of an operation's validations.
pub fn state(validations: &[Validation]) -> ValidationState {
    if validations
        .iter()
        .any(|v| v.result == ValidationResult::Invalid)
    {
        ValidationState::Invalid
    } else {
        ValidationState::Valid
    }
}

#[cfg(feature = "server")]
pub use checks::*;

#[cfg(feature = "server")]
mod checks {
    use openssl::x509::X509;
    use time::OffsetDateTime;

    use super::{Validation, ValidationCode as Code, ValidationResult as R};
    use crate::pki::chain;
    use crate::pki::parse::ParsedCertificate;

    fn x509(certificate: &ParsedCertificate) -> Option<X509> {
        X509::from_der(&certificate.der).ok()
    }

    fn name(certificate: &ParsedCertificate) -> String {
        let subject = &certificate.info.subject;
        format!(
            "'{}'",
            subject
                .common_name
                .clone()
                .or_else(|| subject.organization.clone())
                .unwrap_or_else(|| certificate.info.serial_hex.clone())
        )
    }

    /// `VERIFY_ROOT_CERTIFICATE`: the root is self-signed, valid at `at`, and its signature
    /// verifies. A "root" signed by someone else is refused: trust comes only from what is
    /// uploaded, never from the system's store.
    pub fn verify_root_certificate(
        root: Option<&ParsedCertificate>,
        at: OffsetDateTime,
    ) -> Validation {
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
                    format!(
                        "Every CA certificate must be a CA allowed to sign certificates: {why}"
                    ),
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

    /// `CERTIFICATE_PUBLIC_KEY_LENGTH_2048` / `_4096`: an RSA key of at least `minimum` bits.
    /// An EC key is measured against the RSA size of the same strength (P-256 as 3072 bits,
    /// P-384 as 7680), which MCM, knowing only RSA, did not.
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
        let strength = match key.algorithm.as_str() {
            "RSA" => key.bits,
            "EC" | "Ed25519" => match key.bits {
                0..=223 => 2048 - 1,
                224..=255 => 2048,
                256..=383 => 3072,
                384..=511 => 7680,
                _ => 15360,
            },
            _ => key.bits,
        };
        let integer = |value: u32| serde_json::json!({"type": "INTEGER", "value": value});
        let mut validation = if strength >= minimum {
            Validation::new(code, R::Valid, "Certificate key length valid")
        } else {
            let mut v = Validation::new(
                code,
                R::Invalid,
                format!(
                    "Certificate key length {} invalid, should be {minimum}: make a new key of at least {minimum} bits",
                    key.bits
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

    #[cfg(test)]
    mod tests {
        use super::super::{state, ValidationResult as R, ValidationState};
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
    }
}
