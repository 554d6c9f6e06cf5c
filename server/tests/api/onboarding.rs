//! The onboarding board, walked from an empty DFSP to a fully onboarded one: after each step
//! the board says it is done and who is awaited next; a check that fails makes the step and
//! the DFSP failing, naming the check; a DFSP operator sees their own DFSP's row only.

use openssl::nid::Nid;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::certs::{ca, ec, sign_csr, tls};
use crate::helpers::*;
use crate::identity_provider::TestProvider;
use crate::on_both_backends;

on_both_backends!(
    a_dfsp_walks_from_nothing_to_onboarded,
    a_revoked_client_certificate_sends_the_dfsp_back,
    a_dfsp_operator_sees_their_own_row
);

const PASS: &str = "an onboarding test pass phrase";

async fn ok(response: reqwest::Response) -> Value {
    expect_json(response, StatusCode::OK).await
}

/// DFSP1's row: its overall state and each step's state, in order.
async fn row(app: &TestApp, env: i64) -> (String, Vec<String>, Value) {
    let board = ok(app
        .get(&format!("/api/environments/{env}/onboarding"))
        .await)
    .await;
    let row = board
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["dfspId"] == "DFSP1")
        .unwrap()
        .clone();
    let steps = row["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap().to_owned())
        .collect();
    (row["state"].as_str().unwrap().to_owned(), steps, row)
}

fn states(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

async fn a_dfsp_walks_from_nothing_to_onboarded(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = ok(app
        .post_json(
            "/api/environments",
            &json!({"name": "Onboarding", "defaultDN": {"CN": "hub.example.com", "O": "Hub"}}),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let e = format!("/api/environments/{env}");
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    ok(app
        .post_json(
            &format!("{e}/cas"),
            &json!({"csr": {"hosts": ["hub.example.com"], "key": {"algo": "ecdsa", "size": 256}}}),
        )
        .await)
    .await;
    let (d, h) = ("waitingOnDfsp", "waitingOnHub");

    // Nothing yet: the DFSP is awaited for everything but the Hub's CSR.
    let (state, steps, first) = row(&app, env).await;
    assert_eq!(state, "waitingOnHub");
    assert_eq!(steps, states(&[d, d, d, d, d, h, h, d, d, d]));
    assert_eq!(first["done"], 0);
    assert_eq!(first["name"], "Bank One");
    assert_eq!(first["steps"][0]["step"], "endpointsSubmitted");
    assert_eq!(first["steps"][9]["step"], "jwsCertificate");

    // Endpoints: given by the DFSP, then confirmed by the Hub.
    let item = ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP1/endpoints/ingress/ips"),
            &json!({"value": {"address": "10.1.0.0/16", "ports": ["443"]}}),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let (_, steps, _) = row(&app, env).await;
    assert_eq!(steps[..2], states(&["done", h]));
    ok(app
        .client
        .post(app.url(&format!("{e}/dfsps/DFSP1/endpoints/{item}/confirmation")))
        .send()
        .await
        .unwrap())
    .await;
    let (_, steps, _) = row(&app, env).await;
    assert_eq!(steps[..2], states(&["done", "done"]));

    // The DFSP's CA, and its client certificate: the CSR awaits the Hub, then it is signed.
    let root = ca("Bank One Root", None, None);
    let issuing = ca("Bank One Issuing", Some(&root), None);
    ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP1/ca"),
            &json!({"rootCertificate": root.pem(), "intermediateChain": issuing.pem()}),
        )
        .await)
    .await;
    app.signed_inbound_enrollment(env, "DFSP1").await;
    let (_, steps, _) = row(&app, env).await;
    assert_eq!(steps[2..5], states(&["done", "done", "done"]));

    // The Hub's CSR, returned signed by the DFSP's CA, then validated by the Hub.
    let outbound = format!("{e}/dfsps/DFSP1/enrollments/outbound");
    let made = ok(app
        .post_json(
            &format!("{outbound}/csr"),
            &json!({"subject": {"CN": "hub.example.com", "L": "XX", "O": "Hub", "OU": "PKI", "C": "YY", "ST": "ZZ", "emailAddress": "pki@hub.example.com"}, "extensions": {"subjectAltName": {"dns": ["hub.example.com"]}}}),
        )
        .await)
    .await;
    let (_, steps, _) = row(&app, env).await;
    assert_eq!(steps[5..8], states(&["done", d, d]));
    let id = made["id"].as_i64().unwrap();
    ok(app
        .post_json(
            &format!("{outbound}/{id}/certificate"),
            &json!({"certificate": sign_csr(made["csr"].as_str().unwrap(), &issuing)}),
        )
        .await)
    .await;
    let (_, steps, _) = row(&app, env).await;
    assert_eq!(steps[5..8], states(&["done", "done", h]));
    ok(app
        .post_json(&format!("{outbound}/{id}/validate"), &json!({}))
        .await)
    .await;
    let (state, steps, _) = row(&app, env).await;
    assert_eq!(steps[..8], states(&["done"; 8]));
    assert_eq!(state, "waitingOnDfsp");

    // A server certificate that fails its checks (no serverAuth usage) makes the DFSP failing,
    // naming the check; a good one and the JWS certificate finish the onboarding.
    let key = ec(Nid::X9_62_PRIME256V1);
    let wrong = json!({"serverCertificate": tls("dfsp1.example.com", &key, &issuing, "clientAuth"), "intermediateChain": issuing.pem(), "rootCertificate": root.pem()});
    ok(app
        .post_json(&format!("{e}/dfsps/DFSP1/servercerts"), &wrong)
        .await)
    .await;
    let (state, steps, row_now) = row(&app, env).await;
    assert_eq!(state, "failing");
    assert_eq!(steps[8], "failing");
    let failing = row_now["steps"][8]["failingValidation"].as_str().unwrap();
    assert!(!failing.is_empty(), "{row_now}");
    // (The server check also wants a strong key: EC P-384, as strong as RSA 7680.)
    let strong = ec(Nid::SECP384R1);
    let right = json!({"serverCertificate": tls("dfsp1.example.com", &strong, &issuing, "serverAuth"), "intermediateChain": issuing.pem(), "rootCertificate": root.pem()});
    ok(app
        .post_json(&format!("{e}/dfsps/DFSP1/servercerts"), &right)
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP1/jwscerts"),
            &json!({"jwsCertificate": tls("DFSP1 JWS", &ec(Nid::X9_62_PRIME256V1), &issuing, "clientAuth")}),
        )
        .await)
    .await;
    let (state, steps, row_now) = row(&app, env).await;
    assert_eq!(steps, states(&["done"; 10]), "{row_now}");
    assert_eq!(state, "onboarded");
    assert_eq!(row_now["done"], 10);
}

