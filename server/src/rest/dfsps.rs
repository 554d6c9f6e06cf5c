//! `/api/environments/{envId}/dfsps`: the DFSPs of an environment, and DFSPs by monetary zone.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::dfsps::{Dfsp, DfspChanges, NewDfsp};
use domain::environments;
use domain::Services;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{ApiError, ErrorBody};
use super::extract::{Acting, ApiJson, ApiPath};

pub fn routes() -> OpenApiRouter<Services> {
    OpenApiRouter::new()
        .routes(routes!(get_environment_dfsps, create_dfsp))
        .routes(routes!(get_dfsp, update_dfsp, delete_dfsp))
        .routes(routes!(get_dfsps_by_monetary_zone))
}

/// MCM's `ObjectCreatedResponse` for a DFSP: its `dfspId`.
#[derive(Serialize, ToSchema)]
pub struct DfspCreated {
    #[schema(example = "DFSP1")]
    id: String,
}

/// The DFSP after an update (MCM's response shape for `updateDFSP`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DfspUpdated {
    #[schema(example = "DFSP1")]
    dfsp_id: String,
    #[schema(example = "DFSP 1")]
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "EUR")]
    monetary_zone_id: Option<String>,
    #[schema(example = "Application/DFSP:DFSP1")]
    security_group: String,
}

/// Returns the DFSPs of the environment
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps", tag = "env-dfsp-config", operation_id = "getEnvironmentDFSPs",
    params(("envId" = String, Path, description = "ID of environment")),
    responses(
        (status = 200, description = "The DFSPs, in creation order", body = [Dfsp]),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Environment not found", body = ErrorBody),
    )
)]
async fn get_environment_dfsps(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiPath(env_id): ApiPath<String>,
) -> Result<Json<Vec<Dfsp>>, ApiError> {
    let env_id = environments::parse_id(&env_id)?;
    Ok(Json(services.dfsps().list(&who, env_id).await?))
}

/// Creates a DFSP in the environment
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps", tag = "env-dfsp-config", operation_id = "createDFSP",
    params(("envId" = String, Path, description = "ID of environment")),
    request_body(content = NewDfsp, description = "DFSP initial info",
        example = json!({"dfspId": "DFSP1", "name": "DFSP 1", "monetaryZoneId": "EUR"})),
    responses(
        (status = 200, description = "The DFSP was created; `id` is its dfspId", body = DfspCreated, links(
            ("GetDfsp" = (operation_id = "getDFSP", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("UpdateDfsp" = (operation_id = "updateDFSP", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("DeleteDfsp" = (operation_id = "deleteDFSP", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
        )),
        (status = 400, description = "Invalid body or unknown monetary zone", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Environment not found", body = ErrorBody),
        (status = 409, description = "A DFSP with this dfspId already exists in the environment", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
    )
)]
async fn create_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiPath(env_id): ApiPath<String>,
    ApiJson(input): ApiJson<NewDfsp>,
) -> Result<Json<DfspCreated>, ApiError> {
    let env_id = environments::parse_id(&env_id)?;
    let dfsp = services.dfsps().create(&who, env_id, &input).await?;
    Ok(Json(DfspCreated { id: dfsp.id }))
}

/// Returns one DFSP
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}", tag = "env-dfsp-config", operation_id = "getDFSP",
    params(
        ("envId" = String, Path, description = "ID of environment"),
        ("dfspId" = String, Path, description = "ID of the DFSP (URL-encoded: `DFSP%20Bob`)"),
    ),
    responses(
        (status = 200, description = "The DFSP", body = Dfsp),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Environment or DFSP not found", body = ErrorBody),
    )
)]
async fn get_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiPath((env_id, dfsp_id)): ApiPath<(String, String)>,
) -> Result<Json<Dfsp>, ApiError> {
    let env_id = environments::parse_id(&env_id)?;
    Ok(Json(services.dfsps().get(&who, env_id, &dfsp_id).await?))
}

/// Updates a DFSP's name, monetary zone or security group
#[utoipa::path(
    put, path = "/api/environments/{envId}/dfsps/{dfspId}", tag = "env-dfsp-config", operation_id = "updateDFSP",
    params(
        ("envId" = String, Path, description = "ID of environment"),
        ("dfspId" = String, Path, description = "ID of the DFSP (URL-encoded: `DFSP%20Bob`)"),
    ),
    request_body(content = DfspChanges, description = "The fields to change; absent fields stay as they are",
        example = json!({"name": "DFSP One", "monetaryZoneId": "XOF"})),
    responses(
        (status = 200, description = "The DFSP as updated", body = DfspUpdated),
        (status = 400, description = "Invalid body or unknown monetary zone", body = ErrorBody),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Environment or DFSP not found", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
    )
)]
async fn update_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiPath((env_id, dfsp_id)): ApiPath<(String, String)>,
    ApiJson(changes): ApiJson<DfspChanges>,
) -> Result<Json<DfspUpdated>, ApiError> {
    let env_id = environments::parse_id(&env_id)?;
    let dfsp = services
        .dfsps()
        .update(&who, env_id, &dfsp_id, &changes)
        .await?;
    Ok(Json(DfspUpdated {
        dfsp_id: dfsp.id,
        name: dfsp.name,
        monetary_zone_id: dfsp.monetary_zone_id,
        security_group: dfsp.security_group,
    }))
}

/// Deletes a DFSP and everything it owns
#[utoipa::path(
    delete, path = "/api/environments/{envId}/dfsps/{dfspId}", tag = "env-dfsp-config", operation_id = "deleteDFSP",
    params(
        ("envId" = String, Path, description = "ID of environment"),
        ("dfspId" = String, Path, description = "ID of the DFSP (URL-encoded: `DFSP%20Bob`)"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Environment or DFSP not found", body = ErrorBody),
    )
)]
async fn delete_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiPath((env_id, dfsp_id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let env_id = environments::parse_id(&env_id)?;
    services.dfsps().delete(&who, env_id, &dfsp_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Returns the DFSPs of the environment in a monetary zone
#[utoipa::path(
    get, path = "/api/environments/{envId}/monetaryzones/{monetaryZoneId}/dfsps", tag = "monetaryzones",
    operation_id = "getDfspsByMonetaryZones",
    params(
        ("envId" = String, Path, description = "ID of environment"),
        ("monetaryZoneId" = String, Path, description = "ID of the monetary zone"),
    ),
    responses(
        (status = 200, description = "The DFSPs in the zone (possibly none)", body = [Dfsp]),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "Environment or monetary zone not found", body = ErrorBody),
    )
)]
async fn get_dfsps_by_monetary_zone(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiPath((env_id, zone)): ApiPath<(String, String)>,
) -> Result<Json<Vec<Dfsp>>, ApiError> {
    let env_id = environments::parse_id(&env_id)?;
    Ok(Json(
        services.dfsps().list_in_zone(&who, env_id, &zone).await?,
    ))
}
