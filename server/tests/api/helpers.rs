use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use domain::clock::FixedClock;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use server::config::Config;
use server::startup::{Application, StartupError};
use sqlx::migrate::MigrateDatabase;
use time::macros::datetime;

/// Runs each listed test function once per database backend, as `<name>::sqlite` and
/// `<name>::mysql`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test]
                async fn mysql() {
                    super::$name($crate::helpers::Backend::MySql).await
                }
            }
        )*
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MySql,
}

pub const FIXED_NOW: time::OffsetDateTime = datetime!(2026-11-28 09:30:00 UTC);

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init();
    }
});

/// The runtime every test server runs on. Leptos keeps process-wide state (its executor, its
/// reactive arena), so servers must not live on the tests' own runtimes, which end with each
/// test: a task of one test's server could be left on another test's runtime as it shuts down.
/// One shared runtime is also how the real server runs.
static SERVER_RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("test-server")
        .enable_all()
        .build()
        .expect("server runtime")
});

/// Runs `task` (a helper server, such as the test identity provider) on the servers' runtime,
/// so that it outlives the test's own runtime as long as the servers that use it.
pub fn run_beside_servers(task: impl std::future::Future<Output = ()> + Send + 'static) {
    SERVER_RUNTIME.spawn(task);
}

/// A fresh, empty database that disappears with this value.
pub struct TestDatabase {
    pub url: String,
    backend: Backend,
    sqlite_dir: Option<PathBuf>,
    /// Only the owner drops the database; a shared handle (another replica's) leaves it.
    owner: bool,
}

