//! `/environments/{id}/audit`: the environment's changes, newest first, filtered by DFSP,
//! action, user and days. The filters are the URL's query, so a filtered view is a link to
//! share, and the form works before the page is hydrated.

use domain::audit::{AuditAction, AuditEvent, AuditFilter};
use domain::environments::EnvironmentId;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use super::rpc::list_audit;
use crate::components::{
    built_once, EmptyState, ErrorPanel, Loading, Table, INPUT_CLASS, LINK_CLASS, NARROW_HIDDEN,
    SECONDARY_BUTTON, STACKED_LAST, STACKED_ROW,
};
use crate::scope::{use_environment_id, EnvironmentPageHeader};
use crate::urls;

/// The filters as the URL gives them: days (`YYYY-MM-DD`) rather than instants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filters {
    dfsp: String,
    action: String,
    subject: String,
    from_day: String,
    to_day: String,
    before: Option<i64>,
}

impl Filters {
    fn any(&self) -> bool {
        !(self.dfsp.is_empty()
            && self.action.is_empty()
            && self.subject.is_empty()
            && self.from_day.is_empty()
            && self.to_day.is_empty())
    }

    /// The service's filter: from the start of the first day to the end of the last (UTC).
    fn to_filter(&self) -> AuditFilter {
        let text = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
        AuditFilter {
            dfsp_id: text(&self.dfsp),
            action: text(&self.action),
            subject: text(&self.subject),
            from: text(&self.from_day).map(|day| format!("{day}T00:00:00Z")),
            to: text(&self.to_day).map(|day| match next_day(&day) {
                Some(next) => format!("{next}T00:00:00Z"),
                // Not a day: the service says what is wrong with it.
                None => day,
            }),
            before: self.before,
            limit: Some(PAGE),
        }
    }

    /// The URL of these filters, with `before` as the page's cursor.
    fn url(&self, env: EnvironmentId, before: Option<i64>) -> String {
        let mut query = Vec::new();
        for (key, value) in [
            ("dfsp", &self.dfsp),
            ("action", &self.action),
            ("subject", &self.subject),
            ("from", &self.from_day),
            ("to", &self.to_day),
        ] {
            if !value.is_empty() {
                query.push(format!("{key}={}", urls::query_value(value)));
            }
        }
        if let Some(before) = before {
            query.push(format!("before={before}"));
        }
        if query.is_empty() {
            urls::audit(env)
        } else {
            format!("{}?{}", urls::audit(env), query.join("&"))
        }
    }
}

const PAGE: u32 = 50;

/// The day after `day` (`YYYY-MM-DD`), if it is one.
fn next_day(day: &str) -> Option<String> {
    let mut parts = day.split('-');
    let (year, month, date): (i32, u32, u32) = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if date == 0 || date > days {
        return None;
    }
    let (year, month, date) = match (month, date == days) {
        (12, true) => (year + 1, 1, 1),
        (_, true) => (year, month + 1, 1),
        _ => (year, month, date + 1),
    };
    Some(format!("{year:04}-{month:02}-{date:02}"))
}

