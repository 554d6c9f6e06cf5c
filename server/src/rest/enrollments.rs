//! Enrollments: a DFSP's CSRs and the certificates the Hub issues for them
//! (`/dfsps/{dfspId}/enrollments/inbound`), and the Hub's CSRs that the DFSP's CA signs
//! (`.../enrollments/outbound`).

use axum::extract::State;
use axum::Json;
use domain::enrollments::inbound::{InboundCertificate, InboundCreate, InboundEnrollment};
use domain::enrollments::outbound::{
    CsrParameters, OutboundCertificate, OutboundCreate, OutboundEnrollment,
};
use domain::Services;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{
    ActionErrors, ApiError, KeyMakingErrors, QueryErrors, ReadErrors, SigningErrors, WriteErrors,
};
use super::extract::{Acting, ApiJson, ApiQuery, DfspPath, EnrollmentId};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(create_inbound, get_inbounds))
        .routes(routes!(get_inbound))
        .routes(routes!(sign_inbound))
        .routes(routes!(add_inbound_certificate))
        .routes(routes!(create_outbound, get_outbounds))
        .routes(routes!(create_outbound_csr))
        .routes(routes!(get_outbound))
        .routes(routes!(add_outbound_certificate))
        .routes(routes!(validate_outbound))
        .body_limit(super::body_limits::CERTIFICATES)
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

/// Sends the Hub's CSR to a DFSP
///
/// A CSR the Hub made elsewhere (its key stays there), for the DFSP's CA to sign.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/outbound", tag = "enrollments",
    operation_id = "createDFSPOutboundEnrollment",
    params(DfspPath),
    request_body(content = OutboundCreate, description = "The Hub's CSR"),
    responses(
        (status = 200, description = "The enrollment, `CSR_LOADED`", body = OutboundEnrollment, links(
            ("Get" = (operation_id = "getDFSPOutboundEnrollment", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("enId" = "$response.body#/id")))),
        )),
        WriteErrors,
    )
)]
async fn create_outbound(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<OutboundCreate>,
) -> Result<Json<OutboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .outbound_enrollments()
            .create(&who, env_id, &dfsp_id, &input)
            .await?,
    ))
}

/// Makes the Hub's key and CSR for a DFSP
///
/// The server makes an RSA-4096 key, which it seals under `P12_PASS_PHRASE` and never gives
/// out, and a CSR for it with this subject and these alternative names.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/outbound/csr", tag = "enrollments",
    operation_id = "createCSRAndDFSPOutboundEnrollment",
    params(DfspPath),
    request_body(content = CsrParameters, description = "The CSR's subject and alternative names",
        example = json!({"subject": {"CN": "hub.example.com", "O": "Example Hub", "emailAddress": "pki@hub.example.com"}, "extensions": {"subjectAltName": {"dns": ["hub.example.com"], "ips": ["163.10.5.24"]}}})),
    responses(
        (status = 200, description = "The enrollment, `CSR_LOADED`", body = OutboundEnrollment, links(
            ("Get" = (operation_id = "getDFSPOutboundEnrollment", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("enId" = "$response.body#/id")))),
        )),
        KeyMakingErrors,
    )
)]
async fn create_outbound_csr(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<CsrParameters>,
) -> Result<Json<OutboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .outbound_enrollments()
            .create_csr(&who, env_id, &dfsp_id, &input)
            .await?,
    ))
}

/// The optional filter of a list of outbound enrollments.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StateFilter {
    /// Only the enrollments in this state: `CSR_LOADED`, `CERT_SIGNED` or `VALIDATED`.
    state: Option<String>,
}

/// Returns the Hub's outbound enrollments for a DFSP
///
/// Oldest first, each validated as of now against the DFSP's CA.
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/outbound", tag = "enrollments",
    operation_id = "getDFSPOutboundEnrollments",
    params(DfspPath, StateFilter),
    responses((status = 200, description = "The enrollments", body = [OutboundEnrollment]), QueryErrors)
)]
async fn get_outbounds(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiQuery(filter): ApiQuery<StateFilter>,
) -> Result<Json<Vec<OutboundEnrollment>>, ApiError> {
    Ok(Json(
        services
            .outbound_enrollments()
            .list(&who, env_id, &dfsp_id, filter.state.as_deref())
            .await?,
    ))
}

/// Returns one outbound enrollment
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/outbound/{enId}", tag = "enrollments",
    operation_id = "getDFSPOutboundEnrollment",
    params(DfspPath, EnrollmentId),
    responses((status = 200, description = "The enrollment, validated as of now", body = OutboundEnrollment), ReadErrors)
)]
async fn get_outbound(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    EnrollmentId(id): EnrollmentId,
) -> Result<Json<OutboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .outbound_enrollments()
            .get(&who, env_id, &dfsp_id, id)
            .await?,
    ))
}

/// Returns the certificate the DFSP's CA signed
///
/// The DFSP (or the Hub for it) returns the certificate for the Hub's CSR. It must certify the
/// CSR's key; it may replace an earlier one until the Hub validated it (then 409).
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/outbound/{enId}/certificate", tag = "enrollments",
    operation_id = "addDFSPOutboundEnrollmentCertificate",
    params(DfspPath, EnrollmentId),
    request_body(content = OutboundCertificate, description = "The certificate"),
    responses((status = 200, description = "The enrollment, `CERT_SIGNED`, with its validations", body = OutboundEnrollment), WriteErrors)
)]
async fn add_outbound_certificate(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    EnrollmentId(id): EnrollmentId,
    ApiJson(input): ApiJson<OutboundCertificate>,
) -> Result<Json<OutboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .outbound_enrollments()
            .upload_certificate(&who, env_id, &dfsp_id, id, &input)
            .await?,
    ))
}

/// Validates the certificate the DFSP returned
///
/// Runs the validations against the DFSP's current CA. When every one passes the enrollment
/// becomes `VALIDATED`; the answer has the validations either way. Without a certificate, 409.
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/enrollments/outbound/{enId}/validate", tag = "enrollments",
    operation_id = "validateDFSPOutboundEnrollmentCertificate",
    params(DfspPath, EnrollmentId),
    responses((status = 200, description = "The enrollment, `VALIDATED` when every check passed", body = OutboundEnrollment), ActionErrors)
)]
async fn validate_outbound(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    EnrollmentId(id): EnrollmentId,
) -> Result<Json<OutboundEnrollment>, ApiError> {
    Ok(Json(
        services
            .outbound_enrollments()
            .validate(&who, env_id, &dfsp_id, id)
            .await?,
    ))
}
