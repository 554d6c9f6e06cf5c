//! A small identity provider on loopback for the bearer-token tests: OpenID Connect discovery
//! and a key set (JWKS) over real HTTP, and tokens signed with OpenSSL (not with the crate the
//! server verifies with), RS256 and ES256.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openssl::bn::BigNumContext;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use serde_json::{json, Value};

use crate::helpers::FIXED_NOW;

/// This application's client id at the test provider.
pub const CLIENT_ID: &str = "connection-manager";

#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    key: PKey<Private>,
}

impl SigningKey {
    pub fn rsa(kid: &str) -> SigningKey {
        SigningKey {
            kid: kid.into(),
            key: PKey::from_rsa(Rsa::generate(2048).expect("RSA key")).expect("key"),
        }
    }

    pub fn p256(kid: &str) -> SigningKey {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
        SigningKey {
            kid: kid.into(),
            key: PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("key"),
        }
    }

    fn is_rsa(&self) -> bool {
        self.key.rsa().is_ok()
    }

    /// The public half, as a JWK.
    pub fn jwk(&self) -> Value {
        if let Ok(rsa) = self.key.rsa() {
            json!({
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": b64(&rsa.n().to_vec()), "e": b64(&rsa.e().to_vec()),
            })
        } else {
            let ec = self.key.ec_key().expect("an EC key");
            let mut ctx = BigNumContext::new().expect("bn context");
            let (mut x, mut y) = (
                openssl::bn::BigNum::new().unwrap(),
                openssl::bn::BigNum::new().unwrap(),
            );
            ec.public_key()
                .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
                .expect("coordinates");
            json!({
                "kty": "EC", "use": "sig", "alg": "ES256", "kid": self.kid, "crv": "P-256",
                "x": b64(&x.to_vec_padded(32).unwrap()), "y": b64(&y.to_vec_padded(32).unwrap()),
            })
        }
    }

