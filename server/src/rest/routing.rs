//! Routes whose OpenAPI description is made only when it is first asked for.
//!
//! utoipa-axum's `routes!` composes each operation's description (parameters, responses and
//! every schema they use) while it registers the handler: for the whole API that is 10-15 ms of
//! CPU, the longest part of start-up, spent on a document few servers are ever asked for. Here
//! the handlers are registered at once, from the same `#[utoipa::path]` attributes (path and
//! methods), and the description is kept as a function that utoipa-axum runs at the first
//! `/api-docs` request, so the routes and the document still come from one list of handlers.

use std::collections::HashSet;
use std::sync::LazyLock;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Router;
use domain::Services;
use utoipa::openapi::{HttpMethod, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// Handlers that share one path, as [`routes!`] makes them: one method router per method, so
/// that the v3 aliases (see [`v3_path`]) can leave out the methods that v3 answers otherwise.
pub struct Operations {
    pub path: String,
    pub methods: Vec<(HttpMethod, axum::routing::MethodRouter<Services>)>,
    pub describe: Describe,
}

/// Composes the OpenAPI description of one group of handlers (utoipa-axum's `routes!`).
pub type Describe = fn() -> UtoipaMethodRouter<Services>;

/// Registers handlers annotated with `#[utoipa::path]` that share one path, and keeps how to
/// describe them for later. Takes the handlers' names, as utoipa-axum's `routes!` does.
macro_rules! routes {
    ($($handler:ident),+ $(,)?) => {{
        let mut path: Option<String> = None;
        let mut methods = Vec::new();
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
                    let filter = utoipa_axum::PathItemExt::to_method_filter(&method);
                    methods.push((method, axum::routing::MethodRouter::new().on(filter, $handler)));
                }
            }
        )+
        $crate::rest::routing::Operations {
            path: path.expect("routes! takes at least one handler"),
            methods,
            describe: || utoipa_axum::routes!($($handler),+),
        }
    }};
}
pub(crate) use routes;

/// Where MCM 2020's operations on one environment are, and where MCM v3, which has no
/// environments, has them: `/api/environments/{envId}/dfsps` is v3's `/api/dfsps`.
const ENVIRONMENT_PREFIX: &str = "/api/environments/{envId}/";

/// The v3 path of a 2020 operation on one environment; `None` for the others.
pub fn v3_path(path: &str) -> Option<String> {
    path.strip_prefix(ENVIRONMENT_PREFIX)
        .map(|rest| format!("/api/{rest}"))
}

/// One group of operations as registered, with the request body limit it was given.
struct Registered {
    operations: Operations,
    body_limit: Option<usize>,
}

impl Registered {
    /// One method router for the methods `keep` accepts, with the group's body limit.
    fn method_router(
        &self,
        keep: impl Fn(&HttpMethod) -> bool,
    ) -> Option<axum::routing::MethodRouter<Services>> {
        let mut merged: Option<axum::routing::MethodRouter<Services>> = None;
        for (method, router) in &self.operations.methods {
            if keep(method) {
                merged = Some(match merged {
                    None => router.clone(),
                    Some(before) => before.merge(router.clone()),
                });
            }
        }
        merged.map(|router| match self.body_limit {
            Some(bytes) => router.layer(DefaultBodyLimit::max(bytes)),
            None => router,
        })
    }
}

/// The routes of one area of the API and how to describe them.
#[derive(Default)]
pub struct ApiRouter {
    registered: Vec<Registered>,
}

impl ApiRouter {
    pub fn new() -> ApiRouter {
        ApiRouter::default()
    }

    pub fn routes(mut self, operations: Operations) -> ApiRouter {
        self.registered.push(Registered {
            operations,
            body_limit: None,
        });
        self
    }

    /// The largest request body the routes registered so far accept (see `body_limits`).
    pub fn body_limit(mut self, bytes: usize) -> ApiRouter {
        for registered in &mut self.registered {
            registered.body_limit.get_or_insert(bytes);
        }
        self
    }

    pub fn merge(mut self, other: ApiRouter) -> ApiRouter {
        self.registered.extend(other.registered);
        self
    }