/// The board counts the client certificates from the enrollments' states alone: one signed
/// and then revoked is no longer done, and the DFSP is asked for a new CSR; one CSR awaiting the
/// Hub then shows as the Hub's turn.
async fn a_revoked_client_certificate_sends_the_dfsp_back(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = ok(app
        .post_json(
            "/api/environments",
            &json!({"name": "Revoked", "defaultDN": {"CN": "hub.example.com", "O": "Hub"}}),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let e = format!("/api/environments/{env}");
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    ok(app
        .post_json(
            &format!("{e}/cas"),
            &json!({"csr": {"hosts": ["hub.example.com"], "key": {"algo": "ecdsa", "size": 256}}}),
        )
        .await)
    .await;
    let signed = app.signed_inbound_enrollment(env, "DFSP1").await;
    let (_, steps, _) = row(&app, env).await;
    assert_eq!(steps[3..5], states(&["done", "done"]));

    ok(app
        .post_json(
            &format!("{e}/certificates/inboundEnrollment.{signed}/revoke"),
            &json!({"reason": "keyCompromise"}),
        )
        .await)
    .await;
    let (_, steps, row_json) = row(&app, env).await;
    assert_eq!(steps[3..5], states(&["done", "waitingOnDfsp"]));
    assert!(
        row_json["steps"][4]["detail"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{row_json}"
    );
}

async fn a_dfsp_operator_sees_their_own_row(backend: Backend) {
    let provider = TestProvider::start().await;
    let app = spawn_with(backend, &borrowed(&provider.settings())).await;
    let hub = provider.hub_operator();
    let env = app.create_environment_as(&hub, "DEV").await;
    for dfsp in ["DFSP1", "DFSP2"] {
        let body = json!({"dfspId": dfsp, "name": format!("Bank {dfsp}")});
        let path = format!("/api/environments/{env}/dfsps");
        ok(app.request_as(Method::POST, &path, &hub, Some(body)).await).await;
    }
    let path = format!("/api/environments/{env}/onboarding");
    let board = |token: String| {
        let (app, path) = (&app, path.clone());
        async move { app.request_as(Method::GET, &path, &token, None).await }
    };
    let all = ok(board(hub.clone()).await).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let own = ok(board(provider.dfsp_operator("DFSP2")).await).await;
    let ids: Vec<&str> = own
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["dfspId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["DFSP2"]);
}
