//! The server function of the audit page.

use domain::audit::{AuditFilter, AuditPage};
use domain::environments::EnvironmentId;
use leptos::prelude::*;

use crate::error::PortalError;

/// A page of the environment's events, newest first (a DFSP operator's own DFSPs' only).
#[server(prefix = "/rpc", endpoint = "audit/list", output = crate::codec::JsonAnswer)]
pub async fn list_audit(env: EnvironmentId, filter: AuditFilter) -> Result<AuditPage, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.audit().environment(&who, env, &filter).await)
}
