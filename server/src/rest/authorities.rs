//! Certificate authorities: the environment's internal CAs (`/cas`, `/ca/rootCert`), the
//! Hub's external CAs (`/hub/cas`) and each DFSP's CA (`/dfsps/{dfspId}/ca`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::pki::authorities::{CaInitialInfo, CertificateAuthority, RootCaCert};
use domain::pki::dfsp_cas::{DfspCa, DfspCaInput};
use domain::pki::hub_cas::{HubCa, HubCaInput};
use domain::Services;

use super::error::{ActionErrors, ApiError, KeyMakingErrors, ReadErrors, WriteErrors};
use super::extract::{Acting, ApiJson, DfspPath, EnvPath, HubCaId};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    let internal = ApiRouter::new()
        .routes(routes!(create_ca, get_cas))
        .routes(routes!(get_current_ca_root_cert))
        .body_limit(super::body_limits::RECORDS);
    let uploaded = ApiRouter::new()
        .routes(routes!(create_hub_ca, get_hub_cas))
        .routes(routes!(get_hub_ca, delete_hub_ca))
        .routes(routes!(set_dfsp_ca, get_dfsp_ca))
        .body_limit(super::body_limits::CERTIFICATES);
    internal.merge(uploaded)
}

/// Creates the environment's CA
///
/// A new self-signed root with a new private key, which is sealed under `P12_PASS_PHRASE`
/// and never leaves the server. It becomes the environment's current CA; the ones before it
/// are kept. Without `names` the environment's default DN is the subject; without `key`, RSA
/// with 4096 bits.
#[utoipa::path(
    post, path = "/api/environments/{envId}/cas", tag = "pki", operation_id = "createCA",
    params(EnvPath),
    request_body(content = CaInitialInfo, description = "CA initial parameters",
        example = json!({"csr": {"hosts": ["hub.example.com"], "names": [{"CN": "DEV Hub CA", "O": "Modusbox", "OU": "MCM", "C": "US"}], "key": {"algo": "ecdsa", "size": 256}}})),
    responses(
        (status = 200, description = "The new CA, now the environment's current one", body = RootCaCert, links(
            ("RootCert" = (operation_id = "getCurrentCARootCert", parameters(("envId" = "$request.path.envId")))),
            ("List" = (operation_id = "getCAs", parameters(("envId" = "$request.path.envId")))),
        )),
        KeyMakingErrors,
    )
)]
async fn create_ca(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<CaInitialInfo>,
) -> Result<Json<RootCaCert>, ApiError> {
    Ok(Json(
        services
            .certificate_authorities()
            .create(&who, env_id, &input)
            .await?,
    ))
}

/// Returns the environment's CAs
///
/// The current CA first, then the ones it replaced.
#[utoipa::path(
    get, path = "/api/environments/{envId}/cas", tag = "pki", operation_id = "getCAs",
    params(EnvPath),
    responses(
        (status = 200, description = "The CAs, newest (current) first", body = [CertificateAuthority]),
        ReadErrors,
    )
)]
async fn get_cas(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<Vec<CertificateAuthority>>, ApiError> {
    Ok(Json(
        services
            .certificate_authorities()
            .list(&who, env_id)
            .await?,
    ))
}

/// Returns the CA root certificate
///
/// The environment's current CA: the one that signs.
#[utoipa::path(
    get, path = "/api/environments/{envId}/ca/rootCert", tag = "pki", operation_id = "getCurrentCARootCert",
    params(EnvPath),
    responses(
        (status = 200, description = "The current CA", body = RootCaCert),
        ReadErrors,
    )
)]
async fn get_current_ca_root_cert(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<RootCaCert>, ApiError> {
    Ok(Json(
        services
            .certificate_authorities()
            .current(&who, env_id)
            .await?,
    ))
}

/// Adds an external Hub CA
///
/// A CA outside the Connection Manager that signs certificates for the Hub: its self-signed
/// root and, optionally, the intermediates under it (PEM, in any order). The name must be
/// unique in the environment. Certificates that cannot be read are refused (400); ones that
/// read but do not validate are stored, with `validations` saying what is wrong.
#[utoipa::path(
    post, path = "/api/environments/{envId}/hub/cas", tag = "pki", operation_id = "createHubCA",
    params(EnvPath),
    request_body(content = HubCaInput, description = "The CA's name and certificates"),
    responses(
        (status = 200, description = "The CA as stored, with its validations", body = HubCa, links(
            ("Get" = (operation_id = "getHubCA", parameters(("envId" = "$request.path.envId"), ("hubCAId" = "$response.body#/id")))),
            ("Delete" = (operation_id = "deleteHubCA", parameters(("envId" = "$request.path.envId"), ("hubCAId" = "$response.body#/id")))),
        )),
        WriteErrors,
    )
)]
async fn create_hub_ca(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<HubCaInput>,
) -> Result<Json<HubCa>, ApiError> {
    Ok(Json(services.hub_cas().create(&who, env_id, &input).await?))
}

