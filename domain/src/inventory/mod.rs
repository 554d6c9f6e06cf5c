//! The certificate inventory: every certificate an environment knows, wherever it is kept
//! (internal CAs, the Hub's external CAs, DFSP CA chains, inbound and outbound enrollment
//! certificates, server and JWS certificates with their chains), with how long each has left,
//! so that a Hub operator sees a certificate expiring before a connection breaks.
//!
//! Nothing is stored for the inventory: it is read from the certificates themselves, as of the
//! services' clock, on every request.

use serde::{Deserialize, Serialize};

use crate::dfsps::DfspId;
use crate::DomainError;

#[cfg(feature = "server")]
mod alerts;
#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use alerts::{ExpiryAlert, ExpiryAlertService};
#[cfg(feature = "server")]
pub use service::InventoryService;

/// Where a certificate is kept, which says what it is for. The names are stable: API clients
/// filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CertificateKind {
    /// An internal CA of the environment (the newest signs; older ones are kept).
    InternalCa,
    /// One of the Hub's external CAs, or an intermediate of its chain.
    HubCa,
    /// A DFSP's CA, or an intermediate of its chain.
    DfspCa,
    /// A DFSP's client certificate, signed by the Hub for the DFSP's CSR.
    InboundEnrollment,
    /// The Hub's client certificate for a DFSP, signed by the DFSP's CA.
    OutboundEnrollment,
    /// The Hub's TLS server certificate, or a certificate of its chain.
    HubServer,
    /// A DFSP's TLS server certificate, or a certificate of its chain.
    DfspServer,
    /// A DFSP's JWS signing certificate, or a certificate of its chain.
    DfspJws,
    /// The Hub's JWS signing certificate (and the one it superseded, while kept), or a
    /// certificate of its chain.
    HubJws,
}

impl CertificateKind {
    pub const ALL: [CertificateKind; 9] = [
        CertificateKind::InternalCa,
        CertificateKind::HubCa,
        CertificateKind::DfspCa,
        CertificateKind::InboundEnrollment,
        CertificateKind::OutboundEnrollment,
        CertificateKind::HubServer,
        CertificateKind::DfspServer,
        CertificateKind::DfspJws,
        CertificateKind::HubJws,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertificateKind::InternalCa => "internalCa",
            CertificateKind::HubCa => "hubCa",
            CertificateKind::DfspCa => "dfspCa",
            CertificateKind::InboundEnrollment => "inboundEnrollment",
            CertificateKind::OutboundEnrollment => "outboundEnrollment",
            CertificateKind::HubServer => "hubServer",
            CertificateKind::DfspServer => "dfspServer",
            CertificateKind::DfspJws => "dfspJws",
            CertificateKind::HubJws => "hubJws",
        }
    }

    /// For people: what the certificate is.
    pub fn label(self) -> &'static str {
        match self {
            CertificateKind::InternalCa => "Internal CA",
            CertificateKind::HubCa => "Hub external CA",
            CertificateKind::DfspCa => "DFSP CA",
            CertificateKind::InboundEnrollment => "DFSP client certificate",
            CertificateKind::OutboundEnrollment => "Hub client certificate",
            CertificateKind::HubServer => "Hub server certificate",
            CertificateKind::DfspServer => "DFSP server certificate",
            CertificateKind::DfspJws => "DFSP JWS certificate",
            CertificateKind::HubJws => "Hub JWS certificate",
        }
    }

    pub fn parse(raw: &str) -> Option<CertificateKind> {
        CertificateKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A certificate's place in its chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CertificateRole {
    /// A self-signed CA certificate that a chain ends in.
    Root,
    /// A CA certificate between a root and the certificates it signs.
    Intermediate,
    /// A certificate that is not a CA's: a client, server or JWS certificate.
    EndEntity,
}

impl CertificateRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateRole::Root => "root",
            CertificateRole::Intermediate => "intermediate",
            CertificateRole::EndEntity => "endEntity",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            CertificateRole::Root => "root",
            CertificateRole::Intermediate => "intermediate",
            CertificateRole::EndEntity => "certificate",
        }
    }
}

/// How a certificate stands as of now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CertificateStatus {
    /// Valid for longer than the widest expiry warning.
    Valid,
    /// Expires within the widest expiry warning (`EXPIRY_WARNING_DAYS`, default 30 days).
    Expiring,
    /// Its `notAfter` has passed.
    Expired,
    /// A hub operator revoked it: the issuing CA's CRL lists it.
    Revoked,
}

