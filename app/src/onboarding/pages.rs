//! `/environments/{id}/onboarding`: a table of DFSPs by steps, each cell saying where the step
//! stands and leading to the page where it is done; and the same steps as a checklist on a
//! DFSP's own page.

use domain::dfsps::DfspId;
use domain::environments::EnvironmentId;
use domain::onboarding::{DfspOnboarding, OnboardingStep, OverallState, StepState, StepStatus};
use leptos::prelude::*;
use leptos_router::components::A;

use super::rpc::{load_dfsp_onboarding, onboarding_board};
use crate::components::{built_once, EmptyState, ErrorPanel, Loading, SECONDARY_BUTTON};
use crate::error::PortalError;
use crate::scope::{use_environment_id, EnvironmentPageHeader};
use crate::urls;

/// The page where a step is done.
fn step_link(env: EnvironmentId, dfsp: &DfspId, step: OnboardingStep) -> String {
    use OnboardingStep as S;
    match step {
        S::EndpointsSubmitted | S::EndpointsConfirmed => urls::dfsp_endpoints(env, dfsp),
        S::DfspCaUploaded => urls::dfsp_ca(env, dfsp),
        S::InboundCsrSubmitted | S::InboundCertificateSigned => urls::dfsp_certificates(env, dfsp),
        S::OutboundCsrCreated | S::OutboundCertificateReturned | S::OutboundValidated => {
            urls::hub_certificates(env, dfsp)
        }
        S::ServerCertificate => urls::dfsp_server_certificate(env, dfsp),
        S::JwsCertificate => urls::dfsp_jws(env, dfsp),
    }
}

/// A short mark and its colours, by state.
fn mark(state: StepState) -> (&'static str, &'static str) {
    match state {
        StepState::Done => (
            "✓ Done",
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
        StepState::WaitingOnHub => ("Hub", "bg-amber-50 text-amber-900 ring-amber-600/30"),
        StepState::WaitingOnDfsp => ("DFSP", "bg-slate-50 text-slate-700 ring-slate-500/30"),
        StepState::Failing => ("✕ Fails", "bg-red-50 text-red-800 ring-red-600/30"),
    }
}

fn overall_badge(state: OverallState) -> &'static str {
    match state {
        OverallState::Onboarded => "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        OverallState::Failing => "bg-red-50 text-red-800 ring-red-600/30",
        OverallState::WaitingOnHub => "bg-amber-50 text-amber-900 ring-amber-600/30",
        OverallState::WaitingOnDfsp => "bg-slate-50 text-slate-700 ring-slate-500/30",
    }
}

const BADGE: &str =
    "inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

/// What a cell or a checklist line says to a screen reader and in its tooltip.
fn spoken(status: &StepStatus) -> String {
    let mut text = format!(
        "{}: {}. {}",
        status.step.label(),
        status.state.label(),
        status.detail
    );
    if let Some(failing) = &status.failing_validation {
        text.push_str(&format!(" Failing check: {failing}"));
    }
    text
}

