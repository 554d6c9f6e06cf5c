//! The sign-in pages, outside the portal's frame (nobody is signed in yet): the sign-in itself
//! and the second factor after it; and, inside the frame, the hub operators' list of users'
//! second factors.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::rpc::{
    list_second_factors, read_second_factor_prompt, read_sign_in_state, EnrollmentPrompt,
    ResetSecondFactor, SignInState,
};
use crate::components::*;
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

/// `/sign-in?next=/path&problem=code`. Its links load their pages from the server
/// (`rel="external"`): the sign-in is the server's (`/auth/login`), and the portal's frame
/// learns the user's role with its page.
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
                            awaiting_second_factor: false,
                        });
                        if !state.auth_enabled {
                            return view! {
                                <p class="mt-6 text-sm text-slate-700">
                                    "Authentication is disabled on this server: there is nothing to sign in to, and everyone acts as a hub operator."
                                </p>
                                <a rel="external" href="/environments" class=format!("{PRIMARY_BUTTON} mt-6 w-full")>"Open the portal"</a>
                            }.into_any();
                        }
                        if let Some(user) = state.user {
                            return view! {
                                <p class="mt-6 text-sm text-slate-700">
                                    "You are signed in as " <span class="font-semibold">{user.name}</span> " (" {user.role} ")."
                                </p>
                                <a rel="external" href=next() class=format!("{PRIMARY_BUTTON} mt-6 w-full")>"Continue"</a>
                            }.into_any();
                        }
                        if state.awaiting_second_factor {
                            return view! {
                                <p class="mt-6 text-sm text-slate-700">
                                    "You are signed in with your organisation's account. One step is left: the code from your authenticator app."
                                </p>
                                <a rel="external" href=urls::second_factor(&next(), None) class=format!("{PRIMARY_BUTTON} mt-6 w-full")>"Continue"</a>
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
                            <a rel="external" href=sign_in_href() class=format!("{PRIMARY_BUTTON} mt-6 w-full") data-testid="sign-in">"Sign in"</a>
                        }.into_any()
                    })}
                </Suspense>
            </div>
        </main>
    }
}

/// The card the sign-in pages are drawn on, with the product's name above the content.
#[component]
fn SignInCard(
    #[prop(into)] title: String,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let width = if wide { "max-w-lg" } else { "max-w-md" };
    view! {
        <main class="flex min-h-full items-center justify-center bg-slate-100 px-4 py-12">
            <div class=format!("w-full {width} rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8")>
                <div class="flex items-center gap-3">
                    <img src="/favicon.svg" alt="" class="h-9 w-9"/>
                    <p class="text-xl font-semibold tracking-tight text-slate-900">"Connection Manager"</p>
                </div>
                <h1 class="mt-6 text-lg font-semibold text-slate-900">{title}</h1>
                {children()}
            </div>
        </main>
    }
}

/// What a second-factor problem code (set by the server, never free text) means to a person.
fn second_factor_problem(code: &str) -> Option<&'static str> {
    Some(match code {
        "wrong" => "That code is not right. Enter the code your app shows now (if it keeps failing, check that your phone's clock is set automatically).",
        "reused" => "That code was used already. Wait for your app to show the next code, then enter it.",
        "locked" => "Too many wrong codes: for your account's safety no code is accepted for the next 5 minutes. Try again then.",
        "reset" => "Your second factor was reset meanwhile. Add the new key below to your authenticator app.",
        "unavailable" => "The code could not be checked just now. Please try again in a moment.",
        _ => return None,
    })
}

