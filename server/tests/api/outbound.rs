//! Outbound enrollments: the Hub's CSR (made here with a sealed key, or made elsewhere), signed
//! by the DFSP's CA, returned and validated.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::certs::{ca, csr, rsa, sign_csr};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_csr_made_here_is_signed_by_the_dfsp_ca_returned_and_validated,
    a_certificate_from_another_ca_fails_only_the_dfsp_ca_check,
);

const PASS: &str = "an outbound test pass phrase";

fn result_of(body: &Value, code: &str) -> String {
    body["validations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["validationCode"] == code)
        .unwrap_or_else(|| panic!("no {code} in {body}"))["result"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn invalid_codes(body: &Value) -> Vec<String> {
    body["validations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["result"] == "INVALID")
        .map(|v| v["validationCode"].as_str().unwrap().to_owned())
        .collect()
}

/// The reference scripts' CSR parameters.
fn parameters() -> Value {
    json!({"subject": {"CN": "hub.test.modusbox.com", "L": "XX", "O": "Modusbox", "OU": "PKI", "C": "YY", "ST": "ZZ", "emailAddress": "connection-manager-admin@modusbox.com"},
           "extensions": {"subjectAltName": {"dns": ["hub1.test.modusbox.com", "hub2.test.modusbox.com"], "ips": ["163.10.5.24", "163.10.5.22"]}}})
}

async fn a_csr_made_here_is_signed_by_the_dfsp_ca_returned_and_validated(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    let base = format!("/api/environments/{env}/dfsps/DFSP1/enrollments/outbound");

    for (body, expected) in [
        (
            json!({"extensions": {"subjectAltName": {"dns": ["hub.example.com"]}}}),
            "subject: is required",
        ),
        (
            json!({"subject": {"O": "Hub"}, "extensions": {"subjectAltName": {"dns": ["hub.example.com"]}}}),
            "subject.CN: is required",
        ),
        (
            json!({"subject": {"CN": "hub"}}),
            "extensions.subjectAltName: must have a DNS name (dns) or an IP address (ips)",
        ),
        (
            json!({"subject": {"CN": "hub"}, "extensions": {"subjectAltName": {"ips": ["300.1.1.1"]}}}),
            "'300.1.1.1' is not an IP address",
        ),
        (
            json!({"subject": {"CN": "hub", "emailAddress": "nobody"}, "extensions": {"subjectAltName": {"dns": ["hub"]}}}),
            "'nobody' is not an email address",
        ),
    ] {
        let message = expect_error(
            app.post_json(&format!("{base}/csr"), &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    assert_eq!(app.db.count("outbound_enrollments").await, 0);

    let created = expect_json(
        app.post_json(&format!("{base}/csr"), &parameters()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created["state"], "CSR_LOADED");
    assert_eq!(created["keyKept"], true);
    assert_eq!(created["validationState"], "VALID", "{created}");
    assert_eq!(created["csrInfo"]["publicKey"]["bits"], 4096);
    assert_eq!(
        created["csrInfo"]["extensions"]["subjectAltName"]["ips"],
        json!(["163.10.5.24", "163.10.5.22"])
    );
    assert_eq!(
        result_of(&created, "CERTIFICATE_SIGNED_BY_DFSP_CA"),
        "NOT_AVAILABLE"
    );
    assert!(!created.to_string().contains("PRIVATE KEY"));
    let sealed = app
        .db
        .blobs("SELECT sealed_key FROM outbound_enrollments")
        .await;
    assert!(sealed[0].starts_with(b"CMK1"), "the key is stored sealed");
    let id = created["id"].as_i64().unwrap();
    let path = format!("{base}/{id}");

    let message = expect_error(
        app.post_json(&format!("{path}/validate"), &json!({})).await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("has no certificate yet"), "{message}");

    // The DFSP's CA: a root and an intermediate that signs.
    let root = ca("Bank One Root", None, None);
    let issuing = ca("Bank One Issuing", Some(&root), None);
    expect_json(
        app.post_json(
            &format!("/api/environments/{env}/dfsps/DFSP1/ca"),
            &json!({"rootCertificate": root.pem(), "intermediateChain": issuing.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let hub_csr = created["csr"].as_str().unwrap();
    let message = expect_error(
        app.post_json(
            &format!("{path}/certificate"),
            &json!({"certificate": sign_csr(&csr(&rsa(2048), &[("CN", "x")], &[]), &issuing)}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("was not issued for this CSR"), "{message}");

    let returned = expect_json(
        app.post_json(
            &format!("{path}/certificate"),
            &json!({"certificate": sign_csr(hub_csr, &issuing)}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["state"], "CERT_SIGNED");
    assert_eq!(returned["validationState"], "VALID", "{returned}");
    assert_eq!(
        result_of(&returned, "CSR_CERT_PUBLIC_PRIVATE_KEY_MATCH"),
        "VALID"
    );
    assert_eq!(
        result_of(&returned, "CERTIFICATE_SIGNED_BY_DFSP_CA"),
        "VALID"
    );

    let validated = expect_json(
        app.post_json(&format!("{path}/validate"), &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(validated["state"], "VALIDATED");
    assert_eq!(validated["validatedBy"], "local");
    // Another certificate for the CSR, while the validated one holds, changes nothing (MCM
    // v3's client signs the CSR anew and returns it on every cycle).
    let acknowledged = expect_json(
        app.post_json(
            &format!("{path}/certificate"),
            &json!({"certificate": sign_csr(hub_csr, &issuing)}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(acknowledged["state"], "VALIDATED");
    assert_eq!(acknowledged["certificate"], validated["certificate"]);

    let list = expect_json(
        app.get(&format!("{base}?state=VALIDATED")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let list = expect_json(
        app.get(&format!("{base}?state=CSR_LOADED")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list, json!([]));
    let message = expect_error(
        app.get(&format!("{base}?state=SIGNED")).await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(
        message.contains("'SIGNED' is not one of CSR_LOADED, CERT_SIGNED, VALIDATED"),
        "{message}"
    );
}

async fn a_certificate_from_another_ca_fails_only_the_dfsp_ca_check(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    let base = format!("/api/environments/{env}/dfsps/DFSP1/enrollments/outbound");
    let root = ca("Bank One Root", None, None);
    expect_json(
        app.post_json(
            &format!("/api/environments/{env}/dfsps/DFSP1/ca"),
            &json!({"rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // A CSR the Hub made elsewhere, with the whole DN and a 4096-bit key.
    let hub_csr = csr(
        &rsa(4096),
        &[
            ("CN", "hub.example.com"),
            ("OU", "PKI"),
            ("O", "Hub"),
            ("L", "XX"),
            ("ST", "YY"),
            ("C", "ZZ"),
            ("emailAddress", "pki@hub.example.com"),
        ],
        &["hub.example.com"],
    );
    let created = expect_json(
        app.post_json(&base, &json!({"hubCSR": hub_csr})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created["keyKept"], false);
    let message = expect_error(
        app.post_json(&base, &json!({"hubCSR": "garbage"})).await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(
        message.contains("hubCSR: is not a PEM or DER certificate signing request"),
        "{message}"
    );
    let message = expect_error(
        app.post_json(&format!("{base}/csr"), &parameters()).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;
    assert!(message.contains("set P12_PASS_PHRASE"), "{message}");

    let path = format!("{base}/{}", created["id"]);
    let stranger = ca("Stranger", None, None);
    let returned = expect_json(
        app.post_json(
            &format!("{path}/certificate"),
            &json!({"certificate": sign_csr(&hub_csr, &stranger)}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["state"], "CERT_SIGNED");
    assert_eq!(invalid_codes(&returned), ["CERTIFICATE_SIGNED_BY_DFSP_CA"]);
    assert_eq!(
        result_of(&returned, "CSR_CERT_PUBLIC_PRIVATE_KEY_MATCH"),
        "NOT_AVAILABLE"
    );
    let checked = expect_json(
        app.post_json(&format!("{path}/validate"), &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        checked["state"], "CERT_SIGNED",
        "an invalid certificate is not validated"
    );
    assert_eq!(checked["validationState"], "INVALID");

    // The right certificate may replace it until it is validated.
    let fixed = expect_json(
        app.post_json(
            &format!("{path}/certificate"),
            &json!({"certificate": sign_csr(&hub_csr, &root)}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fixed["validationState"], "VALID", "{fixed}");
    let validated = expect_json(
        app.post_json(&format!("{path}/validate"), &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(validated["state"], "VALIDATED");
}
