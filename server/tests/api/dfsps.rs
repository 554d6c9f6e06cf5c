use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    dfsp_lifecycle_with_spaces_in_the_id,
    duplicates_are_conflicts,
    invalid_dfsps_are_rejected,
    unknown_environment_or_dfsp_is_not_found,
    updates_change_only_what_is_given,
    dfsps_by_monetary_zone,
    monetary_zones_are_seeded,
    oversized_bodies_are_413,
    creation_times_come_from_the_clock_and_compare_in_sql,
);

/// The harness's clock is the server's: moving it moves the stored creation times, which
/// compare in SQL as instants on both backends.
async fn creation_times_come_from_the_clock_and_compare_in_sql(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "early", "name": "Early"}))
        .await;
    app.clock.advance(time::Duration::milliseconds(1500));
    app.create_dfsp(env, json!({"dfspId": "late", "name": "Late"}))
        .await;
    let cut = domain::clock::to_db(FIXED_NOW + time::Duration::seconds(1));
    assert_eq!(
        app.db
            .strings(
                "SELECT dfsp_id FROM dfsps WHERE created_at < ? ORDER BY created_at",
                &cut
            )
            .await,
        ["early"]
    );
    assert_eq!(
        app.db
            .strings("SELECT created_at FROM dfsps WHERE created_at > ?", &cut)
            .await,
        ["2026-11-28T09:30:01.500Z"]
    );
}

/// A body over the operation's limit is refused before it is read in full, with MCM's error
/// body, and nothing is stored. (`http.rs` sends 5 MB over a raw connection.)
async fn oversized_bodies_are_413(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    // Twice the limit: small enough that the client finishes sending before the server, which
    // answers as soon as it knows, closes the connection.
    let huge = json!({"dfspId": "D1", "name": "x".repeat(32 * 1024)});
    for path in [
        format!("/api/environments/{env}/dfsps"),
        "/api/environments".to_owned(),
    ] {
        let message = expect_error(
            app.post_json(&path, &huge).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLargeError",
        )
        .await;
        assert!(
            message.contains("larger than this operation accepts"),
            "{message}"
        );
    }
    let message = expect_error(
        app.put_json(&format!("/api/environments/{env}/dfsps/D1"), &huge)
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "PayloadTooLargeError",
    )
    .await;
    assert!(!message.is_empty());
    assert_eq!(app.db.count("dfsps").await, 0);
    assert_eq!(app.db.count("environments").await, 1);
}

