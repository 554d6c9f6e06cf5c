//! Start-up: initial data, restarts, configuration that must be refused.

use reqwest::StatusCode;
use serde_json::json;
use server::startup::StartupError;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    restart_keeps_data_and_loads_initial_data_once,
    custom_data_files_are_loaded,
    a_configuration_naming_an_unknown_currency_is_refused,
    run_migrations_false_leaves_the_schema_alone,
);

async fn restart_keeps_data_and_loads_initial_data_once(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let db = app.db;
    // A second server on the same database, as after a restart or beside another replica.
    let again = try_spawn_on(db, &[])
        .await
        .map_err(|(e, _)| e)
        .expect("restart");
    let environments = expect_json(again.get("/api/environments").await, StatusCode::OK).await;
    assert_eq!(environments[0]["id"], env);
    assert_eq!(again.db.count("currencies").await, 299);
    assert_eq!(again.db.count("monetary_zones").await, 3);
}

async fn custom_data_files_are_loaded(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("cm-data-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let currencies = dir.join("currencies.json");
    let configuration = dir.join("configuration.json");
    std::fs::write(
        &currencies,
        r#"[{"currencyId":"USD","name":"US Dollar","scale":2},{"currencyId":"KES","name":"Kenyan Shilling"}]"#,
    )
    .unwrap();
    std::fs::write(
        &configuration,
        r#"{"currencies":[{"currencyId":"KES"}],"monetaryZones":[{"monetaryZoneId":"KES","name":"Kenya","description":"East Africa"}]}"#,
    )
    .unwrap();
    let app = spawn_with(
        backend,
        &[
            ("CURRENCY_CODES", currencies.to_str().unwrap()),
            ("DATA_CONFIGURATION_FILE", configuration.to_str().unwrap()),
        ],
    )
    .await;
    let zones = expect_json(app.get("/api/monetaryzones").await, StatusCode::OK).await;
    assert_eq!(zones.as_array().unwrap().len(), 1);
    assert_eq!(zones[0]["monetaryZoneId"], "KES");
    assert_eq!(zones[0]["description"], "East Africa");
    assert_eq!(app.db.count("currencies").await, 2);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn a_configuration_naming_an_unknown_currency_is_refused(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("cm-data-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let configuration = dir.join("configuration.json");
    std::fs::write(
        &configuration,
        r#"{"currencies":[{"currencyId":"EUR"}],"monetaryZones":[{"monetaryZoneId":"XXY","name":"Nowhere"}]}"#,
    )
    .unwrap();
    let result = try_spawn_on(
        TestDatabase::new(backend),
        &[("DATA_CONFIGURATION_FILE", configuration.to_str().unwrap())],
    )
    .await;
    let Err((error, db)) = result else {
        panic!("the server started")
    };
    assert!(matches!(error, StartupError::InitialData(_)), "{error}");
    assert!(
        error.to_string().contains(
            "monetaryZones[0].monetaryZoneId: 'XXY' must be a currency of the currency codes file"
        ),
        "{error}"
    );
    assert_eq!(
        db.count("currencies").await,
        0,
        "the failed load was rolled back"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

async fn run_migrations_false_leaves_the_schema_alone(backend: Backend) {
    // On an empty database: no schema is created, and start-up says so.
    let result = try_spawn_on(TestDatabase::new(backend), &[("RUN_MIGRATIONS", "false")]).await;
    let Err((error, _db)) = result else {
        panic!("the server started without a schema")
    };
    assert!(
        matches!(
            error,
            StartupError::Database(_) | StartupError::InitialData(_)
        ),
        "{error}"
    );

    // On a migrated database it starts normally.
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    let again = try_spawn_on(app.db, &[("RUN_MIGRATIONS", "false")])
        .await
        .map_err(|(e, _)| e)
        .expect("start without migrating");
    let body = expect_json(
        again.get(&format!("/api/environments/{env}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["name"], json!("DEV"));
}

/// Replicas starting together on a new MariaDB database (created beforehand, as a deployment
/// does): migrations run under a lock, and the currencies go in once, whichever replica's
/// statement meets the other's rows.
#[tokio::test]
async fn replicas_starting_together_load_initial_data_once() {
    use sqlx::migrate::MigrateDatabase;
    sqlx::any::install_default_drivers();
    let db = TestDatabase::new(Backend::MySql);
    sqlx::Any::create_database(&db.url)
        .await
        .expect("create the database");
    let replicas = [db.shared(), db.shared(), db.shared()];
    let started = futures_util::future::join_all(
        replicas
            .into_iter()
            .map(|replica| async move { try_spawn_on(replica, &[]).await.map_err(|(e, _)| e) }),
    )
    .await;
    for app in started {
        let app = app.expect("every replica starts");
        let zones = expect_json(app.get("/api/monetaryzones").await, StatusCode::OK).await;
        assert_eq!(zones.as_array().unwrap().len(), 3, "{zones}");
        // Each replica's document names every zone, whichever replica stored them.
        let document = expect_json(app.get("/api-docs").await, StatusCode::OK).await;
        let named = &document["components"]["schemas"]["DFSPCreate"]["properties"]
            ["monetaryZoneId"]["enum"];
        assert_eq!(
            named.as_array().unwrap().len(),
            4,
            "3 zones and null: {named}"
        );
    }
    assert_eq!(db.count("currencies").await, 299);
    assert_eq!(db.count("monetary_zones").await, 3);
}
