use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    create_get_and_list,
    invalid_bodies_are_rejected_and_nothing_is_stored,
    unknown_environments_are_not_found,
    delete_removes_everything_of_the_environment,
);

async fn create_get_and_list(backend: Backend) {
    let app = spawn(backend).await;
    let created = expect_json(
        app.post_json(
            "/api/environments",
            &json!({"name":"DEV","defaultDN":{"CN":"tes1.centralhub.modusbox.live","O":"Modusbox","OU":"MCM"}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let id = created["id"].as_i64().expect("integer id");
    let expected = json!({
        "id": id,
        "name": "DEV",
        "defaultDN": {"CN":"tes1.centralhub.modusbox.live","O":"Modusbox","OU":"MCM","C":null,"ST":null,"L":null}
    });
    assert_eq!(created, expected);
    assert_eq!(
        expect_json(
            app.get(&format!("/api/environments/{id}")).await,
            StatusCode::OK
        )
        .await,
        expected
    );

    // Trimmed names, upper-cased country; the list is in creation order.
    let second = expect_json(
        app.post_json(
            "/api/environments",
            &json!({"name":"  TEST ","defaultDN":{"C":"de","L":"Berlin"}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["name"], "TEST");
    assert_eq!(second["defaultDN"]["C"], "DE");
    let list = expect_json(app.get("/api/environments").await, StatusCode::OK).await;
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].clone())
        .collect();
    assert_eq!(names, [json!("DEV"), json!("TEST")]);
    assert_eq!(list[0], expected);
}

async fn invalid_bodies_are_rejected_and_nothing_is_stored(backend: Backend) {
    let app = spawn(backend).await;
    let cases = [
        (json!({}), "name: is required"),
        (json!({"name": null}), "name: is required"),
        (json!({"name": "   "}), "name: must not be blank"),
        (
            json!({"name": "x".repeat(513)}),
            "name: must be at most 512 characters",
        ),
        (
            json!({"name": "DEV", "defaultDN": {"C": "USA"}}),
            "defaultDN.C: must be a two-letter country code",
        ),
        (
            json!({"name": "DEV", "defaultDN": {"CN": "c".repeat(65)}}),
            "defaultDN.CN: must be at most 64 characters",
        ),
        (
            json!({"name": 5}),
            "at 'name': invalid type: integer `5`, expected a string",
        ),
        (
            json!({"name": "DEV", "defaultDN": {"O": ["Acme"]}}),
            "at 'defaultDN.O': invalid type: sequence",
        ),
        (json!(["DEV"]), "must be a JSON object"),
        (json!("DEV"), "must be a JSON object"),
    ];
    for (body, expected) in cases {
        let message = expect_error(
            app.post_json("/api/environments", &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }

    let field_errors = expect_json(
        app.post_json("/api/environments", &json!({"defaultDN": {"C": "1"}}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        field_errors["payload"]["validationErrors"],
        json!([
            {"field": "name", "message": "is required"},
            {"field": "defaultDN.C", "message": "must be a two-letter country code such as US or DE (got '1')"}
        ])
    );

    let malformed = app
        .client
        .post(app.url("/api/environments"))
        .header("content-type", "application/json")
        .body("{\"name\": \"DEV\"")
        .send()
        .await
        .unwrap();
    let message = expect_error(malformed, StatusCode::BAD_REQUEST, "ValidationError").await;
    assert!(message.starts_with("Invalid JSON body"), "{message}");

    let empty = app
        .client
        .post(app.url("/api/environments"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    expect_error(empty, StatusCode::BAD_REQUEST, "ValidationError").await;

    let form = app
        .client
        .post(app.url("/api/environments"))
        .form(&[("name", "DEV")])
        .send()
        .await
        .unwrap();
    expect_error(
        form,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaTypeError",
    )
    .await;

    assert_eq!(app.db.count("environments").await, 0);
    assert_eq!(
        expect_json(app.get("/api/environments").await, StatusCode::OK).await,
        json!([])
    );
}

async fn unknown_environments_are_not_found(backend: Backend) {
    let app = spawn(backend).await;
    for id in ["999", "abc", "0", "-1", "1.5", "DFSP%20Bob"] {
        let message = expect_error(
            app.get(&format!("/api/environments/{id}")).await,
            StatusCode::NOT_FOUND,
            "NotFoundError",
        )
        .await;
        assert!(message.contains("not found"), "{message}");
        expect_error(
            app.delete(&format!("/api/environments/{id}")).await,
            StatusCode::NOT_FOUND,
            "NotFoundError",
        )
        .await;
    }
}

async fn delete_removes_everything_of_the_environment(backend: Backend) {
    let app = spawn(backend).await;
    let kept = app.create_environment("KEPT").await;
    let doomed = app.create_environment("DOOMED").await;
    app.create_dfsp(
        doomed,
        json!({"dfspId": "DFSP1", "name": "One", "monetaryZoneId": "EUR"}),
    )
    .await;
    app.create_dfsp(doomed, json!({"dfspId": "DFSP2", "name": "Two"}))
        .await;
    app.create_dfsp(kept, json!({"dfspId": "DFSP1", "name": "One"}))
        .await;

    let response = app.delete(&format!("/api/environments/{doomed}")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.text().await.unwrap().is_empty());

    expect_error(
        app.get(&format!("/api/environments/{doomed}")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.get(&format!("/api/environments/{doomed}/dfsps")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(app.db.count("environments").await, 1);
    assert_eq!(
        app.db.count("dfsps").await,
        1,
        "the deleted environment's DFSPs are gone"
    );

    // Ids are not reused, so an old link never shows a newer environment.
    let newer = app.create_environment("NEWER").await;
    assert!(newer > doomed, "{newer} reuses a deleted id");
}
