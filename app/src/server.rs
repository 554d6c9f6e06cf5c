//! What server functions need from the server: the domain services and the acting principal,
//! both put into the Leptos context by the server crate for every request.

use domain::{DomainError, Principal, Services};
use leptos::prelude::use_context;

use crate::error::PortalError;

fn missing(what: &str) -> PortalError {
    PortalError::Domain(DomainError::Internal(format!(
        "The portal is misconfigured: {what} is missing from the request context"
    )))
}

/// The services and the principal of the current request.
pub fn context() -> Result<(Services, Principal), PortalError> {
    let services = use_context::<Services>().ok_or_else(|| missing("the services"))?;
    let parts =
        use_context::<axum::http::request::Parts>().ok_or_else(|| missing("the request"))?;
    let principal = parts
        .extensions
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| missing("the principal"))?;
    Ok((services, principal))
}

/// Sends a browser that submitted a plain HTML form (no JavaScript) to `path` afterwards;
/// with JavaScript the router follows the same redirect.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
