//! Prometheus metrics at `GET /metrics` (text exposition format), through the `metrics` facade
//! and `metrics-exporter-prometheus`:
//!
//! - `http_requests_total{method,route,status}` and the histogram
//!   `http_request_duration_seconds{method,route}` (time to the response's head), `route`
//!   being the matched route template (`/api/environments/{envId}/dfsps`), never the raw path;
//! - `connection_manager_certificates_signed_total{kind}`, counted by the domain;
//! - at each scrape, from the database (so every replica reports the same figures):
//!   `connection_manager_dfsps{environment}`,
//!   `connection_manager_enrollments{environment,direction,state}`,
//!   `connection_manager_certificates{environment,kind}`, the pool's
//!   `connection_manager_db_connections{state}` and `connection_manager_db_connections_max`,
//!   on SQLite its readers' `connection_manager_db_readers{state}` and
//!   `connection_manager_db_readers_max`, and `connection_manager_database_up`.
//!
//! With `METRICS_TOKEN` set, a scrape must send `Authorization: Bearer <token>`.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::Services;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use metrics_util::MetricKindMask;

use crate::config::Secret;

const REQUESTS: &str = "http_requests_total";
/// The `route` label of requests no route matched: files of the site, and the rest.
const STATIC_FILE_ROUTE: &str = "static file";
const UNMATCHED_ROUTE: &str = "unmatched";
const REQUEST_DURATION: &str = "http_request_duration_seconds";
/// From half a millisecond (a cached read) to ten seconds (an RSA-4096 CA being made).
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Gauges are set at each scrape; one not set for this long (an environment deleted since)
/// leaves the output.
const GAUGE_IDLE: Duration = Duration::from_secs(1);
/// How often the latencies recorded since are folded into their histograms (as the exporter's
/// own HTTP listener would). The recorder keeps every sample until then: without it a server
/// that nobody scrapes grew by about 18 bytes a request, 8.6 MB per 480,000 requests.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The process's one recorder, installed on first use: the `metrics` facade has a single
/// global recorder, which every server of the process (the tests start several) shares.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.into()), DURATION_BUCKETS)
            .expect("the latency buckets are not empty")
            .idle_timeout(MetricKindMask::GAUGE, Some(GAUGE_IDLE))
            .install_recorder()
            .expect("no other metrics recorder is installed in this process")
    })
}

/// Installs the recorder, so that what is counted before the first scrape is kept.
pub fn install() {
    recorder();
}

/// Folds the recorded latencies into their histograms every [`UPKEEP_INTERVAL`], for as long
/// as the server runs (`install_recorder` starts no such task of its own).
pub async fn run_upkeep_periodically() {
    let mut every = tokio::time::interval(UPKEEP_INTERVAL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        recorder().run_upkeep();
    }
}

#[derive(Clone)]
struct Scrape {
    services: Services,
    token: Option<Secret>,
}

/// `GET /metrics`. Merged outside the sign-in layers: scrapers hold no session or user token,
/// only `METRICS_TOKEN` when that is set.
pub fn routes(services: Services, token: Option<Secret>) -> Router {
    install();
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape { services, token })
}

async fn scrape(State(scrape): State<Scrape>, headers: HeaderMap) -> Response {
    if let Some(token) = &scrape.token {
        if !bearer_matches(&headers, token) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
                "/metrics needs the bearer token set in METRICS_TOKEN\n",
            )
                .into_response();
        }
    }
    record_database_figures(&scrape.services).await;
    let handle = recorder();
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        handle.render(),
    )
        .into_response()
}

/// Compared in constant time, so the token cannot be guessed byte by byte.
fn bearer_matches(headers: &HeaderMap, token: &Secret) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    domain::shared_keys::same_secret(given, token.expose())
}

async fn record_database_figures(services: &Services) {
    let statistics = services.statistics();
    let pool = statistics.pool();
    metrics::gauge!("connection_manager_db_connections", "state" => "in_use")
        .set(f64::from(pool.open.saturating_sub(pool.idle)));
    metrics::gauge!("connection_manager_db_connections", "state" => "idle")
        .set(f64::from(pool.idle));
    metrics::gauge!("connection_manager_db_connections_max").set(f64::from(pool.max));
    if let Some(readers) = pool.readers {
        metrics::gauge!("connection_manager_db_readers", "state" => "in_use")
            .set(f64::from(readers.in_use));
        metrics::gauge!("connection_manager_db_readers", "state" => "idle")
            .set(f64::from(readers.idle));
        metrics::gauge!("connection_manager_db_readers_max").set(f64::from(readers.max));
    }
    let tallies = match statistics.tally().await {
        Ok(tallies) => tallies,
        Err(error) => {
            tracing::warn!(%error, "the database's figures could not be read for /metrics");
            metrics::gauge!("connection_manager_database_up").set(0.0);
            return;
        }
    };
    metrics::gauge!("connection_manager_database_up").set(1.0);
    for tally in tallies {
        let environment = tally.env_id.to_string();
        let count = tally.count as f64;
        match tally.what.as_str() {
            "dfsps" => {
                metrics::gauge!("connection_manager_dfsps", "environment" => environment).set(count)
            }
            "inbound_enrollments" | "outbound_enrollments" => {
                let direction = tally.what.trim_end_matches("_enrollments").to_owned();
                metrics::gauge!("connection_manager_enrollments", "environment" => environment, "direction" => direction, "state" => tally.state).set(count)
            }
            kind => {
                let kind = kind.trim_end_matches("_certificates").to_owned();
                metrics::gauge!("connection_manager_certificates", "environment" => environment, "kind" => kind).set(count)
            }
        }
    }
}

/// Counts every request and times it to its response's head, labelled by the route template.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Labels come from a closed set, so that no caller can grow the output without bound.
    let method = match *request.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    let response = next.run(request).await;
    // Without a route, the portal's fallback answered: with one of the site's files (the
    // browser bundle, styles, icons) when it succeeded, else a path nothing serves.
    let route = matched.unwrap_or_else(|| {
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            STATIC_FILE_ROUTE.to_owned()
        } else {
            UNMATCHED_ROUTE.to_owned()
        }
    });
    let status = response.status().as_u16().to_string();
    metrics::histogram!(REQUEST_DURATION, "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(REQUESTS, "method" => method, "route" => route, "status" => status)
        .increment(1);
    response
}
