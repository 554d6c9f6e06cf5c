//! The Hub's JWS certificate: stored, read and replaced like a DFSP's, listed first among the
//! JWS certificates every participant fetches, and rotated: the one replaced stays listed as
//! superseded until a hub operator removes it.

use openssl::nid::Nid;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::certs::{ca, ec, rsa, tls};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(the_hubs_jws_certificate_rotates_and_is_listed_for_the_dfsps);

fn subjects(list: &Value) -> Vec<(String, bool, Option<String>)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["jwsCertificateInfo"]["subject"]["CN"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                c["superseded"] == true,
                c["dfspId"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

async fn the_hubs_jws_certificate_rotates_and_is_listed_for_the_dfsps(backend: Backend) {
    let app = spawn(backend).await;
    let env = expect_json(
        app.post_json("/api/environments", &json!({"name": "JWS"}))
            .await,
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let e = format!("/api/environments/{env}");
    let root = ca("JWS Root", None, None);
    let jws = |cn: &str| json!({"jwsCertificate": tls(cn, &rsa(2048), &root, "clientAuth"), "rootCertificate": root.pem()});
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    expect_json(
        app.post_json(
            &format!("{e}/dfsps/DFSP1/jwscerts"),
            &json!({"jwsCertificate": tls("DFSP1 JWS", &ec(Nid::X9_62_PRIME256V1), &root, "clientAuth")}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let hub = format!("{e}/hub/jwscerts");
    let list = || {
        let path = format!("{e}/dfsps/jwscerts");
        let app = &app;
        async move { expect_json(app.get(&path).await, StatusCode::OK).await }
    };

    // Nothing yet: nothing to read, replace or remove.
    expect_error(app.get(&hub).await, StatusCode::NOT_FOUND, "NotFoundError").await;
    expect_error(
        app.put_json(&hub, &jws("Hub A")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.delete(&hub).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    // What cannot be read is refused and changes nothing.
    let message = expect_error(
        app.post_json(&hub, &json!({"jwsCertificate": "not a certificate"}))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("jwsCertificate"), "{message}");
    assert_eq!(app.db.count("hub_jws_certs").await, 0);

    // The first one: stored, read back, listed first and without a DFSP.
    let stored = expect_json(app.post_json(&hub, &jws("Hub A")).await, StatusCode::OK).await;
    assert_eq!(stored["jwsCertificateInfo"]["subject"]["CN"], "Hub A");
    assert!(stored.get("dfspId").is_none() && stored.get("superseded").is_none());
    assert!(!stored["validations"].as_array().unwrap().is_empty());
    let read = expect_json(app.get(&hub).await, StatusCode::OK).await;
    assert_eq!(read["id"], stored["id"]);
    assert_eq!(
        subjects(&list().await),
        [
            ("Hub A".into(), false, None),
            ("DFSP1 JWS".into(), false, Some("DFSP1".into()))
        ]
    );

    // Rotation keeps the one replaced, as superseded; a second rotation drops the oldest.
    expect_json(app.post_json(&hub, &jws("Hub B")).await, StatusCode::OK).await;
    assert_eq!(
        subjects(&list().await)[..2],
        [("Hub B".into(), false, None), ("Hub A".into(), true, None)]
    );
    expect_json(app.put_json(&hub, &jws("Hub C")).await, StatusCode::OK).await;
    assert_eq!(
        subjects(&list().await)[..2],
        [("Hub C".into(), false, None), ("Hub B".into(), true, None)]
    );
    assert_eq!(
        expect_json(app.get(&hub).await, StatusCode::OK).await["jwsCertificateInfo"]["subject"]
            ["CN"],
        "Hub C"
    );
    // The inventory lists both.
    let inventory = expect_json(
        app.get(&format!("{e}/certificates?kind=hubJws")).await,
        StatusCode::OK,
    )
    .await;
    let mut listed: Vec<&str> = inventory
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["role"] == "endEntity")
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    listed.sort();
    assert_eq!(listed, ["CN=Hub B", "CN=Hub C"]);
    assert!(inventory
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["owner"] == "hub" && c["link"] == format!("/environments/{env}/hub-jws")));

    // Ending the rotation removes the superseded one only; then nothing is left to end.
    let removed = app.delete(&format!("{hub}?superseded=true")).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        subjects(&list().await),
        [
            ("Hub C".into(), false, None),
            ("DFSP1 JWS".into(), false, Some("DFSP1".into()))
        ]
    );
    expect_error(
        app.delete(&format!("{hub}?superseded=true")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    // Removing without it removes the Hub's JWS certificates altogether.
    expect_json(app.post_json(&hub, &jws("Hub D")).await, StatusCode::OK).await;
    assert_eq!(app.delete(&hub).await.status(), StatusCode::NO_CONTENT);
    expect_error(app.get(&hub).await, StatusCode::NOT_FOUND, "NotFoundError").await;
    assert_eq!(subjects(&list().await).len(), 1, "only DFSP1's is left");
}
