//! Reading certificates, chains and CSRs from PEM or DER.
//!
//! Whatever the input, the answer is a value or a [`PkiError`] that says what is wrong in words
//! a person can act on; never a panic. x509-parser reads the fields; OpenSSL checks a CSR's
//! signature and computes fingerprints.

use std::net::IpAddr;

use openssl::hash::MessageDigest;
use openssl::x509::X509Req;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::{self as oids, Oid};
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use super::{
    BasicConstraints, CertInfo, CsrInfo, DistinguishedName, Extensions, PublicKeyInfo,
    SubjectAltNames,
};
use crate::DomainError;

/// Why bytes are not the certificate(s) or CSR they should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    #[error("is empty: paste a PEM {0} (it starts with -----BEGIN) or upload the file")]
    Empty(&'static str),
    #[error("is not a PEM or DER {0}")]
    Unreadable(&'static str),
    #[error("is not valid PEM: {0}")]
    BadPem(String),
    #[error("holds a PEM block labelled {found} where a {expected} is expected")]
    WrongLabel {
        expected: &'static str,
        found: String,
    },
    #[error("{0}")]
    BadDer(String),
    #[error("holds {0} certificates where one is expected")]
    NotOne(usize),
    #[error(
        "the CSR's signature does not verify with its own public key: it was altered or damaged"
    )]
    CsrSignature,
}

impl PkiError {
    /// The error as a 400 on `field` of the `what` being checked.
    pub fn invalid(&self, what: &str, field: &str) -> DomainError {
        DomainError::invalid_field(what, field, self.to_string())
    }
}

/// One certificate as read: its DER encoding, its PEM text and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCertificate {
    pub der: Vec<u8>,
    pub pem: String,
    pub info: CertInfo,
    /// The subject's SubjectPublicKeyInfo, DER, as the certificate encodes it.
    pub public_key_info: Vec<u8>,
}

/// A CSR as read, with its signature verified: [`csr`] makes none whose signature does not
/// verify with its own key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCsr {
    pub der: Vec<u8>,
    pub pem: String,
    pub info: CsrInfo,
    /// The requested key's SubjectPublicKeyInfo, DER, as the CSR encodes it.
    pub public_key_info: Vec<u8>,
}

const CERTIFICATE: &str = "certificate";
const CSR: &str = "certificate signing request";

/// Exactly one certificate, PEM or DER.
pub fn certificate(input: &[u8]) -> Result<ParsedCertificate, PkiError> {
    let mut all = certificates(input)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        n => Err(PkiError::NotOne(n)),
    }
}

/// One or more certificates (a chain, in any order): PEM blocks, or one DER certificate.
pub fn certificates(input: &[u8]) -> Result<Vec<ParsedCertificate>, PkiError> {
    let blocks = blocks(input, CERTIFICATE, &["CERTIFICATE", "X509 CERTIFICATE"])?;
    let count = blocks.len();
    blocks
        .into_iter()
        .enumerate()
        .map(|(i, der)| {
            read_certificate(der).map_err(|detail| {
                PkiError::BadDer(if count == 1 {
                    format!("the certificate could not be read: {detail}")
                } else {
                    format!(
                        "certificate {} of {count} could not be read: {detail}",
                        i + 1
                    )
                })
            })
        })
        .collect()
}

