//! Network configuration: the Hub's and the DFSPs' endpoints, and the Hub's confirmation.

use futures_util::stream::{self, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    hub_endpoints_of_every_kind,
    dfsp_items_are_confirmed_by_the_hub_and_reset_by_edits,
    values_are_checked_and_nothing_bad_is_stored,
    items_are_confined_to_their_owner_and_kind,
    puts_refuse_stale_versions_and_changed_read_only_fields,
    generic_put_changes_direction_and_type,
    concurrent_edits_and_confirmations_lose_nothing,
);

async fn post_empty(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.post(app.url(path)).send().await.expect("POST")
}

async fn dfsp_env(app: &TestApp) -> i64 {
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP 1", "name": "One"}))
        .await;
    app.create_dfsp(env, json!({"dfspId": "D2", "name": "Two"}))
        .await;
    env
}

async fn hub_endpoints_of_every_kind(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let hub = format!("/api/environments/{env}/hub/endpoints");
    let ip = expect_json(
        app.post_json(
            &format!("{hub}/ingress/ips"),
            &json!({"value": {"address": "163.10.5.0/24", "ports": ["443", "8000-8080"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        ip,
        json!({
            "id": ip["id"], "env_id": env, "envId": env, "state": "NEW", "direction": "INGRESS",
            "type": "IP", "value": {"address": "163.10.5.0/24", "ports": ["443", "8000-8080"]},
            "created_date": "2026-11-28T09:30:00.000Z", "createdDate": "2026-11-28T09:30:00.000Z",
            "created_by": "local", "createdBy": "local", "version": 1
        })
    );
    let url = expect_json(
        app.post_json(
            &format!("{hub}/ingress/urls"),
            &json!({"value": {"url": "https://hub.example.com/fsp"}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (url["type"].clone(), url["direction"].clone()),
        (json!("URL"), json!("INGRESS"))
    );
    let egress = expect_json(
        app.post_json(
            &format!("{hub}/egress/ips"),
            &json!({"value": {"address": "2001:DB8::/32", "ports": ["443"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(egress["value"]["address"], json!("2001:db8::/32"));

    let all = expect_json(app.get(&hub).await, StatusCode::OK).await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    for (path, id) in [
        ("ingress/ips", &ip["id"]),
        ("ingress/urls", &url["id"]),
        ("egress/ips", &egress["id"]),
    ] {
        let list = expect_json(app.get(&format!("{hub}/{path}")).await, StatusCode::OK).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "{path}");
        assert_eq!(&list[0]["id"], id);
        let one = expect_json(app.get(&format!("{hub}/{path}/{id}")).await, StatusCode::OK).await;
        assert_eq!(&one["id"], id);
        let any = expect_json(app.get(&format!("{hub}/{id}")).await, StatusCode::OK).await;
        assert_eq!(one, any);
    }

    // An edit changes the value, bumps the version; the Hub's items stay NEW.
    let id = &ip["id"];
    let changed = expect_json(
        app.put_json(
            &format!("{hub}/ingress/ips/{id}"),
            &json!({"value": {"address": "163.10.6.0/24", "ports": ["443"]}, "direction": "INGRESS", "type": "IP"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        changed["value"],
        json!({"address": "163.10.6.0/24", "ports": ["443"]})
    );
    assert_eq!(
        (changed["state"].clone(), changed["version"].clone()),
        (json!("NEW"), json!(2))
    );

    let response = app.delete(&format!("{hub}/ingress/ips/{id}")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.get(&format!("{hub}/{id}")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    let response = app.delete(&format!("{hub}/{}", url["id"])).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.db.count("endpoint_items").await, 1);
}

async fn dfsp_items_are_confirmed_by_the_hub_and_reset_by_edits(backend: Backend) {
    let app = spawn(backend).await;
    let env = dfsp_env(&app).await;
    let base = format!("/api/environments/{env}/dfsps/DFSP%201/endpoints");
    let created = expect_json(
        app.post_json(
            &format!("{base}/egress/ips"),
            &json!({"value": {"address": "10.1.0.0/16", "ports": ["443"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (created["dfsp_id"].clone(), created["dfspId"].clone()),
        (json!("DFSP 1"), json!("DFSP 1"))
    );
    assert_eq!(created["state"], json!("NEW"));
    let id = created["id"].clone();
    app.post_json(
        &format!("{base}/ingress/urls"),
        &json!({"value": {"url": "https://dfsp1.example.com"}}),
    )
    .await;

    let unprocessed = expect_json(
        app.get(&format!(
            "/api/environments/{env}/dfsps/endpoints/unprocessed"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unprocessed.as_array().unwrap().len(), 2);
    let own = expect_json(
        app.get(&format!("{base}/unprocessed")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own, unprocessed);

    let confirmed = expect_json(
        post_empty(&app, &format!("{base}/{id}/confirmation")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (confirmed["state"].clone(), confirmed["version"].clone()),
        (json!("CONFIRMED"), json!(2))
    );
    // Again: nothing changes.
    let again = expect_json(
        post_empty(&app, &format!("{base}/{id}/confirmation")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, confirmed);
    let own = expect_json(
        app.get(&format!("{base}/unprocessed")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own.as_array().unwrap().len(), 1);

    // Sending back what was read changes nothing, and the item stays confirmed.
    let same = expect_json(
        app.put_json(&format!("{base}/egress/ips/{id}"), &confirmed)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(same, confirmed);
    // A new value makes it NEW again, for the Hub to look at.
    let edited = expect_json(
        app.put_json(
            &format!("{base}/{id}"),
            &json!({"value": {"address": "10.2.0.0/16", "ports": ["443"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (edited["state"].clone(), edited["version"].clone()),
        (json!("NEW"), json!(3))
    );

    // Deleting the DFSP deletes its items.
    assert_eq!(
        app.delete(&format!("/api/environments/{env}/dfsps/DFSP%201"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.db.count("endpoint_items").await, 0);
}

async fn values_are_checked_and_nothing_bad_is_stored(backend: Backend) {
    let app = spawn(backend).await;
    let env = dfsp_env(&app).await;
    let base = format!("/api/environments/{env}/dfsps/D2/endpoints");
    let cases: Vec<(&str, Value, &str)> = vec![
        ("ingress/ips", json!({}), "value: is required"),
        ("ingress/ips", json!({"value": null}), "value: is required"),
        (
            "ingress/ips",
            json!({"value": {"ports": ["80"]}}),
            "value.address: is required",
        ),
        (
            "ingress/ips",
            json!({"value": {"address": "1.2.3.4"}}),
            "value.ports: is required",
        ),
        (
            "ingress/ips",
            json!({"value": {"address": "1.2.3.4", "ports": []}}),
            "value.ports: must list at least one port",
        ),
        (
            "ingress/ips",
            json!({"value": {"address": "10.1.2.3/8", "ports": ["80"]}}),
            "has host bits set; the range is 10.0.0.0/8",
        ),
        (
            "ingress/ips",
            json!({"value": {"address": "300.1.1.1", "ports": ["80"]}}),
            "is not an IPv4 or IPv6 address",
        ),
        (
            "egress/ips",
            json!({"value": {"address": "1.2.3.4", "ports": ["8080-80"]}}),
            "a range goes from the lower port to the higher",
        ),
        (
            "egress/ips",
            json!({"value": {"address": "1.2.3.4", "ports": ["0"]}}),
            "ports go from 1 to 65535",
        ),
        (
            "egress/ips",
            json!({"value": {"address": "1.2.3.4", "ports": ["443", "443"]}}),
            "is listed twice",
        ),
        (
            "egress/ips",
            json!({"value": {"address": "1.2.3.4", "ports": [443]}}),
            "invalid type",
        ),
        (
            "egress/ips",
            json!({"value": {"address": "1.2.3.4", "ports": ["80"], "url": "https://x.com"}}),
            "value.url",
        ),
        (
            "ingress/urls",
            json!({"value": {"url": "ftp://x.com"}}),
            "must start with http:// or https://",
        ),
        (
            "ingress/urls",
            json!({"value": {"url": "https://user:pw@x.com"}}),
            "user name or password",
        ),
        (
            "ingress/urls",
            json!({"value": {"url": "https://x.com\u{0}"}}),
            "must not contain",
        ),
        (
            "ingress/urls",
            json!({"value": {"address": "1.2.3.4", "ports": ["80"]}}),
            "value.url: is required",
        ),
        (
            "ingress/urls",
            json!({"value": {"url": "https://x.com"}, "extra": 1}),
            "unknown field `extra`",
        ),
    ];
    for (path, body, expected) in cases {
        let message = expect_error(
            app.post_json(&format!("{base}/{path}"), &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(expected), "{path} {body}: {message}");
    }
    assert_eq!(app.db.count("endpoint_items").await, 0);
}

async fn items_are_confined_to_their_owner_and_kind(backend: Backend) {
    let app = spawn(backend).await;
    let env = dfsp_env(&app).await;
    let other_env = app.create_environment("TEST").await;
    let one = format!("/api/environments/{env}/dfsps/DFSP%201/endpoints");
    let two = format!("/api/environments/{env}/dfsps/D2/endpoints");
    let hub = format!("/api/environments/{env}/hub/endpoints");
    let item = expect_json(
        app.post_json(
            &format!("{one}/ingress/ips"),
            &json!({"value": {"address": "1.2.3.4", "ports": ["80"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let id = &item["id"];
    for path in [
        format!("{two}/{id}"),
        format!("{two}/ingress/ips/{id}"),
        format!("{hub}/{id}"),
        format!("{one}/egress/ips/{id}"),
        format!("{one}/ingress/urls/{id}"),
        format!("/api/environments/{other_env}/hub/endpoints/{id}"),
        format!("{one}/999"),
        format!("{one}/abc"),
        format!("{one}/0"),
    ] {
        expect_error(app.get(&path).await, StatusCode::NOT_FOUND, "NotFoundError").await;
        expect_error(
            app.delete(&path).await,
            StatusCode::NOT_FOUND,
            "NotFoundError",
        )
        .await;
        expect_error(
            app.put_json(
                &path,
                &json!({"value": {"address": "5.6.7.8", "ports": ["80"]}}),
            )
            .await,
            StatusCode::NOT_FOUND,
            "NotFoundError",
        )
        .await;
    }
    expect_error(
        post_empty(&app, &format!("{two}/{id}/confirmation")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        post_empty(&app, &format!("{one}/999/confirmation")).await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    expect_error(
        app.get(&format!("/api/environments/{env}/dfsps/nobody/endpoints"))
            .await,
        StatusCode::NOT_FOUND,
        "NotFoundError",
    )
    .await;
    let unchanged = expect_json(app.get(&format!("{one}/{id}")).await, StatusCode::OK).await;
    assert_eq!(unchanged, item);
}

async fn puts_refuse_stale_versions_and_changed_read_only_fields(backend: Backend) {
    let app = spawn(backend).await;
    let env = dfsp_env(&app).await;
    let base = format!("/api/environments/{env}/dfsps/D2/endpoints");
    let item = expect_json(
        app.post_json(
            &format!("{base}/ingress/urls"),
            &json!({"value": {"url": "https://a.example.com"}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("{base}/ingress/urls/{}", item["id"]);
    let v2 = expect_json(
        app.put_json(
            &path,
            &json!({"value": {"url": "https://b.example.com"}, "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v2["version"], json!(2));
    let message = expect_error(
        app.put_json(
            &path,
            &json!({"value": {"url": "https://c.example.com"}, "version": 1}),
        )
        .await,
        StatusCode::CONFLICT,
        "ConflictError",
    )
    .await;
    assert!(message.contains("changed since you read it"), "{message}");
    for (body, field) in [
        (json!({"state": "CONFIRMED"}), "state: is read-only"),
        (json!({"dfsp_id": "DFSP 1"}), "dfsp_id: is read-only"),
        (
            json!({"createdDate": "2020-01-01T00:00:00.000Z"}),
            "created_date: is read-only",
        ),
        (json!({"id": 12345}), "id: is read-only"),
        (
            json!({"direction": "EGRESS"}),
            "direction: must be INGRESS on this path",
        ),
        (json!({"type": "IP"}), "type: must be URL on this path"),
        (json!({"colour": "red"}), "unknown field `colour`"),
        (json!({"value": {"url": "nope"}}), "value.url"),
    ] {
        let message = expect_error(
            app.put_json(&path, &body).await,
            StatusCode::BAD_REQUEST,
            "ValidationError",
        )
        .await;
        assert!(message.contains(field), "{body}: {message}");
    }
    let stored = expect_json(app.get(&path).await, StatusCode::OK).await;
    assert_eq!(stored, v2);
}

async fn generic_put_changes_direction_and_type(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let hub = format!("/api/environments/{env}/hub/endpoints");
    let item = expect_json(
        app.post_json(
            &format!("{hub}/ingress/ips"),
            &json!({"value": {"address": "1.2.3.4", "ports": ["80"]}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("{hub}/{}", item["id"]);
    let egress = expect_json(
        app.put_json(&path, &json!({"direction": "EGRESS"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (egress["direction"].clone(), egress["type"].clone()),
        (json!("EGRESS"), json!("IP"))
    );
    let message = expect_error(
        app.put_json(&path, &json!({"type": "URL"})).await,
        StatusCode::BAD_REQUEST,
        "ValidationError",
    )
    .await;
    assert!(
        message.contains("value: is required when the type changes to URL"),
        "{message}"
    );
    let url = expect_json(
        app.put_json(
            &path,
            &json!({"direction": "INGRESS", "value": {"url": "https://hub.example.com"}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (url["direction"].clone(), url["type"].clone()),
        (json!("INGRESS"), json!("URL"))
    );
    let listed = expect_json(
        app.get(&format!("{hub}/ingress/urls")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed, json!([url]));
}

/// Fifty clients edit and confirm 100 DFSP items at once: every request is answered without a
/// 5xx, and every item ends with both changes applied in some order (version 3).
async fn concurrent_edits_and_confirmations_lose_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let env = dfsp_env(&app).await;
    let base = format!("/api/environments/{env}/dfsps/D2/endpoints");
    let mut ids = Vec::new();
    for i in 0..100 {
        let item = expect_json(
            app.post_json(
                &format!("{base}/ingress/ips"),
                &json!({"value": {"address": format!("10.0.{i}.0/24"), "ports": ["443"]}}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        ids.push(item["id"].as_i64().unwrap());
    }
    let requests: Vec<(i64, bool)> = ids
        .iter()
        .flat_map(|id| [(*id, true), (*id, false)])
        .collect();
    let statuses: Vec<StatusCode> = stream::iter(requests)
        .map(|(id, confirm)| {
            let (app, base) = (&app, &base);
            async move {
                if confirm {
                    post_empty(app, &format!("{base}/{id}/confirmation"))
                        .await
                        .status()
                } else {
                    app.put_json(
                        &format!("{base}/{id}"),
                        &json!({"value": {"address": "192.168.0.0/16", "ports": ["8443"]}}),
                    )
                    .await
                    .status()
                }
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let items = expect_json(app.get(&base).await, StatusCode::OK).await;
    for item in items.as_array().unwrap() {
        assert_eq!(item["version"], json!(3), "{item}");
        assert_eq!(
            item["value"],
            json!({"address": "192.168.0.0/16", "ports": ["8443"]}),
            "{item}"
        );
    }
}
