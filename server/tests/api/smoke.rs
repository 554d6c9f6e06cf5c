//! The reference's smoke sequence (`scripts/cmd-line-tester.sh`, auth disabled), as MCM's users
//! ran it against MCM: environment, CA, DFSPs, inbound enrollments, then both outbound options.

use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::extension::{ExtendedKeyUsage, KeyUsage};
use openssl::x509::{X509NameBuilder, X509ReqBuilder, X509};
use reqwest::StatusCode;
use serde_json::json;

use crate::certs::{self, rsa, sign_csr};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(the_reference_smoke_sequence_passes);

/// The scripts' CSR: `openssl req -new -newkey rsa:N` with a `v3_ca` section.
fn smoke_csr(key: &PKey<Private>) -> String {
    let mut name = X509NameBuilder::new().unwrap();
    for (field, value) in [
        ("emailAddress", "connection-manager@DFSP Bob"),
        ("CN", "DFSP Bob"),
        ("O", "DFSP Bob"),
        ("OU", "DFSP Bob"),
        ("L", "XX"),
        ("ST", "YY"),
        ("C", "ZZ"),
    ] {
        name.append_entry_by_text(field, value).unwrap();
    }
    let mut builder = X509ReqBuilder::new().unwrap();
    builder.set_subject_name(&name.build()).unwrap();
    builder.set_pubkey(key).unwrap();
    let mut extensions = Stack::new().unwrap();
    extensions
        .push(
            KeyUsage::new()
                .digital_signature()
                .key_encipherment()
                .data_encipherment()
                .build()
                .unwrap(),
        )
        .unwrap();
    extensions
        .push(ExtendedKeyUsage::new().client_auth().build().unwrap())
        .unwrap();
    builder.add_extensions(&extensions).unwrap();
    builder.sign(key, MessageDigest::sha256()).unwrap();
    String::from_utf8(builder.build().to_pem().unwrap()).unwrap()
}

