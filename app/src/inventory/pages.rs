//! `/environments/{id}/certificates`: every certificate of the environment, soonest to expire
//! first, with the expiring and the expired ones marked; filtered by kind, owner and state,
//! sorted by a column, and downloadable as CSV. Filters and order are the URL's query, so a
//! view is a link to share, and the form works before the page is hydrated.

use domain::environments::EnvironmentId;
use domain::inventory::{
    to_csv, CertificateKind, CertificateRole, CertificateStatus, ExpirySummary,
    InventoryCertificate, InventoryFilter, InventoryQuery, HUB_OWNER,
};
use domain::pki::revocations::RevocationReason;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::rpc::{certificate_inventory, load_expiry_summary, RevokeCertificate};
use crate::components::{
    acting_as_hub_operator, built_once, ConfirmDelete, EmptyState, ErrorPanel, Loading, Sorting,
    SubmitButton, SuccessNotice, Table, INPUT_CLASS, LINK_CLASS, NARROW_HIDDEN, SECONDARY_BUTTON,
    STACKED_FIRST, STACKED_LAST, STACKED_ROW,
};
use crate::error::PortalError;
use crate::pki::components::days_phrase;
use crate::scope::{use_environment_id, EnvironmentPageHeader};
use crate::urls;

/// What the rows can be sorted by: the table's columns that sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Subject,
    Kind,
    Owner,
    Expiry,
}

impl SortKey {
    const ALL: [SortKey; 4] = [
        SortKey::Subject,
        SortKey::Kind,
        SortKey::Owner,
        SortKey::Expiry,
    ];

    fn as_str(self) -> &'static str {
        match self {
            SortKey::Subject => "subject",
            SortKey::Kind => "kind",
            SortKey::Owner => "owner",
            SortKey::Expiry => "expires",
        }
    }

    fn label(self) -> &'static str {
        match self {
            SortKey::Subject => "Certificate",
            SortKey::Kind => "Kind",
            SortKey::Owner => "Owner",
            SortKey::Expiry => "Expiry",
        }
    }

    fn parse(raw: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// The table's column of this key.
    fn column(self) -> usize {
        match self {
            SortKey::Subject => 0,
            SortKey::Kind => 1,
            SortKey::Owner => 2,
            SortKey::Expiry => 3,
        }
    }
}

const COLUMNS: &[&str] = &["Certificate", "Kind", "Owner", "Expires (UTC)", "Status"];

/// The view the URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct View {
    kind: String,
    owner: String,
    status: String,
    sort: SortKey,
    ascending: bool,
}

impl View {
    fn from_query(get: impl Fn(&str) -> Option<String>) -> View {
        View {
            kind: get("kind").unwrap_or_default(),
            owner: get("owner").unwrap_or_default(),
            status: get("status").unwrap_or_default(),
            sort: get("sort")
                .and_then(|s| SortKey::parse(&s))
                .unwrap_or(SortKey::Expiry),
            ascending: get("order").as_deref() != Some("desc"),
        }
    }

    fn filtered(&self) -> bool {
        !(self.kind.is_empty() && self.owner.is_empty() && self.status.is_empty())
    }

    /// The filters as the service reads them; values that are not known select everything
    /// (the form offers only known ones).
    fn query(&self) -> InventoryQuery {
        let filter = InventoryFilter {
            kind: Some(self.kind.clone()),
            owner: Some(self.owner.clone()),
            status: Some(self.status.clone()),
        };
        InventoryQuery::from_filter(&filter).unwrap_or_default()
    }

    /// The URL of this view sorted by `sort`, `ascending` or not.
    fn url(&self, env: EnvironmentId, sort: SortKey, ascending: bool) -> String {
        let mut query = Vec::new();
        for (key, value) in [
            ("kind", &self.kind),
            ("owner", &self.owner),
            ("status", &self.status),
        ] {
            if !value.is_empty() {
                query.push(format!("{key}={}", urls::query_value(value)));
            }
        }
        if sort != SortKey::Expiry {
            query.push(format!("sort={}", sort.as_str()));
        }
        if !ascending {
            query.push("order=desc".into());
        }
        let base = urls::certificate_inventory(env);
        if query.is_empty() {
            base
        } else {
            format!("{base}?{}", query.join("&"))
        }
    }

