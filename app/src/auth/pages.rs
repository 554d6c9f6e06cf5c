//! The sign-in page, outside the portal's frame: nobody is signed in yet.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::rpc::{read_sign_in_state, SignInState};
use crate::components::PRIMARY_BUTTON;
use crate::urls;

/// What a sign-in problem code (set by the server, never free text) means to a person.
fn problem_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "provider" => "The identity provider cannot be reached right now, so nobody can sign in.",
        "refused" => "The identity provider did not sign you in (the sign-in was cancelled or your account may not use the Connection Manager).",
        "stale" => "That sign-in had expired or was already used. Please sign in again.",
        "invalid" => "The identity provider's answer did not pass our checks, so you were not signed in. Please try again; if it happens again, tell your administrator.",
        _ => return None,
    })
}

/// `/sign-in?next=/path&problem=code`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || urls::local_path(query.read().get("next").as_deref());
    let problem = move || query.read().get("problem").and_then(|c| problem_text(&c));
    let signed_out = move || query.read().get("signed_out").is_some();
    let state = Resource::new(|| (), |_| read_sign_in_state());
    let sign_in_href = move || urls::sign_in(&next());
    view! {
        <Title text="Sign in"/>
        <main class="flex min-h-full items-center justify-center bg-slate-100 px-4 py-12">
            <div class="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
                <div class="flex items-center gap-3">
                    <img src="/favicon.svg" alt="" class="h-9 w-9"/>
                    <h1 class="text-xl font-semibold tracking-tight text-slate-900">"Connection Manager"</h1>
                </div>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let state = state.await.unwrap_or(SignInState {
                            auth_enabled: true,
                            user: None,
                            provider_problem: None,
                        });
                        if !state.auth_enabled {
                            return view! {
                                <p class="mt-6 text-sm text-slate-700">
                                    "Authentication is disabled on this server: there is nothing to sign in to, and everyone acts as a hub operator."
                                </p>
                                <a href="/environments" class=format!("{PRIMARY_BUTTON} mt-6 w-full")>"Open the portal"</a>
                            }.into_any();
                        }
                        if let Some(user) = state.user {
                            return view! {
                                <p class="mt-6 text-sm text-slate-700">
                                    "You are signed in as " <span class="font-semibold">{user.name}</span> " (" {user.role} ")."
                                </p>
                                <a href=next() class=format!("{PRIMARY_BUTTON} mt-6 w-full")>"Continue"</a>
                            }.into_any();
                        }
                        let provider_detail = state.provider_problem;
                        view! {
                            <p class="mt-6 text-sm text-slate-700">
                                "Sign in with your organisation's account to manage the Hub's environments or your DFSP's onboarding."
                            </p>
                            {signed_out().then(|| view! {
                                <p class="mt-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900" role="status" data-testid="signed-out">
                                    "You are signed out."
                                </p>
                            })}
                            {problem().map(|text| view! {
                                <div class="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" role="alert" data-testid="sign-in-problem">
                                    <p>{text}</p>
                                    {provider_detail.clone().map(|detail| view! {
                                        <p class="mt-1 break-words text-xs text-red-700">{detail}</p>
                                    })}
                                </div>
                            })}
                            <a href=sign_in_href() class=format!("{PRIMARY_BUTTON} mt-6 w-full") data-testid="sign-in">"Sign in"</a>
                        }.into_any()
                    })}
                </Suspense>
            </div>
        </main>
    }
}