async fn the_reference_smoke_sequence_passes(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", "smoke pass phrase")]).await;
    let env = expect_json(
        app.post_json("/api/environments", &json!({"name": "DEMO_ENV_1", "defaultDN": {"CN": "tes1.centralhub.modusbox.live", "O": "Modusbox", "OU": "PKI"}})).await,
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    expect_json(
        app.get(&format!("/api/environments/{env}")).await,
        StatusCode::OK,
    )
    .await;
    // The scripts' CA body, with its lowercase "SHA256withRSA".
    let ca = expect_json(
        app.post_json(
            &format!("/api/environments/{env}/cas"),
            &json!({"default": {"expiry": "43800h", "usages": ["signing", "key encipherment", "client auth"], "signature_algorithm": "SHA256withRSA"},
                    "csr": {"hosts": ["hub1.test.modusbox.com", "hub2.test.modusbox.com", "163.10.5.24", "163.10.5.22"], "key": {"algo": "rsa", "size": 4096}, "names": [{"CN": "Mojaloop PKI", "O": "Mojaloop", "OU": "PKI"}]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ca["certInfo"]["signatureAlgorithm"], "SHA256WithRSA");
    expect_json(app.get("/api/environments").await, StatusCode::OK).await;
    for name in ["DFSP Alice", "DFSP Bob"] {
        app.create_dfsp(env, json!({"dfspId": name, "name": name}))
            .await;
    }
    expect_json(
        app.get(&format!("/api/environments/{env}/dfsps")).await,
        StatusCode::OK,
    )
    .await;

    let inbound = format!("/api/environments/{env}/dfsps/DFSP%20Bob/enrollments/inbound");
    let small = expect_json(
        app.post_json(&inbound, &json!({"clientCSR": smoke_csr(&rsa(2048))}))
            .await,
        StatusCode::OK,
    )
    .await;
    let small = expect_json(
        app.get(&format!("{inbound}/{}", small["id"])).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(small["validationState"], "INVALID");
    assert!(small.to_string().contains("CSR_PUBLIC_KEY_LENGTH_4096"));

    let key = rsa(4096);
    let csr = smoke_csr(&key);
    let id = expect_json(
        app.post_json(&inbound, &json!({"clientCSR": csr})).await,
        StatusCode::OK,
    )
    .await["id"]
        .clone();
    let read = expect_json(app.get(&format!("{inbound}/{id}")).await, StatusCode::OK).await;
    assert_eq!(read["validationState"], "VALID", "{read}");
    // The list, with the scripts' trailing slash.
    let list = expect_json(app.get(&format!("{inbound}/")).await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    expect_json(
        app.post_json(&format!("{inbound}/{id}/sign"), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let signed = expect_json(app.get(&format!("{inbound}/{id}")).await, StatusCode::OK).await;
    assert_eq!(signed["validationState"], "VALID", "{signed}");
    assert_eq!(signed["state"], "CERT_SIGNED");

    // The modulus check: CSR, certificate and key share the RSA modulus.
    let certificate = X509::from_pem(signed["certificate"].as_str().unwrap().as_bytes()).unwrap();
    let request = openssl::x509::X509Req::from_pem(csr.as_bytes()).unwrap();
    let modulus = |key: PKey<openssl::pkey::Public>| key.rsa().unwrap().n().to_vec();
    let key_modulus = key.rsa().unwrap().n().to_vec();
    assert_eq!(modulus(certificate.public_key().unwrap()), key_modulus);
    assert_eq!(modulus(request.public_key().unwrap()), key_modulus);

    // `openssl verify -CAfile rootCA.cert dfsp_inbound.cert`.
    let root = expect_json(
        app.get(&format!("/api/environments/{env}/ca/rootCert"))
            .await,
        StatusCode::OK,
    )
    .await;
    let root = X509::from_pem(root["certificate"].as_str().unwrap().as_bytes()).unwrap();
    let mut store = openssl::x509::store::X509StoreBuilder::new().unwrap();
    store.add_cert(root).unwrap();
    let store = store.build();
    let mut context = openssl::x509::X509StoreContext::new().unwrap();
    let chain = Stack::new().unwrap();
    let verified = context
        .init(&store, &certificate, &chain, |c| c.verify_cert())
        .unwrap();
    assert!(verified, "openssl verify fails");
    assert_eq!(signed["certInfo"]["subject"]["CN"], "DFSP Bob");

    // Outbound, option 1: the server makes the key and the CSR; a DFSP CA made locally signs it.
    let outbound = format!("/api/environments/{env}/dfsps/DFSP%20Bob/enrollments/outbound");
    let dfsp_ca = certs::ca("DFSP One", None, None);
    let created = expect_json(
        app.post_json(
            &format!("{outbound}/csr"),
            &json!({"subject": {"CN": "hub.test.modusbox.com", "L": "XX", "O": "Modusbox", "OU": "PKI", "C": "YY", "ST": "ZZ", "emailAddress": "connection-manager-admin@modusbox.com"},
                    "extensions": {"subjectAltName": {"dns": ["hub1.test.modusbox.com", "hub2.test.modusbox.com"], "ips": ["163.10.5.24", "163.10.5.22"]}}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let read = expect_json(
        app.get(&format!("{outbound}/{}", created["id"])).await,
        StatusCode::OK,
    )
    .await;
    let certificate = sign_csr(read["csr"].as_str().unwrap(), &dfsp_ca);
    let returned = expect_json(
        app.post_json(
            &format!("{outbound}/{}/certificate", created["id"]),
            &json!({"certificate": certificate}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["state"], "CERT_SIGNED");

    // Option 2: the Hub's CSR made locally.
    let hub_csr = certs::csr(
        &rsa(4096),
        &[
            ("CN", "test1.centralhub.mojaloop.org"),
            ("O", "HUB1"),
            ("OU", "1"),
            ("emailAddress", "connection-manager@hub1"),
        ],
        &[],
    );
    let created = expect_json(
        app.post_json(&outbound, &json!({"hubCSR": hub_csr})).await,
        StatusCode::OK,
    )
    .await;
    assert!(created["id"].as_i64().is_some());
    let read = expect_json(
        app.get(&format!("{outbound}/{}", created["id"])).await,
        StatusCode::OK,
    )
    .await;
    let certificate = sign_csr(read["csr"].as_str().unwrap(), &dfsp_ca);
    let returned = expect_json(
        app.post_json(
            &format!("{outbound}/{}/certificate", created["id"]),
            &json!({"certificate": certificate}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["state"], "CERT_SIGNED");
}