    /// Each heading's link: by its column, ascending, or reversed when it is the current one.
    fn sorting(&self, env: EnvironmentId) -> Sorting {
        let mut links = vec![None; COLUMNS.len()];
        for key in SortKey::ALL {
            let ascending = if key == self.sort {
                !self.ascending
            } else {
                true
            };
            links[key.column()] = Some(self.url(env, key, ascending));
        }
        Sorting {
            links,
            column: self.sort.column(),
            ascending: self.ascending,
        }
    }

    /// The certificates this view shows, in its order.
    fn apply(&self, certificates: &[InventoryCertificate]) -> Vec<InventoryCertificate> {
        let query = self.query();
        let mut shown: Vec<InventoryCertificate> = certificates
            .iter()
            .filter(|c| query.selects(c))
            .cloned()
            .collect();
        // The service's order (by expiry) breaks ties.
        match self.sort {
            SortKey::Expiry => {}
            // As people read names: without regard to case.
            SortKey::Subject => shown.sort_by_cached_key(|c| c.subject.to_lowercase()),
            SortKey::Kind => shown.sort_by_key(|c| c.kind),
            SortKey::Owner => shown.sort_by_cached_key(|c| c.owner.to_lowercase()),
        }
        if !self.ascending {
            shown.reverse();
        }
        shown
    }
}

/// "2027-01-31" from "2027-01-31T12:00:00Z".
fn day_of(instant: &str) -> &str {
    instant.get(..10).unwrap_or(instant)
}

/// How long a certificate has left, in words.
fn time_left(certificate: &InventoryCertificate) -> String {
    let days = certificate.days_left;
    if let Some(revocation) = &certificate.revocation {
        return format!("revoked {}", day_of(&revocation.revoked_at));
    }
    if certificate.status == CertificateStatus::Expired {
        // `daysLeft` rounds down: -1 is "less than a day ago".
        format!("expired {}", days_phrase((-days - 1).max(0), true))
    } else {
        format!("expires {}", days_phrase(days, false))
    }
}

fn status_badge(status: CertificateStatus) -> (&'static str, &'static str) {
    match status {
        CertificateStatus::Revoked => ("Revoked", "bg-slate-100 text-slate-800 ring-slate-500/40"),
        CertificateStatus::Expired => ("Expired", "bg-red-50 text-red-800 ring-red-600/30"),
        CertificateStatus::Expiring => ("Expiring", "bg-amber-50 text-amber-900 ring-amber-600/30"),
        CertificateStatus::Valid => (
            "Valid",
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
    }
}

fn row_class(status: CertificateStatus) -> &'static str {
    match status {
        CertificateStatus::Revoked => "bg-slate-50",
        CertificateStatus::Expired => "bg-red-50/60",
        CertificateStatus::Expiring => "bg-amber-50/60",
        CertificateStatus::Valid => "",
    }
}

/// "DFSP CA · intermediate"; a certificate that is not a CA's is named by its kind alone.
fn kind_text(certificate: &InventoryCertificate) -> String {
    match certificate.role {
        CertificateRole::EndEntity => certificate.kind.label().to_owned(),
        role => format!("{} · {}", certificate.kind.label(), role.label()),
    }
}

fn owner_label(owner: &str) -> String {
    if owner == HUB_OWNER {
        "Hub".into()
    } else {
        owner.to_owned()
    }
}

fn csv_href(certificates: &[InventoryCertificate]) -> String {
    format!(
        "data:text/csv;charset=utf-8,{}",
        utf8_percent_encode(&to_csv(certificates), NON_ALPHANUMERIC)
    )
}

