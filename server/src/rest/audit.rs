//! The audit log: `GET /api/environments/{envId}/audit` (an environment's events; a DFSP
//! operator sees their own DFSPs' only) and `GET /api/audit` (everything, hub operators).

use axum::extract::State;
use axum::Json;
use domain::audit::{AuditAction, AuditFilter, AuditPage};
use domain::Services;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, QueryErrors};
use super::extract::{Acting, ApiQuery, EnvPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(get_environment_audit))
        .routes(routes!(get_audit))
}

/// The filters of a listing, all optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct AuditParams {
    /// Only this DFSP's events.
    dfsp_id: Option<String>,
    /// Only this action, such as `dfsp.create` or `inbound.sign`. (Read as text, so that an
    /// unknown one is told the list of actions.)
    #[param(value_type = Option<AuditAction>)]
    action: Option<String>,
    /// Only what this user did (their subject).
    subject: Option<String>,
    /// From this instant on (RFC 3339), such as `2026-11-30T00:00:00Z`.
    #[param(format = DateTime)]
    from: Option<String>,
    /// Before this instant (RFC 3339).
    #[param(format = DateTime)]
    to: Option<String>,
    /// The `nextCursor` of the page before: the events older than it.
    before: Option<i64>,
    /// At most this many events (1 to 500; default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

impl From<AuditParams> for AuditFilter {
    fn from(params: AuditParams) -> Self {
        AuditFilter {
            dfsp_id: params.dfsp_id,
            action: params.action,
            subject: params.subject,
            from: params.from,
            to: params.to,
            before: params.before,
            limit: params.limit,
        }
    }
}

/// Returns an environment's audit events
///
/// Newest first, a page at a time. Hub operators see every event of the environment; a DFSP
/// operator sees those of the DFSPs they act for.
#[utoipa::path(
    get, path = "/api/environments/{envId}/audit", tag = "audit",
    operation_id = "getEnvironmentAudit",
    params(EnvPath, AuditParams),
    responses((status = 200, description = "A page of events, newest first", body = AuditPage), QueryErrors)
)]
async fn get_environment_audit(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(
        services
            .audit()
            .environment(&who, env_id, &params.into())
            .await?,
    ))
}

/// Returns every audit event
///
/// Newest first, a page at a time, including what belongs to no environment (sign-ins,
/// second factors, deleted environments). Hub operators only.
#[utoipa::path(
    get, path = "/api/audit", tag = "audit", operation_id = "getAudit",
    params(AuditParams),
    responses((status = 200, description = "A page of events, newest first", body = AuditPage), QueryErrors)
)]
async fn get_audit(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(
        services.audit().everything(&who, &params.into()).await?,
    ))
}