/// A CSR, PEM or DER, whose signature verifies with its own key.
pub fn csr(input: &[u8]) -> Result<ParsedCsr, PkiError> {
    let mut blocks = blocks(
        input,
        CSR,
        &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"],
    )?;
    if blocks.len() != 1 {
        return Err(PkiError::BadPem(format!(
            "holds {} CSRs where one is expected",
            blocks.len()
        )));
    }
    let der = blocks.remove(0);
    let (rest, request) = X509CertificationRequest::from_der(&der)
        .map_err(|e| PkiError::BadDer(format!("the CSR could not be read: {e}")))?;
    if !rest.is_empty() {
        return Err(PkiError::BadDer(format!(
            "the CSR could not be read: {} bytes follow it",
            rest.len()
        )));
    }
    let verified = X509Req::from_der(&der)
        .and_then(|req| req.public_key().and_then(|key| req.verify(&key)))
        .unwrap_or(false);
    if !verified {
        return Err(PkiError::CsrSignature);
    }
    let info_part = &request.certification_request_info;
    let mut sans = SubjectAltNames::default();
    for extension in request.requested_extensions().into_iter().flatten() {
        if let ParsedExtension::SubjectAlternativeName(names) = extension {
            collect_names(&names.general_names, &mut sans).map_err(|detail| {
                PkiError::BadDer(format!("the CSR could not be read: {detail}"))
            })?;
        }
    }
    let info = CsrInfo {
        subject: name(&info_part.subject),
        extensions: Extensions {
            subject_alt_name: sans,
        },
        public_key: public_key(&info_part.subject_pki),
        signature_algorithm: signature_algorithm(&request.signature_algorithm),
    };
    let public_key_info = info_part.subject_pki.raw.to_vec();
    Ok(ParsedCsr {
        pem: to_pem("CERTIFICATE REQUEST", &der),
        der,
        info,
        public_key_info,
    })
}

/// The DER contents of the input's PEM blocks (each with one of `labels`), or the input itself
/// when it is not PEM.
fn blocks(input: &[u8], what: &'static str, labels: &[&str]) -> Result<Vec<Vec<u8>>, PkiError> {
    let text_start = input.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = text_start else {
        return Err(PkiError::Empty(what));
    };
    let trimmed = &input[start..];
    if trimmed.first() == Some(&0x30) {
        // A DER SEQUENCE: the whole input is one object.
        return Ok(vec![trimmed.to_vec()]);
    }
    if !looks_like_pem(trimmed) {
        return Err(PkiError::Unreadable(what));
    }
    let mut found = Vec::new();
    for block in Pem::iter_from_buffer(trimmed) {
        let block = block.map_err(|e| PkiError::BadPem(pem_problem(&e)))?;
        if !labels.contains(&block.label.as_str()) {
            return Err(PkiError::WrongLabel {
                expected: what,
                found: block.label,
            });
        }
        found.push(block.contents);
    }
    if found.is_empty() {
        return Err(PkiError::BadPem(
            "no -----BEGIN ...----- line was found".into(),
        ));
    }
    Ok(found)
}

fn looks_like_pem(text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok_and(|t| t.contains("-----BEGIN "))
}

fn pem_problem(error: &x509_parser::error::PEMError) -> String {
    use x509_parser::error::PEMError;
    match error {
        PEMError::IncompletePEM => {
            "a block has no -----END ...----- line; was the text cut short?".into()
        }
        PEMError::Base64DecodeError => {
            "a block's body is not base64; was something else pasted into it?".into()
        }
        PEMError::MissingHeader => "a block has no -----BEGIN ...----- line".into(),
        PEMError::InvalidHeader => "a block's -----BEGIN ...----- line is malformed".into(),
        other => other.to_string(),
    }
}

fn read_certificate(der: Vec<u8>) -> Result<ParsedCertificate, String> {
    let (rest, cert) = X509Certificate::from_der(&der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} bytes follow it", rest.len()));
    }
    if cert.version().0 > 2 {
        return Err(format!(
            "its version ({}) is not one X.509 defines (1, 2 or 3)",
            u64::from(cert.version().0) + 1
        ));
    }
    let info = cert_info(&cert, &der)?;
    let public_key_info = cert.tbs_certificate.subject_pki.raw.to_vec();
    Ok(ParsedCertificate {
        pem: to_pem("CERTIFICATE", &der),
        der,
        info,
        public_key_info,
    })
}

