//! Revocation and CRLs: a hub operator revokes a DFSP client certificate the environment's CA
//! issued; it shows as revoked in the inventory and its enrollment; the CA's CRL lists it,
//! `openssl verify -crl_check` refuses it and accepts another, and pkilint's CRL linter finds
//! nothing to say. CRLs are signed anew on revocation and halfway through their validity,
//! served from the database by a replica without the pass phrase, and never lose a revocation
//! when two replicas revoke at once.

use std::path::{Path, PathBuf};
use std::process::Command;

use openssl::nid::Nid;
use openssl::x509::{X509Crl, X509};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::certs::{csr, ec};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_revoked_certificate_is_on_the_crl_and_fails_openssl_crl_checks,
    bad_revocations_are_refused_with_a_reason,
    a_replica_without_the_pass_phrase_serves_the_stored_crl_until_it_is_due,
    two_replicas_revoking_at_once_lose_no_revocation
);

const PASS: &str = "a revocation test pass phrase";
const PUBLIC_URL: &str = "https://mcm.example.com";

async fn ok(response: reqwest::Response) -> Value {
    expect_json(response, StatusCode::OK).await
}

/// An environment with its CA, DFSP1, and `count` of DFSP1's CSRs signed by the CA. Returns
/// the environment, the CA's id, and the enrollments' ids.
async fn signed_enrollments(app: &TestApp, count: usize) -> (i64, i64, Vec<i64>) {
    let env = ok(app
        .post_json(
            "/api/environments",
            &json!({"name": format!("Revocation {}", uuid::Uuid::new_v4()), "defaultDN": {"CN": "hub.example.com", "O": "Hub"}}),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let e = format!("/api/environments/{env}");
    ok(app
        .post_json(
            &format!("{e}/dfsps"),
            &json!({"dfspId": "DFSP1", "name": "Bank One"}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{e}/cas"),
            &json!({"csr": {"hosts": ["hub.example.com"], "key": {"algo": "ecdsa", "size": 256}}}),
        )
        .await)
    .await;
    let ca_id = ok(app.get(&format!("{e}/cas")).await).await[0]["id"]
        .as_i64()
        .unwrap();
    let mut ids = Vec::new();
    for _ in 0..count {
        ids.push(app.signed_inbound_enrollment(env, "DFSP1").await);
    }
    (env, ca_id, ids)
}

async fn revoke(app: &TestApp, env: i64, enrollment: i64, reason: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/environments/{env}/certificates/inboundEnrollment.{enrollment}/revoke"),
        &json!({"reason": reason}),
    )
    .await
}

async fn crl(app: &TestApp, path: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/pkix-crl",
        "{path}"
    );
    response.bytes().await.unwrap().to_vec()
}

fn serials(der: &[u8]) -> Vec<String> {
    X509Crl::from_der(der)
        .unwrap()
        .get_revoked()
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    e.serial_number()
                        .to_bn()
                        .unwrap()
                        .to_hex_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn serial_of(pem: &str) -> String {
    X509::from_pem(pem.as_bytes())
        .unwrap()
        .serial_number()
        .to_bn()
        .unwrap()
        .to_hex_str()
        .unwrap()
        .to_string()
}

/// A scratch directory for the openssl command and pkilint, removed with the value.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("crl-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command (scripts/setup-tests installs it)")
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `openssl verify -crl_check` of `certificate` against the root and the CRL, at the test
/// clock's time: whether it verified, and what openssl said.
fn verify_with_crl(
    scratch: &Scratch,
    root: &str,
    crl_der: &[u8],
    certificate: &str,
) -> (bool, String) {
    let root = scratch.write("root.pem", root.as_bytes());
    let crl = scratch.write("crl.der", crl_der);
    let crl_pem = scratch.0.join("crl.pem");
    let converted = openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        path(&crl),
        "-out",
        path(&crl_pem),
    ]);
    assert!(converted.status.success(), "{converted:?}");
    let leaf = scratch.write("leaf.pem", certificate.as_bytes());
    // An hour after the test clock: inside the CRL's and the certificate's validity.
    let at = (FIXED_NOW.unix_timestamp() + 3600).to_string();
    let output = openssl(&[
        "verify",
        "-no-CApath",
        "-no-CAstore",
        "-attime",
        &at,
        "-crl_check",
        "-CAfile",
        path(&root),
        "-CRLfile",
        path(&crl_pem),
        path(&leaf),
    ]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

fn crl_number(scratch: &Scratch, der: &[u8]) -> String {
    let file = scratch.write("number.der", der);
    let output = openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        path(&file),
        "-noout",
        "-crlnumber",
    ]);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// What pkilint's CRL linter reports (`lint_crl lint -t CRL -p PKIX -s WARNING`); empty when
/// it finds nothing.
fn pkilint_crl(scratch: &Scratch, der: &[u8]) -> String {
    let lint = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/lint_crl");
    assert!(lint.exists(), "pkilint is missing: run scripts/setup-tests");
    let file = scratch.write("lint.crl", der);
    let output = Command::new(lint)
        .args(["lint", "-t", "CRL", "-p", "PKIX", "-s", "WARNING"])
        .arg(&file)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if output.status.success() || !report.is_empty() {
        report
    } else {
        format!(
            "pkilint failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    }
}

async fn a_revoked_certificate_is_on_the_crl_and_fails_openssl_crl_checks(backend: Backend) {
    let app = spawn_with(
        backend,
        &[("P12_PASS_PHRASE", PASS), ("PUBLIC_URL", PUBLIC_URL)],
    )
    .await;
    let (env, ca_id, ids) = signed_enrollments(&app, 2).await;
    let (revoked, kept) = (ids[0], ids[1]);
    let e = format!("/api/environments/{env}");
    let enrollment = |id: i64| {
        let path = format!("{e}/dfsps/DFSP1/enrollments/inbound/{id}");
        let app = &app;
        async move { ok(app.get(&path).await).await }
    };
    let revoked_pem = enrollment(revoked).await["certificate"]
        .as_str()
        .unwrap()
        .to_owned();
    let kept_pem = enrollment(kept).await["certificate"]
        .as_str()
        .unwrap()
        .to_owned();
    let root = ok(app.get(&format!("{e}/ca/rootCert")).await).await["certificate"]
        .as_str()
        .unwrap()
        .to_owned();

    // With PUBLIC_URL, the certificates name the CA's CRL, which anyone may fetch.
    let crl_url = format!("{PUBLIC_URL}{e}/cas/{ca_id}/crl");
    let points = X509::from_pem(kept_pem.as_bytes())
        .unwrap()
        .crl_distribution_points()
        .expect("a CRL distribution point");
    let named: Vec<String> = points
        .iter()
        .filter_map(|p| p.distpoint().and_then(|d| d.fullname()))
        .flat_map(|names| {
            names
                .iter()
                .filter_map(|n| n.uri().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(named, [crl_url]);

    // Before any revocation: an empty CRL, signed by the CA, number 1.
    let scratch = Scratch::new();
    let first = crl(&app, &format!("{e}/ca/crl")).await;
    let root_key = X509::from_pem(root.as_bytes())
        .unwrap()
        .public_key()
        .unwrap();
    assert!(X509Crl::from_der(&first)
        .unwrap()
        .verify(&root_key)
        .unwrap());
    assert!(serials(&first).is_empty());
    assert_eq!(crl_number(&scratch, &first), "crlNumber=0x01");
    assert!(verify_with_crl(&scratch, &root, &first, &revoked_pem).0);

    // The revocation answers what it did.
    let answer = ok(revoke(&app, env, revoked, "keyCompromise").await).await;
    assert_eq!(
        answer["certificateId"],
        format!("inboundEnrollment.{revoked}")
    );
    assert_eq!(answer["reason"], "keyCompromise");
    assert_eq!(answer["revokedBy"], "local");
    assert!(answer["revokedAt"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-28T09:30:00"));

    // Revoked everywhere: the inventory, the enrollment.
    let inventory = ok(app
        .get(&format!("{e}/certificates?kind=inboundEnrollment"))
        .await)
    .await;
    let by_id = |id: i64| {
        inventory
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == format!("inboundEnrollment.{id}"))
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(revoked)["status"], "revoked");
    assert_eq!(by_id(revoked)["revocable"], false);
    assert_eq!(by_id(revoked)["revocation"]["reason"], "keyCompromise");
    assert_eq!(by_id(kept)["status"], "valid");
    assert_eq!(by_id(kept)["revocable"], true);
    let listed = ok(app.get(&format!("{e}/certificates?status=revoked")).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let shown = enrollment(revoked).await;
    assert_eq!(shown["revocation"]["reason"], "keyCompromise");
    assert_eq!(shown["state"], "CERT_SIGNED");
    assert!(enrollment(kept).await.get("revocation").is_none());

    // The CRL lists it: signed anew (number 2), the same at both addresses, PEM on request.
    let second = crl(&app, &format!("{e}/ca/crl")).await;
    assert_eq!(serials(&second), [serial_of(&revoked_pem)]);
    assert_eq!(crl_number(&scratch, &second), "crlNumber=0x02");
    assert_eq!(crl(&app, &format!("{e}/cas/{ca_id}/crl")).await, second);
    let pem = app
        .client
        .get(app.url(&format!("{e}/ca/crl")))
        .header("accept", "application/x-pem-file")
        .send()
        .await
        .unwrap();
    assert_eq!(pem.headers()["content-type"], "application/x-pem-file");
    let pem = pem.text().await.unwrap();
    assert!(pem.starts_with("-----BEGIN X509 CRL-----\n"), "{pem}");
    assert_eq!(
        X509Crl::from_pem(pem.as_bytes()).unwrap().to_der().unwrap(),
        second
    );

    // OpenSSL refuses the revoked certificate and accepts the other; pkilint has nothing to say.
    let (verified, said) = verify_with_crl(&scratch, &root, &second, &revoked_pem);
    assert!(!verified && said.contains("certificate revoked"), "{said}");
    let (verified, said) = verify_with_crl(&scratch, &root, &second, &kept_pem);
    assert!(verified, "{said}");
    let report = pkilint_crl(&scratch, &second);
    assert!(report.is_empty(), "{report}");

    // Unchanged until half of its validity (a week) has passed, then signed anew.
    app.clock.advance(time::Duration::days(3));
    assert_eq!(crl(&app, &format!("{e}/ca/crl")).await, second);
    app.clock.advance(time::Duration::days(1));
    let third = crl(&app, &format!("{e}/ca/crl")).await;
    assert_eq!(crl_number(&scratch, &third), "crlNumber=0x03");
    assert_eq!(serials(&third), serials(&second));

    // The revocation outlives the DFSP: the certificate is still out there.
    let deleted = app
        .client
        .delete(app.url(&format!("{e}/dfsps/DFSP1")))
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    app.clock.advance(time::Duration::days(4));
    let fourth = crl(&app, &format!("{e}/ca/crl")).await;
    assert_eq!(crl_number(&scratch, &fourth), "crlNumber=0x04");
    assert_eq!(serials(&fourth), [serial_of(&revoked_pem)]);
}

async fn bad_revocations_are_refused_with_a_reason(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let (env, _, ids) = signed_enrollments(&app, 1).await;
    let e = format!("/api/environments/{env}");
    let message = expect_error(
        revoke(&app, env, ids[0], "certificateHold").await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("keyCompromise"), "{message}");
    // Not issued by the environment's CA: named by kind, and not found.
    let message = expect_error(
        app.post_json(&format!("{e}/certificates/dfspCa.1/revoke"), &json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(message.contains("did not issue"), "{message}");
    expect_error(
        revoke(&app, env, 999_999, "superseded").await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.post_json(
            "/api/environments/9999/certificates/inboundEnrollment.1/revoke",
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    // A CSR not signed yet has nothing to revoke.
    let waiting = ok(app
        .post_json(
            &format!("{e}/dfsps/DFSP1/enrollments/inbound"),
            &json!({"clientCSR": csr(&ec(Nid::X9_62_PRIME256V1), &[("CN", "dfsp1.example.com")], &[])}),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let message = expect_error(
        revoke(&app, env, waiting, "superseded").await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("no certificate yet"), "{message}");
    // Once is enough; nothing else was revoked meanwhile.
    ok(app
        .post_json(
            &format!("{e}/certificates/inboundEnrollment.{}/revoke", ids[0]),
            &json!({}),
        )
        .await)
    .await;
    let message = expect_error(
        revoke(&app, env, ids[0], "superseded").await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("already revoked"), "{message}");
    assert_eq!(app.db.count("certificate_revocations").await, 1);
    let inventory = ok(app.get(&format!("{e}/certificates?status=revoked")).await).await;
    assert_eq!(inventory[0]["revocation"]["reason"], "unspecified");
    // No CA, no CRL.
    let bare = ok(app
        .post_json("/api/environments", &json!({"name": "No CA"}))
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let message = expect_error(
        app.get(&format!("/api/environments/{bare}/ca/crl")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert!(message.contains("no CA yet"), "{message}");
    expect_error(
        app.get(&format!("{e}/cas/999999/crl")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
}

async fn a_replica_without_the_pass_phrase_serves_the_stored_crl_until_it_is_due(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let (env, _, ids) = signed_enrollments(&app, 1).await;
    let e = format!("/api/environments/{env}");
    ok(revoke(&app, env, ids[0], "superseded").await).await;
    let signed = crl(&app, &format!("{e}/ca/crl")).await;

    let replica = match try_spawn_on(app.db.shared(), &[]).await {
        Ok(replica) => replica,
        Err((error, _)) => panic!("the replica did not start: {error}"),
    };
    // It serves what is stored while that is valid, but signs nothing: no revocation in name
    // only.
    assert_eq!(crl(&replica, &format!("{e}/ca/crl")).await, signed);
    let message = expect_error(
        revoke(&replica, env, ids[0], "superseded").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;
    assert!(message.contains("P12_PASS_PHRASE"), "{message}");
    replica.clock.advance(time::Duration::days(8));
    let message = expect_error(
        replica.get(&format!("{e}/ca/crl")).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailableError",
    )
    .await;
    assert!(message.contains("P12_PASS_PHRASE"), "{message}");
}

async fn two_replicas_revoking_at_once_lose_no_revocation(backend: Backend) {
    let app = spawn_with(backend, &[("P12_PASS_PHRASE", PASS)]).await;
    let (env, _, ids) = signed_enrollments(&app, 6).await;
    let replica = match try_spawn_on(app.db.shared(), &[("P12_PASS_PHRASE", PASS)]).await {
        Ok(replica) => replica,
        Err((error, _)) => panic!("the replica did not start: {error}"),
    };
    let (first, second) = ids.split_at(3);
    let revoke_all = |server: &'static str, list: Vec<i64>| {
        let target = if server == "app" { &app } else { &replica };
        async move {
            for id in list {
                ok(revoke(target, env, id, "cessationOfOperation").await).await;
            }
        }
    };
    tokio::join!(
        revoke_all("app", first.to_vec()),
        revoke_all("replica", second.to_vec())
    );
    let e = format!("/api/environments/{env}");
    let listed = serials(&crl(&app, &format!("{e}/ca/crl")).await);
    assert_eq!(listed.len(), 6, "{listed:?}");
    assert_eq!(
        serials(&crl(&replica, &format!("{e}/ca/crl")).await).len(),
        6
    );
}
