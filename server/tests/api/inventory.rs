//! The certificate inventory: every kind of certificate an environment keeps, each listed once,
//! soonest to expire first, with its state as of the server's clock; its filters; and what a
//! DFSP operator sees of it.

use openssl::nid::Nid;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::certs::{ca, ec, sign_csr, tls};
use crate::helpers::*;
use crate::identity_provider::TestProvider;
use crate::on_both_backends;

on_both_backends!(
    every_kind_is_listed_once_soonest_first,
    the_inventory_is_filtered_and_follows_the_clock,
    a_dfsp_operator_sees_the_hubs_public_certificates_and_their_own
);

const PASS: &str = "an inventory test pass phrase";
/// 2026-12-10T00:00:00Z: eleven and a half days after the test clock's 2026-11-28 09:30.
const SOON: i64 = 1_796_860_800;
/// 2026-01-01T00:00:00Z.
const NEW_YEAR: i64 = 1_767_225_600;

async fn ok(response: reqwest::Response) -> Value {
    expect_json(response, StatusCode::OK).await
}

async fn inventory(app: &TestApp, env: i64, query: &str) -> Vec<Value> {
    ok(app
        .get(&format!("/api/environments/{env}/certificates{query}"))
        .await)
    .await
    .as_array()
    .unwrap()
    .clone()
}

fn fingerprint(pem: &str) -> String {
    let x509 = openssl::x509::X509::from_pem(pem.as_bytes()).unwrap();
    x509.digest(openssl::hash::MessageDigest::sha256())
        .unwrap()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// An environment holding one certificate of every kind: its CA, a Hub CA whose intermediate
/// expires on [`SOON`], DFSP1's CA with an intermediate, DFSP1's inbound and outbound
/// certificates, the Hub's and DFSP1's server certificates (DFSP1's with DFSP1's CA as its
/// chain), DFSP1's JWS certificate, and DFSP2's CA. Returns the environment and the PEM of
/// DFSP1's root and of the expiring intermediate.
async fn populated(app: &TestApp) -> (i64, String, String) {
    let env = ok(app
        .post_json(
            "/api/environments",
            &json!({"name": "Inventory", "defaultDN": {"CN": "hub.example.com", "O": "Hub"}}),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let e = format!("/api/environments/{env}");
    for dfsp in ["DFSP1", "DFSP2"] {
        ok(app
            .post_json(
                &format!("{e}/dfsps"),
                &json!({"dfspId": dfsp, "name": format!("Bank {dfsp}")}),
            )
            .await)
        .await;
    }
    ok(app
        .post_json(
            &format!("{e}/cas"),
            &json!({"csr": {"hosts": ["hub.example.com"], "key": {"algo": "ecdsa", "size": 256}}}),
        )
        .await)
    .await;
    let hub_root = ca("Hub External Root", None, None);
    let hub_issuing = ca(
        "Hub External Issuing",
        Some(&hub_root),
        Some((NEW_YEAR, SOON)),
    );
    ok(app
        .post_json(
            &format!("{e}/hub/cas"),
            &json!({"name": "Hub PKI", "rootCertificate": hub_root.pem(), "intermediateChain": hub_issuing.pem()}),
        )
        .await)
    .await;
    let root = ca("Bank One Root", None, None);
    let issuing = ca("Bank One Issuing", Some(&root), None);
    ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP1/ca"),
            &json!({"rootCertificate": root.pem(), "intermediateChain": issuing.pem()}),
        )
        .await)
    .await;
    let other_root = ca("Bank Two Root", None, None);
    ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP2/ca"),
            &json!({"rootCertificate": other_root.pem()}),
        )
        .await)
    .await;

    app.signed_inbound_enrollment(env, "DFSP1").await;

    let outbound = format!("{e}/dfsps/DFSP1/enrollments/outbound");
    let made = ok(app
        .post_json(
            &format!("{outbound}/csr"),
            &json!({"subject": {"CN": "hub.example.com", "L": "XX", "O": "Hub", "OU": "PKI", "C": "YY", "ST": "ZZ", "emailAddress": "pki@hub.example.com"}, "extensions": {"subjectAltName": {"dns": ["hub.example.com"]}}}),
        )
        .await)
    .await;
    let hub_csr = made["csr"].as_str().unwrap();
    ok(app
        .post_json(
            &format!("{outbound}/{}/certificate", made["id"]),
            &json!({"certificate": sign_csr(hub_csr, &issuing)}),
        )
        .await)
    .await;

    let tls_root = ca("TLS Root", None, None);
    ok(app
        .post_json(
            &format!("{e}/hub/servercerts"),
            &json!({"serverCertificate": tls("hub.example.com", &ec(Nid::X9_62_PRIME256V1), &tls_root, "serverAuth"), "rootCertificate": tls_root.pem()}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP1/servercerts"),
            &json!({"serverCertificate": tls("dfsp1.example.com", &ec(Nid::X9_62_PRIME256V1), &issuing, "serverAuth"), "intermediateChain": issuing.pem(), "rootCertificate": root.pem()}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP1/jwscerts"),
            &json!({"jwsCertificate": tls("DFSP1 JWS", &ec(Nid::X9_62_PRIME256V1), &issuing, "clientAuth"), "rootCertificate": root.pem()}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{e}/hub/jwscerts"),
            &json!({"jwsCertificate": tls("Hub JWS", &ec(Nid::X9_62_PRIME256V1), &tls_root, "clientAuth"), "rootCertificate": tls_root.pem()}),
        )
        .await)
    .await;
    (env, root.pem(), hub_issuing.pem())
}

fn kinds(list: &[Value]) -> Vec<&str> {
    list.iter().map(|c| c["kind"].as_str().unwrap()).collect()
}

fn find<'a>(list: &'a [Value], kind: &str, role: &str, owner: &str) -> Vec<&'a Value> {
    list.iter()
        .filter(|c| c["kind"] == kind && c["role"] == role && c["owner"] == owner)
        .collect()
}

