//! Signing in to the portal through a real OpenID Connect provider (npm `oidc-provider` on
//! loopback): the authorization code flow, the server-side session in the database (also seen
//! by a second replica), the role-scoped portal, expiry and signing out.

use reqwest::header::{LOCATION, ORIGIN, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::oidc_provider::*;
use crate::on_both_backends;

on_both_backends!(
    a_hub_operator_signs_in_and_the_session_works_on_every_replica,
    stored_sessions_are_hashed_expire_and_are_swept,
);

async fn stored_sessions_are_hashed_expire_and_are_swept(backend: Backend) {
    let app = spawn(backend).await;
    let sessions = app.services.sessions();
    let soon = FIXED_NOW + time::Duration::minutes(1);
    assert!(sessions.create("id-1", b"one", soon).await.unwrap());
    assert!(
        !sessions.create("id-1", b"again", soon).await.unwrap(),
        "the id is taken"
    );
    sessions.save("id-1", b"two", soon).await.unwrap();
    assert_eq!(sessions.load("id-1").await.unwrap(), Some(b"two".to_vec()));
    assert_eq!(app.db.count("sessions").await, 1);
    // The table holds the id's hash, not the id.
    let stored = app
        .db
        .strings("SELECT id_hash FROM sessions WHERE id_hash <> ?", "id-1")
        .await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].len(), 64);

    app.clock.advance(time::Duration::minutes(2));
    assert_eq!(sessions.load("id-1").await.unwrap(), None, "expired");
    assert_eq!(sessions.delete_expired().await.unwrap(), 1);
    assert_eq!(app.db.count("sessions").await, 0);
}

/// A server that signs users in at a fresh provider, on `backend`.
async fn start(backend: Backend) -> (TestApp, OidcProvider) {
    let port = free_port();
    let provider = OidcProvider::start(&format!("http://127.0.0.1:{port}")).await;
    let app = spawn_with(backend, &borrowed(&provider.server_settings(port))).await;
    (app, provider)
}

