//! Enrollments: a DFSP's CSRs and the certificates the Hub issues for them
//! (`/dfsps/{dfspId}/enrollments/inbound`).

use axum::extract::{DefaultBodyLimit, State};
use axum::Json;
use domain::enrollments::inbound::{InboundCertificate, InboundCreate, InboundEnrollment};
use domain::Services;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{ApiError, ReadErrors, SigningErrors, WriteErrors};
use super::extract::{Acting, ApiJson, DfspPath, EnrollmentId};

pub fn routes() -> OpenApiRouter<Services> {
    OpenApiRouter::new()
        .routes(routes!(create_inbound, get_inbounds))
        .routes(routes!(get_inbound))
        .routes(routes!(sign_inbound))
        .routes(routes!(add_inbound_certificate))
        .layer(DefaultBodyLimit::max(super::body_limits::CERTIFICATES))
}

/// Submits a DFSP's CSR
///
/// The DFSP asks the Hub for a client certificate. The CSR is stored whatever its validations
/// say (they are in the answer); one that cannot be read, or whose signature does not verify,
/// is refused.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/inbound", tag = "enrollments",
    operation_id = "createDFSPInboundEnrollment",
    params(DfspPath),
    request_body(content = InboundCreate, description = "The DFSP's CSR"),
    responses(
        (status = 200, description = "The enrollment, `CSR_LOADED`", body = InboundEnrollment, links(
            ("Get" = (operation_id = "getDFSPInboundEnrollment", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("enId" = "$response.body#/id")))),
            ("Sign" = (operation_id = "signDFSPInboundEnrollment", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("enId" = "$response.body#/id")))),
        )),
        WriteErrors,
    )
)]
async fn create_inbound(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<InboundCreate>,
) -> Result<Json<InboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .inbound_enrollments()
            .create(&who, env_id, &dfsp_id, &input)
            .await?,
    ))
}

/// Returns a DFSP's inbound enrollments
///
/// Oldest first, each validated as of now.
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/inbound", tag = "enrollments",
    operation_id = "getDFSPInboundEnrollments",
    params(DfspPath),
    responses((status = 200, description = "The enrollments", body = [InboundEnrollment]), ReadErrors)
)]
async fn get_inbounds(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<Vec<InboundEnrollment>>, ApiError> {
    Ok(Json(
        services
            .inbound_enrollments()
            .list(&who, env_id, &dfsp_id)
            .await?,
    ))
}

/// Returns one inbound enrollment
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/inbound/{enId}", tag = "enrollments",
    operation_id = "getDFSPInboundEnrollment",
    params(DfspPath, EnrollmentId),
    responses((status = 200, description = "The enrollment, validated as of now", body = InboundEnrollment), ReadErrors)
)]
async fn get_inbound(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    EnrollmentId(id): EnrollmentId,
) -> Result<Json<InboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .inbound_enrollments()
            .get(&who, env_id, &dfsp_id, id)
            .await?,
    ))
}

/// Signs a DFSP's CSR with the environment's CA
///
/// The environment's current CA issues the DFSP's client certificate under its signing
/// profile. Once: a signed enrollment is a 409, as is an environment without a CA.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/inbound/{enId}/sign", tag = "enrollments",
    operation_id = "signDFSPInboundEnrollment",
    params(DfspPath, EnrollmentId),
    responses((status = 200, description = "The enrollment, `CERT_SIGNED`", body = InboundEnrollment), SigningErrors)
)]
async fn sign_inbound(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    EnrollmentId(id): EnrollmentId,
) -> Result<Json<InboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .inbound_enrollments()
            .sign(&who, env_id, &dfsp_id, id)
            .await?,
    ))
}

/// Adds the certificate an external Hub CA signed
///
/// For a CSR an external Hub CA (`hubCAId`) signed: the certificate must certify the CSR's
/// key and chain to that CA. Once: an enrollment that has its certificate is a 409.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/inbound/{enId}/certificate", tag = "enrollments",
    operation_id = "addDFSPInboundEnrollmentCertificate",
    params(DfspPath, EnrollmentId),
    request_body(content = InboundCertificate, description = "The certificate and the Hub CA that signed it"),
    responses((status = 200, description = "The enrollment, `CERT_SIGNED`", body = InboundEnrollment), WriteErrors)
)]
async fn add_inbound_certificate(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    EnrollmentId(id): EnrollmentId,
    ApiJson(input): ApiJson<InboundCertificate>,
) -> Result<Json<InboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .inbound_enrollments()
            .upload_certificate(&who, env_id, &dfsp_id, id, &input)
            .await?,
    ))
}