async fn dfsp_lifecycle_with_spaces_in_the_id(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let created = expect_json(
        app.post_json(
            &format!("/api/environments/{env}/dfsps"),
            &json!({"dfspId": "DFSP Bob", "name": "Bob's bank", "monetaryZoneId": "EUR"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created, json!({"id": "DFSP Bob"}));

    let bob = json!({
        "envId": env, "id": "DFSP Bob", "name": "Bob's bank",
        "monetaryZoneId": "EUR", "securityGroup": "Application/DFSP:DFSP-Bob",
        "isProxy": false, "fxpCurrencies": []
    });
    let path = format!("/api/environments/{env}/dfsps/DFSP%20Bob");
    assert_eq!(expect_json(app.get(&path).await, StatusCode::OK).await, bob);
    // A trailing slash is accepted, as MCM's scripts use one.
    assert_eq!(
        expect_json(
            app.get(&format!("/api/environments/{env}/dfsps/")).await,
            StatusCode::OK
        )
        .await,
        json!([bob])
    );

    let updated = expect_json(
        app.put_json(&path, &json!({"name": "Bob Bank", "monetaryZoneId": "XOF"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        updated,
        json!({"dfspId": "DFSP Bob", "name": "Bob Bank", "monetaryZoneId": "XOF", "securityGroup": "Application/DFSP:DFSP-Bob", "isProxy": false, "fxpCurrencies": []})
    );

    // A zone-less DFSP has no monetaryZoneId key at all, and a given security group is kept.
    app.create_dfsp(
        env,
        json!({"dfspId": "DFSP2", "name": "Two", "securityGroup": "Application/Two"}),
    )
    .await;
    let list = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        list,
        json!([
            {"envId": env, "id": "DFSP Bob", "name": "Bob Bank", "monetaryZoneId": "XOF", "securityGroup": "Application/DFSP:DFSP-Bob", "isProxy": false, "fxpCurrencies": []},
            {"envId": env, "id": "DFSP2", "name": "Two", "securityGroup": "Application/Two", "isProxy": false, "fxpCurrencies": []}
        ])
    );

    let response = app.delete(&path).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_error(app.get(&path).await, StatusCode::NOT_FOUND, "NotFoundError").await;
    expect_error(
        app.delete(&path).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(app.db.count("dfsps").await, 1);
}

async fn duplicates_are_conflicts(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let other = app.create_environment("TEST").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP1", "name": "One"}))
        .await;
    let message = expect_error(
        app.post_json(
            &format!("/api/environments/{env}/dfsps"),
            &json!({"dfspId": " DFSP1 ", "name": "Another"}),
        )
        .await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("'DFSP1' already exists"), "{message}");
    // The same id in another environment, or in another case, is a different DFSP.
    app.create_dfsp(other, json!({"dfspId": "DFSP1", "name": "One"}))
        .await;
    app.create_dfsp(env, json!({"dfspId": "dfsp1", "name": "Lower"}))
        .await;
    let one = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps/DFSP1"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["name"], "One", "the refused duplicate changed nothing");
    assert_eq!(app.db.count("dfsps").await, 3);
}

async fn invalid_dfsps_are_rejected(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let path = format!("/api/environments/{env}/dfsps");
    let cases = [
        (json!({"name": "One"}), "dfspId: is required"),
        (
            json!({"dfspId": "", "name": "One"}),
            "dfspId: must not be empty",
        ),
        (json!({"dfspId": "D1"}), "name: is required"),
        (
            json!({"dfspId": "D1", "name": "One", "monetaryZoneId": "euro"}),
            "monetaryZoneId: must be a monetary zone id",
        ),
        (
            json!({"dfspId": "D1", "name": "One", "monetaryZoneId": "USD"}),
            "monetaryZoneId: 'USD' is not a known monetary zone",
        ),
        (
            json!({"dfspId": "D1", "name": "One", "securityGroup": " "}),
            "securityGroup: must not be blank",
        ),
        (
            json!({"dfspId": "d".repeat(257), "name": "One"}),
            "dfspId: must be at most 256 characters",
        ),
        (
            json!({"dfspId": "a\u{0}b", "name": "One"}),
            "dfspId: must not contain control characters (found U+0000)",
        ),
        (
            json!({"dfspId": "D1", "name": "Line\nbreak"}),
            "name: must not contain control characters (found U+000A)",
        ),
        (
            json!({"dfspId": "D1", "name": "One", "securityGroup": "a\u{202e}b"}),
            "securityGroup: must not contain control characters (found U+202E)",
        ),
        (
            json!({"dfspId": 7, "name": "One"}),
            "at 'dfspId': invalid type: integer",
        ),
        (
            json!({"dfspId": "%C8%BE", "name": "One"}),
            "dfspId: must not contain '%': none of / ? # % \\ may appear, as they have a meaning in URLs",
        ),
        (
            json!({"dfspId": "A/B", "name": "One"}),
            "dfspId: must not contain '/'",
        ),
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
    assert_eq!(app.db.count("dfsps").await, 0);
}

async fn unknown_environment_or_dfsp_is_not_found(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let body = json!({"dfspId": "D1", "name": "One"});
    for (response, what) in [
        (
            app.get("/api/environments/999/dfsps").await,
            "Environment '999'",
        ),
        (
            app.post_json("/api/environments/999/dfsps", &body).await,
            "Environment '999'",
        ),
        (
            app.get("/api/environments/999/dfsps/D1").await,
            "Environment '999'",
        ),
        (
            app.put_json("/api/environments/999/dfsps/D1", &json!({"name": "x"}))
                .await,
            "Environment '999'",
        ),
        (
            app.delete("/api/environments/999/dfsps/D1").await,
            "Environment '999'",
        ),
        (
            app.get("/api/environments/999/monetaryzones/EUR/dfsps")
                .await,
            "Environment '999'",
        ),
        (
            app.get(&format!("/api/environments/{env}/dfsps/D1")).await,
            "DFSP 'D1'",
        ),
        (
            app.put_json(
                &format!("/api/environments/{env}/dfsps/D1"),
                &json!({"name": "x"}),
            )
            .await,
            "DFSP 'D1'",
        ),
        (
            app.delete(&format!("/api/environments/{env}/dfsps/D1"))
                .await,
            "DFSP 'D1'",
        ),
    ] {
        let message = expect_error(response, StatusCode::NOT_FOUND, "NotFoundError").await;
        assert!(message.starts_with(what), "{message}");
    }
}

async fn updates_change_only_what_is_given(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "MTN CI", "name": "MTN", "monetaryZoneId": "XOF", "securityGroup": "Custom"}))
        .await;
    let path = format!("/api/environments/{env}/dfsps/MTN%20CI");
    let get = || async { expect_json(app.get(&path).await, StatusCode::OK).await };

    // An empty update changes nothing.
    expect_json(app.put_json(&path, &json!({})).await, StatusCode::OK).await;
    assert_eq!(get().await["monetaryZoneId"], "XOF");

    // Absent stays, null clears the zone and restores the default group.
    expect_json(
        app.put_json(
            &path,
            &json!({"monetaryZoneId": null, "securityGroup": null}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let dfsp = get().await;
    assert_eq!(dfsp["name"], "MTN");
    assert!(dfsp.get("monetaryZoneId").is_none(), "{dfsp}");
    assert_eq!(dfsp["securityGroup"], "Application/DFSP:MTN-CI");

    for (body, expected) in [
        (json!({"name": null}), "name: must not be null"),
        (json!({"name": ""}), "name: must not be empty"),
        (
            json!({"monetaryZoneId": "ZZZ"}),
            "'ZZZ' is not a known monetary zone",
        ),
    ] {
        let message = expect_error(
            app.put_json(&path, &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    assert_eq!(get().await["name"], "MTN", "refused updates change nothing");
}

async fn dfsps_by_monetary_zone(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let zone_path = |zone: &str| format!("/api/environments/{env}/monetaryzones/{zone}/dfsps");
    assert_eq!(
        expect_json(app.get(&zone_path("EUR")).await, StatusCode::OK).await,
        json!([])
    );
    app.create_dfsp(
        env,
        json!({"dfspId": "E1", "name": "Euro one", "monetaryZoneId": "EUR"}),
    )
    .await;
    app.create_dfsp(
        env,
        json!({"dfspId": "M1", "name": "Dirham one", "monetaryZoneId": "MAD"}),
    )
    .await;
    app.create_dfsp(env, json!({"dfspId": "N1", "name": "No zone"}))
        .await;
    let eur = expect_json(app.get(&zone_path("EUR")).await, StatusCode::OK).await;
    assert_eq!(
        eur,
        json!([{"envId": env, "id": "E1", "name": "Euro one", "monetaryZoneId": "EUR", "securityGroup": "Application/DFSP:E1", "isProxy": false, "fxpCurrencies": []}])
    );
    let message = expect_error(
        app.get(&zone_path("QQQ")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    assert_eq!(message, "Monetary zone 'QQQ' not found");
}

async fn monetary_zones_are_seeded(backend: Backend) {
    let app = spawn(backend).await;
    let zones = expect_json(app.get("/api/monetaryzones").await, StatusCode::OK).await;
    assert_eq!(
        zones,
        json!([
            {"monetaryZoneId": "EUR", "name": "Euro", "description": null, "isActive": true, "createdDate": "2026-11-28T09:30:00.000Z", "createdBy": "admin"},
            {"monetaryZoneId": "MAD", "name": "Moroccan Dirham", "description": null, "isActive": true, "createdDate": "2026-11-28T09:30:00.000Z", "createdBy": "admin"},
            {"monetaryZoneId": "XOF", "name": "CFA Franc BCEAO", "description": null, "isActive": true, "createdDate": "2026-11-28T09:30:00.000Z", "createdBy": "admin"}
        ])
    );
    assert_eq!(app.db.count("currencies").await, 299);

    // The API document lists the same zones wherever a DFSP names one, and `null` for none.
    let spec = expect_json(app.get("/api-docs").await, StatusCode::OK).await;
    for schema in ["DFSPCreate", "DFSPUpdate"] {
        assert_eq!(
            spec["components"]["schemas"][schema]["properties"]["monetaryZoneId"]["enum"],
            json!(["EUR", "MAD", "XOF", null]),
            "{schema}"
        );
    }
}
