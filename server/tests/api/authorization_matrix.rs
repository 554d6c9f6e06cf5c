//! Every REST operation of the OpenAPI document, asked by each kind of caller, with
//! `AUTH_ENABLED=true`: nobody, a forged token, a hub operator, the operator of the DFSP in the
//! path (DFSP1), and the operator of another DFSP (DFSP2). The table below says what each
//! operation allows; an operation missing from it (a new one) fails the test, so that nobody
//! adds an operation without deciding who may call it.
//!
//! Authorization is decided before the input is read, so an empty body tells the cases apart:
//! a caller who may act gets past it (to a 400 about the body, a 404 about a missing item, or a
//! success), one who may not gets 401, 403, or, for another DFSP's resources, the 404 that
//! says the DFSP does not exist. Each operation gets a fresh environment, so that deletes and
//! creations do not change what the next one sees.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::identity_provider::{SigningKey, TestProvider};
use crate::on_both_backends;

on_both_backends!(every_operation_allows_exactly_whom_its_rule_says);

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anybody, signed in or not (MCM's login operations, the health check).
    Public,
    /// Every signed-in participant: hub operators and every DFSP's operators.
    Participants,
    /// Hub operators only.
    Hub,
    /// Hub operators and the operators of the DFSP in the path; another DFSP's operators are
    /// told that the DFSP does not exist.
    OwnDfsp,
}

