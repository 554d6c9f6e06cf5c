//! The REST error: every failure of `/api` becomes MCM's body
//! `{"payload": {"id": <error class>, "message": ..., ...}, "message": ...}`, mapped here and
//! nowhere else.

use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use domain::{DomainError, FieldError};
use serde::Serialize;
use std::collections::BTreeMap;

use utoipa::openapi::response::{Response as OpenApiResponse, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{IntoResponses, ToSchema};

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    id: &'static str,
    message: String,
    validation_errors: Vec<FieldError>,
    /// For 401: the `WWW-Authenticate` challenge (RFC 6750, 3).
    challenge: Option<String>,
}

/// MCM's error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub payload: ErrorPayload,
    /// The same text as `payload.message`.
    #[schema(example = "Environment '42' not found")]
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    /// The error class, as in MCM: `ValidationError`, `NotFoundError`, `ConflictError`, ...
    #[schema(example = "NotFoundError")]
    pub id: String,
    #[schema(example = "Environment '42' not found")]
    pub message: String,
    /// For `ValidationError`: what is wrong with each field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldProblem>)]
    pub validation_errors: Vec<FieldError>,
}

/// One field's problem.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the shape of `FieldError` in the OpenAPI document
pub struct FieldProblem {
    #[schema(example = "defaultDN.C")]
    field: String,
    #[schema(example = "must be a two-letter country code such as US or DE (got 'USA')")]
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, id: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            id,
            message: message.into(),
            validation_errors: Vec::new(),
            challenge: None,
        }
    }

    /// The request is not signed in (no credentials at all).
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        ApiError {
            challenge: Some(format!("Bearer realm=\"{REALM}\"")),
            ..Self::new(StatusCode::UNAUTHORIZED, "UnauthorizedError", message)
        }
    }

    /// The request's credentials prove nothing; `message` says why, also in the challenge.
    pub fn invalid_token(message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            challenge: Some(format!(
                "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{}\"",
                quoted_string_safe(&message)
            )),
            ..Self::new(StatusCode::UNAUTHORIZED, "UnauthorizedError", message)
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationError", message)
    }

    /// MCM's 400 for a request it cannot do at all (not a field's problem).
    pub fn bad_request_error(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequestError", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFoundError", message)
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowedError",
            message,
        )
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaTypeError",
            message,
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "ForbiddenError", message)
    }

    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLargeError",
            message,
        )
    }

    /// Too many attempts (wrong one-time codes); `message` says when to try again.
    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsError",
            message,
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

/// The protection space named in `WWW-Authenticate` challenges.
const REALM: &str = "Connection Manager";

/// `text` with only the characters RFC 6750 allows in `error_description`.
fn quoted_string_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '\\' => '\'',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (id, message, validation_errors) = match error {
            DomainError::Invalid { message, fields } => ("ValidationError", message, fields),
            DomainError::NotFound(m) => ("NotFoundError", m, Vec::new()),
            DomainError::Conflict(m) => ("ConflictError", m, Vec::new()),
            DomainError::Forbidden(m) => ("ForbiddenError", m, Vec::new()),
            DomainError::Internal(m) => ("InternalError", m, Vec::new()),
            DomainError::Unavailable(m) => ("ServiceUnavailableError", m, Vec::new()),
        };
        ApiError {
            status,
            id,
            message,
            validation_errors,
            challenge: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let body = ErrorBody {
            message: self.message.clone(),
            payload: ErrorPayload {
                id: self.id.to_owned(),
                message: self.message,
                validation_errors: self.validation_errors,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(challenge) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

/// The documented error answers of an operation, as one `responses(...)` entry. Each status has
/// one general description; the body always is [`ErrorBody`], whose message is specific.
fn error_response(status: u16) -> RefOr<OpenApiResponse> {
    let description = match status {
        400 => "The input is invalid; the message and `validationErrors` say what to fix",
        401 => "Not signed in, or the bearer token is invalid; `WWW-Authenticate` says why",
        403 => "The acting principal may not do this",
        404 => "The environment, DFSP or item in the path does not exist",
        409 => "The request conflicts with what is stored; the message says how",
        413 => "The body is larger than this operation accepts",
        415 => "The body is not JSON",
        429 => "Too many attempts; the message says when to try again",
        503 => {
            "The server is not set up for this, or a service it needs cannot be reached; the \
                message says which"
        }
        _ => "Error",
    };
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// The error answers of an operation; every one of them may also answer 401 (with
/// `AUTH_ENABLED`, each operation needs a signed-in principal).
macro_rules! error_set {
    ($(#[$doc:meta])* $name:ident: $($status:literal),+) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<OpenApiResponse>> {
                [401, $($status),+]
                    .into_iter()
                    .map(|status| (status.to_string(), error_response(status)))
                    .collect()
            }
        }
    };
}

error_set!(
    /// MCM's login operations, which take a form.
    LoginErrors: 400, 415, 429, 503
);
error_set!(
    /// Reading what is not inside an environment.
    ListErrors: 403
);
error_set!(
    /// Creating at the top level, with a JSON body.
    CreateErrors: 400, 403, 413, 415
);
error_set!(
    /// Reading something in an environment.
    ReadErrors: 403, 404
);
error_set!(
    /// Reading at a v3 path, which may find the v3 API bound to no environment (409).
    V3ReadErrors: 403, 404, 409
);
error_set!(
    /// Reading a list in an environment with a query filter.
    QueryErrors: 400, 403, 404
);
error_set!(
    /// Changing something, with a JSON body.
    WriteErrors: 400, 403, 404, 409, 413, 415
);
error_set!(
    /// Acting without a body (delete, confirm).
    ActionErrors: 403, 404, 409
);
error_set!(
    /// Making keys, which needs P12_PASS_PHRASE (503 without it), with a JSON body.
    KeyMakingErrors: 400, 403, 404, 413, 415, 503
);
error_set!(
    /// Revoking with the environment's CA: a JSON body, a certificate that must be revocable
    /// (409 when it is not), and P12_PASS_PHRASE to sign the CRL (503 without it).
    RevokeErrors: 400, 403, 404, 409, 413, 415, 503
);
error_set!(
    /// Serving a CA's CRL: the CA must exist, and a CRL that is due is signed anew (503
    /// without P12_PASS_PHRASE).
    CrlErrors: 404, 503
);
error_set!(
    /// Signing with the environment's CA, which must exist (409 otherwise) and whose key opens
    /// only with P12_PASS_PHRASE (503 without it).
    SigningErrors: 403, 404, 409, 503
);
