//! The certificates the Hub and the DFSPs present to each other: TLS server certificates
//! (`/hub/servercerts`, `/dfsps/{dfspId}/servercerts`, `/dfsps/servercerts`) and the DFSPs' JWS
//! signing certificates (`/dfsps/{dfspId}/jwscerts`, `/dfsps/jwscerts`). One set per owner:
//! `POST` stores or replaces it, `PUT` replaces the one there is.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::pki::certificate_sets::{
    JwsCert, JwsCertInput, Owner, Purpose, ServerCert, ServerCertInput, Write,
};
use domain::Services;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ActionErrors, ApiError, QueryErrors, ReadErrors, WriteErrors};
use super::extract::{Acting, ApiJson, ApiQuery, DfspPath, EnvPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(
            create_hub_server_certs,
            get_hub_server_certs,
            update_hub_server_certs,
            delete_hub_server_certs
        ))
        .routes(routes!(get_all_dfsp_server_certs))
        .routes(routes!(
            create_dfsp_server_certs,
            get_dfsp_server_certs,
            update_dfsp_server_certs,
            delete_dfsp_server_certs
        ))
        .routes(routes!(
            create_hub_jws_certs,
            get_hub_jws_certs,
            update_hub_jws_certs,
            delete_hub_jws_certs
        ))
        .routes(routes!(get_all_dfsp_jws_certs))
        .routes(routes!(
            create_dfsp_jws_certs,
            get_dfsp_jws_certs,
            update_dfsp_jws_certs,
            delete_dfsp_jws_certs
        ))
        .body_limit(super::body_limits::CERTIFICATES)
}

/// Stores the Hub's server certificate
///
/// The TLS server certificate the Hub presents to the DFSPs, with the intermediates and the
/// root it chains to (PEM). Replaces the one before, if any. Certificates that cannot be read
/// are refused (400) and change nothing; ones that read but do not validate are stored, with
/// `validations` saying what is wrong.
#[utoipa::path(
    post, path = "/api/environments/{envId}/hub/servercerts", tag = "certificates",
    operation_id = "createHubServerCerts",
    params(EnvPath),
    request_body(content = ServerCertInput, description = "The server certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = ServerCert),
        WriteErrors,
    )
)]
async fn create_hub_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<ServerCertInput>,
) -> Result<Json<ServerCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_server(&who, env_id, Owner::Hub, &input, Write::CreateOrReplace)
            .await?,
    ))
}

/// Returns the Hub's server certificate
///
/// Validated as of now; 404 when the Hub has none.
#[utoipa::path(
    get, path = "/api/environments/{envId}/hub/servercerts", tag = "certificates",
    operation_id = "getHubServerCerts",
    params(EnvPath),
    responses((status = 200, description = "The Hub's server certificate", body = ServerCert), ReadErrors)
)]
async fn get_hub_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<ServerCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .server(&who, env_id, Owner::Hub)
            .await?,
    ))
}

/// Replaces the Hub's server certificate
///
/// As `createHubServerCerts`, but only when the Hub has one (404 otherwise).
#[utoipa::path(
    put, path = "/api/environments/{envId}/hub/servercerts", tag = "certificates",
    operation_id = "updateHubServerCerts",
    params(EnvPath),
    request_body(content = ServerCertInput, description = "The server certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = ServerCert),
        WriteErrors,
    )
)]
async fn update_hub_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<ServerCertInput>,
) -> Result<Json<ServerCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_server(&who, env_id, Owner::Hub, &input, Write::Replace)
            .await?,
    ))
}

/// Removes the Hub's server certificate
#[utoipa::path(
    delete, path = "/api/environments/{envId}/hub/servercerts", tag = "certificates",
    operation_id = "deleteHubServerCerts",
    params(EnvPath),
    responses((status = 204, description = "Removed"), ActionErrors)
)]
async fn delete_hub_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<StatusCode, ApiError> {
    services
        .certificate_sets()
        .delete(&who, env_id, Owner::Hub, Purpose::Server)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Returns every DFSP's server certificate
///
/// For hub operators. DFSPs without one are left out; each certificate names its `dfspId`.
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/servercerts", tag = "certificates",
    operation_id = "getAllDfspServerCerts",
    params(EnvPath),
    responses((status = 200, description = "The DFSPs' server certificates, in the order the DFSPs were created", body = [ServerCert]), ReadErrors)
)]
async fn get_all_dfsp_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<Vec<ServerCert>>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .all_dfsp_servers(&who, env_id)
            .await?,
    ))
}