async fn every_kind_is_listed_once_soonest_first(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let (env, dfsp_root, expiring) = populated(&app).await;
    let list = inventory(&app, env, "").await;

    let mut every_kind = kinds(&list);
    every_kind.sort();
    every_kind.dedup();
    assert_eq!(
        every_kind,
        [
            "dfspCa",
            "dfspJws",
            "dfspServer",
            "hubCa",
            "hubJws",
            "hubServer",
            "inboundEnrollment",
            "internalCa",
            "outboundEnrollment"
        ],
        "{list:#?}"
    );
    // Soonest to expire first, and nothing listed twice for one owner.
    let not_after: Vec<&str> = list
        .iter()
        .map(|c| c["notAfter"].as_str().unwrap())
        .collect();
    assert!(not_after.windows(2).all(|w| w[0] <= w[1]), "{not_after:?}");
    let mut seen = std::collections::BTreeSet::new();
    for c in &list {
        let key = (c["owner"].to_string(), c["fingerprintSha256"].to_string());
        assert!(seen.insert(key), "listed twice: {c}");
    }

    // The expiring intermediate comes first, with its days left and its place in its chain.
    let first = &list[0];
    assert_eq!(
        first["fingerprintSha256"],
        fingerprint(&expiring),
        "{first}"
    );
    assert_eq!(
        (&first["kind"], &first["role"], &first["owner"]),
        (&json!("hubCa"), &json!("intermediate"), &json!("hub"))
    );
    assert!(first["id"].as_str().unwrap().starts_with("hubCa."));
    assert!(first["id"].as_str().unwrap().ends_with(".1"), "{first}");
    assert_eq!(first["status"], "expiring");
    assert_eq!(first["daysLeft"], 11);
    assert_eq!(first["link"], format!("/environments/{env}/ca"));
    assert_eq!(first["subject"], "CN=Hub External Issuing, O=Test DFSP");
    assert_eq!(first["issuer"], "CN=Hub External Root, O=Test DFSP");
    assert!(first.get("dfspId").is_none());
    assert!(
        list[1..].iter().all(|c| c["status"] == "valid"),
        "{list:#?}"
    );

    // DFSP1's root is kept in its CA and in its server and JWS chains: listed once, as its CA.
    let roots: Vec<&Value> = list
        .iter()
        .filter(|c| c["fingerprintSha256"] == fingerprint(&dfsp_root))
        .collect();
    assert_eq!(roots.len(), 1, "{roots:?}");
    assert_eq!(
        (&roots[0]["kind"], &roots[0]["role"]),
        (&json!("dfspCa"), &json!("root"))
    );
    assert_eq!(
        roots[0]["link"],
        format!("/environments/{env}/dfsps/DFSP1/ca")
    );
    assert_eq!(find(&list, "dfspCa", "intermediate", "DFSP1").len(), 1);
    let servers: Vec<&Value> = list.iter().filter(|c| c["kind"] == "dfspServer").collect();
    assert_eq!(
        servers.len(),
        1,
        "only the server certificate itself: {servers:?}"
    );
    assert_eq!(servers[0]["role"], "endEntity");
    assert_eq!(
        servers[0]["link"],
        format!("/environments/{env}/dfsps/DFSP1/server-certificate")
    );

    // Whose each certificate is, and where the portal shows it.
    let inbound = find(&list, "inboundEnrollment", "endEntity", "DFSP1");
    assert_eq!(inbound.len(), 1);
    assert_eq!(inbound[0]["dfspId"], "DFSP1");
    let enrollment = inbound[0]["id"]
        .as_str()
        .unwrap()
        .trim_start_matches("inboundEnrollment.");
    assert_eq!(
        inbound[0]["link"],
        format!("/environments/{env}/dfsps/DFSP1/certificates#enrollment-{enrollment}")
    );
    assert_eq!(inbound[0]["revocable"], true);
    assert!(list
        .iter()
        .filter(|c| c["kind"] != "inboundEnrollment")
        .all(|c| c["revocable"] == false));
    let outbound = find(&list, "outboundEnrollment", "endEntity", "hub");
    assert_eq!(outbound.len(), 1, "the Hub's key, for DFSP1: {list:#?}");
    assert_eq!(outbound[0]["dfspId"], "DFSP1");
    assert_eq!(
        outbound[0]["link"],
        format!("/environments/{env}/dfsps/DFSP1/hub-certificates")
    );
    let internal = find(&list, "internalCa", "root", "hub");
    assert_eq!(internal.len(), 1);
    assert_eq!(
        internal[0]["subject"].as_str().unwrap().split(", ").next(),
        Some("CN=hub.example.com")
    );
    assert_eq!(find(&list, "hubServer", "endEntity", "hub").len(), 1);
    assert_eq!(find(&list, "hubServer", "root", "hub").len(), 1);
    assert_eq!(find(&list, "dfspJws", "endEntity", "DFSP1").len(), 1);
    assert_eq!(find(&list, "dfspCa", "root", "DFSP2").len(), 1);
    for c in &list {
        let serial = c["serial"].as_str().unwrap();
        assert!(serial.split(':').all(|b| b.len() == 2), "{serial}");
        assert!(c["notBefore"].as_str().unwrap() < c["notAfter"].as_str().unwrap());
    }

    // A missing environment is not an empty list.
    expect_error(
        app.get("/api/environments/9999/certificates").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
}

async fn the_inventory_is_filtered_and_follows_the_clock(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let (env, _, expiring) = populated(&app).await;

    let cas = inventory(&app, env, "?kind=dfspCa").await;
    assert_eq!(
        cas.len(),
        3,
        "DFSP1's root and intermediate, DFSP2's root: {cas:#?}"
    );
    assert!(cas.iter().all(|c| c["kind"] == "dfspCa"));
    let dfsp2 = inventory(&app, env, "?owner=DFSP2").await;
    assert_eq!(kinds(&dfsp2), ["dfspCa"]);
    let hub = inventory(&app, env, "?owner=hub").await;
    assert!(hub
        .iter()
        .all(|c| c["owner"] == "hub" && c.get("dfspId").is_none_or(|d| d == "DFSP1")));
    assert!(kinds(&hub).contains(&"outboundEnrollment"));
    let soon = inventory(&app, env, "?status=expiring").await;
    assert_eq!(soon.len(), 1);
    assert_eq!(soon[0]["fingerprintSha256"], fingerprint(&expiring));
    assert!(inventory(&app, env, "?status=expired").await.is_empty());
    assert_eq!(
        inventory(&app, env, "?kind=hubCa&status=expiring&owner=hub")
            .await
            .len(),
        1
    );
    assert!(inventory(&app, env, "?kind=hubCa&owner=DFSP1")
        .await
        .is_empty());
    assert_eq!(
        inventory(&app, env, "?kind=&owner=&status=").await.len(),
        inventory(&app, env, "").await.len(),
        "blank filters select everything"
    );

    // Unknown values are told the known ones.
    let message = expect_error(
        app.get(&format!("/api/environments/{env}/certificates?kind=ca"))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(
        message.contains("'ca'") && message.contains("internalCa"),
        "{message}"
    );
    let message = expect_error(
        app.get(&format!("/api/environments/{env}/certificates?status=old"))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("expiring"), "{message}");

    // A day after the intermediate's end it is expired, and a day before, no longer
    // "more than a day" left.
    app.clock
        .set(time::macros::datetime!(2026-12-09 12:00:00 UTC));
    let soon = inventory(&app, env, "?status=expiring").await;
    assert_eq!(soon[0]["daysLeft"], 0);
    app.clock
        .set(time::macros::datetime!(2026-12-11 09:00:00 UTC));
    let expired = inventory(&app, env, "?status=expired").await;
    assert_eq!(expired.len(), 1, "{expired:#?}");
    assert_eq!(expired[0]["daysLeft"], -2);
    assert!(inventory(&app, env, "?status=expiring").await.is_empty());
}

async fn a_dfsp_operator_sees_the_hubs_public_certificates_and_their_own(backend: Backend) {
    let provider = TestProvider::start().await;
    let app = spawn_with(backend, &borrowed(&provider.settings())).await;
    let hub = provider.hub_operator();
    let env = app.create_environment_as(&hub, "DEV").await;
    let e = format!("/api/environments/{env}");
    let hub_root = ca("Hub External Root", None, None);
    let body = json!({"name": "Hub PKI", "rootCertificate": hub_root.pem()});
    ok(app
        .request_as(Method::POST, &format!("{e}/hub/cas"), &hub, Some(body))
        .await)
    .await;
    for dfsp in ["DFSP1", "DFSP2"] {
        let body = json!({"dfspId": dfsp, "name": format!("Bank {dfsp}")});
        ok(app
            .request_as(Method::POST, &format!("{e}/dfsps"), &hub, Some(body))
            .await)
        .await;
        let root = ca(&format!("{dfsp} Root"), None, None);
        let (path, operator) = (format!("{e}/dfsps/{dfsp}/ca"), provider.dfsp_operator(dfsp));
        let body = json!({"rootCertificate": root.pem()});
        ok(app
            .request_as(Method::POST, &path, &operator, Some(body))
            .await)
        .await;
    }
    let list = |token: String, query: &'static str| {
        let (app, path) = (&app, format!("{e}/certificates{query}"));
        async move { ok(app.request_as(Method::GET, &path, &token, None).await).await }
    };
    let everything = list(hub.clone(), "").await;
    assert_eq!(everything.as_array().unwrap().len(), 3, "{everything}");

    let mine = list(provider.dfsp_operator("DFSP1"), "").await;
    let mine = mine.as_array().unwrap();
    let mut owners: Vec<(&str, &str)> = mine
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["owner"].as_str().unwrap()))
        .collect();
    owners.sort();
    assert_eq!(owners, [("dfspCa", "DFSP1"), ("hubCa", "hub")]);
    let other = list(provider.dfsp_operator("DFSP1"), "?owner=DFSP2").await;
    assert_eq!(
        other,
        json!([]),
        "another DFSP's certificates are not listed"
    );

    // Reading needs a principal, as everything else does.
    let anonymous = app.get(&format!("{e}/certificates")).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
