//! Revocation: a hub operator revokes a certificate one of the environment's CAs issued (a
//! DFSP's client certificate), with an RFC 5280 reason; the CA's certificate revocation list
//! (CRL) lists it from then on. Each CA's CRL is signed in-process, kept in the database, and
//! made again on every revocation and before half of its validity (`CRL_VALIDITY`) has passed,
//! so that relying parties that fetch it on schedule never hold an expired one.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub(crate) use repository::{revocation_of, REVOCATION_COLUMNS, REVOCATION_JOIN};
#[cfg(feature = "server")]
pub use service::{CrlDocument, RevocationService};

/// Why a certificate is revoked (RFC 5280's `CRLReason`), as far as an end-entity certificate
/// can be: certificate holds (and their removal) and CA compromises are not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    PrivilegeWithdrawn,
}

impl RevocationReason {
    pub const ALL: [RevocationReason; 6] = [
        RevocationReason::Unspecified,
        RevocationReason::KeyCompromise,
        RevocationReason::AffiliationChanged,
        RevocationReason::Superseded,
        RevocationReason::CessationOfOperation,
        RevocationReason::PrivilegeWithdrawn,
    ];

    /// RFC 5280's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::Unspecified => "unspecified",
            RevocationReason::KeyCompromise => "keyCompromise",
            RevocationReason::AffiliationChanged => "affiliationChanged",
            RevocationReason::Superseded => "superseded",
            RevocationReason::CessationOfOperation => "cessationOfOperation",
            RevocationReason::PrivilegeWithdrawn => "privilegeWithdrawn",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            RevocationReason::Unspecified => "No reason given",
            RevocationReason::KeyCompromise => "The key is compromised",
            RevocationReason::AffiliationChanged => "The DFSP's details changed",
            RevocationReason::Superseded => "Replaced by a new certificate",
            RevocationReason::CessationOfOperation => "No longer in use",
            RevocationReason::PrivilegeWithdrawn => "Access withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<RevocationReason> {
        RevocationReason::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
    }

    /// The `CRLReason` code.
    pub fn code(self) -> u8 {
        match self {
            RevocationReason::Unspecified => 0,
            RevocationReason::KeyCompromise => 1,
            RevocationReason::AffiliationChanged => 3,
            RevocationReason::Superseded => 4,
            RevocationReason::CessationOfOperation => 5,
            RevocationReason::PrivilegeWithdrawn => 9,
        }
    }
}

/// A revocation to make (`POST .../certificates/{certificateId}/revoke`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// An RFC 5280 reason: `unspecified` (the default), `keyCompromise`,
    /// `affiliationChanged`, `superseded`, `cessationOfOperation` or `privilegeWithdrawn`.
    /// (Read as text, so that an unknown one is told the list.)
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<RevocationReason>))]
    pub reason: Option<String>,
}

/// A certificate's revocation, as it is listed with the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    pub reason: RevocationReason,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "server", schema(example = "2026-11-30T10:15:00Z"))]
    pub revoked_at: String,
    pub revoked_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_their_own_names_and_serialize_as_them() {
        for reason in RevocationReason::ALL {
            assert_eq!(RevocationReason::parse(reason.as_str()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.as_str()));
        }
        assert_eq!(RevocationReason::parse("certificateHold"), None);
        assert_eq!(RevocationReason::KeyCompromise.code(), 1);
        assert_eq!(RevocationReason::PrivilegeWithdrawn.code(), 9);
    }
}
