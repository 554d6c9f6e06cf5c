//! CAs uploaded as certificates: the Hub's external CAs (`.../hub/cas`) and each DFSP's CA
//! (`.../dfsps/{dfspId}/ca`), read, validated as of the request and stored.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::certs::ca;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    hub_cas_are_added_validated_listed_and_removed,
    hub_ca_requests_that_cannot_be_read_store_nothing,
    a_dfsp_ca_is_set_validated_and_replaced_as_a_whole,
);

fn codes_and_results(body: &Value) -> Vec<(String, String)> {
    body["validations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["validationCode"].as_str().unwrap().to_owned(),
                v["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn all(result: &str) -> Vec<(String, String)> {
    [
        "VERIFY_ROOT_CERTIFICATE",
        "VERIFY_CHAIN_CERTIFICATES",
        "CA_CERTIFICATE_USAGE",
    ]
    .map(|code| (code.to_owned(), result.to_owned()))
    .to_vec()
}

async fn hub_cas_are_added_validated_listed_and_removed(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let other_env = app.create_environment("QA").await;
    let root = ca("Hub Root", None, None);
    let issuing = ca("Hub Issuing", Some(&root), None);
    let path = format!("/api/environments/{env}/hub/cas");

    let created = expect_json(
        app.post_json(
            &path,
            &json!({"name": "Hub PKI", "type": "EXTERNAL", "rootCertificate": root.pem(),
                "intermediateChain": issuing.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let id = created["id"]
        .as_i64()
        .expect("the answer has the id MCM left out");
    assert_eq!(created["type"], "EXTERNAL");
    assert_eq!(created["name"], "Hub PKI");
    assert_eq!(created["validationState"], "VALID", "{created}");
    assert_eq!(codes_and_results(&created), all("VALID"));
    assert_eq!(created["rootCertificateInfo"]["subject"]["CN"], "Hub Root");
    assert_eq!(
        created["intermediateChainInfo"][0]["subject"]["CN"], "Hub Issuing",
        "the first intermediate is kept even without comment lines before it"
    );
    assert_eq!(created["intermediateChain"], issuing.pem().as_str());

    let message = expect_error(
        app.post_json(
            &path,
            &json!({"name": "Hub PKI", "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(
        message.contains("already has a Hub CA named 'Hub PKI'"),
        "{message}"
    );

    // An intermediate given as the root reads, is stored, and is reported invalid.
    let wrong = expect_json(
        app.post_json(
            &path,
            &json!({"name": "Not a root", "rootCertificate": issuing.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(wrong["validationState"], "INVALID");
    assert_eq!(wrong["validations"][0]["result"], "INVALID");
    assert!(
        wrong["validations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("'Hub Issuing' is issued by another CA"),
        "{wrong}"
    );

    let list = expect_json(app.get(&path).await, StatusCode::OK).await;
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|ca| ca["name"].clone())
        .collect();
    assert_eq!(names, [json!("Hub PKI"), json!("Not a root")]);
    let one = expect_json(app.get(&format!("{path}/{id}")).await, StatusCode::OK).await;
    assert_eq!(one, created);
    let other = format!("/api/environments/{other_env}/hub/cas/{id}");
    expect_error(
        app.get(&other).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.delete(&other).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;

    let deleted = app.delete(&format!("{path}/{id}")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.get(&format!("{path}/{id}")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.delete(&format!("{path}/{id}")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.get(&format!("{path}/abc")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(app.db.count("hub_cas").await, 1);
}

async fn hub_ca_requests_that_cannot_be_read_store_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let root = ca("Hub Root", None, None);
    let path = format!("/api/environments/{env}/hub/cas");
    let truncated: String = root.pem().chars().take(300).collect();
    let two = format!("{}{}", root.pem(), root.pem());
    let cases = [
        (json!({"rootCertificate": root.pem()}), "name: is required"),
        (json!({"name": "CA"}), "rootCertificate: is required"),
        (
            json!({"name": "CA", "rootCertificate": "garbage"}),
            "rootCertificate: is not a PEM or DER certificate",
        ),
        (
            json!({"name": "CA", "rootCertificate": truncated}),
            "rootCertificate: is not valid PEM",
        ),
        (
            json!({"name": "CA", "rootCertificate": two}),
            "rootCertificate: holds 2 certificates where one is expected",
        ),
        (
            json!({"name": "CA", "rootCertificate": root.pem(), "intermediateChain": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}),
            "intermediateChain: ",
        ),
        (
            json!({"name": "CA", "type": "INTERNAL", "rootCertificate": root.pem()}),
            "type: must be EXTERNAL, not 'INTERNAL'",
        ),
        (
            json!({"name": "CA", "rootCertificate": root.pem(), "root": "x"}),
            "unknown field `root`",
        ),
    ];
    for (body, expected) in cases {
        let message = expect_error(
            app.post_json(&path, &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    expect_error(
        app.post_json(
            "/api/environments/9999/hub/cas",
            &json!({"name": "CA", "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    // A list with nothing in it asks whether the environment exists.
    expect_error(
        app.get("/api/environments/9999/hub/cas").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(app.db.count("hub_cas").await, 0);
}

async fn a_dfsp_ca_is_set_validated_and_replaced_as_a_whole(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP Bob", "name": "Bob"}))
        .await;
    let path = format!("/api/environments/{env}/dfsps/DFSP%20Bob/ca");

    let none = expect_json(app.get(&path).await, StatusCode::OK).await;
    assert_eq!(none["rootCertificate"], Value::Null);
    assert_eq!(none["intermediateChain"], Value::Null);
    assert_eq!(none["validations"], json!([]));
    assert_eq!(none["validationState"], "NOT_AVAILABLE");

    // Intermediates in any order, under comment lines.
    let root = ca("Bob Root", None, None);
    let one = ca("Bob Intermediate 1", Some(&root), None);
    let two = ca("Bob Intermediate 2", Some(&one), None);
    let chain = format!(
        "s:/CN=Bob Intermediate 1\n{}s:/CN=Bob Intermediate 2\n{}",
        one.pem(),
        two.pem()
    );
    let set = expect_json(
        app.post_json(
            &path,
            &json!({"rootCertificate": root.pem(), "intermediateChain": chain}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["validationState"], "VALID", "{set}");
    assert_eq!(codes_and_results(&set), all("VALID"));
    assert_eq!(set["intermediateChainInfo"].as_array().unwrap().len(), 2);
    assert_eq!(expect_json(app.get(&path).await, StatusCode::OK).await, set);

    // What cannot be read changes nothing.
    let message = expect_error(
        app.post_json(
            &path,
            &json!({"rootCertificate": "-----BEGIN CERTIFICATE-----\ngarbage"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(
        message.starts_with("Invalid DFSP CA: rootCertificate: "),
        "{message}"
    );
    assert_eq!(expect_json(app.get(&path).await, StatusCode::OK).await, set);

    // An expired root replaces the CA as a whole, intermediates included, and is invalid.
    let old = ca("Bob Old Root", None, Some((1_600_000_000, 1_700_000_000)));
    let replaced = expect_json(
        app.post_json(&path, &json!({"rootCertificate": old.pem()}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(replaced["intermediateChain"], Value::Null);
    assert_eq!(replaced["intermediateChainInfo"], json!([]));
    assert_eq!(replaced["validationState"], "INVALID");
    assert_eq!(
        codes_and_results(&replaced),
        [
            ("VERIFY_ROOT_CERTIFICATE".to_owned(), "INVALID".to_owned()),
            (
                "VERIFY_CHAIN_CERTIFICATES".to_owned(),
                "NOT_AVAILABLE".to_owned()
            ),
            ("CA_CERTIFICATE_USAGE".to_owned(), "VALID".to_owned()),
        ]
    );
    assert!(
        replaced["validations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("'Bob Old Root' has expired"),
        "{replaced}"
    );
    assert_eq!(app.db.count("dfsp_cas").await, 1);

    expect_error(
        app.get(&format!("/api/environments/{env}/dfsps/Nobody/ca"))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.post_json(
            &format!("/api/environments/{env}/dfsps/Nobody/ca"),
            &json!({"rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
}