/// What an extension is, for a message.
fn extension_name(oid: &Oid<'_>) -> String {
    let names = [
        (
            &oids::OID_X509_EXT_SUBJECT_ALT_NAME,
            "subject alternative name",
        ),
        (
            &oids::OID_X509_EXT_ISSUER_ALT_NAME,
            "issuer alternative name",
        ),
        (&oids::OID_X509_EXT_BASIC_CONSTRAINTS, "basic constraints"),
        (&oids::OID_X509_EXT_KEY_USAGE, "key usage"),
        (&oids::OID_X509_EXT_EXTENDED_KEY_USAGE, "extended key usage"),
        (&oids::OID_X509_EXT_NAME_CONSTRAINTS, "name constraints"),
        (
            &oids::OID_X509_EXT_CERTIFICATE_POLICIES,
            "certificate policies",
        ),
        (
            &oids::OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER,
            "authority key identifier",
        ),
        (
            &oids::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER,
            "subject key identifier",
        ),
    ];
    names
        .iter()
        .find(|(known, _)| *known == oid)
        .map(|(_, name)| (*name).to_owned())
        .unwrap_or_else(|| oid.to_id_string())
}

fn cert_info(cert: &X509Certificate<'_>, der: &[u8]) -> Result<CertInfo, String> {
    for extension in cert.extensions() {
        if let ParsedExtension::ParseError { error } = extension.parsed_extension() {
            return Err(format!(
                "its {} extension is malformed ({error})",
                extension_name(&extension.oid)
            ));
        }
    }
    let mut sans = SubjectAltNames::default();
    if let Some(extension) = cert
        .subject_alternative_name()
        .map_err(|e| format!("its subject alternative names are malformed ({e})"))?
    {
        collect_names(&extension.value.general_names, &mut sans)?;
    }
    let key_usages = match cert
        .key_usage()
        .map_err(|e| format!("its key usage is malformed ({e})"))?
    {
        Some(usage) => {
            let u = usage.value;
            [
                (u.digital_signature(), "digitalSignature"),
                (u.non_repudiation(), "nonRepudiation"),
                (u.key_encipherment(), "keyEncipherment"),
                (u.data_encipherment(), "dataEncipherment"),
                (u.key_agreement(), "keyAgreement"),
                (u.key_cert_sign(), "keyCertSign"),
                (u.crl_sign(), "cRLSign"),
                (u.encipher_only(), "encipherOnly"),
                (u.decipher_only(), "decipherOnly"),
            ]
            .into_iter()
            .filter(|(set, _)| *set)
            .map(|(_, name)| name.to_owned())
            .collect()
        }
        None => Vec::new(),
    };
    let extended_key_usages = match cert
        .extended_key_usage()
        .map_err(|e| format!("its extended key usage is malformed ({e})"))?
    {
        Some(usage) => {
            let u = usage.value;
            let mut names: Vec<String> = [
                (u.any, "anyExtendedKeyUsage"),
                (u.server_auth, "serverAuth"),
                (u.client_auth, "clientAuth"),
                (u.code_signing, "codeSigning"),
                (u.email_protection, "emailProtection"),
                (u.time_stamping, "timeStamping"),
                (u.ocsp_signing, "OCSPSigning"),
            ]
            .into_iter()
            .filter(|(set, _)| *set)
            .map(|(_, name)| name.to_owned())
            .collect();
            names.extend(u.other.iter().map(|oid| oid.to_id_string()));
            names
        }
        None => Vec::new(),
    };
    let basic_constraints = cert
        .basic_constraints()
        .map_err(|e| format!("its basic constraints are malformed ({e})"))?
        .map(|bc| BasicConstraints {
            ca: bc.value.ca,
            path_length: bc.value.path_len_constraint,
            critical: bc.critical,
        });
    let mut subject_key_identifier = None;
    let mut authority_key_identifier = None;
    for extension in cert.extensions() {
        match extension.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => {
                subject_key_identifier = Some(hex_with_colons(id.0));
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key_identifier =
                    aki.key_identifier.as_ref().map(|id| hex_with_colons(id.0));
            }
            _ => {}
        }
    }
    let fingerprint = openssl::hash::hash(MessageDigest::sha256(), der)
        .map_err(|_| "its fingerprint could not be computed".to_owned())?;
    let all_names = sans.all();
    Ok(CertInfo {
        subject: name(cert.subject()),
        issuer: name(cert.issuer()),
        subject_alternative_names: (!all_names.is_empty()).then_some(all_names),
        serial_number: cert.tbs_certificate.serial.to_string(),
        serial_hex: hex_with_colons(cert.tbs_certificate.raw_serial()),
        not_before: instant(cert.validity().not_before.timestamp())?,
        not_after: instant(cert.validity().not_after.timestamp())?,
        signature_algorithm: signature_algorithm(&cert.signature_algorithm),
        extensions: Extensions {
            subject_alt_name: sans,
        },
        public_key: public_key(cert.public_key()),
        key_usages,
        extended_key_usages,
        basic_constraints,
        subject_key_identifier,
        authority_key_identifier,
        fingerprint_sha256: hex_with_colons(&fingerprint),
        self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
    })
}

