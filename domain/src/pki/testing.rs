//! Certificates for the PKI tests, built with OpenSSL: roots, intermediates and leaves with the
//! extensions a test asks for.

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{BasicConstraints, KeyUsage};
use openssl::x509::{X509NameBuilder, X509};

pub struct Issued {
    pub cert: X509,
    pub key: PKey<Private>,
}

impl Issued {
    pub fn parsed(&self) -> super::parse::ParsedCertificate {
        super::parse::certificate(&self.cert.to_der().unwrap()).unwrap()
    }
}

/// A P-256 certificate for `cn`, signed by `issuer` (self-signed without one), valid from
/// 2026-01-01 to 2028-01-01 unless `window` (Unix seconds) says otherwise.
pub fn issue(
    cn: &str,
    issuer: Option<&Issued>,
    ca: bool,
    key_cert_sign: bool,
    window: Option<(i64, i64)>,
) -> Issued {
    let key = PKey::from_ec_key(
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
    )
    .unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    let serial = BigNum::from_u32(cn.len() as u32 + 1)
        .unwrap()
        .to_asn1_integer()
        .unwrap();
    builder.set_serial_number(&serial).unwrap();
    builder.set_subject_name(&name).unwrap();
    builder
        .set_issuer_name(issuer.map(|i| i.cert.subject_name()).unwrap_or(&name))
        .unwrap();
    builder.set_pubkey(&key).unwrap();
    let (from, to) = window.unwrap_or((1_767_225_600, 1_830_297_600));
    builder
        .set_not_before(&Asn1Time::from_unix(from).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::from_unix(to).unwrap())
        .unwrap();
    if ca {
        builder
            .append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
    }
    let mut usage = KeyUsage::new();
    usage.critical().digital_signature();
    if key_cert_sign {
        usage.key_cert_sign().crl_sign();
    }
    builder.append_extension(usage.build().unwrap()).unwrap();
    let signer = issuer.map(|i| &i.key).unwrap_or(&key);
    builder.sign(signer, MessageDigest::sha256()).unwrap();
    Issued {
        cert: builder.build(),
        key,
    }
}
