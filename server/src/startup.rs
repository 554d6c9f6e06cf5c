//! Start-up: connect (with retries), migrate, load the initial data, then listen. Nothing is
//! served before the database is ready.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use app::PortalInfo;
use axum::extract::Request;
use axum::http::header::HeaderName;
use axum::serve::ListenerExt;
use axum::Router;
use domain::clock::Clock;
use domain::db::{Db, DbError, DbOptions};
use domain::monetary_zones::{CurrencyCode, DataConfiguration};
use domain::second_factors::TotpNaming;
use domain::{DomainError, Services};
use leptos::config::{Env, LeptosOptions};
use tokio::net::TcpListener;
use tower::Layer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::{Config, ConfigError};

/// The name cargo-leptos gives the portal's assets (`/pkg/connection-manager.{js,wasm,css}`).
pub const OUTPUT_NAME: &str = "connection-manager";

const BUILTIN_CURRENCY_CODES: &str = include_str!("../data/currencyCodes.json");
const BUILTIN_DATA_CONFIGURATION: &str = include_str!("../data/sampleConfiguration.json");

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration error: {0}")]
    Config(#[from] ConfigError),
    #[error(
        "AUTH_2FA_ENABLED=true needs P12_PASS_PHRASE: the users' one-time-code seeds are sealed \
         with it (a long random secret, the one that seals the CAs' private keys)"
    )]
    TwoFactorNeedsPassphrase,
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("could not read {what} from {path}: {message}")]
    DataFile {
        what: &'static str,
        path: String,
        message: String,
    },
    #[error("the initial data could not be loaded: {0}")]
    InitialData(DomainError),
    #[error("the replicas' shared keys could not be read or made: {0}")]
    SharedKeys(DomainError),
    #[error("could not listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
}

pub struct Application {
    listener: TcpListener,
    app: Router,
    services: Services,
    alerter: crate::alerts::ExpiryAlerter,
    expiry_check_interval: std::time::Duration,
}