fn instant(unix: i64) -> Result<String, String> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| "its validity dates are out of range".to_owned())
}

fn hex_with_colons(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn name(name: &X509Name<'_>) -> DistinguishedName {
    fn joined<'a>(
        values: impl Iterator<Item = &'a x509_parser::x509::AttributeTypeAndValue<'a>>,
    ) -> Option<String> {
        let values: Vec<String> = values
            .map(|attribute| match attribute.as_str() {
                Ok(text) => text.to_owned(),
                Err(_) => String::from_utf8_lossy(attribute.as_slice()).into_owned(),
            })
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    }
    DistinguishedName {
        common_name: joined(name.iter_common_name()),
        email_address: joined(name.iter_email()),
        organization: joined(name.iter_organization()),
        organizational_unit: joined(name.iter_organizational_unit()),
        country: joined(name.iter_country()),
        state: joined(name.iter_state_or_province()),
        locality: joined(name.iter_locality()),
    }
}

fn collect_names(names: &[GeneralName<'_>], into: &mut SubjectAltNames) -> Result<(), String> {
    for general in names {
        match general {
            GeneralName::DNSName(dns) => into.dns.push((*dns).to_owned()),
            GeneralName::RFC822Name(email) => into.email_addresses.push((*email).to_owned()),
            GeneralName::URI(uri) => into.uris.push((*uri).to_owned()),
            GeneralName::IPAddress(bytes) => {
                let ip = match bytes.len() {
                    4 => <[u8; 4]>::try_from(*bytes).ok().map(IpAddr::from),
                    16 => <[u8; 16]>::try_from(*bytes).ok().map(IpAddr::from),
                    _ => None,
                };
                into.ips.push(match ip {
                    Some(ip) => ip.to_string(),
                    None => hex_with_colons(bytes),
                });
            }
            GeneralName::Invalid(..) => {
                return Err("its subject alternative names hold an entry that is not valid (a name that is not text, or of a malformed type)".into());
            }
            _ => {}
        }
    }
    Ok(())
}

fn public_key(spki: &SubjectPublicKeyInfo<'_>) -> PublicKeyInfo {
    let algorithm = &spki.algorithm.algorithm;
    let bits = spki
        .parsed()
        .map(|key| match key {
            PublicKey::RSA(rsa) => rsa.key_size(),
            other => other.key_size(),
        })
        .unwrap_or(0) as u32;
    if *algorithm == oids::OID_PKCS1_RSAENCRYPTION {
        return PublicKeyInfo {
            algorithm: "RSA".into(),
            bits,
            curve: None,
        };
    }
    if *algorithm == oids::OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        let (curve, bits) = match curve {
            Some(c) if c == oids::OID_EC_P256 => ("P-256".to_owned(), 256),
            Some(c) if c == oids::OID_NIST_EC_P384 => ("P-384".to_owned(), 384),
            Some(c) if c == oids::OID_NIST_EC_P521 => ("P-521".to_owned(), 521),
            Some(c) => (c.to_id_string(), bits),
            None => ("unknown".to_owned(), bits),
        };
        return PublicKeyInfo {
            algorithm: "EC".into(),
            bits,
            curve: Some(curve),
        };
    }
    let ed25519 = Oid::from(&[1, 3, 101, 112]).ok();
    if ed25519.as_ref() == Some(algorithm) {
        return PublicKeyInfo {
            algorithm: "Ed25519".into(),
            bits: 256,
            curve: None,
        };
    }
    PublicKeyInfo {
        algorithm: algorithm.to_id_string(),
        bits,
        curve: None,
    }
}

