//! MCM v3's paths (without `/environments/{envId}`) beside the 2020 ones: which environment
//! they act in, and what v3 added: DFSPs made with the Hub's CSR, JWS public keys, endpoint
//! documents over the endpoint items, progress reports of the DFSP-side client, and the
//! identical certificate the client returns on every cycle. The real client drives them all in
//! `end2end/mcm-client/onboard.mjs` (scripts/mcm-client).

use openssl::nid::Nid;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::certs::{ca, ec, rsa, sign_csr};
use crate::helpers::*;
use crate::identity_provider::TestProvider;
use crate::on_both_backends;

on_both_backends!(
    v3_paths_act_in_the_named_or_the_only_environment,
    a_dfsp_made_on_the_v3_path_has_the_hubs_csr,
    jws_public_keys_are_stored_checked_and_listed,
    endpoint_documents_are_the_dfsps_endpoint_items,
    progress_reports_update_the_states_sent,
    the_same_certificate_returned_again_changes_nothing,
    proxies_and_fx_providers_are_dfsps_with_flags,
    a_proxy_gives_other_schemes_jws_keys,
    the_status_of_a_dfsp_is_computed_from_what_the_hub_holds,
);

const PASS: &str = "a v3 test pass phrase";

/// How many events of `action` the environment's audit log holds.
async fn event_count(app: &TestApp, env: i64, action: &str) -> usize {
    let url = format!("/api/environments/{env}/audit?action={action}");
    expect_json(app.get(&url).await, StatusCode::OK).await["events"]
        .as_array()
        .unwrap()
        .len()
}