#[component]
pub fn InventoryPage() -> impl IntoView {
    let env_id = use_environment_id();
    let query = use_query_map();
    let view_of_url = Memo::new(move |_| {
        let query = query.read();
        View::from_query(|key| query.get(key))
    });
    let revoke = ServerAction::<RevokeCertificate>::new();
    let inventory = Resource::new(
        move || (env_id.get(), revoke.version().get()),
        |(env, _)| async move {
            match env {
                Some(env) => certificate_inventory(env).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <EnvironmentPageHeader
            title="All certificates"
            subtitle=|name| format!("Every certificate {name} knows, soonest to expire first.")
        />
        <Transition fallback=|| view! { <Loading what="the certificates"/> }>
            {move || Suspend::new(async move {
                let env = env_id.get();
                let current = view_of_url.get();
                match (inventory.await, env) {
                    (Ok(Some(inventory)), Some(env)) if inventory.certificates.is_empty() => view! {
                        <EmptyState title="No certificate yet" body="Certificates appear here as the environment's CA is created and the Hub and the DFSPs upload theirs. Start with the certificate authorities.">
                            <A href=urls::certificate_authorities(env) attr:class=SECONDARY_BUTTON>"Certificate authorities"</A>
                        </EmptyState>
                    }.into_any(),
                    (Ok(Some(inventory)), Some(env)) => {
                        let owners = owners_of(&inventory.certificates);
                        let summary = ExpirySummary::of(&inventory.certificates, inventory.window_days);
                        let shown = current.apply(&inventory.certificates);
                        built_once(move || view! {
                            <SummaryLine summary/>
                            {move || revoke.value().get().map(|answer| match answer {
                                Ok(revocation) => view! {
                                    <div class="mb-4"><SuccessNotice>{format!("Certificate revoked ({}). The CA's CRL lists it now.", revocation.reason.label())}</SuccessNotice></div>
                                }.into_any(),
                                Err(error) => view! { <div class="mb-4"><ErrorPanel error/></div> }.into_any(),
                            })}
                            <FilterForm env current=current.clone() owners/>
                            {if shown.is_empty() {
                                view! {
                                    <EmptyState title="No certificate matches these filters" body="Clear a filter to see more.">
                                        <A href=urls::certificate_inventory(env) attr:class=SECONDARY_BUTTON>"Clear the filters"</A>
                                    </EmptyState>
                                }.into_any()
                            } else {
                                view! { <InventoryTable env current shown revoke/> }.into_any()
                            }}
                        }).into_any()
                    }
                    (Err(error), _) => view! { <ErrorPanel error/> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

/// Every owner of the list, the Hub first, for the owner filter.
fn owners_of(certificates: &[InventoryCertificate]) -> Vec<String> {
    let mut owners: Vec<String> = certificates.iter().map(|c| c.owner.clone()).collect();
    owners.sort_by(|a, b| (a != HUB_OWNER, a).cmp(&(b != HUB_OWNER, b)));
    owners.dedup();
    owners
}

/// "12 certificates: 2 expire within 30 days, 1 has expired."
#[component]
fn SummaryLine(summary: ExpirySummary) -> impl IntoView {
    let total = match summary.total {
        1 => "1 certificate".to_owned(),
        n => format!("{n} certificates"),
    };
    let mut parts = Vec::new();
    if summary.expiring > 0 {
        parts.push(match summary.expiring {
            1 => format!("1 expires within {} days", summary.window_days),
            n => format!("{n} expire within {} days", summary.window_days),
        });
    }
    if summary.expired > 0 {
        parts.push(match summary.expired {
            1 => "1 has expired".to_owned(),
            n => format!("{n} have expired"),
        });
    }
    if summary.revoked > 0 {
        parts.push(format!("{} revoked", summary.revoked));
    }
    let text = if parts.is_empty() {
        format!(
            "{total}, none expiring within {} days.",
            summary.window_days
        )
    } else {
        format!("{total}: {}.", parts.join(", "))
    };
    let class = if summary.expired > 0 {
        "border-red-200 bg-red-50 text-red-900"
    } else if summary.expiring > 0 {
        "border-amber-200 bg-amber-50 text-amber-900"
    } else {
        "border-slate-200 bg-white text-slate-700"
    };
    view! {
        <p class=format!("mb-4 rounded-lg border px-4 py-3 text-sm shadow-sm {class}") data-testid="expiry-summary">{text}</p>
    }
}

/// The filters and the order, as a form that loads this page with them in its URL, and the
/// CSV download of what is shown.
#[component]
fn FilterForm(env: EnvironmentId, current: View, owners: Vec<String>) -> impl IntoView {
    let label = "block text-xs font-semibold uppercase tracking-wide text-slate-500";
    view! {
        <Form method="GET" action=urls::certificate_inventory(env) attr:class="mb-6 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm lg:grid-cols-5" attr:aria-label="Filter the certificates">
            <div class="min-w-0">
                <label class=label for="inventory-kind">"Kind"</label>
                <select id="inventory-kind" name="kind" class=format!("mt-1 {INPUT_CLASS}")>
                    <option value="" selected=current.kind.is_empty()>"Any"</option>
                    {CertificateKind::ALL.iter().map(|kind| {
                        let name = kind.as_str();
                        view! { <option value=name selected=current.kind == name>{kind.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="min-w-0">
                <label class=label for="inventory-owner">"Owner"</label>
                <select id="inventory-owner" name="owner" class=format!("mt-1 {INPUT_CLASS}")>
                    <option value="" selected=current.owner.is_empty()>"Anyone"</option>
                    {owners.into_iter().map(|owner| {
                        let selected = current.owner == owner;
                        view! { <option value=owner.clone() selected=selected>{owner_label(&owner)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="min-w-0">
                <label class=label for="inventory-status">"Status"</label>
                <select id="inventory-status" name="status" class=format!("mt-1 {INPUT_CLASS}")>
                    <option value="" selected=current.status.is_empty()>"Any"</option>
                    {CertificateStatus::ALL.iter().map(|status| {
                        let name = status.as_str();
                        view! { <option value=name selected=current.status == name>{status_badge(*status).0}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="min-w-0">
                <label class=label for="inventory-sort">"Sort by"</label>
                <select id="inventory-sort" name="sort" class=format!("mt-1 {INPUT_CLASS}")>
                    {SortKey::ALL.iter().map(|key| {
                        view! { <option value=key.as_str() selected=current.sort == *key>{key.label()}</option> }
                    }).collect_view()}
                </select>
                {(!current.ascending).then(|| view! { <input type="hidden" name="order" value="desc"/> })}
            </div>
            <div class="col-span-2 flex flex-wrap items-end gap-3 lg:col-span-1">
                <button type="submit" class=SECONDARY_BUTTON>"Filter"</button>
                {current.filtered().then(|| view! { <A href=urls::certificate_inventory(env) attr:class=format!("py-2 {LINK_CLASS}")>"Clear"</A> })}
            </div>
        </Form>
    }
}

#[component]
fn InventoryTable(
    env: EnvironmentId,
    current: View,
    shown: Vec<InventoryCertificate>,
    revoke: ServerAction<RevokeCertificate>,
) -> impl IntoView {
    let csv = csv_href(&shown);
    let count = shown.len();
    let hub = acting_as_hub_operator();
    view! {
        <Table testid="inventory-table" columns=COLUMNS narrow_hidden=&[1, 2] stack_narrow=true sorting=Some(current.sorting(env))>
            {shown.into_iter().map(|c| {
                let (status, badge) = status_badge(c.status);
                let href = urls::inventoried_certificate(env, &c);
                let kind = kind_text(&c);
                let revoke_form = (hub && c.revocable).then(|| view! { <RevokeForm env certificate=c.clone() revoke/> });
                view! {
                    <tr class=format!("{STACKED_ROW} align-top {}", row_class(c.status)) data-status=c.status.as_str() data-id=c.id.clone()>
                        <td class=format!("px-4 py-3 {STACKED_FIRST} sm:max-w-md")>
                            <p class="font-medium text-slate-900 [overflow-wrap:anywhere]">{c.subject.clone()}</p>
                            <p class="mt-0.5 text-xs text-slate-600 [overflow-wrap:anywhere]">
                                <span class="sm:hidden">{format!("{kind} · {} · ", owner_label(&c.owner))}</span>
                                "Issued by "{c.issuer.clone()}
                            </p>
                            <p class="mt-0.5 font-mono text-xs text-slate-500 [overflow-wrap:anywhere]">"Serial "{c.serial.clone()}</p>
                        </td>
                        <td class=format!("{NARROW_HIDDEN} px-4 py-3 text-slate-700")>{kind}</td>
                        <td class=format!("{NARROW_HIDDEN} whitespace-nowrap px-4 py-3 text-slate-700")>{owner_label(&c.owner)}</td>
                        <td class="whitespace-nowrap px-4 py-3 max-sm:py-1">
                            <p class="font-mono text-xs text-slate-800">{day_of(&c.not_after).to_owned()}</p>
                            <p class="text-xs text-slate-600">{time_left(&c)}</p>
                        </td>
                        <td class="px-4 py-3 max-sm:py-1">
                            <span class=format!("inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {badge}")>{status}</span>
                        </td>
                        <td class=format!("{STACKED_LAST} whitespace-nowrap px-4 py-3 text-right")>
                            <div class="flex flex-col items-end gap-2">
                                <A href=href attr:class=LINK_CLASS>"Open"<span class="sr-only">{format!(": {}", c.subject)}</span></A>
                                {revoke_form}
                            </div>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </Table>
        <div class="mt-4 flex flex-wrap items-center gap-3">
            <a href=csv download="certificates.csv" class=SECONDARY_BUTTON data-testid="inventory-csv">
                {match count {
                    1 => "Download as CSV (1 certificate)".to_owned(),
                    n => format!("Download as CSV ({n} certificates)"),
                }}
            </a>
        </div>
    }
}

/// Revokes one certificate, after a second step that asks why.
#[component]
fn RevokeForm(
    env: EnvironmentId,
    certificate: InventoryCertificate,
    revoke: ServerAction<RevokeCertificate>,
) -> impl IntoView {
    let select_id = format!("revoke-reason-{}", certificate.id.replace('.', "-"));
    let warning = format!(
        "Revoke {}? The CA's CRL will list it, and parties that check the CRL will refuse it. \
         It cannot be undone.",
        certificate.subject
    );
    view! {
        <ConfirmDelete label="Revoke…" warning>
            <ActionForm action=revoke attr:class="flex w-full flex-col gap-2 text-left">
                <input type="hidden" name="env_id" value=env.get()/>
                <input type="hidden" name="certificate_id" value=certificate.id.clone()/>
                <label for=select_id.clone() class="text-xs font-semibold uppercase tracking-wide text-slate-500">"Reason"</label>
                <select id=select_id name="reason" class=INPUT_CLASS>
                    {RevocationReason::ALL.iter().map(|reason| view! {
                        <option value=reason.as_str()>{reason.label()}</option>
                    }).collect_view()}
                </select>
                <SubmitButton label="Revoke" pending_label="Revoking…" pending=revoke.pending() danger=true/>
            </ActionForm>
        </ConfirmDelete>
    }
}

/// The expiry figures of the current environment, for [`ExpiryCard`]. Made where the page's
/// other resources are, outside its `Suspend`, so that hydration finds it in the same order.
pub fn expiry_summary_resource(
    env_id: Memo<Option<EnvironmentId>>,
) -> Resource<Result<Option<ExpirySummary>, PortalError>> {
    Resource::new(
        move || env_id.get(),
        |env| async move {
            match env {
                Some(env) => load_expiry_summary(env).await.map(Some),
                None => Ok(None),
            }
        },
    )
}

/// The environment overview's card: how many certificates expire soon, with a link to them.
#[component]
pub fn ExpiryCard(
    env: EnvironmentId,
    summary: Resource<Result<Option<ExpirySummary>, PortalError>>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <Loading what="the certificates"/> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(Some(summary)) => {
                        let (text, href, action) = expiry_card_text(&summary, env);
                        let class = if summary.expired > 0 {
                            "text-sm font-medium text-red-800"
                        } else if summary.expiring > 0 {
                            "text-sm font-medium text-amber-900"
                        } else {
                            "text-sm text-slate-700"
                        };
                        view! {
                            <div class="flex flex-wrap items-center justify-between gap-4">
                                <p class=class data-testid="expiry-overview">{text}</p>
                                <A href=href attr:class=SECONDARY_BUTTON>{action}</A>
                            </div>
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The card's sentence, and where its button leads.
fn expiry_card_text(summary: &ExpirySummary, env: EnvironmentId) -> (String, String, &'static str) {
    let inventory = urls::certificate_inventory(env);
    let window = summary.window_days;
    match (summary.expired, summary.expiring) {
        _ if summary.total == 0 => (
            "No certificate yet.".into(),
            inventory,
            "See the certificates",
        ),
        (0, 0) => (
            match summary.total {
                1 => format!("1 certificate, valid for more than {window} days."),
                n => format!("All {n} certificates are valid for more than {window} days."),
            },
            inventory,
            "See the certificates",
        ),
        (expired, expiring) => {
            let mut parts = Vec::new();
            if expiring > 0 {
                parts.push(match expiring {
                    1 => format!("1 certificate expires within {window} days"),
                    n => format!("{n} certificates expire within {window} days"),
                });
            }
            if expired > 0 {
                parts.push(match expired {
                    1 => "1 has expired".to_owned(),
                    n => format!("{n} have expired"),
                });
            }
            let status = if expired > 0 { "expired" } else { "expiring" };
            (
                format!("{}.", parts.join("; ")),
                format!("{inventory}?status={status}"),
                "See them",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(query: &[(&str, &str)]) -> View {
        View::from_query(|key| {
            query
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_url_keeps_the_filters_and_the_order() {
        let env = EnvironmentId::parse("4").unwrap();
        let v = view(&[("owner", "DFSP 1"), ("sort", "subject")]);
        assert_eq!(v.sort, SortKey::Subject);
        assert_eq!(
            v.url(env, SortKey::Expiry, false),
            "/environments/4/certificates?owner=DFSP%201&order=desc"
        );
        let sorting = v.sorting(env);
        assert_eq!(sorting.column, 0);
        assert_eq!(
            sorting.links[0].as_deref(),
            Some("/environments/4/certificates?owner=DFSP%201&sort=subject&order=desc"),
            "the current column's heading reverses the order"
        );
        assert_eq!(sorting.links[4], None, "status does not sort");
        assert_eq!(
            view(&[]).url(env, SortKey::Expiry, true),
            "/environments/4/certificates"
        );
    }

    #[test]
    fn the_card_points_at_what_needs_attention() {
        let env = EnvironmentId::parse("1").unwrap();
        let summary = |total, expiring, expired| ExpirySummary {
            total,
            expiring,
            expired,
            revoked: 0,
            window_days: 30,
        };
        let (text, href, _) = expiry_card_text(&summary(5, 3, 0), env);
        assert_eq!(text, "3 certificates expire within 30 days.");
        assert_eq!(href, "/environments/1/certificates?status=expiring");
        let (text, href, _) = expiry_card_text(&summary(5, 1, 2), env);
        assert_eq!(
            text,
            "1 certificate expires within 30 days; 2 have expired."
        );
        assert!(href.ends_with("?status=expired"));
        let (text, _, _) = expiry_card_text(&summary(4, 0, 0), env);
        assert_eq!(text, "All 4 certificates are valid for more than 30 days.");
        let (text, _, _) = expiry_card_text(&summary(0, 0, 0), env);
        assert_eq!(text, "No certificate yet.");
    }
}
