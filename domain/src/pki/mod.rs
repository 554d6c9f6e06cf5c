//! The PKI: what a certificate or a certificate signing request (CSR) says, read into MCM's
//! `CertInfo` and `CSRInfo` shapes and extended with what a person checking it needs (serial,
//! key, usages, constraints, fingerprint).
//!
//! The types are shared with the portal's WebAssembly bundle; reading them out of PEM or DER
//! ([`parse`]) runs on the server only, in-process (no cfssl, no openssl command).

use serde::{Deserialize, Serialize};

pub mod authorities;
#[cfg(feature = "server")]
pub mod ca;
#[cfg(feature = "server")]
pub mod ca_chain;
pub mod certificate_sets;
#[cfg(feature = "server")]
pub mod chain;
#[cfg(feature = "server")]
pub mod crl;
pub mod dfsp_cas;
pub mod hub_cas;
pub mod jws_keys;
#[cfg(feature = "server")]
pub mod keys;
#[cfg(feature = "server")]
pub mod parse;
#[cfg(feature = "server")]
pub mod request;
pub mod revocations;
#[cfg(feature = "server")]
pub mod rsa_keygen;
#[cfg(feature = "server")]
pub mod sign;
#[cfg(all(test, feature = "server"))]
pub(crate) mod testing;
pub mod validations;

/// A distinguished name as MCM shows one. Absent attributes are `null`; an attribute given
/// several times is joined with `,`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CertificateName))]
pub struct DistinguishedName {
    #[serde(rename = "CN")]
    pub common_name: Option<String>,
    #[serde(rename = "emailAddress")]
    pub email_address: Option<String>,
    #[serde(rename = "O")]
    pub organization: Option<String>,
    #[serde(rename = "OU")]
    pub organizational_unit: Option<String>,
    #[serde(rename = "C")]
    pub country: Option<String>,
    #[serde(rename = "ST")]
    pub state: Option<String>,
    #[serde(rename = "L")]
    pub locality: Option<String>,
}

/// `CN=Hub CA, O=Modusbox, C=US`: the attributes there are, most specific first.
impl std::fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let attributes = [
            ("CN", &self.common_name),
            ("emailAddress", &self.email_address),
            ("OU", &self.organizational_unit),
            ("O", &self.organization),
            ("L", &self.locality),
            ("ST", &self.state),
            ("C", &self.country),
        ];
        let mut first = true;
        for (key, value) in attributes {
            if let Some(value) = value {
                if !first {
                    f.write_str(", ")?;
                }
                write!(f, "{key}={value}")?;
                first = false;
            }
        }
        Ok(())
    }
}

/// The subject alternative names of a certificate or CSR, by type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubjectAltNames {
    pub dns: Vec<String>,
    pub ips: Vec<String>,
    pub email_addresses: Vec<String>,
    pub uris: Vec<String>,
}

impl SubjectAltNames {
    /// Every name, in MCM's order: DNS names, IP addresses, email addresses, URIs.
    pub fn all(&self) -> Vec<String> {
        [&self.dns, &self.ips, &self.email_addresses, &self.uris]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// MCM's `extensions` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Extensions {
    pub subject_alt_name: SubjectAltNames,
}

/// The public key of a certificate or CSR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyInfo {
    /// `RSA`, `EC`, `Ed25519`, or the algorithm's OID.
    #[cfg_attr(feature = "server", schema(example = "RSA"))]
    pub algorithm: String,
    /// The key size in bits (the modulus for RSA, the field for EC).
    #[cfg_attr(feature = "server", schema(example = 4096))]
    pub bits: u32,
    /// The named curve of an EC key: `P-256`, `P-384`, `P-521`, or its OID.
    pub curve: Option<String>,
}

/// A certificate's basic constraints extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BasicConstraints {
    pub ca: bool,
    pub path_length: Option<u32>,
    pub critical: bool,
}

/// What a certificate says (MCM's `CertInfo`, extended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CertInfo {
    pub subject: DistinguishedName,
    pub issuer: DistinguishedName,
    /// Every subject alternative name (MCM's flat list); `null` when there are none.
    pub subject_alternative_names: Option<Vec<String>>,
    /// The serial number in decimal, as MCM gives it.
    #[cfg_attr(
        feature = "server",
        schema(example = "17159976289428250189079625547205715159")
    )]
    pub serial_number: String,
    /// The serial number in hexadecimal, bytes separated by colons, as OpenSSL and browsers
    /// show it.
    #[cfg_attr(feature = "server", schema(example = "0C:E8:4B:1D"))]
    pub serial_hex: String,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T00:00:00Z"))]
    pub not_before: String,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "server", schema(example = "2031-11-27T00:00:00Z"))]
    pub not_after: String,
    /// Go's names, as MCM gives them: `SHA256WithRSA`, `ECDSAWithSHA384`, ...
    #[cfg_attr(feature = "server", schema(example = "SHA256WithRSA"))]
    pub signature_algorithm: String,
    pub extensions: Extensions,
    pub public_key: PublicKeyInfo,
    /// RFC 5280 names: `digitalSignature`, `keyEncipherment`, `keyCertSign`, `cRLSign`, ...
    pub key_usages: Vec<String>,
    /// `serverAuth`, `clientAuth`, ... or the purpose's OID.
    pub extended_key_usages: Vec<String>,
    pub basic_constraints: Option<BasicConstraints>,
    /// The subject key identifier, in hexadecimal with colons.
    pub subject_key_identifier: Option<String>,
    /// The key identifier of the authority key identifier extension: the issuer's subject key
    /// identifier.
    pub authority_key_identifier: Option<String>,
    /// SHA-256 of the DER encoding, in hexadecimal with colons.
    pub fingerprint_sha256: String,
    /// Whether the subject and the issuer are the same name.
    pub self_issued: bool,
}

/// What a CSR says (MCM's `CSRInfo`, extended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CsrInfo {
    pub subject: DistinguishedName,
    pub extensions: Extensions,
    pub public_key: PublicKeyInfo,
    #[cfg_attr(feature = "server", schema(example = "SHA256WithRSA"))]
    pub signature_algorithm: String,
}