impl Application {
    /// Prepares everything and binds the port, without serving yet.
    pub async fn build(
        config: &Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Application, StartupError> {
        for (name, value) in config.summary() {
            tracing::info!("config {name}: {value}");
        }
        // The API's routes and the portal's route list need nothing from the database: they
        // are made on another thread while it starts (the OpenAPI document waits for its
        // first request, see `rest::routing`).
        let routes = tokio::task::spawn_blocking(|| {
            crate::portal::route_list();
            crate::rest::Api::new()
        });

        let db = Db::connect(&DbOptions {
            url: config.database.url.expose().to_owned(),
            max_connections: config.database.pool_size,
            attempts: config.database.attempts,
            retry_wait: config.database.retry_wait,
            create_if_missing: config.database.run_migrations,
        })
        .await?;
        tracing::info!("connected to {}", db.backend().name());
        if config.database.run_migrations {
            db.migrate().await?;
            tracing::info!("database schema is up to date");
        } else {
            tracing::info!("RUN_MIGRATIONS=false: the schema is left as it is");
        }

        let passphrase = config
            .p12_pass_phrase
            .as_ref()
            .and_then(|secret| domain::pki::keys::Passphrase::new(secret.expose()));
        let second_factor = config.auth_enabled && config.auth.two_factor;
        if passphrase.is_none() {
            if second_factor {
                return Err(StartupError::TwoFactorNeedsPassphrase);
            }
            tracing::warn!(
                "P12_PASS_PHRASE is not set: environments' CAs cannot be created until it is \
                 (a long random secret that seals the CAs' private keys)"
            );
        }
        let client_csr_parameters: Option<domain::enrollments::outbound::CsrParameters> =
            match config.client_csr_parameters.as_deref() {
                Some(path) => Some(read_json(
                    "the Hub's client CSR parameters",
                    Some(path),
                    "",
                )?),
                None => {
                    tracing::info!(
                        "CLIENT_CSR_PARAMETERS is not set: the Hub's CSR made with each DFSP \
                         created on the v3 path (POST /api/dfsps) is named after its \
                         environment's default DN, which has no emailAddress; outbound \
                         validation asks for CN, OU, O, L, ST, C and emailAddress"
                    );
                    None
                }
            };
        let services = Services::new(db, clock.clone())
            .with_client_csr_parameters(client_csr_parameters)
            .with_passphrase(passphrase)
            .with_expiry_warnings(config.expiry_warnings.clone())
            .with_crl_validity(config.crl_validity)
            .with_public_url(config.public_url.clone())
            .with_v3_environment(config.v3_environment.clone())
            .with_hub_participant_id(config.switch_id.clone())
            .with_second_factor(second_factor.then(|| TotpNaming {
                issuer: config.auth.totp_issuer.clone(),
                label: config.auth.totp_label.clone(),
            }));
        let currencies: Vec<CurrencyCode> = read_json(
            "the currency codes",
            config.currency_codes.as_deref(),
            BUILTIN_CURRENCY_CODES,
        )?;
        let data_configuration: DataConfiguration = read_json(
            "the initial data configuration",
            config.data_configuration_file.as_deref(),
            BUILTIN_DATA_CONFIGURATION,
        )?;
        let currency_ids: Vec<String> = currencies.iter().map(|c| c.currency_id.clone()).collect();
        let report = services
            .monetary_zones()
            .load_initial_data(&currencies, &data_configuration)
            .await
            .map_err(StartupError::InitialData)?;
        tracing::info!(
            currencies_added = report.currencies_added,
            zones_added = report.zones_added,
            "initial data loaded"
        );

        let form_errors = services
            .shared_key(crate::security::FORM_ERROR_KEY)
            .await
            .map_err(StartupError::SharedKeys)?;

        let address = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| StartupError::Bind { address, source })?;
        let local_address = listener.local_addr().map_err(StartupError::Serve)?;
        let public_url = config.public_url.clone().unwrap_or_else(|| {
            if local_address.ip().is_unspecified() {
                format!("http://localhost:{}", local_address.port())
            } else {
                format!("http://{local_address}")
            }
        });
        let mut extra_trusted = Vec::new();
        for path in &config.auth.extra_trusted_files {
            let problem = |message: String| StartupError::DataFile {
                what: "the certificates to trust for the identity provider",
                path: path.clone(),
                message,
            };
            let pem = std::fs::read(path).map_err(|error| problem(error.to_string()))?;
            extra_trusted.extend(
                crate::auth::provider::IdentityProvider::trusted_certificates(&pem)
                    .map_err(problem)?,
            );
        }
        let authentication = crate::auth::Authentication::from_config(
            config,
            &public_url,
            clock.clone(),
            extra_trusted,
        );
        if let crate::auth::Authentication::Enabled(enabled) = &authentication {
            tracing::info!("portal sign-in returns to {public_url}/auth/callback");
            // Find the provider now, so that the log says at once whether it can be reached
            // (the server serves either way and asks again when needed).
            let provider = enabled.sign_in.provider.clone();
            tokio::spawn(async move {
                // Its HTTP client parses the system's certificates (~100 ms of CPU) when first
                // used: made on a blocking thread, not on a worker serving requests.
                let client = provider.http_client();
                let _ = tokio::task::spawn_blocking(move || {
                    client.get();
                })
                .await;
                match provider.documents().await {
                    Ok(_) => tracing::info!("identity provider found at {}", provider.issuer()),
                    Err(error) => tracing::warn!("{error}; sign-in and tokens wait for it"),
                }
            });
        }
        let options = leptos_options(config, local_address);
        let info = PortalInfo {
            auth_enabled: config.auth_enabled,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            identity_provider: config
                .auth
                .issuer
                .as_deref()
                .filter(|_| config.auth_enabled)
                .and_then(|issuer| url::Url::parse(issuer).ok())
                .map(|url| url.origin().ascii_serialization()),
            second_factor: services.second_factor_enabled(),
        };
        let api = match routes.await {
            Ok(api) => api.configured(
                &report.active_zones,
                &currency_ids,
                matches!(authentication, crate::auth::Authentication::Enabled(_)),
            ),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        let app = app_router(
            services.clone(),
            options,
            info,
            api,
            crate::security::FormErrorSeal::new(form_errors),
            authentication,
            config.metrics_token.clone(),
        );
        let alerter = crate::alerts::ExpiryAlerter::new(
            config.alert_webhook_url.clone(),
            config.public_url.clone(),
        );
        Ok(Application {
            listener,
            app,
            services,
            alerter,
            expiry_check_interval: config.expiry_check_interval,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Serves until ctrl-c or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes the
    /// database pool.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        tracing::info!("listening on http://{}", self.local_addr());
        let sweeper = tokio::spawn(sweep_expired_sessions(self.services.clone()));
        let metrics_upkeep = tokio::spawn(crate::metrics::run_upkeep_periodically());
        let expiry_check = tokio::spawn(crate::alerts::check_periodically(
            self.services.clone(),
            self.alerter.clone(),
            self.expiry_check_interval,
        ));
        let service = tower::util::MapRequestLayer::new(trim_api_trailing_slash).layer(self.app);
        // No Nagle delay: a response written in pieces (a streamed page's head, then its
        // body) is sent at once, instead of waiting for the client's delayed ACK (40 ms and
        // more per page on a keep-alive connection).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "TCP_NODELAY could not be set");
            }
        });
        axum::serve(
            listener,
            axum::ServiceExt::<Request>::into_make_service(service),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartupError::Serve)?;
        sweeper.abort();
        metrics_upkeep.abort();
        expiry_check.abort();
        self.services.db().close().await;
        Ok(())
    }
}

