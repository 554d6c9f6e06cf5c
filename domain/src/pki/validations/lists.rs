//! Which validations run for which operation, in MCM's order (its
//! `ValidationsConfiguration.js`, the reference's section 6.3).

use time::OffsetDateTime;

use super::*;
use crate::pki::ca_chain::CaChain;
use crate::pki::parse::{ParsedCertificate, ParsedCsr};

/// `dfspCaValidations`: a DFSP's CA and the Hub's external CAs.
pub fn ca_chain_validations(
    root: Option<&ParsedCertificate>,
    intermediates: &[ParsedCertificate],
    at: OffsetDateTime,
) -> Vec<Validation> {
    vec![
        verify_root_certificate(root, at),
        verify_chain_certificates(intermediates, root, at),
        ca_certificate_usage(root, intermediates),
    ]
}

/// `inboundValidations`: a DFSP's CSR, and the certificate the Hub (or its external CA,
/// `signed_by_external_ca`) issued for it. The Hub never holds the DFSP's private key.
pub fn inbound_validations(
    csr: Option<&ParsedCsr>,
    certificate: Option<&ParsedCertificate>,
    signed_by_external_ca: bool,
    at: OffsetDateTime,
) -> Vec<Validation> {
    vec![
        csr_signature_valid(csr),
        csr_signature_algorithm(csr),
        csr_public_key_length(csr, 4096),
        csr_cert_same_public_key(csr, certificate),
        csr_cert_same_subject_info(csr, certificate, signed_by_external_ca),
        csr_mandatory_distinguished_name(csr),
        certificate_validity(certificate, at),
        certificate_signature_algorithm(certificate),
        csr_cert_public_private_key_match(certificate, None),
        csr_cert_same_cn(csr, certificate),
    ]
}

/// `outboundValidations`: the Hub's CSR (and the public half of the key it made for it, DER),
/// and the certificate the DFSP's CA issued for it.
pub fn outbound_validations(
    csr: Option<&ParsedCsr>,
    certificate: Option<&ParsedCertificate>,
    key: Option<&[u8]>,
    dfsp_ca: Option<&CaChain>,
    at: OffsetDateTime,
) -> Vec<Validation> {
    vec![
        csr_signature_valid(csr),
        csr_signature_algorithm(csr),
        csr_public_key_length(csr, 4096),
        csr_cert_same_public_key(csr, certificate),
        csr_mandatory_distinguished_name(csr),
        csr_cert_public_private_key_match(certificate, key),
        certificate_validity(certificate, at),
        certificate_signature_algorithm(certificate),
        certificate_signed_by_dfsp_ca(certificate, dfsp_ca, at),
    ]
}

/// `serverCertValidations`: a TLS server certificate of the Hub or of a DFSP, with the root and
/// intermediates it chains to.
pub fn server_certificate_validations(
    certificate: Option<&ParsedCertificate>,
    intermediates: &[ParsedCertificate],
    root: Option<&ParsedCertificate>,
    at: OffsetDateTime,
) -> Vec<Validation> {
    vec![
        certificate_usage_server(certificate),
        certificate_validity(certificate, at),
        certificate_chain(certificate, intermediates, root, at),
        certificate_public_key_length(certificate, 4096),
        verify_root_certificate(root, at),
        verify_chain_certificates(intermediates, root, at),
    ]
}

