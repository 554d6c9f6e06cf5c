//! The HTTP surface around the operations: unknown paths, methods, health, API documents.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    five_megabytes_are_refused_with_413,
    unknown_api_paths_and_methods_answer_json,
    health_reports_the_database
);

async fn unknown_api_paths_and_methods_answer_json(backend: Backend) {
    let app = spawn(backend).await;
    for path in [
        "/api",
        "/api/",
        "/api/nothing",
        "/api/environments/1/unknown/deeper",
    ] {
        let response = app.get(path).await;
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        expect_error(response, StatusCode::NOT_FOUND, "NotFoundError").await;
    }
    let response = app
        .client
        .patch(app.url("/api/environments"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET,HEAD,POST");
    let message = expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowedError",
    )
    .await;
    assert_eq!(
        message,
        "PATCH is not supported on /api/environments; /docs lists the methods of each path"
    );
    let response = app
        .client
        .post(app.url("/api/environments/1"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowedError",
    )
    .await;
}

async fn health_reports_the_database(backend: Backend) {
    let app = spawn(backend).await;
    let alive = json!({"status": "alive"});
    assert_eq!(
        expect_json(app.get("/api/health/live").await, StatusCode::OK).await,
        alive
    );
    assert_eq!(
        expect_json(app.get("/api/health").await, StatusCode::OK).await,
        // MCM v3's fields, the time from the server's clock.
        json!({"status": "healthy", "timestamp": "2026-11-28T09:30:00Z", "database": "connected"})
    );
    app.services.db().close().await;
    assert_eq!(
        expect_json(
            app.get("/api/health").await,
            StatusCode::SERVICE_UNAVAILABLE
        )
        .await,
        json!({"status": "unhealthy", "timestamp": "2026-11-28T09:30:00Z", "database": "disconnected",
               "error": "The database cannot be reached"})
    );
    // Liveness does not ask the database: an outage is no reason to restart the process.
    assert_eq!(
        expect_json(app.get("/api/health/live").await, StatusCode::OK).await,
        alive
    );
}

#[tokio::test]
async fn every_response_carries_the_request_id_given_or_a_new_one() {
    let app = spawn(Backend::Sqlite).await;
    let id_of = |response: &reqwest::Response| {
        response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let fresh = app.get("/api/environments").await;
    let made = id_of(&fresh);
    assert!(uuid::Uuid::parse_str(&made).is_ok(), "{made}");
    assert_ne!(
        id_of(&app.get("/environments").await),
        made,
        "one per request"
    );

    let given = app
        .client
        .get(app.url("/api/health/live"))
        .header("x-request-id", "trace-4711")
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(&given), "trace-4711");
    for unusable in ["x".repeat(129), "with space".to_owned(), String::new()] {
        let replaced = app
            .client
            .get(app.url("/api/health/live"))
            .header("x-request-id", &unusable)
            .send()
            .await
            .unwrap();
        assert!(
            uuid::Uuid::parse_str(&id_of(&replaced)).is_ok(),
            "{unusable:?}"
        );
    }
}

#[tokio::test]
async fn openapi_document_and_swagger_ui_are_served() {
    let app = spawn(Backend::Sqlite).await;
    let spec = expect_json(app.get("/api-docs").await, StatusCode::OK).await;
    assert!(
        spec["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        spec["openapi"]
    );
    // Without AUTH_ENABLED this server asks for no token, and its document says none.
    assert!(spec.get("security").is_none(), "{}", spec["security"]);
    let paths = spec["paths"].as_object().unwrap();
    for path in [
        "/api/environments",
        "/api/environments/{envId}",
        "/api/environments/{envId}/dfsps",
        "/api/environments/{envId}/dfsps/{dfspId}",
        "/api/environments/{envId}/monetaryzones/{monetaryZoneId}/dfsps",
        "/api/monetaryzones",
        "/api/health",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    assert_eq!(
        spec["paths"]["/api/environments"]["post"]["operationId"],
        "createEnvironment"
    );
    let ui = app.get("/docs/").await;
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(ui.text().await.unwrap().contains("swagger"));
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(
        bundle.status(),
        StatusCode::OK,
        "Swagger UI is served from local assets"
    );
    // The document is made at its first request, so Swagger UI is pointed at its address.
    let initializer = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(initializer.status(), StatusCode::OK);
    assert!(initializer
        .text()
        .await
        .unwrap()
        .contains(r#""url": "/api-docs""#));
}

/// A 5 MB body, sent as a client that keeps writing would: the answer is a 413 with MCM's
/// error body, sent as soon as the declared length is seen. A raw connection, because an HTTP
/// client library reports the connection closed mid-body instead of the answer.
async fn five_megabytes_are_refused_with_413(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn(backend).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let body = format!(r#"{{"name": "{}"}}"#, "x".repeat(5 * 1024 * 1024));
    let head = format!(
        "POST /api/environments HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // Keep sending while reading; the server may stop reading the body at any point.
    let sender = tokio::spawn(async move {
        let _ = writer.write_all(body.as_bytes()).await;
    });
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
            break;
        }
    }
    sender.abort();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains(r#""id":"PayloadTooLargeError""#),
        "{answer}"
    );
    assert_eq!(app.db.count("environments").await, 0);
}

/// `LOG_FORMAT=json`: the server binary, started as a deployment starts it, writes one JSON
/// object per line, and the lines of a request carry its `x-request-id`.
#[tokio::test]
async fn json_log_lines_carry_the_request_id() {
    let server = ServerProcess::start(&[("LOG_FORMAT", "json"), ("RUST_LOG", "info")]).await;
    let response = reqwest::Client::new()
        .get(server.url("/api/environments"))
        .header("x-request-id", "json-log-test-7")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "json-log-test-7");
    let output = server.stop().await;

    let lines: Vec<serde_json::Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(lines
        .iter()
        .all(|l| l["timestamp"].is_string() && l["level"].is_string()));
    let of_request: Vec<_> = lines
        .iter()
        .filter(|l| l["span"]["request_id"] == "json-log-test-7")
        .collect();
    assert!(
        !of_request.is_empty(),
        "no line carries the request id: {output}"
    );
    assert!(of_request
        .iter()
        .all(|l| l["span"]["uri"] == "/api/environments" && l["span"]["method"] == "GET"));
}

/// A SQLite file serves one server: a second one started on it stops at once and says why,
/// rather than sharing the file (the first holds it, see `domain::db::SQLITE_VFS_ONE_PROCESS`).
#[tokio::test]
async fn a_second_server_on_the_same_sqlite_file_says_it_is_in_use() {
    let first = ServerProcess::start(&[]).await;
    let second = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", first.database_url())
        .env("PORT", free_port().to_string())
        .env("DB_RETRIES", "1")
        .env_remove("AUTH_ENABLED")
        .output()
        .await
        .expect("the server binary runs");
    let errors = String::from_utf8_lossy(&second.stderr);
    let file = first
        .database_url()
        .trim_start_matches("sqlite://")
        .to_owned();
    assert!(
        !second.status.success(),
        "the second server started: {errors}"
    );
    assert!(
        errors.contains(&format!(
            "the SQLite database {file} is in use by another process"
        )),
        "unexpected error: {errors}"
    );
    // The first one carries on.
    let response = reqwest::get(first.url("/api/environments")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    first.stop().await;
}
