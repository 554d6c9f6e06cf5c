//! Inbound enrollments: a DFSP's CSR, signed once by the environment's CA or answered with a
//! certificate an external Hub CA signed.

use openssl::x509::X509;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::certs::{ca, csr, leaf, rsa};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_csr_is_signed_once_by_the_environments_ca,
    a_certificate_an_external_hub_ca_signed_is_checked_before_it_is_issued,
);

const PASS: &str = "an inbound test pass phrase";

const FULL_DN: [(&str, &str); 7] = [
    ("CN", "dfsp1.example.com"),
    ("OU", "Payments"),
    ("O", "Bank One"),
    ("L", "Kampala"),
    ("ST", "Central"),
    ("C", "UG"),
    ("emailAddress", "pki@bank.example"),
];

fn results(body: &Value) -> Vec<(String, String)> {
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

fn result_of(body: &Value, code: &str) -> String {
    results(body)
        .into_iter()
        .find(|(c, _)| c == code)
        .unwrap_or_else(|| panic!("no {code} in {body}"))
        .1
}

async fn a_csr_is_signed_once_by_the_environments_ca(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    app.create_dfsp(env, json!({"dfspId": "DFSP2", "name": "Bank Two"}))
        .await;
    let base = format!("/api/environments/{env}/dfsps/DFSP1/enrollments/inbound");

    // Garbage is refused and stores nothing.
    let message = expect_error(
        app.post_json(&base, &json!({"clientCSR": "garbage"})).await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(
        message.contains("clientCSR: is not a PEM or DER certificate signing request"),
        "{message}"
    );
    assert_eq!(app.db.count("inbound_enrollments").await, 0);

    // A 4096-bit SHA-256 CSR with the whole DN is VALID; a 2048-bit one is INVALID.
    let key = rsa(4096);
    let created = expect_json(
        app.post_json(
            &base,
            &json!({"clientCSR": csr(&key, &FULL_DN, &["dfsp1.example.com"])}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created["state"], "CSR_LOADED");
    assert_eq!(created["validationState"], "VALID", "{created}");
    assert_eq!(created["certificate"], Value::Null);
    assert_eq!(created["csrInfo"]["subject"]["CN"], "dfsp1.example.com");
    assert_eq!(results(&created).len(), 10);
    assert_eq!(result_of(&created, "CERTIFICATE_VALIDITY"), "NOT_AVAILABLE");
    let id = created["id"].as_i64().unwrap();
    let weak = expect_json(
        app.post_json(&base, &json!({"clientCSR": csr(&rsa(2048), &FULL_DN, &[])}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(weak["validationState"], "INVALID");
    assert_eq!(result_of(&weak, "CSR_PUBLIC_KEY_LENGTH_4096"), "INVALID");

    // Without a CA there is nothing to sign with.
    let sign = format!("{base}/{id}/sign");
    let message = expect_error(
        app.post_json(&sign, &json!({})).await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("has no CA to sign with"), "{message}");

    expect_json(
        app.post_json(&format!("/api/environments/{env}/cas"), &json!({"csr": {"names": [{"CN": "DEV Hub CA", "O": "Example Hub"}], "key": {"algo": "rsa", "size": 2048}}})).await,
        StatusCode::OK,
    )
    .await;
    let signed = expect_json(app.post_json(&sign, &json!({})).await, StatusCode::OK).await;
    assert_eq!(signed["state"], "CERT_SIGNED");
    assert_eq!(signed["validationState"], "VALID", "{signed}");
    assert_eq!(signed["hubCAId"], Value::Null);
    assert_eq!(result_of(&signed, "CSR_CERT_SAME_SUBJECT_INFO"), "VALID");
    assert_eq!(signed["certInfo"]["subject"], created["csrInfo"]["subject"]);
    assert_eq!(
        signed["certInfo"]["extendedKeyUsages"],
        json!(["clientAuth"])
    );
    assert_eq!(signed["signedBy"], "local");

    // OpenSSL validates the certificate against the root the API gives out.
    let root = expect_json(
        app.get(&format!("/api/environments/{env}/ca/rootCert"))
            .await,
        StatusCode::OK,
    )
    .await;
    let root = X509::from_pem(root["certificate"].as_str().unwrap().as_bytes()).unwrap();
    let certificate = X509::from_pem(signed["certificate"].as_str().unwrap().as_bytes()).unwrap();
    let at = time::macros::datetime!(2026-11-28 09:30 UTC);
    domain::pki::chain::verify(&certificate, &[], std::slice::from_ref(&root), at).unwrap();
    assert!(certificate.public_key().unwrap().public_eq(&key));

    // Once only.
    let message = expect_error(
        app.post_json(&sign, &json!({})).await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("has its certificate already"), "{message}");

    // Two signings at once issue one certificate.
    let other = expect_json(
        app.post_json(
            &base,
            &json!({"clientCSR": csr(&rsa(2048), &FULL_DN[..1], &[])}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("{base}/{}/sign", other["id"]);
    let empty = json!({});
    let (a, b) = tokio::join!(app.post_json(&path, &empty), app.post_json(&path, &empty));
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);

    let list = expect_json(app.get(&base).await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(
        expect_json(app.get(&format!("{base}/{id}")).await, StatusCode::OK).await,
        signed
    );
    // Another DFSP's path does not reach it.
    let elsewhere = format!("/api/environments/{env}/dfsps/DFSP2/enrollments/inbound/{id}");
    expect_error(
        app.get(&elsewhere).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.post_json(&format!("{elsewhere}/sign"), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
}

async fn a_certificate_an_external_hub_ca_signed_is_checked_before_it_is_issued(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    let root = ca("External Root", None, None);
    let issuing = ca("External Issuing", Some(&root), None);
    let hub_ca = expect_json(
        app.post_json(
            &format!("/api/environments/{env}/hub/cas"),
            &json!({"name": "External", "rootCertificate": root.pem(), "intermediateChain": issuing.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let hub_ca_id = hub_ca["id"].as_i64().unwrap();
    let base = format!("/api/environments/{env}/dfsps/DFSP1/enrollments/inbound");
    let key = rsa(2048);
    let created = expect_json(
        app.post_json(
            &base,
            &json!({"clientCSR": csr(&key, &FULL_DN, &["dfsp1.example.com"])}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("{base}/{}/certificate", created["id"]);

    let stranger = ca("Stranger", None, None);
    let cases = [
        (json!({"hubCAId": hub_ca_id}), "certificate: is required"),
        (
            json!({"certificate": leaf("dfsp1.example.com", &key, &issuing)}),
            "hubCAId: is required",
        ),
        (
            json!({"certificate": "garbage", "hubCAId": hub_ca_id}),
            "certificate: is not a PEM or DER certificate",
        ),
        (
            json!({"certificate": leaf("dfsp1.example.com", &key, &issuing), "hubCAId": 9999}),
            "hubCAId: Environment",
        ),
        (
            json!({"certificate": leaf("dfsp1.example.com", &rsa(2048), &issuing), "hubCAId": hub_ca_id}),
            "certificate: was not issued for this CSR",
        ),
        (
            json!({"certificate": leaf("dfsp1.example.com", &key, &stranger), "hubCAId": hub_ca_id}),
            "certificate: does not chain to the Hub CA 'External'",
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
    let still = expect_json(
        app.get(&format!("{base}/{}", created["id"])).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["state"], "CSR_LOADED");

    let issued = expect_json(
        app.post_json(&path, &json!({"certificate": leaf("dfsp1.example.com", &key, &issuing), "hubCAId": hub_ca_id})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(issued["state"], "CERT_SIGNED");
    assert_eq!(issued["hubCAId"], hub_ca_id);
    // An external CA may rewrite the subject: only the CN is compared.
    assert_eq!(
        result_of(&issued, "CSR_CERT_SAME_SUBJECT_INFO"),
        "NOT_AVAILABLE"
    );
    assert_eq!(result_of(&issued, "CSR_CERT_SAME_CN"), "VALID");
    assert_eq!(result_of(&issued, "CSR_CERT_SAME_PUBLIC_KEY"), "VALID");
    let message = expect_error(
        app.post_json(&path, &json!({"certificate": leaf("dfsp1.example.com", &key, &issuing), "hubCAId": hub_ca_id})).await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("has its certificate already"), "{message}");

    // The Hub CA that signed stays while the enrollment does.
    let message = expect_error(
        app.delete(&format!("/api/environments/{env}/hub/cas/{hub_ca_id}"))
            .await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("signed 1 DFSP certificate"), "{message}");
}
