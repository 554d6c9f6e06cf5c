//! Network configuration in the portal: the Hub's endpoints, a DFSP's endpoints (with the Hub's
//! confirmation), and the list of every DFSP endpoint that awaits confirmation.

use domain::dfsps::{Dfsp, DfspId};
use domain::environments::EnvironmentId;
use domain::network::{EndpointItem, Kind, State, ValueType};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::*;
use crate::error::PortalError;
use crate::network::rpc::*;
use crate::scope::{
    dfsp_resource, use_dfsp_path, use_environment_id, DfspHeader, EnvironmentPageHeader,
};
use crate::urls;

fn section_title(kind: Kind) -> &'static str {
    match kind {
        Kind::IngressUrl => "Ingress URLs",
        Kind::IngressIp => "Ingress IP addresses",
        Kind::EgressIp => "Egress IP addresses",
        Kind::EgressUrl => "Egress URLs",
    }
}

fn option_label(kind: Kind) -> &'static str {
    match kind {
        Kind::IngressUrl => "Ingress URL",
        Kind::IngressIp => "Ingress IP address or range",
        Kind::EgressIp => "Egress IP address or range",
        Kind::EgressUrl => "Egress URL",
    }
}

fn section_help(kind: Kind, hub: bool) -> &'static str {
    match (kind, hub) {
        (Kind::IngressUrl, true) => "Where DFSPs reach the Hub's APIs.",
        (Kind::IngressIp, true) => "Addresses and ports where the Hub accepts DFSP traffic.",
        (Kind::EgressIp, true) => {
            "Addresses the Hub connects from; DFSPs allow them in their firewalls."
        }
        (Kind::IngressUrl, false) => "Where the Hub reaches this DFSP's API.",
        (Kind::IngressIp, false) => {
            "Addresses and ports where this DFSP accepts the Hub's traffic."
        }
        (Kind::EgressIp, false) => {
            "Addresses this DFSP connects from; the Hub allows them in its firewall."
        }
        (Kind::EgressUrl, _) => {
            "Made through the API, by changing an item's direction. Egress is usually described by IP addresses: consider replacing these."
        }
    }
}

fn kind_value(kind: Kind) -> &'static str {
    match kind {
        Kind::IngressUrl => "IngressUrl",
        Kind::IngressIp => "IngressIp",
        Kind::EgressIp => "EgressIp",
        Kind::EgressUrl => "EgressUrl",
    }
}

/// The sections of an endpoint list: every kind that has operations of its own, and egress URLs
/// only when there are some (nobody adds them in the portal; see `Kind`).
fn shown_kinds(items: &[EndpointItem]) -> impl Iterator<Item = Kind> + use<'_> {
    Kind::ALL.into_iter().filter(|kind| {
        Kind::WITH_OPERATIONS.contains(kind) || items.iter().any(|item| item.kind() == *kind)
    })
}

/// The item's value as shown in a table cell.
fn value_cell(item: &EndpointItem) -> impl IntoView {
    match &item.value {
        domain::network::Value::Ip { address, ports } => view! {
            <span class="font-mono text-xs">{address.clone()}</span>
            <span class="ml-2 text-xs text-slate-500">"ports "{ports.join(", ")}</span>
        }
        .into_any(),
        domain::network::Value::Url { url } => view! {
            <span class="font-mono text-xs [overflow-wrap:anywhere]">{url.clone()}</span>
        }
        .into_any(),
    }
}

