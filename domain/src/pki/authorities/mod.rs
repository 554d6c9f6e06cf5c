//! An environment's internal certificate authorities (MCM's `certificate_authorities`): the
//! request to create one (`CAInitialInfo`), what is answered (`RootCACert`) and listed.

use serde::{Deserialize, Serialize};

use super::CertInfo;
use crate::environments::{DistinguishedName, EnvironmentId};

#[cfg(feature = "server")]
pub(crate) mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::CaService;

#[cfg(feature = "server")]
pub(crate) mod schema {
    use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, SchemaFormat, Type};
    use utoipa::openapi::Schema;

    /// A host name as the service reads one (`network::values::is_dns_name`, optionally after
    /// `*.`).
    pub const DNS_NAME_PATTERN: &str = r"^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$";

    pub fn hosts() -> Schema {
        let format = |name: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::Custom(name.to_owned())))
        };
        let host = AnyOfBuilder::new()
            .item(format("ipv4"))
            .item(format("ipv6"))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(DNS_NAME_PATTERN))
                    .max_length(Some(253)),
            );
        ArrayBuilder::new()
            .items(host)
            .examples([serde_json::json!(["hub.example.com", "10.0.0.1"])])
            .build()
            .into()
    }
}

/// The signing profile used for the certificates the CA signs (`default`, cfssl's
/// `signing.default`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = SigningProfile))]
#[serde(deny_unknown_fields)]
pub struct SigningProfileInput {
    /// How long the certificates the CA signs are valid: hours, minutes and seconds as Go
    /// writes them. Default `43800h` (5 years).
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = "43800h"))]
    pub expiry: Option<String>,
    /// Default `["signing", "key encipherment", "client auth"]`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = json!(["signing", "key encipherment", "client auth"])))]
    pub usages: Option<Vec<String>>,
    /// `SHA256WithRSA` (the default), `SHA384WithRSA` or `SHA512WithRSA`; for an ECDSA CA the
    /// same digest with ECDSA.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = "SHA256WithRSA"))]
    pub signature_algorithm: Option<String>,
}

/// The key of a new CA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CA_csr_key))]
#[serde(deny_unknown_fields)]
pub struct KeyInput {
    /// `rsa` (2048, 3072 or 4096 bits) or `ecdsa` (256 or 384).
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = "rsa"))]
    pub algo: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = 4096))]
    pub size: Option<u32>,
}

/// The root certificate's parameters (MCM's `csr` object).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CAcsr))]
#[serde(deny_unknown_fields)]
pub struct CaCsrInput {
    /// DNS names and IP addresses of the CA, as subject alternative names.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::hosts))]
    pub hosts: Option<Vec<String>>,
    /// One subject name; without it the environment's default DN is used.
    #[serde(default)]
    pub names: Option<Vec<DistinguishedName>>,
    #[serde(default)]
    pub key: Option<KeyInput>,
    /// How long the CA itself is valid (not in MCM, whose CA always got cfssl's 5 years).
    /// Default `43800h`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = "43800h"))]
    pub expiry: Option<String>,
}

/// The request to create an environment's CA (MCM's `CAInitialInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CAInitialInfo))]
#[serde(deny_unknown_fields)]
pub struct CaInitialInfo {
    #[serde(default)]
    pub default: Option<SigningProfileInput>,
    #[serde(default)]
    pub csr: Option<CaCsrInput>,
}

/// The signing profile as stored: checked, with defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SigningProfile {
    pub expiry: String,
    pub usages: Vec<String>,
    pub signature_algorithm: String,
}

/// The usages a signing profile may name (cfssl's names).
pub const PROFILE_USAGES: [&str; 4] = ["signing", "key encipherment", "server auth", "client auth"];
pub const SIGNATURE_ALGORITHMS: [&str; 3] = ["SHA256WithRSA", "SHA384WithRSA", "SHA512WithRSA"];

/// A CA as `POST .../cas` and `GET .../ca/rootCert` answer (MCM's `RootCACert`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = RootCACert))]
#[serde(rename_all = "camelCase")]
pub struct RootCaCert {
    #[cfg_attr(feature = "server", schema(example = 1))]
    pub id: i64,
    /// The CA's certificate, PEM.
    pub certificate: String,
    pub cert_info: CertInfo,
}

/// One of an environment's CAs, as listed: the current one and the ones it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CertificateAuthority {
    pub id: i64,
    pub env_id: EnvironmentId,
    pub certificate: String,
    pub cert_info: CertInfo,
    pub signing_profile: SigningProfile,
    /// Whether it is the environment's current CA, the one that signs.
    pub current: bool,
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T09:30:00.000Z"))]
    pub created_date: String,
    pub created_by: Option<String>,
}