/// Where an event's subject is seen now, if it still exists somewhere to be seen.
fn link_of(env: EnvironmentId, event: &AuditEvent) -> Option<String> {
    let action = AuditAction::parse(&event.action)?;
    use AuditAction::*;
    let dfsp = event.dfsp_id.as_deref();
    Some(match (action, dfsp) {
        (EnvironmentDelete | DfspDelete | SignIn | SignOut, _) => return None,
        (SecondFactorConfirm | SecondFactorLock | SecondFactorReset, _) => return None,
        (EnvironmentCreate, _) => urls::environment(env),
        (DfspCreate | DfspUpdate, Some(dfsp)) => urls::dfsp(env, dfsp),
        (
            EndpointCreate | EndpointUpdate | EndpointDelete | EndpointConfirm | EndpointReplace,
            Some(dfsp),
        ) => urls::dfsp_endpoints(env, dfsp),
        (EndpointCreate | EndpointUpdate | EndpointDelete, None) => urls::network(env),
        (CaCreate | HubCaCreate | HubCaDelete, _) => urls::certificate_authorities(env),
        (DfspCaUpload, Some(dfsp)) => urls::dfsp_ca(env, dfsp),
        (
            InboundCreate | InboundSign | InboundCertificateUpload | CertificateRevoke,
            Some(dfsp),
        ) => urls::dfsp_certificates(env, dfsp),
        (OutboundCreate | OutboundCertificateUpload | OutboundValidate, Some(dfsp)) => {
            urls::hub_certificates(env, dfsp)
        }
        (ServerCertificateStore | ServerCertificateDelete, Some(dfsp)) => {
            urls::dfsp_server_certificate(env, dfsp)
        }
        (ServerCertificateStore | ServerCertificateDelete, None) => urls::server_certificates(env),
        (JwsCertificateStore | JwsCertificateDelete | JwsKeyStore, Some(dfsp)) => {
            urls::dfsp_jws(env, dfsp)
        }
        (OnboardingReport, Some(dfsp)) => urls::dfsp(env, dfsp),
        (ExternalJwsKeyStore | ExternalJwsKeyDelete, _) => urls::hub_jws(env),
        (JwsCertificateStore | JwsCertificateDelete, None) => urls::hub_jws(env),
        _ => return None,
    })
}