/// Deletes expired sessions now and then (a session past its expiry is never used; this only
/// keeps the table small). Every replica does it; the deletes do not conflict.
async fn sweep_expired_sessions(services: Services) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
    loop {
        every.tick().await;
        match services.sessions().delete_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!("{n} expired session(s) deleted"),
            Err(error) => tracing::warn!("expired sessions were not deleted: {error}"),
        }
    }
}

/// The whole HTTP surface: REST API, OpenAPI + Swagger UI, portal. `form_errors` seals the
/// errors that forms bring back to their pages without JavaScript.
pub fn app_router(
    services: Services,
    options: LeptosOptions,
    info: PortalInfo,
    api: crate::rest::Api,
    form_errors: crate::security::FormErrorSeal,
    authentication: crate::auth::Authentication,
    metrics_token: Option<crate::config::Secret>,
) -> Router {
    use crate::auth::Authentication;
    let provider_problem = match &authentication {
        Authentication::Enabled(enabled) => {
            let provider = enabled.sign_in.provider.clone();
            app::auth::rpc::ProviderProblem(Arc::new(move || provider.last_problem()))
        }
        Authentication::Disabled => app::auth::rpc::ProviderProblem(Arc::new(|| None)),
    };
    let mut router = Router::new()
        .merge(api.into_router(services.clone()))
        .merge(SwaggerUi::new("/docs").config(utoipa_swagger_ui::Config::from("/api-docs")))
        .merge(crate::portal::router(
            options,
            services.clone(),
            info,
            provider_problem,
        ));
    if let Authentication::Enabled(enabled) = &authentication {
        router = router.merge(crate::auth::login::routes(
            enabled.sign_in.clone(),
            services.clone(),
        ));
        if enabled.second_factor {
            router = router.merge(crate::auth::second_factor::routes(services.clone()));
        }
    }
    router = router
        // MCM's login operations (`rest::login`) act according to the mode.
        .layer(axum::Extension(authentication.clone()))
        .layer(axum::middleware::from_fn_with_state(
            authentication.clone(),
            crate::auth::require_sign_in,
        ))
        .layer(axum::middleware::from_fn_with_state(
            authentication.clone(),
            crate::auth::attach_principal,
        ));
    // Sessions exist only with authentication: outside the principal's layer, which reads them.
    if let Authentication::Enabled(enabled) = &authentication {
        router = router.layer(crate::auth::sessions::layer(
            services.clone(),
            enabled.limits,
            enabled.secure,
        ));
    }
    // Outside the sign-in layers: scrapers have their own token (METRICS_TOKEN).
    router = router.merge(crate::metrics::routes(services, metrics_token));
    router
        .layer(axum::middleware::from_fn(
            crate::security::refuse_cross_site_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            form_errors.clone(),
            crate::security::seal_form_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            form_errors,
            crate::security::drop_unsealed_form_errors,
        ))
        .layer(axum::middleware::from_fn(crate::security::security_headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        // Every request has an id (the caller's `x-request-id` when it is usable, else a new
        // UUID), returned in the response and part of every log line of the request.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(drop_unusable_request_id))
        .layer(axum::middleware::from_fn(crate::metrics::track_requests))
}

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a caller.
const REQUEST_ID_MAX_LEN: usize = 128;

/// A caller's `x-request-id` that is empty, too long or not printable ASCII is replaced by one
/// of ours: it goes into every log line.
async fn drop_unusable_request_id(
    mut request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let usable = |value: &axum::http::HeaderValue| {
        let bytes = value.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= REQUEST_ID_MAX_LEN
            && bytes.iter().all(u8::is_ascii_graphic)
    };
    if let Some(value) = request.headers().get(X_REQUEST_ID) {
        if !usable(value) {
            request.headers_mut().remove(X_REQUEST_ID);
        }
    }
    next.run(request).await
}

/// The span of one request: method, path and its id, in every line logged while serving it.
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        uri = %request.uri(),
        request_id,
    )
}

