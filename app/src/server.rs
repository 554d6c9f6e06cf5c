//! What server functions need from the server: the domain services and the acting principal,
//! both put into the Leptos context by the server crate for every request.

use axum::http::header::ACCEPT;
use axum::http::StatusCode;
use domain::{DomainError, Principal, Services};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

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
    // Only a request without credentials, with authentication on, has no principal.
    let principal = parts
        .extensions
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| {
            PortalError::Domain(DomainError::Forbidden(
                "You are not signed in; sign in to use the portal".into(),
            ))
        })?;
    Ok((services, principal))
}

/// The answer of a server function to a service's result. A failure also sets the HTTP status
/// of the response (409 for a conflict, not 500), so that logs and monitoring tell user errors
/// from faults; a plain HTML form post keeps leptos' redirect back to the form, which carries
/// the error instead. Every server function passes its domain results through here.
pub fn answer<T>(result: domain::DomainResult<T>) -> Result<T, PortalError> {
    result.map_err(|error| {
        set_error_status(&error);
        PortalError::Domain(error)
    })
}

fn set_error_status(error: &DomainError) {
    let form_post = use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if let (false, Some(response)) = (form_post, use_context::<ResponseOptions>()) {
        response.set_status(
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
}

/// Sends a browser that submitted a plain HTML form (no JavaScript) to `path` afterwards;
/// with JavaScript the router follows the same redirect.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
