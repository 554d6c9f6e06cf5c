//! Who is making each request. The auth layer puts a `Principal` into the request's extensions,
//! read by the REST extractor and by the portal's server functions alike; a request without one
//! is not signed in.
//!
//! With `AUTH_ENABLED` unset every request acts as the all-powerful local operator, as MCM
//! does. With it on, REST callers send `Authorization: Bearer <JWT>` from the identity
//! provider (`tokens`; a token that fails any check is a 401 here, before any handler runs),
//! and people sign in to the portal (`login`), which keeps them in a server-side session
//! (`sessions`) that the API accepts too.

pub mod login;
pub mod provider;
pub mod second_factor;
pub mod sessions;
pub mod tokens;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::clock::Clock;
use domain::principal::RoleGroups;
use domain::second_factors::AwaitingSecondFactor;
use domain::{DomainError, Principal};
use tower_sessions::Session;

use crate::config::Config;
use crate::rest::error::ApiError;
use provider::IdentityProvider;
use sessions::{SessionLimits, SessionUser};
use tokens::{TokenError, TokenVerifier};

/// How requests are authenticated, chosen once at start-up.
#[derive(Clone)]
pub enum Authentication {
    /// `AUTH_ENABLED` unset: everyone is the local operator.
    Disabled,
    /// Bearer tokens and portal sessions, from the identity provider.
    Enabled(Arc<Enabled>),
}

pub struct Enabled {
    pub tokens: TokenVerifier,
    pub sign_in: Arc<login::SignIn>,
    pub limits: SessionLimits,
    /// Whether the portal is served over https (secure cookies).
    pub secure: bool,
    /// Whether signed-in users must give a second factor (`AUTH_2FA_ENABLED`).
    pub second_factor: bool,
    role_groups: RoleGroups,
    clock: Arc<dyn Clock>,
}

impl Authentication {
    /// From the configuration (checked complete at load: with auth on, the issuer and client
    /// id are set) and the URL browsers reach this server at. Nothing is fetched here: the
    /// provider may be down when we start.
    /// `extra_trusted`: the CA certificates of `EXTRA_ROOT_CERT_FILE_NAME` and
    /// `EXTRA_CERTIFICATE_CHAIN_FILE_NAME`, read by the caller.
    pub fn from_config(
        config: &Config,
        public_url: &str,
        clock: Arc<dyn Clock>,
        extra_trusted: Vec<reqwest::Certificate>,
    ) -> Authentication {
        let auth = &config.auth;
        let (true, Some(issuer), Some(client_id)) =
            (config.auth_enabled, &auth.issuer, &auth.client_id)
        else {
            return Authentication::Disabled;
        };
        let provider = Arc::new(IdentityProvider::new(
            issuer.clone(),
            clock.clone(),
            extra_trusted,
        ));
        let public_url = public_url.trim_end_matches('/');
        let sign_in = login::SignIn {
            provider: provider.clone(),
            client_id: client_id.clone(),
            client_secret: auth.client_secret.as_ref().map(|s| s.expose().to_owned()),
            redirect_url: format!("{public_url}/auth/callback"),
            signed_out_url: format!("{public_url}/sign-in?signed_out=1"),
            scopes: auth.scopes.clone(),
            groups_claim: auth.groups_claim.clone(),
            clock: clock.clone(),
            http: provider.http_client(),
        };
        Authentication::Enabled(Arc::new(Enabled {
            tokens: TokenVerifier::new(
                provider,
                auth.token_issuer.as_deref(),
                client_id.clone(),
                auth.groups_claim.clone(),
                auth.role_groups.clone(),
                clock.clone(),
            ),
            sign_in: Arc::new(sign_in),
            limits: SessionLimits {
                idle: auth.session_idle,
                lifetime: auth.session_lifetime,
            },
            secure: public_url.starts_with("https://"),
            second_factor: auth.two_factor,
            role_groups: auth.role_groups.clone(),
            clock,
        }))
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
        Authentication::Enabled(enabled) => match credentials(request.headers()) {
            Credentials::None => {
                let session = request.extensions().get::<Session>().cloned();
                if let Some(session) = session {
                    match sessions::user(
                        &session,
                        enabled.limits,
                        &enabled.clock,
                        &enabled.role_groups,
                        enabled.second_factor,
                    )
                    .await
                    {
                        SessionUser::Nobody => {}
                        SessionUser::AwaitingSecondFactor(user) => {
                            request.extensions_mut().insert(user);
                        }
                        SessionUser::SignedIn(principal) => {
                            request.extensions_mut().insert(principal);
                        }
                    }
                }
            }
            Credentials::Unusable => {
                return ApiError::invalid_token(
                    "The Authorization header must be 'Bearer <token>', with an access token \
                     from the identity provider",
                )
                .into_response()
            }
            Credentials::Bearer(token) => match enabled.tokens.verify(token).await {
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

/// With authentication on, a portal page asked for without a signed-in user leads to the
/// sign-in (and back to the page afterwards), or to the second factor for a user who signed in
/// at the provider but has not given it yet. The API answers 401 by itself, server functions
/// say "not signed in", and the sign-in's own pages and the assets are open.
pub async fn require_sign_in(
    State(authentication): State<Authentication>,
    request: Request,
    next: Next,
) -> Response {
    let open = |path: &str| {
        [
            "/api", "/rpc", "/pkg", "/auth/", "/sign-in", "/docs", "/favicon",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix))
    };
    let is_page =
        matches!(*request.method(), Method::GET | Method::HEAD) && !open(request.uri().path());
    if matches!(authentication, Authentication::Enabled(_))
        && is_page
        && request.extensions().get::<Principal>().is_none()
    {
        let here = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        if request.extensions().get::<AwaitingSecondFactor>().is_some() {
            return Redirect::to(&app::urls::second_factor(here, None)).into_response();
        }
        return Redirect::to(&app::urls::sign_in(here)).into_response();
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
