//! The environment scope of the portal: the current environment (from the URL), its frame
//! with the section navigation, and the environment actions every list of environments shares.

use domain::dfsps::{Dfsp, DfspId};
use domain::environments::{Environment, EnvironmentId};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;

use crate::components::{
    acting_as_hub_operator, built_once, DfspTabs, ErrorPage, Loading, PageHeader, LINK_CLASS,
};
use crate::environments::rpc::list_environments;
use crate::error::PortalError;
use crate::urls;

/// The list of environments, read once per page by the shell and shared by everything that
/// lists environments (the header's switcher, the environments page).
#[derive(Clone, Copy)]
pub struct EnvironmentList(pub Resource<Result<Vec<Environment>, PortalError>>);

impl EnvironmentList {
    /// Made at the shell's top level, so that the list travels with the server-rendered page.
    /// In the browser it is read again on each arrival at the environments page: a delete from
    /// an environment's overview lands there (the server redirects), and the overview's delete
    /// action is gone with the overview before its result comes. The create and delete actions
    /// are made by the pages that show their forms, so that their code loads with those pages
    /// only; the environments page has the list follow its own (`follow`).
    pub fn for_shell() -> Self {
        #[cfg(feature = "ssr")]
        let arrivals = || 0usize;
        #[cfg(not(feature = "ssr"))]
        let arrivals = {
            let pathname = leptos_router::hooks::use_location().pathname;
            let counted = Memo::new(move |previous: Option<&(bool, usize)>| {
                let here = pathname.with(|path| *path == urls::environments());
                let (was_here, count) = previous.copied().unwrap_or((here, 0));
                (here, count + usize::from(here && !was_here))
            });
            move || counted.get().1
        };
        EnvironmentList(Resource::new(arrivals, |_| list_environments()))
    }

    /// Reads the list again after each run of an action that changes it.
    pub fn follow(self, action_version: RwSignal<usize>) {
        Effect::watch(
            move || action_version.get(),
            move |_, _, _| self.0.refetch(),
            false,
        );
    }
}

pub fn environment_list() -> EnvironmentList {
    expect_context::<EnvironmentList>()
}

