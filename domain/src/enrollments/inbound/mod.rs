//! Inbound enrollments (MCM's `inbound_enrollments`): a DFSP submits a CSR for its client
//! certificate; the Hub signs it with the environment's current CA, or uploads a certificate one
//! of its external CAs signed. `CSR_LOADED` -> `CERT_SIGNED`, once.

use serde::{Deserialize, Serialize};

use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::pki::validations::{Validation, ValidationState};
use crate::pki::{CertInfo, CsrInfo};

#[cfg(feature = "server")]
pub(crate) mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::{InboundService, InboundStatus};

/// Where an inbound enrollment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = InboundEnrollmentState))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InboundState {
    /// The DFSP's CSR awaits the Hub.
    CsrLoaded,
    /// The certificate is issued.
    CertSigned,
}

impl InboundState {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "CSR_LOADED" => Some(InboundState::CsrLoaded),
            "CERT_SIGNED" => Some(InboundState::CertSigned),
            _ => None,
        }
    }
}

/// A DFSP's CSR (MCM's `DFSPInboundCreate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPInboundCreate))]
#[serde(deny_unknown_fields)]
pub struct InboundCreate {
    /// The CSR, PEM. Required.
    #[serde(rename = "clientCSR", default)]
    pub client_csr: Option<String>,
}

/// A certificate an external Hub CA signed for an enrollment (MCM's `InboundCertificate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = InboundCertificate))]
#[serde(deny_unknown_fields)]
pub struct InboundCertificate {
    /// The certificate, PEM. Required.
    #[serde(default)]
    pub certificate: Option<String>,
    /// The external Hub CA that signed it. Required.
    #[serde(rename = "hubCAId", default)]
    pub hub_ca_id: Option<i64>,
}

/// An inbound enrollment, validated as of the request (MCM's `InboundEnrollment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InboundEnrollment {
    /// The `enId`.
    #[cfg_attr(feature = "server", schema(example = 1))]
    pub id: i64,
    pub env_id: EnvironmentId,
    pub dfsp_id: DfspId,
    /// PEM.
    pub csr: String,
    pub csr_info: CsrInfo,
    /// PEM; `null` until the certificate is issued.
    pub certificate: Option<String>,
    pub cert_info: Option<CertInfo>,
    pub state: InboundState,
    /// The external Hub CA that signed the certificate; `null` when the Hub's own CA did.
    #[serde(rename = "hubCAId")]
    pub hub_ca_id: Option<i64>,
    pub validation_state: ValidationState,
    pub validations: Vec<Validation>,
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T09:30:00.000Z"))]
    pub created_date: String,
    pub created_by: Option<String>,
    /// When the certificate was issued, and by whom.
    pub signed_date: Option<String>,
    pub signed_by: Option<String>,
    /// Present once a hub operator has revoked the certificate: it is on the CA's CRL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<crate::pki::revocations::Revocation>,
}