    /// A JWT over `claims`, signed as the header says (`alg`, `kid` filled in unless given).
    pub fn sign(&self, claims: &Value) -> String {
        let alg = if self.is_rsa() { "RS256" } else { "ES256" };
        self.sign_with_header(&json!({"alg": alg, "typ": "JWT", "kid": self.kid}), claims)
    }

    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        let message = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let mut signer = Signer::new(MessageDigest::sha256(), &self.key).expect("signer");
        signer.update(message.as_bytes()).expect("sign");
        let der = signer.sign_to_vec().expect("signature");
        let signature = if self.is_rsa() {
            der
        } else {
            // JWS wants r || s, 32 bytes each (RFC 7518, 3.4), not OpenSSL's DER.
            let sig = EcdsaSig::from_der(&der).expect("ECDSA signature");
            [
                sig.r().to_vec_padded(32).unwrap(),
                sig.s().to_vec_padded(32).unwrap(),
            ]
            .concat()
        };
        format!("{message}.{}", b64(&signature))
    }
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The provider, serving on loopback until dropped.
pub struct TestProvider {
    pub issuer: String,
    pub rsa: SigningKey,
    pub ec: SigningKey,
    /// The keys the provider publishes; tests change it to rotate keys.
    pub published: Arc<Mutex<Vec<Value>>>,
    /// How often the key set was fetched.
    pub key_fetches: Arc<AtomicUsize>,
    /// How often the discovery document was fetched.
    pub discovery_fetches: Arc<AtomicUsize>,
    /// The key that signs the ID tokens of the token endpoint (see [`TestProvider::rotate_to`]).
    signer: Arc<Mutex<SigningKey>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestProvider {
    pub async fn start() -> TestProvider {
        Self::start_naming_issuer(None).await
    }

    /// A provider whose discovery document names `issuer` instead of its own URL.
    pub async fn start_naming_issuer(issuer: Option<&str>) -> TestProvider {
        Self::start_with(issuer, None).await
    }

    /// A provider at `https://localhost:<port>`, whose certificate (for `localhost`) `identity`
    /// holds: PEM certificate and PKCS#8 key.
    pub async fn start_over_tls(certificate: &str, key: &str) -> TestProvider {
        let identity = native_tls::Identity::from_pkcs8(certificate.as_bytes(), key.as_bytes())
            .expect("a TLS identity");
        let acceptor = native_tls::TlsAcceptor::new(identity).expect("a TLS acceptor");
        Self::start_with(None, Some(tokio_native_tls::TlsAcceptor::from(acceptor))).await
    }

    async fn start_with(
        issuer: Option<&str>,
        tls: Option<tokio_native_tls::TlsAcceptor>,
    ) -> TestProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = match &tls {
            Some(_) => format!(
                "https://localhost:{}",
                listener.local_addr().unwrap().port()
            ),
            None => format!("http://{}", listener.local_addr().unwrap()),
        };
        let own_issuer = format!("{base}/realms/hub");
        let named_issuer = issuer.map(str::to_owned).unwrap_or(own_issuer.clone());
        let rsa = SigningKey::rsa("rsa-1");
        let ec = SigningKey::p256("ec-1");
        let published = Arc::new(Mutex::new(vec![rsa.jwk(), ec.jwk()]));
        let key_fetches = Arc::new(AtomicUsize::new(0));
        let discovery_fetches = Arc::new(AtomicUsize::new(0));

        let discovery = json!({
            "issuer": named_issuer,
            "jwks_uri": format!("{own_issuer}/keys"),
            "authorization_endpoint": format!("{own_issuer}/auth"),
            "token_endpoint": format!("{own_issuer}/token"),
            // As WSO2 and Keycloak may: MCM's login operation uses it.
            "grant_types_supported": ["authorization_code", "password"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        });
        let keys_route = {
            let published = published.clone();
            let key_fetches = key_fetches.clone();
            move || {
                let published = published.clone();
                key_fetches.fetch_add(1, Ordering::SeqCst);
                async move { Json(json!({"keys": *published.lock().unwrap()})) }
            }
        };
        let signer = Arc::new(Mutex::new(rsa.clone()));
        // Codes handed out by the authorization endpoint, with the nonce of their sign-in.
        let codes: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let token_route = {
            let (signer, codes, issuer) = (signer.clone(), codes.clone(), own_issuer.clone());
            move |headers: axum::http::HeaderMap,
                  axum::Form(form): axum::Form<HashMap<String, String>>| {
                let key = signer.lock().unwrap().clone();
                let response = match form.get("code") {
                    Some(code) => {
                        let nonce = codes.lock().unwrap().remove(code);
                        code_grant(&key, &issuer, &headers, nonce)
                    }
                    None => password_grant(&key, &issuer, &headers, &form),
                };
                async move { response }
            }
        };
        // The authorization endpoint signs the Hub operator in at once (no form).
        let authorize_route = {
            let codes = codes.clone();
            move |axum::extract::Query(query): axum::extract::Query<HashMap<String, String>>| {
                let code = uuid::Uuid::new_v4().to_string();
                codes.lock().unwrap().insert(
                    code.clone(),
                    query.get("nonce").cloned().unwrap_or_default(),
                );
                let mut back = url::Url::parse(&query["redirect_uri"]).expect("a redirect URI");
                back.query_pairs_mut()
                    .append_pair("code", &code)
                    .append_pair("state", query.get("state").map_or("", String::as_str));
                async move { axum::response::Redirect::to(back.as_str()) }
            }
        };
        let app = Router::new()
            .route(
                "/realms/hub/.well-known/openid-configuration",
                get({
                    let discovery_fetches = discovery_fetches.clone();
                    move || {
                        let discovery = discovery.clone();
                        discovery_fetches.fetch_add(1, Ordering::SeqCst);
                        async move { Json(discovery) }
                    }
                }),
            )
            .route("/realms/hub/keys", get(keys_route))
            .route("/realms/hub/token", axum::routing::post(token_route))
            .route("/realms/hub/auth", get(authorize_route));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        crate::helpers::run_beside_servers(async move {
            let stopped = async move {
                let _ = stopped.await;
            };
            let _ = match tls {
                Some(acceptor) => {
                    axum::serve(TlsListener { listener, acceptor }, app)
                        .with_graceful_shutdown(stopped)
                        .await
                }
                None => {
                    axum::serve(listener, app)
                        .with_graceful_shutdown(stopped)
                        .await
                }
            };
        });
        TestProvider {
            issuer: own_issuer,
            rsa,
            ec,
            published,
            key_fetches,
            discovery_fetches,
            signer,
            _stop: stop,
        }
    }

    /// Publishes `key` beside the others and signs ID tokens with it from now on, as a provider
    /// rotating its keys does.
    pub fn rotate_to(&self, key: SigningKey) {
        self.published.lock().unwrap().push(key.jwk());
        *self.signer.lock().unwrap() = key;
    }

    /// The server settings that trust this provider.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AUTH_ENABLED", "true".into()),
            ("OAUTH2_ISSUER", self.issuer.clone()),
            ("APP_OAUTH_CLIENT_KEY", CLIENT_ID.into()),
            ("APP_OAUTH_CLIENT_SECRET", "test-secret".into()),
        ]
    }

    /// The claims of a valid access token for `subject` with `groups`, valid for an hour from
    /// the test servers' fixed clock.
    pub fn claims(&self, subject: &str, groups: &[&str]) -> Value {
        let now = FIXED_NOW.unix_timestamp();
        json!({
            "iss": self.issuer, "aud": CLIENT_ID, "sub": subject, "groups": groups,
            "iat": now, "nbf": now, "exp": now + 3600,
        })
    }

    /// A valid RS256 token for `subject` with `groups`.
    pub fn token(&self, subject: &str, groups: &[&str]) -> String {
        self.rsa.sign(&self.claims(subject, groups))
    }

    pub fn hub_operator(&self) -> String {
        self.token("hub-admin", &["Application/PTA"])
    }

    pub fn dfsp_operator(&self, dfsp: &str) -> String {
        self.token(
            &format!("{}-admin", dfsp.to_lowercase()),
            &[
                "Application/MTA",
                &format!("Application/DFSP:{dfsp}"),
                "Internal/everyone",
            ],
        )
    }
}

