//! `/api/monetaryzones`: the active monetary zones.

use axum::extract::State;
use axum::Json;
use domain::monetary_zones::MonetaryZone;
use domain::Services;

use super::error::{ApiError, ListErrors};
use super::extract::Acting;
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new().routes(routes!(get_monetary_zones))
}

/// Returns the monetary zones supported
#[utoipa::path(
    get, path = "/api/monetaryzones", tag = "monetaryzones", operation_id = "getMonetaryZones",
    responses(
        (status = 200, description = "The active monetary zones, by id", body = [MonetaryZone]),
        ListErrors,
    )
)]
async fn get_monetary_zones(
    State(services): State<Services>,
    Acting(who): Acting,
) -> Result<Json<Vec<MonetaryZone>>, ApiError> {
    Ok(Json(services.monetary_zones().list(&who).await?))
}
