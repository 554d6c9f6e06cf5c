//! MCM v3's JWS keys: each DFSP's JWS public key as the DFSP-side client (`@mojaloop/mcm-client`)
//! uploads it, a bare PEM public key with the unix time it was made (`createdAt`), and the list
//! of every participant's key that each client pulls to verify its peers' signatures.
//!
//! The keys of DFSPs that gave a JWS certificate instead (MCM 2020's shape, `pki::certificate_sets`)
//! are in that list too, taken from their certificates, and so is the Hub's.

use serde::{Deserialize, Serialize};

use super::validations::{Validation, ValidationState};
use crate::dfsps::DfspId;

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::{ExternalWrite, JwsKeyService};

/// What the Hub's own JWS key is listed under in `GET /dfsps/jwscerts` (MCM v3's `SWITCH_ID`),
/// unless the server is told otherwise.
pub const DEFAULT_HUB_ID: &str = "switch";

/// A JWS public key to store (MCM v3's `BaseJWSCert`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = BaseJWSKey))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JwsKeyInput {
    /// The JWS public key, PEM (`-----BEGIN PUBLIC KEY-----`), RSA or EC. Required. A key that
    /// cannot be read is stored `INVALID`, with the reason, as MCM v3 does.
    #[serde(default)]
    pub public_key: Option<String>,
    /// When the key was made, in unix seconds; the time of the upload when absent. Clients
    /// compare it to tell a rotated key from the one they have.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<f64>, example = 1733650000))]
    pub created_at: Option<serde_json::Number>,
}

/// A participant's JWS public key (MCM v3's `DFSPJWSCert`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPJWSKey))]
#[serde(rename_all = "camelCase")]
pub struct JwsKey {
    /// The DFSP (or the Hub, as `SWITCH_ID`) whose signatures the key verifies.
    #[cfg_attr(feature = "server", schema(value_type = String, example = "DFSP1"))]
    pub dfsp_id: DfspId,
    /// PEM.
    pub public_key: String,
    /// When the key was made, in unix seconds.
    #[cfg_attr(feature = "server", schema(example = 1733650000))]
    pub created_at: i64,
    pub validations: Vec<Validation>,
    pub validation_state: ValidationState,
    /// How the key was given: `publicKey` (uploaded as a key), `certificate` (taken from the
    /// DFSP's JWS certificate), `hub` (the Hub's own JWS certificate) or `external` (another
    /// scheme's DFSP, given by a proxy). An addition to v3.
    #[cfg_attr(feature = "server", schema(example = "publicKey"))]
    pub source: String,
    /// Another scheme's DFSP, reached through an interscheme proxy. An addition to v3, which
    /// listed them without telling them apart.
    pub external: bool,
    /// For an external DFSP's key: the proxy that gave it; absent when a hub operator did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, example = "PROXY1"))]
    pub source_dfsp_id: Option<DfspId>,
}

impl JwsKey {
    /// When the key was made, for people: `2026-12-08 10:00:00 UTC` (the unix seconds when
    /// they are no time).
    pub fn made_at(&self) -> String {
        time::OffsetDateTime::from_unix_timestamp(self.created_at)
            .ok()
            .and_then(|at| {
                at.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .map(|at| format!("{} UTC", at.replace('T', " ").trim_end_matches('Z')))
            .unwrap_or_else(|| self.created_at.to_string())
    }
}

/// The largest number of external DFSPs' keys one request may give.
pub const MAX_EXTERNAL_KEYS: usize = 1000;

/// Another scheme's DFSP's JWS key (MCM v3's `DFSPJWSCertInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPJWSKeyInput))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExternalJwsKeyInput {
    /// The external DFSP's id, as its own scheme names it. Required; not one of this
    /// environment's DFSPs.
    #[cfg_attr(feature = "server", schema(example = "EXTDFSP1"))]
    pub dfsp_id: Option<String>,
    /// Its JWS public key, PEM. Required.
    pub public_key: Option<String>,
    /// When the key was made, unix seconds; 0 when absent, as in MCM v3.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<f64>, example = 1733650000))]
    pub created_at: Option<serde_json::Number>,
}