/// The sidebar and content of every page inside one environment. Shows "not found" instead of
/// the page when the environment does not exist.
#[component]
pub fn EnvironmentLayout() -> impl IntoView {
    let environment = CurrentEnvironment::for_layout();
    provide_context(environment);
    let hub = acting_as_hub_operator();
    view! {
        <Transition fallback=|| view! { <Loading what="the environment"/> }>
            {move || Suspend::new(async move {
                match environment.await {
                    // Built when shown: the `<Transition>`'s walk would build the frame, and
                    // through its outlet the whole page, once more per request.
                    Ok(env) => built_once(move || view! { <EnvironmentFrame env hub/> }).into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `hub`: whether the user is a hub operator; the sections only the Hub works in (confirming
/// endpoints, signing CSRs, every DFSP's server certificates) are not listed to others.
#[component]
fn EnvironmentFrame(env: Environment, hub: bool) -> impl IntoView {
    // On a narrow screen the frame is a compact header (name, then the sections as wrapping
    // tabs) so that the page itself starts on the first screen.
    let nav_link = "block whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-200 hover:bg-slate-100 md:px-3 md:py-2 md:ring-0 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-800 aria-[current=page]:ring-indigo-200";
    view! {
        <div class="flex flex-col gap-4 md:flex-row md:gap-8">
            <aside class="md:w-56 md:shrink-0">
                <div class="rounded-lg border border-slate-200 bg-white p-3 shadow-sm md:p-4">
                    <div class="flex min-w-0 items-baseline gap-2 md:block">
                        <p class="shrink-0 text-xs font-semibold uppercase tracking-wide text-slate-500">"Environment"</p>
                        <p class="min-w-0 truncate font-semibold text-slate-900 md:mt-1 md:text-lg" title=env.name.clone()>{env.name.clone()}</p>
                        <p class="shrink-0 text-xs text-slate-500">"id "{env.id.get()}</p>
                    </div>
                    <nav class="mt-3 flex flex-wrap gap-1.5 md:mt-4 md:block md:space-y-1" aria-label="Environment sections">
                        <A href=urls::environment(env.id) exact=true attr:class=nav_link>"Overview"</A>
                        <A href=urls::dfsps(env.id) attr:class=nav_link>"DFSPs"</A>
                        <A href=urls::onboarding(env.id) attr:class=nav_link>"Onboarding"</A>
                        <A href=urls::network(env.id) exact=true attr:class=nav_link>"Hub network"</A>
                        {hub.then(|| view! {
                            <A href=urls::unprocessed(env.id) attr:class=nav_link>"Endpoints to confirm"</A>
                        })}
                        <A href=urls::certificate_authorities(env.id) attr:class=nav_link>"Certificate authorities"</A>
                        {hub.then(|| view! {
                            <A href=urls::csr_queue(env.id) attr:class=nav_link>"CSRs to sign"</A>
                            <A href=urls::server_certificates(env.id) attr:class=nav_link>"Server certificates"</A>
                            <A href=urls::hub_jws(env.id) attr:class=nav_link>"Hub JWS certificate"</A>
                        })}
                        <A href=urls::certificate_inventory(env.id) attr:class=nav_link>"All certificates"</A>
                        <A href=urls::audit(env.id) attr:class=nav_link>"Audit log"</A>
                    </nav>
                </div>
            </aside>
            <div class="min-w-0 flex-1">
                <Outlet/>
            </div>
        </div>
    }
}

/// The environment id of the current URL, if it is a valid one.
pub fn use_environment_id() -> Memo<Option<EnvironmentId>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("env_id")
            .and_then(|raw| EnvironmentId::parse(&raw).ok())
    })
}

/// The environment of the current page, as `current_environment().await` gives it: found in
/// the shell's list of environments, which holds every environment the user may read, so that
/// an environment's pages read no more than that list. The list is read again whenever it
/// changes here and whenever the environments page is opened.
#[derive(Clone, Copy)]
pub struct CurrentEnvironment {
    list: Resource<Result<Vec<Environment>, PortalError>>,
    // On the server a page is rendered for one URL: a plain value, since the pages await this
    // from `Suspend`s that may run on two threads at once, where reading a router memo raced
    // (see `EnvironmentSwitcher`). In the browser it follows navigation.
    #[cfg(feature = "ssr")]
    id: Option<EnvironmentId>,
    #[cfg(not(feature = "ssr"))]
    id: Memo<Option<EnvironmentId>>,
}

impl CurrentEnvironment {
    fn for_layout() -> Self {
        let id = use_environment_id();
        CurrentEnvironment {
            list: environment_list().0,
            #[cfg(feature = "ssr")]
            id: id.get_untracked(),
            #[cfg(not(feature = "ssr"))]
            id,
        }
    }

    #[cfg(feature = "ssr")]
    fn id(&self) -> Option<EnvironmentId> {
        self.id
    }

    #[cfg(not(feature = "ssr"))]
    fn id(&self) -> Option<EnvironmentId> {
        self.id.get()
    }
}

impl std::future::IntoFuture for CurrentEnvironment {
    type Output = Result<Environment, PortalError>;
    type IntoFuture =
        std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'static>>;

    fn into_future(self) -> Self::IntoFuture {
        // Read here, when awaited, so that the awaiting `Suspend` follows the URL.
        let id = self.id();
        let list = self.list;
        Box::pin(async move {
            let id = id.ok_or_else(|| {
                PortalError::Domain(domain::DomainError::NotFound(
                    "This environment does not exist".into(),
                ))
            })?;
            list.await?
                .into_iter()
                .find(|environment| environment.id == id)
                .ok_or_else(|| PortalError::Domain(domain::environments::not_found(id)))
        })
    }
}

/// The environment of the current page, provided by [`EnvironmentLayout`].
pub fn current_environment() -> CurrentEnvironment {
    expect_context::<CurrentEnvironment>()
}

/// The environment and the DFSP of the current URL, when both are valid ids.
pub fn use_dfsp_path() -> Memo<Option<(EnvironmentId, DfspId)>> {
    let env_id = use_environment_id();
    let params = use_params_map();
    Memo::new(move |_| {
        let raw = params.read().get("dfsp_id").unwrap_or_default();
        env_id
            .get()
            .and_then(|env| DfspId::parse(env, &raw).ok().map(|id| (env, id)))
    })
}

/// The error of a page whose URL names no DFSP.
pub fn no_such_dfsp() -> PortalError {
    PortalError::Domain(domain::DomainError::NotFound(
        "This DFSP does not exist".into(),
    ))
}

/// The DFSP of `path`, loaded; "not found" when the URL names none. Made at a page's top
/// level, so that its data travels with the server-rendered page.
pub fn dfsp_resource(
    path: Memo<Option<(EnvironmentId, DfspId)>>,
) -> Resource<Result<Dfsp, PortalError>> {
    Resource::new(
        move || path.get(),
        |path| async move {
            match path {
                Some((env, id)) => crate::dfsps::rpc::get_dfsp(env, id).await,
                None => Err(no_such_dfsp()),
            }
        },
    )
}

/// The top of an environment's own pages: the title, the browser's title with the
/// environment's name, the subtitle made from that name, and the page's actions (`children`).
#[component]
pub fn EnvironmentPageHeader(
    title: &'static str,
    /// The subtitle, given the environment's name.
    subtitle: fn(&str) -> String,
    #[prop(optional)] children: Option<ChildrenFn>,
) -> impl IntoView {
    use leptos_meta::Title;
    let environment = current_environment();
    view! {
        <Transition fallback=move || view! { <PageHeader title/> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    let name = environment.await.map(|e| e.name).unwrap_or_default();
                    built_once(move || {
                        let header = match children {
                            Some(actions) => view! {
                                <PageHeader title subtitle=subtitle(&name)>{actions()}</PageHeader>
                            }
                            .into_any(),
                            None => view! { <PageHeader title subtitle=subtitle(&name)/> }.into_any(),
                        };
                        view! {
                            <Title text=format!("{title} · {name}")/>
                            {header}
                        }
                    })
                })
            }}
        </Transition>
    }
}

/// The top of each of a DFSP's pages: the way back to the list, the DFSP's name and what the
/// page shows of it (`about`), and its tabs. `page` names the page in the browser's title.
#[component]
pub fn DfspHeader(
    dfsp: Dfsp,
    page: &'static str,
    #[prop(into)] about: String,
    current: &'static str,
) -> impl IntoView {
    use leptos_meta::Title;
    let env = dfsp.env_id;
    view! {
        <Title text=format!("{page} · {}", dfsp.id)/>
        <nav class="mb-2 text-sm" aria-label="Breadcrumb">
            <A href=urls::dfsps(env) attr:class=LINK_CLASS>"← All DFSPs"</A>
        </nav>
        <PageHeader title=dfsp.name.clone() subtitle=format!("DFSP {}: {about}", dfsp.id)/>
        <DfspTabs env dfsp=dfsp.id.clone() current/>
    }
}