/// Go's names for signature algorithms, which MCM (through cfssl) reported.
fn signature_algorithm(algorithm: &AlgorithmIdentifier<'_>) -> String {
    let oid = &algorithm.algorithm;
    let known = [
        (oids::OID_PKCS1_SHA1WITHRSA, "SHA1WithRSA"),
        (oids::OID_PKCS1_SHA256WITHRSA, "SHA256WithRSA"),
        (oids::OID_PKCS1_SHA384WITHRSA, "SHA384WithRSA"),
        (oids::OID_PKCS1_SHA512WITHRSA, "SHA512WithRSA"),
        (oids::OID_PKCS1_RSASSAPSS, "RSAPSS"),
        (oids::OID_SIG_ECDSA_WITH_SHA256, "ECDSAWithSHA256"),
        (oids::OID_SIG_ECDSA_WITH_SHA384, "ECDSAWithSHA384"),
        (oids::OID_SIG_ECDSA_WITH_SHA512, "ECDSAWithSHA512"),
    ];
    known
        .iter()
        .find(|(known, _)| known == oid)
        .map(|(_, name)| (*name).to_owned())
        .or_else(|| {
            let ed25519 = Oid::from(&[1, 3, 101, 112]).ok()?;
            (&ed25519 == oid).then(|| "Ed25519".to_owned())
        })
        .unwrap_or_else(|| oid.to_id_string())
}

