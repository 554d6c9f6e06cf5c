//! `/api/second-factors`: the users' second factors (`AUTH_2FA_ENABLED`), for hub operators,
//! who reset a user's when they lose their authenticator (the user enrolls again at their next
//! sign-in).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::second_factors::SecondFactorRecord;
use domain::Services;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ActionErrors, ApiError, ListErrors};
use super::extract::{Acting, ApiPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(get_second_factors))
        .routes(routes!(reset_second_factor))
}

/// Lists every user's second factor
#[utoipa::path(
    get, path = "/api/second-factors", tag = "second-factors", operation_id = "getSecondFactors",
    responses(
        (status = 200, description = "The users who enrolled (or began to), by name",
            body = [SecondFactorRecord]),
        ListErrors,
    )
)]
async fn get_second_factors(
    State(services): State<Services>,
    Acting(who): Acting,
) -> Result<Json<Vec<SecondFactorRecord>>, ApiError> {
    Ok(Json(services.second_factors().list(&who).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct SubjectPath {
    /// The user's subject at the identity provider (percent-encoded in the path).
    subject: String,
}

/// Resets a user's second factor
#[utoipa::path(
    delete, path = "/api/second-factors/{subject}", tag = "second-factors",
    operation_id = "resetSecondFactor",
    params(SubjectPath),
    responses(
        (status = 204, description = "Forgotten: the user enrolls a new second factor at their \
            next sign-in"),
        ActionErrors,
    )
)]
async fn reset_second_factor(
    State(services): State<Services>,
    Acting(who): Acting,
    ApiPath(path): ApiPath<SubjectPath>,
) -> Result<StatusCode, ApiError> {
    services.second_factors().reset(&who, &path.subject).await?;
    Ok(StatusCode::NO_CONTENT)
}