impl CertificateStatus {
    pub const ALL: [CertificateStatus; 4] = [
        CertificateStatus::Valid,
        CertificateStatus::Expiring,
        CertificateStatus::Expired,
        CertificateStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Expiring => "expiring",
            CertificateStatus::Expired => "expired",
            CertificateStatus::Revoked => "revoked",
        }
    }

    pub fn parse(raw: &str) -> Option<CertificateStatus> {
        CertificateStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// The owner the inventory names for the Hub's certificates.
pub const HUB_OWNER: &str = "hub";

/// One certificate of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InventoryCertificate {
    /// Stable while the certificate is stored: the kind, the row that keeps it and, for a
    /// certificate of a chain, its place there (`dfspCa.3` is DFSP CA 3's root, `dfspCa.3.1`
    /// its first intermediate, `dfspServer.4.root` the root of server certificate set 4).
    #[cfg_attr(feature = "server", schema(example = "inboundEnrollment.12"))]
    pub id: String,
    pub kind: CertificateKind,
    pub role: CertificateRole,
    /// Whose key the certificate certifies: `hub`, or the DFSP's id.
    #[cfg_attr(feature = "server", schema(example = "DFSP1"))]
    pub owner: String,
    /// The DFSP the certificate concerns, if any: its owner, or the DFSP whose CA signed the
    /// Hub's outbound certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dfsp_id: Option<DfspId>,
    /// `CN=..., O=...`.
    pub subject: String,
    pub issuer: String,
    /// Hexadecimal, bytes separated by colons.
    #[cfg_attr(feature = "server", schema(example = "0C:E8:4B:1D"))]
    pub serial: String,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T00:00:00Z"))]
    pub not_before: String,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "server", schema(example = "2027-11-28T00:00:00Z"))]
    pub not_after: String,
    /// Whole days until `notAfter` (rounded down); negative once it has passed.
    pub days_left: i64,
    pub status: CertificateStatus,
    /// SHA-256 of the DER encoding, in hexadecimal with colons.
    pub fingerprint_sha256: String,
    /// Whether a hub operator can revoke it here: a DFSP client certificate the environment's
    /// CA issued that is neither revoked nor expired.
    pub revocable: bool,
    /// Present once it is revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<crate::pki::revocations::Revocation>,
}

/// The filters of an inventory listing, each optional. Read as text, so that an unknown value
/// is answered with the values there are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryFilter {
    /// A [`CertificateKind`]'s name.
    pub kind: Option<String>,
    /// `hub`, or a DFSP's id: whose certificates.
    pub owner: Option<String>,
    /// A [`CertificateStatus`]'s name.
    pub status: Option<String>,
}

/// An inventory listing's filters, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryQuery {
    pub kind: Option<CertificateKind>,
    pub owner: Option<String>,
    pub status: Option<CertificateStatus>,
}