/// "2026-11-30T10:15:00Z" as "2026-11-30 10:15:00".
fn readable(at: &str) -> String {
    at.replace('T', " ")
        .trim_end_matches('Z')
        .chars()
        .take(19)
        .collect()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let env_id = use_environment_id();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let query = query.read();
        let get = |key: &str| query.get(key).unwrap_or_default();
        Filters {
            dfsp: get("dfsp"),
            action: get("action"),
            subject: get("subject"),
            from_day: get("from"),
            to_day: get("to"),
            before: query.get("before").and_then(|b| b.parse().ok()),
        }
    });
    let events = Resource::new(
        move || (env_id.get(), filters.get()),
        |(env, filters)| async move {
            match env {
                Some(env) => list_audit(env, filters.to_filter()).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <EnvironmentPageHeader
            title="Audit log"
            subtitle=|name| format!("Every change in {name}: who made it and when, newest first.")
        />
        // Made again when the URL's filters change (a link to clear them, say), so that the
        // fields show the filters in force.
        {move || {
            filters.track();
            env_id.get().map(|env| view! { <FilterForm env filters/> })
        }}
        <Transition fallback=|| view! { <Loading what="the audit log"/> }>
            {move || Suspend::new(async move {
                let env = env_id.get();
                let filters = filters.get();
                match (events.await, env) {
                    (Ok(Some(page)), Some(env)) if page.events.is_empty() => {
                        if filters.any() || filters.before.is_some() {
                            view! {
                                <EmptyState title="No change matches these filters" body="Widen the days or clear a filter to see more.">
                                    <A href=urls::audit(env) attr:class=SECONDARY_BUTTON>"Clear the filters"</A>
                                </EmptyState>
                            }.into_any()
                        } else {
                            view! {
                                <EmptyState title="No change has been made here yet" body="Every change to this environment (DFSPs, endpoints, certificates) is listed here with who made it."/>
                            }.into_any()
                        }
                    }
                    (Ok(Some(page)), Some(env)) => {
                        let older = page.next_cursor.map(|cursor| filters.url(env, Some(cursor)));
                        let newest = filters.before.is_some().then(|| filters.url(env, None));
                        built_once(move || view! {
                            <Table testid="audit-table" columns=&["When (UTC)", "Who", "What", "DFSP", "Change"] narrow_hidden=&[1, 3] stack_narrow=true>
                                {page.events.into_iter().map(|event| {
                                    let link = link_of(env, &event);
                                    view! {
                                        // On a narrow screen: the time and the action on one line, the change
                                        // below, the link at the end.
                                        <tr class=format!("{STACKED_ROW} align-top hover:bg-slate-50")>
                                            <td class="whitespace-nowrap px-4 py-3 font-mono text-xs text-slate-600 max-sm:pb-1">{readable(&event.at)}</td>
                                            <td class=format!("{NARROW_HIDDEN} max-w-[12rem] truncate px-4 py-3 text-slate-700")>{event.subject.clone()}</td>
                                            <td class="px-4 py-3 max-sm:pb-1 sm:whitespace-nowrap"><span class="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 [overflow-wrap:anywhere]">{event.action.clone()}</span></td>
                                            <td class=format!("{NARROW_HIDDEN} whitespace-nowrap px-4 py-3 text-slate-700")>{event.dfsp_id.clone().unwrap_or_default()}</td>
                                            <td class="px-4 py-3 text-slate-800 [overflow-wrap:anywhere] max-sm:w-full max-sm:py-1 sm:min-w-[14rem]">{event.summary.clone()}</td>
                                            <td class=format!("{STACKED_LAST} whitespace-nowrap px-4 py-3 text-right")>
                                                {link.map(|href| view! { <A href=href attr:class=LINK_CLASS>"Open"<span class="sr-only">{format!(": {}", event.summary)}</span></A> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </Table>
                            <nav class="mt-4 flex flex-wrap gap-3" aria-label="Audit log pages">
                                {newest.map(|href| view! { <A href=href attr:class=SECONDARY_BUTTON>"Newest changes"</A> })}
                                {older.map(|href| view! { <A href=href attr:class=SECONDARY_BUTTON>"Older changes"</A> })}
                            </nav>
                        }).into_any()
                    }
                    (Err(error), _) => view! { <ErrorPanel error/> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

/// The filters, as a form that loads this page with them in its URL.
#[component]
fn FilterForm(env: EnvironmentId, filters: Memo<Filters>) -> impl IntoView {
    let current = filters.get_untracked();
    let label = "block text-xs font-semibold uppercase tracking-wide text-slate-500";
    view! {
        <Form method="GET" action=urls::audit(env) attr:class="mb-6 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm lg:grid-cols-6" attr:aria-label="Filter the audit log">
            <div class="min-w-0">
                <label class=label for="audit-dfsp">"DFSP"</label>
                <input id="audit-dfsp" name="dfsp" class=format!("mt-1 {INPUT_CLASS}") value=current.dfsp.clone() placeholder="Any"/>
            </div>
            <div class="min-w-0">
                <label class=label for="audit-action">"Action"</label>
                <select id="audit-action" name="action" class=format!("mt-1 {INPUT_CLASS}")>
                    <option value="" selected=current.action.is_empty()>"Any"</option>
                    {AuditAction::ALL.iter().map(|action| {
                        let name = action.as_str();
                        view! { <option value=name selected=current.action == name>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="min-w-0">
                <label class=label for="audit-subject">"User"</label>
                <input id="audit-subject" name="subject" class=format!("mt-1 {INPUT_CLASS}") value=current.subject.clone() placeholder="Anyone"/>
            </div>
            <div class="min-w-0">
                <label class=label for="audit-from">"From (day)"</label>
                <input id="audit-from" name="from" type="date" class=format!("mt-1 {INPUT_CLASS}") value=current.from_day.clone()/>
            </div>
            <div class="min-w-0">
                <label class=label for="audit-to">"To (day)"</label>
                <input id="audit-to" name="to" type="date" class=format!("mt-1 {INPUT_CLASS}") value=current.to_day.clone()/>
            </div>
            <div class="flex items-end gap-3">
                <button type="submit" class=SECONDARY_BUTTON>"Filter"</button>
                {current.any().then(|| view! { <A href=urls::audit(env) attr:class=LINK_CLASS>"Clear"</A> })}
            </div>
        </Form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_day_rolls_over_months_years_and_leap_days() {
        assert_eq!(next_day("2026-11-30").as_deref(), Some("2026-12-01"));
        assert_eq!(next_day("2026-12-31").as_deref(), Some("2027-01-01"));
        assert_eq!(next_day("2028-02-28").as_deref(), Some("2028-02-29"));
        assert_eq!(next_day("2027-02-28").as_deref(), Some("2027-03-01"));
        assert_eq!(next_day("2026-02-30"), None);
        assert_eq!(next_day("yesterday"), None);
    }
}
