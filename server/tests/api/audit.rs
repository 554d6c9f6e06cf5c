//! The audit log: every state-changing operation of the REST API appends exactly one event,
//! with the acting subject and its action, in the change's own transaction. A walk through
//! every such operation of the OpenAPI document checks it; an operation missing from the
//! table below (a new one) fails the test, so that nobody adds a change the log does not see.
//! Also: filters, paging, what a DFSP operator sees, and that events cannot be changed.

use std::collections::BTreeSet;

use domain::clock::Clock;
use openssl::nid::Nid;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::certs::{ca, csr, ec, rsa, sign_csr, tls};
use crate::helpers::*;
use crate::identity_provider::TestProvider;
use crate::on_both_backends;

on_both_backends!(
    every_change_appends_exactly_one_event,
    events_are_filtered_paged_and_scoped,
    events_cannot_be_changed_or_deleted
);

const PASS: &str = "an audit test pass phrase";

/// The event each state-changing operation appends: its action, or `None` with the reason it
/// appends none here.
const ACTIONS: &[(&str, Result<&str, &str>)] = &[
    ("createEnvironment", Ok("environment.create")),
    ("deleteEnvironment", Ok("environment.delete")),
    ("createDFSP", Ok("dfsp.create")),
    ("updateDFSP", Ok("dfsp.update")),
    ("deleteDFSP", Ok("dfsp.delete")),
    ("createCA", Ok("ca.create")),
    ("createHubCA", Ok("hub_ca.create")),
    ("deleteHubCA", Ok("hub_ca.delete")),
    ("setDFSPca", Ok("dfsp_ca.upload")),
    ("createHubIngressIp", Ok("endpoint.create")),
    ("updateHubIngressIpEndpoint", Ok("endpoint.update")),
    ("deleteHubIngressIpEndpoint", Ok("endpoint.delete")),
    ("createHubIngressUrl", Ok("endpoint.create")),
    ("updateHubIngressUrlEndpoint", Ok("endpoint.update")),
    ("deleteHubIngressUrlEndpoint", Ok("endpoint.delete")),
    ("createHubEgressIp", Ok("endpoint.create")),
    ("updateHubEgressIpEndpoint", Ok("endpoint.update")),
    ("deleteHubEgressIpEndpoint", Ok("endpoint.delete")),
    ("updateHubEndpoint", Ok("endpoint.update")),
    ("deleteHubEndpoint", Ok("endpoint.delete")),
    ("createDFSPIngressIp", Ok("endpoint.create")),
    ("updateDFSPIngressIpEndpoint", Ok("endpoint.update")),
    ("deleteDFSPIngressIpEndpoint", Ok("endpoint.delete")),
    ("createDFSPIngressUrl", Ok("endpoint.create")),
    ("updateDFSPIngressUrlEndpoint", Ok("endpoint.update")),
    ("deleteDFSPIngressUrlEndpoint", Ok("endpoint.delete")),
    ("createDFSPEgressIp", Ok("endpoint.create")),
    ("updateDFSPEgressIpEndpoint", Ok("endpoint.update")),
    ("deleteDFSPEgressIpEndpoint", Ok("endpoint.delete")),
    ("updateDFSPEndpoint", Ok("endpoint.update")),
    ("deleteDFSPEndpoint", Ok("endpoint.delete")),
    ("confirmEndpointItem", Ok("endpoint.confirm")),
    ("createDFSPInboundEnrollment", Ok("inbound.create")),
    ("signDFSPInboundEnrollment", Ok("inbound.sign")),
    ("revokeCertificate", Ok("certificate.revoke")),
    (
        "addDFSPInboundEnrollmentCertificate",
        Ok("inbound.certificate_upload"),
    ),
    ("createDFSPOutboundEnrollment", Ok("outbound.create")),
    ("createCSRAndDFSPOutboundEnrollment", Ok("outbound.create")),
    (
        "addDFSPOutboundEnrollmentCertificate",
        Ok("outbound.certificate_upload"),
    ),
    (
        "validateDFSPOutboundEnrollmentCertificate",
        Ok("outbound.validate"),
    ),
    ("createHubServerCerts", Ok("server_certificate.store")),
    ("updateHubServerCerts", Ok("server_certificate.store")),
    ("deleteHubServerCerts", Ok("server_certificate.delete")),
    ("createDfspServerCerts", Ok("server_certificate.store")),
    ("updateDfspServerCerts", Ok("server_certificate.store")),
    ("deleteDfspServerCerts", Ok("server_certificate.delete")),
    ("createDfspJWSCerts", Ok("jws_certificate.store")),
    ("updateDfspJWSCerts", Ok("jws_certificate.store")),
    ("deleteDfspJWSCerts", Ok("jws_certificate.delete")),
    ("createHubJWSCerts", Ok("jws_certificate.store")),
    // MCM v3's own operations (a 2020 operation at its v3 path, `...V3`, runs the 2020
    // operation's handler: its entry here covers it). v3's DFSP creation also makes the
    // Hub's CSR: two events, in this order.
    ("createDFSPV3", Ok("dfsp.create+outbound.create")),
    ("createDfspJWSCertsV3", Ok("jws_key.store")),
    ("createDFSPIngressV3", Ok("endpoint.replace")),
    ("createDFSPEgressV3", Ok("endpoint.replace")),
    ("uploadDfspStatesStatus", Ok("onboarding.report")),
    ("createDfspExternalJWSCerts", Ok("external_jws_key.store")),
    ("replaceDfspExternalJWSCerts", Ok("external_jws_key.store")),
    ("deleteDfspExternalJWSCerts", Ok("external_jws_key.delete")),
    ("updateHubJWSCerts", Ok("jws_certificate.store")),
    ("deleteHubJWSCerts", Ok("jws_certificate.delete")),
    (
        "loginUser",
        Err("without authentication it signs nobody in; sign-ins are checked in second_factor.rs"),
    ),
    (
        "login2step",
        Err("needs AUTH_2FA_ENABLED; its sign-in is checked in second_factor.rs"),
    ),
    (
        "logoutUser",
        Err("MCM's no-op: sessions end at /auth/logout"),
    ),
    (
        "resetPassword",
        Err("MCM's no-op: passwords are the provider's"),
    ),
    (
        "resetSecondFactor",
        Err("needs AUTH_2FA_ENABLED; its event is checked in second_factor.rs"),
    ),
];