fn leptos_options(config: &Config, address: SocketAddr) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("PROD") | Ok("prod") | Ok("production") => Env::PROD,
        _ => Env::DEV,
    };
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .env(env)
        .site_addr(address)
        .reload_port(3011)
        .build()
}

/// MCM accepted `.../inbound/` as well as `.../inbound`; so do we, for the API only (the
/// Swagger UI lives at `/docs/` and must keep its slash).
fn trim_api_trailing_slash(mut request: Request) -> Request {
    let path = request.uri().path();
    if path.starts_with("/api/") && path.len() > "/api/".len() && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let new = match request.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_owned(),
        };
        if let Ok(uri) = new.parse() {
            *request.uri_mut() = uri;
        }
    }
    request
}

fn read_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    path: Option<&Path>,
    builtin: &str,
) -> Result<T, StartupError> {
    let (source, text) = match path {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|e| StartupError::DataFile {
                what,
                path: path.display().to_string(),
                message: e.to_string(),
            })?,
        ),
        None => ("the built-in copy".to_owned(), builtin.to_owned()),
    };
    serde_json::from_str(&text).map_err(|e| StartupError::DataFile {
        what,
        path: source,
        message: e.to_string(),
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_api_paths_lose_their_trailing_slash() {
        let path = |p: &str| {
            trim_api_trailing_slash(Request::builder().uri(p).body(Default::default()).unwrap())
                .uri()
                .to_string()
        };
        assert_eq!(path("/api/environments/"), "/api/environments");
        assert_eq!(
            path("/api/environments/1/dfsps/?x=1"),
            "/api/environments/1/dfsps?x=1"
        );
        assert_eq!(path("/api/"), "/api/");
        assert_eq!(path("/docs/"), "/docs/");
    }

    #[test]
    fn the_builtin_data_files_parse() {
        let currencies: Vec<CurrencyCode> =
            read_json("currencies", None, BUILTIN_CURRENCY_CODES).unwrap();
        assert_eq!(currencies.len(), 299);
        let config: DataConfiguration =
            read_json("configuration", None, BUILTIN_DATA_CONFIGURATION).unwrap();
        let zones: Vec<_> = config
            .monetary_zones
            .iter()
            .map(|z| z.monetary_zone_id.as_str())
            .collect();
        assert_eq!(zones, ["EUR", "XOF", "MAD"]);
    }
}