async fn v3_paths_act_in_the_named_or_the_only_environment(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    // None yet: the message says what to do.
    let message = expect_error(
        app.get("/api/dfsps").await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("POST /api/environments"), "{message}");

    let dev = app.create_environment("DEV").await;
    app.create_dfsp(dev, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    let list = expect_json(app.get("/api/dfsps").await, StatusCode::OK).await;
    assert_eq!(list[0]["id"], "DFSP1");
    // A 2020 operation at its v3 path is the same operation.
    let one = expect_json(app.get("/api/dfsps/DFSP1").await, StatusCode::OK).await;
    assert_eq!(
        one,
        expect_json(
            app.get(&format!("/api/environments/{dev}/dfsps/DFSP1"))
                .await,
            StatusCode::OK
        )
        .await
    );
    expect_error(
        app.get("/api/dfsps/NOPE").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;

    // Two: which one is a setting.
    app.create_environment("PROD").await;
    let message = expect_error(
        app.get("/api/dfsps").await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(
        message.contains("V3_ENVIRONMENT")
            && message.contains("'DEV'")
            && message.contains("'PROD'"),
        "{message}"
    );

    // The setting, by name or by id.
    let bound = spawn_with(backend, &[("V3_ENVIRONMENT", "PROD")]).await;
    bound.create_environment("DEV").await;
    let prod = bound.create_environment("PROD").await;
    bound
        .create_dfsp(prod, json!({"dfspId": "PROD1", "name": "Production One"}))
        .await;
    let list = expect_json(bound.get("/api/dfsps").await, StatusCode::OK).await;
    assert_eq!(list[0]["id"], "PROD1", "{list}");
    let by_id = spawn_with(backend, &[("V3_ENVIRONMENT", "2")]).await;
    by_id.create_environment("A").await;
    let second = by_id.create_environment("B").await;
    assert_eq!(second, 2);
    by_id
        .create_dfsp(second, json!({"dfspId": "B1", "name": "B One"}))
        .await;
    let list = expect_json(by_id.get("/api/dfsps").await, StatusCode::OK).await;
    assert_eq!(list[0]["id"], "B1", "{list}");
    let unknown = spawn_with(backend, &[("V3_ENVIRONMENT", "QA")]).await;
    unknown.create_environment("DEV").await;
    let message = expect_error(
        unknown.get("/api/dfsps").await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("'QA'"), "{message}");

    // The document has both, the v3 ones tagged and without envId.
    let document = expect_json(app.get("/api-docs").await, StatusCode::OK).await;
    let paths = document["paths"].as_object().unwrap();
    let get = &paths["/api/dfsps/{dfspId}"]["get"];
    assert_eq!(get["operationId"], "getDFSPV3");
    assert_eq!(get["tags"], json!(["v3"]));
    assert!(get["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["name"] != "envId"));
    assert!(get["responses"]["409"].is_object());
    assert_eq!(paths["/api/dfsps"]["post"]["operationId"], "createDFSPV3");
    assert!(paths.contains_key("/api/environments/{envId}/dfsps/{dfspId}"));
    // The whole audit log keeps its path.
    assert_eq!(paths["/api/audit"]["get"]["operationId"], "getAudit");
}

async fn a_dfsp_made_on_the_v3_path_has_the_hubs_csr(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = app.create_environment("HUB").await;
    let created = expect_json(
        app.post_json(
            "/api/dfsps",
            &json!({"dfspId": "DFSP1", "name": "Bank One"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created, json!({"id": "DFSP1"}));
    let outbound = expect_json(
        app.get("/api/dfsps/DFSP1/enrollments/outbound").await,
        StatusCode::OK,
    )
    .await;
    let outbound = outbound.as_array().unwrap();
    assert_eq!(outbound.len(), 1);
    assert_eq!(outbound[0]["state"], "CSR_LOADED");
    assert!(outbound[0]["csr"]
        .as_str()
        .unwrap()
        .contains("CERTIFICATE REQUEST"));
    // RSA, as the client's node-forge reads only RSA; named after the environment.
    assert_eq!(outbound[0]["csrInfo"]["publicKey"]["algorithm"], "RSA");
    assert_eq!(outbound[0]["csrInfo"]["subject"]["CN"], "hub");
    // With CLIENT_CSR_PARAMETERS, as it says.
    let parameters = client_csr_parameters();
    let configured = spawn_with(
        backend,
        &[
            ("P12_PASS_PHRASE", PASS),
            ("CLIENT_CSR_PARAMETERS", &parameters),
        ],
    )
    .await;
    configured.create_environment("HUB").await;
    expect_json(
        configured
            .post_json(
                "/api/dfsps",
                &json!({"dfspId": "DFSP1", "name": "Bank One"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let outbound = expect_json(
        configured
            .get("/api/dfsps/DFSP1/enrollments/outbound")
            .await,
        StatusCode::OK,
    )
    .await;
    let subject = &outbound[0]["csrInfo"]["subject"];
    assert_eq!(subject["CN"], "hub.example.com");
    assert_eq!(
        subject["emailAddress"],
        "connection-manager@hub.example.com"
    );
    assert_eq!(
        outbound[0]["csrInfo"]["extensions"]["subjectAltName"]["dns"],
        json!(["hub.example.com"])
    );

    // Bad input changes nothing.
    expect_error(
        app.post_json("/api/dfsps", &json!({"name": "No id"})).await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    let dfsps = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dfsps.as_array().unwrap().len(), 1, "{dfsps}");
    // Without a pass phrase no key can be made: no DFSP is made either.
    let keyless = spawn(backend).await;
    let env = keyless.create_environment("HUB").await;
    expect_error(
        keyless
            .post_json(
                "/api/dfsps",
                &json!({"dfspId": "DFSP2", "name": "Bank Two"}),
            )
            .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;
    let dfsps = expect_json(
        keyless.get(&format!("/api/environments/{env}/dfsps")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dfsps, json!([]));
}

fn public_key_pem(key: &openssl::pkey::PKey<openssl::pkey::Private>) -> String {
    String::from_utf8(key.public_key_to_pem().unwrap()).unwrap()
}

async fn jws_public_keys_are_stored_checked_and_listed(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = app.create_environment("HUB").await;
    for dfsp in ["DFSP1", "DFSP2", "DFSP3"] {
        app.create_dfsp(env, json!({"dfspId": dfsp, "name": dfsp}))
            .await;
    }
    // None yet: an empty list, not a 404.
    let all = expect_json(app.get("/api/dfsps/jwscerts").await, StatusCode::OK).await;
    assert_eq!(all, json!([]));

    let rsa_key = public_key_pem(&rsa(2048));
    let stored = expect_json(
        app.post_json(
            "/api/dfsps/DFSP1/jwscerts",
            &json!({"publicKey": rsa_key, "createdAt": 1765000000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored["dfspId"], "DFSP1");
    assert_eq!(stored["createdAt"], 1765000000);
    assert_eq!(stored["validationState"], "VALID", "{stored}");
    assert_eq!(stored["validations"][0]["validationCode"], "JWS_PUBLIC_KEY");

    let ec_key = public_key_pem(&ec(Nid::X9_62_PRIME256V1));
    let stored = expect_json(
        app.post_json("/api/dfsps/DFSP2/jwscerts", &json!({"publicKey": ec_key}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored["validationState"], "VALID", "{stored}");

    // Unreadable: stored INVALID, with the reason, as v3 does.
    let stored = expect_json(
        app.post_json(
            "/api/dfsps/DFSP3/jwscerts",
            &json!({"publicKey": "not a key", "createdAt": 5}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored["validationState"], "INVALID");
    assert!(stored["validations"][0]["message"]
        .as_str()
        .unwrap()
        .contains("cannot be read"));
    // Too short an RSA key is INVALID too.
    let short = expect_json(
        app.post_json(
            "/api/dfsps/DFSP3/jwscerts",
            &json!({"publicKey": public_key_pem(&rsa(1024)), "createdAt": 6}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(short["validationState"], "INVALID");
    assert!(short["validations"][0]["message"]
        .as_str()
        .unwrap()
        .contains("1024"));

    // What cannot be stored at all is a 400 that says why.
    for (body, expected) in [
        (json!({}), "publicKey: is required"),
        (json!({"publicKey": rsa_key, "createdAt": -1}), "createdAt"),
        (
            json!({"publicKey": rsa_key, "createdAt": "soon"}),
            "createdAt",
        ),
        (json!({"publicKey": rsa_key, "other": 1}), "other"),
    ] {
        let message = expect_error(
            app.post_json("/api/dfsps/DFSP1/jwscerts", &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    expect_error(
        app.post_json("/api/dfsps/NOPE/jwscerts", &json!({"publicKey": rsa_key}))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;

    // The list: each DFSP's key, the Hub's JWS certificate's as `switch`, and a DFSP's
    // 2020 JWS certificate's key.
    let root = ca("JWS Root", None, None);
    let hub_key = rsa(2048);
    let hub_cert = crate::certs::leaf("hub-jws", &hub_key, &root);
    expect_json(
        app.post_json(
            &format!("/api/environments/{env}/hub/jwscerts"),
            &json!({"jwsCertificate": hub_cert, "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.create_dfsp(env, json!({"dfspId": "DFSP4", "name": "Four"}))
        .await;
    let dfsp4_key = rsa(2048);
    // A 2020 certificate sent to the v3 path is stored as a certificate.
    let stored = expect_json(
        app.post_json(
            "/api/dfsps/DFSP4/jwscerts",
            &json!({"jwsCertificate": crate::certs::leaf("dfsp4-jws", &dfsp4_key, &root), "rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(stored["jwsCertificateInfo"].is_object(), "{stored}");
    let all = expect_json(app.get("/api/dfsps/jwscerts").await, StatusCode::OK).await;
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["dfspId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["switch", "DFSP1", "DFSP2", "DFSP3", "DFSP4"]);
    let hub = &all[0];
    assert_eq!(hub["source"], "hub");
    assert_eq!(hub["publicKey"], public_key_pem(&hub_key));
    assert_eq!(all[1]["publicKey"], rsa_key);
    assert_eq!(all[3]["createdAt"], 6);
    assert_eq!(all[4]["source"], "certificate");
    assert_eq!(all[4]["publicKey"], public_key_pem(&dfsp4_key));
    let one = expect_json(app.get("/api/dfsps/DFSP4/jwscerts").await, StatusCode::OK).await;
    assert_eq!(one, all[4]);
    // The same key again is no change: no second audit event.
    let before = event_count(&app, env, "jws_key.store").await;
    expect_json(
        app.post_json(
            "/api/dfsps/DFSP1/jwscerts",
            &json!({"publicKey": rsa_key, "createdAt": 1765000000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(event_count(&app, env, "jws_key.store").await, before);
}

async fn endpoint_documents_are_the_dfsps_endpoint_items(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("HUB").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Bank One"}))
        .await;
    let base = "/api/dfsps/DFSP1/endpoints";
    expect_error(
        app.get(&format!("{base}/egress")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;

    // Bad documents name what is wrong, and change nothing.
    for (path, body, expected) in [
        (
            "egress",
            json!({"ipList": []}),
            "ipList: needs at least one",
        ),
        (
            "egress",
            json!({"ipList": [{"address": "300.1.1.1", "ports": ["443"]}]}),
            "ipList[0].address",
        ),
        (
            "egress",
            json!({"ipList": [{"address": "192.0.2.1", "ports": ["99999"]}]}),
            "ipList[0].ports",
        ),
        (
            "egress",
            json!({"ipList": [{"address": "192.0.2.1"}]}),
            "ipList[0].ports: is required",
        ),
        (
            "egress",
            json!({"ipList": [{"address": "192.0.2.1", "ports": ["443"]}, {"address": "192.0.2.1", "ports": ["443"]}]}),
            "twice",
        ),
        (
            "egress",
            json!({"ipList": [{"address": "192.0.2.1", "ports": ["443"], "zone": 1}]}),
            "zone",
        ),
        ("ingress", json!({"url": "ftp://dfsp.example.com"}), "url"),
        ("ingress", json!({}), "url: is required"),
    ] {
        let message = expect_error(
            app.post_json(&format!("{base}/{path}"), &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    let items = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps/DFSP1/endpoints"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(items, json!([]));

    let egress = expect_json(
        app.post_json(
            &format!("{base}/egress"),
            &json!({"ipList": [
                {"description": "callbacks", "address": "192.0.2.10", "ports": ["443"]},
                {"address": "198.51.100.0/24", "ports": ["8000-8080"]}
            ]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(egress["dfspId"], "DFSP1");
    assert_eq!(egress["state"], "NEW");
    assert_eq!(
        egress["ipList"],
        json!([{"address": "192.0.2.10", "ports": ["443"]}, {"address": "198.51.100.0/24", "ports": ["8000-8080"]}])
    );
    let ingress = expect_json(
        app.post_json(
            &format!("{base}/ingress"),
            &json!({"url": "https://dfsp1.example.com/fspiop"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ingress["url"], "https://dfsp1.example.com/fspiop");

    // They are the DFSP's items, awaiting the Hub's confirmation.
    let unprocessed = expect_json(
        app.get(&format!(
            "/api/environments/{env}/dfsps/endpoints/unprocessed"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unprocessed.as_array().unwrap().len(), 3);
    let first = unprocessed
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["value"]["address"] == "192.0.2.10")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    expect_json(
        app.post_json(
            &format!("/api/environments/{env}/dfsps/DFSP1/endpoints/{first}/confirmation"),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // A new document keeps the unchanged entry (and its confirmation), drops the other.
    let egress = expect_json(
        app.post_json(
            &format!("{base}/egress"),
            &json!({"ipList": [
                {"address": "192.0.2.10", "ports": ["443"]},
                {"address": "203.0.113.5", "ports": ["443"]}
            ]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(egress["state"], "NEW", "one entry awaits confirmation");
    let items = expect_json(
        app.get(&format!(
            "/api/environments/{env}/dfsps/DFSP1/endpoints/egress/ips"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2);
    let kept = items
        .iter()
        .find(|i| i["id"] == first)
        .expect("the unchanged item is kept");
    assert_eq!(kept["state"], "CONFIRMED");
    assert!(items
        .iter()
        .any(|i| i["value"]["address"] == "203.0.113.5" && i["state"] == "NEW"));
    let got = expect_json(app.get(&format!("{base}/egress")).await, StatusCode::OK).await;
    assert_eq!(got, egress);

    // The same document again is no change.
    let before = event_count(&app, env, "endpoint.replace").await;
    assert_eq!(before, 3);
    expect_json(
        app.post_json(
            &format!("{base}/ingress"),
            &json!({"url": "https://dfsp1.example.com/fspiop"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(event_count(&app, env, "endpoint.replace").await, before);
}

fn state(status: &str, at: &str) -> Value {
    json!({"status": status, "stateDescription": "working", "lastUpdated": at})
}

async fn progress_reports_update_the_states_sent(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("HUB").await;
    for dfsp in ["DFSP1", "DFSP2"] {
        app.create_dfsp(env, json!({"dfspId": dfsp, "name": dfsp}))
            .await;
    }
    let all = expect_json(app.get("/api/dfsps/states-status").await, StatusCode::OK).await;
    assert_eq!(
        all["dfsps"][0],
        json!({"dfspId": "DFSP1", "pingStatus": null, "lastUpdatedPingStatusAt": null, "statesStatus": []})
    );

    let path = "/api/dfsps/DFSP1/states";
    for (body, expected) in [
        (
            json!({"NOT_A_STATE": state("pending", "2026-12-08T10:00:00Z")}),
            "NOT_A_STATE",
        ),
        (
            json!({"HUB_CA": state("done", "2026-12-08T10:00:00Z")}),
            "done",
        ),
        (json!({"HUB_CA": {"status": "pending"}}), "lastUpdated"),
        (
            json!({"HUB_CA": state("pending", "yesterday")}),
            "HUB_CA.lastUpdated",
        ),
        (
            json!({"HUB_CA": {"status": "pending", "lastUpdated": "2026-12-08T10:00:00Z", "retries": 2}}),
            "retries",
        ),
    ] {
        let message = expect_error(
            app.post_json(path, &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }

    let code = |body: Value| {
        let app = &app;
        async move {
            expect_json(app.post_json(path, &body).await, StatusCode::OK).await["code"].clone()
        }
    };
    assert_eq!(
        code(json!({"HUB_CA": state("completed", "2026-12-08T10:00:00.000Z"), "DFSP_CA": state("inProgress", "2026-12-08T10:00:01Z")})).await,
        1
    );
    assert_eq!(
        code(json!({"HUB_CA": state("completed", "2026-12-08T10:00:00.000Z")})).await,
        0
    );
    assert_eq!(
        code(json!({"DFSP_CA": {"status": "inError", "stateDescription": "uploadingToHub", "errorDescription": "timeout", "lastUpdated": "2026-12-08T11:00:00+01:00"}})).await,
        2
    );
    let all = expect_json(app.get("/api/dfsps/states-status").await, StatusCode::OK).await;
    let states = &all["dfsps"][0]["statesStatus"];
    // v3's order: DFSP_CA before HUB_CA; a state not sent stays as it was.
    assert_eq!(states[0]["state"], "DFSP_CA");
    assert_eq!(states[0]["status"], "inError");
    assert_eq!(states[0]["errorDescription"], "timeout");
    assert_eq!(states[0]["lastUpdated"], "2026-12-08T10:00:00.000Z");
    assert_eq!(states[1]["state"], "HUB_CA");
    assert_eq!(states[1]["status"], "completed");
    assert_eq!(all["dfsps"][1]["statesStatus"], json!([]));
}

/// `CLIENT_CSR_PARAMETERS` as the client's test gives it: every attribute outbound validation
/// asks for.
fn client_csr_parameters() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../end2end/mcm-client/hub-client-csr.json"
    )
    .to_owned()
}

async fn the_same_certificate_returned_again_changes_nothing(backend: Backend) {
    let parameters = client_csr_parameters();
    let app = spawn_with(
        backend,
        &[
            ("P12_PASS_PHRASE", PASS),
            ("CLIENT_CSR_PARAMETERS", &parameters),
        ],
    )
    .await;
    let env = app.create_environment("HUB").await;
    expect_json(
        app.post_json(
            "/api/dfsps",
            &json!({"dfspId": "DFSP1", "name": "Bank One"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let root = ca("DFSP1 CA", None, None);
    expect_json(
        app.post_json(
            "/api/dfsps/DFSP1/ca",
            &json!({"rootCertificate": root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let base = "/api/dfsps/DFSP1/enrollments/outbound";
    let enrollment = &expect_json(app.get(base).await, StatusCode::OK).await[0];
    let id = enrollment["id"].as_i64().unwrap();
    let certificate = sign_csr(enrollment["csr"].as_str().unwrap(), &root);
    let upload = json!({"certificate": certificate});
    expect_json(
        app.post_json(&format!("{base}/{id}/certificate"), &upload)
            .await,
        StatusCode::OK,
    )
    .await;
    let validated = expect_json(
        app.post_json(&format!("{base}/{id}/validate"), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(validated["state"], "VALIDATED", "{validated}");
    let events = || async {
        expect_json(
            app.get(&format!(
                "/api/environments/{env}/audit?action=outbound.certificate_upload"
            ))
            .await,
            StatusCode::OK,
        )
        .await["events"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = events().await;
    // What the client does on every cycle: the same certificate again.
    let again = expect_json(
        app.post_json(&format!("{base}/{id}/certificate"), &upload)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["state"], "VALIDATED");
    assert_eq!(events().await, before);
    // What the client does when its Vault signs the CSR anew each cycle: another certificate
    // for the same CSR, acknowledged while the stored one holds.
    let other = sign_csr(enrollment["csr"].as_str().unwrap(), &root);
    assert_ne!(other, certificate);
    let acknowledged = expect_json(
        app.post_json(
            &format!("{base}/{id}/certificate"),
            &json!({"certificate": other}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(acknowledged["state"], "VALIDATED");
    assert_eq!(acknowledged["certificate"], validated["certificate"]);
    assert_eq!(events().await, before);
    // A certificate for another key is refused, as ever.
    let stranger = crate::certs::leaf("stranger", &rsa(2048), &root);
    expect_error(
        app.post_json(
            &format!("{base}/{id}/certificate"),
            &json!({"certificate": stranger}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    // The DFSP changes its CA: the stored certificate no longer holds, the next one replaces
    // it, and the Hub validates again.
    let new_root = ca("DFSP1 CA 2", None, None);
    expect_json(
        app.post_json(
            "/api/dfsps/DFSP1/ca",
            &json!({"rootCertificate": new_root.pem()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let renewed = sign_csr(enrollment["csr"].as_str().unwrap(), &new_root);
    let replaced = expect_json(
        app.post_json(
            &format!("{base}/{id}/certificate"),
            &json!({"certificate": renewed}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(replaced["state"], "CERT_SIGNED");
    assert_eq!(replaced["validationState"], "VALID", "{replaced}");
    assert_eq!(events().await, before + 1);
    let validated = expect_json(
        app.post_json(&format!("{base}/{id}/validate"), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(validated["state"], "VALIDATED");
}

async fn proxies_and_fx_providers_are_dfsps_with_flags(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = app.create_environment("HUB").await;
    expect_json(
        app.post_json(
            "/api/dfsps",
            &json!({"dfspId": "FXP1", "name": "FX One", "monetaryZoneId": "EUR",
                    "fxpCurrencies": ["USD", "XOF"], "isProxy": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.create_dfsp(
        env,
        json!({"dfspId": "PROXY1", "name": "Proxy One", "isProxy": true}),
    )
    .await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "Plain One"}))
        .await;
    let list = expect_json(app.get("/api/dfsps").await, StatusCode::OK).await;
    let list = list.as_array().unwrap();
    assert_eq!(list[0]["fxpCurrencies"], json!(["USD", "XOF"]));
    assert_eq!(list[0]["isProxy"], false);
    assert_eq!(list[1]["isProxy"], true);
    assert_eq!(list[1]["fxpCurrencies"], json!([]));
    assert_eq!(
        list[2]["isProxy"], false,
        "a real boolean, false by default"
    );

    // Bad codes name themselves; nothing is written.
    for (codes, expected) in [
        (json!(["usd"]), "fxpCurrencies[0]"),
        (json!(["USD", "USD"]), "twice"),
        (
            json!(["XYZ"]),
            "'XYZ' is not a known ISO 4217 currency code",
        ),
    ] {
        let message = expect_error(
            app.post_json(
                "/api/dfsps",
                &json!({"dfspId": "BAD", "name": "Bad", "fxpCurrencies": codes}),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{codes}: {message}");
    }
    expect_error(
        app.get("/api/dfsps/BAD").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    let outbound = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(outbound.as_array().unwrap().len(), 3);

    // Changed by PUT, which v3 could not; the rest stays.
    let updated = expect_json(
        app.put_json(
            "/api/dfsps/FXP1",
            &json!({"fxpCurrencies": ["MAD"], "isProxy": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["fxpCurrencies"], json!(["MAD"]));
    assert_eq!(updated["isProxy"], true);
    assert_eq!(updated["monetaryZoneId"], "EUR");
    let one = expect_json(app.get("/api/dfsps/FXP1").await, StatusCode::OK).await;
    assert_eq!(one["fxpCurrencies"], json!(["MAD"]));
    let message = expect_error(
        app.put_json("/api/dfsps/FXP1", &json!({"fxpCurrencies": null}))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("fxpCurrencies"), "{message}");
    // An FXP is listed in the zone of each currency it converts.
    let in_mad = expect_json(
        app.get(&format!("/api/environments/{env}/monetaryzones/MAD/dfsps"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(in_mad[0]["id"], "FXP1");
    let cleared = expect_json(
        app.put_json("/api/dfsps/FXP1", &json!({"fxpCurrencies": []}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cleared["fxpCurrencies"], json!([]));
}

async fn a_proxy_gives_other_schemes_jws_keys(backend: Backend) {
    use reqwest::Method as M;
    let provider = TestProvider::start().await;
    let mut settings = provider.settings();
    settings.push(("P12_PASS_PHRASE", PASS.into()));
    let app = spawn_with(backend, &borrowed(&settings)).await;
    let hub = provider.hub_operator();
    let env = app.create_environment_as(&hub, "HUB").await;
    for (dfsp, proxy) in [("PROXY1", true), ("PROXY2", true), ("DFSP1", false)] {
        let created = app
            .request_as(
                M::POST,
                &format!("/api/environments/{env}/dfsps"),
                &hub,
                Some(json!({"dfspId": dfsp, "name": dfsp, "isProxy": proxy})),
            )
            .await;
        expect_json(created, StatusCode::OK).await;
    }
    let proxy1 = provider.dfsp_operator("PROXY1");
    // A DFSP's client service account: only the DFSP's group, as Keycloak names it.
    let proxy2 = provider.token("service-account-proxy2", &["/Application/DFSP:PROXY2"]);
    let plain = provider.dfsp_operator("DFSP1");
    let key = |id: &str, at: i64| json!({"dfspId": id, "publicKey": public_key_pem(&rsa(2048)), "createdAt": at});
    let path = "/api/external-dfsps/jwscerts";

    // Not a proxy: refused, whatever it sends.
    for body in [json!([key("EXT1", 1)]), json!({}), json!("x")] {
        expect_error(
            app.request_as(M::POST, path, &plain, Some(body)).await,
            StatusCode::FORBIDDEN,
            "ForbiddenError",
        )
        .await;
    }
    // Bad bodies are 400s that say what is wrong.
    for (body, expected) in [
        (json!([]), "at least one key"),
        (json!({"dfspId": "EXT1"}), "JSON array"),
        (json!([{"dfspId": "EXT1"}]), "[0].publicKey: is required"),
        (json!([key("EXT1", 1), key("EXT1", 2)]), "twice"),
        (json!([key("DFSP1", 1)]), "'DFSP1' is a DFSP of this scheme"),
        (
            json!([key("PROXY1", 1)]),
            "'PROXY1' is a DFSP of this scheme",
        ),
    ] {
        let message = expect_error(
            app.request_as(M::POST, path, &proxy1, Some(body.clone()))
                .await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }

    // The proxy gives two; the source is who signed in (a header says nothing).
    let given = expect_json(
        app.client
            .post(app.url(path))
            .bearer_auth(&proxy1)
            .header("X-DFSP-ID", "PROXY2")
            .json(&json!([key("EXT1", 10), {"dfspId": "EXT2", "publicKey": "not a key"}]))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(given[0]["sourceDfspId"], "PROXY1");
    assert_eq!(given[0]["external"], true);
    assert_eq!(given[1]["createdAt"], 0);
    assert_eq!(given[1]["validationState"], "INVALID");
    // Another proxy may not change them; its own it may.
    let message = expect_error(
        app.request_as(M::POST, path, &proxy2, Some(json!([key("EXT1", 11)])))
            .await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("proxy 'PROXY1'"), "{message}");
    expect_json(
        app.request_as(M::POST, path, &proxy2, Some(json!([key("EXT3", 5)])))
            .await,
        StatusCode::OK,
    )
    .await;

    // Every participant sees them beside the DFSPs' own, marked.
    let all = expect_json(
        app.request_as(M::GET, "/api/dfsps/jwscerts", &plain, None)
            .await,
        StatusCode::OK,
    )
    .await;
    let external: Vec<(&str, &str)> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["external"] == true)
        .map(|k| {
            (
                k["dfspId"].as_str().unwrap(),
                k["sourceDfspId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        external,
        [("EXT1", "PROXY1"), ("EXT2", "PROXY1"), ("EXT3", "PROXY2")]
    );

    // A proxy replaces its set: EXT2 left the other scheme.
    expect_json(
        app.request_as(M::PUT, path, &proxy1, Some(json!([key("EXT1", 12)])))
            .await,
        StatusCode::OK,
    )
    .await;
    let own = expect_json(
        app.request_as(M::GET, path, &proxy1, None).await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> = own
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["dfspId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["EXT1"]);
    assert_eq!(own[0]["createdAt"], 12);
    // The Hub sees all, and removes one; a proxy may not.
    let listed = expect_json(
        app.request_as(M::GET, path, &hub, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    expect_error(
        app.request_as(
            M::DELETE,
            "/api/external-dfsps/EXT3/jwscerts",
            &proxy2,
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "ForbiddenError",
    )
    .await;
    let gone = app
        .request_as(M::DELETE, "/api/external-dfsps/EXT3/jwscerts", &hub, None)
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.request_as(M::DELETE, "/api/external-dfsps/EXT3/jwscerts", &hub, None)
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    let audit = expect_json(
        app.request_as(
            M::GET,
            &format!("/api/environments/{env}/audit?action=external_jws_key.store"),
            &hub,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let summaries: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("proxy 'PROXY1'") && s.contains("removed EXT2")),
        "{summaries:?}"
    );
}

async fn the_status_of_a_dfsp_is_computed_from_what_the_hub_holds(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let env = app.create_environment("HUB").await;
    expect_json(
        app.post_json(
            "/api/dfsps",
            &json!({"dfspId": "DFSP1", "name": "Bank One"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let status = |app: &TestApp| {
        let url = app.url("/api/dfsps/DFSP1/status");
        let client = app.client.clone();
        async move {
            let answer = expect_json(client.get(url).send().await.unwrap(), StatusCode::OK).await;
            let mut steps = Vec::new();
            for phase in answer.as_array().unwrap() {
                for step in phase["steps"].as_array().unwrap() {
                    steps.push(format!(
                        "{} {}",
                        step["identifier"].as_str().unwrap(),
                        step["status"].as_str().unwrap()
                    ));
                }
            }
            steps
        }
    };
    assert_eq!(
        status(&app).await,
        [
            "ID_GENERATION COMPLETED",
            "ENDPOINTS NOT_STARTED",
            // The Hub's CSR is made with the DFSP.
            "CSR_EXCHANGE IN_PROGRESS",
            "CERTIFICATE_AUTHORITY NOT_STARTED",
            "SERVER_CERTIFICATES_EXCHANGE NOT_STARTED",
            "JWS_CERTIFICATES NOT_STARTED",
        ]
    );
    expect_json(
        app.post_json(
            "/api/dfsps/DFSP1/jwscerts",
            &json!({"publicKey": public_key_pem(&rsa(2048)), "createdAt": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.post_json(
            "/api/dfsps/DFSP1/endpoints/ingress",
            &json!({"url": "https://dfsp1.example.com"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let steps = status(&app).await;
    assert!(
        steps.contains(&"JWS_CERTIFICATES COMPLETED".to_owned()),
        "{steps:?}"
    );
    // Given, not yet confirmed by the Hub.
    assert!(
        steps.contains(&"ENDPOINTS IN_PROGRESS".to_owned()),
        "{steps:?}"
    );
    // The board counts the uploaded key as the DFSP's JWS step, too.
    let board = expect_json(
        app.get(&format!("/api/environments/{env}/onboarding"))
            .await,
        StatusCode::OK,
    )
    .await;
    let jws = board[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "jwsCertificate")
        .unwrap()
        .clone();
    assert_eq!(jws["state"], "done", "{jws}");
    expect_error(
        app.get("/api/dfsps/NOPE/status").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
}
