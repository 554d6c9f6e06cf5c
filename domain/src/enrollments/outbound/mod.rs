//! Outbound enrollments (MCM's `outbound_enrollments`): the Hub's client certificate for a
//! DFSP. The Hub uploads its CSR, or has the server make a key (sealed, never shown) and a CSR;
//! the DFSP's CA signs it and the certificate comes back; the Hub validates it against the
//! DFSP's CA. `CSR_LOADED` -> `CERT_SIGNED` -> `VALIDATED`.

use serde::{Deserialize, Serialize};

use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::pki::validations::{Validation, ValidationState};
use crate::pki::{CertInfo, CsrInfo};

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::OutboundService;

/// Where an outbound enrollment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = OutboundEnrollmentState))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutboundState {
    /// The Hub's CSR awaits the DFSP's CA.
    CsrLoaded,
    /// The DFSP returned a certificate; the Hub has not validated it yet, or it failed.
    CertSigned,
    /// The Hub validated the certificate: every check passed.
    Validated,
}

impl OutboundState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboundState::CsrLoaded => "CSR_LOADED",
            OutboundState::CertSigned => "CERT_SIGNED",
            OutboundState::Validated => "VALIDATED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::CsrLoaded, Self::CertSigned, Self::Validated]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// The Hub's own CSR (MCM's `DFSPOutboundCreate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPOutboundCreate))]
#[serde(deny_unknown_fields)]
pub struct OutboundCreate {
    /// The CSR, PEM. Required.
    #[serde(rename = "hubCSR", default)]
    pub hub_csr: Option<String>,
}

/// The subject of a CSR the server makes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CSRParameters_subject))]
#[serde(deny_unknown_fields)]
pub struct CsrSubjectInput {
    /// Required.
    #[serde(rename = "CN", default)]
    pub cn: Option<String>,
    #[serde(rename = "emailAddress", default)]
    pub email_address: Option<String>,
    #[serde(rename = "O", default)]
    pub o: Option<String>,
    #[serde(rename = "OU", default)]
    pub ou: Option<String>,
    /// Two letters.
    #[serde(rename = "C", default)]
    pub c: Option<String>,
    #[serde(rename = "ST", default)]
    pub st: Option<String>,
    #[serde(rename = "L", default)]
    pub l: Option<String>,
}

/// The alternative names of a CSR the server makes: at least one DNS name or IP address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CSRParameters_subjectAltName))]
#[serde(deny_unknown_fields)]
pub struct SubjectAltNameInput {
    #[serde(default)]
    pub dns: Option<Vec<String>>,
    #[serde(default)]
    pub ips: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CSRParameters_extensions))]
#[serde(deny_unknown_fields)]
pub struct CsrExtensionsInput {
    #[serde(rename = "subjectAltName", default)]
    pub subject_alt_name: Option<SubjectAltNameInput>,
}

/// What a CSR the server makes says (MCM's `CSRParameters`). The key is RSA with 4096 bits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CSRParameters))]
#[serde(deny_unknown_fields)]
pub struct CsrParameters {
    #[serde(default)]
    pub subject: Option<CsrSubjectInput>,
    #[serde(default)]
    pub extensions: Option<CsrExtensionsInput>,
}

/// The certificate a DFSP's CA signed for the Hub's CSR (MCM's `Certificate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = OutboundCertificate))]
#[serde(deny_unknown_fields)]
pub struct OutboundCertificate {
    /// The certificate, PEM. Required.
    #[serde(default)]
    pub certificate: Option<String>,
}

/// An outbound enrollment, validated as of the request against the DFSP's CA (MCM's
/// `OutboundEnrollment`). The private key is never part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutboundEnrollment {
    /// The `enId`.
    #[cfg_attr(feature = "server", schema(example = 1))]
    pub id: i64,
    pub env_id: EnvironmentId,
    pub dfsp_id: DfspId,
    /// PEM.
    pub csr: String,
    pub csr_info: CsrInfo,
    /// PEM; `null` until the DFSP returns the certificate.
    pub certificate: Option<String>,
    pub cert_info: Option<CertInfo>,
    pub state: OutboundState,
    /// Whether the server made the CSR's key and keeps it (sealed).
    pub key_kept: bool,
    pub validation_state: ValidationState,
    pub validations: Vec<Validation>,
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T09:30:00.000Z"))]
    pub created_date: String,
    pub created_by: Option<String>,
    /// When the certificate came back, and from whom.
    pub certificate_date: Option<String>,
    pub certificate_by: Option<String>,
    /// When the Hub validated it, and who.
    pub validated_date: Option<String>,
    pub validated_by: Option<String>,
}
