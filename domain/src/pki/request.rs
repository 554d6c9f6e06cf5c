//! Making a CSR for a key the Connection Manager holds: the Hub's own CSRs of outbound
//! enrollments, which a DFSP's CA signs.

use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509NameBuilder, X509ReqBuilder};

use super::ca::{first_reason, CaError};
use super::parse::{self, ParsedCsr};

/// The subject of a CSR, already checked by the service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsrSubject {
    pub common_name: String,
    pub email_address: Option<String>,
    pub organization: Option<String>,
    pub organizational_unit: Option<String>,
    pub country: Option<String>,
    pub state: Option<String>,
    pub locality: Option<String>,
}

/// A CSR for `key`, signed with SHA-256: the subject in RFC 5280's order, the DNS names and IP
/// addresses as alternative names.
pub fn make_csr(
    subject: &CsrSubject,
    dns: &[String],
    ips: &[String],
    key: &PKey<Private>,
) -> Result<ParsedCsr, CaError> {
    let engine = |e: openssl::error::ErrorStack| CaError::Engine(first_reason(&e));
    let mut name = X509NameBuilder::new().map_err(engine)?;
    let parts = [
        (Nid::COUNTRYNAME, subject.country.as_deref()),
        (Nid::STATEORPROVINCENAME, subject.state.as_deref()),
        (Nid::LOCALITYNAME, subject.locality.as_deref()),
        (Nid::ORGANIZATIONNAME, subject.organization.as_deref()),
        (
            Nid::ORGANIZATIONALUNITNAME,
            subject.organizational_unit.as_deref(),
        ),
        (Nid::COMMONNAME, Some(subject.common_name.as_str())),
        (Nid::PKCS9_EMAILADDRESS, subject.email_address.as_deref()),
    ];
    for (nid, value) in parts {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            name.append_entry_by_nid(nid, value)
                .map_err(|_| CaError::Invalid(format!("'{value}' cannot be encoded in a name")))?;
        }
    }
    let mut builder = X509ReqBuilder::new().map_err(engine)?;
    builder.set_subject_name(&name.build()).map_err(engine)?;
    builder.set_pubkey(key).map_err(engine)?;
    if !(dns.is_empty() && ips.is_empty()) {
        let mut san = SubjectAlternativeName::new();
        for name in dns {
            san.dns(name);
        }
        for ip in ips {
            san.ip(ip);
        }
        let mut extensions = Stack::new().map_err(engine)?;
        extensions
            .push(san.build(&builder.x509v3_context(None)).map_err(engine)?)
            .map_err(engine)?;
        builder.add_extensions(&extensions).map_err(engine)?;
    }
    builder.sign(key, MessageDigest::sha256()).map_err(engine)?;
    let request = builder.build();
    parse::csr(&request.to_der().map_err(engine)?).map_err(|e| CaError::Engine(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::testing::rsa_key;

    #[test]
    fn a_csr_says_what_was_asked_and_verifies() {
        let key = rsa_key(2048);
        let subject = CsrSubject {
            common_name: "hub.test.modusbox.com".into(),
            email_address: Some("connection-manager-admin@modusbox.com".into()),
            organization: Some("Modusbox".into()),
            organizational_unit: Some("PKI".into()),
            country: Some("YY".into()),
            state: Some("ZZ".into()),
            locality: Some("XX".into()),
        };
        let csr = make_csr(
            &subject,
            &["hub1.test.modusbox.com".into()],
            &["163.10.5.24".into()],
            &key,
        )
        .unwrap();
        let info = &csr.info;
        assert_eq!(
            info.subject.common_name.as_deref(),
            Some("hub.test.modusbox.com")
        );
        assert_eq!(
            info.subject.email_address.as_deref(),
            Some("connection-manager-admin@modusbox.com")
        );
        assert_eq!(
            info.extensions.subject_alt_name.dns,
            ["hub1.test.modusbox.com"]
        );
        assert_eq!(info.extensions.subject_alt_name.ips, ["163.10.5.24"]);
        assert_eq!(info.signature_algorithm, "SHA256WithRSA");
        let validations = crate::pki::validations::outbound_validations(
            Some(&csr),
            None,
            Some(&key.public_key_to_der().unwrap()),
            None,
            time::macros::datetime!(2026-11-28 09:30 UTC),
        );
        assert_eq!(
            validations[0].result,
            crate::pki::validations::ValidationResult::Valid
        );
    }
}