/// PEM text of `der`, 64 characters a line, as RFC 7468 writes it.
pub fn to_pem(label: &str, der: &[u8]) -> String {
    let encoded = openssl::base64::encode_block(der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in encoded.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::{BigNum, MsbOption};
    use openssl::ec::{EcGroup, EcKey};
    use openssl::nid::Nid;
    use openssl::pkey::{PKey, Private};
    use openssl::rsa::Rsa;
    use openssl::stack::Stack;
    use openssl::x509::extension::{
        BasicConstraints as Bc, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    };
    use openssl::x509::{X509Name as Name, X509NameBuilder, X509ReqBuilder, X509};

    fn dn(cn: &str) -> Name {
        let mut name = X509NameBuilder::new().unwrap();
        for (field, value) in [
            ("C", "FR"),
            ("ST", "Ile-de-France"),
            ("L", "Paris"),
            ("O", "Modusbox"),
            ("OU", "MCM"),
            ("CN", cn),
            ("emailAddress", "pki@example.com"),
        ] {
            name.append_entry_by_text(field, value).unwrap();
        }
        name.build()
    }

    fn rsa(bits: u32) -> PKey<Private> {
        PKey::from_rsa(Rsa::generate(bits).unwrap()).unwrap()
    }

    fn ec(curve: Nid) -> PKey<Private> {
        PKey::from_ec_key(EcKey::generate(&EcGroup::from_curve_name(curve).unwrap()).unwrap())
            .unwrap()
    }

    /// A self-signed RSA CA and an ECDSA leaf it signed, with every kind of SAN.
    fn ca_and_leaf() -> (X509, PKey<Private>, X509) {
        let ca_key = rsa(2048);
        let mut ca = X509::builder().unwrap();
        ca.set_version(2).unwrap();
        let mut serial = BigNum::new().unwrap();
        serial.rand(159, MsbOption::MAYBE_ZERO, false).unwrap();
        ca.set_serial_number(&serial.to_asn1_integer().unwrap())
            .unwrap();
        ca.set_subject_name(&dn("Test Root CA")).unwrap();
        ca.set_issuer_name(&dn("Test Root CA")).unwrap();
        ca.set_pubkey(&ca_key).unwrap();
        ca.set_not_before(&Asn1Time::from_unix(1_764_288_000).unwrap())
            .unwrap();
        ca.set_not_after(&Asn1Time::from_unix(1_922_054_400).unwrap())
            .unwrap();
        ca.append_extension(Bc::new().critical().ca().pathlen(1).build().unwrap())
            .unwrap();
        ca.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .unwrap(),
        )
        .unwrap();
        ca.sign(&ca_key, MessageDigest::sha256()).unwrap();
        let ca = ca.build();

        let leaf_key = ec(Nid::X9_62_PRIME256V1);
        let mut leaf = X509::builder().unwrap();
        leaf.set_version(2).unwrap();
        leaf.set_serial_number(&BigNum::from_u32(4096).unwrap().to_asn1_integer().unwrap())
            .unwrap();
        leaf.set_subject_name(&dn("dfsp1.example.com")).unwrap();
        leaf.set_issuer_name(ca.subject_name()).unwrap();
        leaf.set_pubkey(&leaf_key).unwrap();
        leaf.set_not_before(&Asn1Time::from_unix(1_764_288_000).unwrap())
            .unwrap();
        leaf.set_not_after(&Asn1Time::from_unix(1_795_824_000).unwrap())
            .unwrap();
        let context = leaf.x509v3_context(Some(&ca), None);
        let san = SubjectAlternativeName::new()
            .dns("dfsp1.example.com")
            .ip("163.10.5.24")
            .ip("2001:db8::1")
            .email("ops@dfsp1.example.com")
            .uri("https://dfsp1.example.com/api")
            .build(&context)
            .unwrap();
        leaf.append_extension(san).unwrap();
        leaf.append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .build()
                .unwrap(),
        )
        .unwrap();
        leaf.append_extension(
            ExtendedKeyUsage::new()
                .server_auth()
                .client_auth()
                .build()
                .unwrap(),
        )
        .unwrap();
        leaf.sign(&ca_key, MessageDigest::sha384()).unwrap();
        (ca, ca_key, leaf.build())
    }

    fn csr_pem(key: &PKey<Private>) -> Vec<u8> {
        let mut req = X509ReqBuilder::new().unwrap();
        req.set_subject_name(&dn("hub.example.com")).unwrap();
        req.set_pubkey(key).unwrap();
        let mut extensions = Stack::new().unwrap();
        let context = req.x509v3_context(None);
        extensions
            .push(
                SubjectAlternativeName::new()
                    .dns("hub.example.com")
                    .ip("10.1.2.3")
                    .build(&context)
                    .unwrap(),
            )
            .unwrap();
        req.add_extensions(&extensions).unwrap();
        req.sign(key, MessageDigest::sha256()).unwrap();
        req.build().to_pem().unwrap()
    }

    #[test]
    fn a_ca_certificate_says_what_it_is() {
        let (ca, _, _) = ca_and_leaf();
        let parsed = certificate(&ca.to_pem().unwrap()).unwrap();
        let info = parsed.info;
        let expected_name = DistinguishedName {
            common_name: Some("Test Root CA".into()),
            email_address: Some("pki@example.com".into()),
            organization: Some("Modusbox".into()),
            organizational_unit: Some("MCM".into()),
            country: Some("FR".into()),
            state: Some("Ile-de-France".into()),
            locality: Some("Paris".into()),
        };
        assert_eq!(info.subject, expected_name);
        assert_eq!(info.issuer, expected_name);
        assert!(info.self_issued);
        assert_eq!(info.not_before, "2025-11-28T00:00:00Z");
        assert_eq!(info.not_after, "2030-11-28T00:00:00Z");
        assert_eq!(info.signature_algorithm, "SHA256WithRSA");
        assert_eq!(
            info.public_key,
            PublicKeyInfo {
                algorithm: "RSA".into(),
                bits: 2048,
                curve: None
            }
        );
        assert_eq!(info.key_usages, ["keyCertSign", "cRLSign"]);
        assert!(info.extended_key_usages.is_empty());
        assert_eq!(
            info.basic_constraints,
            Some(BasicConstraints {
                ca: true,
                path_length: Some(1),
                critical: true
            })
        );
        assert_eq!(info.subject_alternative_names, None);
        // Serial and fingerprint agree with OpenSSL's.
        let serial = ca.serial_number().to_bn().unwrap();
        assert_eq!(info.serial_number, serial.to_dec_str().unwrap().to_string());
        let hex = serial.to_hex_str().unwrap().to_string();
        assert_eq!(
            info.serial_hex.replace(':', "").trim_start_matches('0'),
            hex.trim_start_matches('0')
        );
        let digest = ca.digest(MessageDigest::sha256()).unwrap();
        assert_eq!(info.fingerprint_sha256, hex_with_colons(&digest));
        assert_eq!(parsed.der, ca.to_der().unwrap());
        assert_eq!(parsed.pem.as_bytes(), ca.to_pem().unwrap().as_slice());
    }

    #[test]
    fn a_leaf_certificate_lists_every_name_and_usage() {
        let (_, _, leaf) = ca_and_leaf();
        // DER works as well as PEM.
        let info = certificate(&leaf.to_der().unwrap()).unwrap().info;
        assert_eq!(
            info.subject.common_name.as_deref(),
            Some("dfsp1.example.com")
        );
        assert_eq!(info.issuer.common_name.as_deref(), Some("Test Root CA"));
        assert!(!info.self_issued);
        assert_eq!(info.serial_number, "4096");
        assert_eq!(info.serial_hex, "10:00");
        assert_eq!(info.signature_algorithm, "SHA384WithRSA");
        assert_eq!(
            info.public_key,
            PublicKeyInfo {
                algorithm: "EC".into(),
                bits: 256,
                curve: Some("P-256".into())
            }
        );
        let sans = &info.extensions.subject_alt_name;
        assert_eq!(sans.dns, ["dfsp1.example.com"]);
        assert_eq!(sans.ips, ["163.10.5.24", "2001:db8::1"]);
        assert_eq!(sans.email_addresses, ["ops@dfsp1.example.com"]);
        assert_eq!(sans.uris, ["https://dfsp1.example.com/api"]);
        assert_eq!(
            info.subject_alternative_names.unwrap(),
            [
                "dfsp1.example.com",
                "163.10.5.24",
                "2001:db8::1",
                "ops@dfsp1.example.com",
                "https://dfsp1.example.com/api"
            ]
        );
        assert_eq!(info.key_usages, ["digitalSignature"]);
        assert_eq!(info.extended_key_usages, ["serverAuth", "clientAuth"]);
        assert_eq!(info.basic_constraints, None);
    }

    #[test]
    fn a_chain_is_read_in_the_order_given_and_one_means_one() {
        let (ca, _, leaf) = ca_and_leaf();
        let mut chain = leaf.to_pem().unwrap();
        chain.extend_from_slice(b"\n");
        chain.extend_from_slice(&ca.to_pem().unwrap());
        let all = certificates(&chain).unwrap();
        let names: Vec<_> = all
            .iter()
            .map(|c| c.info.subject.common_name.clone().unwrap())
            .collect();
        assert_eq!(names, ["dfsp1.example.com", "Test Root CA"]);
        assert_eq!(certificate(&chain), Err(PkiError::NotOne(2)));
    }

    #[test]
    fn a_csr_says_what_it_asks_for() {
        let key = ec(Nid::SECP384R1);
        let info = csr(&csr_pem(&key)).unwrap().info;
        assert_eq!(info.subject.common_name.as_deref(), Some("hub.example.com"));
        assert_eq!(
            info.subject.email_address.as_deref(),
            Some("pki@example.com")
        );
        assert_eq!(info.extensions.subject_alt_name.dns, ["hub.example.com"]);
        assert_eq!(info.extensions.subject_alt_name.ips, ["10.1.2.3"]);
        assert_eq!(info.signature_algorithm, "ECDSAWithSHA256");
        assert_eq!(info.public_key.curve.as_deref(), Some("P-384"));
        let rsa_info = csr(&csr_pem(&rsa(2048))).unwrap().info;
        assert_eq!(rsa_info.public_key.bits, 2048);
        assert_eq!(rsa_info.signature_algorithm, "SHA256WithRSA");
    }

    #[test]
    fn a_csr_whose_signature_does_not_verify_is_refused() {
        let key = rsa(2048);
        let pem = csr_pem(&key);
        let mut der = X509Req::from_pem(&pem).unwrap().to_der().unwrap();
        let last = der.len() - 1;
        der[last] ^= 0x01;
        assert_eq!(csr(&der), Err(PkiError::CsrSignature));
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        let (ca, _, _) = ca_and_leaf();
        let pem = String::from_utf8(ca.to_pem().unwrap()).unwrap();
        let key = rsa(2048);
        let csr_text = csr_pem(&key);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"".to_vec(), "is empty"),
            (b"  \n\t ".to_vec(), "is empty"),
            (b"hello world".to_vec(), "is not a PEM or DER certificate"),
            (vec![0xff, 0x00, 0x13], "is not a PEM or DER certificate"),
            (
                pem.as_bytes()[..pem.len() / 2].to_vec(),
                "was the text cut short?",
            ),
            (
                pem.replace("-----END CERTIFICATE-----", "").into_bytes(),
                "was the text cut short?",
            ),
            (pem.replacen('M', "*", 3).into_bytes(), "is not valid PEM"),
            (
                csr_text.clone(),
                "labelled CERTIFICATE REQUEST where a certificate",
            ),
            (
                vec![0x30, 0x03, 0x02, 0x01, 0x01],
                "the certificate could not be read",
            ),
            (
                {
                    let mut der = ca.to_der().unwrap();
                    der.truncate(der.len() - 10);
                    der
                },
                "the certificate could not be read",
            ),
            (
                {
                    let mut der = ca.to_der().unwrap();
                    der.extend_from_slice(b"extra");
                    der
                },
                "5 bytes follow it",
            ),
        ];
        for (input, expected) in cases {
            let message = match certificate(&input) {
                Ok(_) => panic!("accepted {:?}", String::from_utf8_lossy(&input)),
                Err(error) => error.to_string(),
            };
            assert!(message.contains(expected), "{message} (wanted: {expected})");
        }
        let message = csr(&pem.clone().into_bytes()).unwrap_err().to_string();
        assert!(
            message.contains("labelled CERTIFICATE where a certificate signing request"),
            "{message}"
        );
        let mut two = csr_text.clone();
        two.extend_from_slice(&csr_text);
        assert!(csr(&two).unwrap_err().to_string().contains("holds 2 CSRs"));
    }

    /// Every prefix of a certificate, and every single-byte change of one, is refused or read,
    /// never a panic.
    #[test]
    fn damaged_input_never_panics() {
        let (ca, _, leaf) = ca_and_leaf();
        for der in [ca.to_der().unwrap(), leaf.to_der().unwrap()] {
            for end in 0..der.len() {
                let _ = certificate(&der[..end]);
            }
            for i in (0..der.len()).step_by(7) {
                let mut damaged = der.clone();
                damaged[i] = damaged[i].wrapping_add(0x41);
                let _ = certificate(&damaged);
                let _ = csr(&damaged);
            }
        }
    }
}