#[component]
fn StateBadge(state: State) -> impl IntoView {
    let (label, class) = match state {
        State::New => (
            "Awaiting confirmation",
            "bg-amber-50 text-amber-800 ring-amber-600/30",
        ),
        State::Confirmed => (
            "Confirmed",
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
    };
    view! {
        <span class=format!("inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}") data-testid="state">
            {label}
        </span>
    }
}

/// `/environments/{id}/network`: the Hub's own endpoints.
#[component]
pub fn HubNetworkPage() -> impl IntoView {
    let env_id = use_environment_id();
    let editor = Editor::new(move || env_id.get().map(|env| (env, None)));
    view! {
        <EnvironmentPageHeader title="Hub network" subtitle=|name| format!("Where DFSPs reach the Hub in {name}, and where the Hub's traffic comes from.")>
            <HubOnly>
                {env_id.get().map(|env| view! { <A href=urls::unprocessed(env) attr:class=SECONDARY_BUTTON>"DFSP endpoints to confirm"</A> })}
            </HubOnly>
        </EnvironmentPageHeader>
        {move || env_id.get().map(|env| view! { <EndpointsPanel env dfsp=None editor/> })}
    }
}

/// `/environments/{id}/dfsps/{dfspId}/endpoints`: one DFSP's endpoints, and the Hub's.
#[component]
pub fn DfspEndpointsPage() -> impl IntoView {
    let env_id = use_environment_id();
    let parsed = use_dfsp_path();
    // Every resource of the page is made here, at its top level, so that its data travels
    // with the server-rendered page and hydration finds what the server rendered.
    let dfsp = dfsp_resource(parsed);
    let editor = Editor::new(move || parsed.get().map(|(env, id)| (env, Some(id))));
    let hub_items = Resource::new(
        move || env_id.get(),
        |env| async move {
            match env {
                Some(env) => list_endpoints(env, None).await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <AsyncPanel what="the DFSP" resource=dfsp render={move |dfsp: Dfsp| {
            let env = dfsp.env_id;
            view! {
                <DfspHeader dfsp=dfsp.clone() page="Endpoints" about="its network endpoints. The Hub confirms each new or changed one." current="endpoints"/>
                <EndpointsPanel env dfsp=Some(dfsp.id.clone()) editor/>
                <HubEndpointsReadOnly items=hub_items/>
            }
        }}/>
    }
}

/// What a table's rows may do. Absent for a read-only table.
#[derive(Clone, Copy)]
struct RowActions {
    delete: ServerAction<DeleteEndpoint>,
    confirm: ServerAction<ConfirmEndpoint>,
    /// Bumped by a row whose edit was saved, so that the list reloads.
    edited: RwSignal<usize>,
}

/// The actions of an endpoints editor and the list they refresh. A page makes it at its top
/// level (see `DfspEndpointsPage`).
#[derive(Clone, Copy)]
struct Editor {
    create: ServerAction<CreateEndpoint>,
    rows: RowActions,
    items: Resource<Result<Vec<EndpointItem>, PortalError>>,
}

impl Editor {
    /// `owner`: the environment and the DFSP (`None` for the Hub), when the URL names valid ones.
    fn new(
        owner: impl Fn() -> Option<(EnvironmentId, Option<DfspId>)> + Send + Sync + 'static,
    ) -> Self {
        let create = ServerAction::<CreateEndpoint>::new();
        let rows = RowActions {
            delete: ServerAction::<DeleteEndpoint>::new(),
            confirm: ServerAction::<ConfirmEndpoint>::new(),
            edited: RwSignal::new(0),
        };
        let items = Resource::new(
            move || {
                (
                    owner(),
                    create.version().get(),
                    rows.delete.version().get(),
                    rows.confirm.version().get(),
                    rows.edited.get(),
                )
            },
            |(owner, ..)| async move {
                match owner {
                    Some((env, dfsp)) => list_endpoints(env, dfsp).await,
                    None => Err(PortalError::Domain(domain::DomainError::NotFound(
                        "There is nothing at this address".into(),
                    ))),
                }
            },
        );
        Editor {
            create,
            rows,
            items,
        }
    }
}

/// The endpoints of the Hub (`dfsp` is `None`) or of a DFSP, by kind, with the add form.
#[component]
fn EndpointsPanel(env: EnvironmentId, dfsp: Option<DfspId>, editor: Editor) -> impl IntoView {
    let Editor {
        create,
        rows: actions,
        items,
    } = editor;
    let action_error = move || {
        let failed = |value: Option<Result<(), PortalError>>| value.and_then(Result::err);
        failed(actions.delete.value().get())
            .or_else(|| failed(actions.confirm.value().get().map(|r| r.map(|_| ()))))
    };
    let is_hub = dfsp.is_none();
    let table_dfsp = dfsp.clone();
    view! {
        <div class="space-y-6">
            {move || action_error().map(|error| view! { <ErrorPanel error/> })}
            <AsyncPanel what="the endpoints" resource=items render={move |list: Vec<EndpointItem>| {
                let dfsp = table_dfsp.clone();
                shown_kinds(&list).map(|kind| {
                    let of_kind: Vec<EndpointItem> = list.iter().filter(|i| i.kind() == kind).cloned().collect();
                    view! { <KindSection dfsp=dfsp.clone() kind items=of_kind actions=Some((env, actions))/> }
                }).collect_view()
            }}/>
            {if is_hub {
                view! { <HubOnly><AddEndpointCard env dfsp=None create hub=true/></HubOnly> }.into_any()
            } else {
                view! { <AddEndpointCard env dfsp create hub=false/> }.into_any()
            }}
        </div>
    }
}

/// The Hub's endpoints, read-only, for a DFSP's operator.
#[component]
fn HubEndpointsReadOnly(items: Resource<Result<Vec<EndpointItem>, PortalError>>) -> impl IntoView {
    view! {
        <section class="mt-10 space-y-6 border-t border-slate-200 pt-6" aria-labelledby="hub-endpoints-title">
            <div>
                <h2 id="hub-endpoints-title" class="text-lg font-semibold text-slate-900">"The Hub's endpoints"</h2>
                <p class="mt-0.5 text-sm text-slate-600">"Where this DFSP reaches the Hub, and where the Hub's traffic comes from. Set by the Hub operator."</p>
            </div>
            <AsyncPanel what="the Hub's endpoints" resource=items render={move |list: Vec<EndpointItem>| {
                shown_kinds(&list).map(|kind| {
                    let of_kind: Vec<EndpointItem> = list.iter().filter(|i| i.kind() == kind).cloned().collect();
                    view! { <KindSection dfsp=None kind items=of_kind actions=None read_only_hub=true/> }
                }).collect_view()
            }}/>
        </section>
    }
}

#[component]
fn KindSection(
    dfsp: Option<DfspId>,
    kind: Kind,
    items: Vec<EndpointItem>,
    /// The environment and what rows may do; `None` for a read-only list.
    actions: Option<(EnvironmentId, RowActions)>,
    #[prop(optional)] read_only_hub: bool,
) -> impl IntoView {
    let hub = dfsp.is_none();
    let testid = format!(
        "{}endpoints-{}",
        if read_only_hub { "hub-" } else { "" },
        kind_value(kind)
    );
    let body = if items.is_empty() {
        let message = format!("No {} yet.", kind.label());
        // The form is there for whoever may add: the Hub's own endpoints, hub operators only.
        let next_step = actions.map(|_| {
            if hub {
                view! { <HubOnly><span>" Add one with the form below."</span></HubOnly> }.into_any()
            } else {
                view! { <span>" Add one with the form below."</span> }.into_any()
            }
        });
        view! {
            <p class="rounded-md border border-dashed border-slate-200 px-4 py-3 text-sm text-slate-500" data-testid=format!("{testid}-empty")>
                {message}{next_step}
            </p>
        }
        .into_any()
    } else {
        let columns: &'static [&'static str] = if hub {
            &["Value", "Added"]
        } else {
            &["Value", "State", "Added"]
        };
        // The date is the first thing a narrow screen does without.
        let narrow_hidden: &'static [usize] = if hub { &[1] } else { &[2] };
        view! {
            <div>
                <Table testid=testid.clone() columns narrow_hidden stack_narrow=true label=actions.is_none().then(|| format!("The Hub's {}", section_title(kind).to_lowercase()))>
                    {items.into_iter().map(|item| {
                        let date = item.created_date.get(..10).unwrap_or_default().to_owned();
                        let state = item.state;
                        // The Hub's rows are changed by hub operators only.
                        let row_actions = actions.map(|(env, actions)| if hub {
                            let item = item.clone();
                            view! { <HubOnly>{let item = item.clone(); view! { <RowButtons env dfsp=None item actions/> }}</HubOnly> }.into_any()
                        } else {
                            view! { <RowButtons env dfsp=dfsp.clone() item=item.clone() actions/> }.into_any()
                        });
                        view! {
                            <tr class=format!("{STACKED_ROW} align-top hover:bg-slate-50") data-testid="endpoint-row">
                                <td class=format!("{STACKED_FIRST} min-w-48 px-4 py-3")>{value_cell(&item)}</td>
                                {(!hub).then(|| view! { <td class="px-4 py-3"><StateBadge state/></td> })}
                                <td class=format!("{NARROW_HIDDEN} whitespace-nowrap px-4 py-3 text-xs text-slate-500")>{date}</td>
                                <td class=format!("{STACKED_LAST} whitespace-nowrap px-4 py-3 text-right")>{row_actions}</td>
                            </tr>
                        }
                    }).collect_view()}
                </Table>
            </div>
        }
        .into_any()
    };
    view! {
        <div>
            {if read_only_hub {
                view! { <h3 id=format!("{testid}-title") class="text-base font-semibold text-slate-900">{section_title(kind)}</h3> }.into_any()
            } else {
                view! { <h2 id=format!("{testid}-title") class="text-base font-semibold text-slate-900">{section_title(kind)}</h2> }.into_any()
            }}
            <p class="mb-3 mt-0.5 text-sm text-slate-600">{section_help(kind, hub)}</p>
            {body}
        </div>
    }
}

/// Confirm (a DFSP's `NEW` item), edit and delete.
#[component]
fn RowButtons(
    env: EnvironmentId,
    dfsp: Option<DfspId>,
    item: EndpointItem,
    actions: RowActions,
) -> impl IntoView {
    let id = item.id;
    let dfsp_value = dfsp.as_ref().map(|d| d.to_string()).unwrap_or_default();
    let needs_confirmation = dfsp.is_some() && item.state == State::New;
    let warning = format!("Delete {}? It cannot be undone.", item.value.display());
    let confirm = actions.confirm;
    let delete = actions.delete;
    let confirm_dfsp = dfsp_value.clone();
    view! {
        <div class="flex flex-wrap items-start justify-end gap-2">
            // Only the Hub confirms a DFSP's endpoints.
            {needs_confirmation.then(|| view! {
                <HubOnly>
                    {let confirm_dfsp = confirm_dfsp.clone();
                    view! {
                        <ActionForm action=confirm>
                            <input type="hidden" name="env_id" value=env.get()/>
                            <input type="hidden" name="dfsp_id" value=confirm_dfsp/>
                            <input type="hidden" name="id" value=id/>
                            <SubmitButton label="Confirm" pending_label="Confirming…" pending=confirm.pending()/>
                        </ActionForm>
                    }}
                </HubOnly>
            })}
            <EditEndpoint env dfsp=dfsp.clone() item=item.clone() edited=actions.edited/>
            <ConfirmDelete label="Delete" warning>
                <ActionForm action=delete>
                    <input type="hidden" name="env_id" value=env.get()/>
                    {dfsp.is_some().then(|| view! { <input type="hidden" name="dfsp_id" value=dfsp_value.clone()/> })}
                    <input type="hidden" name="id" value=id/>
                    <SubmitButton label="Delete endpoint" pending_label="Deleting…" pending=delete.pending() danger=true/>
                </ActionForm>
            </ConfirmDelete>
        </div>
    }
}

/// Edits one item's value in place. A DFSP's confirmed item becomes `NEW` again.
#[component]
fn EditEndpoint(
    env: EnvironmentId,
    dfsp: Option<DfspId>,
    item: EndpointItem,
    edited: RwSignal<usize>,
) -> impl IntoView {
    let update = ServerAction::<UpdateEndpoint>::new();
    let feedback = FormFeedback::new(update.value());
    Effect::new(move |_| {
        if update.value().with(|r| matches!(r, Some(Ok(_)))) {
            edited.update(|n| *n += 1);
        }
    });
    let kind = item.kind();
    let prefix = format!("edit-{}", item.id);
    let (address, ports, url) = match &item.value {
        domain::network::Value::Ip { address, ports } => {
            (address.clone(), ports.join(", "), String::new())
        }
        domain::network::Value::Url { url } => (String::new(), String::new(), url.clone()),
    };
    let fields = match kind.value_type() {
        ValueType::Ip => view! {
            <TextField id=format!("{prefix}-address") label="Address or range" name="form[address]" value=address maxlength=49
                error=feedback.field("value.address")/>
            <TextField id=format!("{prefix}-ports") label="Ports" name="form[ports]" value=ports
                error=feedback.field("value.ports")/>
        }
        .into_any(),
        ValueType::Url => view! {
            <TextField id=format!("{prefix}-url") label="URL" name="form[url]" value=url
                maxlength=domain::network::values::MAX_URL_CHARS error=feedback.field("value.url")/>
        }
        .into_any(),
    };
    let note = if dfsp.is_some() {
        "A changed endpoint awaits the Hub's confirmation again."
    } else {
        "DFSPs see the change at once."
    };
    view! {
        <details class="group relative inline-block text-left">
            <summary class="inline-flex cursor-pointer list-none items-center rounded-md px-3 py-1.5 text-sm font-semibold text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 group-open:bg-slate-50 [&::-webkit-details-marker]:hidden">
                "Edit"
            </summary>
            <div class="mt-2 w-72 max-w-[80vw] whitespace-normal rounded-lg border border-slate-200 bg-white p-4 text-left shadow-sm">
                <ActionForm action=update attr:class="space-y-3">
                    {move || feedback.error().map(|error| view! { <FormError error/> })}
                    <input type="hidden" name="env_id" value=env.get()/>
                    {dfsp.map(|d| view! { <input type="hidden" name="dfsp_id" value=d.to_string()/> })}
                    <input type="hidden" name="id" value=item.id/>
                    <input type="hidden" name="version" value=item.version/>
                    <input type="hidden" name="form[kind]" value=kind_value(kind)/>
                    {fields}
                    <p class="text-xs text-slate-500">{note}</p>
                    <SubmitButton label="Save" pending_label="Saving…" pending=update.pending()/>
                </ActionForm>
            </div>
        </details>
    }
}

#[component]
fn AddEndpointCard(
    env: EnvironmentId,
    dfsp: Option<DfspId>,
    create: ServerAction<CreateEndpoint>,
    hub: bool,
) -> impl IntoView {
    use domain::network::values;
    let result = create.value();
    let feedback = FormFeedback::new(result);
    let kind = RwSignal::new(Kind::IngressUrl);
    // Before hydration (and without JavaScript) every field shows; afterwards only the chosen
    // kind's.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let shown = move |value_type: ValueType| {
        move || {
            if hydrated.get() && kind.get().value_type() != value_type {
                "hidden"
            } else {
                ""
            }
        }
    };
    // Each field is checked as it is typed, by the same rules the server applies.
    let address = LiveCheck::new(feedback.field("value.address"));
    let ports = LiveCheck::new(feedback.field("value.ports"));
    let url = LiveCheck::new(feedback.field("value.url"));
    let typed = |check: LiveCheck, rule: fn(&str) -> Option<String>| {
        Callback::new(move |text: String| {
            check.typed(if text.trim().is_empty() {
                None
            } else {
                rule(&text)
            })
        })
    };
    Effect::new(move |_| {
        if create.pending().get() {
            for check in [address, ports, url] {
                check.submitted();
            }
        }
    });
    let form = NodeRef::<leptos::html::Form>::new();
    reset_after_success(
        move || result.with(|r| matches!(r, Some(Ok(_)))),
        form,
        move || kind.set(Kind::IngressUrl),
    );
    let description = if hub {
        "A new Hub endpoint is visible to every DFSP at once."
    } else {
        "A new or changed endpoint awaits the Hub's confirmation."
    };
    view! {
        <Card title="Add an endpoint" description=description>
            <ActionForm action=create node_ref=form attr:class="grid grid-cols-1 gap-4 md:grid-cols-2" attr:id="new-endpoint">
                {move || match result.get() {
                    Some(Ok(item)) => view! {
                        <div class="md:col-span-2">
                            <SuccessNotice>{format!("Added {}.", item.value.display())}</SuccessNotice>
                        </div>
                    }.into_any(),
                    Some(Err(error)) => view! { <div class="md:col-span-2"><FormError error/></div> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="env_id" value=env.get()/>
                {dfsp.map(|d| view! { <input type="hidden" name="dfsp_id" value=d.to_string()/> })}
                <div class="md:col-span-2">
                    <label for="field-kind" class="mb-1 block text-sm font-medium text-slate-700">"Kind"</label>
                    <select id="field-kind" name="form[kind]" class=INPUT_CLASS
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some(k) = Kind::WITH_OPERATIONS.into_iter().find(|k| kind_value(*k) == value) { kind.set(k) }
                        }>
                        {Kind::WITH_OPERATIONS.into_iter().map(|k| view! {
                            <option value=kind_value(k) selected=move || kind.get() == k>{option_label(k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class=shown(ValueType::Url)>
                    <TextField label="URL" name="form[url]" maxlength=values::MAX_URL_CHARS
                        placeholder="https://dfsp.example.com/api" hint="For an ingress URL: http or https, with a host."
                        error=url.message() on_input=typed(url, |t| values::check_url(t).err())/>
                </div>
                <div class=shown(ValueType::Ip)>
                    <TextField label="Address or range" name="form[address]" maxlength=49
                        placeholder="163.10.5.0/24" hint="For an IP endpoint: an IPv4 or IPv6 address, or a CIDR range."
                        error=address.message() on_input=typed(address, |t| values::check_address(t).err())/>
                </div>
                <div class=shown(ValueType::Ip)>
                    <TextField label="Ports" name="form[ports]"
                        placeholder="443, 8000-8080" hint="For an IP endpoint: ports and ranges, separated by commas."
                        error=ports.message() on_input=typed(ports, |t| values::check_ports(&split_ports(t)).err())/>
                </div>
                <div class="md:col-span-2">
                    <SubmitButton label="Add endpoint" pending_label="Adding…" pending=create.pending()/>
                </div>
            </ActionForm>
        </Card>
    }
}

/// `/environments/{id}/network/unprocessed`: every DFSP endpoint awaiting the Hub's
/// confirmation, to confirm in one go.
#[component]
pub fn UnprocessedPage() -> impl IntoView {
    let env_id = use_environment_id();
    let confirm = ServerAction::<ConfirmSelected>::new();
    let items = Resource::new(
        move || (env_id.get(), confirm.version().get()),
        |(env, _)| async move {
            match env {
                Some(env) => list_unprocessed(env).await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <EnvironmentPageHeader title="Endpoints to confirm" subtitle=|_| "New and changed DFSP endpoints. Check what you have set up on the Hub's side, then confirm.".into()/>
        {move || match confirm.value().get() {
            Some(Ok(count)) => view! {
                <div class="mb-4"><SuccessNotice>{format!("Confirmed {count} endpoint{}.", if count == 1 { "" } else { "s" })}</SuccessNotice></div>
            }.into_any(),
            Some(Err(error)) => view! { <div class="mb-4"><ErrorPanel error/></div> }.into_any(),
            None => ().into_any(),
        }}
        <AsyncPanel what="the endpoints" resource=items render={move |list: Vec<EndpointItem>| match env_id.get() {
            _ if list.is_empty() => view! {
                <EmptyState
                    title="Nothing to confirm"
                    body="Every DFSP endpoint of this environment is confirmed. New and changed ones appear here."
                />
            }.into_any(),
            Some(env) => view! { <UnprocessedForm env list confirm/> }.into_any(),
            None => ().into_any(),
        }}/>
    }
}

#[component]
fn UnprocessedForm(
    env: EnvironmentId,
    list: Vec<EndpointItem>,
    confirm: ServerAction<ConfirmSelected>,
) -> impl IntoView {
    let count = list.len();
    let mut last_dfsp: Option<DfspId> = None;
    let rows = list
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let heading = (last_dfsp.as_ref() != item.dfsp_id.as_ref()).then(|| {
                let dfsp = item.dfsp_id.clone().map(|d| d.to_string()).unwrap_or_default();
                let href = urls::dfsp_endpoints(env, &dfsp);
                view! {
                    <tr class="bg-slate-50">
                        <th scope="rowgroup" colspan="4" class="px-4 py-2 text-left text-xs font-semibold text-slate-700">
                            <A href=href attr:class=LINK_CLASS>{dfsp}</A>
                        </th>
                    </tr>
                }
            });
            last_dfsp = item.dfsp_id.clone();
            let checkbox_id = format!("select-{}", item.id);
            let kind = item.kind().label();
            view! {
                {heading}
                <tr class="hover:bg-slate-50" data-testid="unprocessed-row">
                    <td class="w-10 px-4 py-3">
                        <input id=checkbox_id.clone() type="checkbox" name=format!("selected[{index}]") value=selection_key(&item) checked=true
                            class="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"/>
                    </td>
                    <td class="px-4 py-3"><label for=checkbox_id>{value_cell(&item)}</label></td>
                    <td class="whitespace-nowrap px-4 py-3 text-xs text-slate-600">{kind}</td>
                    <td class=format!("{NARROW_HIDDEN} whitespace-nowrap px-4 py-3 text-xs text-slate-500")>{item.created_date.get(..10).unwrap_or_default().to_owned()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ActionForm action=confirm attr:id="confirm-endpoints" attr:class="space-y-4">
            <input type="hidden" name="env_id" value=env.get()/>
            <div class="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
                <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="unprocessed-table">
                    <thead class="whitespace-nowrap bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                        <tr>
                            <th scope="col" class="px-4 py-3"><span class="sr-only">"Selected"</span></th>
                            <th scope="col" class="px-4 py-3">"Value"</th>
                            <th scope="col" class="px-4 py-3">"Kind"</th>
                            <th scope="col" class=format!("{NARROW_HIDDEN} px-4 py-3")>"Added or changed"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">{rows}</tbody>
                </table>
            </div>
            <div class="flex flex-wrap items-center gap-3">
                <SubmitButton label="Confirm selected" pending_label="Confirming…" pending=confirm.pending()/>
                <p class="text-sm text-slate-600">{format!("{count} awaiting confirmation; all are selected.")}</p>
            </div>
        </ActionForm>
    }
}