/// Who may call what, by operation id.
const RULES: &[(&str, Rule)] = &[
    // MCM's login operations and the health check.
    ("loginUser", Rule::Public),
    ("login2step", Rule::Public),
    ("resetPassword", Rule::Public),
    ("logoutUser", Rule::Public),
    ("getHealth", Rule::Public),
    ("getLiveness", Rule::Public),
    // Environments, and the DFSP records (readable by every participant, as in MCM).
    ("getMonetaryZones", Rule::Participants),
    ("getEnvironments", Rule::Participants),
    ("createEnvironment", Rule::Hub),
    ("getEnvironmentById", Rule::Participants),
    ("deleteEnvironment", Rule::Hub),
    ("getEnvironmentDFSPs", Rule::Participants),
    ("createDFSP", Rule::Hub),
    ("getDFSP", Rule::Participants),
    ("updateDFSP", Rule::Hub),
    ("deleteDFSP", Rule::Hub),
    ("getDfspsByMonetaryZones", Rule::Participants),
    // The environment's CA and the Hub's CAs.
    ("createCA", Rule::Hub),
    ("getCAs", Rule::Participants),
    ("getCurrentCARootCert", Rule::Participants),
    ("createHubCA", Rule::Hub),
    ("getHubCAs", Rule::Participants),
    ("getHubCA", Rule::Participants),
    ("deleteHubCA", Rule::Hub),
    // A DFSP's CA.
    ("setDFSPca", Rule::OwnDfsp),
    ("getDFSPca", Rule::OwnDfsp),
    // The Hub's endpoints: everyone reads them, the Hub changes them.
    ("getHubEndpoints", Rule::Participants),
    ("getHubEndpoint", Rule::Participants),
    ("updateHubEndpoint", Rule::Hub),
    ("deleteHubEndpoint", Rule::Hub),
    ("createHubIngressIp", Rule::Hub),
    ("getHubIngressIps", Rule::Participants),
    ("getHubIngressIpEndpoint", Rule::Participants),
    ("updateHubIngressIpEndpoint", Rule::Hub),
    ("deleteHubIngressIpEndpoint", Rule::Hub),
    ("createHubIngressUrl", Rule::Hub),
    ("getHubIngressUrls", Rule::Participants),
    ("getHubIngressUrlEndpoint", Rule::Participants),
    ("updateHubIngressUrlEndpoint", Rule::Hub),
    ("deleteHubIngressUrlEndpoint", Rule::Hub),
    ("createHubEgressIp", Rule::Hub),
    ("getHubEgressIps", Rule::Participants),
    ("getHubEgressIpEndpoint", Rule::Participants),
    ("updateHubEgressIpEndpoint", Rule::Hub),
    ("deleteHubEgressIpEndpoint", Rule::Hub),
    // A DFSP's endpoints, and the Hub's confirmation of them.
    ("getUnprocessedEndpointItems", Rule::Hub),
    ("getDFSPEndpoints", Rule::OwnDfsp),
    ("getUnprocessedDfspItems", Rule::OwnDfsp),
    ("getDFSPEndpoint", Rule::OwnDfsp),
    ("updateDFSPEndpoint", Rule::OwnDfsp),
    ("deleteDFSPEndpoint", Rule::OwnDfsp),
    ("confirmEndpointItem", Rule::Hub),
    ("createDFSPIngressIp", Rule::OwnDfsp),
    ("getDFSPIngressIps", Rule::OwnDfsp),
    ("getDFSPIngressIpEndpoint", Rule::OwnDfsp),
    ("updateDFSPIngressIpEndpoint", Rule::OwnDfsp),
    ("deleteDFSPIngressIpEndpoint", Rule::OwnDfsp),
    ("createDFSPIngressUrl", Rule::OwnDfsp),
    ("getDFSPIngressUrls", Rule::OwnDfsp),
    ("getDFSPIngressUrlEndpoint", Rule::OwnDfsp),
    ("updateDFSPIngressUrlEndpoint", Rule::OwnDfsp),
    ("deleteDFSPIngressUrlEndpoint", Rule::OwnDfsp),
    ("createDFSPEgressIp", Rule::OwnDfsp),
    ("getDFSPEgressIps", Rule::OwnDfsp),
    ("getDFSPEgressIpEndpoint", Rule::OwnDfsp),
    ("updateDFSPEgressIpEndpoint", Rule::OwnDfsp),
    ("deleteDFSPEgressIpEndpoint", Rule::OwnDfsp),
    // Enrollments: the DFSP's CSRs signed by the Hub (inbound), the Hub's signed by the DFSP
    // (outbound).
    ("createDFSPInboundEnrollment", Rule::OwnDfsp),
    ("getDFSPInboundEnrollments", Rule::OwnDfsp),
    ("getDFSPInboundEnrollment", Rule::OwnDfsp),
    ("signDFSPInboundEnrollment", Rule::Hub),
    ("addDFSPInboundEnrollmentCertificate", Rule::Hub),
    ("createDFSPOutboundEnrollment", Rule::Hub),
    ("createCSRAndDFSPOutboundEnrollment", Rule::Hub),
    ("getDFSPOutboundEnrollments", Rule::OwnDfsp),
    ("getDFSPOutboundEnrollment", Rule::OwnDfsp),
    ("addDFSPOutboundEnrollmentCertificate", Rule::OwnDfsp),
    ("validateDFSPOutboundEnrollmentCertificate", Rule::Hub),
    // Server and JWS certificates.
    ("createHubServerCerts", Rule::Hub),
    ("getHubServerCerts", Rule::Participants),
    ("updateHubServerCerts", Rule::Hub),
    ("deleteHubServerCerts", Rule::Hub),
    ("getAllDfspServerCerts", Rule::Hub),
    ("createDfspServerCerts", Rule::OwnDfsp),
    ("getDfspServerCerts", Rule::OwnDfsp),
    ("updateDfspServerCerts", Rule::OwnDfsp),
    ("deleteDfspServerCerts", Rule::OwnDfsp),
    ("getAllDfspJWSCerts", Rule::Participants),
    ("createHubJWSCerts", Rule::Hub),
    ("getHubJWSCerts", Rule::Participants),
    ("updateHubJWSCerts", Rule::Hub),
    ("deleteHubJWSCerts", Rule::Hub),
    ("createDfspJWSCerts", Rule::OwnDfsp),
    ("getDfspJWSCerts", Rule::OwnDfsp),
    ("updateDfspJWSCerts", Rule::OwnDfsp),
    ("deleteDfspJWSCerts", Rule::OwnDfsp),
    // The audit log: every participant reads an environment's (a DFSP operator their own
    // DFSPs' events); the whole log is the Hub's.
    ("getEnvironmentAudit", Rule::Participants),
    ("getAudit", Rule::Hub),
    // The certificate inventory (a DFSP operator sees the Hub's public certificates and
    // their own DFSPs'), revocation (the Hub's), and the CAs' CRLs, which relying parties
    // fetch without signing in.
    ("getCertificateInventory", Rule::Participants),
    // The onboarding board (a DFSP operator's own DFSPs' rows).
    ("getOnboarding", Rule::Participants),
    ("revokeCertificate", Rule::Hub),
    ("getCurrentCACrl", Rule::Public),
    ("getCACrl", Rule::Public),
    // Users' second factors.
    ("getSecondFactors", Rule::Hub),
    ("resetSecondFactor", Rule::Hub),
    // MCM v3's own operations (every 2020 operation at its v3 path, `...V3`, follows the
    // 2020 operation's rule).
    ("createDFSPV3", Rule::Hub),
    ("getHubCAV3", Rule::Participants),
    ("getAllDfspJWSCertsV3", Rule::Participants),
    ("createDfspJWSCertsV3", Rule::OwnDfsp),
    ("getDfspJWSCertsV3", Rule::OwnDfsp),
    ("getDFSPIngressV3", Rule::OwnDfsp),
    ("createDFSPIngressV3", Rule::OwnDfsp),
    ("getDFSPEgressV3", Rule::OwnDfsp),
    ("createDFSPEgressV3", Rule::OwnDfsp),
    // MCM v3 lets anybody report; here only the DFSP's client and the Hub.
    ("uploadDfspStatesStatus", Rule::OwnDfsp),
    // Every participant; a DFSP operator sees their own DFSPs' rows.
    ("handleGetDfspsStatesStatus", Rule::Participants),
    ("getDfspStatus", Rule::OwnDfsp),
    // Other schemes' DFSPs' JWS keys: hub operators, and the operators of an interscheme
    // proxy (the fixture's DFSPs are none: server/tests/api/v3.rs tests a proxy's).
    ("createDfspExternalJWSCerts", Rule::Hub),
    ("replaceDfspExternalJWSCerts", Rule::Hub),
    ("getDfspExternalJWSCerts", Rule::Hub),
    ("deleteDfspExternalJWSCerts", Rule::Hub),
];

