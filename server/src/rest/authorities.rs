//! `/api/environments/{envId}/cas` and `.../ca/rootCert`: the environment's internal CAs.

use axum::extract::{DefaultBodyLimit, State};
use axum::Json;
use domain::pki::authorities::{CaInitialInfo, CertificateAuthority, RootCaCert};
use domain::Services;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{ApiError, KeyMakingErrors, ReadErrors};
use super::extract::{Acting, ApiJson, EnvPath};

pub fn routes() -> OpenApiRouter<Services> {
    OpenApiRouter::new()
        .routes(routes!(create_ca, get_cas))
        .routes(routes!(get_current_ca_root_cert))
        .layer(DefaultBodyLimit::max(super::body_limits::RECORDS))
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
