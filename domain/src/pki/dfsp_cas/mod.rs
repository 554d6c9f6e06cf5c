//! Each DFSP's CA (MCM's `dfsp_cas`): the root and intermediates that sign the DFSP's
//! certificates, uploaded by the DFSP or the Hub, one per DFSP, replaced as a whole, and
//! checked with the catalogue's CA-chain validations. The Hub trusts the DFSP's certificates
//! through it.

use serde::{Deserialize, Serialize};

use super::validations::{Validation, ValidationState};
use super::CertInfo;
use crate::dfsps::DfspId;

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::DfspCaService;

/// The DFSP's CA as a chain to verify against, if it has one.
#[cfg(feature = "server")]
pub(crate) async fn chain_of(
    conn: &mut crate::db::Conn<'_>,
    scope: &crate::access::DfspScope,
) -> crate::db::Outcome<Option<super::ca_chain::CaChain>> {
    match repository::find(conn, scope).await? {
        Some(row) => Ok(Some(service::stored_chain(&row, scope.dfsp_id())?)),
        None => Ok(None),
    }
}

/// A DFSP's CA to store (MCM's `CAInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = CAInfo))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DfspCaInput {
    /// The CA's self-signed root certificate, PEM. Required.
    #[serde(default)]
    pub root_certificate: Option<String>,
    /// The intermediate CA certificates under the root, PEM, in any order.
    #[serde(default)]
    pub intermediate_chain: Option<String>,
}

/// A DFSP's CA, with what its certificates say and how they validate now. When none is
/// stored, every field is empty and `validationState` is `NOT_AVAILABLE`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPCA))]
#[serde(rename_all = "camelCase")]
pub struct DfspCa {
    /// PEM.
    pub root_certificate: Option<String>,
    /// PEM, one block per intermediate; `null` when there are none.
    pub intermediate_chain: Option<String>,
    pub root_certificate_info: Option<CertInfo>,
    pub intermediate_chain_info: Vec<CertInfo>,
    /// The CA-chain validations, as of the request.
    pub validations: Vec<Validation>,
    /// `INVALID` when one of `validations` is; `NOT_AVAILABLE` when no CA is stored.
    pub validation_state: ValidationState,
    /// When the CA was stored, and by whom.
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T09:30:00.000Z"))]
    pub updated_date: Option<String>,
    pub updated_by: Option<String>,
}

impl DfspCa {
    /// What a DFSP without a CA has.
    pub fn none() -> DfspCa {
        DfspCa {
            root_certificate: None,
            intermediate_chain: None,
            root_certificate_info: None,
            intermediate_chain_info: Vec::new(),
            validations: Vec::new(),
            validation_state: ValidationState::NotAvailable,
            updated_date: None,
            updated_by: None,
        }
    }
}

/// One DFSP and its CA, as the Hub's overview lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DfspCaOfDfsp {
    pub dfsp_id: DfspId,
    pub name: String,
    pub ca: DfspCa,
}