/// The environment the v3 paths act in, in this test (`V3_ENVIRONMENT`).
const V3_ENVIRONMENT: &str = "V3-MATRIX";

/// The rule of an operation: its own, or for a 2020 operation at its v3 path (`getDFSPV3`),
/// the 2020 operation's.
fn rule_of(rules: &BTreeMap<&str, Rule>, id: &str) -> Option<Rule> {
    rules
        .get(id)
        .or_else(|| id.strip_suffix("V3").and_then(|base| rules.get(base)))
        .copied()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Nobody,
    Forged,
    HubOperator,
    OwnDfspOperator,
    OtherDfspOperator,
}

const CALLERS: [Caller; 5] = [
    Caller::Nobody,
    Caller::Forged,
    // Before the hub operator, whose deletes would change what the others see.
    Caller::OtherDfspOperator,
    Caller::OwnDfspOperator,
    Caller::HubOperator,
];

/// What a caller must be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// Past authorization: anything but 401, 403 and the "DFSP not found" of another DFSP.
    Allowed,
    Unauthorized,
    Forbidden,
    /// The DFSP in the path is not theirs: "not found", as if it did not exist.
    DfspNotFound,
}

fn expected(rule: Rule, caller: Caller) -> Expected {
    use Caller::*;
    match (rule, caller) {
        // A token that fails its checks is refused even where none is needed: it is a
        // mistake the caller should hear about.
        (_, Forged) => Expected::Unauthorized,
        (Rule::Public, _) => Expected::Allowed,
        (_, Nobody) => Expected::Unauthorized,
        (_, HubOperator) => Expected::Allowed,
        (Rule::Participants, _) => Expected::Allowed,
        (Rule::Hub, _) => Expected::Forbidden,
        (Rule::OwnDfsp, OwnDfspOperator) => Expected::Allowed,
        (Rule::OwnDfsp, OtherDfspOperator) => Expected::DfspNotFound,
    }
}

/// The operations of the server's OpenAPI document: (method, path template, operation id).
/// Those at MCM v3's paths have no `{envId}`.
async fn operations(app: &TestApp) -> Vec<(Method, String, String)> {
    let document = expect_json(app.get("/api-docs").await, StatusCode::OK).await;
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            if let Some(id) = operation["operationId"].as_str() {
                found.push((method, path.clone(), id.to_owned()));
            }
        }
    }
    found
}