impl TestDatabase {
    pub fn new(backend: Backend) -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("cm-test-{unique}"));
                TestDatabase {
                    url: format!("sqlite://{}/cm.db", dir.display()),
                    backend,
                    sqlite_dir: Some(dir),
                    owner: true,
                }
            }
            Backend::MySql => {
                let server = std::env::var("TEST_MYSQL_URL")
                    .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
                TestDatabase {
                    url: format!("{}/cm_test_{unique}", server.trim_end_matches('/')),
                    backend,
                    sqlite_dir: None,
                    owner: true,
                }
            }
        }
    }

    /// The number of rows in `table`, read behind the server's back.
    /// The same database, for another server beside the first (a replica); dropping it leaves
    /// the database to its owner.
    pub fn shared(&self) -> TestDatabase {
        TestDatabase {
            url: self.url.clone(),
            backend: self.backend,
            sqlite_dir: self.sqlite_dir.clone(),
            owner: false,
        }
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.url)
            .await
            .expect("test database");
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .expect("count");
        pool.close().await;
        count
    }

    /// The byte strings one column query returns, read behind the server's back.
    pub async fn blobs(&self, sql: &str) -> Vec<Vec<u8>> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.url)
            .await
            .expect("test database");
        let rows: Vec<Vec<u8>> = sqlx::query_scalar(sql)
            .fetch_all(&pool)
            .await
            .expect("query");
        pool.close().await;
        rows
    }

    /// The strings one column query returns (`SELECT x FROM ... WHERE y < ?` with `bind`),
    /// read behind the server's back.
    pub async fn strings(&self, sql: &str, bind: &str) -> Vec<String> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.url)
            .await
            .expect("test database");
        let rows: Vec<String> = sqlx::query_scalar(sql)
            .bind(bind)
            .fetch_all(&pool)
            .await
            .expect("query");
        pool.close().await;
        rows
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        match self.backend {
            Backend::Sqlite => {
                if let Some(dir) = &self.sqlite_dir {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            Backend::MySql => {
                let url = self.url.clone();
                // Drop runs inside the test's runtime, which cannot be blocked on; use another.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    runtime.block_on(async {
                        if let Ok(true) = sqlx::MySql::database_exists(&url).await {
                            let _ = sqlx::MySql::drop_database(&url).await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: Client,
    /// The running server's services, to reach behind its back (e.g. close its pool).
    pub services: domain::Services,
    /// The server's clock: a test moves it to see what time changes.
    pub clock: FixedClock,
    _server: StopOnDrop,
    pub db: TestDatabase,
}

/// Stops the server when the test is done, closing its database connections.
struct StopOnDrop(Option<tokio::sync::oneshot::Sender<()>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(stop) = self.0.take() {
            let _ = stop.send(());
        }
    }
}

/// Configuration for a test server on `db`, port 0, with `extra` variables on top.
pub fn test_config(db: &TestDatabase, extra: &[(&str, &str)]) -> Config {
    let mut vars: Vec<(String, String)> = vec![
        ("DATABASE_URL".into(), db.url.clone()),
        ("PORT".into(), "0".into()),
        ("DB_RETRIES".into(), "1".into()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::from_lookup(|name| {
        vars.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("test configuration")
}

pub async fn try_spawn_on(
    db: TestDatabase,
    extra: &[(&str, &str)],
) -> Result<TestApp, (StartupError, TestDatabase)> {
    LazyLock::force(&TRACING);
    let clock = FixedClock::new(FIXED_NOW);
    let config = test_config(&db, extra);
    let server_clock = clock.clone();
    let built = SERVER_RUNTIME
        .spawn(async move { Application::build(&config, Arc::new(server_clock)).await })
        .await
        .expect("start-up task");
    match built {
        Ok(app) => {
            let base = format!("http://{}", app.local_addr());
            let services = app.services().clone();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            SERVER_RUNTIME.spawn(app.run_until(async move {
                let _ = stopped.await;
            }));
            Ok(TestApp {
                base,
                client: Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    // A stuck request fails its test instead of hanging the run.
                    .timeout(std::time::Duration::from_secs(30))
                    .build()
                    .expect("http client"),
                services,
                clock,
                _server: StopOnDrop(Some(stop)),
                db,
            })
        }
        Err(e) => Err((e, db)),
    }
}

/// A port nobody listens on right now (for a server to take, or to stay closed).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A new directory under the system's temporary one, named for the test and unique to it.
pub fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("cm-{name}-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The server binary in a process of its own on a new SQLite database, started as a deployment
/// starts it: for what only the process shows (its log) and what one process must not share with
/// the tests beside it (the global log subscriber).
pub struct ServerProcess {
    process: tokio::process::Child,
    dir: PathBuf,
    pub base: String,
}

impl ServerProcess {
    /// Starts it with `settings` beside the database and port, and waits for its liveness probe.
    pub async fn start(settings: &[(&str, &str)]) -> ServerProcess {
        let dir = std::env::temp_dir().join(format!("cm-process-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let process = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .env("DATABASE_URL", ServerProcess::database_url_in(&dir))
            .env("PORT", port.to_string())
            .env_remove("AUTH_ENABLED")
            .envs(settings.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary starts");
        let server = ServerProcess {
            process,
            dir,
            base: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if let Ok(response) = Client::new()
                .get(server.url("/api/health/live"))
                .send()
                .await
            {
                assert!(response.status().is_success(), "the liveness probe failed");
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the server did not answer its liveness probe");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The `DATABASE_URL` it was started with (unless `settings` named another).
    pub fn database_url(&self) -> String {
        ServerProcess::database_url_in(&self.dir)
    }

    fn database_url_in(dir: &std::path::Path) -> String {
        format!("sqlite://{}/server.db", dir.display())
    }

    /// Stops the process and returns everything it wrote to its standard output.
    pub async fn stop(mut self) -> String {
        use tokio::io::AsyncReadExt;
        self.process.start_kill().unwrap();
        let mut output = String::new();
        self.process
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut output)
            .await
            .unwrap();
        let _ = self.process.wait().await;
        let _ = std::fs::remove_dir_all(&self.dir);
        output
    }
}

/// Settings held as owned values, in the form `spawn_with` and `try_spawn_on` take.
pub fn borrowed<'a>(settings: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    settings.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, &[]).await
}

pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    match try_spawn_on(TestDatabase::new(backend), extra).await {
        Ok(app) => app,
        Err((e, _)) => panic!("the server did not start on {backend:?}: {e}"),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e:?}"))
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("DELETE")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .expect("PUT")
    }

    /// Creates an environment and returns its id.
    pub async fn create_environment(&self, name: &str) -> i64 {
        let response = self
            .post_json("/api/environments", &json!({ "name": name }))
            .await;
        let body = expect_json(response, StatusCode::OK).await;
        body["id"].as_i64().expect("environment id")
    }

    /// Creates an environment as the holder of `token` (a hub operator); its id.
    pub async fn create_environment_as(&self, token: &str, name: &str) -> i64 {
        let response = self
            .request_as(
                reqwest::Method::POST,
                "/api/environments",
                token,
                Some(json!({ "name": name })),
            )
            .await;
        let body = expect_json(response, StatusCode::OK).await;
        body["id"].as_i64().expect("environment id")
    }

    pub async fn create_dfsp(&self, env: i64, body: Value) {
        let response = self
            .post_json(&format!("/api/environments/{env}/dfsps"), &body)
            .await;
        expect_json(response, StatusCode::OK).await;
    }

    /// `method` on `path` with `token` as bearer, and `body` as JSON if given.
    pub async fn request_as(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e:?}"))
    }

    /// Submits a new P-256 CSR for `dfsp` (with the whole subject the inbound checks want)
    /// and has the environment's CA sign it; the enrollment's id.
    pub async fn signed_inbound_enrollment(&self, env: i64, dfsp: &str) -> i64 {
        use crate::certs::{csr, ec};
        let subject = [
            ("CN", "dfsp1.example.com"),
            ("O", "Bank One"),
            ("OU", "PKI"),
            ("L", "X"),
            ("ST", "Y"),
            ("C", "ZZ"),
        ];
        let request = csr(
            &ec(openssl::nid::Nid::X9_62_PRIME256V1),
            &subject,
            &["dfsp1.example.com"],
        );
        let inbound = format!("/api/environments/{env}/dfsps/{dfsp}/enrollments/inbound");
        let created = self
            .post_json(&inbound, &serde_json::json!({"clientCSR": request}))
            .await;
        let id = expect_json(created, StatusCode::OK).await["id"]
            .as_i64()
            .unwrap();
        let signed = self
            .client
            .post(self.url(&format!("{inbound}/{id}/sign")))
            .send()
            .await
            .unwrap();
        expect_json(signed, StatusCode::OK).await;
        id
    }
}

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let url = response.url().clone();
    let text = response.text().await.expect("body");
    assert_eq!(actual, status, "{url} answered {actual}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {text}"))
}

/// Asserts an MCM error body with this status and error id; returns its message.
pub async fn expect_error(response: Response, status: StatusCode, id: &str) -> String {
    let body = expect_json(response, status).await;
    assert_eq!(body["payload"]["id"], id, "{body}");
    let message = body["message"].as_str().expect("message").to_owned();
    assert_eq!(body["payload"]["message"], message.as_str(), "{body}");
    assert!(!message.is_empty());
    message
}
