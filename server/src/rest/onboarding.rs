//! The onboarding board: `GET /api/environments/{envId}/onboarding`, where each DFSP's
//! onboarding stands, step by step.

use axum::extract::State;
use axum::Json;
use domain::onboarding::DfspOnboarding;
use domain::Services;

use super::error::{ApiError, ReadErrors};
use super::extract::{Acting, EnvPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new().routes(routes!(get_onboarding))
}

/// Returns where each DFSP's onboarding stands
///
/// For each DFSP (a DFSP operator: their own), each step (endpoints submitted and confirmed,
/// DFSP CA, client CSR and certificate, Hub CSR, certificate returned and validated, server and
/// JWS certificates) as `done`, `waitingOnHub`, `waitingOnDfsp` or `failing` (with the check
/// that fails), and the DFSP's overall state, as of now.
#[utoipa::path(
    get, path = "/api/environments/{envId}/onboarding", tag = "onboarding",
    operation_id = "getOnboarding",
    params(EnvPath),
    responses((status = 200, description = "Each DFSP's onboarding, in the order the DFSPs were created", body = Vec<DfspOnboarding>), ReadErrors)
)]
async fn get_onboarding(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<Vec<DfspOnboarding>>, ApiError> {
    Ok(Json(services.onboarding().board(&who, env_id).await?))
}
