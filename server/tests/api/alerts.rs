//! Expiry alerts: a certificate that crosses a warning threshold raises one webhook call per
//! threshold, as the clock moves; none again after a restart; one sender when two servers
//! share the database; a call the receiver refused is made again after a backoff; and the
//! server checks on its own every EXPIRY_CHECK_INTERVAL.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode as HttpStatus;
use domain::clock::Clock;
use openssl::nid::Nid;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::alerts::ExpiryAlerter;

use crate::certs::{ca, ec, tls_until};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    an_expiring_certificate_raises_one_alert_per_threshold_and_none_after_a_restart,
    one_of_two_servers_sends_each_alert,
    a_refused_alert_is_sent_again_after_a_backoff,
    the_server_checks_on_its_own
);

/// A local webhook receiver: the events it accepted, and how many requests it refuses first.
#[derive(Clone)]
struct Receiver {
    url: String,
    accepted: Arc<Mutex<Vec<Value>>>,
    requests: Arc<Mutex<usize>>,
}

impl Receiver {
    async fn start(refuse_first: usize) -> Receiver {
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(Mutex::new(0usize));
        let (kept, seen) = (accepted.clone(), requests.clone());
        let hook = move |axum::Json(event): axum::Json<Value>| {
            let (kept, seen) = (kept.clone(), seen.clone());
            async move {
                let mut count = seen.lock().unwrap();
                *count += 1;
                if *count <= refuse_first {
                    return HttpStatus::SERVICE_UNAVAILABLE;
                }
                kept.lock().unwrap().push(event);
                HttpStatus::NO_CONTENT
            }
        };
        let router = axum::Router::new().route("/hook", axum::routing::post(hook));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        run_beside_servers(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver {
            url,
            accepted,
            requests,
        }
    }

    fn events(&self) -> Vec<Value> {
        self.accepted.lock().unwrap().clone()
    }

    fn requests(&self) -> usize {
        *self.requests.lock().unwrap()
    }
}

fn alerter(receiver: &Receiver) -> ExpiryAlerter {
    ExpiryAlerter::new(
        Some(receiver.url.clone()),
        Some("https://mcm.example.com".into()),
    )
    .with_retry_pause(Duration::from_millis(10))
}

/// An environment whose Hub server certificate ends `days` after the test clock's now, and
/// `dfsps` DFSPs whose server certificates do too. The environment's id.
async fn expiring(app: &TestApp, days: i64, dfsps: usize) -> i64 {
    let env = expect_json(
        app.post_json("/api/environments", &json!({"name": "Alerts"}))
            .await,
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let end = (FIXED_NOW + time::Duration::days(days)).unix_timestamp();
    let root = ca("Alert Root", None, None);
    let set = |cn: &str| json!({"serverCertificate": tls_until(cn, &ec(Nid::X9_62_PRIME256V1), &root, "serverAuth", end), "rootCertificate": root.pem()});
    let e = format!("/api/environments/{env}");
    expect_json(
        app.post_json(&format!("{e}/hub/servercerts"), &set("hub.example.com"))
            .await,
        StatusCode::OK,
    )
    .await;
    for n in 1..=dfsps {
        let dfsp = format!("DFSP{n}");
        app.create_dfsp(env, json!({"dfspId": dfsp, "name": format!("Bank {n}")}))
            .await;
        expect_json(
            app.post_json(
                &format!("{e}/dfsps/{dfsp}/servercerts"),
                &set(&format!("dfsp{n}.example.com")),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    env
}

async fn an_expiring_certificate_raises_one_alert_per_threshold_and_none_after_a_restart(
    backend: Backend,
) {
    let receiver = Receiver::start(0).await;
    let app = spawn(backend).await;
    let env = expiring(&app, 20, 0).await;
    let alerts = alerter(&receiver);

    // Twenty days left: the 30-day warning, once.
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 1);
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 0);
    let events = receiver.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event["event"], "certificate.expiring");
    assert_eq!(event["thresholdDays"], 30);
    assert_eq!(event["environment"], json!({"id": env, "name": "Alerts"}));
    assert_eq!(event["certificate"]["kind"], "hubServer");
    assert_eq!(event["certificate"]["daysLeft"], 20);
    assert_eq!(event["certificate"]["subject"], "CN=hub.example.com");
    assert_eq!(
        event["link"],
        format!("https://mcm.example.com/environments/{env}/server-certificates")
    );
    assert!(
        event["message"]
            .as_str()
            .unwrap()
            .contains("expires in 20 days"),
        "{event}"
    );

    // Six days left: the 7-day warning; half a day left: the 1-day warning; then nothing.
    app.clock.advance(time::Duration::days(14));
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 1);
    app.clock
        .advance(time::Duration::days(5) + time::Duration::hours(12));
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 1);
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 0);
    let thresholds: Vec<i64> = receiver
        .events()
        .iter()
        .map(|e| e["thresholdDays"].as_i64().unwrap())
        .collect();
    assert_eq!(thresholds, [30, 7, 1]);

    // Another server on the same database, as after a restart, sends none of them again.
    let restarted = match try_spawn_on(app.db.shared(), &[]).await {
        Ok(restarted) => restarted,
        Err((error, _)) => panic!("the second server did not start: {error}"),
    };
    restarted.clock.set(app.clock.now());
    assert_eq!(
        alerter(&receiver)
            .run_once(&restarted.services)
            .await
            .unwrap(),
        0
    );
    assert_eq!(receiver.events().len(), 3);
}

