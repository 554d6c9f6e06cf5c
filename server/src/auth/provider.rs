//! The identity provider as this server sees it: its discovery document
//! (`{issuer}/.well-known/openid-configuration`) and the keys it signs tokens with (its
//! `jwks_uri`), fetched over HTTP and cached.
//!
//! The server starts even when the provider is down; every use retries, at most once per
//! `RETRY_AFTER`, so a provider that comes up later is found without a restart and one that
//! stays down is not hammered. Keys are fetched again when a token names a key we do not have
//! (the provider rotated its keys), at most once per `REFETCH_AFTER` so that tokens with made-up
//! key ids cannot make us flood the provider, and when they are older than `KEYS_MAX_AGE` so
//! that a key the provider withdrew stops being accepted.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use domain::clock::Clock;
use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::http_client::LazyClient;

const RETRY_AFTER: time::Duration = time::Duration::seconds(10);
const REFETCH_AFTER: time::Duration = time::Duration::seconds(10);
const KEYS_MAX_AGE: time::Duration = time::Duration::minutes(10);
/// The discovery document is asked for again after this long (providers move endpoints rarely,
/// but a long-running server should follow them); the old one serves while that fails.
const DISCOVERY_MAX_AGE: time::Duration = time::Duration::hours(1);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// What discovery tells about the provider (the parts this server uses).
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    #[serde(default)]
    pub token_endpoint: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub grant_types_supported: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("the identity provider at {issuer} cannot be reached: {message}")]
    Unreachable { issuer: String, message: String },
    #[error("the identity provider at {issuer} answered with an unusable {what}: {message}")]
    Invalid {
        issuer: String,
        what: &'static str,
        message: String,
    },
}

/// Why no key verifies a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("{0}")]
    NoSuchKey(String),
}

pub struct IdentityProvider {
    issuer: String,
    http: LazyClient,
    /// The services' clock, so that tests can move past the waits.
    clock: Arc<dyn Clock>,
    cache: RwLock<Cache>,
    /// One fetch of each at a time: the requests that wait for it then read what it brought.
    discovering: tokio::sync::Mutex<()>,
    fetching_keys: tokio::sync::Mutex<()>,
}

/// The discovery document and the key set as the provider served them, for the sign-in
/// (`openidconnect` reads its own types from them).
pub struct Documents {
    pub metadata: Arc<ProviderMetadata>,
    pub discovery: Arc<serde_json::Value>,
    pub keys: serde_json::Value,
}

struct Discovered {
    metadata: Arc<ProviderMetadata>,
    raw: Arc<serde_json::Value>,
}

struct KeySet {
    set: JwkSet,
    raw: serde_json::Value,
}

#[derive(Default)]
struct Cache {
    metadata: Option<(OffsetDateTime, Arc<Discovered>)>,
    metadata_failure: Option<(OffsetDateTime, ProviderError)>,
    keys: Option<(OffsetDateTime, Arc<KeySet>)>,
    keys_failure: Option<(OffsetDateTime, ProviderError)>,
}

impl IdentityProvider {
    /// `issuer`: the provider's issuer URL, without a trailing slash.
    /// `extra_trusted`: CA certificates trusted beside the system's, for a provider whose
    /// certificate a private CA signed.
    pub fn new(
        issuer: impl Into<String>,
        clock: Arc<dyn Clock>,
        extra_trusted: Vec<reqwest::Certificate>,
    ) -> IdentityProvider {
        let http = LazyClient::new(move || {
            reqwest::Client::builder()
                .tls_certs_merge(extra_trusted.clone())
                .timeout(HTTP_TIMEOUT)
                .connect_timeout(HTTP_TIMEOUT)
                // Discovery and keys must come from where we asked, not from wherever a
                // redirect points.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client with timeouts and trusted certificates only")
        });
        IdentityProvider {
            issuer: issuer.into(),
            http,
            clock,
            cache: RwLock::new(Cache::default()),
            discovering: tokio::sync::Mutex::new(()),
            fetching_keys: tokio::sync::Mutex::new(()),
        }
    }

