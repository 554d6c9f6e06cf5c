//! Extractors that turn every malformed request into an `ApiError` with a message a person can
//! act on, instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use std::collections::HashMap;

use domain::dfsps::DfspId;
use domain::environments::EnvironmentId;
use domain::{DomainError, Principal, Services};
use serde::de::DeserializeOwned;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::IntoParams;

use super::error::ApiError;

/// A JSON request body. Demands a JSON content type and names the offending field when the
/// body does not have the expected shape.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state, Some(b'{')).await.map(ApiJson)
    }
}

/// A JSON request body that is an array (MCM v3's `POST /external-dfsps/jwscerts`). Read as
/// any JSON at first, and made into the items by [`ApiJsonArray::items`] once the caller is
/// authorized: what the body holds tells a caller who may not act nothing.
pub struct ApiJsonArray(serde_json::Value);

impl<S> FromRequest<S> for ApiJsonArray
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state, None).await.map(ApiJsonArray)
    }
}

impl ApiJsonArray {
    /// The items, or a 400 that names the one at fault.
    pub fn items<T: DeserializeOwned>(self) -> Result<Vec<T>, ApiError> {
        if !self.0.is_array() {
            return Err(ApiError::bad_request(
                "The request body must be a JSON array ([...])",
            ));
        }
        serde_path_to_error::deserialize(self.0).map_err(|e| {
            let path = e.path().to_string();
            ApiError::bad_request(format!("Invalid JSON body at '{path}': {}", e.into_inner()))
        })
    }
}

/// Reads a JSON body; one that does not open with `opening` (`{` for an object) is a 400.
async fn read_json<S, T>(req: Request, state: &S, opening: Option<u8>) -> Result<T, ApiError>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !(essence == "application/json" || essence.ends_with("+json")) {
        return Err(ApiError::unsupported_media_type(
            "Send the request body as JSON, with the header Content-Type: application/json",
        ));
    }
    let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large(
                    "The request body is larger than this operation accepts; send only the fields it documents",
                )
            } else {
                ApiError::bad_request(format!("Could not read the request body: {e}"))
            }
        })?;
    // Every body of this API is an object, but one list. serde would also accept an array
    // for a struct (by field position), which no client means.
    match (bytes.iter().find(|b| !b.is_ascii_whitespace()), opening) {
        (None, _) => {
            return Err(ApiError::bad_request(
                "The request body is empty; send a JSON object",
            ))
        }
        (Some(first), Some(opening)) if *first != opening => {
            return Err(ApiError::bad_request(
                "The request body must be a JSON object ({...})",
            ))
        }
        _ => {}
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
    let value = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let location = if path == "." {
            String::new()
        } else {
            format!(" at '{path}'")
        };
        ApiError::bad_request(format!("Invalid JSON body{location}: {inner}"))
    })?;
    Ok(value)
}

/// Path parameters, percent-decoded (`DFSP%20Bob` is `DFSP Bob`).
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => Err(ApiError::bad_request(
                format!("Invalid path parameter: {}", e.body_text()),
            )),
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}

/// Query parameters (`?state=...`); a query that does not fit is a 400 that says why.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|e| ApiError::bad_request(format!("Invalid query: {}", e.body_text())))
    }
}

/// A form body (`application/x-www-form-urlencoded`), as MCM's login operations take.
pub struct ApiForm<T>(pub T);

impl<S, T> FromRequest<S> for ApiForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err(ApiError::unsupported_media_type(
                "Send the fields as a form, with the header Content-Type: \
                 application/x-www-form-urlencoded",
            ));
        }
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(ApiForm(value)),
            Err(rejection) => Err(ApiError::bad_request(format!(
                "The form could not be read: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// The acting principal, put on every request by the auth layer.
pub struct Acting(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Acting)
            // The auth layer gives every request a principal, except those without
            // credentials when authentication is on.
            .ok_or_else(|| {
                ApiError::unauthenticated(
                    "Sign in first: send the header 'Authorization: Bearer <token>' with an \
                     access token from the identity provider",
                )
            })
    }
}

/// The named parameters of the path, percent-decoded.
async fn path_params(parts: &mut Parts) -> Result<HashMap<String, String>, ApiError> {
    match Path::<HashMap<String, String>>::from_request_parts(parts, &()).await {
        Ok(Path(params)) => Ok(params),
        Err(e) => Err(ApiError::bad_request(format!(
            "Invalid path parameter: {}",
            e.body_text()
        ))),
    }
}

fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, ApiError> {
    params.get(name).map(String::as_str).ok_or_else(|| {
        ApiError::from(DomainError::Internal(format!(
            "The route has no path parameter {name}"
        )))
    })
}

fn path_parameter(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

const ENV_ID_DESCRIPTION: &str = "ID of environment";
const DFSP_ID_DESCRIPTION: &str = "ID of the DFSP (URL-encoded: `DFSP%20Bob`)";

/// The environment of a path with `{envId}`. An id that is not one of ours is a 404. At a v3
/// path (no `{envId}`), the environment the v3 API is bound to (`V3_ENVIRONMENT`).
pub struct EnvPath(pub EnvironmentId);

impl FromRequestParts<Services> for EnvPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        services: &Services,
    ) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        Ok(EnvPath(environment(&params, parts, services).await?))
    }
}

