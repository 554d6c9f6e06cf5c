//! The server functions of the onboarding board.

use domain::dfsps::DfspId;
use domain::environments::EnvironmentId;
use domain::onboarding::DfspOnboarding;
use leptos::prelude::*;

use crate::error::PortalError;

/// Each DFSP's onboarding (a DFSP operator's own DFSPs').
#[server(prefix = "/rpc", endpoint = "onboarding/board", output = crate::codec::JsonAnswer)]
pub async fn onboarding_board(env: EnvironmentId) -> Result<Vec<DfspOnboarding>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.onboarding().board(&who, env).await)
}

/// One DFSP's onboarding.
#[server(prefix = "/rpc", endpoint = "onboarding/dfsp", output = crate::codec::JsonAnswer)]
pub async fn load_dfsp_onboarding(
    env: EnvironmentId,
    dfsp: DfspId,
) -> Result<DfspOnboarding, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.onboarding().dfsp(&who, env, &dfsp).await)
}

/// What the DFSP's client (MCM v3's `@mojaloop/mcm-client`) last reported of its onboarding.
#[server(prefix = "/rpc", endpoint = "onboarding/reported", output = crate::codec::JsonAnswer)]
pub async fn load_reported_states(
    env: EnvironmentId,
    dfsp: DfspId,
) -> Result<Vec<domain::onboarding::reported::ReportedState>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.reported_states().of_dfsp(&who, env, &dfsp).await)
}
