//! The Hub's external CAs (MCM's `hub_issuer_cas`): CAs outside the Connection Manager that
//! sign certificates for the Hub, each uploaded as a root and its intermediates, named uniquely
//! in its environment and checked with the catalogue's CA-chain validations.

use serde::{Deserialize, Serialize};

use super::validations::{Validation, ValidationState};
use super::CertInfo;
use crate::environments::EnvironmentId;

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::HubCaService;

/// The only kind of Hub CA that is uploaded: the Hub's internal CA is made with `POST .../cas`.
pub const EXTERNAL: &str = "EXTERNAL";

/// The longest name of a Hub CA, in characters.
pub const NAME_MAX_CHARS: usize = 512;

/// A Hub CA to add (MCM's `HubCAInfoInput`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = HubCAInfoInput))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HubCaInput {
    /// A name unique in the environment.
    #[cfg_attr(
        feature = "server",
        schema(example = "Hub issuing CA", max_length = 512)
    )]
    pub name: Option<String>,
    /// `EXTERNAL` (the default).
    #[serde(rename = "type", default)]
    #[cfg_attr(feature = "server", schema(example = "EXTERNAL"))]
    pub kind: Option<String>,
    /// The CA's self-signed root certificate, PEM. Required.
    #[serde(default)]
    pub root_certificate: Option<String>,
    /// The intermediate CA certificates under the root, PEM, in any order.
    #[serde(default)]
    pub intermediate_chain: Option<String>,
}

/// A Hub CA as stored, with what its certificates say and how they validate now (MCM's
/// `HubCA`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = HubCA))]
#[serde(rename_all = "camelCase")]
pub struct HubCa {
    /// The `hubCAId`.
    #[cfg_attr(feature = "server", schema(example = 1))]
    pub id: i64,
    pub env_id: EnvironmentId,
    /// Always `EXTERNAL`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "server", schema(example = "EXTERNAL"))]
    pub kind: String,
    pub name: String,
    /// PEM.
    pub root_certificate: String,
    /// PEM, one block per intermediate; `null` when there are none.
    pub intermediate_chain: Option<String>,
    pub root_certificate_info: CertInfo,
    pub intermediate_chain_info: Vec<CertInfo>,
    /// `INVALID` when one of `validations` is.
    pub validation_state: ValidationState,
    /// The CA-chain validations, as of the request.
    pub validations: Vec<Validation>,
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T09:30:00.000Z"))]
    pub created_date: String,
    pub created_by: Option<String>,
}
