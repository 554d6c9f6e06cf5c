//! The pages, in four lazily loaded groups: the browser bundle holds the router, the frame and
//! what every page shares, and fetches a group's code (WebAssembly chunks split off by
//! `cargo leptos build --split`) the first time one of its pages is shown, in parallel with the
//! page's data; the server lists those chunks in the page's head so they load at once. Groups
//! rather than one chunk set per page: the splitter makes a chunk for every combination of split
//! points that shares code, and one per page meant 100-200 small files for a page's first view.
//! On the server a lazy route is an ordinary one; the browser bundle must be built with `--split`
//! (scripts/build does), which links the chunks' loaders.

use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

macro_rules! lazy_group {
    ($group:ident, $preload:ident, $pages:ident { $($route:ident => $page:path),* $(,)? }) => {
        // Each page is named after its route.
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum $pages {
            $($route),*
        }

        #[lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$route => $page().into_any()),*
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_route: Self) -> AnyView {
                    $group($pages::$route).await
                }

                // Hydration needs the page's code before it starts: the router awaits this
                // first, and the view above is then ready at once.
                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )*
    };
}

lazy_group!(sign_in_pages, __preload_sign_in_pages, SignInPages {
    SignInRoute => crate::auth::pages::SignInPage,
    SecondFactorRoute => crate::auth::pages::SecondFactorPage,
    SecondFactorsRoute => crate::auth::pages::SecondFactorsPage,
});

lazy_group!(environment_pages, __preload_environment_pages, EnvironmentPages {
    EnvironmentsRoute => crate::environments::pages::EnvironmentsPage,
    EnvironmentOverviewRoute => crate::environments::pages::EnvironmentOverview,
    InventoryRoute => crate::inventory::pages::InventoryPage,
    OnboardingRoute => crate::onboarding::pages::OnboardingPage,
    AuditRoute => crate::audit::pages::AuditPage,
});

lazy_group!(dfsp_and_network_pages, __preload_dfsp_and_network_pages, DfspAndNetworkPages {
    DfspsRoute => crate::dfsps::pages::DfspsPage,
    DfspRoute => crate::dfsps::pages::DfspPage,
    DfspEndpointsRoute => crate::network::pages::DfspEndpointsPage,
    HubNetworkRoute => crate::network::pages::HubNetworkPage,
    UnprocessedRoute => crate::network::pages::UnprocessedPage,
});

lazy_group!(certificate_pages, __preload_certificate_pages, CertificatePages {
    DfspCaRoute => crate::pki::pages::DfspCaPage,
    DfspCertificatesRoute => crate::enrollments::pages::DfspCertificatesPage,
    HubCertificatesRoute => crate::enrollments::pages::HubCertificatesPage,
    DfspServerCertificateRoute => crate::certificates::pages::DfspServerCertificatePage,
    DfspJwsRoute => crate::certificates::pages::DfspJwsPage,
    ServerCertificatesRoute => crate::certificates::pages::ServerCertificatesPage,
    HubJwsRoute => crate::certificates::pages::HubJwsPage,
    CsrQueueRoute => crate::enrollments::pages::CsrQueuePage,
    CertificateAuthoritiesRoute => crate::pki::pages::CertificateAuthoritiesPage,
});
