//! Extractors that turn every malformed request into an `ApiError` with a message a person can
//! act on, instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use domain::Principal;
use serde::de::DeserializeOwned;

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
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("Could not read the request body: {e}")))?;
        // Every body of this API is an object. serde would also accept an array for a struct
        // (by field position), which no client means.
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            None => {
                return Err(ApiError::bad_request(
                    "The request body is empty; send a JSON object",
                ))
            }
            Some(b'{') => {}
            Some(_) => {
                return Err(ApiError::bad_request(
                    "The request body must be a JSON object ({...})",
                ))
            }
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
        Ok(ApiJson(value))
    }
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
            .ok_or_else(|| {
                ApiError::from(domain::DomainError::Internal(
                    "The request carries no principal; the auth layer is missing".into(),
                ))
            })
    }
}
