//! Many writers at once: every request gets a real answer (no 5xx from a locked or deadlocked
//! database) and no write is lost, on both backends.

use std::collections::BTreeSet;

use futures_util::stream::{self, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    fifty_clients_create_four_hundred_dfsps,
    concurrent_renames_and_zone_changes_all_land,
    every_writer_reads_its_own_write_while_others_poll,
);

const CLIENTS: usize = 50;

async fn fifty_clients_create_four_hundred_dfsps(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("LOAD").await;
    let path = format!("/api/environments/{env}/dfsps");
    // Every id twice: each pair races, one wins (200) and the other is told it exists (409).
    let ids: Vec<String> = (0..200)
        .flat_map(|i| [format!("D{i}"), format!("D{i}")])
        .collect();
    let statuses: Vec<StatusCode> = stream::iter(ids)
        .map(|id| {
            let (app, path) = (&app, &path);
            async move {
                app.post_json(path, &json!({"dfspId": id, "name": format!("Bank {id}")}))
                    .await
                    .status()
            }
        })
        .buffer_unordered(CLIENTS)
        .collect()
        .await;
    let count = |code| statuses.iter().filter(|s| **s == code).count();
    assert_eq!(
        (count(StatusCode::OK), count(StatusCode::CONFLICT)),
        (200, 200),
        "{statuses:?}"
    );
    let listed = expect_json(app.get(&path).await, StatusCode::OK).await;
    let ids: BTreeSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 200);
}

/// Each DFSP gets a new name from one client and a new zone from another, at the same time:
/// both changes must stay (a read-modify-write of the whole row would lose one).
async fn concurrent_renames_and_zone_changes_all_land(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("LOAD").await;
    for i in 0..200 {
        app.create_dfsp(env, json!({"dfspId": format!("D{i}"), "name": "old"}))
            .await;
    }
    let changes: Vec<(String, Value)> = (0..200)
        .flat_map(|i| {
            let path = format!("/api/environments/{env}/dfsps/D{i}");
            [
                (path.clone(), json!({"name": format!("new {i}")})),
                (path, json!({"monetaryZoneId": "XOF"})),
            ]
        })
        .collect();
    let statuses: Vec<StatusCode> = stream::iter(changes)
        .map(|(path, body)| {
            let app = &app;
            async move { app.put_json(&path, &body).await.status() }
        })
        .buffer_unordered(CLIENTS)
        .collect()
        .await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let listed = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps")).await,
        StatusCode::OK,
    )
    .await;
    for (i, dfsp) in listed.as_array().unwrap().iter().enumerate() {
        assert_eq!(dfsp["name"], json!(format!("new {i}")), "{dfsp}");
        assert_eq!(dfsp["monetaryZoneId"], json!("XOF"), "{dfsp}");
    }
}

/// Lists read at the same moment share one statement on MariaDB (`db::SharedReads`), which
/// must never answer with a read that began before the request: each writer, among clients
/// polling the same lists all the while, finds what it has just created.
async fn every_writer_reads_its_own_write_while_others_poll(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("POLLED").await;
    let dfsps = format!("/api/environments/{env}/dfsps");
    let polling = std::sync::atomic::AtomicBool::new(true);
    let pollers = stream::iter(0..8)
        .map(|n| {
            let (app, dfsps, polling) = (&app, &dfsps, &polling);
            async move {
                let path = if n % 2 == 0 {
                    dfsps.as_str()
                } else {
                    "/api/environments"
                };
                let mut reads = 0;
                while polling.load(std::sync::atomic::Ordering::Relaxed) {
                    assert_eq!(app.get(path).await.status(), StatusCode::OK);
                    reads += 1;
                }
                reads
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<usize>>();
    let writers = async {
        stream::iter(0..40)
            .map(|i| {
                let (app, dfsps) = (&app, &dfsps);
                async move {
                    let id = format!("W{i}");
                    app.create_dfsp(env, json!({"dfspId": id, "name": "writer"}))
                        .await;
                    assert!(
                        lists(app, dfsps, "id", &id).await,
                        "{id} missing from the list read after it was created"
                    );
                    let name = format!("ENV{i}");
                    app.create_environment(&name).await;
                    assert!(
                        lists(app, "/api/environments", "name", &name).await,
                        "{name} missing from the list read after it was created"
                    );
                }
            })
            .buffer_unordered(4)
            .collect::<Vec<()>>()
            .await;
        polling.store(false, std::sync::atomic::Ordering::Relaxed);
    };
    let (reads, ()) = futures_util::join!(pollers, writers);
    assert!(reads.iter().all(|n| *n > 0), "{reads:?}");
}

/// Whether the list at `path` has an item whose `field` is `value`.
async fn lists(app: &TestApp, path: &str, field: &str, value: &str) -> bool {
    let listed = expect_json(app.get(path).await, StatusCode::OK).await;
    listed
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item[field] == json!(value))
}
