//! Who is making each request. The auth layer puts a `Principal` into the request's extensions,
//! read by the REST extractor and by the portal's server functions alike; a request without one
//! is not signed in.
//!
//! With `AUTH_ENABLED` unset every request acts as the all-powerful local operator, as MCM
//! does. With it on, REST callers send `Authorization: Bearer <JWT>` from the identity
//! provider (`tokens`); a token that fails any check is a 401 here, before any handler runs.

pub mod provider;
pub mod tokens;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::clock::Clock;
use domain::{DomainError, Principal};

use crate::config::Config;
use crate::rest::error::ApiError;
use provider::IdentityProvider;
use tokens::{TokenError, TokenVerifier};

/// How requests are authenticated, chosen once at start-up.
#[derive(Clone)]
pub enum Authentication {
    /// `AUTH_ENABLED` unset: everyone is the local operator.
    Disabled,
    /// Bearer tokens from the identity provider.
    Enabled(Arc<TokenVerifier>),
}

impl Authentication {
    /// From the configuration (checked complete at load: with auth on, the issuer and client
    /// id are set). Nothing is fetched here: the provider may be down when we start.
    pub fn from_config(config: &Config, clock: Arc<dyn Clock>) -> Authentication {
        let auth = &config.auth;
        match (config.auth_enabled, &auth.issuer, &auth.client_id) {
            (true, Some(issuer), Some(client_id)) => {
                Authentication::Enabled(Arc::new(TokenVerifier::new(
                    Arc::new(IdentityProvider::new(issuer.clone(), clock.clone())),
                    auth.token_issuer.as_deref(),
                    client_id.clone(),
                    auth.groups_claim.clone(),
                    auth.role_groups.clone(),
                    clock,
                )))
            }
            _ => Authentication::Disabled,
        }
    }
}

/// What the request offers as credentials.
#[derive(Debug, PartialEq, Eq)]
enum Credentials<'a> {
    None,
    Bearer(&'a str),
    /// An `Authorization` header that is not a bearer token (Basic, say, or garbage).
    Unusable,
}

fn credentials(headers: &HeaderMap) -> Credentials<'_> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Credentials::None;
    };
    let Ok(value) = value.to_str() else {
        return Credentials::Unusable;
    };
    match value.trim().split_once(' ') {
        // The scheme is case-insensitive (RFC 9110, 11.1).
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => match token.trim() {
            "" => Credentials::Unusable,
            token => Credentials::Bearer(token),
        },
        _ => Credentials::Unusable,
    }
}

pub async fn attach_principal(
    State(authentication): State<Authentication>,
    mut request: Request,
    next: Next,
) -> Response {
    match &authentication {
        Authentication::Disabled => {
            request.extensions_mut().insert(Principal::local_operator());
        }
        Authentication::Enabled(verifier) => match credentials(request.headers()) {
            Credentials::None => {}
            Credentials::Unusable => {
                return ApiError::invalid_token(
                    "The Authorization header must be 'Bearer <token>', with an access token \
                     from the identity provider",
                )
                .into_response()
            }
            Credentials::Bearer(token) => match verifier.verify(token).await {
                Ok(principal) => {
                    request.extensions_mut().insert(principal);
                }
                Err(TokenError::Invalid(message)) => {
                    return ApiError::invalid_token(message).into_response()
                }
                Err(TokenError::Provider(error)) => {
                    return ApiError::from(DomainError::Unavailable(format!(
                        "Tokens cannot be checked now: {error}"
                    )))
                    .into_response()
                }
            },
        },
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        assert_eq!(credentials(&HeaderMap::new()), Credentials::None);
        assert_eq!(
            credentials(&with_authorization("Bearer a.b.c")),
            Credentials::Bearer("a.b.c")
        );
        assert_eq!(
            credentials(&with_authorization("bearer  a.b.c ")),
            Credentials::Bearer("a.b.c")
        );
        for unusable in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "a.b.c"] {
            assert_eq!(
                credentials(&with_authorization(unusable)),
                Credentials::Unusable,
                "{unusable}"
            );
        }
    }
}
