//! Routes whose OpenAPI description is made only when it is first asked for.
//!
//! utoipa-axum's `routes!` composes each operation's description (parameters, responses and
//! every schema they use) while it registers the handler: for the whole API that is 10-15 ms of
//! CPU, the longest part of start-up, spent on a document few servers are ever asked for. Here
//! the handlers are registered at once, from the same `#[utoipa::path]` attributes (path and
//! methods), and the description is kept as a function that utoipa-axum runs at the first
//! `/api-docs` request, so the routes and the document still come from one list of handlers.

use std::sync::LazyLock;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Router;
use domain::Services;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// Handlers that share one path, as [`routes!`] makes them.
pub struct Operations {
    pub path: String,
    pub method_router: axum::routing::MethodRouter<Services>,
    pub describe: Describe,
}

/// Composes the OpenAPI description of one group of handlers (utoipa-axum's `routes!`).
pub type Describe = fn() -> UtoipaMethodRouter<Services>;

/// Registers handlers annotated with `#[utoipa::path]` that share one path, and keeps how to
/// describe them for later. Takes the handlers' names, as utoipa-axum's `routes!` does.
macro_rules! routes {
    ($($handler:ident),+ $(,)?) => {{
        let mut path: Option<String> = None;
        let mut method_router = axum::routing::MethodRouter::new();
        $(
            utoipa_axum::paste! {
                let handler_path = <[<__path_ $handler>] as utoipa::Path>::path();
                if let Some(first) = &path {
                    assert_eq!(
                        first, &handler_path,
                        "the handlers of one routes! group must share their path"
                    );
                }
                path = Some(handler_path);
                for method in <[<__path_ $handler>] as utoipa::Path>::methods() {
                    method_router = method_router
                        .on(utoipa_axum::PathItemExt::to_method_filter(&method), $handler);
                }
            }
        )+
        $crate::rest::routing::Operations {
            path: path.expect("routes! takes at least one handler"),
            method_router,
            describe: || utoipa_axum::routes!($($handler),+),
        }
    }};
}
pub(crate) use routes;

/// The routes of one area of the API and how to describe them.
#[derive(Default)]
pub struct ApiRouter {
    router: Router<Services>,
    descriptions: Vec<Describe>,
}

impl ApiRouter {
    pub fn new() -> ApiRouter {
        ApiRouter::default()
    }

    pub fn routes(mut self, operations: Operations) -> ApiRouter {
        self.router = self
            .router
            .route(&operations.path, operations.method_router);
        self.descriptions.push(operations.describe);
        self
    }

    /// The largest request body the routes registered so far accept (see `body_limits`).
    pub fn body_limit(mut self, bytes: usize) -> ApiRouter {
        self.router = self.router.layer(DefaultBodyLimit::max(bytes));
        self
    }

    pub fn merge(mut self, other: ApiRouter) -> ApiRouter {
        self.router = self.router.merge(other.router);
        self.descriptions.extend(other.descriptions);
        self
    }

    /// The routes, and the description of every operation added to `base`.
    pub fn split(self, base: OpenApi) -> (Router<Services>, DocumentRecipe) {
        let recipe = DocumentRecipe {
            base,
            descriptions: self.descriptions,
            edits: Vec::new(),
        };
        (self.router, recipe)
    }
}

/// A change to the document once it is made.
type Edit = Box<dyn FnOnce(&mut OpenApi) + Send + Sync>;

/// How to make the OpenAPI document: the top-level description, each group of operations, then
/// what this server's configuration adds (see `Api::configured`).
pub struct DocumentRecipe {
    base: OpenApi,
    descriptions: Vec<Describe>,
    edits: Vec<Edit>,
}

impl DocumentRecipe {
    /// Changes the document once it is made.
    pub fn edit(&mut self, edit: impl FnOnce(&mut OpenApi) + Send + Sync + 'static) {
        self.edits.push(Box::new(edit));
    }

    pub fn make(self) -> OpenApi {
        let (_, mut document) = self
            .descriptions
            .into_iter()
            .fold(
                OpenApiRouter::with_openapi(self.base),
                |router, describe| router.routes(describe()),
            )
            .split_for_parts();
        for edit in self.edits {
            edit(&mut document);
        }
        document
    }
}

/// The OpenAPI document as served at `/api-docs`: made and serialized at the first request, then
/// served from memory.
pub struct ServedDocument(LazyLock<Bytes, Box<dyn FnOnce() -> Bytes + Send>>);

impl ServedDocument {
    pub fn new(recipe: DocumentRecipe) -> ServedDocument {
        ServedDocument(LazyLock::new(Box::new(move || {
            let json =
                serde_json::to_vec(&recipe.make()).expect("an OpenAPI document always serializes");
            Bytes::from(json)
        })))
    }

    /// The document as JSON.
    pub fn json(&self) -> Bytes {
        LazyLock::force(&self.0).clone()
    }
}

impl IntoResponse for &ServedDocument {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/json")], self.json()).into_response()
    }
}
