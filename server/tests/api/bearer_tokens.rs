//! Bearer tokens on the REST API with `AUTH_ENABLED=true`, against a provider on loopback
//! (discovery and keys over HTTP): who gets in, who is told 401 or 403, and what the
//! `WWW-Authenticate` challenge says.

use reqwest::header::WWW_AUTHENTICATE;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::identity_provider::{b64, SigningKey, TestProvider, CLIENT_ID};
use crate::on_both_backends;

on_both_backends!(
    operators_reach_what_their_role_allows,
    dfsp_operators_see_other_dfsps_as_absent,
);

async fn spawn_trusting(backend: Backend, provider: &TestProvider) -> TestApp {
    spawn_with(backend, &borrowed(&provider.settings())).await
}

impl TestApp {
    async fn get_with(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    async fn post_with(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }
}

/// Asserts a 401 with the challenge of RFC 6750 and returns the message.
async fn expect_unauthorized(response: Response, invalid_token: bool) -> String {
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_owned())
        .expect("a 401 carries WWW-Authenticate");
    assert!(
        challenge.starts_with("Bearer realm=\"Connection Manager\""),
        "{challenge}"
    );
    assert_eq!(
        challenge.contains("error=\"invalid_token\""),
        invalid_token,
        "{challenge}"
    );
    expect_error(response, StatusCode::UNAUTHORIZED, "UnauthorizedError").await
}

async fn operators_reach_what_their_role_allows(backend: Backend) {
    let provider = TestProvider::start().await;
    let app = spawn_trusting(backend, &provider).await;
    let hub = provider.hub_operator();

    let created = app
        .post_with("/api/environments", &hub, &json!({"name": "DEV"}))
        .await;
    let env = expect_json(created, StatusCode::OK).await["id"].clone();
    let listed = expect_json(
        app.get_with("/api/environments", &hub).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed[0]["name"], "DEV");

    // ES256 tokens are as good as RS256 ones.
    let ec_token = provider
        .ec
        .sign(&provider.claims("hub-admin", &["Application/PTA"]));
    expect_json(
        app.get_with("/api/environments", &ec_token).await,
        StatusCode::OK,
    )
    .await;

    // A DFSP operator reads, but may not create environments.
    let dfsp = provider.dfsp_operator("DFSP1");
    expect_json(
        app.get_with("/api/environments", &dfsp).await,
        StatusCode::OK,
    )
    .await;
    let refused = app
        .post_with("/api/environments", &dfsp, &json!({"name": "MINE"}))
        .await;
    expect_error(refused, StatusCode::FORBIDDEN, "ForbiddenError").await;

    // A valid token without any of the configured groups: known, but no role.
    let nobody = provider.token("guest", &["Application/Other"]);
    let refused = app.get_with("/api/environments", &nobody).await;
    let message = expect_error(refused, StatusCode::FORBIDDEN, "ForbiddenError").await;
    assert_eq!(message, "Your account has no Connection Manager role");

    // Without a token: 401 everywhere but the health check.
    for path in [
        "/api/environments".to_string(),
        format!("/api/environments/{env}"),
        "/api/monetaryzones".into(),
    ] {
        let message = expect_unauthorized(app.get(&path).await, false).await;
        assert!(message.starts_with("Sign in first"), "{path}: {message}");
    }
    let refused = app
        .post_json("/api/environments", &json!({"name": "X"}))
        .await;
    expect_unauthorized(refused, false).await;
    expect_json(app.get("/api/health").await, StatusCode::OK).await;
    assert_eq!(app.db.count("environments").await, 1);

    // The API document says so: a bearer token everywhere but on the health check.
    let spec = expect_json(app.get("/api-docs").await, StatusCode::OK).await;
    assert_eq!(spec["security"], json!([{"bearerToken": []}]));
    assert_eq!(
        spec["components"]["securitySchemes"]["bearerToken"]["scheme"],
        "bearer"
    );
    assert_eq!(spec["paths"]["/api/health"]["get"]["security"], json!([{}]));
    assert!(spec["paths"]["/api/environments"]["get"]["responses"]["401"].is_object());
}

