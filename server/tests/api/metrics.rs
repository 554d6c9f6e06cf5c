//! `GET /metrics`: Prometheus text, requests counted by route template, the database's figures
//! per environment, and `METRICS_TOKEN`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    metrics_count_requests_and_the_environments_figures,
    metrics_token_guards_the_scrape
);

/// Requests no route matched are labelled by what answered them: one of the site's files, or
/// nothing (a 404), never by their path.
#[tokio::test]
async fn metrics_label_site_files_apart_from_unknown_paths() {
    let site = tempfile_dir("metrics-site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/style.css"), b"body{}").unwrap();
    let app = spawn_with(
        Backend::Sqlite,
        &[("LEPTOS_SITE_ROOT", site.to_str().unwrap())],
    )
    .await;
    let _turn = SCRAPING.lock().await;
    let file = [
        ("method", "GET"),
        ("route", "static file"),
        ("status", "200"),
    ];
    let unknown = [("method", "GET"), ("route", "unmatched"), ("status", "404")];
    let before = Scrape::of(&app, None).await;

    let response = app.get("/pkg/style.css").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.get("/pkg/missing.css").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/no-such-page").await.status(),
        StatusCode::NOT_FOUND
    );

    let after = Scrape::of(&app, None).await;
    let counted = |scrape: &Scrape, labels: &[(&str, &str)]| {
        scrape.value("http_requests_total", labels).unwrap_or(0.0)
    };
    assert!(counted(&after, &file) >= counted(&before, &file) + 1.0);
    assert!(counted(&after, &unknown) >= counted(&before, &unknown) + 2.0);
    assert!(!after.0.iter().any(|s| s
        .label("route")
        .is_some_and(|r| r.contains("style.css") || r.contains("no-such-page"))));
    let _ = std::fs::remove_dir_all(site);
}

/// The process has one metrics recorder, shared by every test server; the per-environment
/// gauges are set from the scraping server's database. The tests that scrape take turns, so
/// that a gauge read is the one its own scrape set.
static SCRAPING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One sample line: `name{label="value",...} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

impl Sample {
    fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The samples of a scrape. Every line must be a comment (`# HELP`, `# TYPE`) or a sample in
/// the text exposition format (version 0.0.4), label values with their escapes (`\\`, `\"`,
/// `\n`) and any other character, braces included; anything else fails the test.
struct Scrape(Vec<Sample>);

fn parse_sample(line: &str) -> Result<Sample, String> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("no metric name".into());
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let mut chars = after.char_indices().peekable();
        loop {
            let start = match chars.peek() {
                Some((_, '}')) => {
                    let (i, _) = chars.next().unwrap();
                    rest = &after[i + 1..];
                    break;
                }
                Some((i, _)) => *i,
                None => return Err("unterminated labels".into()),
            };
            let eq = after[start..].find('=').ok_or("label without =")? + start;
            let key = &after[start..eq];
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("bad label name {key:?}"));
            }
            while chars.peek().is_some_and(|(i, _)| *i <= eq) {
                chars.next();
            }
            if chars.next().map(|(_, c)| c) != Some('"') {
                return Err("label value not quoted".into());
            }
            let mut value = String::new();
            loop {
                match chars.next().map(|(_, c)| c) {
                    Some('\\') => match chars.next().map(|(_, c)| c) {
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        Some('n') => value.push('\n'),
                        other => return Err(format!("bad escape {other:?}")),
                    },
                    Some('"') => break,
                    Some(c) => value.push(c),
                    None => return Err("unterminated label value".into()),
                }
            }
            labels.push((key.to_owned(), value));
            if chars.peek().map(|(_, c)| *c) == Some(',') {
                chars.next();
            }
        }
    }
    let mut fields = rest.split_ascii_whitespace();
    let value = fields.next().ok_or("no value")?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().map_err(|_| format!("bad value {other:?}"))?,
    };
    if let Some(timestamp) = fields.next() {
        timestamp
            .parse::<i64>()
            .map_err(|_| format!("bad timestamp {timestamp:?}"))?;
    }
    if fields.next().is_some() {
        return Err("trailing text".into());
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

impl Scrape {
    async fn of(app: &TestApp, token: Option<&str>) -> Scrape {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("GET /metrics");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        let text = response.text().await.expect("body");
        let mut samples = Vec::new();
        for line in text.lines().filter(|line| !line.is_empty()) {
            if let Some(comment) = line.strip_prefix('#') {
                let words: Vec<_> = comment.split_ascii_whitespace().collect();
                let known = match words.first() {
                    Some(&"TYPE") => {
                        words.len() == 3
                            && ["counter", "gauge", "histogram", "summary", "untyped"]
                                .contains(&words[2])
                    }
                    Some(&"HELP") => words.len() >= 2,
                    _ => true,
                };
                assert!(known, "malformed comment: {line}");
                continue;
            }
            match parse_sample(line) {
                Ok(sample) => samples.push(sample),
                Err(problem) => panic!("not Prometheus text ({problem}): {line}"),
            }
        }
        Scrape(samples)
    }

    /// The value of the sample `name` whose labels include all of `labels`, if there is one.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.0
            .iter()
            .find(|sample| {
                sample.name == name
                    && labels
                        .iter()
                        .all(|(key, value)| sample.label(key) == Some(*value))
            })
            .map(|sample| sample.value)
    }
}

