//! The audit log: every change, who made it and when. Each state-changing service operation
//! appends one event in the same transaction as its change (so there is no change without its
//! event, and no event for a change that was rolled back). Events are never updated or
//! deleted, not even with the environment they name (the table's triggers refuse it).
//!
//! An event holds the acting principal's subject, the action, the environment, DFSP and item it
//! concerns, and a short summary for people: never a key, a pass phrase or a certificate body.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
pub(crate) mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub(crate) use service::Audit;
#[cfg(feature = "server")]
pub use service::AuditService;

/// What was done. The names are stable: API clients filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum AuditAction {
    #[serde(rename = "environment.create")]
    EnvironmentCreate,
    #[serde(rename = "environment.delete")]
    EnvironmentDelete,
    #[serde(rename = "dfsp.create")]
    DfspCreate,
    #[serde(rename = "dfsp.update")]
    DfspUpdate,
    #[serde(rename = "dfsp.delete")]
    DfspDelete,
    #[serde(rename = "endpoint.create")]
    EndpointCreate,
    #[serde(rename = "endpoint.update")]
    EndpointUpdate,
    #[serde(rename = "endpoint.delete")]
    EndpointDelete,
    #[serde(rename = "endpoint.confirm")]
    EndpointConfirm,
    #[serde(rename = "ca.create")]
    CaCreate,
    #[serde(rename = "hub_ca.create")]
    HubCaCreate,
    #[serde(rename = "hub_ca.delete")]
    HubCaDelete,
    #[serde(rename = "dfsp_ca.upload")]
    DfspCaUpload,
    #[serde(rename = "inbound.create")]
    InboundCreate,
    #[serde(rename = "inbound.sign")]
    InboundSign,
    #[serde(rename = "inbound.certificate_upload")]
    InboundCertificateUpload,
    #[serde(rename = "outbound.create")]
    OutboundCreate,
    #[serde(rename = "outbound.certificate_upload")]
    OutboundCertificateUpload,
    #[serde(rename = "outbound.validate")]
    OutboundValidate,
    #[serde(rename = "server_certificate.store")]
    ServerCertificateStore,
    #[serde(rename = "server_certificate.delete")]
    ServerCertificateDelete,
    #[serde(rename = "jws_certificate.store")]
    JwsCertificateStore,
    #[serde(rename = "jws_certificate.delete")]
    JwsCertificateDelete,
    /// MCM v3: a DFSP's bare JWS public key stored.
    #[serde(rename = "jws_key.store")]
    JwsKeyStore,
    /// MCM v3: another scheme's DFSPs' JWS keys given by a proxy or a hub operator.
    #[serde(rename = "external_jws_key.store")]
    ExternalJwsKeyStore,
    /// MCM v3: another scheme's DFSP's JWS key removed.
    #[serde(rename = "external_jws_key.delete")]
    ExternalJwsKeyDelete,
    /// MCM v3: a DFSP's ingress URL or egress addresses set as one document.
    #[serde(rename = "endpoint.replace")]
    EndpointReplace,
    /// MCM v3: the DFSP-side client reported a change in its onboarding progress.
    #[serde(rename = "onboarding.report")]
    OnboardingReport,
    #[serde(rename = "certificate.revoke")]
    CertificateRevoke,
    #[serde(rename = "session.sign_in")]
    SignIn,
    #[serde(rename = "session.sign_out")]
    SignOut,
    #[serde(rename = "second_factor.confirm")]
    SecondFactorConfirm,
    #[serde(rename = "second_factor.lock")]
    SecondFactorLock,
    #[serde(rename = "second_factor.reset")]
    SecondFactorReset,
}

