//! The onboarding board: for each DFSP, where each step of its onboarding stands (done,
//! waiting on the Hub, waiting on the DFSP, or failing with the check that fails), and the
//! DFSP's overall state. Read from what is stored, as of now; nothing is kept for it.

use serde::{Deserialize, Serialize};

use crate::dfsps::DfspId;

pub mod reported;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::OnboardingService;

/// The steps of a DFSP's onboarding, in the order they are usually done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum OnboardingStep {
    /// The DFSP has given its endpoints (ingress URLs or IPs, egress IPs).
    EndpointsSubmitted,
    /// The Hub has confirmed every one of them.
    EndpointsConfirmed,
    /// The DFSP has uploaded its CA.
    DfspCaUploaded,
    /// The DFSP has submitted a CSR for its client certificate.
    InboundCsrSubmitted,
    /// The Hub has issued the DFSP's client certificate (and it is not revoked).
    InboundCertificateSigned,
    /// The Hub has made (or uploaded) its CSR for the DFSP's CA to sign.
    OutboundCsrCreated,
    /// The DFSP has returned the Hub's certificate.
    OutboundCertificateReturned,
    /// The Hub has validated that certificate.
    OutboundValidated,
    /// The DFSP has uploaded its TLS server certificate.
    ServerCertificate,
    /// The DFSP has uploaded its JWS signing certificate.
    JwsCertificate,
}

impl OnboardingStep {
    pub const ALL: [OnboardingStep; 10] = [
        OnboardingStep::EndpointsSubmitted,
        OnboardingStep::EndpointsConfirmed,
        OnboardingStep::DfspCaUploaded,
        OnboardingStep::InboundCsrSubmitted,
        OnboardingStep::InboundCertificateSigned,
        OnboardingStep::OutboundCsrCreated,
        OnboardingStep::OutboundCertificateReturned,
        OnboardingStep::OutboundValidated,
        OnboardingStep::ServerCertificate,
        OnboardingStep::JwsCertificate,
    ];

    /// For people, short enough for a table heading.
    pub fn label(self) -> &'static str {
        match self {
            OnboardingStep::EndpointsSubmitted => "Endpoints submitted",
            OnboardingStep::EndpointsConfirmed => "Endpoints confirmed",
            OnboardingStep::DfspCaUploaded => "DFSP CA",
            OnboardingStep::InboundCsrSubmitted => "Client CSR",
            OnboardingStep::InboundCertificateSigned => "Client certificate",
            OnboardingStep::OutboundCsrCreated => "Hub CSR",
            OnboardingStep::OutboundCertificateReturned => "Hub certificate returned",
            OnboardingStep::OutboundValidated => "Hub certificate validated",
            OnboardingStep::ServerCertificate => "Server certificate",
            OnboardingStep::JwsCertificate => "JWS certificate",
        }
    }
}

/// Where one step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum StepState {
    Done,
    WaitingOnHub,
    WaitingOnDfsp,
    /// Done, but a check fails: see `failingValidation`.
    Failing,
}

impl StepState {
    pub fn label(self) -> &'static str {
        match self {
            StepState::Done => "Done",
            StepState::WaitingOnHub => "Waiting on the Hub",
            StepState::WaitingOnDfsp => "Waiting on the DFSP",
            StepState::Failing => "Failing",
        }
    }
}

/// A DFSP's onboarding as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum OverallState {
    /// Every step is done.
    Onboarded,
    /// A step fails a check.
    Failing,
    /// Nothing fails, and the Hub has something to do.
    WaitingOnHub,
    /// Nothing fails, and only the DFSP has something to do.
    WaitingOnDfsp,
}

impl OverallState {
    pub fn of(steps: &[StepStatus]) -> OverallState {
        let any = |state| steps.iter().any(|s| s.state == state);
        if any(StepState::Failing) {
            OverallState::Failing
        } else if any(StepState::WaitingOnHub) {
            OverallState::WaitingOnHub
        } else if any(StepState::WaitingOnDfsp) {
            OverallState::WaitingOnDfsp
        } else {
            OverallState::Onboarded
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OverallState::Onboarded => "Onboarded",
            OverallState::Failing => "Failing",
            OverallState::WaitingOnHub => "Waiting on the Hub",
            OverallState::WaitingOnDfsp => "Waiting on the DFSP",
        }
    }
}