/// The environment a request is about: the path's `{envId}`, or at a v3 path the one the v3
/// API is bound to (resolved once per request).
async fn environment(
    params: &HashMap<String, String>,
    parts: &mut Parts,
    services: &Services,
) -> Result<EnvironmentId, ApiError> {
    if let Some(raw) = params.get("envId") {
        return Ok(EnvironmentId::parse(raw)?);
    }
    if let Some(V3Environment(id)) = parts.extensions.get::<V3Environment>() {
        return Ok(*id);
    }
    let id = services.environments().v3_environment().await?;
    parts.extensions.insert(V3Environment(id));
    Ok(id)
}

/// The environment a v3 request was resolved to.
#[derive(Clone, Copy)]
struct V3Environment(EnvironmentId);

impl IntoParams for EnvPath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![path_parameter("envId", ENV_ID_DESCRIPTION)]
    }
}

/// The DFSP of a path with `{envId}` and `{dfspId}`.
pub struct DfspPath(pub EnvironmentId, pub DfspId);

impl FromRequestParts<Services> for DfspPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        services: &Services,
    ) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        let env_id = environment(&params, parts, services).await?;
        let dfsp_id = DfspId::parse(env_id, param(&params, "dfspId")?)?;
        Ok(DfspPath(env_id, dfsp_id))
    }
}

impl IntoParams for DfspPath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            path_parameter("envId", ENV_ID_DESCRIPTION),
            path_parameter("dfspId", DFSP_ID_DESCRIPTION),
        ]
    }
}

/// The endpoint item of a path with `{epId}`. An id that cannot be ours is a 404.
pub struct ItemId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for ItemId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        let raw = param(&params, "epId")?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(ItemId)
            .ok_or_else(|| ApiError::not_found(format!("There is no endpoint with id '{raw}'")))
    }
}

impl IntoParams for ItemId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![path_parameter("epId", "ID of the endpoint item")]
    }
}

/// The Hub CA of a path with `{hubCAId}`. An id that cannot be ours is a 404.
pub struct HubCaId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for HubCaId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        let raw = param(&params, "hubCAId")?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(HubCaId)
            .ok_or_else(|| ApiError::not_found(format!("There is no Hub CA with id '{raw}'")))
    }
}

impl IntoParams for HubCaId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![path_parameter("hubCAId", "ID of the Hub CA")]
    }
}

/// The enrollment of a path with `{enId}`. An id that cannot be ours is a 404.
pub struct EnrollmentId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for EnrollmentId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        let raw = param(&params, "enId")?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(EnrollmentId)
            .ok_or_else(|| ApiError::not_found(format!("There is no enrollment with id '{raw}'")))
    }
}

impl IntoParams for EnrollmentId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![path_parameter("enId", "ID of the enrollment")]
    }
}

/// The certificate of a path with `{certificateId}`: an id of the certificate inventory.
pub struct CertificateId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CertificateId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        Ok(CertificateId(param(&params, "certificateId")?.to_owned()))
    }
}

impl IntoParams for CertificateId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![path_parameter(
            "certificateId",
            "ID of the certificate in the inventory (GET /api/environments/{envId}/certificates), such as `inboundEnrollment.12`",
        )]
    }
}

/// The internal CA of a path with `{caId}`. An id that cannot be ours is a 404.
pub struct CaId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for CaId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts).await?;
        let raw = param(&params, "caId")?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(CaId)
            .ok_or_else(|| ApiError::not_found(format!("There is no CA with id '{raw}'")))
    }
}

impl IntoParams for CaId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![path_parameter(
            "caId",
            "ID of the environment's internal CA (GET /api/environments/{envId}/cas)",
        )]
    }
}