async fn one_of_two_servers_sends_each_alert(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let app = spawn(backend).await;
    expiring(&app, 10, 2).await;
    let other = match try_spawn_on(app.db.shared(), &[]).await {
        Ok(other) => other,
        Err((error, _)) => panic!("the second server did not start: {error}"),
    };
    let (first, second) = (alerter(&receiver), alerter(&receiver));
    let (a, b) = tokio::join!(
        first.run_once(&app.services),
        second.run_once(&other.services)
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        3,
        "the Hub's and two DFSPs' certificates"
    );
    let mut sent: Vec<String> = receiver
        .events()
        .iter()
        .map(|e| e["certificate"]["id"].as_str().unwrap().to_owned())
        .collect();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 3, "each once: {:#?}", receiver.events());
    assert!(receiver.events().iter().all(|e| e["thresholdDays"] == 30));
}

async fn a_refused_alert_is_sent_again_after_a_backoff(backend: Backend) {
    // Three tries a send: the receiver refuses the whole first send.
    let receiver = Receiver::start(3).await;
    let app = spawn(backend).await;
    expiring(&app, 10, 0).await;
    let alerts = alerter(&receiver);
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 0);
    assert_eq!(receiver.requests(), 3);
    // Not again before its backoff (a minute) has passed.
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 0);
    assert_eq!(receiver.requests(), 3);
    app.clock.advance(time::Duration::minutes(2));
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 1);
    assert_eq!(receiver.requests(), 4);
    let events = receiver.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["thresholdDays"], 30);
    assert_eq!(alerts.run_once(&app.services).await.unwrap(), 0);
}

async fn the_server_checks_on_its_own(backend: Backend) {
    let receiver = Receiver::start(0).await;
    let app = spawn_with(
        backend,
        &[
            ("ALERT_WEBHOOK_URL", &receiver.url),
            ("EXPIRY_CHECK_INTERVAL", "1s"),
        ],
    )
    .await;
    expiring(&app, 3, 0).await;
    // Up to 30 s: the first check comes a second after start-up, later on a busy machine.
    for _ in 0..300 {
        if !receiver.events().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let events = receiver.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["thresholdDays"], 7);
    assert_eq!(events[0]["certificate"]["daysLeft"], 3);
    // The link is a path without PUBLIC_URL.
    assert!(events[0]["link"]
        .as_str()
        .unwrap()
        .starts_with("/environments/"));
}