/// The concrete path: the fixture's environment, DFSP1, and ids that exist nowhere.
fn concrete(template: &str, env: i64) -> String {
    template
        .split('/')
        .map(|segment| match segment {
            "{envId}" => env.to_string(),
            "{dfspId}" => "DFSP1".into(),
            "{monetaryZoneId}" => "EUR".into(),
            "{subject}" => "nobody".into(),
            s if s.starts_with('{') => "999999".into(),
            s => s.into(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn every_operation_allows_exactly_whom_its_rule_says(backend: Backend) {
    let provider = TestProvider::start().await;
    let mut settings = provider.settings();
    settings.push((
        "P12_PASS_PHRASE",
        "the authorization matrix's pass phrase".into(),
    ));
    settings.push(("V3_ENVIRONMENT", V3_ENVIRONMENT.into()));
    let app = spawn_with(backend, &borrowed(&settings)).await;
    let hub = provider.hub_operator();
    let forged = SigningKey::rsa("rsa-1").sign(&provider.claims("hub-admin", &["Application/PTA"]));
    let token = |caller: Caller| -> Option<String> {
        match caller {
            Caller::Nobody => None,
            Caller::Forged => Some(forged.clone()),
            Caller::HubOperator => Some(hub.clone()),
            Caller::OwnDfspOperator => Some(provider.dfsp_operator("DFSP1")),
            Caller::OtherDfspOperator => Some(provider.dfsp_operator("DFSP2")),
        }
    };

    let rules: BTreeMap<&str, Rule> = RULES.iter().copied().collect();
    let operations = operations(&app).await;
    let documented: Vec<&str> = operations.iter().map(|(_, _, id)| id.as_str()).collect();
    let missing: Vec<&str> = documented
        .iter()
        .copied()
        .filter(|id| rule_of(&rules, id).is_none())
        .collect();
    let stale: Vec<&str> = rules
        .keys()
        .copied()
        .filter(|id| !documented.contains(id))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "decide who may call each new operation (missing: {missing:?}), and remove the rules of \
         operations that are gone (stale: {stale:?})"
    );

    let mut wrong = Vec::new();
    for (index, (method, template, id)) in operations.iter().enumerate() {
        // The paths outside /api/environments (v3's, and the few that are about no environment)
        // get a fresh environment named V3_ENVIRONMENT, which the v3 paths act in.
        let v3 = !template.starts_with("/api/environments");
        if v3 {
            // A fresh environment for the v3 paths: the one named V3_ENVIRONMENT, made anew.
            let all = expect_json(
                app.client
                    .get(app.url("/api/environments"))
                    .bearer_auth(&hub)
                    .send()
                    .await
                    .unwrap(),
                StatusCode::OK,
            )
            .await;
            for env in all.as_array().unwrap() {
                if env["name"] == V3_ENVIRONMENT {
                    let gone = app
                        .client
                        .delete(app.url(&format!("/api/environments/{}", env["id"])))
                        .bearer_auth(&hub)
                        .send()
                        .await
                        .unwrap();
                    assert!(gone.status().is_success());
                }
            }
        }
        let env = {
            let name = if v3 {
                V3_ENVIRONMENT.to_owned()
            } else {
                format!("MATRIX-{index}")
            };
            let created = app
                .client
                .post(app.url("/api/environments"))
                .bearer_auth(&hub)
                .json(&json!({"name": name}))
                .send()
                .await
                .unwrap();
            expect_json(created, StatusCode::OK).await["id"]
                .as_i64()
                .unwrap()
        };
        for dfsp in ["DFSP1", "DFSP2"] {
            let created = app
                .client
                .post(app.url(&format!("/api/environments/{env}/dfsps")))
                .bearer_auth(&hub)
                .json(&json!({"dfspId": dfsp, "name": format!("Bank {dfsp}")}))
                .send()
                .await
                .unwrap();
            expect_json(created, StatusCode::OK).await;
        }
        let path = concrete(template, env);
        for caller in CALLERS {
            let mut request = app.client.request(method.clone(), app.url(&path));
            if let Some(token) = token(caller) {
                request = request.bearer_auth(token);
            }
            if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
                request = if template.starts_with("/api/login")
                    || template.starts_with("/api/logout")
                    || template.starts_with("/api/resetPassword")
                {
                    request.form(&[("unused", "")])
                } else {
                    request.json(&json!({}))
                };
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let message = body["message"].as_str().unwrap_or_default().to_owned();
            let scoped_out =
                status == StatusCode::NOT_FOUND && message.starts_with("DFSP 'DFSP1' not found");
            let got = match status {
                StatusCode::UNAUTHORIZED => Expected::Unauthorized,
                StatusCode::FORBIDDEN => Expected::Forbidden,
                _ if scoped_out => Expected::DfspNotFound,
                _ => Expected::Allowed,
            };
            let want = expected(rule_of(&rules, id).unwrap(), caller);
            if got != want || status.is_server_error() {
                wrong.push(format!(
                    "{id} ({method} {template}) as {caller:?}: expected {want:?}, got {status} {message}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
