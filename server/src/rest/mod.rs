//! The REST API under `/api`, compatible with MCM 2020 (see `docs/compatibility.md` for the
//! deliberate differences). Handlers only parse, call a domain service and map its errors; the
//! OpenAPI document is generated from the same handlers, so the two cannot drift apart.

mod audit;
mod authorities;
mod certificates;
mod dfsps;
mod enrollments;
mod environments;
pub mod error;
mod extract;
mod health;
mod inventory;
mod login;
mod monetary_zones;
mod network;
mod onboarding;
mod revocations;
mod routing;
mod second_factors;
mod v3;

use axum::http::{Method, Uri};
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use domain::Services;
use std::sync::Arc;
use utoipa::OpenApi;

use routing::{ApiRouter, DocumentRecipe, ServedDocument};

pub use error::ApiError;

/// The largest request body each group of operations accepts, chosen per group: a body over the
/// limit is answered 413 before it is read in full. Environments and DFSPs are a few short
/// fields; certificate chains need far more.
pub mod body_limits {
    /// Environments and DFSPs: a handful of fields of at most 512 characters.
    pub const RECORDS: usize = 16 * 1024;
    /// Certificates and chains: a root and a few dozen intermediates, PEM.
    pub const CERTIFICATES: usize = 256 * 1024;
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Connection Manager API",
        description = "Onboarding of DFSPs to a Mojaloop Hub: environments, DFSPs, network \
            configuration and PKI. Compatible with the Mojaloop Connection Manager API (2020); \
            errors have the body `{\"payload\": {\"id\", \"message\"}, \"message\"}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    // The shared error-response sets (`error::ReadErrors`, ...) refer to it by name, and the
    // audit filters' `action` to the list of actions.
    components(schemas(error::ErrorBody, domain::audit::AuditAction)),
    tags(
        (name = "env-dfsp-config", description = "Environments and DFSPs setup"),
        (name = "monetaryzones", description = "Monetary zones"),
        (name = "hub-endpoints", description = "The Hub's network endpoints"),
        (name = "dfsp-endpoints", description = "The DFSPs' network endpoints and their confirmation by the Hub"),
        (name = "pki", description = "Certificate authorities: the environment's internal CA, the Hub's external CAs and the DFSPs' CAs"),
        (name = "enrollments", description = "DFSPs' CSRs and the certificates the Hub issues for them"),
        (name = "certificates", description = "The TLS server certificates of the Hub and the DFSPs, the DFSPs' JWS signing certificates, and the inventory of every certificate with its expiry"),
        (name = "health", description = "Service health"),
        (name = "onboarding", description = "Where each DFSP's onboarding stands, step by step"),
        (name = "audit", description = "The audit log: every change, who made it and when"),
        (name = "second-factors", description = "Users' second factors after sign-in (AUTH_2FA_ENABLED), which hub operators reset"),
        (name = "v3", description = "MCM v3's paths, without /environments/{envId}: every operation on one environment, in the environment V3_ENVIRONMENT names (or the only one), and what v3 added (JWS public keys, endpoint documents, progress reports of the DFSP-side client)"),
        (name = "login", description = "MCM's login operations, for automation written against it (people sign in to the portal through the identity provider)"),
    )
)]
struct ApiDoc;

/// The `/api` routes and the OpenAPI document that describes them.
pub struct Api {
    pub routes: Router<Services>,
    document: DocumentRecipe,
}

impl Api {
    /// The routes as the code declares them, and how to describe them: the document itself is
    /// made at the first `/api-docs` request (see `routing`).
    pub fn new() -> Api {
        let (routes, document) = ApiRouter::new()
            .merge(environments::routes())
            .merge(dfsps::routes())
            .merge(monetary_zones::routes())
            .merge(network::routes())
            .merge(authorities::routes())
            .merge(enrollments::routes())
            .merge(certificates::routes())
            .merge(inventory::routes())
            .merge(revocations::routes())
            .merge(onboarding::routes())
            .merge(health::routes())
            .merge(login::routes())
            .merge(second_factors::routes())
            .merge(audit::routes())
            .merge(v3::routes())
            .split(ApiDoc::openapi());
        let routes = routes
            .route("/api", any(unknown_path))
            .route("/api/", any(unknown_path))
            .route("/api/{*path}", any(unknown_path))
            .method_not_allowed_fallback(method_not_allowed);
        let mut api = Api { routes, document };
        api.document.edit(|document| {
            document.info.version = env!("CARGO_PKG_VERSION").to_owned();
        });
        api.document.edit(inventory::document_blank_filters);
        api
    }

    /// What the document says of this server: `zones`, the monetary zones it knows, and
    /// `currencies`, the currency codes (reference data loaded at start-up); `bearer_tokens`,
    /// whether it asks for tokens (`AUTH_ENABLED`).
    pub fn configured(
        mut self,
        zones: &[String],
        currencies: &[String],
        bearer_tokens: bool,
    ) -> Api {
        if bearer_tokens {
            self.document.edit(document_bearer_tokens);
        }
        let (zones, currencies) = (zones.to_vec(), currencies.to_vec());
        self.document
            .edit(move |document| dfsps::document_zones(document, &zones, &currencies));
        self
    }

    /// The routes, with `/api-docs` serving the document (made at its first request).
    pub fn into_router(self, services: Services) -> Router {
        let document = Arc::new(ServedDocument::new(self.document));
        self.routes
            .route(
                "/api-docs",
                axum::routing::get(move || async move { document.as_ref().into_response() }),
            )
            .with_state(services)
    }
}

impl Default for Api {
    fn default() -> Api {
        Api::new()
    }
}

/// Every operation but the health check takes a bearer token from the identity provider.
fn document_bearer_tokens(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::security::{
        HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    };
    let mut scheme = HttpBuilder::new()
        .scheme(HttpAuthScheme::Bearer)
        .bearer_format("JWT")
        .build();
    scheme.description = Some(
        "An access token (JWT, RS256 or ES256) from the identity provider at OAUTH2_ISSUER, for \
         the client APP_OAUTH_CLIENT_KEY."
            .into(),
    );
    api.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(BEARER_SCHEME, SecurityScheme::Http(scheme));
    api.security = Some(vec![SecurityRequirement::new(
        BEARER_SCHEME,
        Vec::<String>::new(),
    )]);
}

/// The name of the bearer-token security scheme in the OpenAPI document.
const BEARER_SCHEME: &str = "bearerToken";

async fn unknown_path(uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "There is no API resource at {}; /docs lists every operation",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(format!(
        "{method} is not supported on {}; /docs lists the methods of each path",
        uri.path()
    ))
}
