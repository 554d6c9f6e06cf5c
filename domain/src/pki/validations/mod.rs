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
    #[serde(rename = "CERTIFICATE_SIGNATURE_ALGORITHM")]
    CertificateSignatureAlgorithm,
    #[serde(rename = "CERTIFICATE_USAGE_SERVER")]
    CertificateUsageServer,
    #[serde(rename = "CERTIFICATE_USAGE_CLIENT")]
    CertificateUsageClient,
    #[serde(rename = "CERTIFICATE_CHAIN")]
    CertificateChain,
    #[serde(rename = "CERTIFICATE_SIGNED_BY_DFSP_CA")]
    CertificateSignedByDfspCa,
    #[serde(rename = "CSR_SIGNATURE_VALID")]
    CsrSignatureValid,
    #[serde(rename = "CSR_SIGNATURE_ALGORITHM")]
    CsrSignatureAlgorithm,
    #[serde(rename = "CSR_PUBLIC_KEY_LENGTH_2048")]
    CsrPublicKeyLength2048,
    #[serde(rename = "CSR_PUBLIC_KEY_LENGTH_4096")]
    CsrPublicKeyLength4096,
    #[serde(rename = "CSR_MANDATORY_DISTINGUISHED_NAME")]
    CsrMandatoryDistinguishedName,
    #[serde(rename = "CSR_CERT_SAME_PUBLIC_KEY")]
    CsrCertSamePublicKey,
    #[serde(rename = "CSR_CERT_SAME_SUBJECT_INFO")]
    CsrCertSameSubjectInfo,
    #[serde(rename = "CSR_CERT_SAME_CN")]
    CsrCertSameCn,
    #[serde(rename = "CSR_CERT_PUBLIC_PRIVATE_KEY_MATCH")]
    CsrCertPublicPrivateKeyMatch,
    /// MCM v3's one check of a bare JWS public key (v3 reuses the JWS certificates' code list
    /// for it): here, that it is an RSA key of 2048 bits or more, or an EC key on P-256,
    /// P-384 or P-521, as JWS (RS256, ES256...) signs with.
    #[serde(rename = "JWS_PUBLIC_KEY")]
    JwsPublicKey,
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

/// MCM v3's check of a DFSP's bare JWS public key (PEM): one that cannot be read, or that JWS
/// cannot sign with safely, is `INVALID` with a message that says why.
#[cfg(feature = "server")]
pub fn jws_public_key(pem: &str) -> Validation {
    use openssl::pkey::{Id, PKey};
    let code = ValidationCode::JwsPublicKey;
    let key = match PKey::public_key_from_pem(pem.trim().as_bytes()) {
        Ok(key) => key,
        Err(_) => {
            return Validation::new(
                code,
                ValidationResult::Invalid,
                "The JWS public key cannot be read: give a PEM public key \
                 (-----BEGIN PUBLIC KEY-----), RSA or EC",
            )
        }
    };
    match key.id() {
        Id::RSA if key.bits() >= 2048 => Validation::new(
            code,
            ValidationResult::Valid,
            format!("An RSA public key of {} bits", key.bits()),
        ),
        Id::RSA => Validation::new(
            code,
            ValidationResult::Invalid,
            format!(
                "The RSA key has {} bits; JWS needs 2048 bits or more",
                key.bits()
            ),
        ),
        Id::EC => {
            let curve = key
                .ec_key()
                .ok()
                .and_then(|ec| ec.group().curve_name())
                .and_then(|nid| nid.short_name().ok().map(str::to_owned));
            match curve.as_deref() {
                Some(name @ ("prime256v1" | "secp384r1" | "secp521r1")) => Validation::new(
                    code,
                    ValidationResult::Valid,
                    format!("An EC public key on {name}"),
                ),
                other => Validation::new(
                    code,
                    ValidationResult::Invalid,
                    format!(
                        "The EC key is on {}; JWS signs on P-256, P-384 or P-521",
                        other.unwrap_or("an unnamed curve")
                    ),
                ),
            }
        }
        _ => Validation::new(
            code,
            ValidationResult::Invalid,
            "The key is neither RSA nor EC, the kinds JWS signs with in Mojaloop",
        ),
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
mod ca;
#[cfg(feature = "server")]
mod certificate;
#[cfg(feature = "server")]
mod csr;
#[cfg(feature = "server")]
mod lists;
#[cfg(feature = "server")]
pub use {ca::*, certificate::*, csr::*, lists::*};

#[cfg(feature = "server")]
use crate::pki::parse::ParsedCertificate;
#[cfg(feature = "server")]
use openssl::x509::X509;

#[cfg(feature = "server")]
fn x509(certificate: &ParsedCertificate) -> Option<X509> {
    X509::from_der(&certificate.der).ok()
}

#[cfg(feature = "server")]
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

#[cfg(feature = "server")]
/// The size of an RSA key as strong as `key` (NIST SP 800-57): an EC key of 256 bits counts
/// as 3072 RSA bits, one of 384 as 7680. MCM, knowing only RSA, measured every key as RSA.
fn rsa_equivalent_bits(key: &super::PublicKeyInfo) -> u32 {
    match key.algorithm.as_str() {
        "EC" | "Ed25519" => match key.bits {
            0..=223 => 2048 - 1,
            224..=255 => 2048,
            256..=383 => 3072,
            384..=511 => 7680,
            _ => 15360,
        },
        _ => key.bits,
    }
}

/// The signature algorithms accepted on certificates and CSRs: SHA-2 with RSA (PKCS#1 v1.5 or
/// PSS) or ECDSA, and Ed25519. MCM accepted only `sha256WithRSAEncryption` on certificates,
/// refusing the SHA-384 its own CA could be asked to use.
pub const ACCEPTED_SIGNATURE_ALGORITHMS: [&str; 8] = [
    "SHA256WithRSA",
    "SHA384WithRSA",
    "SHA512WithRSA",
    "RSAPSS",
    "ECDSAWithSHA256",
    "ECDSAWithSHA384",
    "ECDSAWithSHA512",
    "Ed25519",
];