async fn dfsp_operators_see_other_dfsps_as_absent(backend: Backend) {
    let provider = TestProvider::start().await;
    let app = spawn_trusting(backend, &provider).await;
    let hub = provider.hub_operator();
    let env = expect_json(
        app.post_with("/api/environments", &hub, &json!({"name": "DEV"}))
            .await,
        StatusCode::OK,
    )
    .await["id"]
        .clone();
    for dfsp in ["DFSP1", "DFSP2"] {
        let created = app
            .post_with(
                &format!("/api/environments/{env}/dfsps"),
                &hub,
                &json!({"dfspId": dfsp, "name": dfsp}),
            )
            .await;
        expect_json(created, StatusCode::OK).await;
    }

    let own = provider.dfsp_operator("DFSP1");
    let endpoints = expect_json(
        app.get_with(
            &format!("/api/environments/{env}/dfsps/DFSP1/endpoints"),
            &own,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(endpoints, json!([]));
    let other = app
        .get_with(
            &format!("/api/environments/{env}/dfsps/DFSP2/endpoints"),
            &own,
        )
        .await;
    expect_error(other, StatusCode::NOT_FOUND, "NotFoundError").await;
    // The DFSP records themselves are shared, as in the list every participant reads.
    let record = expect_json(
        app.get_with(&format!("/api/environments/{env}/dfsps/DFSP2"), &own)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(record["securityGroup"], "Application/DFSP:DFSP2");
    // Another DFSP's operator is as unknown to DFSP1's resources.
    let foreign = provider.dfsp_operator("DFSP2");
    let refused = app
        .get_with(&format!("/api/environments/{env}/dfsps/DFSP1/ca"), &foreign)
        .await;
    expect_error(refused, StatusCode::NOT_FOUND, "NotFoundError").await;

    // Nor are another DFSP's items reached through one's own DFSP by their ids.
    let dfsp2 = format!("/api/environments/{env}/dfsps/DFSP2");
    let endpoint = expect_json(
        app.post_with(
            &format!("{dfsp2}/endpoints/ingress/ips"),
            &hub,
            &json!({"value": {"address": "10.2.0.1", "ports": ["443"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await["id"]
        .clone();
    let key = crate::certs::rsa(2048);
    let csr = crate::certs::csr(&key, &[("CN", "dfsp2.example.com"), ("O", "DFSP2")], &[]);
    let enrollment = expect_json(
        app.post_with(
            &format!("{dfsp2}/enrollments/inbound"),
            &hub,
            &json!({"clientCSR": csr}),
        )
        .await,
        StatusCode::OK,
    )
    .await["id"]
        .clone();
    let dfsp1 = format!("/api/environments/{env}/dfsps/DFSP1");
    for path in [
        format!("{dfsp1}/endpoints/{endpoint}"),
        format!("{dfsp1}/endpoints/ingress/ips/{endpoint}"),
        format!("{dfsp1}/enrollments/inbound/{enrollment}"),
    ] {
        let response = app.get_with(&path, &own).await;
        expect_error(response, StatusCode::NOT_FOUND, "NotFoundError").await;
    }
    let deleted = app
        .client
        .delete(app.url(&format!("{dfsp1}/endpoints/{endpoint}")))
        .bearer_auth(&own)
        .send()
        .await
        .unwrap();
    expect_error(deleted, StatusCode::NOT_FOUND, "NotFoundError").await;
    let changed = app
        .client
        .put(app.url(&format!("{dfsp1}/endpoints/{endpoint}")))
        .bearer_auth(&own)
        .json(&json!({"value": {"address": "10.9.9.9", "ports": ["443"]}}))
        .send()
        .await
        .unwrap();
    expect_error(changed, StatusCode::NOT_FOUND, "NotFoundError").await;
    // Still there, unchanged, for whoever may see it.
    let kept = expect_json(
        app.get_with(&format!("{dfsp2}/endpoints/{endpoint}"), &hub)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept["value"]["address"], "10.2.0.1");
}

#[tokio::test]
async fn forged_and_unfit_tokens_are_refused_with_a_reason() {
    let provider = TestProvider::start().await;
    let app = spawn_trusting(Backend::Sqlite, &provider).await;
    let now = FIXED_NOW.unix_timestamp();
    let claims = provider.claims("hub-admin", &["Application/PTA"]);
    let with = |changes: Value| {
        let mut claims = claims.clone();
        for (name, value) in changes.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        claims
    };
    let payload = b64(claims.to_string().as_bytes());
    let stranger = SigningKey::rsa("rsa-1");
    // The provider's RSA public key, as a forger would use it for an HMAC "key".
    let public_n = provider.rsa.jwk()["n"].as_str().unwrap().to_owned();
    let hmac_header = b64(br#"{"alg":"HS256","typ":"JWT","kid":"rsa-1"}"#);
    let hmac_signature = {
        use openssl::hash::MessageDigest;
        use openssl::pkey::PKey;
        use openssl::sign::Signer;
        let key = PKey::hmac(public_n.as_bytes()).unwrap();
        let mut signer = Signer::new(MessageDigest::sha256(), &key).unwrap();
        signer
            .update(format!("{hmac_header}.{payload}").as_bytes())
            .unwrap();
        b64(&signer.sign_to_vec().unwrap())
    };

    let audience_error = format!("does not include '{CLIENT_ID}'");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "alg none",
            format!("{}.{payload}.", b64(br#"{"alg":"none","typ":"JWT"}"#)),
            "not a JWT signed with RS256 or ES256",
        ),
        (
            "HMAC with the public key",
            format!("{hmac_header}.{payload}.{hmac_signature}"),
            "signed with HS256",
        ),
        (
            "another key under the provider's key id",
            stranger.sign(&claims),
            "signature does not verify",
        ),
        (
            "a tampered payload",
            {
                let token = provider.rsa.sign(&claims);
                let parts: Vec<&str> = token.split('.').collect();
                let tampered = with(json!({"groups": ["Application/PTA", "x"]}));
                format!(
                    "{}.{}.{}",
                    parts[0],
                    b64(tampered.to_string().as_bytes()),
                    parts[2]
                )
            },
            "signature does not verify",
        ),
        (
            "an RS256 header with the EC key's id",
            provider
                .rsa
                .sign_with_header(&json!({"alg": "RS256", "kid": provider.ec.kid}), &claims),
            "no RS256 key with the id 'ec-1'",
        ),
        (
            "an unknown key id",
            provider
                .rsa
                .sign_with_header(&json!({"alg": "RS256", "kid": "rotated-away"}), &claims),
            "signing key is unknown",
        ),
        (
            "expired",
            provider.rsa.sign(&with(json!({"exp": now - 31}))),
            "The token expired at",
        ),
        (
            "not yet valid",
            provider.rsa.sign(&with(json!({"nbf": now + 31}))),
            "not valid before",
        ),
        (
            "another issuer",
            provider
                .rsa
                .sign(&with(json!({"iss": "https://evil.example.com"}))),
            "not issued by the identity provider",
        ),
        (
            "another audience",
            provider
                .rsa
                .sign(&with(json!({"aud": ["other-app", "account"]}))),
            &audience_error,
        ),
        (
            "no expiry",
            provider.rsa.sign(&with(json!({"exp": null}))),
            "no 'exp' claim",
        ),
        (
            "no subject",
            provider.rsa.sign(&with(json!({"sub": null}))),
            "no 'sub' claim",
        ),
        (
            "groups that are no list",
            provider.rsa.sign(&with(json!({"groups": {"pta": true}}))),
            "not a list of group names",
        ),
        ("not a JWT", "not-a-token".into(), "not a JWT"),
    ];
    for (case, token, expected) in cases {
        let response = app.get_with("/api/environments", &token).await;
        let message = expect_unauthorized(response, true).await;
        assert!(message.contains(expected), "{case}: {message}");
    }

    // Small clock differences are tolerated.
    let lenient = provider
        .rsa
        .sign(&with(json!({"exp": now - 20, "nbf": now + 20})));
    expect_json(
        app.get_with("/api/environments", &lenient).await,
        StatusCode::OK,
    )
    .await;

    // Other schemes are not credentials here.
    let basic = app
        .client
        .get(app.url("/api/environments"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    let message = expect_unauthorized(basic, true).await;
    assert!(message.contains("'Bearer <token>'"), "{message}");
}

#[tokio::test]
async fn rotated_keys_are_fetched_again_but_not_for_every_unknown_key_id() {
    use std::sync::atomic::Ordering;
    let provider = TestProvider::start().await;
    let app = spawn_trusting(Backend::Sqlite, &provider).await;
    let claims = provider.claims("hub-admin", &["Application/PTA"]);
    expect_json(
        app.get_with("/api/environments", &provider.rsa.sign(&claims))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(provider.key_fetches.load(Ordering::SeqCst), 1);

    // The provider rotates to a new key.
    let rotated = SigningKey::rsa("rsa-2");
    provider.published.lock().unwrap().push(rotated.jwk());
    let token = rotated.sign(&claims);
    // Right after a fetch, an unknown key id does not make the server ask again...
    expect_unauthorized(app.get_with("/api/environments", &token).await, true).await;
    assert_eq!(provider.key_fetches.load(Ordering::SeqCst), 1);
    // ...but a little later it does, once, and then knows the key.
    app.clock.advance(time::Duration::seconds(11));
    for _ in 0..3 {
        expect_json(
            app.get_with("/api/environments", &token).await,
            StatusCode::OK,
        )
        .await;
    }
    assert_eq!(provider.key_fetches.load(Ordering::SeqCst), 2);

    // A key the provider withdraws stops working once the cached set is old.
    provider
        .published
        .lock()
        .unwrap()
        .retain(|key| key["kid"] != "rsa-1");
    app.clock.advance(time::Duration::minutes(11));
    let token = provider
        .rsa
        .sign(&provider.claims("hub-admin", &["Application/PTA"]));
    let message = expect_unauthorized(app.get_with("/api/environments", &token).await, true).await;
    assert!(message.contains("signing key is unknown"), "{message}");
}

#[tokio::test]
async fn an_unreachable_or_mismatched_provider_is_a_503_not_a_401() {
    // The server starts although nothing answers at the issuer.
    let issuer = format!("http://127.0.0.1:{}/realms/hub", free_port());
    let app = spawn_with(
        Backend::Sqlite,
        &[
            ("AUTH_ENABLED", "true"),
            ("OAUTH2_ISSUER", issuer.as_str()),
            ("APP_OAUTH_CLIENT_KEY", CLIENT_ID),
        ],
    )
    .await;
    let token = SigningKey::rsa("rsa-1").sign(&json!({"sub": "x"}));
    let response = app.get_with("/api/environments", &token).await;
    let message = expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;
    assert!(
        message.starts_with("Tokens cannot be checked now: the identity provider at"),
        "{message}"
    );
    expect_json(app.get("/api/health").await, StatusCode::OK).await;

    // A discovery document that names another issuer is not trusted.
    let impostor = TestProvider::start_naming_issuer(Some("https://idp.example.com")).await;
    let app = spawn_trusting(Backend::Sqlite, &impostor).await;
    let response = app
        .get_with("/api/environments", &impostor.hub_operator())
        .await;
    let message = expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;
    assert!(
        message.contains("names the issuer 'https://idp.example.com'"),
        "{message}"
    );
}

#[tokio::test]
async fn a_provider_behind_a_private_ca_is_trusted_through_the_extra_certificate_files() {
    use openssl::nid::Nid;
    let ca = crate::certs::ca("Identity Provider Private CA", None, None);
    let key = crate::certs::ec(Nid::X9_62_PRIME256V1);
    let certificate = crate::certs::tls("localhost", &key, &ca, "serverAuth");
    let key_pem = String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    let provider = TestProvider::start_over_tls(&certificate, &key_pem).await;
    assert!(provider.issuer.starts_with("https://localhost:"));

    // Not trusted by the system: the provider cannot be used.
    let untrusting = spawn_trusting(Backend::Sqlite, &provider).await;
    let refused = untrusting
        .get_with("/api/environments", &provider.hub_operator())
        .await;
    expect_error(
        refused,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;

    // With the CA in EXTRA_ROOT_CERT_FILE_NAME, it can.
    let directory = std::env::temp_dir().join(format!("cm-extra-ca-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&directory).unwrap();
    let ca_file = directory.join("idp-ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let mut settings = provider.settings();
    settings.push((
        "EXTRA_ROOT_CERT_FILE_NAME",
        ca_file.to_string_lossy().into_owned(),
    ));
    let trusting = spawn_with(Backend::Sqlite, &borrowed(&settings)).await;
    let listed = trusting
        .get_with("/api/environments", &provider.hub_operator())
        .await;
    expect_json(listed, StatusCode::OK).await;

    // A file that holds no certificate stops the start, naming the file.
    let empty = directory.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let mut broken = provider.settings();
    broken.push((
        "EXTRA_CERTIFICATE_CHAIN_FILE_NAME",
        empty.to_string_lossy().into_owned(),
    ));
    match try_spawn_on(TestDatabase::new(Backend::Sqlite), &borrowed(&broken)).await {
        Err((error, _)) => assert!(error.to_string().contains("empty.pem"), "{error}"),
        Ok(_) => panic!("started with an extra certificate file that holds none"),
    }
    std::fs::remove_dir_all(&directory).unwrap();
}

#[tokio::test]
async fn the_discovery_document_is_asked_for_again_hourly_and_kept_while_the_provider_is_down() {
    use std::sync::atomic::Ordering;
    let provider = TestProvider::start().await;
    let app = spawn_trusting(Backend::Sqlite, &provider).await;
    let mut claims = provider.claims("hub-admin", &["Application/PTA"]);
    claims["exp"] = json!(FIXED_NOW.unix_timestamp() + 6 * 3600);
    let token = provider.rsa.sign(&claims);

    expect_json(
        app.get_with("/api/environments", &token).await,
        StatusCode::OK,
    )
    .await;
    // The keys are fetched again after 10 minutes, the document not yet.
    app.clock.advance(time::Duration::minutes(50));
    expect_json(
        app.get_with("/api/environments", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(provider.discovery_fetches.load(Ordering::SeqCst), 1);
    app.clock.advance(time::Duration::minutes(15));
    expect_json(
        app.get_with("/api/environments", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        provider.discovery_fetches.load(Ordering::SeqCst),
        2,
        "fetched again after an hour"
    );

    // The provider goes away: what was fetched keeps serving.
    drop(provider);
    app.clock.advance(time::Duration::hours(2));
    expect_json(
        app.get_with("/api/environments", &token).await,
        StatusCode::OK,
    )
    .await;
}