/// One step of one DFSP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StepStatus {
    pub step: OnboardingStep,
    pub state: StepState,
    /// For people: what is there, or what is awaited.
    pub detail: String,
    /// For a failing step: the code of the first check that fails, and its message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_validation: Option<String>,
}

/// A DFSP's row of the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DfspOnboarding {
    pub dfsp_id: DfspId,
    pub name: String,
    pub state: OverallState,
    /// How many of the steps are done.
    pub done: u32,
    /// Every step, in [`OnboardingStep::ALL`]'s order.
    pub steps: Vec<StepStatus>,
}

/// A phase of MCM v3's `GET /dfsps/{dfspId}/status` (its `DfspStatus`), computed from the
/// board's steps (v3's was a stub that only ever completed the id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DfspStatus))]
pub struct PhaseStatus {
    /// `BUSINESS_SETUP` or `TECHNICAL_SETUP`.
    #[cfg_attr(feature = "server", schema(example = "TECHNICAL_SETUP"))]
    pub phase: String,
    pub steps: Vec<PhaseStep>,
}

/// One step of a phase: `identifier` (`ID_GENERATION`, `ENDPOINTS`, `CSR_EXCHANGE`,
/// `CERTIFICATE_AUTHORITY`, `SERVER_CERTIFICATES_EXCHANGE`, `JWS_CERTIFICATES`) and `status`
/// (`NOT_STARTED`, `IN_PROGRESS`, `COMPLETED`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PhaseStep {
    #[cfg_attr(feature = "server", schema(example = "CSR_EXCHANGE"))]
    pub identifier: String,
    #[cfg_attr(feature = "server", schema(example = "IN_PROGRESS"))]
    pub status: String,
}

impl DfspOnboarding {
    /// MCM v3's phases and steps: a v3 step is `COMPLETED` when every board step it stands for
    /// is done, `IN_PROGRESS` when some is done or fails a check, `NOT_STARTED` otherwise.
    pub fn v3_phases(&self) -> Vec<PhaseStatus> {
        use OnboardingStep as S;
        let status = |board: &[OnboardingStep]| {
            let states: Vec<StepState> = self
                .steps
                .iter()
                .filter(|s| board.contains(&s.step))
                .map(|s| s.state)
                .collect();
            let status = if !states.is_empty() && states.iter().all(|s| *s == StepState::Done) {
                "COMPLETED"
            } else if states
                .iter()
                .any(|s| matches!(s, StepState::Done | StepState::Failing))
            {
                "IN_PROGRESS"
            } else {
                "NOT_STARTED"
            };
            status.to_owned()
        };
        let step = |identifier: &str, status: String| PhaseStep {
            identifier: identifier.to_owned(),
            status,
        };
        vec![
            PhaseStatus {
                phase: "BUSINESS_SETUP".into(),
                steps: vec![step("ID_GENERATION", "COMPLETED".into())],
            },
            PhaseStatus {
                phase: "TECHNICAL_SETUP".into(),
                steps: vec![
                    step(
                        "ENDPOINTS",
                        status(&[S::EndpointsSubmitted, S::EndpointsConfirmed]),
                    ),
                    step(
                        "CSR_EXCHANGE",
                        status(&[
                            S::InboundCsrSubmitted,
                            S::InboundCertificateSigned,
                            S::OutboundCsrCreated,
                            S::OutboundCertificateReturned,
                            S::OutboundValidated,
                        ]),
                    ),
                    step("CERTIFICATE_AUTHORITY", status(&[S::DfspCaUploaded])),
                    step(
                        "SERVER_CERTIFICATES_EXCHANGE",
                        status(&[S::ServerCertificate]),
                    ),
                    step("JWS_CERTIFICATES", status(&[S::JwsCertificate])),
                ],
            },
        ]
    }
}
