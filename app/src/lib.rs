//! The Connection Manager portal: a Leptos app rendered on the server and hydrated in the
//! browser. Pages call server functions, which call the same domain services as the REST API.
//! Forms are plain HTML forms first (they work before hydration and without JavaScript) and
//! are enhanced once the page is hydrated.

#![recursion_limit = "256"]

pub mod audit;
pub mod auth;
pub mod certificates;
pub mod codec;
pub mod components;
pub mod dfsps;
pub mod enrollments;
pub mod environments;
pub mod error;
pub mod inventory;
pub mod network;
pub mod onboarding;
pub mod pki;
pub mod routes;
pub mod scope;
#[cfg(feature = "ssr")]
pub mod server;
pub mod shell;
pub mod urls;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::Lazy;
use leptos_router::{path, SsrMode};
use serde::{Deserialize, Serialize};

pub use error::PortalError;

/// Where server functions live. Not `/api`, which belongs to the REST API.
pub const SERVER_FN_PREFIX: &str = "/rpc";

/// Facts about this server that the portal shows (its header, the auth banner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalInfo {
    pub auth_enabled: bool,
    pub version: String,
    /// The identity provider's origin (scheme, host, port), where signing out continues.
    pub identity_provider: Option<String>,
    /// Whether users give a second factor after signing in (`AUTH_2FA_ENABLED`).
    pub second_factor: bool,
}

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en" class="h-full bg-slate-50">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                {reloads_on_change().then(|| view! { <AutoReload options=options.clone()/> })}
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="h-full text-slate-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

/// Whether pages reload themselves when the code changes: under `cargo leptos watch`, which
/// sets `LEPTOS_WATCH`. Read once, rather than by every page's `<AutoReload>`.
fn reloads_on_change() -> bool {
    static WATCHED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WATCHED.get_or_init(|| std::env::var_os("LEPTOS_WATCH").is_some())
}

/// What a portal page may load: only our own scripts (and the inline hydration scripts that carry
/// this response's nonce), our WebAssembly, our stylesheet; no plugins, no framing by other
/// sites, forms posted only to us (`identity_provider`, when given, is where the sign-out
/// form's answer continues: browsers hold a form's redirects to this rule too).
pub fn content_security_policy(nonce: &str, identity_provider: Option<&str>) -> String {
    let form_action = match identity_provider {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action {form_action}; frame-ancestors 'none'"
    )
}

/// Sets the page's Content-Security-Policy header, with the nonce Leptos put on the page's
/// inline scripts (a new one for every response).
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // The nonce is base64, so the policy is always a valid header value.
    let info = use_context::<PortalInfo>();
    let provider = info
        .as_ref()
        .and_then(|info| info.identity_provider.as_deref());
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce, provider)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser: the mark tells tests (and curious people) that the page
    // is hydrated and its forms are enhanced.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    let (routing, set_routing) = signal(false);
    view! {
        <Stylesheet id="leptos" href="/pkg/connection-manager.css"/>
        <Title formatter=|text: String| {
            if text.is_empty() { "Connection Manager".to_owned() } else { format!("{text} · Connection Manager") }
        }/>
        <Router set_is_routing=set_routing>
            <shell::NavigationProgress routing/>
            // The shell is a route itself: only inside <Routes> do actions see the error that
            // a form posted without JavaScript brings back. Pages render once their data is
            // loaded (SsrMode::Async), so a missing environment is answered with a real 404.
            <Routes fallback=shell::NotFound>
                // Outside the frame, which shows what only a signed-in user may see.
                <Route path=path!("/sign-in") view={Lazy::<routes::SignInRoute>::new()}/>
                <Route path=path!("/sign-in/second-factor") view={Lazy::<routes::SecondFactorRoute>::new()}/>
                <ParentRoute path=path!("") view=shell::AppShell ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/environments"/> }/>
                    <Route path=path!("/environments") view={Lazy::<routes::EnvironmentsRoute>::new()}/>
                    <Route path=path!("/second-factors") view={Lazy::<routes::SecondFactorsRoute>::new()}/>
                    <ParentRoute path=path!("/environments/:env_id") view=scope::EnvironmentLayout>
                        <Route path=path!("") view={Lazy::<routes::EnvironmentOverviewRoute>::new()}/>
                        <Route path=path!("dfsps") view={Lazy::<routes::DfspsRoute>::new()}/>
                        <Route path=path!("dfsps/:dfsp_id") view={Lazy::<routes::DfspRoute>::new()}/>
                        <Route path=path!("dfsps/:dfsp_id/endpoints") view={Lazy::<routes::DfspEndpointsRoute>::new()}/>
                        <Route path=path!("dfsps/:dfsp_id/ca") view={Lazy::<routes::DfspCaRoute>::new()}/>
                        <Route path=path!("dfsps/:dfsp_id/certificates") view={Lazy::<routes::DfspCertificatesRoute>::new()}/>
                        <Route path=path!("dfsps/:dfsp_id/hub-certificates") view={Lazy::<routes::HubCertificatesRoute>::new()}/>
                        <Route path=path!("dfsps/:dfsp_id/server-certificate") view={Lazy::<routes::DfspServerCertificateRoute>::new()}/>
                        <Route path=path!("dfsps/:dfsp_id/jws") view={Lazy::<routes::DfspJwsRoute>::new()}/>
                        <Route path=path!("server-certificates") view={Lazy::<routes::ServerCertificatesRoute>::new()}/>
                        <Route path=path!("hub-jws") view={Lazy::<routes::HubJwsRoute>::new()}/>
                        <Route path=path!("csrs") view={Lazy::<routes::CsrQueueRoute>::new()}/>
                        <Route path=path!("ca") view={Lazy::<routes::CertificateAuthoritiesRoute>::new()}/>
                        <Route path=path!("network") view={Lazy::<routes::HubNetworkRoute>::new()}/>
                        <Route path=path!("network/unprocessed") view={Lazy::<routes::UnprocessedRoute>::new()}/>
                        <Route path=path!("certificates") view={Lazy::<routes::InventoryRoute>::new()}/>
                        <Route path=path!("onboarding") view={Lazy::<routes::OnboardingRoute>::new()}/>
                        <Route path=path!("audit") view={Lazy::<routes::AuditRoute>::new()}/>
                    </ParentRoute>
                    <Route path=path!("/*any") view=shell::NotFound/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