/// Stores the DFSP's server certificate
///
/// The TLS server certificate the DFSP presents to the Hub, with the intermediates and the
/// root it chains to (PEM). Replaces the one before, if any. Certificates that cannot be read
/// are refused (400) and change nothing; ones that read but do not validate are stored, with
/// `validations` saying what is wrong.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/servercerts", tag = "certificates",
    operation_id = "createDfspServerCerts",
    params(DfspPath),
    request_body(content = ServerCertInput, description = "The server certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = ServerCert),
        WriteErrors,
    )
)]
async fn create_dfsp_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<ServerCertInput>,
) -> Result<Json<ServerCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_server(
                &who,
                env_id,
                Owner::Dfsp(&dfsp_id),
                &input,
                Write::CreateOrReplace,
            )
            .await?,
    ))
}

/// Returns the DFSP's server certificate
///
/// Validated as of now; 404 when the DFSP has none.
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/servercerts", tag = "certificates",
    operation_id = "getDfspServerCerts",
    params(DfspPath),
    responses((status = 200, description = "The DFSP's server certificate", body = ServerCert), ReadErrors)
)]
async fn get_dfsp_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<ServerCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .server(&who, env_id, Owner::Dfsp(&dfsp_id))
            .await?,
    ))
}

/// Replaces the DFSP's server certificate
///
/// As `createDfspServerCerts`, but only when the DFSP has one (404 otherwise).
#[utoipa::path(
    put, path = "/api/environments/{envId}/dfsps/{dfspId}/servercerts", tag = "certificates",
    operation_id = "updateDfspServerCerts",
    params(DfspPath),
    request_body(content = ServerCertInput, description = "The server certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = ServerCert),
        WriteErrors,
    )
)]
async fn update_dfsp_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<ServerCertInput>,
) -> Result<Json<ServerCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_server(&who, env_id, Owner::Dfsp(&dfsp_id), &input, Write::Replace)
            .await?,
    ))
}

/// Removes the DFSP's server certificate
#[utoipa::path(
    delete, path = "/api/environments/{envId}/dfsps/{dfspId}/servercerts", tag = "certificates",
    operation_id = "deleteDfspServerCerts",
    params(DfspPath),
    responses((status = 204, description = "Removed"), ActionErrors)
)]
async fn delete_dfsp_server_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<StatusCode, ApiError> {
    services
        .certificate_sets()
        .delete(&who, env_id, Owner::Dfsp(&dfsp_id), Purpose::Server)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The optional filter of the list of JWS certificates.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct ZoneFilter {
    /// Only the DFSPs of this monetary zone, such as `EUR`.
    monetary_zone_id: Option<String>,
}

/// Returns every DFSP's JWS certificate, and the Hub's
///
/// For every participant: JWS certificates are public, each DFSP verifies the others'
/// signatures with them. The Hub's come first, without `dfspId` (its current one, then the one
/// it superseded while that is kept, marked `superseded`); DFSPs without one are left out; each
/// DFSP's certificate names its `dfspId`.
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/jwscerts", tag = "certificates",
    operation_id = "getAllDfspJWSCerts",
    params(EnvPath, ZoneFilter),
    responses((status = 200, description = "The DFSPs' JWS certificates, in the order the DFSPs were created", body = [JwsCert]), QueryErrors)
)]
async fn get_all_dfsp_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiQuery(filter): ApiQuery<ZoneFilter>,
) -> Result<Json<Vec<JwsCert>>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .all_dfsp_jws(&who, env_id, filter.monetary_zone_id.as_deref())
            .await?,
    ))
}

/// Stores the DFSP's JWS certificate
///
/// The certificate whose key signs the DFSP's API messages (JWS), with the intermediates and
/// the root it chains to (PEM). Replaces the one before, if any. Certificates that cannot be
/// read are refused (400) and change nothing; ones that read but do not validate are stored,
/// with `validations` saying what is wrong.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/jwscerts", tag = "certificates",
    operation_id = "createDfspJWSCerts",
    params(DfspPath),
    request_body(content = JwsCertInput, description = "The JWS certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = JwsCert),
        WriteErrors,
    )
)]
async fn create_dfsp_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<JwsCertInput>,
) -> Result<Json<JwsCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_jws(&who, env_id, &dfsp_id, &input, Write::CreateOrReplace)
            .await?,
    ))
}

/// Returns the DFSP's JWS certificate
///
/// Validated as of now; 404 when the DFSP has none.
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/jwscerts", tag = "certificates",
    operation_id = "getDfspJWSCerts",
    params(DfspPath),
    responses((status = 200, description = "The DFSP's JWS certificate", body = JwsCert), ReadErrors)
)]
async fn get_dfsp_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<JwsCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .jws(&who, env_id, &dfsp_id)
            .await?,
    ))
}