async fn metrics_count_requests_and_the_environments_figures(backend: Backend) {
    let app = spawn(backend).await;
    let _turn = SCRAPING.lock().await;
    let env = app.create_environment("Metrics").await;
    for (id, name) in [("DFSP1", "Bank One"), ("DFSP2", "Bank Two")] {
        app.create_dfsp(env, json!({ "dfspId": id, "name": name }))
            .await;
    }
    let key = crate::certs::ec(openssl::nid::Nid::X9_62_PRIME256V1);
    let csr = crate::certs::csr(&key, &[("CN", "dfsp1.example.com")], &["dfsp1.example.com"]);
    let response = app
        .post_json(
            &format!("/api/environments/{env}/dfsps/DFSP1/enrollments/inbound"),
            &json!({ "clientCSR": csr }),
        )
        .await;
    expect_json(response, StatusCode::OK).await;

    let route = "/api/environments/{envId}/dfsps";
    let labels = [("method", "GET"), ("route", route), ("status", "200")];
    let before = Scrape::of(&app, None).await;
    let counted_before = before.value("http_requests_total", &labels).unwrap_or(0.0);
    for _ in 0..3 {
        expect_json(
            app.get(&format!("/api/environments/{env}/dfsps")).await,
            StatusCode::OK,
        )
        .await;
    }
    let after = Scrape::of(&app, None).await;
    // Other tests' servers count into the same recorder, so at least ours.
    let counted = after.value("http_requests_total", &labels).unwrap_or(0.0);
    assert!(
        counted >= counted_before + 3.0,
        "{counted_before} then {counted}"
    );
    assert!(
        after
            .value(
                "http_request_duration_seconds_count",
                &[("method", "GET"), ("route", route)]
            )
            .unwrap_or(0.0)
            >= 3.0
    );
    // The raw path is never a label: ids would grow the output without bound.
    assert!(!after.0.iter().any(|s| s
        .label("route")
        .is_some_and(|r| r.contains(&format!("/{env}/")))));

    let environment = env.to_string();
    let environment = environment.as_str();
    assert_eq!(
        after.value("connection_manager_dfsps", &[("environment", environment)]),
        Some(2.0)
    );
    assert_eq!(
        after.value(
            "connection_manager_enrollments",
            &[
                ("environment", environment),
                ("direction", "inbound"),
                ("state", "CSR_LOADED")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        after.value("connection_manager_database_up", &[]),
        Some(1.0)
    );
    assert!(after.value("connection_manager_db_connections_max", &[]) >= Some(1.0));
    if backend == Backend::Sqlite {
        // At least four times the pool, at least 16 (`domain/src/db/sqlite_reads.rs`).
        assert!(after.value("connection_manager_db_readers_max", &[]) >= Some(16.0));
        assert!(after.value("connection_manager_db_readers", &[("state", "idle")]) >= Some(0.0));
    }

    // A deleted environment's figures leave the output once their gauges go stale.
    let response = app.delete(&format!("/api/environments/{env}")).await;
    assert!(response.status().is_success());
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let later = Scrape::of(&app, None).await;
    assert_eq!(
        later.value("connection_manager_dfsps", &[("environment", environment)]),
        None
    );
}

async fn metrics_token_guards_the_scrape(backend: Backend) {
    let app = spawn_with(backend, &[("METRICS_TOKEN", "scrape-secret-1")]).await;
    let _turn = SCRAPING.lock().await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-secret-2")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let scrape = Scrape::of(&app, Some("scrape-secret-1")).await;
    assert!(scrape
        .value(
            "http_requests_total",
            &[("route", "/metrics"), ("status", "401")]
        )
        .is_some());
}
