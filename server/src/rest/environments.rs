//! `/api/environments`: list, create, read and delete environments.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::environments::{Environment, NewEnvironment};
use domain::Services;

use super::error::{ApiError, CreateErrors, ListErrors, ReadErrors};
use super::extract::{Acting, ApiJson, EnvPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(get_environments, create_environment))
        .routes(routes!(get_environment, delete_environment))
        .body_limit(super::body_limits::RECORDS)
}

/// Returns all the environments
#[utoipa::path(
    get, path = "/api/environments", tag = "env-dfsp-config", operation_id = "getEnvironments",
    responses(
        (status = 200, description = "The environments, oldest first", body = [Environment]),
        ListErrors,
    )
)]
async fn get_environments(
    State(services): State<Services>,
    Acting(who): Acting,
) -> Result<Json<Vec<Environment>>, ApiError> {
    Ok(Json(services.environments().list(&who).await?))
}

/// Creates an environment
#[utoipa::path(
    post, path = "/api/environments", tag = "env-dfsp-config", operation_id = "createEnvironment",
    request_body(content = NewEnvironment, description = "Environment initial info",
        example = json!({"name": "DEV", "defaultDN": {"CN": "tes1.centralhub.modusbox.live", "O": "Modusbox", "OU": "MCM"}})),
    responses(
        (status = 200, description = "The new environment", body = Environment, links(
            ("GetEnvironment" = (operation_id = "getEnvironmentById", parameters(("envId" = "$response.body#/id")))),
            ("DeleteEnvironment" = (operation_id = "deleteEnvironment", parameters(("envId" = "$response.body#/id")))),
            ("ListDfsps" = (operation_id = "getEnvironmentDFSPs", parameters(("envId" = "$response.body#/id")))),
            ("CreateDfsp" = (operation_id = "createDFSP", parameters(("envId" = "$response.body#/id")))),
            ("CreateHubIngressIp" = (operation_id = "createHubIngressIp", parameters(("envId" = "$response.body#/id")))),
            ("CreateHubIngressUrl" = (operation_id = "createHubIngressUrl", parameters(("envId" = "$response.body#/id")))),
            ("CreateHubEgressIp" = (operation_id = "createHubEgressIp", parameters(("envId" = "$response.body#/id")))),
            ("ListHubEndpoints" = (operation_id = "getHubEndpoints", parameters(("envId" = "$response.body#/id")))),
            ("ListHubIngressIps" = (operation_id = "getHubIngressIps", parameters(("envId" = "$response.body#/id")))),
            ("ListHubIngressUrls" = (operation_id = "getHubIngressUrls", parameters(("envId" = "$response.body#/id")))),
            ("ListHubEgressIps" = (operation_id = "getHubEgressIps", parameters(("envId" = "$response.body#/id")))),
            ("ListUnprocessed" = (operation_id = "getUnprocessedEndpointItems", parameters(("envId" = "$response.body#/id")))),
            ("CreateCa" = (operation_id = "createCA", parameters(("envId" = "$response.body#/id")))),
            ("ListCas" = (operation_id = "getCAs", parameters(("envId" = "$response.body#/id")))),
        )),
        CreateErrors,
    )
)]
async fn create_environment(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiJson(input): ApiJson<NewEnvironment>,
) -> Result<Json<Environment>, ApiError> {
    Ok(Json(services.environments().create(&who, &input).await?))
}

/// Finds an environment by its id
#[utoipa::path(
    get, path = "/api/environments/{envId}", tag = "env-dfsp-config", operation_id = "getEnvironmentById",
    params(EnvPath),
    responses(
        (status = 200, description = "The environment", body = Environment),
        ReadErrors,
    )
)]
async fn get_environment(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(id): EnvPath,
) -> Result<Json<Environment>, ApiError> {
    Ok(Json(services.environments().get(&who, id).await?))
}

/// Deletes an environment and all its data (DFSPs, enrollments, keys, ...)
#[utoipa::path(
    delete, path = "/api/environments/{envId}", tag = "env-dfsp-config", operation_id = "deleteEnvironment",
    params(EnvPath),
    responses(
        (status = 204, description = "Deleted"),
        ReadErrors,
    )
)]
async fn delete_environment(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(id): EnvPath,
) -> Result<StatusCode, ApiError> {
    services.environments().delete(&who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
