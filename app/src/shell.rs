//! The frame around every page: the header with the environment switcher, the auth banner,
//! and the "not found" page.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::{Outlet, A};
#[cfg(not(feature = "ssr"))]
use leptos_router::hooks::use_location;

use crate::auth::rpc::{request_facts, SignedInUser};
use crate::components::{ErrorPage, HubRole, LINK_CLASS, SECONDARY_BUTTON};
use crate::error::PortalError;
use crate::scope::{environment_list, EnvironmentList};
use crate::urls;

/// Closes the `<details>` menu that contains the clicked element.
pub fn close_enclosing_menu(ev: leptos::ev::MouseEvent) {
    let element = ev
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok());
    if let Some(Ok(Some(menu))) = element.map(|e| e.closest("details")) {
        let _ = menu.remove_attribute("open");
    }
}

#[component]
pub fn AppShell() -> impl IntoView {
    provide_context(EnvironmentList::for_shell());
    // Learnt while the server renders the page and handed to the browser with it, so that the
    // header and the pages decide synchronously what to show: no resource awaited by many
    // `<Suspense>` boundaries, nor pages made inside one.
    let facts = SharedValue::new(request_facts).into_inner();
    provide_context(HubRole(facts.hub_operator));
    view! {
        <div class="min-h-full">
            <header class="bg-slate-900 text-white shadow">
                <div class="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
                    <a href="/environments" class="flex items-center gap-2 text-base font-semibold tracking-tight">
                        <img src="/favicon.svg" alt="" class="h-7 w-7"/>
                        "Connection Manager"
                    </a>
                    <EnvironmentSwitcher/>
                    <div class="ml-auto flex items-center gap-4 text-sm">
                        <a href="/docs" class="text-slate-300 hover:text-white" rel="external">"API docs"</a>
                        <SignedInMenu user=facts.user/>
                    </div>
                </div>
            </header>
            {(!facts.auth_enabled).then(|| view! {
                // A named region, so that everything on the page is inside a landmark.
                <section class="border-b border-amber-200 bg-amber-50" aria-label="Security notice" data-testid="auth-disabled">
                    <p class="mx-auto max-w-7xl px-4 py-2 text-sm text-amber-900 sm:px-6">
                        <span class="font-semibold">"Authentication is disabled."</span>
                        " Anyone who can reach this server acts as a hub operator with full access. Set AUTH_ENABLED to protect it."
                    </p>
                </section>
            })}
            <main class="mx-auto max-w-7xl px-4 py-8 sm:px-6"><Outlet/></main>
        </div>
    }
}

/// The environment a portal path is in (`/environments/{id}/...`), if any.
fn environment_in(path: &str) -> Option<domain::environments::EnvironmentId> {
    path.strip_prefix("/environments/")
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .and_then(|id| domain::environments::EnvironmentId::parse(id).ok())
}

