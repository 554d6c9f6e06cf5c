//! The checks of a CSR, and of a certificate against the CSR it answers (and the private key
//! the Connection Manager made for it).

use openssl::x509::{X509Req, X509};

use super::{
    rsa_equivalent_bits, Validation, ValidationCode as Code, ValidationResult as R,
    ACCEPTED_SIGNATURE_ALGORITHMS,
};
use crate::pki::parse::{ParsedCertificate, ParsedCsr};
use crate::pki::{DistinguishedName, SubjectAltNames};

const NO_CSR: &str = "No CSR";
const NO_CERTIFICATE: &str = "No certificate";

/// `CSR_SIGNATURE_VALID`: the CSR's signature verifies with its own public key. It does for
/// every [`ParsedCsr`]: `parse::csr` refuses a CSR whose signature does not (with a message that
/// says so), so the signature is verified where the CSR is read and not a second time here.
pub fn csr_signature_valid(csr: Option<&ParsedCsr>) -> Validation {
    let code = Code::CsrSignatureValid;
    match csr {
        Some(_) => Validation::new(code, R::Valid, "CSR passed verification"),
        None => Validation::new(code, R::NotAvailable, NO_CSR),
    }
}

/// `CSR_SIGNATURE_ALGORITHM`: the CSR is signed with one of [`ACCEPTED_SIGNATURE_ALGORITHMS`].
pub fn csr_signature_algorithm(csr: Option<&ParsedCsr>) -> Validation {
    let code = Code::CsrSignatureAlgorithm;
    let Some(csr) = csr else {
        return Validation::new(code, R::NotAvailable, NO_CSR);
    };
    let algorithm = &csr.info.signature_algorithm;
    if ACCEPTED_SIGNATURE_ALGORITHMS.contains(&algorithm.as_str()) {
        Validation::new(
            code,
            R::Valid,
            format!("CSR has a valid Signature Algorithm: {algorithm}"),
        )
    } else {
        Validation::new(
            code,
            R::Invalid,
            format!(
                "CSR is signed with {algorithm}, which is not accepted: make it again signed \
                 with SHA-256 or stronger ({})",
                ACCEPTED_SIGNATURE_ALGORITHMS.join(", ")
            ),
        )
    }
}

/// `CSR_PUBLIC_KEY_LENGTH_2048` / `_4096`: the CSR's key is at least as strong as RSA with
/// `minimum` bits.
pub fn csr_public_key_length(csr: Option<&ParsedCsr>, minimum: u32) -> Validation {
    let code = if minimum >= 4096 {
        Code::CsrPublicKeyLength4096
    } else {
        Code::CsrPublicKeyLength2048
    };
    let Some(csr) = csr else {
        return Validation::new(code, R::NotAvailable, NO_CSR);
    };
    let key = &csr.info.public_key;
    let integer = |value: u32| serde_json::json!({"type": "INTEGER", "value": value});
    let mut validation = if rsa_equivalent_bits(key) >= minimum {
        Validation::new(
            code,
            R::Valid,
            format!("CSR has a valid Public Key length of {}", key.bits),
        )
    } else {
        let mut v = Validation::new(
            code,
            R::Invalid,
            format!(
                "CSR Public Key length is {}, it should be at least {minimum}: make a new key of \
                 {minimum} bits (or an EC key of 384 bits) and a new CSR",
                key.bits
            ),
        );
        v.message_template = "CSR Public Key length is ${data.actualKeySize.value}, it should be at least ${data.keyLength.value}".into();
        v
    };
    validation.data =
        serde_json::json!({"actualKeySize": integer(key.bits), "keyLength": integer(minimum)});
    validation
}

