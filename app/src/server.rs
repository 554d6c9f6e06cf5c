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

/// The services and the principal of the current request, and how to answer it.
///
/// Call it first, before any `.await`: while a page renders on the server, a resource's server
/// function runs on as a task, and when the page is sent before it finishes (a page showing an
/// error need not wait for its other resources) the request's reactive owners are dropped
/// under it. Reading the Leptos context then (reactive_graph 0.2's `use_context`, walking up
/// to a parent whose last reference it holds) deadlocks the worker thread on the owner's lock,
/// which stalls every request queued on that thread. So nothing reads the context after the
/// start: the [`Reply`] keeps what answering needs.
pub fn context() -> Result<(Services, Principal, Reply), PortalError> {
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
    Ok((services, principal, Reply::of(&parts)))
}

/// How a server function answers its request, read from the context when it starts (see
/// [`context`]).
#[derive(Clone)]
pub struct Reply {
    /// Where a failure's status goes: absent for a plain HTML form post, which keeps leptos'
    /// redirect back to the form (carrying the error) instead.
    status: Option<ResponseOptions>,
}

impl Reply {
    /// For a server function that has no principal to act as (it reads only the request).
    pub fn capture() -> Reply {
        match use_context::<axum::http::request::Parts>() {
            Some(parts) => Reply::of(&parts),
            None => Reply {
                status: use_context::<ResponseOptions>(),
            },
        }
    }

    fn of(parts: &axum::http::request::Parts) -> Reply {
        let form_post = parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        Reply {
            status: if form_post {
                None
            } else {
                use_context::<ResponseOptions>()
            },
        }
    }

    /// The answer to a service's result. A failure also sets the HTTP status of the response
    /// (409 for a conflict, not 500), so that logs and monitoring tell user errors from faults.
    /// Every server function passes its domain results through here.
    pub fn answer<T>(&self, result: domain::DomainResult<T>) -> Result<T, PortalError> {
        result.map_err(|error| {
            if let Some(response) = &self.status {
                response.set_status(
                    StatusCode::from_u16(error.status_code())
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
            PortalError::Domain(error)
        })
    }
}

/// Sends a browser that submitted a plain HTML form (no JavaScript) to `path` afterwards;
/// with JavaScript the router follows the same redirect.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