/// `/sign-in/second-factor?next=/path&problem=code`: the code from the user's authenticator
/// app, after the identity provider signed them in; the first time, the app is set up here
/// (a QR code, and the key as text for those who cannot scan).
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || urls::local_path(query.read().get("next").as_deref());
    let problem = move || {
        query
            .read()
            .get("problem")
            .and_then(|c| second_factor_problem(&c))
    };
    let prompt = Resource::new(|| (), |_| read_second_factor_prompt());
    view! {
        <Title text="Two-step verification"/>
        <Suspense fallback=|| view! { <SignInCard title="Two-step verification"><Loading what="two-step verification"/></SignInCard> }>
            {move || Suspend::new(async move {
                match prompt.await {
                    Err(error) => view! {
                        <SignInCard title="Two-step verification"><div class="mt-4"><ErrorPanel error/></div></SignInCard>
                    }.into_any(),
                    Ok(None) => view! {
                        <SignInCard title="Two-step verification">
                            <p class="mt-2 text-sm text-slate-700">
                                "There is no code to give: you are signed in already, or your sign-in has ended."
                            </p>
                            <a rel="external" href=next() class=format!("{PRIMARY_BUTTON} mt-6 w-full")>"Continue"</a>
                        </SignInCard>
                    }.into_any(),
                    Ok(Some(prompt)) => {
                        let enrolling = prompt.enrollment.is_some();
                        let problem = problem().map(|text| view! {
                            <div class="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" role="alert" data-testid="second-factor-problem">
                                {text}
                            </div>
                        });
                        view! {
                            <SignInCard wide=enrolling title=if enrolling { "Set up two-step verification" } else { "Two-step verification" }>
                                <p class="mt-2 text-sm text-slate-700">
                                    "Hello " <span class="font-semibold">{prompt.name.clone()}</span> ". "
                                    {if enrolling {
                                        "This server asks for a code from an authenticator app after each sign-in. Set one up now: it takes a minute."
                                    } else {
                                        "Enter the code from your authenticator app to finish signing in."
                                    }}
                                </p>
                                {problem}
                                {prompt.enrollment.map(|enrollment| view! { <EnrollmentSteps enrollment/> })}
                                <form method="post" action="/auth/second-factor" class="mt-6 space-y-3" data-testid="second-factor-form">
                                    <input type="hidden" name="next" value=next()/>
                                    <label for="code" class="block text-sm font-medium text-slate-800">
                                        {if enrolling { "3. The 6-digit code your app now shows" } else { "Code from your authenticator app" }}
                                    </label>
                                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                                        pattern="[0-9 ]{6,7}" maxlength="7" required autofocus
                                        class=format!("{INPUT_CLASS} max-w-[12rem] text-center font-mono text-lg tracking-[0.3em]")
                                        aria-describedby="code-help"/>
                                    <p id="code-help" class="text-xs text-slate-600">"Six digits; a new code appears every 30 seconds."</p>
                                    <button type="submit" class=format!("{PRIMARY_BUTTON} w-full") data-testid="second-factor-submit">
                                        {if enrolling { "Confirm and continue" } else { "Verify" }}
                                    </button>
                                </form>
                                <form method="post" action="/auth/logout" class="mt-6 border-t border-slate-200 pt-4 text-center text-sm text-slate-600">
                                    "Not you, or no access to your app? "
                                    <button type="submit" class=LINK_CLASS>"Sign out"</button>
                                    {(!enrolling).then_some(" and ask a hub operator to reset your second factor.")}
                                </form>
                            </SignInCard>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The first two steps of enrollment: an app, and the key (QR code or text).
#[component]
fn EnrollmentSteps(enrollment: EnrollmentPrompt) -> impl IntoView {
    let label = format!(
        "QR code that adds the account {} of {} to an authenticator app",
        enrollment.account, enrollment.issuer
    );
    view! {
        <ol class="mt-5 space-y-4 text-sm text-slate-700">
            <li>
                <span class="font-medium text-slate-800">"1. Open an authenticator app"</span>
                " on your phone, such as Google Authenticator, Microsoft Authenticator, FreeOTP or 1Password, and choose to add an account."
            </li>
            <li>
                <span class="font-medium text-slate-800">"2. Scan this QR code"</span>
                <div class="mt-3 flex flex-col items-center gap-3 sm:flex-row sm:items-start">
                    <div class="h-56 w-56 shrink-0 rounded-lg border border-slate-200 p-1 [&>svg]:h-full [&>svg]:w-full"
                        role="img" aria-label=label data-testid="second-factor-qr" inner_html=enrollment.qr_svg/>
                    <div class="min-w-0 text-xs text-slate-600">
                        <p>"Cannot scan it? Enter this key in the app instead (time-based, 6 digits):"</p>
                        <p class="mt-2 break-all rounded-md bg-slate-100 px-2 py-1.5 font-mono text-sm text-slate-900 select-all" data-testid="second-factor-secret">
                            {enrollment.secret}
                        </p>
                        <p class="mt-2">"The app lists it as " <span class="font-medium text-slate-800">{enrollment.account}</span> " (" {enrollment.issuer} ")."</p>
                    </div>
                </div>
            </li>
        </ol>
    }
}

/// `/second-factors`: the users' second factors, for hub operators, who reset one when a user
/// loses their authenticator.
#[component]
pub fn SecondFactorsPage() -> impl IntoView {
    let reset = ServerAction::<ResetSecondFactor>::new();
    let factors = Resource::new(move || reset.version().get(), |_| list_second_factors());
    view! {
        <Title text="Two-step verification"/>
        <PageHeader
            title="Two-step verification"
            subtitle="Everyone gives a code from an authenticator app after signing in. Reset a user's second factor when they lose their app: they set up a new one at their next sign-in."
        />
        <div class="space-y-4">
            {move || reset.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error/> })}
            {move || matches!(reset.value().get(), Some(Ok(()))).then(|| view! {
                <SuccessNotice>"The second factor was reset. The user sets up a new one at their next sign-in."</SuccessNotice>
            })}
            <Transition fallback=|| view! { <Loading what="second factors"/> }>
                {move || Suspend::new(async move {
                    match factors.await {
                        Ok(list) if list.is_empty() => view! {
                            <EmptyState
                                title="Nobody has set up two-step verification yet"
                                body="Users set it up at their first sign-in; they are listed here from then on."
                            />
                        }.into_any(),
                        Ok(list) => built_once(move || view! {
                            <Table testid="second-factors-table" columns=&["User", "Set up", "Last used", "Status"] narrow_hidden=&[1, 2]>
                                {list.into_iter().map(|factor| {
                                    let date = |at: &Option<String>| at.as_deref().map(|at| at.replace('T', " ").chars().take(16).collect::<String>());
                                    let (set_up, last_used, locked) = (date(&factor.confirmed_at), date(&factor.last_used_at), date(&factor.locked_until));
                                    let status = match (&factor.confirmed_at, locked) {
                                        (_, Some(until)) => view! { <span class="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800">"Locked until " {until} " UTC"</span> }.into_any(),
                                        (None, None) => view! { <span class="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900">"Set-up not finished"</span> }.into_any(),
                                        (Some(_), None) => view! { <span class="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">"Active"</span> }.into_any(),
                                    };
                                    let warning = format!("Reset the second factor of {}? Their authenticator app's codes stop working; they set up a new one at their next sign-in.", factor.name);
                                    view! {
                                        <tr class="hover:bg-slate-50">
                                            <td class="px-4 py-3">
                                                <span class="block font-medium text-slate-900">{factor.name.clone()}</span>
                                                <span class="block max-w-[16rem] truncate font-mono text-xs text-slate-500" title=factor.subject.clone()>{factor.subject.clone()}</span>
                                            </td>
                                            <td class=format!("{NARROW_HIDDEN} whitespace-nowrap px-4 py-3 text-slate-600")>{or_dash(set_up.map(|at| format!("{at} UTC")))}</td>
                                            <td class=format!("{NARROW_HIDDEN} whitespace-nowrap px-4 py-3 text-slate-600")>{or_dash(last_used.map(|at| format!("{at} UTC")))}</td>
                                            <td class="px-4 py-3">{status}</td>
                                            <td class="px-4 py-3 text-right">
                                                <ConfirmDelete label="Reset" warning>
                                                    <ActionForm action=reset>
                                                        <input type="hidden" name="subject" value=factor.subject.clone()/>
                                                        <SubmitButton label=format!("Reset {}", factor.name) pending_label="Resetting…" pending=reset.pending() danger=true/>
                                                    </ActionForm>
                                                </ConfirmDelete>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </Table>
                        }).into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