#[component]
pub fn OnboardingPage() -> impl IntoView {
    let env_id = use_environment_id();
    let board = Resource::new(
        move || env_id.get(),
        |env| async move {
            match env {
                Some(env) => onboarding_board(env).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <EnvironmentPageHeader
            title="Onboarding"
            subtitle=|name| format!("Where each DFSP of {name} stands, step by step, and who is awaited.")
        />
        <Transition fallback=|| view! { <Loading what="the onboarding board"/> }>
            {move || Suspend::new(async move {
                match (board.await, env_id.get()) {
                    (Ok(Some(rows)), Some(env)) if rows.is_empty() => view! {
                        <EmptyState title="No DFSP to onboard yet" body="Add the environment's DFSPs first; each gets a row here.">
                            <A href=urls::dfsps(env) attr:class=SECONDARY_BUTTON>"Add DFSPs"</A>
                        </EmptyState>
                    }.into_any(),
                    (Ok(Some(rows)), Some(env)) => built_once(move || view! { <Board env rows/> }).into_any(),
                    (Err(error), _) => view! { <ErrorPanel error/> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Board(env: EnvironmentId, rows: Vec<DfspOnboarding>) -> impl IntoView {
    view! {
        <p class="mb-4 text-sm text-slate-600">
            "Each cell leads to the page where its step is done. "
            <span class=format!("{BADGE} {}", mark(StepState::WaitingOnHub).1)>"Hub"</span>
            " the Hub is awaited, "
            <span class=format!("{BADGE} {}", mark(StepState::WaitingOnDfsp).1)>"DFSP"</span>
            " the DFSP is."
        </p>
        <div class="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm" tabindex="0" role="region" aria-label="Onboarding board">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="onboarding-board">
                <thead class="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                    <tr>
                        <th scope="col" class="sticky left-0 bg-slate-50 px-4 py-3">"DFSP"</th>
                        {OnboardingStep::ALL.iter().map(|step| view! {
                            <th scope="col" class="px-2 py-3 align-bottom normal-case tracking-normal">{step.label()}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {rows.into_iter().map(|row| {
                        let dfsp = row.dfsp_id.clone();
                        let name = dfsp.to_string();
                        let cells = row.steps.into_iter().map(|status| {
                            let (text, class) = mark(status.state);
                            let label = spoken(&status);
                            let href = step_link(env, &dfsp, status.step);
                            view! {
                                <td class="px-2 py-3" data-step=format!("{:?}", status.step) data-state=format!("{:?}", status.state)>
                                    <A href=href attr:class=format!("{BADGE} {class} hover:underline") attr:title=label.clone() attr:aria-label=label>{text}</A>
                                </td>
                            }
                        }).collect_view();
                        let (page, shown) = (urls::dfsp(env, &name), name.clone());
                        view! {
                            <tr class="align-top" data-testid="onboarding-row" data-dfsp=name data-state=format!("{:?}", row.state)>
                                <th scope="row" class="sticky left-0 bg-white px-4 py-3 text-left font-normal">
                                    <A href=page attr:class="font-medium text-indigo-700 hover:underline">{shown}</A>
                                    <p class="mt-1"><span class=format!("{BADGE} {}", overall_badge(row.state))>{row.state.label()}</span></p>
                                    <p class="mt-1 text-xs text-slate-500">{format!("{} of {} done", row.done, OnboardingStep::ALL.len())}</p>
                                </th>
                                {cells}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The DFSP page's checklist, made with the page's other resources (outside any `Suspend`).
pub fn dfsp_onboarding_resource(
    env_id: Memo<Option<EnvironmentId>>,
    dfsp_id: Memo<String>,
) -> Resource<Result<Option<DfspOnboarding>, PortalError>> {
    Resource::new(
        move || (env_id.get(), dfsp_id.get()),
        |(env, id)| async move {
            let Some(env) = env else {
                return Ok(None);
            };
            let Ok(dfsp) = DfspId::parse(env, &id) else {
                return Ok(None);
            };
            load_dfsp_onboarding(env, dfsp).await.map(Some)
        },
    )
}

/// One DFSP's steps as a checklist: what is done, what is awaited from whom, what fails.
#[component]
pub fn OnboardingChecklist(
    env: EnvironmentId,
    onboarding: Resource<Result<Option<DfspOnboarding>, PortalError>>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <Loading what="the onboarding"/> }>
            {move || Suspend::new(async move {
                match onboarding.await {
                    Ok(Some(row)) => {
                        let dfsp = row.dfsp_id.clone();
                        built_once(move || view! {
                            <p class="mb-3 text-sm text-slate-700" data-testid="onboarding-summary">
                                <span class=format!("{BADGE} {}", overall_badge(row.state))>{row.state.label()}</span>
                                {format!(" · {} of {} steps done", row.done, row.steps.len())}
                            </p>
                            <ol class="divide-y divide-slate-100" data-testid="onboarding-checklist">
                                {row.steps.into_iter().map(|status| {
                                    let (text, class) = mark(status.state);
                                    let href = step_link(env, &dfsp, status.step);
                                    view! {
                                        <li class="flex flex-wrap items-start justify-between gap-2 py-2" data-step=format!("{:?}", status.step) data-state=format!("{:?}", status.state)>
                                            <div class="min-w-0">
                                                <A href=href attr:class="text-sm font-medium text-slate-900 hover:underline">{status.step.label()}</A>
                                                <p class="text-xs text-slate-600">{status.detail.clone()}</p>
                                                {status.failing_validation.clone().map(|failing| view! {
                                                    <p class="text-xs text-red-800 [overflow-wrap:anywhere]">{failing}</p>
                                                })}
                                            </div>
                                            <span class=format!("{BADGE} {class}")>{text}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }).into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The states the DFSP's own client (Payment Manager's `mcm-client`) reports, beside what the
/// Hub computes: what it is doing, and what went wrong on its side.
#[component]
pub fn ReportedStates(env: Memo<Option<EnvironmentId>>, dfsp_id: Memo<String>) -> impl IntoView {
    use domain::onboarding::reported::ReportedStatus;
    let reported = Resource::new(
        move || (env.get(), dfsp_id.get()),
        |(env, id)| async move {
            let Some(env) = env else {
                return Ok(Vec::new());
            };
            let Ok(dfsp) = DfspId::parse(env, &id) else {
                return Ok(Vec::new());
            };
            crate::onboarding::rpc::load_reported_states(env, dfsp).await
        },
    );
    let badge = |status: ReportedStatus| match status {
        ReportedStatus::Completed => (
            "✓ Completed",
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
        ReportedStatus::InProgress => (
            "In progress",
            "bg-amber-50 text-amber-900 ring-amber-600/30",
        ),
        ReportedStatus::Pending => ("Pending", "bg-slate-50 text-slate-700 ring-slate-500/30"),
        ReportedStatus::InError => ("✕ Error", "bg-red-50 text-red-800 ring-red-600/30"),
    };
    view! {
        <Transition fallback=|| view! { <Loading what="the client's reports"/> }>
            {move || Suspend::new(async move {
                match reported.await {
                    Ok(states) if states.is_empty() => view! {
                        <p class="text-sm text-slate-600" data-testid="reported-states-empty">
                            "The DFSP's client has not reported yet. A Payment Manager reports its progress every minute once it reaches the Hub (MCM v3's API, "
                            <code class="font-mono text-xs">"/api/dfsps/{id}/states"</code>")."
                        </p>
                    }.into_any(),
                    Ok(states) => built_once(move || view! {
                        <ol class="divide-y divide-slate-100" data-testid="reported-states">
                            {states.into_iter().map(|state| {
                                let (text, class) = badge(state.status);
                                let when = state.last_updated.replace('T', " ").trim_end_matches('Z').chars().take(19).collect::<String>();
                                view! {
                                    <li class="flex flex-wrap items-start justify-between gap-2 py-2" data-state=state.state.clone()>
                                        <div class="min-w-0">
                                            <p class="font-mono text-sm text-slate-900">{state.state.clone()}</p>
                                            <p class="text-xs text-slate-600">
                                                {state.state_description.clone().unwrap_or_default()}
                                                {format!(" · since {when} UTC")}
                                            </p>
                                            {state.error_description.clone().map(|error| view! {
                                                <p class="text-xs text-red-800 [overflow-wrap:anywhere]">{error}</p>
                                            })}
                                        </div>
                                        <span class=format!("{BADGE} {class}")>{text}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }).into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
