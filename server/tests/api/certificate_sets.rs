//! The Hub's and the DFSPs' TLS server certificates and the DFSPs' JWS certificates: one set
//! per owner, stored or replaced, validated as of the request, listed and removed.

use futures_util::stream::{self, StreamExt};
use openssl::nid::Nid;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::certs::{ca, ec, rsa, tls};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    the_hubs_server_certificate_is_stored_replaced_and_removed,
    dfsp_server_and_jws_certificates_are_kept_per_dfsp_and_listed,
    certificate_sets_that_cannot_be_read_store_nothing,
    concurrent_stores_leave_one_set,
);

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

fn invalid_codes(body: &Value) -> Vec<String> {
    results(body)
        .into_iter()
        .filter(|(_, result)| result == "INVALID")
        .map(|(code, _)| code)
        .collect()
}

async fn the_hubs_server_certificate_is_stored_replaced_and_removed(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let root = ca("Hub TLS Root", None, None);
    let issuing = ca("Hub TLS Issuing", Some(&root), None);
    let server = tls(
        "hub.example.com",
        &ec(Nid::SECP384R1),
        &issuing,
        "serverAuth",
    );
    let path = format!("/api/environments/{env}/hub/servercerts");

    let message = expect_error(app.get(&path).await, StatusCode::NOT_FOUND, "NotFoundError").await;
    assert!(
        message.contains("The Hub has no server certificate"),
        "{message}"
    );
    expect_error(
        app.put_json(&path, &json!({"serverCertificate": server}))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(
        app.db.count("hub_server_certs").await,
        0,
        "PUT stored nothing"
    );

    let stored = expect_json(
        app.post_json(
            &path,
            &json!({"serverCertificate": server, "intermediateChain": issuing.pem(),
                "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        results(&stored),
        [
            "CERTIFICATE_USAGE_SERVER",
            "CERTIFICATE_VALIDITY",
            "CERTIFICATE_CHAIN",
            "CERTIFICATE_PUBLIC_KEY_LENGTH_4096",
            "VERIFY_ROOT_CERTIFICATE",
            "VERIFY_CHAIN_CERTIFICATES",
        ]
        .map(|code| (code.to_owned(), "VALID".to_owned()))
    );
    assert_eq!(stored["validationState"], "VALID");
    assert_eq!(
        stored["serverCertificateInfo"]["subject"]["CN"],
        "hub.example.com"
    );
    assert_eq!(
        stored["serverCertificateInfo"]["subjectAlternativeNames"],
        json!(["hub.example.com"])
    );
    assert_eq!(
        stored["intermediateChainInfo"][0]["subject"]["CN"],
        "Hub TLS Issuing"
    );
    assert_eq!(
        stored["rootCertificateInfo"]["subject"]["CN"],
        "Hub TLS Root"
    );
    assert_eq!(stored["serverCertificate"], server.as_str());
    assert!(stored.get("dfspId").is_none(), "{stored}");
    assert_eq!(
        expect_json(app.get(&path).await, StatusCode::OK).await,
        stored
    );

    // A second POST replaces the set (MCM added a second row, after which reads failed).
    let weak = tls("hub.example.com", &rsa(2048), &issuing, "clientAuth");
    let replaced = expect_json(
        app.post_json(
            &path,
            &json!({"serverCertificate": weak, "intermediateChain": issuing.pem(),
                "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(replaced["id"], stored["id"]);
    assert_eq!(replaced["validationState"], "INVALID");
    assert_eq!(
        invalid_codes(&replaced),
        [
            "CERTIFICATE_USAGE_SERVER",
            "CERTIFICATE_PUBLIC_KEY_LENGTH_4096"
        ]
    );
    assert_eq!(app.db.count("hub_server_certs").await, 1);

    // PUT replaces the one there is; a certificate from another CA fails only the chain check.
    let stranger = ca("Stranger", None, None);
    let foreign = tls(
        "hub.example.com",
        &ec(Nid::SECP384R1),
        &stranger,
        "serverAuth",
    );
    let updated = expect_json(
        app.put_json(
            &path,
            &json!({"serverCertificate": foreign, "intermediateChain": issuing.pem(),
                "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(invalid_codes(&updated), ["CERTIFICATE_CHAIN"]);
    assert_eq!(app.db.count("hub_server_certs").await, 1);

    // Another environment's Hub has none.
    let other = app.create_environment("QA").await;
    expect_error(
        app.get(&format!("/api/environments/{other}/hub/servercerts"))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;

    assert_eq!(app.delete(&path).await.status(), StatusCode::NO_CONTENT);
    expect_error(app.get(&path).await, StatusCode::NOT_FOUND, "NotFoundError").await;
    expect_error(
        app.delete(&path).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.get("/api/environments/999/hub/servercerts").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(app.db.count("hub_server_certs").await, 0);
}

async fn dfsp_server_and_jws_certificates_are_kept_per_dfsp_and_listed(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    for (id, zone) in [("DFSP1", "EUR"), ("DFSP2", "EUR"), ("DFSP3", "XOF")] {
        app.create_dfsp(
            env,
            json!({"dfspId": id, "name": id, "monetaryZoneId": zone}),
        )
        .await;
    }
    let root = ca("Bank Root", None, None);
    let base = format!("/api/environments/{env}/dfsps");

    let server = tls(
        "dfsp1.example.com",
        &ec(Nid::SECP384R1),
        &root,
        "serverAuth",
    );
    let stored = expect_json(
        app.post_json(
            &format!("{base}/DFSP1/servercerts"),
            &json!({"serverCertificate": server, "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored["validationState"], "VALID", "{stored}");
    assert_eq!(stored["dfspId"], "DFSP1");
    assert_eq!(stored["intermediateChain"], Value::Null);
    assert_eq!(stored["intermediateChainInfo"], json!([]));
    expect_error(
        app.get(&format!("{base}/DFSP2/servercerts")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    let all = expect_json(
        app.get(&format!("{base}/servercerts")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all, json!([stored]));

    // JWS: the certificate alone is checked (validity, at least 2048 bits).
    let mut jws = Vec::new();
    for (id, bits) in [("DFSP1", 2048), ("DFSP2", 1024), ("DFSP3", 2048)] {
        let certificate = tls(&format!("{id} JWS"), &rsa(bits), &root, "clientAuth");
        let body = expect_json(
            app.post_json(
                &format!("{base}/{id}/jwscerts"),
                &json!({"jwsCertificate": certificate, "rootCertificate": root.pem()}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(body["dfspId"], id);
        assert_eq!(
            body["jwsCertificateInfo"]["subject"]["CN"],
            format!("{id} JWS")
        );
        jws.push(body);
    }
    assert_eq!(results(&jws[0]).len(), 2);
    assert_eq!(jws[0]["validationState"], "VALID");
    assert_eq!(
        invalid_codes(&jws[1]),
        ["CERTIFICATE_PUBLIC_KEY_LENGTH_2048"]
    );
    assert_eq!(
        expect_json(
            app.get(&format!("{base}/DFSP2/jwscerts")).await,
            StatusCode::OK
        )
        .await,
        jws[1]
    );
    let all = expect_json(app.get(&format!("{base}/jwscerts")).await, StatusCode::OK).await;
    assert_eq!(all, json!(jws));
    let euro = expect_json(
        app.get(&format!("{base}/jwscerts?monetaryZoneId=EUR"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(euro, json!([jws[0], jws[1]]));
    let message = expect_error(
        app.get(&format!("{base}/jwscerts?monetaryZoneId=euro"))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("monetaryZoneId"), "{message}");
    let message = expect_error(
        app.get(&format!(
            "{base}/jwscerts?monetaryZoneId=EUR&monetaryZoneId=XOF"
        ))
        .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.starts_with("Invalid query"), "{message}");

    // Each DFSP's own replaced, the others untouched; PUT needs one to replace.
    let second = tls("DFSP1 JWS 2", &rsa(2048), &root, "clientAuth");
    let replaced = expect_json(
        app.put_json(
            &format!("{base}/DFSP1/jwscerts"),
            &json!({"jwsCertificate": second}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        replaced["rootCertificate"],
        Value::Null,
        "replaced as a whole"
    );
    assert_eq!(app.db.count("dfsp_jws_certs").await, 3);
    expect_error(
        app.put_json(
            &format!("{base}/DFSP2/servercerts"),
            &json!({"serverCertificate": server}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;

    assert_eq!(
        app.delete(&format!("{base}/DFSP2/jwscerts")).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        app.delete(&format!("{base}/DFSP2/jwscerts")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(
        app.delete(&format!("{base}/DFSP1/servercerts"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.db.count("dfsp_server_certs").await, 0);

    // Unknown DFSPs and environments are 404; deleting a DFSP removes its sets.
    expect_error(
        app.post_json(
            &format!("{base}/NOPE/jwscerts"),
            &json!({"jwsCertificate": second}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.get("/api/environments/999/dfsps/jwscerts").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(
        app.delete(&format!("{base}/DFSP3")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.db.count("dfsp_jws_certs").await, 1);
}

async fn certificate_sets_that_cannot_be_read_store_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    let root = ca("Root", None, None);
    let server = tls(
        "dfsp1.example.com",
        &ec(Nid::SECP384R1),
        &root,
        "serverAuth",
    );
    let two = format!("{server}{}", root.pem());
    let server_paths = [
        format!("/api/environments/{env}/hub/servercerts"),
        format!("/api/environments/{env}/dfsps/DFSP1/servercerts"),
    ];
    for path in &server_paths {
        let cases = [
            (
                json!({"rootCertificate": root.pem()}),
                "serverCertificate: is required",
            ),
            (
                json!({"serverCertificate": "  "}),
                "serverCertificate: is required",
            ),
            (
                json!({"serverCertificate": "garbage"}),
                "serverCertificate: is not a PEM or DER certificate",
            ),
            (
                json!({"serverCertificate": two}),
                "serverCertificate: holds 2 certificates where one is expected",
            ),
            (
                json!({"serverCertificate": server, "intermediateChain": "garbage",
                    "rootCertificate": "garbage"}),
                "intermediateChain: ",
            ),
            (
                json!({"serverCertificate": server, "rootCertificate": two}),
                "rootCertificate: holds 2 certificates",
            ),
            (
                json!({"serverCertificate": server, "jwsCertificate": server}),
                "unknown field `jwsCertificate`",
            ),
        ];
        for (body, expected) in cases {
            let message = expect_error(
                app.post_json(path, &body).await,
                StatusCode::BAD_REQUEST,
                "ValidationError",
            )
            .await;
            assert!(message.contains(expected), "{path} {body}: {message}");
        }
    }
    let jws_path = format!("/api/environments/{env}/dfsps/DFSP1/jwscerts");
    let message = expect_error(
        app.post_json(&jws_path, &json!({"serverCertificate": server}))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(
        message.contains("unknown field `serverCertificate`"),
        "{message}"
    );
    let message = expect_error(
        app.post_json(&jws_path, &json!({"rootCertificate": root.pem()}))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("jwsCertificate: is required"), "{message}");
    for table in ["hub_server_certs", "dfsp_server_certs", "dfsp_jws_certs"] {
        assert_eq!(app.db.count(table).await, 0, "{table}");
    }
}

/// Two stores at once both succeed and leave one set, never two rows.
async fn concurrent_stores_leave_one_set(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    let root = ca("Root", None, None);
    let path = format!("/api/environments/{env}/dfsps/DFSP1/jwscerts");
    let bodies: Vec<Value> = (0..4)
        .map(|i| json!({"jwsCertificate": tls(&format!("JWS {i}"), &rsa(2048), &root, "clientAuth")}))
        .collect();
    let statuses: Vec<StatusCode> = stream::iter(&bodies)
        .map(|body| {
            let (app, path) = (&app, &path);
            async move { app.post_json(path, body).await.status() }
        })
        .buffer_unordered(bodies.len())
        .collect()
        .await;
    assert_eq!(statuses, [StatusCode::OK; 4]);
    assert_eq!(app.db.count("dfsp_jws_certs").await, 1);
    expect_json(app.get(&path).await, StatusCode::OK).await;
}
