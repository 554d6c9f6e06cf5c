//! Environments in the portal: the list with its create form, and one environment's overview.

use domain::environments::Environment;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::*;
use crate::dfsps::rpc::list_dfsps;
use crate::environments::rpc::{CreateEnvironment, DeleteEnvironment};
use crate::inventory::pages::{expiry_summary_resource, ExpiryCard};
use crate::scope::{current_environment, environment_list, use_environment_id};
use crate::urls;

const DELETE_WARNING: &str =
    "This deletes the environment with all its DFSPs, endpoints and certificates. It cannot be undone.";

#[component]
pub fn EnvironmentsPage() -> impl IntoView {
    let environments = environment_list();
    let create = ServerAction::<CreateEnvironment>::new();
    let delete = ServerAction::<DeleteEnvironment>::new();
    environments.follow(create.version());
    environments.follow(delete.version());
    let environments = environments.0;
    view! {
        <Title text="Environments"/>
        <PageHeader
            title="Environments"
            subtitle="Each environment (development, test, production…) has its own DFSPs, endpoints and certificates."
        />
        <div class="grid grid-cols-1 items-start gap-6 lg:grid-cols-3">
            <div class="space-y-4 lg:col-span-2">
                {move || delete.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error/> })}
                <Transition fallback=|| view! { <Loading what="environments"/> }>
                    {move || Suspend::new(async move {
                        match environments.await {
                            Ok(list) if list.is_empty() => view! {
                                <EmptyState
                                    title="No environments yet"
                                    body="Create the first environment with the form: give it a name such as DEV, and optionally the default subject for its certificates."
                                />
                            }.into_any(),
                            Ok(list) => built_once(move || view! { <EnvironmentTable list delete/> }).into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <HubOnly><CreateEnvironmentCard create/></HubOnly>
        </div>
    }
}

#[component]
fn EnvironmentTable(
    list: Vec<Environment>,
    delete: ServerAction<DeleteEnvironment>,
) -> impl IntoView {
    view! {
        <Table testid="environments-table" columns=&["Name", "Default subject", "Id"]>
            {list.into_iter().map(|env| {
                let dn = env.default_dn.display();
                let dn_shown = (!dn.is_empty()).then(|| dn.clone());
                let warning = format!("Delete {}? {DELETE_WARNING}", env.name);
                let delete_label = format!("Delete {}", env.name);
                view! {
                    <tr class="hover:bg-slate-50">
                        <td class="px-4 py-3 font-medium">
                            <a href=urls::environment(env.id) class=LINK_CLASS>{env.name.clone()}</a>
                        </td>
                        <td class="max-w-xs truncate px-4 py-3 text-slate-600" title=dn.clone()>
                            {or_dash(dn_shown)}
                        </td>
                        <td class="px-4 py-3 font-mono text-xs text-slate-500">{env.id.get()}</td>
                        <td class="px-4 py-3 text-right">
                            <HubOnly>
                                {let (warning, delete_label, id) = (warning.clone(), delete_label.clone(), env.id.get());
                                view! {
                                    <ConfirmDelete label="Delete" warning>
                                        <ActionForm action=delete>
                                            <input type="hidden" name="id" value=id/>
                                            <SubmitButton label=delete_label pending_label="Deleting…" pending=delete.pending() danger=true/>
                                        </ActionForm>
                                    </ConfirmDelete>
                                }}
                            </HubOnly>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

#[component]
fn CreateEnvironmentCard(create: ServerAction<CreateEnvironment>) -> impl IntoView {
    let result = create.value();
    let feedback = FormFeedback::new(result);
    let field_error = move |field: &'static str| feedback.field(field);
    let form = NodeRef::<leptos::html::Form>::new();
    reset_after_success(
        move || result.with(|r| matches!(r, Some(Ok(_)))),
        form,
        || (),
    );
    view! {
        <Card title="New environment" description="The default subject is used for the certificates made in this environment.">
            <ActionForm action=create node_ref=form attr:class="space-y-4" attr:id="new-environment">
                {move || match result.get() {
                    Some(Ok(env)) => view! {
                        <SuccessNotice>
                            "Environment "<strong>{env.name.clone()}</strong>" created. "
                            <a href=urls::environment(env.id) class=LINK_CLASS>"Open it"</a>
                        </SuccessNotice>
                    }.into_any(),
                    Some(Err(error)) => view! { <FormError error/> }.into_any(),
                    None => ().into_any(),
                }}
                <TextField label="Name" name="form[name]" required=true maxlength=domain::environments::NAME.max_chars
                    placeholder="DEV" error=field_error("name")/>
                <fieldset class="space-y-3 rounded-md border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-medium text-slate-700">"Default subject (optional)"</legend>
                    <TextField label="Common name (CN)" name="form[cn]" maxlength=domain::environments::CN.max_chars
                        placeholder="hub.example.com" error=field_error("defaultDN.CN")/>
                    <div class="grid grid-cols-2 gap-3">
                        <TextField label="Organization (O)" name="form[o]" maxlength=domain::environments::O.max_chars
                            error=field_error("defaultDN.O")/>
                        <TextField label="Unit (OU)" name="form[ou]" maxlength=domain::environments::OU.max_chars
                            error=field_error("defaultDN.OU")/>
                        <TextField label="Locality (L)" name="form[l]" maxlength=domain::environments::L.max_chars
                            error=field_error("defaultDN.L")/>
                        <TextField label="State (ST)" name="form[st]" maxlength=domain::environments::ST.max_chars
                            error=field_error("defaultDN.ST")/>
                    </div>
                    <TextField label="Country (C)" name="form[c]" maxlength=2usize pattern=domain::environments::COUNTRY_PATTERN
                        placeholder="US" hint="Two letters (ISO 3166)" error=field_error("defaultDN.C")/>
                </fieldset>
                <SubmitButton label="Create environment" pending_label="Creating…" pending=create.pending()/>
            </ActionForm>
        </Card>
    }
}

/// `/environments/{id}`: what the environment is, what is in it, and its deletion.
#[component]
pub fn EnvironmentOverview() -> impl IntoView {
    let environment = current_environment();
    // A successful delete redirects to the environments page, which reads the list again.
    let delete = ServerAction::<DeleteEnvironment>::new();
    let env_id = use_environment_id();
    let dfsps = Resource::new(
        move || env_id.get(),
        |id| async move {
            match id {
                Some(id) => list_dfsps(id).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let expiry = expiry_summary_resource(env_id);
    view! {
        <Transition fallback=|| view! { <Loading what="the environment"/> }>
            {move || Suspend::new(async move {
                let env = match environment.await {
                    Ok(env) => env,
                    Err(error) => return view! { <ErrorPanel error/> }.into_any(),
                };
                let dn = env.default_dn.clone();
                built_once(move || view! {
                    <Title text=env.name.clone()/>
                    <PageHeader title=env.name.clone() subtitle=format!("Environment id {}", env.id)/>
                    <div class="space-y-6">
                        <Card title="Default subject" description="Used for the certificates made in this environment.">
                            <dl class="divide-y divide-slate-100" data-testid="default-dn">
                                <Detail term="Common name (CN)">{or_dash(dn.cn)}</Detail>
                                <Detail term="Organization (O)">{or_dash(dn.o)}</Detail>
                                <Detail term="Organizational unit (OU)">{or_dash(dn.ou)}</Detail>
                                <Detail term="Locality (L)">{or_dash(dn.l)}</Detail>
                                <Detail term="State (ST)">{or_dash(dn.st)}</Detail>
                                <Detail term="Country (C)">{or_dash(dn.c)}</Detail>
                            </dl>
                        </Card>
                        <Card title="DFSPs">
                            <Transition fallback=|| view! { <Loading what="DFSPs"/> }>
                                {move || Suspend::new(async move {
                                    match dfsps.await {
                                        Ok(list) => {
                                            let count = list.len();
                                            let text = match count {
                                                0 => "No DFSP has been added yet.".to_owned(),
                                                1 => "1 DFSP.".to_owned(),
                                                n => format!("{n} DFSPs."),
                                            };
                                            view! {
                                                <div class="flex items-center justify-between gap-4">
                                                    <p class="text-sm text-slate-700" data-testid="dfsp-count">{text}</p>
                                                    <a href=urls::dfsps(env.id) class=SECONDARY_BUTTON>
                                                        {if count == 0 { "Add DFSPs" } else { "Manage DFSPs" }}
                                                    </a>
                                                </div>
                                            }.into_any()
                                        }
                                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                                    }
                                })}
                            </Transition>
                        </Card>
                        <Card title="Certificates" description="Every certificate of the environment, and which expire soon.">
                            <ExpiryCard env=env.id summary=expiry/>
                        </Card>
                        <HubOnly>
                            {let (name, id) = (env.name.clone(), env.id.get());
                            view! {
                                <Card title="Delete this environment" description=DELETE_WARNING>
                                    {move || delete.value().get().and_then(Result::err).map(|error| view! { <div class="mb-3"><ErrorPanel error/></div> })}
                                    <ConfirmDelete label=format!("Delete {name}…") warning=format!("Delete {name}? {DELETE_WARNING}") inline=true>
                                        <ActionForm action=delete>
                                            <input type="hidden" name="id" value=id/>
                                            <SubmitButton label="Delete environment" pending_label="Deleting…" pending=delete.pending() danger=true/>
                                        </ActionForm>
                                    </ConfirmDelete>
                                </Card>
                            }}
                        </HubOnly>
                    </div>
                }).into_any()
            })}
        </Transition>
    }
}