    /// The routes, and the description of every operation added to `base`. Every operation on
    /// one environment is also served at its v3 path ([`v3_path`]), for the environment the v3
    /// API is bound to, except where an operation of that path and method is registered
    /// itself (v3's own shape) or the path means something else here (`/api/audit`).
    pub fn split(self, base: OpenApi) -> (Router<Services>, DocumentRecipe) {
        let explicit: HashSet<(String, HttpMethod)> = self
            .registered
            .iter()
            .flat_map(|r| {
                r.operations
                    .methods
                    .iter()
                    .map(|(method, _)| (r.operations.path.clone(), method.clone()))
            })
            .collect();
        let mut router = Router::new();
        let mut aliases = Vec::new();
        for registered in &self.registered {
            let path = &registered.operations.path;
            if let Some(all) = registered.method_router(|_| true) {
                router = router.route(path, all);
            }
            let Some(alias) = v3_path(path) else {
                continue;
            };
            if NOT_ALIASED.contains(&alias.as_str()) {
                continue;
            }
            let keep = |method: &HttpMethod| !explicit.contains(&(alias.clone(), method.clone()));
            if let Some(methods) = registered.method_router(keep) {
                router = router.route(&alias, methods);
                let methods = registered
                    .operations
                    .methods
                    .iter()
                    .map(|(method, _)| method.clone())
                    .filter(keep)
                    .collect();
                aliases.push(Alias {
                    from: path.clone(),
                    to: alias,
                    methods,
                });
            }
        }
        let recipe = DocumentRecipe {
            base,
            descriptions: self
                .registered
                .iter()
                .map(|r| r.operations.describe)
                .collect(),
            aliases,
            edits: Vec::new(),
        };
        (router, recipe)
    }
}

/// v3 paths that mean something else here than the environment's operation would: the whole
/// audit log is `/api/audit` (a hub operator's), the environment's is only under its id.
const NOT_ALIASED: &[&str] = &["/api/audit"];

/// A 2020 operation served at its v3 path too.
struct Alias {
    from: String,
    to: String,
    methods: Vec<HttpMethod>,
}

/// A change to the document once it is made.
type Edit = Box<dyn FnOnce(&mut OpenApi) + Send + Sync>;

/// How to make the OpenAPI document: the top-level description, each group of operations, then
/// what this server's configuration adds (see `Api::configured`).
pub struct DocumentRecipe {
    base: OpenApi,
    descriptions: Vec<Describe>,
    aliases: Vec<Alias>,
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
        describe_aliases(&mut document, &self.aliases);
        for edit in self.edits {
            edit(&mut document);
        }
        document
    }
}

/// The tag of the operations at their MCM v3 paths.
pub const V3_TAG: &str = "v3";

/// Describes each alias as its 2020 operation is, at the v3 path: without the `envId`
/// parameter, tagged v3, with its own operation id (`getDFSPs` → `getDFSPsV3`) and without the
/// 2020 operation's links (they name `envId`). Each may answer 409 when the v3 API is bound
/// to no environment.
fn describe_aliases(document: &mut OpenApi, aliases: &[Alias]) {
    use utoipa::openapi::path::Operation;
    for alias in aliases {
        let Some(from) = document.paths.paths.get(&alias.from).cloned() else {
            continue;
        };
        let mut item = document.paths.paths.remove(&alias.to).unwrap_or_default();
        for method in &alias.methods {
            let operation: Option<&Operation> = match method {
                HttpMethod::Get => from.get.as_ref(),
                HttpMethod::Post => from.post.as_ref(),
                HttpMethod::Put => from.put.as_ref(),
                HttpMethod::Delete => from.delete.as_ref(),
                HttpMethod::Patch => from.patch.as_ref(),
                HttpMethod::Head => from.head.as_ref(),
                HttpMethod::Options => from.options.as_ref(),
                HttpMethod::Trace => from.trace.as_ref(),
            };
            let Some(operation) = operation else {
                continue;
            };
            let mut operation = operation.clone();
            v3_operation(&mut operation);
            let slot = match method {
                HttpMethod::Get => &mut item.get,
                HttpMethod::Post => &mut item.post,
                HttpMethod::Put => &mut item.put,
                HttpMethod::Delete => &mut item.delete,
                HttpMethod::Patch => &mut item.patch,
                HttpMethod::Head => &mut item.head,
                HttpMethod::Options => &mut item.options,
                HttpMethod::Trace => &mut item.trace,
            };
            *slot = Some(operation);
        }
        document.paths.paths.insert(alias.to.clone(), item);
    }
}

/// A 2020 operation's description made into its v3 alias's.
fn v3_operation(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::{RefOr, Response};
    if let Some(parameters) = operation.parameters.as_mut() {
        parameters.retain(|p| !matches!(p, RefOr::T(p) if p.name == "envId"));
    }
    operation.operation_id = operation.operation_id.take().map(|id| format!("{id}V3"));
    operation.tags = Some(vec![V3_TAG.to_owned()]);
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(Response { links, .. }) = response {
            links.clear();
        }
    }
    no_v3_environment_response(operation);
}

/// Documents the 409 of an operation at a v3 path when the v3 API is bound to no environment.
pub fn no_v3_environment_response(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::{RefOr, ResponseBuilder};
    operation
        .responses
        .responses
        .entry("409".to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(
                        "Conflict: the v3 API is bound to no environment (V3_ENVIRONMENT names \
                         none, and there is not exactly one), or the request conflicts with \
                         what is stored",
                    )
                    .content(
                        "application/json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        });
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
