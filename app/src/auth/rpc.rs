//! What the portal shows about signing in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;

/// The signed-in user, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub name: String,
    /// "Hub operator", "DFSP operator", "Reader", or "No role".
    pub role: String,
}

/// Why the identity provider cannot be used now, if it cannot: the server puts a probe into
/// the portal's context that reads what its last attempt to reach the provider found.
#[derive(Clone)]
pub struct ProviderProblem(pub std::sync::Arc<dyn Fn() -> Option<String> + Send + Sync>);

/// The state of signing in, for the sign-in page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInState {
    pub auth_enabled: bool,
    /// The user, when signed in already.
    pub user: Option<SignedInUser>,
    /// What is wrong with the identity provider, if its last use failed.
    pub provider_problem: Option<String>,
}

#[cfg(feature = "ssr")]
fn signed_in_user() -> Option<SignedInUser> {
    use domain::principal::Role;
    let parts = use_context::<axum::http::request::Parts>()?;
    let principal = parts.extensions.get::<domain::Principal>()?;
    let role = if principal.has_role(&Role::HubOperator) {
        "Hub operator"
    } else if principal.has_role(&Role::DfspOperator) {
        "DFSP operator"
    } else if principal.has_role(&Role::Everyone) {
        "Reader"
    } else {
        "No role"
    };
    Some(SignedInUser {
        name: principal.name.clone(),
        role: role.into(),
    })
}

/// Who is signed in; `None` when nobody is, and when authentication is disabled.
#[server(prefix = "/rpc", endpoint = "signed_in_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, PortalError> {
    let enabled = use_context::<crate::PortalInfo>().is_some_and(|info| info.auth_enabled);
    Ok(if enabled { signed_in_user() } else { None })
}

/// Whether the acting user is a hub operator (also the local operator, with authentication
/// disabled): pages hide what only the Hub does from everyone else (the server refuses it
/// anyway).
#[server(prefix = "/rpc", endpoint = "acting_as_hub")]
pub async fn acting_as_hub() -> Result<bool, PortalError> {
    let parts = use_context::<axum::http::request::Parts>();
    Ok(parts
        .and_then(|parts| parts.extensions.get::<domain::Principal>().cloned())
        .is_some_and(|principal| principal.is_hub_operator()))
}

#[server(prefix = "/rpc", endpoint = "sign_in_state")]
pub async fn read_sign_in_state() -> Result<SignInState, PortalError> {
    let auth_enabled = use_context::<crate::PortalInfo>().is_some_and(|info| info.auth_enabled);
    let provider_problem = use_context::<ProviderProblem>().and_then(|probe| (probe.0)());
    Ok(SignInState {
        auth_enabled,
        user: if auth_enabled { signed_in_user() } else { None },
        provider_problem,
    })
}