/// The header's environment menu. A `<details>` element, so it opens without JavaScript.
#[component]
fn EnvironmentSwitcher() -> impl IntoView {
    let environments = environment_list().0;
    // On the server a page is rendered for one URL, the request's: a plain value, which the
    // `Suspend`s below read from whichever thread runs them. Reading the router's pathname (a
    // memo) from them raced inside reactive_graph when two threads did at once: a panic in the
    // render, and a response that never finished. In the browser it follows navigation.
    #[cfg(feature = "ssr")]
    let current_id = {
        let at_render = use_context::<leptos_router::location::RequestUrl>().and_then(|url| {
            let url: &str = url.as_ref();
            let path = match url.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
                None => url,
            };
            environment_in(path)
        });
        move || at_render
    };
    #[cfg(not(feature = "ssr"))]
    let current_id = {
        let pathname = use_location().pathname;
        move || pathname.with(|path| environment_in(path))
    };
    // The summary (the current environment's name) and the menu (the list) come from one
    // `<Transition>`: each one costs the bundle every page loads its own hydration code.
    view! {
        <details class="relative" data-testid="environment-switcher">
            <Transition fallback=|| view! { <SwitcherSummary name="…".to_owned()/> }>
                {move || Suspend::new(async move {
                    let list = environments.await;
                    let name = current_id()
                        .and_then(|id| list.as_ref().ok()?.iter().find(|e| e.id == id).map(|e| e.name.clone()))
                        .unwrap_or_else(|| "choose…".into());
                    let menu = match list {
                        Ok(list) if list.is_empty() => view! {
                            <p class="px-4 py-3 text-sm text-slate-600">"No environments yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="max-h-80 overflow-y-auto py-1">
                                {list.into_iter().map(|env| {
                                    let selected = move || current_id() == Some(env.id);
                                    view! {
                                        <li>
                                            // A plain link: `<A>`'s `aria-current` is the same
                                            // test as `selected`, at a dozen allocations more.
                                            <a href=urls::environment(env.id)
                                                aria-current=move || selected().then_some("page")
                                                class=move || format!("flex items-center justify-between px-4 py-2 text-sm hover:bg-slate-100 {}", if selected() { "bg-indigo-50 font-semibold text-indigo-800" } else { "" })
                                                on:click=close_enclosing_menu>
                                                <span class="truncate">{env.name.clone()}</span>
                                                <span class="ml-3 text-xs text-slate-400">"#"{env.id.get()}</span>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="px-4 py-3 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                    };
                    view! {
                        <SwitcherSummary name/>
                        <div class="absolute left-0 z-30 mt-2 w-72 overflow-hidden rounded-lg border border-slate-200 bg-white text-slate-900 shadow-xl">
                            {menu}
                            <div class="border-t border-slate-200 bg-slate-50 px-4 py-2 text-sm">
                                <A href=urls::environments() attr:class=LINK_CLASS on:click=close_enclosing_menu>"All environments"</A>
                            </div>
                        </div>
                    }
                })}
            </Transition>
        </details>
    }
}

/// What the closed environment menu shows: the current environment's `name`.
#[component]
fn SwitcherSummary(name: String) -> impl IntoView {
    view! {
        <summary class="flex cursor-pointer list-none items-center gap-2 rounded-md bg-slate-800 px-3 py-1.5 text-sm text-slate-100 ring-1 ring-inset ring-slate-700 hover:bg-slate-700 [&::-webkit-details-marker]:hidden">
            <span class="text-slate-400">"Environment:"</span>
            <span class="max-w-48 truncate font-medium">{name}</span>
            <svg class="h-4 w-4 text-slate-400" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
                <path fill-rule="evenodd" d="M5.23 7.21a.75.75 0 011.06.02L10 11.17l3.71-3.94a.75.75 0 111.08 1.04l-4.25 4.5a.75.75 0 01-1.08 0l-4.25-4.5a.75.75 0 01.02-1.06z" clip-rule="evenodd"/>
            </svg>
        </summary>
    }
}

/// A bar across the top of the window while the router changes page in the browser: it may
/// first fetch the page's code (a lazily loaded group, see `routes`) and its data.
#[component]
pub fn NavigationProgress(routing: ReadSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || routing.get()>
            <div
                class="fixed inset-x-0 top-0 z-50 h-1 animate-pulse bg-indigo-500"
                role="progressbar"
                aria-label="Opening the page"
                data-testid="navigation-progress"
            ></div>
        </Show>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <ErrorPage error=PortalError::Domain(domain::DomainError::NotFound(
            "There is no page at this address.".into(),
        ))/>
    }
}

/// The header's "signed in as" part, with the sign-out button (a plain form: it works before
/// the page is hydrated, and the server refuses cross-site posts).
#[component]
pub fn SignedInMenu(user: Option<SignedInUser>) -> impl IntoView {
    user.map(|user| {
        view! {
            <div class="flex items-center gap-3" data-testid="signed-in-user">
                {user.manages_second_factors.then(|| view! {
                    <a href=urls::second_factors() class="text-slate-300 hover:text-white">"Two-step verification"</a>
                })}
                <span class="hidden text-right leading-tight sm:block">
                    <span class="block font-medium text-white">{user.name.clone()}</span>
                    <span class="block text-xs text-slate-400">{user.role.clone()}</span>
                </span>
                <form method="post" action="/auth/logout">
                    <button type="submit" class=format!("{SECONDARY_BUTTON} !py-1") title=format!("Signed in as {} ({})", user.name, user.role)>
                        "Sign out"
                    </button>
                </form>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::environment_in;

    #[test]
    fn the_environment_of_a_path_is_its_second_segment() {
        let id = |path| environment_in(path).map(|id| id.get());
        assert_eq!(id("/environments/7"), Some(7));
        assert_eq!(id("/environments/7/dfsps/DFSP%201"), Some(7));
        assert_eq!(id("/environments/7?x=1"), Some(7));
        assert_eq!(id("/environments"), None);
        assert_eq!(id("/environments/abc"), None);
        assert_eq!(id("/second-factors"), None);
    }
}
