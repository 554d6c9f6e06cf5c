//! The certificates the Hub and the DFSPs present to each other, each stored with the CA chain
//! it chains to: TLS server certificates (MCM's `hub_server_certs` and `dfsp_server_certs`)
//! and the DFSPs' JWS signing certificates (`dfsp_jws_certs`).
//!
//! An owner (the Hub, or one DFSP) has at most one set of each purpose: storing a set replaces
//! the one before as a whole (MCM inserted a second row, after which every read failed). The
//! certificates are kept as PEM and validated whenever they are shown, so the validations are
//! always as of now.

use serde::{Deserialize, Serialize};

use super::validations::{Validation, ValidationState};
use super::CertInfo;
use crate::dfsps::DfspId;

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::{CertificateSetService, HubJwsCerts, Owner, Write};

/// What a set's certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A TLS server certificate, checked with MCM's `serverCertValidations`.
    Server,
    /// A JWS signing certificate, checked with MCM's `jwsCertValidations`.
    Jws,
}

/// A TLS server certificate and its chain to store (MCM's `BaseServerCert`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = BaseServerCert))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerCertInput {
    /// The server certificate, PEM. Required.
    #[serde(default)]
    pub server_certificate: Option<String>,
    /// The intermediate CA certificates between the server certificate and the root, PEM, in
    /// any order.
    #[serde(default)]
    pub intermediate_chain: Option<String>,
    /// The self-signed root the chain ends in, PEM.
    #[serde(default)]
    pub root_certificate: Option<String>,
}

/// A JWS signing certificate and its chain to store (MCM's `BaseJWSCert`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = BaseJWSCert))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JwsCertInput {
    /// The JWS signing certificate, PEM. Required.
    #[serde(default)]
    pub jws_certificate: Option<String>,
    /// The intermediate CA certificates under the root, PEM, in any order.
    #[serde(default)]
    pub intermediate_chain: Option<String>,
    /// The self-signed root, PEM.
    #[serde(default)]
    pub root_certificate: Option<String>,
}

/// A stored TLS server certificate with its chain, what they say and how they validate now
/// (MCM's `ServerCert`; the list of every DFSP's adds `dfspId`, here on every DFSP's set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = ServerCert))]
#[serde(rename_all = "camelCase")]
pub struct ServerCert {
    /// Identifies this upload: storing a new set gives a new id.
    pub id: i64,
    /// The DFSP the certificate belongs to; absent for the Hub's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dfsp_id: Option<DfspId>,
    /// PEM.
    pub server_certificate: String,
    /// PEM, one block per intermediate; `null` when there are none.
    pub intermediate_chain: Option<String>,
    /// PEM; `null` when none was given.
    pub root_certificate: Option<String>,
    pub server_certificate_info: CertInfo,
    pub intermediate_chain_info: Vec<CertInfo>,
    pub root_certificate_info: Option<CertInfo>,
    /// `serverCertValidations`, as of the request.
    pub validations: Vec<Validation>,
    /// `INVALID` when one of `validations` is.
    pub validation_state: ValidationState,
    /// When the set was stored, and by whom.
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T09:30:00.000Z"))]
    pub updated_date: String,
    pub updated_by: Option<String>,
}

/// A stored JWS signing certificate with its chain, what they say and how they validate now
/// (MCM's `JWSCert`; `dfspId` on every DFSP's set, none on the Hub's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = JWSCert))]
#[serde(rename_all = "camelCase")]
pub struct JwsCert {
    /// Identifies this upload: storing a new set gives a new id.
    pub id: i64,
    /// The DFSP the certificate belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dfsp_id: Option<DfspId>,
    /// PEM.
    pub jws_certificate: String,
    /// PEM, one block per intermediate; `null` when there are none.
    pub intermediate_chain: Option<String>,
    /// PEM; `null` when none was given.
    pub root_certificate: Option<String>,
    pub jws_certificate_info: CertInfo,
    pub intermediate_chain_info: Vec<CertInfo>,
    pub root_certificate_info: Option<CertInfo>,
    /// `jwsCertValidations` (the certificate only, as MCM), as of the request.
    pub validations: Vec<Validation>,
    /// `INVALID` when one of `validations` is.
    pub validation_state: ValidationState,
    /// When the set was stored, and by whom.
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T09:30:00.000Z"))]
    pub updated_date: String,
    pub updated_by: Option<String>,
    /// The Hub's previous JWS certificate, kept after a rotation until a hub operator deletes
    /// it, so that messages signed before the switch still verify. Absent when `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub superseded: bool,
}
