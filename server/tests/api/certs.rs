//! Certificates the tests make for themselves, with OpenSSL: CAs and intermediates valid around
//! the test clock (2026-11-28), or in a window a test chooses.

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectKeyIdentifier};
use openssl::x509::{X509NameBuilder, X509};

pub struct Cert {
    pub x509: X509,
    pub key: PKey<Private>,
}

impl Cert {
    pub fn pem(&self) -> String {
        String::from_utf8(self.x509.to_pem().unwrap()).unwrap()
    }
}

/// A CA for `cn`, signed by `issuer` (self-signed without one), valid from 2026-01-01 to
/// 2030-01-01 unless `window` (Unix seconds) says otherwise.
pub fn ca(cn: &str, issuer: Option<&Cert>, window: Option<(i64, i64)>) -> Cert {
    let key = PKey::from_ec_key(
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
    )
    .unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
    name.append_entry_by_nid(Nid::ORGANIZATIONNAME, "Test DFSP")
        .unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(120, MsbOption::MAYBE_ZERO, false).unwrap();
    builder
        .set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(&name).unwrap();
    builder
        .set_issuer_name(issuer.map(|i| i.x509.subject_name()).unwrap_or(&name))
        .unwrap();
    builder.set_pubkey(&key).unwrap();
    let (from, to) = window.unwrap_or((1_767_225_600, 1_893_456_000));
    builder
        .set_not_before(&Asn1Time::from_unix(from).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::from_unix(to).unwrap())
        .unwrap();
    builder
        .append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    builder
        .append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .unwrap(),
        )
        .unwrap();
    let ski = SubjectKeyIdentifier::new()
        .build(&builder.x509v3_context(None, None))
        .unwrap();
    builder.append_extension(ski).unwrap();
    builder
        .sign(
            issuer.map(|i| &i.key).unwrap_or(&key),
            MessageDigest::sha256(),
        )
        .unwrap();
    Cert {
        x509: builder.build(),
        key,
    }
}

/// An RSA key of `bits`.
pub fn rsa(bits: u32) -> PKey<Private> {
    PKey::from_rsa(openssl::rsa::Rsa::generate(bits).unwrap()).unwrap()
}

/// A CSR (PEM) for `key` with these subject attributes (OpenSSL short names) and DNS names.
pub fn csr(key: &PKey<Private>, subject: &[(&str, &str)], dns: &[&str]) -> String {
    use openssl::stack::Stack;
    use openssl::x509::extension::SubjectAlternativeName;
    use openssl::x509::X509ReqBuilder;
    let mut name = X509NameBuilder::new().unwrap();
    for (field, value) in subject {
        name.append_entry_by_text(field, value).unwrap();
    }
    let mut builder = X509ReqBuilder::new().unwrap();
    builder.set_subject_name(&name.build()).unwrap();
    builder.set_pubkey(key).unwrap();
    if !dns.is_empty() {
        let mut san = SubjectAlternativeName::new();
        for name in dns {
            san.dns(name);
        }
        let mut extensions = Stack::new().unwrap();
        extensions
            .push(san.build(&builder.x509v3_context(None)).unwrap())
            .unwrap();
        builder.add_extensions(&extensions).unwrap();
    }
    builder.sign(key, MessageDigest::sha256()).unwrap();
    String::from_utf8(builder.build().to_pem().unwrap()).unwrap()
}

/// A certificate builder for `key` named `cn`, issued by `issuer`, valid 2026-01-01 to
/// 2028-01-01, without extensions.
fn end_entity(cn: &str, key: &PKey<Private>, issuer: &Cert) -> openssl::x509::X509Builder {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(120, MsbOption::MAYBE_ZERO, false).unwrap();
    builder
        .set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(&name).unwrap();
    builder.set_issuer_name(issuer.x509.subject_name()).unwrap();
    builder.set_pubkey(key).unwrap();
    builder
        .set_not_before(&Asn1Time::from_unix(1_767_225_600).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::from_unix(1_830_297_600).unwrap())
        .unwrap();
    builder
}

/// A client certificate for `key` named `cn`, signed by `issuer` (as an external CA would).
pub fn leaf(cn: &str, key: &PKey<Private>, issuer: &Cert) -> String {
    let mut builder = end_entity(cn, key, issuer);
    builder.sign(&issuer.key, MessageDigest::sha256()).unwrap();
    String::from_utf8(builder.build().to_pem().unwrap()).unwrap()
}

/// A certificate for `csr` (PEM), signed by `issuer` as a DFSP's CA would: the CSR's subject and
/// key, valid from 2026-01-01 to 2029-01-01.
pub fn sign_csr(csr: &str, issuer: &Cert) -> String {
    let request = openssl::x509::X509Req::from_pem(csr.as_bytes()).unwrap();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(120, MsbOption::MAYBE_ZERO, false).unwrap();
    builder
        .set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(request.subject_name()).unwrap();
    builder.set_issuer_name(issuer.x509.subject_name()).unwrap();
    builder.set_pubkey(&request.public_key().unwrap()).unwrap();
    builder
        .set_not_before(&Asn1Time::from_unix(1_767_225_600).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::from_unix(1_861_920_000).unwrap())
        .unwrap();
    builder.sign(&issuer.key, MessageDigest::sha256()).unwrap();
    String::from_utf8(builder.build().to_pem().unwrap()).unwrap()
}

/// An EC key on `curve` (P-384 is as strong as RSA 7680 for the key-length checks, and quick to
/// make).
pub fn ec(curve: Nid) -> PKey<Private> {
    PKey::from_ec_key(EcKey::generate(&EcGroup::from_curve_name(curve).unwrap()).unwrap()).unwrap()
}

/// A TLS certificate for `key` named `cn` (also its DNS name), signed by `issuer`, with the
/// extended key usage `usage` (`"serverAuth"` or `"clientAuth"`), valid 2026-01-01 to
/// 2028-01-01.
pub fn tls(cn: &str, key: &PKey<Private>, issuer: &Cert, usage: &str) -> String {
    tls_until(cn, key, issuer, usage, 1_830_297_600)
}

/// As [`tls`], valid until `not_after` (Unix seconds).
pub fn tls_until(
    cn: &str,
    key: &PKey<Private>,
    issuer: &Cert,
    usage: &str,
    not_after: i64,
) -> String {
    use openssl::x509::extension::{ExtendedKeyUsage, SubjectAlternativeName};
    let mut builder = end_entity(cn, key, issuer);
    builder
        .set_not_after(&Asn1Time::from_unix(not_after).unwrap())
        .unwrap();
    let mut extended = ExtendedKeyUsage::new();
    match usage {
        "serverAuth" => extended.server_auth(),
        _ => extended.client_auth(),
    };
    builder.append_extension(extended.build().unwrap()).unwrap();
    let san = SubjectAlternativeName::new()
        .dns(cn)
        .build(&builder.x509v3_context(Some(&issuer.x509), None))
        .unwrap();
    builder.append_extension(san).unwrap();
    builder.sign(&issuer.key, MessageDigest::sha256()).unwrap();
    String::from_utf8(builder.build().to_pem().unwrap()).unwrap()
}