/// Replaces the DFSP's JWS certificate
///
/// As `createDfspJWSCerts`, but only when the DFSP has one (404 otherwise).
#[utoipa::path(
    put, path = "/api/environments/{envId}/dfsps/{dfspId}/jwscerts", tag = "certificates",
    operation_id = "updateDfspJWSCerts",
    params(DfspPath),
    request_body(content = JwsCertInput, description = "The JWS certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = JwsCert),
        WriteErrors,
    )
)]
async fn update_dfsp_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<JwsCertInput>,
) -> Result<Json<JwsCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_jws(&who, env_id, &dfsp_id, &input, Write::Replace)
            .await?,
    ))
}

/// Removes the DFSP's JWS certificate
#[utoipa::path(
    delete, path = "/api/environments/{envId}/dfsps/{dfspId}/jwscerts", tag = "certificates",
    operation_id = "deleteDfspJWSCerts",
    params(DfspPath),
    responses((status = 204, description = "Removed"), ActionErrors)
)]
async fn delete_dfsp_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<StatusCode, ApiError> {
    services
        .certificate_sets()
        .delete(&who, env_id, Owner::Dfsp(&dfsp_id), Purpose::Jws)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stores the Hub's JWS certificate
///
/// The certificate whose key signs the Hub's API messages, with the intermediates and the
/// root it chains to (PEM). The current one, if any, is kept as superseded (and listed in
/// `GET /dfsps/jwscerts`) until it is deleted, so that DFSPs still verify what it signed; a
/// certificate superseded before is removed. Checked as DFSPs' JWS certificates are.
#[utoipa::path(
    post, path = "/api/environments/{envId}/hub/jwscerts", tag = "certificates",
    operation_id = "createHubJWSCerts",
    params(EnvPath),
    request_body(content = JwsCertInput, description = "The JWS certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = JwsCert),
        WriteErrors,
    )
)]
async fn create_hub_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<JwsCertInput>,
) -> Result<Json<JwsCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_hub_jws(&who, env_id, &input, Write::CreateOrReplace)
            .await?,
    ))
}

/// Returns the Hub's JWS certificate
///
/// The one the Hub signs with now, validated now (404 when there is none). Every participant
/// may read it.
#[utoipa::path(
    get, path = "/api/environments/{envId}/hub/jwscerts", tag = "certificates",
    operation_id = "getHubJWSCerts",
    params(EnvPath),
    responses((status = 200, description = "The Hub's current JWS certificate", body = JwsCert), ReadErrors)
)]
async fn get_hub_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<JwsCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .current_hub_jws(&who, env_id)
            .await?,
    ))
}

/// Replaces the Hub's JWS certificate
///
/// As `createHubJWSCerts`, but only when the Hub has one (404 otherwise).
#[utoipa::path(
    put, path = "/api/environments/{envId}/hub/jwscerts", tag = "certificates",
    operation_id = "updateHubJWSCerts",
    params(EnvPath),
    request_body(content = JwsCertInput, description = "The JWS certificate and its chain"),
    responses(
        (status = 200, description = "The certificates as stored, with their validations", body = JwsCert),
        WriteErrors,
    )
)]
async fn update_hub_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<JwsCertInput>,
) -> Result<Json<JwsCert>, ApiError> {
    Ok(Json(
        services
            .certificate_sets()
            .store_hub_jws(&who, env_id, &input, Write::Replace)
            .await?,
    ))
}

/// Which of the Hub's JWS certificates to remove.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct HubJwsDeleteParams {
    /// `true`: only the superseded one, which ends a rotation; otherwise both.
    superseded: Option<bool>,
}

/// Removes the Hub's JWS certificates
///
/// Both the current one and the superseded one, or with `superseded=true` only the superseded
/// one (once every DFSP verifies with the current one).
#[utoipa::path(
    delete, path = "/api/environments/{envId}/hub/jwscerts", tag = "certificates",
    operation_id = "deleteHubJWSCerts",
    params(EnvPath, HubJwsDeleteParams),
    responses((status = 204, description = "Removed"), QueryErrors)
)]
async fn delete_hub_jws_certs(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiQuery(params): ApiQuery<HubJwsDeleteParams>,
) -> Result<StatusCode, ApiError> {
    services
        .certificate_sets()
        .delete_hub_jws(&who, env_id, params.superseded.unwrap_or(false))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
