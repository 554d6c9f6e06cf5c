use super::{DfspOnboarding, OnboardingStep, OverallState, StepState, StepStatus};
use crate::dfsps::{Dfsp, DfspId};
use crate::enrollments::inbound::InboundState;
use crate::enrollments::outbound::OutboundState;
use crate::environments::EnvironmentId;
use crate::network::{Party, State};
use crate::pki::validations::{Validation, ValidationResult, ValidationState};
use crate::{DomainResult, Principal, Services};

/// The onboarding board. Obtained from [`Services::onboarding`]. It reads through the other
/// services, so it sees exactly what the principal may.
pub struct OnboardingService<'a> {
    pub(crate) services: &'a Services,
}

impl OnboardingService<'_> {
    /// Every DFSP of the environment the principal acts for (all of them for a hub
    /// operator), in the order they were created.
    pub async fn board(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<DfspOnboarding>> {
        let dfsps = self.services.dfsps().list(who, env_id).await?;
        let mut board = Vec::new();
        for dfsp in dfsps
            .into_iter()
            .filter(|dfsp| who.may_act_for_dfsp(&dfsp.security_group))
        {
            board.push(self.row(who, env_id, dfsp).await?);
        }
        Ok(board)
    }

    /// One DFSP's row.
    pub async fn dfsp(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<DfspOnboarding> {
        let dfsp = self.services.dfsps().get(who, env_id, dfsp_id).await?;
        self.row(who, env_id, dfsp).await
    }

    async fn row(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp: Dfsp,
    ) -> DomainResult<DfspOnboarding> {
        let services = self.services;
        let id = &dfsp.id;
        let party = Party::Dfsp(id.clone());
        let (network, dfsp_cas, inbound_enrollments, outbound_enrollments, sets, jws_keys) = (
            services.network(),
            services.dfsp_cas(),
            services.inbound_enrollments(),
            services.outbound_enrollments(),
            services.certificate_sets(),
            services.jws_keys(),
        );
        // Six independent reads: at once, so that a row costs one database round trip of
        // time rather than six.
        let (endpoints, ca, inbound, outbound, server, jws) = tokio::try_join!(
            network.list(who, env_id, &party, None, None),
            dfsp_cas.get(who, env_id, id),
            inbound_enrollments.statuses(who, env_id, id),
            outbound_enrollments.list(who, env_id, id, None),
            sets.find_server(who, env_id, crate::pki::certificate_sets::Owner::Dfsp(id)),
            // The key MCM v3's client uploads, else the key of a 2020 JWS certificate.
            jws_keys.find(who, env_id, id),
        )?;
        let facts = Facts {
            endpoints: endpoints.len(),
            unconfirmed: endpoints.iter().filter(|e| e.state == State::New).count(),
            ca: (ca.root_certificate.is_some())
                .then(|| (ca.validation_state, failing(&ca.validations))),
            inbound_total: inbound.len(),
            inbound_awaiting: inbound
                .iter()
                .filter(|e| e.state == InboundState::CsrLoaded)
                .count(),
            inbound_signed: inbound
                .iter()
                .filter(|e| e.state == InboundState::CertSigned && !e.revoked)
                .count(),
            inbound_revoked: inbound.iter().filter(|e| e.revoked).count(),
            outbound_total: outbound.len(),
            outbound_returned: outbound.iter().filter(|e| e.certificate.is_some()).count(),
            outbound_validated: outbound
                .iter()
                .filter(|e| e.state == OutboundState::Validated)
                .count(),
            outbound_failing: outbound
                .iter()
                .filter(|e| e.state == OutboundState::CertSigned)
                .find_map(|e| failing(&e.validations)),
            server: server.map(|s| (s.validation_state, failing(&s.validations))),
            jws: jws.map(|s| (s.validation_state, failing(&s.validations))),
        };
        let steps = facts.steps();
        Ok(DfspOnboarding {
            dfsp_id: dfsp.id,
            name: dfsp.name,
            state: OverallState::of(&steps),
            done: steps.iter().filter(|s| s.state == StepState::Done).count() as u32,
            steps,
        })
    }
}

/// The first failing check, as `CODE: message`.
fn failing(validations: &[Validation]) -> Option<String> {
    validations
        .iter()
        .find(|v| v.result == ValidationResult::Invalid)
        .map(|v| {
            let code = serde_json::to_value(v.validation_code)
                .ok()
                .and_then(|c| c.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!("{code}: {}", v.message)
        })
}

/// What the board is made from, for one DFSP.
#[derive(Debug, Default)]
struct Facts {
    endpoints: usize,
    unconfirmed: usize,
    /// The DFSP's CA, if uploaded: how it validates, and its first failing check.
    ca: Option<(ValidationState, Option<String>)>,
    inbound_total: usize,
    inbound_awaiting: usize,
    inbound_signed: usize,
    inbound_revoked: usize,
    outbound_total: usize,
    outbound_returned: usize,
    outbound_validated: usize,
    /// The first failing check of a returned certificate not validated yet.
    outbound_failing: Option<String>,
    server: Option<(ValidationState, Option<String>)>,
    jws: Option<(ValidationState, Option<String>)>,
}

fn step(step: OnboardingStep, state: StepState, detail: impl Into<String>) -> StepStatus {
    StepStatus {
        step,
        state,
        detail: detail.into(),
        failing_validation: None,
    }
}

/// An uploaded certificate's step: done, or failing with its first failing check.
fn uploaded(
    which: OnboardingStep,
    stored: &Option<(ValidationState, Option<String>)>,
    what: &str,
) -> StepStatus {
    match stored {
        None => step(
            which,
            StepState::WaitingOnDfsp,
            format!("The DFSP has not uploaded its {what} yet."),
        ),
        Some((ValidationState::Invalid, failing)) => StepStatus {
            failing_validation: failing.clone(),
            ..step(
                which,
                StepState::Failing,
                format!("The {what} is uploaded, but a check fails: the DFSP uploads a new one."),
            )
        },
        Some(_) => step(
            which,
            StepState::Done,
            format!("The {what} is uploaded and passes its checks."),
        ),
    }
}

impl Facts {
    fn steps(&self) -> Vec<StepStatus> {
        use OnboardingStep as S;
        use StepState::*;
        let mut steps = Vec::with_capacity(S::ALL.len());
        steps.push(match self.endpoints {
            0 => step(
                S::EndpointsSubmitted,
                WaitingOnDfsp,
                "The DFSP has given no endpoint yet.",
            ),
            n => step(
                S::EndpointsSubmitted,
                Done,
                format!("{n} endpoint{} given.", plural(n)),
            ),
        });
        steps.push(match (self.endpoints, self.unconfirmed) {
            (0, _) => step(
                S::EndpointsConfirmed,
                WaitingOnDfsp,
                "Nothing to confirm until the DFSP gives its endpoints.",
            ),
            (_, 0) => step(
                S::EndpointsConfirmed,
                Done,
                "The Hub has confirmed every endpoint.",
            ),
            (_, n) => step(
                S::EndpointsConfirmed,
                WaitingOnHub,
                format!("{n} endpoint{} to confirm.", plural(n)),
            ),
        });
        steps.push(uploaded(S::DfspCaUploaded, &self.ca, "CA"));
        steps.push(match self.inbound_total {
            0 => step(
                S::InboundCsrSubmitted,
                WaitingOnDfsp,
                "The DFSP has not submitted a CSR for its client certificate yet.",
            ),
            n => step(
                S::InboundCsrSubmitted,
                Done,
                format!("{n} CSR{} submitted.", plural(n)),
            ),
        });
        steps.push(
            match (
                self.inbound_signed,
                self.inbound_awaiting,
                self.inbound_revoked,
            ) {
                (n, _, _) if n > 0 => step(
                    S::InboundCertificateSigned,
                    Done,
                    "The Hub has issued the DFSP's client certificate.",
                ),
                (_, n, _) if n > 0 => step(
                    S::InboundCertificateSigned,
                    WaitingOnHub,
                    format!("{n} CSR{} to sign.", plural(n)),
                ),
                (_, _, n) if n > 0 => step(
                    S::InboundCertificateSigned,
                    WaitingOnDfsp,
                    "The client certificate was revoked: the DFSP submits a new CSR.",
                ),
                _ => step(
                    S::InboundCertificateSigned,
                    WaitingOnDfsp,
                    "Waiting for the DFSP's CSR.",
                ),
            },
        );
        steps.push(match self.outbound_total {
            0 => step(
                S::OutboundCsrCreated,
                WaitingOnHub,
                "The Hub has not made its CSR for the DFSP yet.",
            ),
            _ => step(
                S::OutboundCsrCreated,
                Done,
                "The Hub's CSR awaits the DFSP's CA.",
            ),
        });
        steps.push(match (self.outbound_total, self.outbound_returned) {
            (0, _) => step(
                S::OutboundCertificateReturned,
                WaitingOnHub,
                "Waiting for the Hub's CSR.",
            ),
            (_, 0) => step(
                S::OutboundCertificateReturned,
                WaitingOnDfsp,
                "The DFSP has not returned the Hub's certificate yet.",
            ),
            _ => step(
                S::OutboundCertificateReturned,
                Done,
                "The DFSP has returned the Hub's certificate.",
            ),
        });
        steps.push(
            match (
                self.outbound_validated,
                self.outbound_returned,
                &self.outbound_failing,
            ) {
                (n, _, _) if n > 0 => step(
                    S::OutboundValidated,
                    Done,
                    "The Hub has validated its certificate.",
                ),
                (_, 0, _) => step(
                    S::OutboundValidated,
                    WaitingOnDfsp,
                    "Waiting for the DFSP to return the Hub's certificate.",
                ),
                (_, _, Some(failing)) => StepStatus {
                    failing_validation: Some(failing.clone()),
                    ..step(
                        S::OutboundValidated,
                        Failing,
                        "The returned certificate fails a check: the DFSP returns a new one.",
                    )
                },
                _ => step(
                    S::OutboundValidated,
                    WaitingOnHub,
                    "The Hub validates the returned certificate.",
                ),
            },
        );
        steps.push(uploaded(
            S::ServerCertificate,
            &self.server,
            "server certificate",
        ));
        steps.push(uploaded(S::JwsCertificate, &self.jws, "JWS certificate"));
        steps
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(facts: &Facts) -> Vec<StepState> {
        facts.steps().iter().map(|s| s.state).collect()
    }

    #[test]
    fn an_empty_dfsp_waits_on_itself_except_for_the_hubs_csr() {
        use StepState::*;
        let facts = Facts::default();
        assert_eq!(
            states(&facts),
            [
                WaitingOnDfsp,
                WaitingOnDfsp,
                WaitingOnDfsp,
                WaitingOnDfsp,
                WaitingOnDfsp,
                WaitingOnHub,
                WaitingOnHub,
                WaitingOnDfsp,
                WaitingOnDfsp,
                WaitingOnDfsp
            ]
        );
        assert_eq!(OverallState::of(&facts.steps()), OverallState::WaitingOnHub);
    }

    #[test]
    fn a_failing_check_names_itself_and_makes_the_dfsp_failing() {
        let facts = Facts {
            server: Some((
                ValidationState::Invalid,
                Some("CERTIFICATE_VALIDITY: expired".into()),
            )),
            ..Facts::default()
        };
        let steps = facts.steps();
        let server = &steps[8];
        assert_eq!(server.state, StepState::Failing);
        assert_eq!(
            server.failing_validation.as_deref(),
            Some("CERTIFICATE_VALIDITY: expired")
        );
        assert_eq!(OverallState::of(&steps), OverallState::Failing);
    }

    #[test]
    fn every_step_done_is_onboarded() {
        let valid = Some((ValidationState::Valid, None));
        let facts = Facts {
            endpoints: 2,
            unconfirmed: 0,
            ca: valid.clone(),
            inbound_total: 1,
            inbound_signed: 1,
            outbound_total: 1,
            outbound_returned: 1,
            outbound_validated: 1,
            server: valid.clone(),
            jws: valid,
            ..Facts::default()
        };
        assert!(facts.steps().iter().all(|s| s.state == StepState::Done));
        assert_eq!(OverallState::of(&facts.steps()), OverallState::Onboarded);
    }

    #[test]
    fn a_revoked_client_certificate_waits_on_a_new_csr() {
        let facts = Facts {
            inbound_total: 1,
            inbound_revoked: 1,
            ..Facts::default()
        };
        let step = &facts.steps()[4];
        assert_eq!(step.state, StepState::WaitingOnDfsp);
        assert!(step.detail.contains("revoked"));
    }
}
