//! MCM's login operations (`/api/login`, `/api/login2step`, `/api/resetPassword`,
//! `/api/logout`), for automation written against MCM.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::helpers::*;
use crate::identity_provider::TestProvider;
use crate::oidc_provider::{OidcProvider, CLIENT_ID, CLIENT_SECRET};

fn with_cookies() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

#[tokio::test]
async fn with_authentication_disabled_login_answers_as_mcm_did() {
    let app = spawn(Backend::Sqlite).await;
    let login = app
        .client
        .post(app.url("/api/login"))
        .form(&[("username", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    let body = expect_json(login, StatusCode::OK).await;
    assert_eq!(body["ok"], false);
    assert_eq!(body["token"]["payload"]["groups"], json!([]));
    assert_eq!(body["token"]["payload"]["dfspId"], json!(null));

    let second = app
        .client
        .post(app.url("/api/login2step"))
        .form(&[
            ("username", "x"),
            ("password", "y"),
            ("generatedToken", "123456"),
        ])
        .send()
        .await
        .unwrap();
    let message = expect_error(second, StatusCode::BAD_REQUEST, "BadRequestError").await;
    assert_eq!(message, "2FA is not enabled");
    let reset = app
        .client
        .post(app.url("/api/resetPassword"))
        .form(&[("username", "x"), ("newPassword", "y"), ("userguid", "z")])
        .send()
        .await
        .unwrap();
    expect_error(reset, StatusCode::BAD_REQUEST, "BadRequestError").await;
    let logout = app
        .client
        .post(app.url("/api/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    assert_eq!(logout.text().await.unwrap(), "");

    // A form it must be.
    let json_body = app
        .client
        .post(app.url("/api/login"))
        .json(&json!({"username": "x"}))
        .send()
        .await
        .unwrap();
    expect_error(
        json_body,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaTypeError",
    )
    .await;
}

#[tokio::test]
async fn login_with_a_password_where_the_provider_allows_it() {
    let provider = TestProvider::start().await;
    let app = spawn_with(Backend::Sqlite, &borrowed(&provider.settings())).await;
    let client = with_cookies();

    let refused = client
        .post(app.url("/api/login"))
        .form(&[("username", "hub"), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    let message = expect_error(refused, StatusCode::UNAUTHORIZED, "UnauthorizedError").await;
    assert_eq!(message, "Authentication failed for user hub");
    assert_eq!(
        client
            .get(app.url("/api/environments"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let login = client
        .post(app.url("/api/login"))
        .form(&[("username", "dfsp1"), ("password", "dfsp1-password")])
        .send()
        .await
        .unwrap();
    let body = expect_json(login, StatusCode::OK).await;
    assert_eq!(body["ok"], true);
    assert_eq!(body["token"]["payload"]["sub"], "dfsp1");
    assert_eq!(body["token"]["payload"]["dfspId"], "DFSP1");
    // The session works on the API; the role is the token's.
    expect_json(
        client
            .get(app.url("/api/environments"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let create = client
        .post(app.url("/api/environments"))
        .json(&json!({"name": "X"}))
        .send()
        .await
        .unwrap();
    expect_error(create, StatusCode::FORBIDDEN, "ForbiddenError").await;

    let logout = client.post(app.url("/api/logout")).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    assert_eq!(
        client
            .get(app.url("/api/environments"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.db.count("sessions").await, 0);
}

#[tokio::test]
async fn without_the_password_grant_login_points_to_the_provider_and_bearer_tokens() {
    let provider = OidcProvider::start("http://127.0.0.1:9").await;
    let app = spawn_with(
        Backend::Sqlite,
        &[
            ("AUTH_ENABLED", "true"),
            ("OAUTH2_ISSUER", provider.issuer.as_str()),
            ("APP_OAUTH_CLIENT_KEY", CLIENT_ID),
            ("APP_OAUTH_CLIENT_SECRET", CLIENT_SECRET),
        ],
    )
    .await;
    let login = app
        .client
        .post(app.url("/api/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("username=hub&password=hub-password")
        .send()
        .await
        .unwrap();
    let message = expect_error(login, StatusCode::BAD_REQUEST, "BadRequestError").await;
    assert!(message.contains("Authorization: Bearer"), "{message}");
    let reset = app
        .client
        .post(app.url("/api/resetPassword"))
        .form(&[("username", "hub"), ("newPassword", "x"), ("userguid", "1")])
        .send()
        .await
        .unwrap();
    let message = expect_error(reset, StatusCode::BAD_REQUEST, "BadRequestError").await;
    assert!(message.contains(&provider.issuer), "{message}");
}
