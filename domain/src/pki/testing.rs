//! Certificates and CSRs for the PKI tests, built with OpenSSL: roots, intermediates and leaves
//! with the extensions, keys and digests a test asks for.

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509Name, X509NameBuilder, X509Req, X509ReqBuilder, X509};

pub struct Issued {
    pub cert: X509,
    pub key: PKey<Private>,
}

impl Issued {
    pub fn parsed(&self) -> super::parse::ParsedCertificate {
        super::parse::certificate(&self.cert.to_der().unwrap()).unwrap()
    }

    pub fn pem(&self) -> String {
        String::from_utf8(self.cert.to_pem().unwrap()).unwrap()
    }
}

/// What a test certificate is: by default a P-256 leaf with a critical digitalSignature key
/// usage, signed with SHA-256, valid from 2026-01-01 to 2028-01-01.
#[derive(Clone)]
pub struct Spec<'a> {
    pub cn: &'a str,
    pub ca: bool,
    pub key_cert_sign: bool,
    /// Unix seconds.
    pub window: (i64, i64),
    /// `serverAuth`, `clientAuth`.
    pub extended_key_usages: &'a [&'a str],
    /// An RSA key of this many bits instead of P-256.
    pub rsa_bits: Option<u32>,
    pub digest: fn() -> MessageDigest,
    /// The key to certify instead of a new one (a CSR's, say).
    pub key: Option<PKey<Private>>,
    pub dns: &'a [&'a str],
    /// A subject key identifier extension (a CA that signs CRLs needs one).
    pub subject_key_identifier: bool,
}

impl<'a> Spec<'a> {
    pub fn new(cn: &'a str) -> Spec<'a> {
        Spec {
            cn,
            ca: false,
            key_cert_sign: false,
            window: (1_767_225_600, 1_830_297_600),
            extended_key_usages: &[],
            rsa_bits: None,
            digest: MessageDigest::sha256,
            key: None,
            dns: &[],
            subject_key_identifier: false,
        }
    }

    /// The certificate, signed by `issuer` (self-signed without one).
    pub fn issue(self, issuer: Option<&Issued>) -> Issued {
        let key = self.key.clone().unwrap_or_else(|| new_key(self.rsa_bits));
        let name = common_name(self.cn);
        let mut builder = X509::builder().unwrap();
        builder.set_version(2).unwrap();
        let serial = BigNum::from_u32(self.cn.len() as u32 + 1)
            .unwrap()
            .to_asn1_integer()
            .unwrap();
        builder.set_serial_number(&serial).unwrap();
        builder.set_subject_name(&name).unwrap();
        builder
            .set_issuer_name(issuer.map(|i| i.cert.subject_name()).unwrap_or(&name))
            .unwrap();
        builder.set_pubkey(&key).unwrap();
        builder
            .set_not_before(&Asn1Time::from_unix(self.window.0).unwrap())
            .unwrap();
        builder
            .set_not_after(&Asn1Time::from_unix(self.window.1).unwrap())
            .unwrap();
        if self.ca {
            builder
                .append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
        }
        let mut usage = KeyUsage::new();
        usage.critical().digital_signature();
        if self.key_cert_sign {
            usage.key_cert_sign().crl_sign();
        }
        builder.append_extension(usage.build().unwrap()).unwrap();
        if !self.extended_key_usages.is_empty() {
            let mut eku = ExtendedKeyUsage::new();
            for purpose in self.extended_key_usages {
                match *purpose {
                    "serverAuth" => eku.server_auth(),
                    "clientAuth" => eku.client_auth(),
                    other => eku.other(other),
                };
            }
            builder.append_extension(eku.build().unwrap()).unwrap();
        }
        if !self.dns.is_empty() {
            let mut san = SubjectAlternativeName::new();
            for name in self.dns {
                san.dns(name);
            }
            let extension = san.build(&builder.x509v3_context(None, None)).unwrap();
            builder.append_extension(extension).unwrap();
        }
        if self.subject_key_identifier {
            let identifier = openssl::x509::extension::SubjectKeyIdentifier::new()
                .build(&builder.x509v3_context(None, None))
                .unwrap();
            builder.append_extension(identifier).unwrap();
        }
        let signer = issuer.map(|i| &i.key).unwrap_or(&key);
        builder.sign(signer, (self.digest)()).unwrap();
        Issued {
            cert: builder.build(),
            key,
        }
    }
}

fn new_key(rsa_bits: Option<u32>) -> PKey<Private> {
    match rsa_bits {
        Some(bits) => PKey::from_rsa(Rsa::generate(bits).unwrap()).unwrap(),
        None => PKey::from_ec_key(
            EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
        )
        .unwrap(),
    }
}

fn common_name(cn: &str) -> X509Name {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
    name.build()
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
    let mut spec = Spec::new(cn);
    spec.ca = ca;
    spec.key_cert_sign = key_cert_sign;
    if let Some(window) = window {
        spec.window = window;
    }
    spec.issue(issuer)
}

/// A CSR with these subject attributes (OpenSSL short names: `CN`, `O`, `emailAddress`, ...)
/// and DNS names, signed with `key` by `digest`.
pub fn csr(
    subject: &[(&str, &str)],
    dns: &[&str],
    key: &PKey<Private>,
    digest: MessageDigest,
) -> super::parse::ParsedCsr {
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
    builder.sign(key, digest).unwrap();
    let request: X509Req = builder.build();
    super::parse::csr(&request.to_der().unwrap()).unwrap()
}

pub fn rsa_key(bits: u32) -> PKey<Private> {
    new_key(Some(bits))
}

pub fn ec_key() -> PKey<Private> {
    new_key(None)
}

/// What pkilint (`lint_pkix_cert lint -s WARNING`, installed by scripts/setup) reports on a
/// certificate; empty when it finds nothing.
pub fn pkilint(pem: &str) -> String {
    let lint =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/lint_pkix_cert");
    assert!(lint.exists(), "pkilint is missing: run scripts/setup");
    let file = std::env::temp_dir().join(format!(
        "pkilint-{}-{}.pem",
        std::process::id(),
        openssl::sha::sha256(pem.as_bytes())[0..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    std::fs::write(&file, pem).unwrap();
    let output = std::process::Command::new(&lint)
        .args(["lint", "-s", "WARNING"])
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_file(&file).ok();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    if output.status.success() || !report.is_empty() {
        report
    } else {
        format!("pkilint failed with {}", output.status)
    }
}
