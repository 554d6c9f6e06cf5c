//! `/api/health`: is the server up, and can it reach its database.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::Services;
use serde::Serialize;
use utoipa::ToSchema;

use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(get_health))
        .routes(routes!(get_liveness))
}

/// MCM v3's health answer (2020's had `status` and `database` only).
#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "healthy")]
    status: HealthStatus,
    /// When the server answered, RFC 3339, UTC.
    #[schema(example = "2026-12-08T10:00:00Z")]
    timestamp: String,
    #[schema(example = "connected")]
    database: DatabaseStatus,
    /// What is wrong, when unhealthy.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "The database cannot be reached")]
    error: Option<&'static str>,
}

#[derive(Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Healthy,
    Unhealthy,
}

#[derive(Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseStatus {
    Connected,
    Disconnected,
}

/// Reports whether the server can reach its database
#[utoipa::path(
    get, path = "/api/health", tag = "health", operation_id = "getHealth",
    // Open to anyone: load balancers and orchestrators ask without a token.
    security(()),
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "The database cannot be reached", body = Health),
    )
)]
async fn get_health(State(services): State<Services>) -> (StatusCode, Json<Health>) {
    let timestamp = services
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    if services.db().is_reachable().await {
        (
            StatusCode::OK,
            Json(Health {
                status: HealthStatus::Healthy,
                timestamp,
                database: DatabaseStatus::Connected,
                error: None,
            }),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: HealthStatus::Unhealthy,
                timestamp,
                database: DatabaseStatus::Disconnected,
                error: Some("The database cannot be reached"),
            }),
        )
    }
}

/// The process is up and answering.
#[derive(Serialize, ToSchema)]
pub struct Liveness {
    #[schema(example = "alive")]
    status: &'static str,
}

/// Reports that the server is running, without asking the database
#[utoipa::path(
    get, path = "/api/health/live", tag = "health", operation_id = "getLiveness",
    // For an orchestrator's liveness probe: a database outage must not get the process
    // restarted, so this does not look at it (`/api/health` does, for readiness).
    security(()),
    responses((status = 200, description = "Alive", body = Liveness))
)]
async fn get_liveness() -> Json<Liveness> {
    Json(Liveness { status: "alive" })
}