/// The client's credentials, as `settings` gives them, in HTTP Basic; `None` when they match.
fn refused_client(headers: &axum::http::HeaderMap) -> Option<axum::response::Response> {
    use axum::response::IntoResponse;
    let client = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:test-secret"))
    );
    (headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(client.as_str())).then(
        || {
            (
                axum::http::StatusCode::UNAUTHORIZED,
                Json(json!({"error": "invalid_client"})),
            )
                .into_response()
        },
    )
}

/// The authorization code grant (RFC 6749, 4.1) for a code of the authorization endpoint,
/// whose sign-in had `nonce`: the Hub operator `hub`, for an hour from the servers' fixed clock.
fn code_grant(
    key: &SigningKey,
    issuer: &str,
    headers: &axum::http::HeaderMap,
    nonce: Option<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if let Some(refused) = refused_client(headers) {
        return refused;
    }
    let Some(nonce) = nonce else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let now = FIXED_NOW.unix_timestamp();
    let id_token = key.sign(&json!({
        "iss": issuer, "aud": CLIENT_ID, "sub": "hub", "name": "Hana Hub",
        "groups": ["Application/PTA"], "nonce": nonce, "iat": now, "exp": now + 3600,
    }));
    Json(json!({
        "access_token": id_token, "id_token": id_token, "token_type": "Bearer", "expires_in": 3600,
    }))
    .into_response()
}

/// The password grant (RFC 6749, 4.3) for the client `CLIENT_ID` with the secret `settings`
/// gives: `hub` / `hub-password` is a Hub operator, `dfsp1` / `dfsp1-password` DFSP1's
/// operator. The ID token is valid for an hour from the servers' fixed clock.
fn password_grant(
    key: &SigningKey,
    issuer: &str,
    headers: &axum::http::HeaderMap,
    form: &HashMap<String, String>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    if let Some(refused) = refused_client(headers) {
        return refused;
    }
    let field = |name: &str| form.get(name).map(String::as_str);
    let groups: &[&str] = match (field("grant_type"), field("username"), field("password")) {
        (Some("password"), Some("hub"), Some("hub-password")) => &["Application/PTA"],
        (Some("password"), Some("dfsp1"), Some("dfsp1-password")) => &[
            "Application/MTA",
            "Application/DFSP:DFSP1",
            "Internal/everyone",
        ],
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant"})),
            )
                .into_response()
        }
    };
    let username = field("username").unwrap_or_default();
    let now = FIXED_NOW.unix_timestamp();
    let id_token = key.sign(&json!({
        "iss": issuer, "aud": CLIENT_ID, "sub": username, "name": format!("User {username}"),
        "groups": groups, "iat": now, "exp": now + 3600,
    }));
    Json(json!({"access_token": id_token, "id_token": id_token, "token_type": "Bearer"}))
        .into_response()
}

/// Connections over TLS, for the provider behind a certificate of the test's own CA.
struct TlsListener {
    listener: tokio::net::TcpListener,
    acceptor: tokio_native_tls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_native_tls::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, address)) = self.listener.accept().await else {
                continue;
            };
            // A client that does not trust the certificate gives up here; wait for the next.
            if let Ok(stream) = self.acceptor.accept(stream).await {
                return (stream, address);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}