/// `CSR_MANDATORY_DISTINGUISHED_NAME`: the CSR's subject has every one of CN, OU, O, L, ST,
/// C and emailAddress.
pub fn csr_mandatory_distinguished_name(csr: Option<&ParsedCsr>) -> Validation {
    let code = Code::CsrMandatoryDistinguishedName;
    let Some(csr) = csr else {
        return Validation::new(code, R::NotAvailable, NO_CSR);
    };
    let subject = &csr.info.subject;
    let missing: Vec<&str> = subject_fields(subject)
        .into_iter()
        .filter(|(_, value)| value.is_none_or(|v| v.trim().is_empty()))
        .map(|(field, _)| field)
        .collect();
    if missing.is_empty() {
        Validation::new(
            code,
            R::Valid,
            "CSR has all mandatory distinguished name attributes",
        )
    } else {
        Validation::new(
            code,
            R::Invalid,
            format!(
                "CSR missing required distinguished name attributes. Missing: {}. Make a new \
                 CSR whose subject has CN, OU, O, L, ST, C and emailAddress",
                missing.join(", ")
            ),
        )
        .with_details(missing.join(","))
    }
}

/// The subject attributes in MCM's order of checking.
fn subject_fields(subject: &DistinguishedName) -> [(&'static str, Option<&str>); 7] {
    [
        ("CN", subject.common_name.as_deref()),
        ("OU", subject.organizational_unit.as_deref()),
        ("O", subject.organization.as_deref()),
        ("L", subject.locality.as_deref()),
        ("ST", subject.state.as_deref()),
        ("C", subject.country.as_deref()),
        ("emailAddress", subject.email_address.as_deref()),
    ]
}

fn public_key_der_of_csr(csr: &ParsedCsr) -> Option<Vec<u8>> {
    X509Req::from_der(&csr.der)
        .ok()?
        .public_key()
        .ok()?
        .public_key_to_der()
        .ok()
}

fn public_key_der_of_certificate(certificate: &ParsedCertificate) -> Option<Vec<u8>> {
    X509::from_der(&certificate.der)
        .ok()?
        .public_key()
        .ok()?
        .public_key_to_der()
        .ok()
}

/// `CSR_CERT_SAME_PUBLIC_KEY`: the certificate certifies the CSR's key (any key type; MCM
/// compared RSA moduli only).
pub fn csr_cert_same_public_key(
    csr: Option<&ParsedCsr>,
    certificate: Option<&ParsedCertificate>,
) -> Validation {
    let code = Code::CsrCertSamePublicKey;
    let (csr, certificate) = match (csr, certificate) {
        (_, None) => return Validation::new(code, R::NotAvailable, NO_CERTIFICATE),
        (None, _) => return Validation::new(code, R::NotAvailable, NO_CSR),
        (Some(csr), Some(certificate)) => (csr, certificate),
    };
    // The same encoding is the same key. OpenSSL decodes both only when the encodings differ,
    // to compare them as keys (one key has more than one DER form, e.g. an EC point compressed
    // or not): decoding is slow in OpenSSL 3, and the encodings are the same in practice.
    let same = csr.public_key_info == certificate.public_key_info
        || matches!(
            (public_key_der_of_csr(csr), public_key_der_of_certificate(certificate)),
            (Some(a), Some(b)) if a == b
        );
    if same {
        Validation::new(
            code,
            R::Valid,
            "CSR and Certificate have the same Public Key",
        )
    } else {
        Validation::new(
            code,
            R::Invalid,
            "CSR and Certificate have different Public Keys: the certificate was not issued \
             for this CSR",
        )
    }
}

/// `CSR_CERT_SAME_SUBJECT_INFO`: the certificate's subject and subject alternative names are
/// the CSR's (a subject emailAddress counting as an email alternative name). An external CA may rewrite the subject, so for a certificate it signed the
/// check does not apply (`CSR_CERT_SAME_CN` still compares the common name). MCM skipped it
/// for the Hub's own CA too.
pub fn csr_cert_same_subject_info(
    csr: Option<&ParsedCsr>,
    certificate: Option<&ParsedCertificate>,
    signed_by_external_ca: bool,
) -> Validation {
    let code = Code::CsrCertSameSubjectInfo;
    let (csr, certificate) = match (csr, certificate) {
        (_, None) => return Validation::new(code, R::NotAvailable, NO_CERTIFICATE),
        (None, _) => return Validation::new(code, R::NotAvailable, NO_CSR),
        (Some(csr), Some(certificate)) => (csr, certificate),
    };
    if signed_by_external_ca {
        return Validation::new(code, R::NotAvailable, "It has an External CA");
    }
    let mut differences = Vec::new();
    let wanted = subject_fields(&csr.info.subject);
    let got = subject_fields(&certificate.info.subject);
    for ((field, a), (_, b)) in wanted.iter().zip(got.iter()) {
        if a != b {
            differences.push(format!(
                "csr subject {field}: {} is not equal to cert subject {field}: {}",
                a.unwrap_or("(none)"),
                b.unwrap_or("(none)")
            ));
        }
    }
    let subject_differs = !differences.is_empty();
    // A subject's emailAddress counts as an email alternative name on both sides: a CA copies
    // it there, as RFC 5280 (4.1.2.6) asks of new certificates.
    let with_subject_email = |names: &SubjectAltNames, subject: &DistinguishedName| {
        let mut names = names.clone();
        if let Some(email) = &subject.email_address {
            if !names.email_addresses.contains(email) {
                names.email_addresses.push(email.clone());
            }
        }
        names
    };
    let wanted = with_subject_email(&csr.info.extensions.subject_alt_name, &csr.info.subject);
    let got = with_subject_email(
        &certificate.info.extensions.subject_alt_name,
        &certificate.info.subject,
    );
    for (kind, a, b) in san_lists(&wanted, &got) {
        if a != b {
            differences.push(format!(
                "csr subject {kind}: [{}] is not equal to cert subject {kind}: [{}]",
                a.join(", "),
                b.join(", ")
            ));
        }
    }
    if differences.is_empty() {
        return Validation::new(
            code,
            R::Valid,
            "The CSR and the Certificate have the same Subject Information",
        );
    }
    let message = if subject_differs {
        "The CSR and the Certificate must have the same Subject Information"
    } else {
        "The CSR and the Certificate must have the same Subject Extension Information"
    };
    Validation::new(
        code,
        R::Invalid,
        format!("{message}: {}", differences.join("; ")),
    )
    .with_details(differences.join("; "))
}

/// The subject alternative names of both, kind by kind, each sorted.
fn san_lists(
    a: &SubjectAltNames,
    b: &SubjectAltNames,
) -> [(&'static str, Vec<String>, Vec<String>); 4] {
    let sorted = |list: &Vec<String>| {
        let mut list = list.clone();
        list.sort();
        list
    };
    [
        ("dns", sorted(&a.dns), sorted(&b.dns)),
        ("ips", sorted(&a.ips), sorted(&b.ips)),
        (
            "emailAddresses",
            sorted(&a.email_addresses),
            sorted(&b.email_addresses),
        ),
        ("uris", sorted(&a.uris), sorted(&b.uris)),
    ]
}

/// `CSR_CERT_SAME_CN`: the certificate's common name is the CSR's.
pub fn csr_cert_same_cn(
    csr: Option<&ParsedCsr>,
    certificate: Option<&ParsedCertificate>,
) -> Validation {
    let code = Code::CsrCertSameCn;
    let (csr, certificate) = match (csr, certificate) {
        (_, None) => return Validation::new(code, R::NotAvailable, NO_CERTIFICATE),
        (None, _) => return Validation::new(code, R::NotAvailable, NO_CSR),
        (Some(csr), Some(certificate)) => (csr, certificate),
    };
    let wanted = csr.info.subject.common_name.as_deref();
    let got = certificate.info.subject.common_name.as_deref();
    if wanted == got {
        Validation::new(
            code,
            R::Valid,
            "The CSR and the Certificate have the same CN",
        )
    } else {
        let details = format!(
            "csr subject CN: {} and cert subject CN: {} are different",
            wanted.unwrap_or("(none)"),
            got.unwrap_or("(none)")
        );
        Validation::new(
            code,
            R::Invalid,
            format!("The CSR and the Certificate must have the same CN: {details}"),
        )
        .with_details(details)
    }
}

/// `CSR_CERT_PUBLIC_PRIVATE_KEY_MATCH`: the certificate certifies the private key the
/// Connection Manager made for the CSR, given by its public half (`key`, SubjectPublicKeyInfo
/// DER, taken from the private key when it was made). Not available when there is no such key
/// (a CSR made elsewhere).
pub fn csr_cert_public_private_key_match(
    certificate: Option<&ParsedCertificate>,
    key: Option<&[u8]>,
) -> Validation {
    let code = Code::CsrCertPublicPrivateKeyMatch;
    let Some(certificate) = certificate else {
        return Validation::new(code, R::NotAvailable, NO_CERTIFICATE);
    };
    let Some(key) = key else {
        return Validation::new(code, R::NotAvailable, "No private key");
    };
    let same = public_key_der_of_certificate(certificate).is_some_and(|der| der == key);
    if same {
        Validation::new(
            code,
            R::Valid,
            "the Certificate Public Key matches the private key used to sign the CSR",
        )
    } else {
        Validation::new(
            code,
            R::Invalid,
            "the Certificate Public Key doesn't match the private key used to sign the CSR: the \
             certificate was issued for another key",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::ValidationResult as R;
    use super::*;
    use crate::pki::testing::{csr, ec_key, rsa_key, Spec};
    use openssl::hash::MessageDigest;

    const FULL: [(&str, &str); 7] = [
        ("CN", "dfsp.example.com"),
        ("OU", "Payments"),
        ("O", "Bank"),
        ("L", "Kampala"),
        ("ST", "Central"),
        ("C", "UG"),
        ("emailAddress", "pki@bank.example"),
    ];

    #[test]
    fn a_csr_is_checked_for_signature_algorithm_key_and_subject() {
        let key = rsa_key(4096);
        let good = csr(&FULL, &["dfsp.example.com"], &key, MessageDigest::sha256());
        for v in [
            csr_signature_valid(Some(&good)),
            csr_signature_algorithm(Some(&good)),
            csr_public_key_length(Some(&good), 4096),
            csr_mandatory_distinguished_name(Some(&good)),
        ] {
            assert_eq!((v.performed, v.result), (true, R::Valid), "{v:?}");
        }

        let small = rsa_key(2048);
        let weak = csr(&FULL[..2], &[], &small, MessageDigest::sha1());
        assert_eq!(csr_signature_valid(Some(&weak)).result, R::Valid);
        let v = csr_signature_algorithm(Some(&weak));
        assert_eq!(v.result, R::Invalid);
        assert!(v.message.contains("SHA1WithRSA"), "{}", v.message);
        let v = csr_public_key_length(Some(&weak), 4096);
        assert_eq!(v.result, R::Invalid);
        assert_eq!(v.data["actualKeySize"]["value"], 2048);
        assert_eq!(csr_public_key_length(Some(&weak), 2048).result, R::Valid);
        let v = csr_mandatory_distinguished_name(Some(&weak));
        assert_eq!(v.result, R::Invalid);
        assert!(
            v.message.contains("Missing: O, L, ST, C, emailAddress."),
            "every missing attribute is named: {}",
            v.message
        );

        // A P-384 key is as strong as RSA-7680; a P-256 key is not as strong as RSA-4096.
        let p256 = csr(&FULL, &[], &ec_key(), MessageDigest::sha256());
        assert_eq!(csr_public_key_length(Some(&p256), 4096).result, R::Invalid);
        assert_eq!(csr_public_key_length(Some(&p256), 2048).result, R::Valid);

        for v in [
            csr_signature_valid(None),
            csr_signature_algorithm(None),
            csr_public_key_length(None, 4096),
            csr_mandatory_distinguished_name(None),
        ] {
            assert_eq!((v.performed, v.result), (false, R::NotAvailable));
        }
    }

    #[test]
    fn a_certificate_is_compared_with_its_csr_and_key() {
        let key = ec_key();
        let request = csr(
            &[("CN", "dfsp.example.com"), ("O", "Bank")],
            &["b.example", "a.example"],
            &key,
            MessageDigest::sha256(),
        );
        let mut spec = Spec::new("dfsp.example.com");
        spec.key = Some(key.clone());
        spec.dns = &["a.example", "b.example"];
        let certificate = spec.issue(None).parsed();
        assert_eq!(request.public_key_info, certificate.public_key_info);
        assert_eq!(
            csr_cert_same_public_key(Some(&request), Some(&certificate)).result,
            R::Valid
        );
        // Two encodings of one key are compared as keys (OpenSSL decodes both).
        let mut encoded_otherwise = request.clone();
        encoded_otherwise.public_key_info.push(0);
        assert_eq!(
            csr_cert_same_public_key(Some(&encoded_otherwise), Some(&certificate)).result,
            R::Valid
        );
        assert_eq!(
            csr_cert_same_cn(Some(&request), Some(&certificate)).result,
            R::Valid
        );
        assert_eq!(
            csr_cert_public_private_key_match(
                Some(&certificate),
                Some(&key.public_key_to_der().unwrap())
            )
            .result,
            R::Valid
        );
        // The test certificate has only a CN, so the O differs; SANs compare sorted.
        let v = csr_cert_same_subject_info(Some(&request), Some(&certificate), false);
        assert_eq!(v.result, R::Invalid);
        assert_eq!(
            v.details,
            Some("csr subject O: Bank is not equal to cert subject O: (none)".into())
        );
        let v = csr_cert_same_subject_info(Some(&request), Some(&certificate), true);
        assert_eq!((v.performed, v.result), (false, R::NotAvailable));

        let same = csr(
            &[("CN", "dfsp.example.com")],
            &["a.example", "b.example"],
            &key,
            MessageDigest::sha256(),
        );
        assert_eq!(
            csr_cert_same_subject_info(Some(&same), Some(&certificate), false).result,
            R::Valid
        );
        let fewer = csr(
            &[("CN", "dfsp.example.com")],
            &["a.example"],
            &key,
            MessageDigest::sha256(),
        );
        let v = csr_cert_same_subject_info(Some(&fewer), Some(&certificate), false);
        assert!(
            v.message.starts_with(
                "The CSR and the Certificate must have the same Subject Extension Information"
            ),
            "{}",
            v.message
        );

        let other_key = ec_key();
        let other = Spec::new("other.example.com").issue(None).parsed();
        assert_eq!(
            csr_cert_same_public_key(Some(&request), Some(&other)).result,
            R::Invalid
        );
        let v = csr_cert_same_cn(Some(&request), Some(&other));
        assert_eq!(v.result, R::Invalid);
        assert!(v.message.contains("other.example.com"), "{}", v.message);
        assert_eq!(
            csr_cert_public_private_key_match(
                Some(&certificate),
                Some(&other_key.public_key_to_der().unwrap())
            )
            .result,
            R::Invalid
        );
        let v = csr_cert_public_private_key_match(Some(&certificate), None);
        assert_eq!(
            (v.result, v.message.as_str()),
            (R::NotAvailable, "No private key")
        );
        assert_eq!(
            csr_cert_same_cn(Some(&request), None).message,
            "No certificate"
        );
        assert_eq!(
            csr_cert_same_public_key(None, Some(&other)).message,
            "No CSR"
        );
    }
}