/// `jwsCertValidations`: a DFSP's JWS signing certificate.
pub fn jws_certificate_validations(
    certificate: Option<&ParsedCertificate>,
    at: OffsetDateTime,
) -> Vec<Validation> {
    vec![
        certificate_validity(certificate, at),
        certificate_public_key_length(certificate, 2048),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::testing::{csr, issue, rsa_key, Spec};
    use openssl::hash::MessageDigest;
    use time::macros::datetime;

    fn codes(validations: &[Validation]) -> Vec<String> {
        validations
            .iter()
            .map(|v| {
                serde_json::to_value(v.validation_code)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    /// Each list has MCM's codes in MCM's order, and with nothing to check nothing fails.
    #[test]
    fn the_lists_are_mcms() {
        let at = datetime!(2026-11-28 09:30 UTC);
        let cases: [(Vec<Validation>, &[&str]); 5] = [
            (
                ca_chain_validations(None, &[], at),
                &[
                    "VERIFY_ROOT_CERTIFICATE",
                    "VERIFY_CHAIN_CERTIFICATES",
                    "CA_CERTIFICATE_USAGE",
                ],
            ),
            (
                inbound_validations(None, None, false, at),
                &[
                    "CSR_SIGNATURE_VALID",
                    "CSR_SIGNATURE_ALGORITHM",
                    "CSR_PUBLIC_KEY_LENGTH_4096",
                    "CSR_CERT_SAME_PUBLIC_KEY",
                    "CSR_CERT_SAME_SUBJECT_INFO",
                    "CSR_MANDATORY_DISTINGUISHED_NAME",
                    "CERTIFICATE_VALIDITY",
                    "CERTIFICATE_SIGNATURE_ALGORITHM",
                    "CSR_CERT_PUBLIC_PRIVATE_KEY_MATCH",
                    "CSR_CERT_SAME_CN",
                ],
            ),
            (
                outbound_validations(None, None, None, None, at),
                &[
                    "CSR_SIGNATURE_VALID",
                    "CSR_SIGNATURE_ALGORITHM",
                    "CSR_PUBLIC_KEY_LENGTH_4096",
                    "CSR_CERT_SAME_PUBLIC_KEY",
                    "CSR_MANDATORY_DISTINGUISHED_NAME",
                    "CSR_CERT_PUBLIC_PRIVATE_KEY_MATCH",
                    "CERTIFICATE_VALIDITY",
                    "CERTIFICATE_SIGNATURE_ALGORITHM",
                    "CERTIFICATE_SIGNED_BY_DFSP_CA",
                ],
            ),
            (
                server_certificate_validations(None, &[], None, at),
                &[
                    "CERTIFICATE_USAGE_SERVER",
                    "CERTIFICATE_VALIDITY",
                    "CERTIFICATE_CHAIN",
                    "CERTIFICATE_PUBLIC_KEY_LENGTH_4096",
                    "VERIFY_ROOT_CERTIFICATE",
                    "VERIFY_CHAIN_CERTIFICATES",
                ],
            ),
            (
                jws_certificate_validations(None, at),
                &["CERTIFICATE_VALIDITY", "CERTIFICATE_PUBLIC_KEY_LENGTH_2048"],
            ),
        ];
        for (validations, expected) in cases {
            assert_eq!(codes(&validations), expected);
            assert_eq!(state(&validations), ValidationState::Valid);
        }
    }

    /// The reference's practical consequences: a 4096-bit SHA-256 CSR with all seven DN
    /// attributes is VALID, also once the Hub signed it; a 2048-bit one is INVALID.
    #[test]
    fn inbound_validations_agree_with_the_reference_scripts() {
        let at = datetime!(2026-11-28 09:30 UTC);
        let subject = [
            ("CN", "dfsp.example.com"),
            ("OU", "Payments"),
            ("O", "Bank"),
            ("L", "Kampala"),
            ("ST", "Central"),
            ("C", "UG"),
            ("emailAddress", "pki@bank.example"),
        ];
        let key = rsa_key(4096);
        let request = csr(&subject, &[], &key, MessageDigest::sha256());
        assert_eq!(
            state(&inbound_validations(Some(&request), None, false, at)),
            ValidationState::Valid
        );
        let small = csr(&subject, &[], &rsa_key(2048), MessageDigest::sha256());
        assert_eq!(
            state(&inbound_validations(Some(&small), None, false, at)),
            ValidationState::Invalid
        );

        let root = issue("Hub CA", None, true, true, None);
        let mut spec = Spec::new("dfsp.example.com");
        spec.key = Some(key);
        let signed = spec.issue(Some(&root)).parsed();
        let validations = inbound_validations(Some(&request), Some(&signed), false, at);
        // The test certificate has only a CN: the subject comparison is what fails.
        let invalid: Vec<_> = validations
            .iter()
            .filter(|v| v.result == ValidationResult::Invalid)
            .map(|v| v.validation_code)
            .collect();
        assert_eq!(invalid, [ValidationCode::CsrCertSameSubjectInfo]);
        assert_eq!(
            state(&inbound_validations(
                Some(&request),
                Some(&signed),
                true,
                at
            )),
            ValidationState::Valid
        );
    }
}
