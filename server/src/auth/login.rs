//! Signing in to the portal: the OpenID Connect authorization code flow with PKCE, state and
//! nonce (`openidconnect`), against the provider found by discovery; the signed-in user is kept
//! in the server-side session (`sessions`), and signing out ends it there and, where the
//! provider offers it, at the provider too.
//!
//! - `GET /auth/login?next=/path`: to the provider's sign-in page (or back to `/sign-in`, which
//!   says what is wrong, when the provider cannot be reached).
//! - `GET /auth/callback`: the provider's answer; the code is exchanged, the ID token checked,
//!   the session id renewed (so that an id planted before sign-in is worth nothing), and the
//!   user sent on to `next`.
//! - `POST /auth/logout`: the portal's button.
//!
//! MCM's `POST /api/login` (`rest::login`) signs in with a password where the provider allows
//! it (`SignIn::with_password`), into the same kind of session.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::clock::Clock;
use domain::Services;
use jsonwebtoken::Algorithm;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tower_sessions::Session;

use super::provider::IdentityProvider;
use super::sessions::{begin, SignedIn, USER_KEY};
use super::tokens::{display_name, groups_at, TokenVerifier};

/// The session key of a sign-in under way.
const PENDING_KEY: &str = "pending_sign_in";

/// What the portal's sign-in needs to know.
pub struct SignIn {
    pub provider: Arc<IdentityProvider>,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back: `{PUBLIC_URL}/auth/callback`.
    pub redirect_url: String,
    /// Where the provider sends the browser after signing out: `{PUBLIC_URL}/sign-in`.
    pub signed_out_url: String,
    pub scopes: Vec<String>,
    pub groups_claim: String,
    pub clock: Arc<dyn Clock>,
    pub http: crate::http_client::LazyClient,
}

/// A sign-in under way, between the redirect to the provider and its answer.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    pkce_verifier: String,
    next: String,
}

/// Why a sign-in did not complete; the sign-in page words each (no free text travels in the
/// URL, so a crafted link cannot make the page say something else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The provider cannot be reached or its documents are unusable.
    Provider,
    /// The provider said no (the user cancelled, or is not allowed to use this client).
    Refused,
    /// The answer did not belong to a sign-in this browser started (expired or replayed).
    Stale,
    /// The provider's tokens did not pass the checks.
    Invalid,
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Problem::Provider => "provider",
            Problem::Refused => "refused",
            Problem::Stale => "stale",
            Problem::Invalid => "invalid",
        }
    }
}

