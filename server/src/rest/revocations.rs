//! Revocation and CRLs: `POST /api/environments/{envId}/certificates/{certificateId}/revoke`
//! (hub operators), and each internal CA's CRL, `GET /api/environments/{envId}/ca/crl` (the
//! current CA's) and `GET /api/environments/{envId}/cas/{caId}/crl`, which anyone may fetch:
//! relying parties read it from the address in the certificates, without signing in.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::pki::revocations::{CrlDocument, Revocation, RevokeRequest};
use domain::Services;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, CrlErrors, RevokeErrors};
use super::extract::{Acting, ApiJson, CaId, CertificateId, EnvPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(revoke_certificate))
        .routes(routes!(get_current_ca_crl))
        .routes(routes!(get_ca_crl))
}

/// A revocation, with the certificate it revoked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct RevokedCertificate {
    /// The certificate's inventory id.
    #[schema(example = "inboundEnrollment.12")]
    certificate_id: String,
    #[serde(flatten)]
    revocation: Revocation,
}

/// Revokes a certificate
///
/// A DFSP client certificate the environment's CA issued (`inboundEnrollment.N` in the
/// inventory), with an RFC 5280 reason (`unspecified` when none is given). The CA's CRL lists
/// it from then on; the inventory and the enrollment show it as revoked. Hub operators only.
#[utoipa::path(
    post, path = "/api/environments/{envId}/certificates/{certificateId}/revoke", tag = "certificates",
    operation_id = "revokeCertificate",
    params(EnvPath, CertificateId),
    request_body = RevokeRequest,
    responses((status = 200, description = "The certificate is revoked", body = RevokedCertificate), RevokeErrors)
)]
async fn revoke_certificate(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    CertificateId(certificate_id): CertificateId,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> Result<Json<RevokedCertificate>, ApiError> {
    let revocation = services
        .revocations()
        .revoke(&who, env_id, &certificate_id, &request)
        .await?;
    Ok(Json(RevokedCertificate {
        certificate_id,
        revocation,
    }))
}

/// Returns the current CA's CRL
///
/// The certificate revocation list of the environment's current CA, DER
/// (`application/pkix-crl`), or PEM with `Accept: application/x-pem-file`. Signed anew on
/// every revocation and before half of its validity (`CRL_VALIDITY`) has passed. Needs no
/// token: relying parties fetch it without signing in.
#[utoipa::path(
    get, path = "/api/environments/{envId}/ca/crl", tag = "pki", operation_id = "getCurrentCACrl",
    params(EnvPath),
    security(()),
    responses(
        (status = 200, description = "The CRL", content(
            (Vec<u8> = "application/pkix-crl"),
            (String = "application/x-pem-file"),
        )),
        CrlErrors,
    )
)]
async fn get_current_ca_crl(
    State(services): State<Services>,
    EnvPath(env_id): EnvPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let crl = services.revocations().crl(env_id, None).await?;
    Ok(crl_response(&crl, env_id.get(), &headers))
}

/// Returns a CA's CRL
///
/// As `getCurrentCACrl`, for any of the environment's internal CAs: the address the
/// certificates a CA issued name as their CRL distribution point when `PUBLIC_URL` is set.
#[utoipa::path(
    get, path = "/api/environments/{envId}/cas/{caId}/crl", tag = "pki", operation_id = "getCACrl",
    params(EnvPath, CaId),
    security(()),
    responses(
        (status = 200, description = "The CRL", content(
            (Vec<u8> = "application/pkix-crl"),
            (String = "application/x-pem-file"),
        )),
        CrlErrors,
    )
)]
async fn get_ca_crl(
    State(services): State<Services>,
    EnvPath(env_id): EnvPath,
    CaId(ca_id): CaId,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let crl = services.revocations().crl(env_id, Some(ca_id)).await?;
    Ok(crl_response(&crl, env_id.get(), &headers))
}

/// DER, or PEM when the client asks for it, as a download named after the environment and CA.
fn crl_response(crl: &CrlDocument, env_id: i64, headers: &HeaderMap) -> Response {
    let wants_pem = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains("application/x-pem-file"));
    let name = format!("environment-{env_id}-ca-{}", crl.ca_id);
    let (content_type, file, body) = if wants_pem {
        let pem = domain::pki::parse::to_pem("X509 CRL", &crl.der);
        (
            "application/x-pem-file",
            format!("{name}.crl.pem"),
            pem.into_bytes(),
        )
    } else {
        (
            "application/pkix-crl",
            format!("{name}.crl"),
            crl.der.clone(),
        )
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::VARY, HeaderValue::from_static("accept")),
        ],
        body,
    )
        .into_response()
}