impl AuditAction {
    pub const ALL: [AuditAction; 34] = [
        AuditAction::EnvironmentCreate,
        AuditAction::EnvironmentDelete,
        AuditAction::DfspCreate,
        AuditAction::DfspUpdate,
        AuditAction::DfspDelete,
        AuditAction::EndpointCreate,
        AuditAction::EndpointUpdate,
        AuditAction::EndpointDelete,
        AuditAction::EndpointConfirm,
        AuditAction::CaCreate,
        AuditAction::HubCaCreate,
        AuditAction::HubCaDelete,
        AuditAction::DfspCaUpload,
        AuditAction::InboundCreate,
        AuditAction::InboundSign,
        AuditAction::InboundCertificateUpload,
        AuditAction::OutboundCreate,
        AuditAction::OutboundCertificateUpload,
        AuditAction::OutboundValidate,
        AuditAction::ServerCertificateStore,
        AuditAction::ServerCertificateDelete,
        AuditAction::JwsCertificateStore,
        AuditAction::JwsCertificateDelete,
        AuditAction::JwsKeyStore,
        AuditAction::ExternalJwsKeyStore,
        AuditAction::ExternalJwsKeyDelete,
        AuditAction::EndpointReplace,
        AuditAction::OnboardingReport,
        AuditAction::CertificateRevoke,
        AuditAction::SignIn,
        AuditAction::SignOut,
        AuditAction::SecondFactorConfirm,
        AuditAction::SecondFactorLock,
        AuditAction::SecondFactorReset,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::EnvironmentCreate => "environment.create",
            AuditAction::EnvironmentDelete => "environment.delete",
            AuditAction::DfspCreate => "dfsp.create",
            AuditAction::DfspUpdate => "dfsp.update",
            AuditAction::DfspDelete => "dfsp.delete",
            AuditAction::EndpointCreate => "endpoint.create",
            AuditAction::EndpointUpdate => "endpoint.update",
            AuditAction::EndpointDelete => "endpoint.delete",
            AuditAction::EndpointConfirm => "endpoint.confirm",
            AuditAction::CaCreate => "ca.create",
            AuditAction::HubCaCreate => "hub_ca.create",
            AuditAction::HubCaDelete => "hub_ca.delete",
            AuditAction::DfspCaUpload => "dfsp_ca.upload",
            AuditAction::InboundCreate => "inbound.create",
            AuditAction::InboundSign => "inbound.sign",
            AuditAction::InboundCertificateUpload => "inbound.certificate_upload",
            AuditAction::OutboundCreate => "outbound.create",
            AuditAction::OutboundCertificateUpload => "outbound.certificate_upload",
            AuditAction::OutboundValidate => "outbound.validate",
            AuditAction::ServerCertificateStore => "server_certificate.store",
            AuditAction::ServerCertificateDelete => "server_certificate.delete",
            AuditAction::JwsCertificateStore => "jws_certificate.store",
            AuditAction::JwsCertificateDelete => "jws_certificate.delete",
            AuditAction::JwsKeyStore => "jws_key.store",
            AuditAction::ExternalJwsKeyStore => "external_jws_key.store",
            AuditAction::ExternalJwsKeyDelete => "external_jws_key.delete",
            AuditAction::EndpointReplace => "endpoint.replace",
            AuditAction::OnboardingReport => "onboarding.report",
            AuditAction::CertificateRevoke => "certificate.revoke",
            AuditAction::SignIn => "session.sign_in",
            AuditAction::SignOut => "session.sign_out",
            AuditAction::SecondFactorConfirm => "second_factor.confirm",
            AuditAction::SecondFactorLock => "second_factor.lock",
            AuditAction::SecondFactorReset => "second_factor.reset",
        }
    }

    pub fn parse(raw: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change, as the API and the portal show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// Increasing with time; the cursor of the pages.
    pub id: i64,
    /// When, RFC 3339 in UTC.
    #[cfg_attr(feature = "server", schema(example = "2026-11-30T10:15:00Z"))]
    pub at: String,
    /// Who: the principal's subject (`local` with authentication off).
    pub subject: String,
    /// What, e.g. `dfsp.create`, `inbound.sign`.
    #[cfg_attr(feature = "server", schema(example = "dfsp.create"))]
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub env_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dfsp_id: Option<String>,
    /// The item within, e.g. an enrollment's or endpoint's id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub target: Option<String>,
    /// For people: what changed.
    pub summary: String,
}

/// The filters of a listing, each optional; newest first, `before` being the cursor of the
/// previous page (its `nextCursor`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub dfsp_id: Option<String>,
    pub action: Option<String>,
    pub subject: Option<String>,
    /// From this instant on (RFC 3339).
    pub from: Option<String>,
    /// Before this instant (RFC 3339).
    pub to: Option<String>,
    pub before: Option<i64>,
    /// At most this many events (default 50, at most 500).
    pub limit: Option<u32>,
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 500;

/// A page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// Pass as `before` for the next, older page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub next_cursor: Option<i64>,
}