    /// The certificates of a PEM file (one or several `CERTIFICATE` blocks), to trust.
    pub fn trusted_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
        let certificates = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|error| format!("not PEM certificates: {error}"))?;
        if certificates.is_empty() {
            return Err("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
        }
        Ok(certificates)
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The HTTP client that talks to the provider (timeouts, no redirects followed).
    pub fn http_client(&self) -> LazyClient {
        self.http.clone()
    }

    /// What went wrong the last time the provider was asked, while it has not answered since.
    pub fn last_problem(&self) -> Option<String> {
        let cache = self.read();
        match (
            &cache.metadata,
            &cache.metadata_failure,
            &cache.keys_failure,
        ) {
            (None, Some((_, error)), _) => Some(error.to_string()),
            (Some(_), _, Some((_, error))) if cache.keys.is_none() => Some(error.to_string()),
            _ => None,
        }
    }

    /// The discovery document and the key set, fetched if need be.
    pub async fn documents(&self) -> Result<Documents, ProviderError> {
        let discovered = self.discovered().await?;
        let seen = self.read().keys.clone();
        let keys = match seen {
            Some((fetched, keys)) if self.age(fetched) < KEYS_MAX_AGE => keys,
            seen => self
                .refreshed_keys(seen.map(|(fetched, _)| fetched))
                .await
                .map_err(|error| match error {
                    KeyError::Provider(error) => error,
                    KeyError::NoSuchKey(message) => self.invalid("key set", message),
                })?,
        };
        Ok(Documents {
            metadata: discovered.metadata.clone(),
            discovery: discovered.raw.clone(),
            keys: keys.raw.clone(),
        })
    }

    /// How long ago `at` was.
    fn age(&self, at: OffsetDateTime) -> time::Duration {
        self.clock.now() - at
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Cache> {
        self.cache.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Cache> {
        self.cache.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The discovery document, fetched on first use (and again after a failure, once
    /// `RETRY_AFTER` has passed).
    pub async fn metadata(&self) -> Result<Arc<ProviderMetadata>, ProviderError> {
        Ok(self.discovered().await?.metadata.clone())
    }

    async fn discovered(&self) -> Result<Arc<Discovered>, ProviderError> {
        if let Some(metadata) = self.cached_metadata()? {
            return Ok(metadata);
        }
        let _discovering = self.discovering.lock().await;
        if let Some(metadata) = self.cached_metadata()? {
            return Ok(metadata);
        }
        match self.discover().await {
            Ok(metadata) => {
                let metadata = Arc::new(metadata);
                let mut cache = self.write();
                cache.metadata = Some((self.clock.now(), metadata.clone()));
                cache.metadata_failure = None;
                Ok(metadata)
            }
            Err(error) => {
                tracing::warn!("{error}");
                let mut cache = self.write();
                cache.metadata_failure = Some((self.clock.now(), error.clone()));
                // A document fetched before stays in use while the provider cannot be asked.
                match &cache.metadata {
                    Some((_, metadata)) => Ok(metadata.clone()),
                    None => Err(error),
                }
            }
        }
    }

    /// The cached document while it is fresh (or while a recent attempt to refresh it failed);
    /// the last failure while it is recent, when there is no document; `None` when it is time
    /// to (try to) fetch.
    fn cached_metadata(&self) -> Result<Option<Arc<Discovered>>, ProviderError> {
        let cache = self.read();
        let failed_lately = |failure: &Option<(OffsetDateTime, ProviderError)>| {
            failure
                .as_ref()
                .filter(|(at, _)| self.age(*at) < RETRY_AFTER)
                .map(|(_, error)| error.clone())
        };
        match &cache.metadata {
            Some((fetched, metadata))
                if self.age(*fetched) < DISCOVERY_MAX_AGE
                    || failed_lately(&cache.metadata_failure).is_some() =>
            {
                Ok(Some(metadata.clone()))
            }
            Some(_) => Ok(None),
            None => match failed_lately(&cache.metadata_failure) {
                Some(error) => Err(error),
                None => Ok(None),
            },
        }
    }

    async fn discover(&self) -> Result<Discovered, ProviderError> {
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let raw: serde_json::Value = self.get_json(&url, "discovery document").await?;
        let metadata: ProviderMetadata = serde_json::from_value(raw.clone())
            .map_err(|e| self.invalid("discovery document", format!("{url}: {e}")))?;
        // OpenID Connect Discovery 1.0, 4.3: the document must name the issuer we asked, or
        // someone else's tokens would pass as this provider's.
        if metadata.issuer.trim_end_matches('/') != self.issuer {
            return Err(self.invalid(
                "discovery document",
                format!(
                    "it names the issuer '{}', not '{}' (check OAUTH2_ISSUER)",
                    metadata.issuer, self.issuer
                ),
            ));
        }
        Ok(Discovered {
            metadata: Arc::new(metadata),
            raw: Arc::new(raw),
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        what: &'static str,
    ) -> Result<T, ProviderError> {
        let unreachable = |message: String| ProviderError::Unreachable {
            issuer: self.issuer.clone(),
            message,
        };
        let response = self
            .http
            .get()
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| unreachable(format!("GET {url}: {}", error_chain(&e))))?;
        let status = response.status();
        if !status.is_success() {
            return Err(unreachable(format!("GET {url} answered {status}")));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| unreachable(format!("GET {url}: {}", error_chain(&e))))?;
        serde_json::from_slice(&body).map_err(|e| self.invalid(what, format!("{url}: {e}")))
    }

    fn invalid(&self, what: &'static str, message: String) -> ProviderError {
        ProviderError::Invalid {
            issuer: self.issuer.clone(),
            what,
            message,
        }
    }

    /// The provider's key that verifies a token signed with `algorithm`, named `kid` in the
    /// token's header (a token without `kid` may use the provider's only suitable key).
    pub async fn verifying_key(
        &self,
        kid: Option<&str>,
        algorithm: Algorithm,
    ) -> Result<DecodingKey, KeyError> {
        let cached = self.read().keys.clone();
        if let Some((fetched, keys)) = &cached {
            let age = self.age(*fetched);
            match select_key(&keys.set, kid, algorithm) {
                Ok(key) if age < KEYS_MAX_AGE => return Ok(key),
                Err(error) if age < REFETCH_AFTER => return Err(error),
                _ => {}
            }
        }
        let keys = self
            .refreshed_keys(cached.map(|(fetched, _)| fetched))
            .await?;
        select_key(&keys.set, kid, algorithm)
    }

    /// The key set, fetched again unless another request did so since `seen` (the fetch time
    /// of the set the caller looked at). While the provider cannot be reached, the set we
    /// already have stays in use.
    async fn refreshed_keys(&self, seen: Option<OffsetDateTime>) -> Result<Arc<KeySet>, KeyError> {
        let _fetching = self.fetching_keys.lock().await;
        {
            let cache = self.read();
            let recent_failure = cache
                .keys_failure
                .as_ref()
                .filter(|(at, _)| self.age(*at) < RETRY_AFTER);
            match (&cache.keys, recent_failure) {
                (Some((fetched, keys)), _)
                    if Some(*fetched) != seen || self.age(*fetched) < REFETCH_AFTER =>
                {
                    return Ok(keys.clone())
                }
                (Some((_, keys)), Some(_)) => return Ok(keys.clone()),
                (None, Some((_, error))) => return Err(error.clone().into()),
                _ => {}
            }
        }
        let metadata = self.metadata().await?;
        let fetched = self
            .get_json::<serde_json::Value>(&metadata.jwks_uri, "key set")
            .await
            .and_then(|raw| {
                let set = serde_json::from_value(raw.clone())
                    .map_err(|e| self.invalid("key set", format!("{}: {e}", metadata.jwks_uri)))?;
                Ok(KeySet { set, raw })
            });
        match fetched {
            Ok(keys) => {
                let keys = Arc::new(keys);
                let mut cache = self.write();
                cache.keys = Some((self.clock.now(), keys.clone()));
                cache.keys_failure = None;
                Ok(keys)
            }
            Err(error) => {
                tracing::warn!("{error}");
                let mut cache = self.write();
                cache.keys_failure = Some((self.clock.now(), error.clone()));
                match &cache.keys {
                    Some((_, keys)) => Ok(keys.clone()),
                    None => Err(error.into()),
                }
            }
        }
    }
}

/// The one key of `keys` that may verify a token signed with `algorithm` and naming `kid`.
fn select_key(
    keys: &JwkSet,
    kid: Option<&str>,
    algorithm: Algorithm,
) -> Result<DecodingKey, KeyError> {
    let suitable: Vec<&Jwk> = keys
        .keys
        .iter()
        .filter(|key| kid.is_none_or(|kid| key.common.key_id.as_deref() == Some(kid)))
        .filter(|key| signs_with(key, algorithm))
        .collect();
    let key = match (suitable.as_slice(), kid) {
        ([key], _) => *key,
        ([], Some(kid)) => {
            return Err(KeyError::NoSuchKey(format!(
                "the identity provider publishes no {algorithm:?} key with the id '{kid}'"
            )))
        }
        ([], None) => {
            return Err(KeyError::NoSuchKey(format!(
                "the identity provider publishes no {algorithm:?} key"
            )))
        }
        (_, Some(kid)) => {
            return Err(KeyError::NoSuchKey(format!(
                "the identity provider publishes several keys with the id '{kid}'"
            )))
        }
        (_, None) => {
            return Err(KeyError::NoSuchKey(
                "the token names no key (kid) and the identity provider publishes several".into(),
            ))
        }
    };
    DecodingKey::from_jwk(key).map_err(|e| {
        KeyError::NoSuchKey(format!(
            "the identity provider's key '{}' cannot be read: {e}",
            key.common.key_id.as_deref().unwrap_or("(no id)")
        ))
    })
}

/// Whether `key` is meant for signatures with `algorithm`: its type and curve fit, and what it
/// declares (use, alg) does not say otherwise.
fn signs_with(key: &Jwk, algorithm: Algorithm) -> bool {
    let use_fits = matches!(
        key.common.public_key_use,
        None | Some(PublicKeyUse::Signature)
    );
    let declared_fits = matches!(
        (&key.common.key_algorithm, algorithm),
        (None, _)
            | (Some(KeyAlgorithm::RS256), Algorithm::RS256)
            | (Some(KeyAlgorithm::ES256), Algorithm::ES256)
    );
    let type_fits = match (&key.algorithm, algorithm) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        _ => false,
    };
    use_fits && declared_fits && type_fits
}

/// An error with its causes, which reqwest keeps apart ("error sending request" alone does not
/// tell a refused connection from a bad certificate).
pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_set(json: serde_json::Value) -> JwkSet {
        serde_json::from_value(json).expect("a key set")
    }

    const RSA_N: &str = "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw";

    fn rsa(kid: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut key = serde_json::json!({"kty": "RSA", "kid": kid, "n": RSA_N, "e": "AQAB"});
        key.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        key
    }

    fn ec(kid: &str, crv: &str) -> serde_json::Value {
        serde_json::json!({
            "kty": "EC", "kid": kid, "crv": crv,
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        })
    }

    #[test]
    fn keys_are_chosen_by_id_and_algorithm() {
        let keys = key_set(serde_json::json!({"keys": [
            rsa("r1", serde_json::json!({"use": "sig", "alg": "RS256"})),
            ec("e1", "P-256"),
        ]}));
        assert!(select_key(&keys, Some("r1"), Algorithm::RS256).is_ok());
        assert!(select_key(&keys, Some("e1"), Algorithm::ES256).is_ok());
        // The header's algorithm must fit the key: an RSA key is no ES256 key and vice versa.
        assert!(select_key(&keys, Some("r1"), Algorithm::ES256).is_err());
        assert!(select_key(&keys, Some("e1"), Algorithm::RS256).is_err());
        assert!(select_key(&keys, Some("other"), Algorithm::RS256).is_err());
        // Without kid, the only RSA key serves RS256.
        assert!(select_key(&keys, None, Algorithm::RS256).is_ok());
    }

    #[test]
    fn encryption_keys_other_curves_and_declared_algorithms_are_not_used_for_signatures() {
        let keys = key_set(serde_json::json!({"keys": [
            rsa("enc", serde_json::json!({"use": "enc"})),
            rsa("ps", serde_json::json!({"alg": "PS256"})),
            ec("p384", "P-384"),
        ]}));
        for (kid, alg) in [
            ("enc", Algorithm::RS256),
            ("ps", Algorithm::RS256),
            ("p384", Algorithm::ES256),
        ] {
            let error = select_key(&keys, Some(kid), alg).expect_err("refused");
            assert!(matches!(error, KeyError::NoSuchKey(_)), "{kid}: {error}");
        }
    }

    #[test]
    fn a_token_without_kid_needs_a_single_candidate() {
        let keys = key_set(serde_json::json!({"keys": [
            rsa("a", serde_json::json!({})),
            rsa("b", serde_json::json!({})),
        ]}));
        let error = select_key(&keys, None, Algorithm::RS256).expect_err("ambiguous");
        assert_eq!(
            error.to_string(),
            "the token names no key (kid) and the identity provider publishes several"
        );
    }
}