impl InventoryQuery {
    /// Blank values select everything; an unknown kind or status is an error that lists the
    /// known ones.
    pub fn from_filter(filter: &InventoryFilter) -> Result<InventoryQuery, DomainError> {
        fn given(value: &Option<String>) -> Option<&str> {
            value.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let kind = given(&filter.kind)
            .map(|kind| {
                CertificateKind::parse(kind).ok_or_else(|| {
                    unknown(
                        "kind",
                        kind,
                        CertificateKind::ALL.map(CertificateKind::as_str),
                    )
                })
            })
            .transpose()?;
        let status = given(&filter.status)
            .map(|status| {
                CertificateStatus::parse(status).ok_or_else(|| {
                    unknown(
                        "status",
                        status,
                        CertificateStatus::ALL.map(CertificateStatus::as_str),
                    )
                })
            })
            .transpose()?;
        Ok(InventoryQuery {
            kind,
            owner: given(&filter.owner).map(str::to_owned),
            status,
        })
    }

    pub fn selects(&self, certificate: &InventoryCertificate) -> bool {
        self.kind.is_none_or(|kind| certificate.kind == kind)
            && self
                .owner
                .as_deref()
                .is_none_or(|owner| certificate.owner == owner)
            && self
                .status
                .is_none_or(|status| certificate.status == status)
    }

    pub fn is_everything(&self) -> bool {
        *self == InventoryQuery::default()
    }
}

fn unknown<const N: usize>(field: &str, value: &str, known: [&str; N]) -> DomainError {
    DomainError::invalid_field(
        "certificate inventory query",
        field,
        format!(
            "'{value}' is not a {field}; the {field}s are {}",
            known.join(", ")
        ),
    )
}

/// The certificates as CSV (RFC 4180, a header line first), for a spreadsheet.
pub fn to_csv(certificates: &[InventoryCertificate]) -> String {
    fn field(value: &str) -> String {
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_owned()
        }
    }
    let mut csv = String::from(
        "id,kind,role,owner,dfspId,subject,issuer,serial,notBefore,notAfter,daysLeft,status,fingerprintSha256,revokedAt,revocationReason\r\n",
    );
    for c in certificates {
        let row = [
            c.id.as_str(),
            c.kind.as_str(),
            c.role.as_str(),
            &c.owner,
            c.dfsp_id.as_ref().map_or("", |d| d.as_str()),
            &c.subject,
            &c.issuer,
            &c.serial,
            &c.not_before,
            &c.not_after,
            &c.days_left.to_string(),
            c.status.as_str(),
            &c.fingerprint_sha256,
            c.revocation.as_ref().map_or("", |r| r.revoked_at.as_str()),
            c.revocation.as_ref().map_or("", |r| r.reason.as_str()),
        ];
        let row: Vec<String> = row.iter().map(|value| field(value)).collect();
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    csv
}

/// The days before expiry at which a certificate is flagged, widest first
/// (`EXPIRY_WARNING_DAYS`, default `30,7,1`). The widest makes a certificate "expiring".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryWarnings(Vec<u32>);

impl Default for ExpiryWarnings {
    fn default() -> Self {
        ExpiryWarnings(vec![30, 7, 1])
    }
}

impl ExpiryWarnings {
    /// Reads `30,7,1`: whole days, each at least 1, in any order.
    pub fn parse(text: &str) -> Result<ExpiryWarnings, String> {
        let mut days = text
            .split(',')
            .map(|part| {
                let part = part.trim();
                match part.parse::<u32>() {
                    Ok(days) if days >= 1 => Ok(days),
                    _ => Err(format!(
                        "'{part}' is not a number of days (a whole number from 1), as in 30,7,1"
                    )),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        days.sort_unstable_by(|a, b| b.cmp(a));
        days.dedup();
        Ok(ExpiryWarnings(days))
    }

    /// Widest first.
    pub fn days(&self) -> &[u32] {
        &self.0
    }

    /// The widest warning: within it a certificate is expiring.
    pub fn window(&self) -> u32 {
        self.0.first().copied().unwrap_or(0)
    }

    /// The status of a certificate with `seconds_left` until its `notAfter`.
    pub fn status(&self, seconds_left: i64) -> CertificateStatus {
        if seconds_left <= 0 {
            CertificateStatus::Expired
        } else if seconds_left <= i64::from(self.window()) * SECONDS_PER_DAY {
            CertificateStatus::Expiring
        } else {
            CertificateStatus::Valid
        }
    }
}

const SECONDS_PER_DAY: i64 = 86_400;

/// Whole days in `seconds`, rounded down (so a certificate that expired an hour ago has -1).
pub fn whole_days(seconds: i64) -> i64 {
    seconds.div_euclid(SECONDS_PER_DAY)
}

/// An environment's expiry figures, for its overview page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExpirySummary {
    /// Certificates listed in all.
    pub total: u32,
    /// Expiring within `windowDays`.
    pub expiring: u32,
    pub expired: u32,
    pub revoked: u32,
    /// The widest expiry warning, in days.
    pub window_days: u32,
}

impl ExpirySummary {
    /// The figures of `certificates`, flagged expiring within `window_days`.
    pub fn of(certificates: &[InventoryCertificate], window_days: u32) -> Self {
        let count = |status| certificates.iter().filter(|c| c.status == status).count() as u32;
        ExpirySummary {
            total: certificates.len() as u32,
            expiring: count(CertificateStatus::Expiring),
            expired: count(CertificateStatus::Expired),
            revoked: count(CertificateStatus::Revoked),
            window_days,
        }
    }
}

/// What the inventory page shows: the certificates, sorted by `notAfter`, and the warning
/// window that made them expiring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub certificates: Vec<InventoryCertificate>,
    pub window_days: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_read_widest_first_without_repeats() {
        assert_eq!(
            ExpiryWarnings::parse("1, 30,7,7").unwrap().days(),
            &[30, 7, 1]
        );
        assert_eq!(ExpiryWarnings::default().window(), 30);
        assert!(ExpiryWarnings::parse("30,0").unwrap_err().contains("'0'"));
        assert!(ExpiryWarnings::parse("thirty").is_err());
        assert!(ExpiryWarnings::parse("").is_err());
    }

    #[test]
    fn status_follows_the_widest_warning() {
        let warnings = ExpiryWarnings::default();
        let day = SECONDS_PER_DAY;
        assert_eq!(warnings.status(31 * day), CertificateStatus::Valid);
        assert_eq!(warnings.status(30 * day), CertificateStatus::Expiring);
        assert_eq!(warnings.status(1), CertificateStatus::Expiring);
        assert_eq!(warnings.status(0), CertificateStatus::Expired);
        assert_eq!(warnings.status(-5), CertificateStatus::Expired);
    }

    #[test]
    fn days_left_round_down() {
        assert_eq!(whole_days(86_399), 0);
        assert_eq!(whole_days(86_400), 1);
        assert_eq!(whole_days(-1), -1);
        assert_eq!(whole_days(-86_400), -1);
        assert_eq!(whole_days(-86_401), -2);
    }

    fn certificate(subject: &str, kind: CertificateKind, owner: &str) -> InventoryCertificate {
        InventoryCertificate {
            id: format!("{}.1", kind.as_str()),
            kind,
            role: CertificateRole::EndEntity,
            owner: owner.into(),
            dfsp_id: (owner != HUB_OWNER).then(|| DfspId(owner.into())),
            subject: subject.into(),
            issuer: "CN=Root".into(),
            serial: "01".into(),
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: "2027-01-01T00:00:00Z".into(),
            days_left: 31,
            status: CertificateStatus::Valid,
            fingerprint_sha256: "AA:BB".into(),
            revocable: false,
            revocation: None,
        }
    }

    #[test]
    fn a_query_selects_by_kind_owner_and_status_and_names_the_known_values() {
        let dfsp = certificate("CN=a", CertificateKind::DfspJws, "DFSP1");
        let hub = certificate("CN=b", CertificateKind::InternalCa, HUB_OWNER);
        let query = |kind: &str, owner: &str, status: &str| {
            InventoryQuery::from_filter(&InventoryFilter {
                kind: Some(kind.into()),
                owner: Some(owner.into()),
                status: Some(status.into()),
            })
        };
        let everything = query("", " ", "").unwrap();
        assert!(everything.is_everything());
        assert!(everything.selects(&dfsp) && everything.selects(&hub));
        let jws = query("dfspJws", "", "").unwrap();
        assert!(jws.selects(&dfsp) && !jws.selects(&hub));
        let hub_only = query("", "hub", "valid").unwrap();
        assert!(!hub_only.selects(&dfsp) && hub_only.selects(&hub));
        assert!(!query("", "", "expired").unwrap().selects(&hub));
        let error = query("jws", "", "").unwrap_err();
        assert_eq!(error.field_errors()[0].field, "kind");
        let message = &error.field_errors()[0].message;
        assert!(
            message.contains("'jws'") && message.contains("dfspJws"),
            "{message}"
        );
        let message = query("", "", "soon").unwrap_err().field_errors()[0]
            .message
            .clone();
        assert!(message.contains("expiring"), "{message}");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut c = certificate("CN=Bank, O=\"One\"", CertificateKind::DfspCa, "DFSP1");
        c.role = CertificateRole::Root;
        let csv = to_csv(&[c]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with("id,kind,role,owner,dfspId,subject,"));
        assert!(
            lines[1].starts_with(
                "dfspCa.1,dfspCa,root,DFSP1,DFSP1,\"CN=Bank, O=\"\"One\"\"\",CN=Root,01,"
            ),
            "{}",
            lines[1]
        );
        assert!(lines[1].ends_with(",31,valid,AA:BB,,"), "{}", lines[1]);
        assert_eq!(lines.len(), 3, "a line break after each row");
    }

    #[test]
    fn kinds_and_statuses_read_their_own_names() {
        for kind in CertificateKind::ALL {
            assert_eq!(CertificateKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        for status in CertificateStatus::ALL {
            assert_eq!(CertificateStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
    }
}
