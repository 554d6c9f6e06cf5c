//! What protects a browser's user whatever the authentication mode: security headers on every
//! response, a Content-Security-Policy with a fresh nonce on the portal's pages, and no changes
//! from a request another site made the browser send.

use reqwest::header::{ACCEPT, ORIGIN, REFERER};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    every_response_carries_the_security_headers,
    portal_pages_allow_only_their_own_scripts,
    writes_from_another_site_are_refused,
    only_the_servers_own_form_errors_are_shown,
);

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = spawn(backend).await;
    for path in [
        "/api/environments",
        "/environments",
        "/api/nothing",
        "/api-docs",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
}

async fn portal_pages_allow_only_their_own_scripts(backend: Backend) {
    let app = spawn(backend).await;
    let mut nonces = Vec::new();
    for path in ["/environments", "/environments", "/no/such/page"] {
        let response = app
            .client
            .get(app.url(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("form-action 'self';"), "{policy}");
        assert!(policy.contains("object-src 'none'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("no nonce in {policy}"))
            .to_owned();
        let html = response.text().await.unwrap();
        // Every inline script of the page carries the nonce; none is without one.
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path}: no script");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: a script without the response's nonce"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a nonce is used once");
    // The API documentation is not a portal page: it has no policy of ours.
    assert!(app
        .get("/docs/")
        .await
        .headers()
        .get("content-security-policy")
        .is_none());
}

async fn writes_from_another_site_are_refused(backend: Backend) {
    let app = spawn(backend).await;
    let form = [
        ("form[name]", "FORGED"),
        ("form[cn]", ""),
        ("form[o]", ""),
        ("form[ou]", ""),
        ("form[l]", ""),
        ("form[st]", ""),
        ("form[c]", ""),
    ];
    let forged = [
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "https://cm.evil.example"),
        ],
        vec![("origin", "https://evil.example")],
    ];
    for headers in &forged {
        let mut request = app
            .client
            .post(app.url("/rpc/environments/create"))
            .header(ACCEPT, "text/html")
            .header(REFERER, "https://evil.example/")
            .form(&form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let message = expect_error(response, StatusCode::FORBIDDEN, "ForbiddenError").await;
        assert!(message.contains("came from another site"), "{message}");

        let mut request = app
            .client
            .post(app.url("/api/environments"))
            .json(&json!({"name": "FORGED"}));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        expect_error(
            request.send().await.unwrap(),
            StatusCode::FORBIDDEN,
            "ForbiddenError",
        )
        .await;
    }
    assert_eq!(app.db.count("environments").await, 0);

    // The portal's own pages and API clients that are not browsers still may.
    let own = app
        .client
        .post(app.url("/api/environments"))
        .header("sec-fetch-site", "same-origin")
        .header(ORIGIN, app.base.as_str())
        .json(&json!({"name": "OWN"}))
        .send()
        .await
        .unwrap();
    expect_json(own, StatusCode::OK).await;
    app.create_environment("CLI").await;
    // Reading from another site is not a change: it is answered as usual.
    let read = app
        .client
        .get(app.url("/api/environments"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(app.db.count("environments").await, 2);
}

/// A form posted without JavaScript brings its error back in the page's URL, sealed; a link
/// with an error the server did not seal is sent to the page without it.
async fn only_the_servers_own_form_errors_are_shown(backend: Backend) {
    let app = spawn(backend).await;
    let refused = app
        .client
        .post(app.url("/rpc/environments/create"))
        .header(ACCEPT, "text/html")
        .header(REFERER, app.url("/environments?view=all"))
        .form(&[("form[name]", " "), ("form[c]", "USA")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FOUND);
    let location = refused.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("__err=") && location.contains("&__sig="),
        "{location}"
    );
    let target = location.trim_start_matches(&app.base).to_owned();
    let page = app.get(&target).await;
    assert_eq!(page.status(), StatusCode::OK, "{target}");
    assert!(page.text().await.unwrap().contains("must not be blank"));

    // The same error with another text, or without its seal, is dropped; the rest stays.
    let (before, seal) = target.split_once("&__sig=").unwrap();
    // The error is base64 JSON: any change of it is another error.
    let forged_text = before.replacen("__err=eyJ", "__err=eyK", 1);
    assert_ne!(forged_text, before, "{before}");
    for forged in [
        format!("{forged_text}&__sig={seal}"),
        before.to_owned(),
        "/environments?view=all&__path=%2Frpc%2Fenvironments%2Fcreate&__err=Call%20us".to_owned(),
        // Another first digit (a fixed "00" was the seal itself once in 256 runs).
        format!(
            "{before}&__sig={}{}",
            if seal.starts_with('0') { '1' } else { '0' },
            &seal[1..]
        ),
    ] {
        let response = app.get(&forged).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{forged}");
        assert_eq!(
            response.headers()["location"],
            "/environments?view=all",
            "{forged}"
        );
    }

    // Dropping the error never sends the browser to another host.
    let response = app
        .get("//evil.example/x?__err=Call%20us&__path=%2Frpc%2Fx")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/evil.example/x");

    // The key is made once and kept in the database: every replica (every start) seals alike.
    let again = app
        .services
        .shared_key(server::security::FORM_ERROR_KEY)
        .await
        .unwrap();
    let query = before.split_once('?').unwrap().1;
    let value = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap()
    };
    assert_eq!(again.tag(&[value("__path"), value("__err")]), seal);
    assert_eq!(app.db.count("shared_keys").await, 1);
}
