//! `/api/environments/{envId}/dfsps`: the DFSPs of an environment, and DFSPs by monetary zone.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::dfsps::{Dfsp, DfspChanges, DfspId, NewDfsp};
use domain::Services;
use serde::Serialize;
use utoipa::openapi::{OpenApi, RefOr, Schema};
use utoipa::ToSchema;

use super::error::{ApiError, ReadErrors, WriteErrors};
use super::extract::{Acting, ApiJson, ApiPath, DfspPath, EnvPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(get_environment_dfsps, create_dfsp))
        .routes(routes!(get_dfsp, update_dfsp, delete_dfsp))
        .routes(routes!(get_dfsps_by_monetary_zone))
        .body_limit(super::body_limits::RECORDS)
}

/// The zones a DFSP may name are reference data, loaded at start-up from the server's
/// configuration, so the document lists them (plus `null`, no zone) where a DFSP names one:
/// clients and Swagger UI can offer them, and schema-driven tests send zones that exist.
pub(super) fn document_zones(api: &mut OpenApi, zones: &[String], currencies: &[String]) {
    let Some(components) = api.components.as_mut() else {
        return;
    };
    for name in ["DFSPCreate", "DFSPUpdate"] {
        let Some(RefOr::T(Schema::Object(dfsp))) = components.schemas.get_mut(name) else {
            continue;
        };
        if let Some(RefOr::T(Schema::Object(zone))) = dfsp.properties.get_mut("monetaryZoneId") {
            let values = zones.iter().map(|z| serde_json::Value::from(z.as_str()));
            zone.enum_values = Some(values.chain([serde_json::Value::Null]).collect());
        }
        // An FX currency is one of the currencies the server knows (CURRENCY_CODES).
        if let Some(RefOr::T(Schema::Array(list))) = dfsp.properties.get_mut("fxpCurrencies") {
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(item) = &mut list.items {
                if let RefOr::T(Schema::Object(code)) = item.as_mut() {
                    let values = currencies
                        .iter()
                        .map(|c| serde_json::Value::from(c.as_str()));
                    code.enum_values = Some(values.collect());
                }
            }
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ZonePath {
    monetary_zone_id: String,
}

/// MCM's `ObjectCreatedResponse` for a DFSP: its `dfspId`.
#[derive(Serialize, ToSchema)]
pub struct DfspCreated {
    id: DfspId,
}

/// The DFSP after an update (MCM's response shape for `updateDFSP`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DfspUpdated {
    dfsp_id: DfspId,
    #[schema(example = "DFSP 1")]
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "EUR")]
    monetary_zone_id: Option<String>,
    #[schema(example = "Application/DFSP:DFSP1")]
    security_group: String,
    is_proxy: bool,
    fxp_currencies: Vec<String>,
}

/// Returns the DFSPs of the environment
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps", tag = "env-dfsp-config", operation_id = "getEnvironmentDFSPs",
    params(EnvPath),
    responses(
        (status = 200, description = "The DFSPs, in creation order", body = [Dfsp]),
        ReadErrors,
    )
)]
async fn get_environment_dfsps(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<Vec<Dfsp>>, ApiError> {
    Ok(Json(services.dfsps().list(&who, env_id).await?))
}

/// Creates a DFSP in the environment
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps", tag = "env-dfsp-config", operation_id = "createDFSP",
    params(EnvPath),
    request_body(content = NewDfsp, description = "DFSP initial info",
        example = json!({"dfspId": "DFSP1", "name": "DFSP 1", "monetaryZoneId": "EUR"})),
    responses(
        (status = 200, description = "The DFSP was created; `id` is its dfspId", body = DfspCreated, links(
            ("GetDfsp" = (operation_id = "getDFSP", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("UpdateDfsp" = (operation_id = "updateDFSP", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("DeleteDfsp" = (operation_id = "deleteDFSP", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("CreateIngressIp" = (operation_id = "createDFSPIngressIp", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("CreateIngressUrl" = (operation_id = "createDFSPIngressUrl", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("CreateEgressIp" = (operation_id = "createDFSPEgressIp", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("ListEndpoints" = (operation_id = "getDFSPEndpoints", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("ListUnprocessed" = (operation_id = "getUnprocessedDfspItems", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("ListIngressIps" = (operation_id = "getDFSPIngressIps", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("ListIngressUrls" = (operation_id = "getDFSPIngressUrls", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
            ("ListEgressIps" = (operation_id = "getDFSPEgressIps", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$response.body#/id")))),
        )),
        WriteErrors,
    )
)]
async fn create_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<NewDfsp>,
) -> Result<Json<DfspCreated>, ApiError> {
    let dfsp = services.dfsps().create(&who, env_id, &input).await?;
    Ok(Json(DfspCreated { id: dfsp.id }))
}

/// Returns one DFSP
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}", tag = "env-dfsp-config", operation_id = "getDFSP",
    params(DfspPath),
    responses(
        (status = 200, description = "The DFSP", body = Dfsp, links(
            ("ListZone" = (operation_id = "getDfspsByMonetaryZones", parameters(("envId" = "$request.path.envId"), ("monetaryZoneId" = "$response.body#/monetaryZoneId")))),
        )),
        ReadErrors,
    )
)]
async fn get_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<Dfsp>, ApiError> {
    Ok(Json(services.dfsps().get(&who, env_id, &dfsp_id).await?))
}

/// Updates a DFSP's name, monetary zone or security group
#[utoipa::path(
    put, path = "/api/environments/{envId}/dfsps/{dfspId}", tag = "env-dfsp-config", operation_id = "updateDFSP",
    params(DfspPath),
    request_body(content = DfspChanges, description = "The fields to change; absent fields stay as they are",
        example = json!({"name": "DFSP One", "monetaryZoneId": "XOF"})),
    responses(
        (status = 200, description = "The DFSP as updated", body = DfspUpdated),
        WriteErrors,
    )
)]
async fn update_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(changes): ApiJson<DfspChanges>,
) -> Result<Json<DfspUpdated>, ApiError> {
    let dfsp = services
        .dfsps()
        .update(&who, env_id, &dfsp_id, &changes)
        .await?;
    Ok(Json(DfspUpdated {
        dfsp_id: dfsp.id,
        name: dfsp.name,
        monetary_zone_id: dfsp.monetary_zone_id,
        security_group: dfsp.security_group,
        is_proxy: dfsp.is_proxy,
        fxp_currencies: dfsp.fxp_currencies,
    }))
}

/// Deletes a DFSP and everything it owns
#[utoipa::path(
    delete, path = "/api/environments/{envId}/dfsps/{dfspId}", tag = "env-dfsp-config", operation_id = "deleteDFSP",
    params(DfspPath),
    responses(
        (status = 204, description = "Deleted"),
        ReadErrors,
    )
)]
async fn delete_dfsp(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<StatusCode, ApiError> {
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
        ReadErrors,
    )
)]
async fn get_dfsps_by_monetary_zone(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiPath(ZonePath { monetary_zone_id }): ApiPath<ZonePath>,
) -> Result<Json<Vec<Dfsp>>, ApiError> {
    Ok(Json(
        services
            .dfsps()
            .list_in_zone(&who, env_id, &monetary_zone_id)
            .await?,
    ))
}