/// A walk through the operations, each checked to append exactly its one event.
struct Walk<'a> {
    app: &'a TestApp,
    /// The newest event's id before the next step.
    last: i64,
    done: BTreeSet<&'static str>,
}

impl<'a> Walk<'a> {
    async fn new(app: &'a TestApp) -> Walk<'a> {
        let mut walk = Walk {
            app,
            last: 0,
            done: BTreeSet::new(),
        };
        walk.last = walk
            .newest_events(1)
            .await
            .first()
            .map_or(0, |e| e["id"].as_i64().unwrap());
        walk
    }

    async fn newest_events(&self, limit: u32) -> Vec<Value> {
        let page = expect_json(
            self.app.get(&format!("/api/audit?limit={limit}")).await,
            StatusCode::OK,
        )
        .await;
        page["events"].as_array().unwrap().clone()
    }

    /// Calls `operation` and checks that it appended one event, its action's.
    async fn step(
        &mut self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let mut request = self.app.client.request(method, self.app.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{operation}: {status} {text}");
        let answer = serde_json::from_str(&text).unwrap_or(Value::Null);
        let expected = ACTIONS
            .iter()
            .find(|(op, _)| *op == operation)
            .and_then(|(_, action)| action.ok())
            .unwrap_or_else(|| panic!("{operation} has no action in the table"));
        let mut new: Vec<Value> = self
            .newest_events(10)
            .await
            .into_iter()
            .filter(|e| e["id"].as_i64().unwrap() > self.last)
            .collect();
        new.sort_by_key(|e| e["id"].as_i64().unwrap());
        let expected: Vec<&str> = expected.split('+').collect();
        assert_eq!(new.len(), expected.len(), "{operation} appended {new:?}");
        for (event, expected) in new.iter().zip(expected) {
            assert_eq!(event["action"], expected, "{operation}: {event}");
            assert_eq!(event["subject"], "local", "{operation}: {event}");
            assert!(!event["summary"].as_str().unwrap().is_empty());
            assert!(
                !event.to_string().contains("BEGIN"),
                "{operation}: no certificate or key in an event: {event}"
            );
            self.last = event["id"].as_i64().unwrap();
        }
        self.done.insert(operation);
        answer
    }
}

fn id_of(answer: &Value) -> i64 {
    answer["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {answer}"))
}

async fn every_change_appends_exactly_one_event(backend: Backend) {
    use Method as M;
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let mut walk = Walk::new(&app).await;

    let env = id_of(
        &walk
            .step(
                "createEnvironment",
                M::POST,
                "/api/environments",
                Some(json!({"name": "Audit", "defaultDN": {"CN": "hub.example.com", "O": "Hub"}})),
            )
            .await,
    );
    let e = format!("/api/environments/{env}");
    walk.step(
        "createDFSP",
        M::POST,
        &format!("{e}/dfsps"),
        Some(json!({"dfspId": "DFSP1", "name": "Bank One"})),
    )
    .await;
    walk.step(
        "updateDFSP",
        M::PUT,
        &format!("{e}/dfsps/DFSP1"),
        Some(json!({"name": "Bank One Ltd"})),
    )
    .await;

    // The Hub's endpoints, by each kind's path and by the generic one.
    let ip = |a: &str| json!({"value": {"address": a, "ports": ["443"]}});
    let url = |u: &str| json!({"value": {"url": u}});
    let hub = format!("{e}/hub/endpoints");
    let id = id_of(
        &walk
            .step(
                "createHubIngressIp",
                M::POST,
                &format!("{hub}/ingress/ips"),
                Some(ip("163.10.5.0/24")),
            )
            .await,
    );
    walk.step(
        "updateHubIngressIpEndpoint",
        M::PUT,
        &format!("{hub}/ingress/ips/{id}"),
        Some(ip("163.10.6.0/24")),
    )
    .await;
    walk.step(
        "updateHubEndpoint",
        M::PUT,
        &format!("{hub}/{id}"),
        Some(ip("163.10.7.0/24")),
    )
    .await;
    walk.step(
        "deleteHubIngressIpEndpoint",
        M::DELETE,
        &format!("{hub}/ingress/ips/{id}"),
        None,
    )
    .await;
    let id = id_of(
        &walk
            .step(
                "createHubIngressUrl",
                M::POST,
                &format!("{hub}/ingress/urls"),
                Some(url("https://hub.example.com")),
            )
            .await,
    );
    walk.step(
        "updateHubIngressUrlEndpoint",
        M::PUT,
        &format!("{hub}/ingress/urls/{id}"),
        Some(url("https://hub2.example.com")),
    )
    .await;
    walk.step(
        "deleteHubIngressUrlEndpoint",
        M::DELETE,
        &format!("{hub}/ingress/urls/{id}"),
        None,
    )
    .await;
    let id = id_of(
        &walk
            .step(
                "createHubEgressIp",
                M::POST,
                &format!("{hub}/egress/ips"),
                Some(ip("163.10.8.1")),
            )
            .await,
    );
    walk.step(
        "updateHubEgressIpEndpoint",
        M::PUT,
        &format!("{hub}/egress/ips/{id}"),
        Some(ip("163.10.8.2")),
    )
    .await;
    walk.step("deleteHubEndpoint", M::DELETE, &format!("{hub}/{id}"), None)
        .await;
    let id = id_of(
        &walk
            .step(
                "createHubEgressIp",
                M::POST,
                &format!("{hub}/egress/ips"),
                Some(ip("163.10.8.3")),
            )
            .await,
    );
    walk.step(
        "deleteHubEgressIpEndpoint",
        M::DELETE,
        &format!("{hub}/egress/ips/{id}"),
        None,
    )
    .await;

    // The DFSP's endpoints, and the Hub's confirmation of one.
    let dfsp = format!("{e}/dfsps/DFSP1/endpoints");
    let id = id_of(
        &walk
            .step(
                "createDFSPIngressIp",
                M::POST,
                &format!("{dfsp}/ingress/ips"),
                Some(ip("10.1.0.0/16")),
            )
            .await,
    );
    walk.step(
        "updateDFSPIngressIpEndpoint",
        M::PUT,
        &format!("{dfsp}/ingress/ips/{id}"),
        Some(ip("10.2.0.0/16")),
    )
    .await;
    walk.step(
        "confirmEndpointItem",
        M::POST,
        &format!("{dfsp}/{id}/confirmation"),
        None,
    )
    .await;
    walk.step(
        "updateDFSPEndpoint",
        M::PUT,
        &format!("{dfsp}/{id}"),
        Some(ip("10.3.0.0/16")),
    )
    .await;
    walk.step(
        "deleteDFSPIngressIpEndpoint",
        M::DELETE,
        &format!("{dfsp}/ingress/ips/{id}"),
        None,
    )
    .await;
    let id = id_of(
        &walk
            .step(
                "createDFSPIngressUrl",
                M::POST,
                &format!("{dfsp}/ingress/urls"),
                Some(url("https://dfsp1.example.com")),
            )
            .await,
    );
    walk.step(
        "updateDFSPIngressUrlEndpoint",
        M::PUT,
        &format!("{dfsp}/ingress/urls/{id}"),
        Some(url("https://api.dfsp1.example.com")),
    )
    .await;
    walk.step(
        "deleteDFSPIngressUrlEndpoint",
        M::DELETE,
        &format!("{dfsp}/ingress/urls/{id}"),
        None,
    )
    .await;
    let id = id_of(
        &walk
            .step(
                "createDFSPEgressIp",
                M::POST,
                &format!("{dfsp}/egress/ips"),
                Some(ip("10.9.0.1")),
            )
            .await,
    );
    walk.step(
        "updateDFSPEgressIpEndpoint",
        M::PUT,
        &format!("{dfsp}/egress/ips/{id}"),
        Some(ip("10.9.0.2")),
    )
    .await;
    walk.step(
        "deleteDFSPEndpoint",
        M::DELETE,
        &format!("{dfsp}/{id}"),
        None,
    )
    .await;
    let id = id_of(
        &walk
            .step(
                "createDFSPEgressIp",
                M::POST,
                &format!("{dfsp}/egress/ips"),
                Some(ip("10.9.0.3")),
            )
            .await,
    );
    walk.step(
        "deleteDFSPEgressIpEndpoint",
        M::DELETE,
        &format!("{dfsp}/egress/ips/{id}"),
        None,
    )
    .await;

    // The PKI: the environment's CA, the Hub's external CAs, the DFSP's CA.
    walk.step(
        "createCA",
        M::POST,
        &format!("{e}/cas"),
        Some(json!({"csr": {"hosts": ["hub.example.com"], "key": {"algo": "ecdsa", "size": 256}}})),
    )
    .await;
    let hub_root = ca("Hub External Root", None, None);
    let hub_ca = id_of(
        &walk
            .step(
                "createHubCA",
                M::POST,
                &format!("{e}/hub/cas"),
                Some(json!({"name": "Hub PKI", "rootCertificate": hub_root.pem()})),
            )
            .await,
    );
    let spare = ca("Spare Root", None, None);
    let spare = id_of(
        &walk
            .step(
                "createHubCA",
                M::POST,
                &format!("{e}/hub/cas"),
                Some(json!({"name": "Spare", "rootCertificate": spare.pem()})),
            )
            .await,
    );
    walk.step(
        "deleteHubCA",
        M::DELETE,
        &format!("{e}/hub/cas/{spare}"),
        None,
    )
    .await;
    let root = ca("Bank One Root", None, None);
    let issuing = ca("Bank One Issuing", Some(&root), None);
    walk.step(
        "setDFSPca",
        M::POST,
        &format!("{e}/dfsps/DFSP1/ca"),
        Some(json!({"rootCertificate": root.pem(), "intermediateChain": issuing.pem()})),
    )
    .await;

    // Inbound: signed by the environment's CA, and added from a Hub CA.
    let inbound = format!("{e}/dfsps/DFSP1/enrollments/inbound");
    let subject = [
        ("CN", "dfsp1.example.com"),
        ("O", "Bank One"),
        ("OU", "PKI"),
        ("L", "X"),
        ("ST", "Y"),
        ("C", "ZZ"),
    ];
    let id = id_of(&walk.step("createDFSPInboundEnrollment", M::POST, &inbound, Some(json!({"clientCSR": csr(&ec(Nid::X9_62_PRIME256V1), &subject, &["dfsp1.example.com"])}))).await);
    walk.step(
        "signDFSPInboundEnrollment",
        M::POST,
        &format!("{inbound}/{id}/sign"),
        None,
    )
    .await;
    walk.step(
        "revokeCertificate",
        M::POST,
        &format!("{e}/certificates/inboundEnrollment.{id}/revoke"),
        Some(json!({"reason": "superseded"})),
    )
    .await;
    let second = csr(&ec(Nid::X9_62_PRIME256V1), &subject, &["dfsp1.example.com"]);
    let id = id_of(
        &walk
            .step(
                "createDFSPInboundEnrollment",
                M::POST,
                &inbound,
                Some(json!({"clientCSR": second})),
            )
            .await,
    );
    walk.step(
        "addDFSPInboundEnrollmentCertificate",
        M::POST,
        &format!("{inbound}/{id}/certificate"),
        Some(json!({"hubCAId": hub_ca, "certificate": sign_csr(&second, &hub_root)})),
    )
    .await;

    // Outbound: the Hub's CSR, made here or elsewhere, signed by the DFSP's CA and validated.
    let outbound = format!("{e}/dfsps/DFSP1/enrollments/outbound");
    let made = walk.step("createCSRAndDFSPOutboundEnrollment", M::POST, &format!("{outbound}/csr"), Some(json!({"subject": {"CN": "hub.example.com", "L": "XX", "O": "Hub", "OU": "PKI", "C": "YY", "ST": "ZZ", "emailAddress": "pki@hub.example.com"}, "extensions": {"subjectAltName": {"dns": ["hub.example.com"]}}}))).await;
    let id = id_of(&made);
    let hub_csr = made["csr"].as_str().unwrap().to_owned();
    walk.step(
        "addDFSPOutboundEnrollmentCertificate",
        M::POST,
        &format!("{outbound}/{id}/certificate"),
        Some(json!({"certificate": sign_csr(&hub_csr, &issuing)})),
    )
    .await;
    // (Validation changes the state only when every check passes; the walk's CSR and
    // certificate pass them all.)
    walk.step(
        "validateDFSPOutboundEnrollmentCertificate",
        M::POST,
        &format!("{outbound}/{id}/validate"),
        Some(json!({})),
    )
    .await;
    walk.step(
        "createDFSPOutboundEnrollment",
        M::POST,
        &outbound,
        Some(
            json!({"hubCSR": csr(&rsa(2048), &[("CN", "hub.example.com")], &["hub.example.com"])}),
        ),
    )
    .await;

    // Server and JWS certificates.
    let tls_root = ca("TLS Root", None, None);
    let server = |cn: &str| json!({"serverCertificate": tls(cn, &ec(Nid::X9_62_PRIME256V1), &tls_root, "serverAuth"), "rootCertificate": tls_root.pem()});
    let jws = |cn: &str| json!({"jwsCertificate": tls(cn, &rsa(2048), &tls_root, "clientAuth"), "rootCertificate": tls_root.pem()});
    walk.step(
        "createHubServerCerts",
        M::POST,
        &format!("{e}/hub/servercerts"),
        Some(server("hub.example.com")),
    )
    .await;
    walk.step(
        "updateHubServerCerts",
        M::PUT,
        &format!("{e}/hub/servercerts"),
        Some(server("hub.example.com")),
    )
    .await;
    walk.step(
        "deleteHubServerCerts",
        M::DELETE,
        &format!("{e}/hub/servercerts"),
        None,
    )
    .await;
    let d = format!("{e}/dfsps/DFSP1");
    walk.step(
        "createDfspServerCerts",
        M::POST,
        &format!("{d}/servercerts"),
        Some(server("dfsp1.example.com")),
    )
    .await;
    walk.step(
        "updateDfspServerCerts",
        M::PUT,
        &format!("{d}/servercerts"),
        Some(server("dfsp1.example.com")),
    )
    .await;
    walk.step(
        "deleteDfspServerCerts",
        M::DELETE,
        &format!("{d}/servercerts"),
        None,
    )
    .await;
    walk.step(
        "createDfspJWSCerts",
        M::POST,
        &format!("{d}/jwscerts"),
        Some(jws("DFSP1 JWS")),
    )
    .await;
    walk.step(
        "updateDfspJWSCerts",
        M::PUT,
        &format!("{d}/jwscerts"),
        Some(jws("DFSP1 JWS")),
    )
    .await;
    walk.step(
        "deleteDfspJWSCerts",
        M::DELETE,
        &format!("{d}/jwscerts"),
        None,
    )
    .await;
    walk.step(
        "createHubJWSCerts",
        M::POST,
        &format!("{e}/hub/jwscerts"),
        Some(jws("Hub JWS")),
    )
    .await;
    walk.step(
        "updateHubJWSCerts",
        M::PUT,
        &format!("{e}/hub/jwscerts"),
        Some(jws("Hub JWS")),
    )
    .await;
    walk.step(
        "deleteHubJWSCerts",
        M::DELETE,
        &format!("{e}/hub/jwscerts?superseded=true"),
        None,
    )
    .await;

    // MCM v3's own operations, at the paths without the environment (the only one here).
    walk.step(
        "createDFSPV3",
        M::POST,
        "/api/dfsps",
        Some(json!({"dfspId": "DFSP3", "name": "Bank Three"})),
    )
    .await;
    let public_key = String::from_utf8(rsa(2048).public_key_to_pem().unwrap()).unwrap();
    walk.step(
        "createDfspJWSCertsV3",
        M::POST,
        "/api/dfsps/DFSP3/jwscerts",
        Some(json!({"publicKey": public_key, "createdAt": 1765000000})),
    )
    .await;
    walk.step(
        "createDFSPIngressV3",
        M::POST,
        "/api/dfsps/DFSP3/endpoints/ingress",
        Some(json!({"url": "https://dfsp3.example.com/fspiop"})),
    )
    .await;
    walk.step(
        "createDFSPEgressV3",
        M::POST,
        "/api/dfsps/DFSP3/endpoints/egress",
        Some(json!({"ipList": [{"address": "192.0.2.7", "ports": ["443"]}]})),
    )
    .await;
    walk.step(
        "uploadDfspStatesStatus",
        M::POST,
        "/api/dfsps/DFSP3/states",
        Some(
            json!({"DFSP_CA": {"status": "completed", "lastUpdated": "2026-12-08T10:00:00.000Z"}}),
        ),
    )
    .await;

    let external = |id: &str| json!([{"dfspId": id, "publicKey": String::from_utf8(rsa(2048).public_key_to_pem().unwrap()).unwrap()}]);
    walk.step(
        "createDfspExternalJWSCerts",
        M::POST,
        "/api/external-dfsps/jwscerts",
        Some(external("EXT1")),
    )
    .await;
    walk.step(
        "replaceDfspExternalJWSCerts",
        M::PUT,
        "/api/external-dfsps/jwscerts",
        Some(external("EXT2")),
    )
    .await;
    walk.step(
        "deleteDfspExternalJWSCerts",
        M::DELETE,
        "/api/external-dfsps/EXT2/jwscerts",
        None,
    )
    .await;

    // Reads append nothing.
    for path in [
        format!("{e}/dfsps"),
        format!("{e}/hub/endpoints"),
        format!("{e}/audit"),
    ] {
        expect_json(app.get(&path).await, StatusCode::OK).await;
    }
    let before_deletes = walk.last;
    assert_eq!(
        walk.newest_events(1).await[0]["id"].as_i64().unwrap(),
        before_deletes,
        "reads appended events"
    );

    walk.step("deleteDFSP", M::DELETE, &format!("{e}/dfsps/DFSP1"), None)
        .await;
    walk.step("deleteEnvironment", M::DELETE, &e, None).await;
    // The environment's events outlive it, in the Hub-wide log.
    let everything = walk.newest_events(500).await;
    assert!(everything
        .iter()
        .any(|ev| ev["action"] == "dfsp.create" && ev["envId"] == env));

    // Every state-changing operation of the document is in the table, and was walked unless
    // the table says why not.
    let document = expect_json(app.get("/api-docs").await, StatusCode::OK).await;
    let mut changing = BTreeSet::new();
    for item in document["paths"].as_object().unwrap().values() {
        for (method, operation) in item.as_object().unwrap() {
            if ["post", "put", "patch", "delete"].contains(&method.as_str()) {
                changing.insert(operation["operationId"].as_str().unwrap().to_owned());
            }
        }
    }
    for operation in &changing {
        // A 2020 operation at its v3 path runs the 2020 operation's handler.
        let operation = match operation.strip_suffix("V3") {
            Some(base) if ACTIONS.iter().all(|(op, _)| op != operation) => base,
            _ => operation.as_str(),
        };
        match ACTIONS.iter().find(|(op, _)| *op == operation) {
            None => panic!("{operation} changes state: add it to ACTIONS and to the walk"),
            Some((_, Ok(_))) => {
                assert!(walk.done.contains(operation), "{operation} was not walked")
            }
            Some((_, Err(_))) => {}
        }
    }
    for (operation, _) in ACTIONS {
        assert!(
            changing.contains(*operation),
            "{operation} is no longer an operation"
        );
    }
}

async fn events_are_filtered_paged_and_scoped(backend: Backend) {
    let provider = TestProvider::start().await;
    let app = spawn_with(backend, &borrowed(&provider.settings())).await;
    let hub = provider.hub_operator();
    let send = |method: Method, path: String, token: String, body: Option<Value>| {
        let mut request = app
            .client
            .request(method, app.url(&path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let env = expect_json(
        send(
            Method::POST,
            "/api/environments".into(),
            hub.clone(),
            Some(json!({"name": "DEV"})),
        )
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for dfsp in ["DFSP1", "DFSP2"] {
        let body = json!({"dfspId": dfsp, "name": format!("Bank {dfsp}")});
        let response = send(
            Method::POST,
            format!("/api/environments/{env}/dfsps"),
            hub.clone(),
            Some(body),
        )
        .await
        .unwrap();
        expect_json(response, StatusCode::OK).await;
    }
    // Each DFSP's operator adds three endpoints of their own.
    for dfsp in ["DFSP1", "DFSP2"] {
        for n in 1..=3 {
            let body = json!({"value": {"address": format!("10.0.{n}.0/24"), "ports": ["443"]}});
            let response = send(
                Method::POST,
                format!("/api/environments/{env}/dfsps/{dfsp}/endpoints/ingress/ips"),
                provider.dfsp_operator(dfsp),
                Some(body),
            )
            .await
            .unwrap();
            expect_json(response, StatusCode::OK).await;
        }
    }
    let audit = |query: &str, token: String| {
        let path = format!("/api/environments/{env}/audit{query}");
        async move { send(Method::GET, path, token, None).await.unwrap() }
    };

    // The Hub sees everything, newest first: 1 environment + 2 DFSPs + 6 endpoints.
    let all = expect_json(audit("", hub.clone()).await, StatusCode::OK).await;
    let events = all["events"].as_array().unwrap();
    assert_eq!(events.len(), 9, "{all}");
    assert!(events
        .windows(2)
        .all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()));
    assert_eq!(events.last().unwrap()["action"], "environment.create");
    assert_eq!(events.last().unwrap()["subject"], "hub-admin");
    assert!(all.get("nextCursor").is_none());

    // Filters.
    let by_action = expect_json(
        audit("?action=dfsp.create", hub.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_action["events"].as_array().unwrap().len(), 2);
    let by_subject = expect_json(
        audit("?subject=dfsp2-admin", hub.clone()).await,
        StatusCode::OK,
    )
    .await;
    let by_subject = by_subject["events"].as_array().unwrap();
    assert_eq!(by_subject.len(), 3);
    assert!(by_subject
        .iter()
        .all(|e| e["dfspId"] == "DFSP2" && e["action"] == "endpoint.create"));
    let by_dfsp = expect_json(audit("?dfspId=DFSP1", hub.clone()).await, StatusCode::OK).await;
    assert_eq!(by_dfsp["events"].as_array().unwrap().len(), 4, "{by_dfsp}");
    let now = app.clock.now();
    let later = (now + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let none = expect_json(
        audit(&format!("?from={later}"), hub.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["events"].as_array().unwrap().len(), 0);
    let all_before = expect_json(
        audit(&format!("?to={later}"), hub.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all_before["events"].as_array().unwrap().len(), 9);
    for (query, field) in [
        ("?action=nothing", "action"),
        ("?from=yesterday", "from"),
        ("?limit=0", "limit"),
    ] {
        let message = expect_error(
            audit(query, hub.clone()).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(field), "{query}: {message}");
    }

    // Pages of 4, 4 and 1, by the cursor.
    let mut seen = Vec::new();
    let mut query = "?limit=4".to_owned();
    loop {
        let page = expect_json(audit(&query, hub.clone()).await, StatusCode::OK).await;
        seen.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match page["nextCursor"].as_i64() {
            Some(cursor) => query = format!("?limit=4&before={cursor}"),
            None => break,
        }
    }
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(seen, ids);

    // A DFSP operator sees only their own DFSP's events; another DFSP's are "not found".
    let own = expect_json(
        audit("", provider.dfsp_operator("DFSP1")).await,
        StatusCode::OK,
    )
    .await;
    let own = own["events"].as_array().unwrap();
    assert_eq!(own.len(), 4, "{own:?}");
    assert!(own.iter().all(|e| e["dfspId"] == "DFSP1"));
    expect_error(
        audit("?dfspId=DFSP2", provider.dfsp_operator("DFSP1")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    // The Hub-wide log is the Hub's.
    let response = send(
        Method::GET,
        "/api/audit".into(),
        provider.dfsp_operator("DFSP1"),
        None,
    )
    .await
    .unwrap();
    expect_error(response, StatusCode::FORBIDDEN, "ForbiddenError").await;
    let response = send(Method::GET, "/api/audit".into(), hub.clone(), None)
        .await
        .unwrap();
    assert_eq!(
        expect_json(response, StatusCode::OK).await["events"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
}

async fn events_cannot_be_changed_or_deleted(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("Append only").await;
    let mut conn = app.services.db().connection_for_storage_tests().await;
    for statement in [
        "UPDATE audit_events SET subject = 'someone else'",
        "DELETE FROM audit_events",
    ] {
        let refused = sqlx::query(statement).execute(&mut *conn).await;
        let error = refused.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    drop(conn);
    // Deleting the environment leaves its events.
    let response = app.delete(&format!("/api/environments/{env}")).await;
    assert!(response.status().is_success());
    assert_eq!(app.db.count("audit_events").await, 2);
}
