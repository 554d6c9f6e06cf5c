//! DFSPs in the portal: an environment's DFSP list with the add form, and one DFSP's page with
//! its edit form.

use domain::dfsps::{default_security_group, Dfsp, DfspId};
use domain::monetary_zones::MonetaryZone;
use domain::DomainError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::*;
use crate::dfsps::rpc::*;
use crate::error::PortalError;
use crate::onboarding::pages::{dfsp_onboarding_resource, OnboardingChecklist, ReportedStates};
use crate::scope::{use_environment_id, EnvironmentPageHeader};
use crate::urls;

const DELETE_WARNING: &str =
    "This deletes the DFSP with its endpoints, enrollments and certificates. It cannot be undone.";

fn zone_label(zones: &[MonetaryZone], id: Option<&str>) -> Option<String> {
    let id = id?;
    Some(
        zones
            .iter()
            .find(|z| z.monetary_zone_id == id)
            .map(MonetaryZone::label)
            .unwrap_or_else(|| id.to_owned()),
    )
}

/// `/environments/{id}/dfsps`
#[component]
pub fn DfspsPage() -> impl IntoView {
    let env_id = use_environment_id();
    let create = ServerAction::<CreateDfsp>::new();
    let delete = ServerAction::<DeleteDfsp>::new();
    let dfsps = Resource::new(
        move || (env_id.get(), create.version().get(), delete.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => list_dfsps(id).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let zones = Resource::new(|| (), |_| list_monetary_zones());
    view! {
        <EnvironmentPageHeader title="DFSPs" subtitle=|name| format!("The participants that connect to the Hub in {name}.")/>
        // The table gets the full width (DFSP rows are wide); the add form follows it.
        <div class="space-y-6">
            <div class="space-y-4">
                {move || delete.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error/> })}
                <Transition fallback=|| view! { <Loading what="DFSPs"/> }>
                    {move || Suspend::new(async move {
                        let zones = zones.await.unwrap_or_default();
                        match dfsps.await {
                            Ok(list) if list.is_empty() => view! {
                                <EmptyState
                                    title="No DFSPs in this environment yet"
                                    body="Add the first DFSP with the form below: its id is how the Hub, its certificates and the API refer to it."
                                />
                            }.into_any(),
                            Ok(list) => built_once(move || view! { <DfspTable list zones delete/> }).into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <HubOnly>
                <Transition fallback=|| view! { <Loading what="the form"/> }>
                    {move || Suspend::new(async move {
                        let zones = zones.await.unwrap_or_default();
                        built_once(move || view! { <AddDfspCard create zones/> })
                    })}
                </Transition>
            </HubOnly>
        </div>
    }
}

#[component]
fn DfspTable(
    list: Vec<Dfsp>,
    zones: Vec<MonetaryZone>,
    delete: ServerAction<DeleteDfsp>,
) -> impl IntoView {
    view! {
        <Table testid="dfsps-table" columns=&["Id", "Name", "Monetary zone", "Security group"]>
            {list.into_iter().map(|dfsp| {
                let href = urls::dfsp(dfsp.env_id, &dfsp.id);
                let zone = zone_label(&zones, dfsp.monetary_zone_id.as_deref());
                let proxy = dfsp.is_proxy.then(|| view! { <ProxyBadge/> });
                let fx = (!dfsp.fxp_currencies.is_empty()).then(|| {
                    let codes = dfsp.fxp_currencies.join(", ");
                    view! { <div class="text-xs text-slate-600" data-testid="fxp-currencies">"FX: "{codes}</div> }
                });
                let warning = format!("Delete DFSP {}? {DELETE_WARNING}", dfsp.id);
                let delete_label = format!("Delete {}", dfsp.id);
                let delete_id = dfsp.id.to_string();
                view! {
                    <tr class="hover:bg-slate-50">
                        <td class="whitespace-nowrap px-4 py-3 font-mono text-xs">
                            <A href=href.clone() attr:class=LINK_CLASS>{dfsp.id.to_string()}</A>
                            {proxy}
                        </td>
                        <td class="max-w-48 truncate px-4 py-3" title=dfsp.name.clone()>{dfsp.name.clone()}</td>
                        <td class="px-4 py-3 text-slate-700">{or_dash(zone)}{fx}</td>
                        <td class="max-w-56 truncate px-4 py-3 font-mono text-xs text-slate-600" title=dfsp.security_group.clone()>
                            {dfsp.security_group.clone()}
                        </td>
                        <td class="whitespace-nowrap px-4 py-3 text-right">
                            <HubOnly>
                                {let (href, warning, delete_label, delete_id, env) = (href.clone(), warning.clone(), delete_label.clone(), delete_id.clone(), dfsp.env_id.get());
                                view! {
                                    <div class="flex items-center justify-end gap-2">
                                        <A href=href attr:class=SECONDARY_BUTTON>"Edit"</A>
                                        <ConfirmDelete label="Delete" warning>
                                            <ActionForm action=delete>
                                                <input type="hidden" name="env_id" value=env/>
                                                <input type="hidden" name="dfsp_id" value=delete_id/>
                                                <SubmitButton label=delete_label pending_label="Deleting…" pending=delete.pending() danger=true/>
                                            </ActionForm>
                                        </ConfirmDelete>
                                    </div>
                                }}
                            </HubOnly>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

/// Marks an interscheme proxy.
#[component]
fn ProxyBadge() -> impl IntoView {
    view! {
        <span class="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 font-sans text-xs text-indigo-800" data-testid="proxy-badge"
            title="Interscheme proxy: it relays between this scheme and another">"proxy"</span>
    }
}

/// The scheme roles a DFSP may have besides a plain participant's (MCM v3): interscheme proxy
/// and foreign-exchange provider.
#[component]
fn SchemeRoleFields(
    #[prop(optional)] is_proxy: bool,
    #[prop(optional)] fxp_currencies: Vec<String>,
    #[prop(into)] proxy_error: Signal<Option<String>>,
    #[prop(into)] currencies_error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="flex items-start gap-3">
            <input id="field-is_proxy" type="checkbox" name="form[is_proxy]" value="true" checked=is_proxy
                class="mt-1 h-4 w-4 rounded border-slate-300 text-sky-700 focus:ring-sky-600"
                aria-describedby="field-is_proxy-hint"/>
            <div>
                <label for="field-is_proxy" class="text-sm font-medium text-slate-700">"Interscheme proxy"</label>
                <p id="field-is_proxy-hint" class="text-xs text-slate-500">
                    "A participant of this scheme and another, relaying between them. It may give the Hub the JWS keys of the other scheme's DFSPs."
                </p>
                {move || proxy_error.get().map(|e| view! { <p class="mt-1 text-sm text-red-700" data-testid="field-error">{e}</p> })}
            </div>
        </div>
        <TextField label="FX currencies (optional)" name="form[fxp_currencies]" value=fxp_currencies.join(" ")
            placeholder="USD EUR" hint="For a foreign-exchange provider: the currencies it converts, ISO 4217 codes separated by spaces or commas."
            error=currencies_error/>
    }
}

/// A select of the active zones, with "none" first.
#[component]
fn ZoneSelect(
    zones: Vec<MonetaryZone>,
    #[prop(optional)] selected: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div>
            <label for="field-monetary_zone_id" class="mb-1 block text-sm font-medium text-slate-700">"Monetary zone"</label>
            <select id="field-monetary_zone_id" name="form[monetary_zone_id]" class=INPUT_CLASS
                aria-invalid=move || error.get().is_some().to_string()>
                <option value="">"No monetary zone"</option>
                {zones.into_iter().map(|zone| {
                    let is_selected = selected.as_deref() == Some(zone.monetary_zone_id.as_str());
                    view! {
                        <option value=zone.monetary_zone_id.clone() selected=is_selected>{zone.label()}</option>
                    }
                }).collect_view()}
            </select>
            {move || error.get().map(|e| view! { <p class="mt-1 text-sm text-red-700" data-testid="field-error">{e}</p> })}
        </div>
    }
}

#[component]
fn AddDfspCard(create: ServerAction<CreateDfsp>, zones: Vec<MonetaryZone>) -> impl IntoView {
    let env_id = use_environment_id();
    let result = create.value();
    let feedback = FormFeedback::new(result);
    let error = move || feedback.error();
    let field_error = move |field: &'static str| feedback.field(field);
    // A duplicate id is a conflict with what is stored; it belongs next to the id field.
    let id_error = Signal::derive(move || match error() {
        Some(PortalError::Domain(DomainError::Conflict(message))) => Some(message),
        Some(e) => e.field_message("dfspId"),
        None => None,
    });
    // The id follows the name until the user edits it, as in the MCM portal.
    let dfsp_id = RwSignal::new(String::new());
    let id_edited = RwSignal::new(false);
    let form = NodeRef::<leptos::html::Form>::new();
    reset_after_success(
        move || result.with(|r| matches!(r, Some(Ok(_)))),
        form,
        move || {
            dfsp_id.set(String::new());
            id_edited.set(false);
        },
    );
    let default_group = Signal::derive(move || {
        let id = dfsp_id.get();
        let id = if id.trim().is_empty() {
            "<id>"
        } else {
            id.trim()
        };
        format!("Default: {}", default_security_group(id))
    });
    view! {
        <Card title="Add a DFSP">
            <ActionForm action=create node_ref=form attr:class="grid grid-cols-1 gap-4 md:grid-cols-2" attr:id="new-dfsp">
                {move || match result.get() {
                    Some(Ok(dfsp)) => view! {
                        <div class="md:col-span-2">
                            <SuccessNotice>
                                "DFSP "<strong>{dfsp.id.to_string()}</strong>" added. "
                                <A href=urls::dfsp(dfsp.env_id, &dfsp.id) attr:class=LINK_CLASS>"Open it"</A>
                            </SuccessNotice>
                        </div>
                    }.into_any(),
                    Some(Err(error)) => view! { <div class="md:col-span-2"><FormError error/></div> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="env_id" value=move || env_id.get().map(|id| id.get()).unwrap_or_default()/>
                <TextField label="Name" name="form[name]" required=true maxlength=domain::dfsps::NAME.max_chars
                    placeholder="Bank One" error=field_error("name")
                    on_input=Callback::new(move |name: String| if !id_edited.get_untracked() { dfsp_id.set(name) })/>
                <TextField label="DFSP id" name="dfsp_id" required=true maxlength=domain::dfsps::DFSP_ID.max_chars
                    placeholder="BANK1" hint="How the Hub, the API and certificates name this DFSP. Unique in the environment; spaces are allowed."
                    error=id_error live_value=dfsp_id
                    on_input=Callback::new(move |id: String| { id_edited.set(true); dfsp_id.set(id) })/>
                <ZoneSelect zones error=field_error("monetaryZoneId")/>
                <div>
                    <TextField label="Security group (optional)" name="form[security_group]"
                        maxlength=domain::dfsps::SECURITY_GROUP.max_chars error=field_error("securityGroup")/>
                    <p class="mt-1 text-xs text-slate-500" data-testid="default-group">{default_group}</p>
                </div>
                <SchemeRoleFields proxy_error=field_error("isProxy") currencies_error=feedback.list_field("fxpCurrencies")/>
                <div class="md:col-span-2">
                    <SubmitButton label="Add DFSP" pending_label="Adding…" pending=create.pending()/>
                </div>
            </ActionForm>
        </Card>
    }
}

/// `/environments/{id}/dfsps/{dfspId}`
#[component]
pub fn DfspPage() -> impl IntoView {
    let env_id = use_environment_id();
    let params = use_params_map();
    let dfsp_id = Memo::new(move |_| params.read().get("dfsp_id").unwrap_or_default());
    let update = ServerAction::<UpdateDfsp>::new();
    let delete = ServerAction::<DeleteDfsp>::new();
    let dfsp = Resource::new(
        move || (env_id.get(), dfsp_id.get(), update.version().get()),
        |(env, id, _)| async move {
            let env = env.ok_or_else(|| {
                PortalError::Domain(DomainError::NotFound(
                    "This environment does not exist".into(),
                ))
            })?;
            get_dfsp(env, DfspId::parse(env, &id)?).await
        },
    );
    let zones = Resource::new(|| (), |_| list_monetary_zones());
    let onboarding = dfsp_onboarding_resource(env_id, dfsp_id);
    let hub = acting_as_hub_operator();
    view! {
        <Transition fallback=|| view! { <Loading what="the DFSP"/> }>
            {move || Suspend::new(async move {
                let all_zones = zones.await.unwrap_or_default();
                match dfsp.await {
                    Ok(dfsp) => built_once(move || view! { <DfspDetails dfsp zones=all_zones update delete hub onboarding env_memo=env_id dfsp_memo=dfsp_id/> }).into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DfspDetails(
    dfsp: Dfsp,
    zones: Vec<MonetaryZone>,
    update: ServerAction<UpdateDfsp>,
    delete: ServerAction<DeleteDfsp>,
    /// Whether the user is a hub operator, who alone edits and deletes DFSP records.
    hub: bool,
    onboarding: Resource<Result<Option<domain::onboarding::DfspOnboarding>, PortalError>>,
    /// The page's environment and DFSP id, for what loads on its own (the client's reports).
    env_memo: Memo<Option<domain::environments::EnvironmentId>>,
    dfsp_memo: Memo<String>,
) -> impl IntoView {
    let result = update.value();
    let feedback = FormFeedback::new(result);
    let field_error = move |field: &'static str| feedback.field(field);
    let zone = zone_label(&zones, dfsp.monetary_zone_id.as_deref());
    let is_default_group = dfsp.security_group == default_security_group(dfsp.id.as_str());
    let Dfsp {
        env_id,
        id,
        name,
        monetary_zone_id,
        security_group,
        is_proxy,
        fxp_currencies,
    } = dfsp;
    let tabs_id = id.clone();
    let id = id.to_string();
    let title = format!("DFSP {id}");
    let details = {
        let (id, name, security_group) = (id.clone(), name.clone(), security_group.clone());
        let fx_list = (!fxp_currencies.is_empty()).then(|| fxp_currencies.join(", "));
        view! {
        <dl class="divide-y divide-slate-100" data-testid="dfsp-details">
            <Detail term="DFSP id"><span class="font-mono">{id}</span></Detail>
            <Detail term="Name">{name}</Detail>
            <Detail term="Monetary zone">{or_dash(zone)}</Detail>
            <Detail term="Security group">
                <span class="font-mono">{security_group}</span>
                {is_default_group.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">"default"</span> })}
            </Detail>
            <Detail term="Interscheme proxy">{if is_proxy { "Yes" } else { "No" }}</Detail>
            <Detail term="FX currencies">{or_dash(fx_list)}</Detail>
        </dl>
        }
    };
    let edit_form = {
        let (id, name) = (id.clone(), name.clone());
        view! {
        <ActionForm action=update attr:class="space-y-4" attr:id="edit-dfsp">
            {move || match result.get() {
                Some(Ok(_)) => view! { <SuccessNotice>"Changes saved."</SuccessNotice> }.into_any(),
                Some(Err(error)) => view! { <FormError error/> }.into_any(),
                None => ().into_any(),
            }}
            <input type="hidden" name="env_id" value=env_id.get()/>
            <input type="hidden" name="dfsp_id" value=id.clone()/>
            <TextField label="Name" name="form[name]" required=true value=name.clone()
                maxlength=domain::dfsps::NAME.max_chars error=field_error("name")/>
            <ZoneSelect zones selected=monetary_zone_id.unwrap_or_default() error=field_error("monetaryZoneId")/>
            <TextField label="Security group" name="form[security_group]" value=security_group
                maxlength=domain::dfsps::SECURITY_GROUP.max_chars error=field_error("securityGroup")
                hint=format!("Leave empty to restore the default, {}.", default_security_group(&id))/>
            <SchemeRoleFields is_proxy fxp_currencies=fxp_currencies.clone()
                proxy_error=field_error("isProxy") currencies_error=feedback.list_field("fxpCurrencies")/>
            <SubmitButton label="Save changes" pending_label="Saving…" pending=update.pending()/>
        </ActionForm>
        }
    };
    let delete_form = view! {
        {move || delete.value().get().and_then(Result::err).map(|error| view! { <div class="mb-3"><ErrorPanel error/></div> })}
        <ConfirmDelete label=format!("Delete {id}…") warning=format!("Delete DFSP {id}? {DELETE_WARNING}") inline=true>
            <ActionForm action=delete>
                <input type="hidden" name="env_id" value=env_id.get()/>
                <input type="hidden" name="dfsp_id" value=id.clone()/>
                <SubmitButton label="Delete DFSP" pending_label="Deleting…" pending=delete.pending() danger=true/>
            </ActionForm>
        </ConfirmDelete>
    };
    view! {
        <Title text=title.clone()/>
        <nav class="mb-2 text-sm" aria-label="Breadcrumb">
            <A href=urls::dfsps(env_id) attr:class=LINK_CLASS>"← All DFSPs"</A>
        </nav>
        <PageHeader title=name subtitle=title/>
        <DfspTabs env=env_id dfsp=tabs_id current="details"/>
        <div class=if hub { "grid grid-cols-1 items-start gap-6 xl:grid-cols-2" } else { "grid grid-cols-1 items-start gap-6" }>
            <Card title="Details">{details}</Card>
            {hub.then(|| view! { <Card title="Edit">{edit_form}</Card> })}
        </div>
        <div class="mt-6 grid grid-cols-1 items-start gap-6 xl:grid-cols-2">
            <Card title="Onboarding" description="Each step of the DFSP's onboarding, and who is awaited.">
                <OnboardingChecklist env=env_id onboarding/>
            </Card>
            <Card title="Reported by the DFSP's client" description="What the DFSP's Payment Manager says of its side of the onboarding, in its own words.">
                <ReportedStates env=env_memo dfsp_id=dfsp_memo/>
            </Card>
        </div>
        {hub.then(|| view! {
            <div class="mt-6">
                <Card title="Delete this DFSP" description=DELETE_WARNING>{delete_form}</Card>
            </div>
        })}
    }
}
