//! The server functions of the certificate inventory.

use domain::environments::EnvironmentId;
use domain::inventory::{ExpirySummary, Inventory};
use leptos::prelude::*;

use crate::error::PortalError;

/// Every certificate of the environment the user may see, soonest to expire first. The page
/// filters and sorts them itself, so that its filters can offer every owner there is.
#[server(prefix = "/rpc", endpoint = "certificates/inventory", output = crate::codec::JsonAnswer)]
pub async fn certificate_inventory(env: EnvironmentId) -> Result<Inventory, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .inventory()
            .inventory(&who, env, &domain::inventory::InventoryFilter::default())
            .await,
    )
}

/// How many of the environment's certificates are expiring or expired.
#[server(prefix = "/rpc", endpoint = "certificates/expiry", output = crate::codec::JsonAnswer)]
pub async fn load_expiry_summary(env: EnvironmentId) -> Result<ExpirySummary, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.inventory().summary(&who, env).await)
}

/// Revokes a certificate the environment's CA issued (hub operators), with an RFC 5280
/// reason's name.
#[server(prefix = "/rpc", endpoint = "certificates/revoke", output = crate::codec::JsonAnswer)]
pub async fn revoke_certificate(
    env_id: EnvironmentId,
    certificate_id: String,
    #[server(default)] reason: Option<String>,
) -> Result<domain::pki::revocations::Revocation, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let request = domain::pki::revocations::RevokeRequest { reason };
    reply.answer(
        services
            .revocations()
            .revoke(&who, env_id, &certificate_id, &request)
            .await,
    )
}