pub fn routes(sign_in: Arc<SignIn>, services: Services) -> Router {
    Router::new()
        .route("/auth/login", get(start))
        .route("/auth/callback", get(finish))
        .route("/auth/logout", post(sign_out))
        .with_state(sign_in)
        // For the audit log's sign-ins and sign-outs.
        .layer(axum::Extension(services))
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

fn to_sign_in_page(problem: Problem, next: &str) -> Response {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Redirect::to(&format!("/sign-in?problem={}&next={next}", problem.code())).into_response()
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

impl SignIn {
    /// The openidconnect client, from the provider's discovery document and keys as cached.
    async fn client(
        &self,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        String,
    > {
        let documents = self
            .provider
            .documents()
            .await
            .map_err(|error| error.to_string())?;
        let keys: CoreJsonWebKeySet = serde_json::from_value(documents.keys.clone())
            .map_err(|e| format!("the provider's key set cannot be read: {e}"))?;
        let metadata: CoreProviderMetadata = serde_json::from_value((*documents.discovery).clone())
            .map_err(|e| format!("the provider's discovery document cannot be read: {e}"))?;
        let redirect = RedirectUrl::new(self.redirect_url.clone())
            .map_err(|e| format!("the redirect URL is invalid: {e}"))?;
        Ok(CoreClient::from_provider_metadata(
            metadata.set_jwks(keys),
            ClientId::new(self.client_id.clone()),
            self.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Sends `request` with our HTTP client (the system's OpenSSL, no redirects followed).
    async fn send(
        http: reqwest::Client,
        request: openidconnect::HttpRequest,
    ) -> Result<openidconnect::HttpResponse, HttpError> {
        let request = reqwest::Request::try_from(request).map_err(|e| HttpError(e.to_string()))?;
        let response = http
            .execute(request)
            .await
            .map_err(|e| HttpError(super::provider::error_chain(&e)))?;
        let mut answer = axum::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            answer = answer.header(name, value);
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| HttpError(e.to_string()))?;
        answer
            .body(body.to_vec())
            .map_err(|e| HttpError(e.to_string()))
    }
}

async fn start(
    State(sign_in): State<Arc<SignIn>>,
    session: Session,
    Query(query): Query<StartQuery>,
) -> Response {
    let next = app::urls::local_path(query.next.as_deref());
    let client = match sign_in.client().await {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!("sign-in cannot start: {error}");
            return to_sign_in_page(Problem::Provider, &next);
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in &sign_in.scopes {
        if scope != "openid" {
            request = request.add_scope(Scope::new(scope.clone()));
        }
    }
    let (url, state, nonce) = request.url();
    let pending = Pending {
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next,
    };
    if let Err(error) = session.insert(PENDING_KEY, &pending).await {
        tracing::error!("the session cannot be written: {error}");
        return to_sign_in_page(Problem::Provider, &pending.next);
    }
    Redirect::to(url.as_str()).into_response()
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn finish(
    State(sign_in): State<Arc<SignIn>>,
    axum::Extension(services): axum::Extension<Services>,
    session: Session,
    Query(callback): Query<Callback>,
) -> Response {
    // The pending sign-in is used up whatever happens: an answer is accepted once.
    let pending = match session.remove::<Pending>(PENDING_KEY).await {
        Ok(Some(pending)) => pending,
        _ => return to_sign_in_page(Problem::Stale, "/"),
    };
    if let Some(error) = &callback.error {
        tracing::info!(
            "the identity provider refused the sign-in: {error} {}",
            callback.error_description.as_deref().unwrap_or("")
        );
        return to_sign_in_page(Problem::Refused, &pending.next);
    }
    let state_matches = callback
        .state
        .as_deref()
        .is_some_and(|state| domain::shared_keys::same_secret(state, &pending.state));
    let (true, Some(code)) = (state_matches, callback.code) else {
        return to_sign_in_page(Problem::Stale, &pending.next);
    };
    match sign_in.redeem(code, &pending).await {
        Ok(user) => match begin(&services, &session, &user).await {
            Ok(()) => Redirect::to(&pending.next).into_response(),
            Err(()) => to_sign_in_page(Problem::Provider, &pending.next),
        },
        Err((problem, message)) => {
            tracing::warn!("sign-in failed: {message}");
            to_sign_in_page(problem, &pending.next)
        }
    }
}

impl SignIn {
    /// Exchanges the code and checks the ID token (signature with the provider's keys, issuer,
    /// audience, expiry, nonce), then reads who signed in.
    async fn redeem(&self, code: String, pending: &Pending) -> Result<SignedIn, (Problem, String)> {
        let client = self.client().await.map_err(|e| (Problem::Provider, e))?;
        let http = self.http.get().clone();
        let send = move |request| Self::send(http.clone(), request);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| (Problem::Provider, format!("no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&send)
            .await
            .map_err(|e| {
                (
                    Problem::Invalid,
                    format!("the code was not exchanged: {e:?}"),
                )
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| (Problem::Invalid, "the provider sent no ID token".to_owned()))?;
        // Signed with a key the provider published since we last fetched its keys? Then fetch
        // them again (as for bearer tokens, not more often than every few seconds).
        if let Ok(header) = jsonwebtoken::decode_header(id_token.to_string()) {
            if matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
                let _ = self
                    .provider
                    .verifying_key(header.kid.as_deref(), header.alg)
                    .await;
            }
        }
        let client = self.client().await.map_err(|e| (Problem::Provider, e))?;
        let clock = self.clock.clone();
        let verifier = client.id_token_verifier().set_time_fn(move || {
            let now = clock.now();
            chrono::DateTime::from_timestamp(now.unix_timestamp(), now.nanosecond())
                .unwrap_or_default()
        });
        let nonce = Nonce::new(pending.nonce.clone());
        id_token.claims(&verifier, &nonce).map_err(|e| {
            (
                Problem::Invalid,
                format!(
                    "the ID token is invalid: {}",
                    super::provider::error_chain(&e)
                ),
            )
        })?;
        // The claims the verifier just checked, read as they are (groups are no standard claim).
        let claims = id_token_claims(&id_token.to_string())
            .ok_or_else(|| (Problem::Invalid, "the ID token cannot be read".to_owned()))?;
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let groups = groups_at(&claims, &self.groups_claim)
            .map_err(|e| (Problem::Invalid, e.to_string()))?;
        let now = self.clock.now().unix_timestamp();
        Ok(SignedIn {
            name: display_name(&claims, &subject),
            subject,
            groups,
            signed_in_at: now,
            last_seen: now,
            id_token: id_token.to_string(),
            second_factor_given: false,
        })
    }
}

/// The payload of a JWT whose signature was checked already.
fn id_token_claims(jwt: &str) -> Option<Map<String, Value>> {
    let payload = jwt.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

async fn sign_out(
    State(sign_in): State<Arc<SignIn>>,
    axum::Extension(services): axum::Extension<Services>,
    session: Session,
) -> Response {
    let user = session.get::<SignedIn>(USER_KEY).await.ok().flatten();
    if let Err(error) = session.flush().await {
        tracing::error!("the session cannot be ended: {error}");
    }
    if let Some(user) = &user {
        super::sessions::audit(&services, user, domain::audit::AuditAction::SignOut).await;
    }
    let end_session = sign_in
        .provider
        .documents()
        .await
        .ok()
        .and_then(|documents| documents.metadata.end_session_endpoint.clone());
    match (user, end_session) {
        (Some(user), Some(endpoint)) => {
            tracing::info!(subject = %user.subject, "signed out");
            let mut url = match url::Url::parse(&endpoint) {
                Ok(url) => url,
                Err(_) => return Redirect::to("/sign-in?signed_out=1").into_response(),
            };
            url.query_pairs_mut()
                .append_pair("id_token_hint", &user.id_token)
                .append_pair("client_id", &sign_in.client_id)
                .append_pair("post_logout_redirect_uri", &sign_in.signed_out_url);
            Redirect::to(url.as_str()).into_response()
        }
        _ => Redirect::to("/sign-in?signed_out=1").into_response(),
    }
}

/// Why a password sign-in did not happen.
#[derive(Debug)]
pub enum PasswordSignInError {
    /// The provider does not take passwords from applications; the message says what to do.
    NotAllowed(String),
    /// The provider refused the username and password.
    Refused,
    /// The provider cannot be used now.
    Provider(String),
}

/// A password sign-in: the user for the session, and the ID token's claims for MCM's answer.
pub struct PasswordSignIn {
    pub user: SignedIn,
    pub claims: Map<String, Value>,
}

impl SignIn {
    /// Signs `username` in with the provider's password grant (RFC 6749, 4.3), where its
    /// discovery document says it allows it; the ID token passes the same checks as a bearer
    /// token (signature, issuer, audience, expiry).
    pub async fn with_password(
        &self,
        tokens: &TokenVerifier,
        username: &str,
        password: &str,
    ) -> Result<PasswordSignIn, PasswordSignInError> {
        use PasswordSignInError::{NotAllowed, Provider, Refused};
        let documents = self
            .provider
            .documents()
            .await
            .map_err(|e| Provider(e.to_string()))?;
        let metadata = &documents.metadata;
        let allowed = metadata
            .grant_types_supported
            .as_ref()
            .is_some_and(|grants| grants.iter().any(|g| g == "password"));
        let (true, Some(token_endpoint)) = (allowed, &metadata.token_endpoint) else {
            return Err(NotAllowed(format!(
                "The identity provider at {} takes passwords only on its own sign-in page: sign \
                 in to the portal there (/auth/login), and send the provider's access tokens to \
                 the API as 'Authorization: Bearer <token>'",
                self.provider.issuer()
            )));
        };
        let scope = self.scopes.join(" ");
        let mut form = vec![
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
            ("scope", scope.as_str()),
        ];
        let mut request = self.http.get().post(token_endpoint);
        match &self.client_secret {
            Some(secret) => request = request.basic_auth(&self.client_id, Some(secret)),
            None => form.push(("client_id", self.client_id.as_str())),
        }
        let response = request.form(&form).send().await.map_err(|e| {
            Provider(format!(
                "the identity provider cannot be reached: {}",
                super::provider::error_chain(&e)
            ))
        })?;
        match response.status() {
            status if status.is_success() => {}
            reqwest::StatusCode::BAD_REQUEST | reqwest::StatusCode::UNAUTHORIZED => {
                return Err(Refused)
            }
            status => {
                return Err(Provider(format!(
                    "the identity provider answered the sign-in with {status}"
                )))
            }
        }
        #[derive(Deserialize)]
        struct Answer {
            id_token: Option<String>,
        }
        let answer: Answer = response
            .json()
            .await
            .map_err(|e| Provider(format!("the identity provider's answer is unreadable: {e}")))?;
        let id_token = answer
            .id_token
            .ok_or_else(|| Provider("the identity provider sent no ID token".into()))?;
        let principal = tokens.verify(&id_token).await.map_err(|e| {
            Provider(format!(
                "the identity provider's ID token did not pass the checks: {e}"
            ))
        })?;
        let claims = id_token_claims(&id_token)
            .ok_or_else(|| Provider("the identity provider's ID token is unreadable".into()))?;
        let now = self.clock.now().unix_timestamp();
        Ok(PasswordSignIn {
            user: SignedIn {
                subject: principal.subject,
                name: principal.name,
                groups: principal.groups,
                signed_in_at: now,
                last_seen: now,
                id_token,
                second_factor_given: false,
            },
            claims,
        })
    }
}