async fn a_hub_operator_signs_in_and_the_session_works_on_every_replica(backend: Backend) {
    let (app, provider) = start(backend).await;
    let browser = Browser::new();

    // A page without a session leads to the provider, and back to the page after sign-in.
    let first = browser
        .client
        .get(app.url("/environments"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        first.headers()[LOCATION],
        "/auth/login?next=%2Fenvironments"
    );
    let (page, visited) = browser.sign_in(&app.url("/environments"), HUB).await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    assert!(
        visited[1].starts_with(&app.url("/auth/login")),
        "{visited:?}"
    );
    assert!(
        visited[2].starts_with(&format!("{}/auth?", provider.issuer)),
        "{visited:?}"
    );
    let authorize = url::Url::parse(&visited[2]).unwrap();
    let param = |name: &str| {
        authorize
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert!(param("state").is_some() && param("nonce").is_some());
    assert_eq!(page.url().as_str(), app.url("/environments"));
    // The sign-out form's answer continues at the provider, which the page's policy allows.
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains(&format!("form-action 'self' {};", provider.issuer)),
        "{policy}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("Hana Hub"), "the header names the user");
    assert!(html.contains("Hub operator"));
    assert!(!html.contains("Authentication is disabled"));
    assert_eq!(
        app.db.count("sessions").await,
        1,
        "one session, the renewed one"
    );

    // The session works for the portal's server functions and the REST API alike...
    let created = browser
        .client
        .post(app.url("/api/environments"))
        .header(ORIGIN, &app.base)
        .json(&json!({"name": "DEV"}))
        .send()
        .await
        .unwrap();
    expect_json(created, StatusCode::OK).await;
    // ...but not for another site's page posting with the user's cookie.
    let forged = browser
        .client
        .post(app.url("/api/environments"))
        .header(ORIGIN, "https://evil.example.com")
        .json(&json!({"name": "EVIL"}))
        .send()
        .await
        .unwrap();
    expect_error(forged, StatusCode::FORBIDDEN, "ForbiddenError").await;

    // Another replica on the same database knows the session.
    let second = try_spawn_on(
        app.db.shared(),
        &borrowed(&provider.server_settings(free_port())),
    )
    .await
    .map_err(|(e, _)| e)
    .expect("a second replica");
    let listed = browser
        .client
        .get(second.url("/api/environments"))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(listed, StatusCode::OK).await[0]["name"], "DEV");

    // Signing out ends the session everywhere.
    let out = browser
        .client
        .post(app.url("/auth/logout"))
        .header(ORIGIN, &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let to = out.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("{}/session/end?", provider.issuer)),
        "{to}"
    );
    assert!(to.contains("id_token_hint="), "{to}");
    assert_eq!(app.db.count("sessions").await, 0);
    let after = browser
        .client
        .get(second.url("/api/environments"))
        .send()
        .await
        .unwrap();
    expect_error(after, StatusCode::UNAUTHORIZED, "UnauthorizedError").await;
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_renewed_at_sign_in() {
    let (app, _provider) = start(Backend::Sqlite).await;
    let browser = Browser::new();
    let started = browser
        .client
        .get(app.url("/auth/login?next=/environments"))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let before = session_cookie(&started).expect("a session holds the pending sign-in");
    assert!(before.contains("HttpOnly"), "{before}");
    assert!(before.contains("SameSite=Lax"), "{before}");
    assert!(before.contains("Path=/"), "{before}");
    assert!(!before.contains("Secure"), "plain http here: {before}");

    let location = started.headers()[LOCATION].to_str().unwrap().to_owned();
    let (page, visited) = browser.sign_in(&location, DFSP1).await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    // The cookie after sign-in is not the one before: an id planted before sign-in is useless.
    let after = browser.cookies(&app.base);
    let before_value = before.split(';').next().unwrap();
    assert!(after.contains("cm_session="), "{after}");
    assert!(!after.contains(before_value), "{after} / {before_value}");
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cm_session="))
}

#[tokio::test]
async fn a_dfsp_operator_reaches_only_its_own_dfsp() {
    let (app, _provider) = start(Backend::Sqlite).await;
    let hub = Browser::new();
    hub.sign_in(&app.url("/environments"), HUB).await;
    let post = |browser: &Browser, path: &str, body: serde_json::Value| {
        browser
            .client
            .post(app.url(path))
            .header(ORIGIN, &app.base)
            .json(&body)
            .send()
    };
    let env = expect_json(
        post(&hub, "/api/environments", json!({"name": "DEV"}))
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await["id"]
        .clone();
    for dfsp in ["DFSP1", "DFSP2"] {
        let created = post(
            &hub,
            &format!("/api/environments/{env}/dfsps"),
            json!({"dfspId": dfsp, "name": dfsp}),
        )
        .await
        .unwrap();
        expect_json(created, StatusCode::OK).await;
    }

    // Each user's front door leads to their work.
    let front = hub.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(front.headers()[LOCATION], "/environments");
    let dora = Browser::new();
    let (page, visited) = dora
        .sign_in(
            &app.url(&format!("/environments/{env}/dfsps/DFSP1/endpoints")),
            DFSP1,
        )
        .await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    let html = page.text().await.unwrap();
    assert!(html.contains("Dora DFSP1") && html.contains("DFSP operator"));
    // What only the Hub does is not offered.
    assert!(!html.contains("CSRs to sign") && !html.contains("Endpoints to confirm"));
    let (hub_page, _) = hub
        .visit(&app.url(&format!("/environments/{env}/dfsps/DFSP1/endpoints")))
        .await;
    let hub_html = hub_page.text().await.unwrap();
    assert!(hub_html.contains("CSRs to sign") && hub_html.contains("Endpoints to confirm"));
    let front = dora.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        front.headers()[LOCATION],
        format!("/environments/{env}/dfsps/DFSP1").as_str()
    );
    let (other, _) = dora
        .visit(&app.url(&format!("/environments/{env}/dfsps/DFSP2/endpoints")))
        .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let refused = post(&dora, "/api/environments", json!({"name": "MINE"}))
        .await
        .unwrap();
    expect_error(refused, StatusCode::FORBIDDEN, "ForbiddenError").await;
    let foreign = dora
        .client
        .get(app.url(&format!("/api/environments/{env}/dfsps/DFSP2/endpoints")))
        .send()
        .await
        .unwrap();
    expect_error(foreign, StatusCode::NOT_FOUND, "NotFoundError").await;

    // And the other way round.
    let dirk = Browser::new();
    let (page, visited) = dirk
        .sign_in(
            &app.url(&format!("/environments/{env}/dfsps/DFSP1/endpoints")),
            DFSP2,
        )
        .await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "{visited:?}");
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    let (app, _provider) = start(Backend::Sqlite).await;
    let browser = Browser::new();
    let status = || async {
        browser
            .client
            .get(app.url("/api/environments"))
            .send()
            .await
            .unwrap()
            .status()
    };
    browser.sign_in(&app.url("/environments"), HUB).await;
    // Use keeps a session alive past the idle limit (30 minutes)...
    for _ in 0..3 {
        app.clock.advance(time::Duration::minutes(25));
        assert_eq!(status().await, StatusCode::OK);
    }
    // ...idleness ends it.
    app.clock.advance(time::Duration::minutes(31));
    assert_eq!(status().await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.db.count("sessions").await, 0);

    // However busy, a session ends 12 hours after sign-in.
    browser.sign_in(&app.url("/environments"), HUB).await;
    for _ in 0..24 {
        app.clock.advance(time::Duration::minutes(29));
        assert_eq!(status().await, StatusCode::OK);
    }
    app.clock.advance(time::Duration::minutes(29));
    assert_eq!(status().await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_is_explained_on_the_sign_in_page() {
    let closed = free_port();
    let issuer = format!("http://127.0.0.1:{closed}");
    let app = spawn_with(
        Backend::Sqlite,
        &[
            ("AUTH_ENABLED", "true"),
            ("OAUTH2_ISSUER", issuer.as_str()),
            ("APP_OAUTH_CLIENT_KEY", CLIENT_ID),
        ],
    )
    .await;
    let browser = Browser::new();
    let (page, visited) = browser.visit(&app.url("/environments")).await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    assert!(
        page.url()
            .as_str()
            .starts_with(&app.url("/sign-in?problem=provider")),
        "{visited:?}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("cannot be reached"), "{html}");
    assert!(
        html.contains(&issuer),
        "the page names the provider: {html}"
    );
}

#[tokio::test]
async fn a_sign_in_whose_id_token_a_new_key_signed_fetches_the_keys_again() {
    use std::sync::atomic::Ordering;
    let provider = crate::identity_provider::TestProvider::start().await;
    let app = spawn_with(Backend::Sqlite, &borrowed(&provider.settings())).await;
    let (page, visited) = Browser::new().visit(&app.url("/environments")).await;
    assert_eq!(page.url().path(), "/environments", "{visited:?}");
    let fetched = provider.key_fetches.load(Ordering::SeqCst);

    // The provider signs with a key published after our last look at its keys: within seconds
    // of that look, the keys are not fetched again (a flood of made-up key ids must not make us
    // hammer the provider), and the sign-in is refused...
    provider.rotate_to(crate::identity_provider::SigningKey::rsa("rsa-2"));
    let (page, visited) = Browser::new().visit(&app.url("/environments")).await;
    assert_eq!(page.url().path(), "/sign-in", "{visited:?}");
    assert_eq!(provider.key_fetches.load(Ordering::SeqCst), fetched);
    // ...later, the unknown key makes us fetch the keys again, and the sign-in succeeds.
    app.clock.advance(time::Duration::seconds(11));
    let (page, visited) = Browser::new().visit(&app.url("/environments")).await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    assert_eq!(page.url().path(), "/environments", "{visited:?}");
    assert_eq!(provider.key_fetches.load(Ordering::SeqCst), fetched + 1);
}
