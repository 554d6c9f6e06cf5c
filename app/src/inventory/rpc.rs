//! The server functions of the certificate inventory.

use domain::environments::EnvironmentId;
use domain::inventory::{ExpirySummary, Inventory};
use leptos::prelude::*;

use crate::error::PortalError;

/// Every certificate of the environment the user may see, soonest to expire first. The page
/// filters and sorts them itself, so that its filters can offer every owner there is.
#[server(prefix = "/rpc", endpoint = "certificates/inventory")]
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
#[server(prefix = "/rpc", endpoint = "certificates/expiry")]
pub async fn load_expiry_summary(env: EnvironmentId) -> Result<ExpirySummary, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.inventory().summary(&who, env).await)
}
