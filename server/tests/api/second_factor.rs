//! The second factor after sign-in (`AUTH_2FA_ENABLED`): enrollment with a QR code's seed in the
//! portal, a code at every sign-in, each code accepted once, the lockout after wrong codes, the
//! seed sealed at rest, the hub operators' reset, and MCM's `/api/login` + `/api/login2step`.
//! Codes are computed here as an authenticator app would, at the servers' fixed clock.

use reqwest::header::{LOCATION, ORIGIN};
use reqwest::{Client, StatusCode};
use serde_json::json;
use server::startup::StartupError;
use totp_rs::{Builder, Secret};

use crate::helpers::*;
use crate::identity_provider::TestProvider;
use crate::oidc_provider::*;
use crate::on_both_backends;

on_both_backends!(a_user_enrolls_and_gives_a_code_at_each_sign_in_on_any_replica);

const PASS_PHRASE: &str = "a long pass phrase that seals the seeds";

/// The code an authenticator app with `secret` (base32, maybe grouped) shows `seconds` after
/// the servers' fixed clock.
fn code(secret: &str, seconds: i64) -> String {
    let secret: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(&secret).expect("a base32 seed"))
        .build()
        .expect("an RFC 6238 seed");
    let at = FIXED_NOW.unix_timestamp() + seconds;
    totp.generate(u64::try_from(at).unwrap()).to_string()
}

/// The text of the element with `data-testid="{testid}"` in a server-rendered page.
fn text_of(html: &str, testid: &str) -> String {
    let start = html
        .find(&format!("data-testid=\"{testid}\""))
        .unwrap_or_else(|| panic!("no {testid} in {html}"));
    let rest = &html[start..];
    let text = &rest[rest.find('>').unwrap() + 1..];
    text[..text.find('<').unwrap()].trim().to_owned()
}

/// A server at `port` that signs users in at `provider`, with the second factor.
fn settings(provider: &OidcProvider, port: u16) -> Vec<(&'static str, String)> {
    let mut settings = provider.server_settings(port);
    settings.extend([
        ("AUTH_2FA_ENABLED", "true".into()),
        ("TOTP_ISSUER", "MCM Test".into()),
        ("P12_PASS_PHRASE", PASS_PHRASE.into()),
    ]);
    settings
}

