//! The portal: server-side rendering of the Leptos app, its server functions under `/rpc`,
//! and its static assets. Server functions get the same `Services` as the REST API.

use app::auth::rpc::ProviderProblem;
use app::{shell, App, PortalInfo};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Extension;
use axum::Router;
use domain::{Principal, Services};
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_axum::{
    generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes,
};
use std::sync::{Arc, OnceLock};

/// Cloned several times for every page (leptos_axum provides it as a context, and axum clones
/// each route's handler, which holds it): one reference count.
#[derive(Clone)]
struct PortalState(Arc<PortalParts>);

impl std::ops::Deref for PortalState {
    type Target = PortalParts;

    fn deref(&self) -> &PortalParts {
        &self.0
    }
}

struct PortalParts {
    options: LeptosOptions,
    services: Services,
    info: PortalInfo,
    provider_problem: ProviderProblem,
}

impl axum::extract::FromRef<PortalState> for LeptosOptions {
    fn from_ref(state: &PortalState) -> Self {
        state.options.clone()
    }
}

/// `provider_problem` tells the sign-in page what is wrong with the identity provider.
pub fn router(
    options: LeptosOptions,
    services: Services,
    info: PortalInfo,
    provider_problem: ProviderProblem,
) -> Router {
    let state = PortalState(Arc::new(PortalParts {
        options: options.clone(),
        services,
        info,
        provider_problem,
    }));
    let routes = route_list().to_vec();
    let context = {
        let state = state.clone();
        move || provide_portal_context(&state)
    };
    Router::new()
        .route("/", get(workspace))
        .route(
            &format!("{}/{{*fn_name}}", app::SERVER_FN_PREFIX),
            post(server_fn_handler),
        )
        .leptos_routes_with_context(&state, routes, context, {
            let options = Arc::new(options);
            move || shell(LeptosOptions::clone(&options))
        })
        .fallback_service(
            Router::new()
                .fallback(leptos_axum::file_and_error_handler::<PortalState, _>(shell))
                .layer(axum::middleware::map_response(vary_on_accept_encoding))
                .with_state(state.clone()),
        )
        .with_state(state)
}

/// The build puts brotli and gzip copies beside each asset, and the file handler sends the one
/// the browser accepts: a cache between them must keep the copies apart.
async fn vary_on_accept_encoding(
    mut response: axum::response::Response,
) -> axum::response::Response {
    use axum::http::header::{HeaderValue, VARY};
    response
        .headers_mut()
        .append(VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// The portal's routes, worked out once per process. Generating them renders the app with
/// resource loading switched off process-wide, which would stall pages being rendered at the
/// same moment by another server in the process (the integration tests run many).
///
/// The app's catch-all page ("not found" inside the portal frame) is left out: as an axum route
/// it would swallow /pkg and the other static files. Unknown paths reach the fallback instead,
/// which serves a file if there is one and otherwise renders that page with a 404.
pub(crate) fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        generate_route_list(App)
            .into_iter()
            // The root is `workspace`, which knows who is asking.
            .filter(|route| !route.path().contains('*') && route.path() != "/")
            .collect()
    })
}

/// The portal's front door sends each user to where their work is: a DFSP operator to their
/// DFSP's page (the first, if they act for several), everyone else to the environments.
async fn workspace(
    State(state): State<PortalState>,
    principal: Option<Extension<Principal>>,
) -> Redirect {
    let own = match &principal {
        Some(Extension(who)) => state.services.dfsps().own(who).await.unwrap_or_default(),
        None => Vec::new(),
    };
    match own.first() {
        Some(dfsp) => Redirect::to(&app::urls::dfsp(dfsp.env_id, dfsp.id.as_str())),
        None => Redirect::to(&app::urls::environments()),
    }
}

fn provide_portal_context(state: &PortalState) {
    provide_context(state.services.clone());
    provide_context(state.info.clone());
    provide_context(state.provider_problem.clone());
}

async fn server_fn_handler(
    State(state): State<PortalState>,
    request: Request<Body>,
) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_portal_context(&state), request).await
}
