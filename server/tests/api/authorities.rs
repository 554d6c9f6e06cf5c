//! The environment's internal CAs: `POST .../cas`, `GET .../cas`, `GET .../ca/rootCert`.

use domain::pki::keys::{open, Passphrase};
use openssl::x509::X509;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_ca_is_made_kept_and_replaced,
    bad_requests_say_what_is_wrong_and_store_nothing,
);

const PASS: &str = "a long test pass phrase";

async fn a_ca_is_made_kept_and_replaced(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = expect_json(
        app.post_json(
            "/api/environments",
            &json!({"name": "DEV", "defaultDN": {"CN": "dev.hub.example.com", "O": "Modusbox", "OU": "MCM", "C": "us"}}),
        )
        .await,
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let message = expect_error(
        app.get(&format!("/api/environments/{env}/ca/rootCert"))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert!(message.contains("has no CA yet"), "{message}");

    // The first CA: the environment's default DN, an ECDSA key, two hosts.
    let first = expect_json(
        app.post_json(
            &format!("/api/environments/{env}/cas"),
            &json!({"csr": {"hosts": ["hub.example.com", "10.0.0.1"], "key": {"algo": "ecdsa", "size": 256}}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let info = &first["certInfo"];
    assert_eq!(info["subject"]["CN"], "dev.hub.example.com");
    assert_eq!(info["subject"]["C"], "US");
    assert_eq!(info["subject"], info["issuer"]);
    assert_eq!(
        info["basicConstraints"],
        json!({"ca": true, "pathLength": null, "critical": true})
    );
    assert_eq!(info["keyUsages"], json!(["keyCertSign", "cRLSign"]));
    assert_eq!(
        info["extensions"]["subjectAltName"]["ips"],
        json!(["10.0.0.1"])
    );
    assert_eq!(info["publicKey"]["curve"], "P-256");
    assert_eq!(info["notBefore"], "2026-11-28T09:25:00Z");
    assert_eq!(info["notAfter"], "2031-11-27T09:30:00Z");
    let body = first.to_string();
    assert!(
        !body.contains("PRIVATE KEY") && !body.contains("sealed"),
        "{body}"
    );
    let pem = first["certificate"].as_str().unwrap();
    let root = X509::from_pem(pem.as_bytes()).unwrap();
    let at = time::macros::datetime!(2026-11-28 09:30 UTC);
    assert_eq!(
        domain::pki::chain::verify(&root, &[], std::slice::from_ref(&root), at),
        Ok(vec!["'dev.hub.example.com'".to_owned()]),
        "OpenSSL validates it, trusting only itself"
    );

    // The key is stored sealed, and opens with the pass phrase into the certificate's key.
    let sealed = app
        .db
        .blobs("SELECT sealed_key FROM certificate_authorities")
        .await;
    assert_eq!(sealed.len(), 1);
    assert!(sealed[0].starts_with(b"CMK1"));
    assert!(!String::from_utf8_lossy(&sealed[0]).contains("PRIVATE KEY"));
    let key = open(&sealed[0], &Passphrase::new(PASS).unwrap()).unwrap();
    assert!(root.public_key().unwrap().public_eq(&key));
    assert!(open(&sealed[0], &Passphrase::new("another").unwrap()).is_err());

    // A second CA, with its own name and an RSA key, becomes the current one.
    let second = expect_json(
        app.post_json(
            &format!("/api/environments/{env}/cas"),
            &json!({"csr": {"names": [{"CN": "DEV Hub CA 2", "O": "Modusbox"}], "key": {"algo": "rsa", "size": 2048}},
                    "default": {"expiry": "8760h", "usages": ["signing", "client auth"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["certInfo"]["subject"]["CN"], "DEV Hub CA 2");
    assert_eq!(second["certInfo"]["publicKey"]["bits"], 2048);
    let current = expect_json(
        app.get(&format!("/api/environments/{env}/ca/rootCert"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(current, second);
    let all = expect_json(
        app.get(&format!("/api/environments/{env}/cas")).await,
        StatusCode::OK,
    )
    .await;
    let summary: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|ca| (ca["id"].clone(), ca["current"].clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (second["id"].clone(), json!(true)),
            (first["id"].clone(), json!(false))
        ]
    );
    assert_eq!(
        all[0]["signingProfile"],
        json!({"expiry": "8760h", "usages": ["signing", "client auth"], "signatureAlgorithm": "SHA256WithRSA"})
    );
    assert_eq!(
        all[1]["signingProfile"],
        json!({"expiry": "43800h", "usages": ["signing", "key encipherment", "client auth"], "signatureAlgorithm": "SHA256WithRSA"})
    );

    // Deleting the environment deletes its CAs and their keys.
    let deleted = app.delete(&format!("/api/environments/{env}")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.db.count("certificate_authorities").await, 0);
}

async fn bad_requests_say_what_is_wrong_and_store_nothing(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = app.create_environment("NO-DN").await;
    let path = format!("/api/environments/{env}/cas");
    let cases = [
        // No names, and the environment has no default DN.
        (json!({}), "csr.names[0].CN: is required: the CA needs a common name (taken from the environment's defaultDN, as csr.names is empty)"),
        (
            json!({"csr": {"names": [{"CN": "CA", "O": "Org", "C": "USA"}]}}),
            "csr.names[0].C: must be a two-letter country code",
        ),
        (
            json!({"csr": {"names": [{"CN": "CA", "O": "Org"}], "key": {"algo": "rsa", "size": 1024}}}),
            "csr.key: an RSA key has 2048, 3072 or 4096 bits (got 1024)",
        ),
        (
            json!({"csr": {"names": [{"CN": "CA", "O": "Org"}], "hosts": ["not a host"]}}),
            "csr.hosts[0]: 'not a host' is neither a DNS name nor an IP address",
        ),
        (
            json!({"csr": {"names": [{"CN": "CA", "O": "Org"}], "expiry": "5y"}}),
            "csr.expiry: 'y' is not a unit of '5y'",
        ),
        (
            json!({"csr": {"names": [{"CN": "CA", "O": "Org"}]}, "default": {"usages": ["cert sign"], "signature_algorithm": "MD5WithRSA"}}),
            "default.usages[0]: 'cert sign' is not one of signing, key encipherment, server auth, client auth",
        ),
        (
            json!({"csr": {"names": [{"CN": "CA", "O": "Org"}]}, "default": {"signature_algorithm": "MD5WithRSA"}}),
            "default.signature_algorithm: 'MD5WithRSA' is not one of SHA256WithRSA, SHA384WithRSA, SHA512WithRSA",
        ),
        (json!({"csr": {"key": {"algo": "rsa", "bits": 2048}}}), "unknown field `bits`"),
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
        app.post_json("/api/environments/9999/cas", &json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    // A list with nothing in it asks whether the environment exists.
    expect_error(
        app.get("/api/environments/9999/cas").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(app.db.count("certificate_authorities").await, 0);
}

/// Without P12_PASS_PHRASE no CA is made, and the answer says how to set it.
#[tokio::test]
async fn without_a_pass_phrase_no_ca_is_made() {
    let app = spawn(Backend::Sqlite).await;
    let env = app.create_environment("DEV").await;
    let message = expect_error(
        app.post_json(
            &format!("/api/environments/{env}/cas"),
            &json!({"csr": {"names": [{"CN": "CA", "O": "Org"}], "key": {"algo": "ecdsa", "size": 256}}}),
        )
        .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;
    assert!(message.contains("set P12_PASS_PHRASE"), "{message}");
    assert_eq!(app.db.count("certificate_authorities").await, 0);
}