/// Posts the second factor's form from the page at `app`.
async fn give_code(browser: &Browser, app: &TestApp, code: &str) -> reqwest::Response {
    browser
        .client
        .post(app.url("/auth/second-factor"))
        .header(ORIGIN, &app.base)
        .form(&[("code", code), ("next", "/environments")])
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

async fn a_user_enrolls_and_gives_a_code_at_each_sign_in_on_any_replica(backend: Backend) {
    let port = free_port();
    let provider = OidcProvider::start(&format!("http://127.0.0.1:{port}")).await;
    let app = spawn_with(backend, &borrowed(&settings(&provider, port))).await;
    let second = try_spawn_on(
        app.db.shared(),
        &borrowed(&settings(&provider, free_port())),
    )
    .await
    .map_err(|(e, _)| e)
    .expect("a second replica");
    let browser = Browser::new();

    // Signed in at the provider, the user is led to set up the second factor, and can do
    // nothing else meanwhile.
    let (page, visited) = browser.sign_in(&app.url("/environments"), DFSP1).await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    assert_eq!(
        page.url().as_str(),
        app.url("/sign-in/second-factor?next=%2Fenvironments"),
        "{visited:?}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("Set up two-step verification"), "{html}");
    assert!(html.contains("data-testid=\"second-factor-qr\""));
    assert!(html.contains("<svg"), "the QR code is drawn in the page");
    let secret = text_of(&html, "second-factor-secret");
    assert_eq!(
        secret.replace(' ', "").len(),
        32,
        "160 bits in base32: {secret}"
    );
    let api = browser
        .client
        .get(app.url("/api/environments"))
        .send()
        .await
        .unwrap();
    expect_error(api, StatusCode::UNAUTHORIZED, "UnauthorizedError").await;
    let other_page = browser
        .client
        .get(app.url("/environments"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&other_page),
        "/sign-in/second-factor?next=%2Fenvironments"
    );

    // The seed is stored sealed: its bytes appear nowhere in the row.
    let seed = Secret::try_from_base32(secret.replace(' ', "")).unwrap();
    let stored = app.db.blobs("SELECT sealed_seed FROM second_factors").await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0]
        .windows(8)
        .any(|w| seed.as_ref().windows(8).any(|s| s == w)));
    // The other replica shows the same seed (a reload must not change the QR code).
    let (again, _) = browser
        .visit(&second.url("/sign-in/second-factor?next=%2Fenvironments"))
        .await;
    assert_eq!(
        text_of(&again.text().await.unwrap(), "second-factor-secret"),
        secret
    );

    // A wrong code is refused; the right one, given on the other replica, signs the user in
    // on both.
    let wrong = give_code(&browser, &app, "000000").await;
    assert_eq!(
        location(&wrong),
        "/sign-in/second-factor?problem=wrong&next=%2Fenvironments"
    );
    let before = browser.cookies(&app.base);
    let right = give_code(&browser, &second, &code(&secret, 0)).await;
    assert_eq!(location(&right), "/environments");
    assert_ne!(
        browser.cookies(&app.base),
        before,
        "the session id is renewed once the second factor is given"
    );
    let page = browser
        .client
        .get(app.url("/environments"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Dora DFSP1"));
    expect_json(
        browser
            .client
            .get(second.url("/api/environments"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;

    // The next sign-in asks for a code (no QR code now), and the code just used is refused
    // until the app shows the next one.
    let out = browser
        .client
        .post(app.url("/auth/logout"))
        .header(ORIGIN, &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let (page, visited) = browser.sign_in(&app.url("/environments"), DFSP1).await;
    assert!(
        page.url().path().starts_with("/sign-in/second-factor"),
        "{visited:?}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("Enter the code from your authenticator app"));
    assert!(
        !html.contains("second-factor-secret"),
        "the seed is shown only once enrolled"
    );
    let reused = give_code(&browser, &app, &code(&secret, 0)).await;
    assert_eq!(
        location(&reused),
        "/sign-in/second-factor?problem=reused&next=%2Fenvironments"
    );
    app.clock.advance(time::Duration::seconds(30));
    second.clock.advance(time::Duration::seconds(30));
    let next = give_code(&browser, &app, &code(&secret, 30)).await;
    assert_eq!(location(&next), "/environments");

    // The user is listed for hub operators with the time of set-up and last use.
    let hub = Browser::new();
    hub.sign_in(&app.url("/environments"), HUB).await;
    let hub_secret = {
        let (page, _) = hub
            .visit(&app.url("/sign-in/second-factor?next=%2Fenvironments"))
            .await;
        text_of(&page.text().await.unwrap(), "second-factor-secret")
    };
    assert_eq!(
        location(&give_code(&hub, &app, &code(&hub_secret, 30)).await),
        "/environments"
    );
    let listed = expect_json(
        hub.client
            .get(app.url("/api/second-factors"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let dora = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Dora DFSP1")
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(dora["subject"], "dfsp1");
    assert_eq!(dora["confirmedAt"], "2026-11-28T09:30:00.000Z");
    assert_eq!(dora["lastUsedAt"], "2026-11-28T09:30:30.000Z");
    assert_eq!(dora["lockedUntil"], json!(null));
    assert!(!dora.as_object().unwrap().contains_key("sealedSeed"));
}

/// A server that takes passwords (MCM's `/api/login`), with the second factor.
async fn with_password_grant() -> (TestApp, TestProvider) {
    let provider = TestProvider::start().await;
    let mut settings = provider.settings();
    settings.push(("AUTH_2FA_ENABLED", "true".into()));
    settings.push(("TOTP_LABEL", "Hub: test".into()));
    settings.push(("P12_PASS_PHRASE", PASS_PHRASE.into()));
    let app = spawn_with(Backend::Sqlite, &borrowed(&settings)).await;
    (app, provider)
}

async fn second_step(client: &Client, app: &TestApp, code: &str) -> reqwest::Response {
    client
        .post(app.url("/api/login2step"))
        .form(&[
            ("username", "dfsp1"),
            ("password", "dfsp1-password"),
            ("generatedToken", code),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn mcm_login_enrolls_and_wrong_codes_lock_the_factor_for_five_minutes() {
    let (app, provider) = with_password_grant().await;
    let client = Client::builder().cookie_store(true).build().unwrap();
    let login = |client: &Client| {
        client
            .post(app.url("/api/login"))
            .form(&[("username", "dfsp1"), ("password", "dfsp1-password")])
            .send()
    };

    // MCM's answers: first the seed to enroll, without a session.
    let first = expect_json(login(&client).await.unwrap(), StatusCode::OK).await;
    assert_eq!(first["enrolled"], false);
    assert_eq!(first["2faEnabled"], true);
    assert_eq!(first["issuer"], "MCM");
    assert_eq!(first["label"], "Hub  test", "no colon in an account name");
    let secret = first["sharedSecret"].as_str().unwrap().to_owned();
    let api = client
        .get(app.url("/api/environments"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    // The same seed until it is confirmed.
    let again = expect_json(login(&client).await.unwrap(), StatusCode::OK).await;
    assert_eq!(again["sharedSecret"], secret.as_str());

    // Four wrong codes are refused; the fifth locks the factor, even for the right code.
    for _ in 0..4 {
        let refused = second_step(&client, &app, "123456").await;
        let message = expect_error(refused, StatusCode::UNAUTHORIZED, "UnauthorizedError").await;
        assert_eq!(message, "Verification code not validated");
    }
    let locked = second_step(&client, &app, "123456").await;
    let message = expect_error(
        locked,
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequestsError",
    )
    .await;
    assert!(message.contains("2026-11-28T09:35:00.000Z"), "{message}");
    let still = second_step(&client, &app, &code(&secret, 0)).await;
    expect_error(still, StatusCode::TOO_MANY_REQUESTS, "TooManyRequestsError").await;
    let wrong_password = client
        .post(app.url("/api/login2step"))
        .form(&[
            ("username", "dfsp1"),
            ("password", "nope"),
            ("generatedToken", "123456"),
        ])
        .send()
        .await
        .unwrap();
    expect_error(
        wrong_password,
        StatusCode::UNAUTHORIZED,
        "UnauthorizedError",
    )
    .await;

    // Five minutes later the right code signs in and confirms the enrollment.
    app.clock.advance(time::Duration::minutes(5));
    let code_now = code(&secret, 300);
    let signed_in = expect_json(second_step(&client, &app, &code_now).await, StatusCode::OK).await;
    assert_eq!(signed_in["ok"], true);
    assert_eq!(signed_in["token"]["payload"]["dfspId"], "DFSP1");
    expect_json(
        client
            .get(app.url("/api/environments"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let enrolled = expect_json(login(&client).await.unwrap(), StatusCode::OK).await;
    assert_eq!(enrolled, json!({"enrolled": true, "2faEnabled": true}));
    // A code is accepted once.
    let replayed = second_step(&client, &app, &code_now).await;
    let message = expect_error(replayed, StatusCode::UNAUTHORIZED, "UnauthorizedError").await;
    assert!(message.contains("used already"), "{message}");

    // A hub operator resets the factor (a DFSP operator may not); the user enrolls again.
    let reset = |token: String| {
        app.client
            .delete(app.url("/api/second-factors/dfsp1"))
            .bearer_auth(token)
            .send()
    };
    let forbidden = reset(provider.dfsp_operator("DFSP1")).await.unwrap();
    expect_error(forbidden, StatusCode::FORBIDDEN, "ForbiddenError").await;
    let listed = app
        .client
        .get(app.url("/api/second-factors"))
        .bearer_auth(provider.dfsp_operator("DFSP1"))
        .send()
        .await
        .unwrap();
    expect_error(listed, StatusCode::FORBIDDEN, "ForbiddenError").await;
    assert_eq!(
        reset(provider.hub_operator()).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let gone = reset(provider.hub_operator()).await.unwrap();
    expect_error(gone, StatusCode::NOT_FOUND, "NotFoundError").await;
    // The audit log has the set-up, the sign-ins and the reset, each with who did it.
    let audit = |action: &'static str| {
        let request = app
            .client
            .get(app.url(&format!("/api/audit?action={action}")))
            .bearer_auth(provider.hub_operator());
        async move { expect_json(request.send().await.unwrap(), StatusCode::OK).await["events"].clone() }
    };
    let confirmed = audit("second_factor.confirm").await;
    assert_eq!(confirmed.as_array().unwrap().len(), 1, "{confirmed}");
    assert_eq!(confirmed[0]["subject"], "dfsp1");
    let signed_in = audit("session.sign_in").await;
    assert!(!signed_in.as_array().unwrap().is_empty(), "{signed_in}");
    assert!(signed_in
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["subject"] == "dfsp1"));
    let resets = audit("second_factor.reset").await;
    assert_eq!(resets.as_array().unwrap().len(), 1, "{resets}");
    assert_eq!(resets[0]["subject"], "hub-admin");
    assert_eq!(resets[0]["target"], "dfsp1");
    let fresh = expect_json(login(&client).await.unwrap(), StatusCode::OK).await;
    assert_eq!(fresh["enrolled"], false);
    assert_ne!(fresh["sharedSecret"], secret.as_str());
}

#[tokio::test]
async fn the_second_factor_needs_the_pass_phrase_that_seals_its_seeds() {
    let provider = TestProvider::start().await;
    let mut settings = provider.settings();
    settings.push(("AUTH_2FA_ENABLED", "true".into()));
    match try_spawn_on(TestDatabase::new(Backend::Sqlite), &borrowed(&settings)).await {
        Err((StartupError::TwoFactorNeedsPassphrase, _)) => {}
        Err((other, _)) => panic!("unexpected start-up error: {other}"),
        Ok(_) => panic!("started without P12_PASS_PHRASE"),
    }
}