/// Returns the Hub's external CAs
///
/// Oldest first, each validated as of now.
#[utoipa::path(
    get, path = "/api/environments/{envId}/hub/cas", tag = "pki", operation_id = "getHubCAs",
    params(EnvPath),
    responses(
        (status = 200, description = "The Hub CAs", body = [HubCa]),
        ReadErrors,
    )
)]
async fn get_hub_cas(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<Vec<HubCa>>, ApiError> {
    Ok(Json(services.hub_cas().list(&who, env_id).await?))
}

/// Returns one external Hub CA
#[utoipa::path(
    get, path = "/api/environments/{envId}/hub/cas/{hubCAId}", tag = "pki", operation_id = "getHubCA",
    params(EnvPath, HubCaId),
    responses(
        (status = 200, description = "The Hub CA, validated as of now", body = HubCa),
        ReadErrors,
    )
)]
async fn get_hub_ca(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    HubCaId(id): HubCaId,
) -> Result<Json<HubCa>, ApiError> {
    Ok(Json(services.hub_cas().get(&who, env_id, id).await?))
}

/// Removes an external Hub CA
#[utoipa::path(
    delete, path = "/api/environments/{envId}/hub/cas/{hubCAId}", tag = "pki", operation_id = "deleteHubCA",
    params(EnvPath, HubCaId),
    responses((status = 204, description = "Removed"), ActionErrors)
)]
async fn delete_hub_ca(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    HubCaId(id): HubCaId,
) -> Result<StatusCode, ApiError> {
    services.hub_cas().delete(&who, env_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the DFSP's CA
///
/// The CA that signs the DFSP's certificates: its self-signed root and, optionally, the
/// intermediates under it (PEM, in any order). Replaces the DFSP's CA as a whole. Certificates
/// that cannot be read are refused (400) and change nothing; ones that read but do not
/// validate are stored, with `validations` saying what is wrong.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/ca", tag = "pki", operation_id = "setDFSPca",
    params(DfspPath),
    request_body(content = DfspCaInput, description = "The CA's certificates"),
    responses(
        (status = 200, description = "The CA as stored, with its validations", body = DfspCa, links(
            ("Get" = (operation_id = "getDFSPca", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId")))),
        )),
        WriteErrors,
    )
)]
async fn set_dfsp_ca(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<DfspCaInput>,
) -> Result<Json<DfspCa>, ApiError> {
    Ok(Json(
        services
            .dfsp_cas()
            .set(&who, env_id, &dfsp_id, &input)
            .await?,
    ))
}

/// Returns the DFSP's CA
///
/// Validated as of now. A DFSP without a CA has empty fields and `validationState`
/// `NOT_AVAILABLE`.
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/ca", tag = "pki", operation_id = "getDFSPca",
    params(DfspPath),
    responses(
        (status = 200, description = "The DFSP's CA", body = DfspCa),
        ReadErrors,
    )
)]
async fn get_dfsp_ca(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<DfspCa>, ApiError> {
    Ok(Json(services.dfsp_cas().get(&who, env_id, &dfsp_id).await?))
}
