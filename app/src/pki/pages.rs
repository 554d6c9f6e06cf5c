//! Certificate authorities in the portal: the environment's CA page (the Hub's internal CA and
//! its external CAs) and a DFSP's CA page (its chain, and the Hub's CAs it trusts).

use domain::dfsps::{Dfsp, DfspId};
use domain::environments::{Environment, EnvironmentId};
use domain::pki::authorities::CertificateAuthority;
use domain::pki::dfsp_cas::{DfspCa, DfspCaOfDfsp};
use domain::pki::hub_cas::HubCa;
use domain::pki::validations::ValidationState;
use domain::DomainError;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::*;
use crate::error::PortalError;
use crate::pki::components::*;
use crate::pki::rpc::*;
use crate::scope::{
    current_environment, dfsp_resource, no_such_dfsp, use_dfsp_path, use_environment_id,
    DfspHeader, EnvironmentPageHeader,
};
use crate::urls;

/// `/environments/{id}/ca`: the Hub's internal CA and its external CAs.
#[component]
pub fn CertificateAuthoritiesPage() -> impl IntoView {
    let env_id = use_environment_id();
    let environment = current_environment();
    let create = ServerAction::<CreateCa>::new();
    let add_external = ServerAction::<CreateHubCa>::new();
    let delete_external = ServerAction::<DeleteHubCa>::new();
    let cas = Resource::new(
        move || (env_id.get(), create.version().get()),
        |(env, _)| async move {
            match env {
                Some(env) => list_cas(env).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let external = Resource::new(
        move || {
            (
                env_id.get(),
                add_external.version().get(),
                delete_external.version().get(),
            )
        },
        |(env, ..)| async move {
            match env {
                Some(env) => list_hub_cas(env).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let dfsp_cas = Resource::new(
        move || env_id.get(),
        |env| async move {
            match env {
                Some(env) => list_dfsp_cas(env).await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <EnvironmentPageHeader title="Certificate authorities" subtitle=|name| format!("The CAs that sign certificates for the Hub in {name}: its own, made here, and external ones.")/>
        <div class="space-y-10">
            <section aria-labelledby="internal-ca-title" class="space-y-4">
                <div>
                    <h2 id="internal-ca-title" class="text-lg font-semibold text-slate-900">"The Hub's CA"</h2>
                    <p class="mt-0.5 text-sm text-slate-600">"Made and kept here: it signs the DFSPs' client certificates. Its private key never leaves the server."</p>
                </div>
                <Transition fallback=|| view! { <Loading what="the CA"/> }>
                    {move || Suspend::new(async move {
                        let environment = environment.await;
                        match (cas.await, environment) {
                            (Ok(list), Ok(environment)) => built_once(move || view! { <InternalCa list environment create/> }).into_any(),
                            (Err(error), _) | (_, Err(error)) => view! { <ErrorPanel error/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <section aria-labelledby="external-cas-title" class="space-y-4">
                <div>
                    <h2 id="external-cas-title" class="text-lg font-semibold text-slate-900">"External CAs"</h2>
                    <p class="mt-0.5 text-sm text-slate-600">"CAs outside the Connection Manager that sign certificates for the Hub. Each is checked: its root must be self-signed, and every CA of its chain allowed to sign."</p>
                </div>
                {move || delete_external.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error/> })}
                <AsyncPanel what="the external CAs" resource=external render={move |list: Vec<HubCa>| {
                    if list.is_empty() {
                        view! { <EmptyState title="No external CA yet" body="The Hub adds one here (with the form below) if a CA outside the Connection Manager signs its certificates."/> }.into_any()
                    } else {
                        list.into_iter().map(|ca| view! { <ExternalCaCard ca delete=delete_external/> }).collect_view().into_any()
                    }
                }}/>
                <HubOnly>
                    {move || env_id.get().map(|env| view! { <AddExternalCa env add=add_external/> })}
                </HubOnly>
            </section>
            <section aria-labelledby="dfsp-cas-title" class="space-y-4">
                <div>
                    <h2 id="dfsp-cas-title" class="text-lg font-semibold text-slate-900">"DFSP CAs"</h2>
                    <p class="mt-0.5 text-sm text-slate-600">"The CA each DFSP signs its certificates with, as the DFSP uploaded it."</p>
                </div>
                <AsyncPanel what="the DFSPs' CAs" resource=dfsp_cas render={move |list: Vec<DfspCaOfDfsp>| match env_id.get() {
                    _ if list.is_empty() => view! { <EmptyState title="No DFSP yet" body="Add DFSPs first; each then uploads its CA from its own page."/> }.into_any(),
                    Some(env) => view! { <DfspCaTable env list/> }.into_any(),
                    None => ().into_any(),
                }}/>
            </section>
        </div>
    }
}

#[component]
fn DfspCaTable(env: EnvironmentId, list: Vec<DfspCaOfDfsp>) -> impl IntoView {
    view! {
        <Table testid="dfsp-cas" columns=&["DFSP", "State", "Root", "Expiry"] narrow_hidden=&[2] stack_narrow=true>
            {list.into_iter().map(|entry| {
                let href = urls::dfsp_ca(env, entry.dfsp_id.as_str());
                let (state, class) = match (entry.ca.validation_state, entry.ca.root_certificate_info.is_some()) {
                    (_, false) => ("No CA", "bg-slate-50 text-slate-700 ring-slate-500/30"),
                    (ValidationState::Invalid, _) => ("Invalid", "bg-red-50 text-red-800 ring-red-600/30"),
                    _ => ("Valid", "bg-emerald-50 text-emerald-800 ring-emerald-600/30"),
                };
                let root = entry.ca.root_certificate_info.clone();
                view! {
                    <tr class=format!("{STACKED_ROW} align-top hover:bg-slate-50") data-testid="dfsp-ca-row">
                        <td class=format!("{STACKED_FIRST} px-4 py-3")>
                            <span class="font-medium text-slate-900">{entry.name.clone()}</span>
                            <span class="ml-2 text-xs text-slate-500">{entry.dfsp_id.to_string()}</span>
                        </td>
                        <td class="px-4 py-3">
                            <span class=format!("inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}") data-testid="dfsp-ca-state">{state}</span>
                        </td>
                        <td class=format!("{NARROW_HIDDEN} px-4 py-3 text-xs text-slate-700 [overflow-wrap:anywhere]")>{root.as_ref().map(display_name)}</td>
                        <td class="px-4 py-3">{root.map(|info| view! { <ExpiryBadge info/> })}</td>
                        <td class=format!("{STACKED_LAST} whitespace-nowrap px-4 py-3 text-right")>
                            <A href=href attr:class=LINK_CLASS>"Open"<span class="sr-only">{format!(" the CA of {}", entry.dfsp_id)}</span></A>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

#[component]
fn InternalCa(
    list: Vec<CertificateAuthority>,
    environment: Environment,
    create: ServerAction<CreateCa>,
) -> impl IntoView {
    let env = environment.id;
    let name = environment.name.clone();
    let mut list = list.into_iter();
    let current = list.next();
    let earlier: Vec<CertificateAuthority> = list.collect();
    match current {
        Some(ca) => {
            let file = file_name(&[&name, "root"]);
            view! {
                {move || create.value().get().and_then(Result::ok).map(|_| view! { <SuccessNotice>"The new CA is the environment's CA from now on."</SuccessNotice> })}
                <CertificateDetails info=ca.cert_info heading="Current root certificate" pem=ca.certificate file_name=file/>
                <CrlCard env ca_id=ca.id/>
                {(!earlier.is_empty()).then(|| view! { <EarlierCas list=earlier/> })}
                <HubOnly>
                    {let environment = environment.clone();
                    view! {
                        <details class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                            <summary class="cursor-pointer text-sm font-semibold text-slate-800">"Make a new CA"</summary>
                            <p class="mt-2 text-sm text-slate-600">"A new CA replaces this one for everything signed from now on. Certificates it signed stay valid until they expire; DFSPs must trust the new root too."</p>
                            <CreateCaForm env environment create/>
                        </details>
                    }}
                </HubOnly>
            }
            .into_any()
        }
        None => view! {
            <div class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
                <p class="text-sm text-slate-700" data-testid="no-ca">"This environment has no CA yet: the Hub makes one to sign the DFSPs' certificates."</p>
                <HubOnly>
                    {let environment = environment.clone();
                    view! {
                        <p class="mt-2 text-sm text-slate-700">"Make it here; the fields start from the environment's default name."</p>
                        <CreateCaForm env environment create/>
                    }}
                </HubOnly>
            </div>
        }
        .into_any(),
    }
}

/// Where the CA's certificate revocation list is, to download or to give relying parties.
#[component]
fn CrlCard(env: EnvironmentId, ca_id: i64) -> impl IntoView {
    let href = urls::ca_crl(env, ca_id);
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="crl">
            <div class="min-w-0">
                <p class="text-sm font-semibold text-slate-800">"Certificate revocation list"</p>
                <p class="mt-0.5 text-sm text-slate-600 [overflow-wrap:anywhere]">
                    "The certificates of this CA that a hub operator revoked (on the "
                    <A href=urls::certificate_inventory(env) attr:class=LINK_CLASS>"All certificates"</A>
                    " page). Relying parties fetch it without signing in from "
                    <code class="font-mono text-xs">{href.clone()}</code>"."
                </p>
            </div>
            <a href=href download=format!("environment-{env}-ca-{ca_id}.crl") class=SECONDARY_BUTTON data-testid="crl-download">"Download the CRL (.crl)"</a>
        </div>
    }
}

#[component]
fn EarlierCas(list: Vec<CertificateAuthority>) -> impl IntoView {
    let count = list.len();
    view! {
        <details class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="earlier-cas">
            <summary class="cursor-pointer text-sm font-semibold text-slate-800">{format!("Earlier CAs ({count})")}</summary>
            <ul class="mt-2 divide-y divide-slate-100">
                {list.into_iter().map(|ca| view! {
                    <li class="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                        <span class="min-w-0 [overflow-wrap:anywhere]">
                            <span class="font-medium text-slate-900">{display_name(&ca.cert_info)}</span>
                            <span class="ml-2 text-xs text-slate-500">{format!("made {} · serial {}", ca.created_date.get(..10).unwrap_or_default(), ca.cert_info.serial_hex)}</span>
                        </span>
                        <ExpiryBadge info=ca.cert_info.clone()/>
                    </li>
                }).collect_view()}
            </ul>
        </details>
    }
}

#[component]
fn CreateCaForm(
    env: EnvironmentId,
    environment: Environment,
    create: ServerAction<CreateCa>,
) -> impl IntoView {
    let feedback = FormFeedback::new(create.value());
    let field = move |name: &'static str| feedback.field(name);
    let dn = environment.default_dn;
    let key_error = field("csr.key");
    let expiry_error = field("csr.expiry");
    view! {
        <ActionForm action=create attr:class="mt-4 grid grid-cols-1 gap-4 md:grid-cols-2" attr:id="create-ca">
            {move || feedback.error().map(|error| view! { <div class="md:col-span-2"><FormError error/></div> })}
            <input type="hidden" name="env_id" value=env.get()/>
            <TextField label="Common name (CN)" name="form[cn]" value=dn.cn.unwrap_or_default() required=true maxlength=64
                hint="The CA's name, as certificates it signs show it as their issuer." error=field("csr.names[0].CN")/>
            <TextField label="Organization (O)" name="form[o]" value=dn.o.unwrap_or_default() required=true maxlength=64 error=field("csr.names[0].O")/>
            <TextField label="Organizational unit (OU)" name="form[ou]" value=dn.ou.unwrap_or_default() maxlength=64 error=field("csr.names[0].OU")/>
            <TextField label="Country (C)" name="form[c]" value=dn.c.unwrap_or_default() maxlength=2 placeholder="US" hint="Two letters." error=field("csr.names[0].C")/>
            <TextField label="State or province (ST)" name="form[st]" value=dn.st.unwrap_or_default() maxlength=128 error=field("csr.names[0].ST")/>
            <TextField label="Locality (L)" name="form[l]" value=dn.l.unwrap_or_default() maxlength=128 error=field("csr.names[0].L")/>
            <div class="md:col-span-2">
                <TextField label="Hosts" name="form[hosts]" placeholder="hub.example.com, 10.0.0.1"
                    hint="Optional DNS names and IP addresses of the CA, separated by commas." error=field("csr.hosts")/>
            </div>
            <div>
                <label for="field-key" class="mb-1 block text-sm font-medium text-slate-700">"Key"</label>
                <select id="field-key" name="form[key]" class=INPUT_CLASS aria-describedby="field-key-hint">
                    {KEY_CHOICES.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
                <p id="field-key-hint" class="mt-1 text-xs text-slate-500">"RSA 4096 is what DFSPs expect; making it takes a few seconds."</p>
                {move || key_error.get().map(|e| view! { <p class="mt-1 text-sm text-red-700" data-testid="field-error">{e}</p> })}
            </div>
            <div>
                <label for="field-years" class="mb-1 block text-sm font-medium text-slate-700">"Valid for"</label>
                <select id="field-years" name="form[years]" class=INPUT_CLASS>
                    {VALIDITY_YEARS.into_iter().map(|years| view! {
                        <option value=years.to_string() selected=years == 5>{format!("{years} year{}", if years == 1 { "" } else { "s" })}</option>
                    }).collect_view()}
                </select>
                {move || expiry_error.get().map(|e| view! { <p class="mt-1 text-sm text-red-700" data-testid="field-error">{e}</p> })}
            </div>
            <div class="md:col-span-2">
                <SubmitButton label="Create CA" pending_label="Making the key and the certificate…" pending=create.pending()/>
            </div>
        </ActionForm>
    }
}

#[component]
fn ExternalCaCard(ca: HubCa, delete: ServerAction<DeleteHubCa>) -> impl IntoView {
    let warning = format!(
        "Remove the external CA '{}'? Certificates it signed are no longer recognised as signed by the Hub's CA.",
        ca.name
    );
    let root_file = file_name(&["hub", &ca.name, "root"]);
    let chain_name = format!("hub-{}", ca.name);
    view! {
        <article class="space-y-3 rounded-lg border border-slate-200 bg-slate-50/60 p-4" data-testid="external-ca">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <h3 class="text-base font-semibold text-slate-900 [overflow-wrap:anywhere]" data-testid="external-ca-name">{ca.name.clone()}</h3>
                    <p class="text-xs text-slate-500">{format!("Added {} by {}", ca.created_date.get(..10).unwrap_or_default(), ca.created_by.clone().unwrap_or_else(|| "an unknown user".into()))}</p>
                </div>
                <HubOnly>
                    {let (warning, env, id) = (warning.clone(), ca.env_id.get(), ca.id);
                    view! {
                        <ConfirmDelete label="Remove" warning>
                            <ActionForm action=delete>
                                <input type="hidden" name="env_id" value=env/>
                                <input type="hidden" name="id" value=id/>
                                <SubmitButton label="Remove CA" pending_label="Removing…" pending=delete.pending() danger=true/>
                            </ActionForm>
                        </ConfirmDelete>
                    }}
                </HubOnly>
            </div>
            <ValidationResults state=ca.validation_state validations=ca.validations subject="certificate authority"/>
            <CertificateDetails info=ca.root_certificate_info heading="Root certificate" pem=ca.root_certificate file_name=root_file/>
            {intermediates_view(ca.intermediate_chain_info, ca.intermediate_chain, chain_name)}
        </article>
    }
}

#[component]
fn AddExternalCa(env: EnvironmentId, add: ServerAction<CreateHubCa>) -> impl IntoView {
    let result = add.value();
    let feedback = FormFeedback::new(result);
    let form = NodeRef::<leptos::html::Form>::new();
    let added = RwSignal::new(0usize);
    reset_after_success(
        move || result.with(|r| matches!(r, Some(Ok(_)))),
        form,
        move || added.update(|n| *n += 1),
    );
    // A taken name is a conflict, told next to the name.
    let name_field = feedback.field("name");
    let name_error = Signal::derive(move || match feedback.error() {
        Some(PortalError::Domain(DomainError::Conflict(message))) => Some(message),
        _ => name_field.get(),
    });
    view! {
        <Card title="Add an external CA" description="Paste the CA's certificates (PEM), drop their files on the fields, or choose the files. What they hold is shown before you add them.">
            <ActionForm action=add node_ref=form attr:class="space-y-4" attr:id="add-external-ca">
                {move || match result.get() {
                    Some(Ok(ca)) => view! { <SuccessNotice>{format!("Added {}.", ca.name)}</SuccessNotice> }.into_any(),
                    Some(Err(error)) => view! { <FormError error/> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="env_id" value=env.get()/>
                <TextField label="Name" name="form[name]" required=true maxlength=domain::pki::hub_cas::NAME_MAX_CHARS
                    hint="Unique in this environment." error=name_error/>
                <PemField id="external-root" label="Root certificate" name="form[root]" required=true
                    hint="The CA's self-signed root." error=feedback.field("rootCertificate") reset=added/>
                <PemField id="external-chain" label="Intermediate chain" name="form[chain]" many=true
                    hint="Optional: the CAs between the root and the certificates, in any order." error=feedback.field("intermediateChain") reset=added/>
                <SubmitButton label="Add external CA" pending_label="Checking and adding…" pending=add.pending()/>
            </ActionForm>
        </Card>
    }
}

/// `/environments/{id}/dfsps/{dfspId}/ca`: the DFSP's CA, and the Hub's CAs it trusts.
#[component]
pub fn DfspCaPage() -> impl IntoView {
    let env_id = use_environment_id();
    let parsed = use_dfsp_path();
    let set = ServerAction::<SetDfspCa>::new();
    let dfsp = dfsp_resource(parsed);
    let ca = Resource::new(
        move || (parsed.get(), set.version().get()),
        move |(parsed, _)| async move {
            match parsed {
                Some((env, id)) => get_dfsp_ca(env, id).await,
                None => Err(no_such_dfsp()),
            }
        },
    );
    let EnvironmentCas {
        internal: hub_cas,
        external,
    } = environment_cas(env_id);
    view! {
        <AsyncPanel what="the DFSP" resource=dfsp render={move |dfsp: Dfsp| {
            let env = dfsp.env_id;
            let id = dfsp.id.clone();
            view! {
                <DfspHeader dfsp=dfsp.clone() page="CA" about="the CA that signs its certificates, and the Hub's CAs it trusts." current="ca"/>
                <div class="space-y-10">
                    <section aria-labelledby="dfsp-ca-title" class="space-y-4">
                        <div>
                            <h2 id="dfsp-ca-title" class="text-lg font-semibold text-slate-900">"The DFSP's CA"</h2>
                            <p class="mt-0.5 text-sm text-slate-600">"The Hub trusts the DFSP's certificates through it: its root, and the intermediates below it."</p>
                        </div>
                        <AsyncPanel what="the CA" resource=ca render={move |ca: DfspCa| view! { <DfspCaView ca name=id.to_string()/> }}/>
                        <UploadDfspCa env dfsp=dfsp.id.clone() set/>
                    </section>
                    <HubCasReadOnly env hub_cas external/>
                </div>
            }
        }}/>
    }
}

#[component]
fn DfspCaView(ca: DfspCa, name: String) -> impl IntoView {
    let Some(root_info) = ca.root_certificate_info.clone() else {
        return view! {
            <EmptyState title="No CA yet" body="Upload the DFSP's root certificate, and its intermediates if it has any, with the form below."/>
        }
        .into_any();
    };
    let root_file = file_name(&[&name, "root"]);
    view! {
        <div class="space-y-3" data-testid="dfsp-ca">
            <ValidationResults state=ca.validation_state validations=ca.validations subject="certificate authority"/>
            <CertificateDetails info=root_info heading="Root certificate" pem=ca.root_certificate.unwrap_or_default() file_name=root_file/>
            {intermediates_view(ca.intermediate_chain_info, ca.intermediate_chain, name)}
            {ca.updated_date.map(|date| view! {
                <p class="text-xs text-slate-500">{format!("Uploaded {} by {}", date.get(..10).unwrap_or_default(), ca.updated_by.unwrap_or_else(|| "an unknown user".into()))}</p>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn UploadDfspCa(env: EnvironmentId, dfsp: DfspId, set: ServerAction<SetDfspCa>) -> impl IntoView {
    let result = set.value();
    let feedback = FormFeedback::new(result);
    let form = NodeRef::<leptos::html::Form>::new();
    let uploaded = RwSignal::new(0usize);
    reset_after_success(
        move || result.with(|r| matches!(r, Some(Ok(_)))),
        form,
        move || uploaded.update(|n| *n += 1),
    );
    view! {
        <Card title="Upload the CA" description="Replaces the DFSP's CA as a whole. Paste the certificates (PEM), drop their files on the fields, or choose the files; what they hold is shown before you upload.">
            <ActionForm action=set node_ref=form attr:class="space-y-4" attr:id="upload-dfsp-ca">
                {move || match result.get() {
                    Some(Ok(_)) => view! { <SuccessNotice>"Uploaded. The checks above are of the new CA."</SuccessNotice> }.into_any(),
                    Some(Err(error)) => view! { <FormError error/> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="env_id" value=env.get()/>
                <input type="hidden" name="dfsp_id" value=dfsp.to_string()/>
                <PemField id="dfsp-root" label="Root certificate" name="form[root]" required=true
                    hint="The CA's self-signed root." error=feedback.field("rootCertificate") reset=uploaded/>
                <PemField id="dfsp-chain" label="Intermediate chain" name="form[chain]" many=true
                    hint="Optional: the CAs between the root and the DFSP's certificates, in any order." error=feedback.field("intermediateChain") reset=uploaded/>
                <SubmitButton label="Upload CA" pending_label="Checking and uploading…" pending=set.pending()/>
            </ActionForm>
        </Card>
    }
}

/// The Hub's current CA and external CAs, to download and trust.
#[component]
fn HubCasReadOnly(
    env: EnvironmentId,
    hub_cas: Resource<Result<Vec<CertificateAuthority>, PortalError>>,
    external: Resource<Result<Vec<HubCa>, PortalError>>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="hub-cas-title" class="space-y-4 border-t border-slate-200 pt-6">
            <div>
                <h2 id="hub-cas-title" class="text-lg font-semibold text-slate-900">"The Hub's CAs"</h2>
                <p class="mt-0.5 text-sm text-slate-600">"The DFSP trusts these to recognise the Hub's certificates. Set by the Hub operator."</p>
            </div>
            <AsyncPanel what="the Hub's CA" resource=hub_cas render={move |list: Vec<CertificateAuthority>| match list.into_iter().next() {
                Some(ca) => view! { <CertificateDetails info=ca.cert_info heading="The Hub's root certificate" pem=ca.certificate file_name=file_name(&["hub", &env.get().to_string(), "root"])/> }.into_any(),
                None => view! { <p class="text-sm text-slate-600" data-testid="no-hub-ca">"The Hub has no CA in this environment yet."</p> }.into_any(),
            }}/>
            <AsyncPanel what="the external CAs" resource=external render={move |list: Vec<HubCa>| {
                list.into_iter().map(|ca| {
                    let file = file_name(&["hub", &ca.name, "root"]);
                    view! { <CertificateDetails info=ca.root_certificate_info heading=format!("External CA '{}'", ca.name) pem=ca.root_certificate file_name=file/> }
                }).collect_view()
            }}/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_form_becomes_the_api_request() {
        let form = CaForm {
            cn: Some("Hub CA".into()),
            o: Some("Example".into()),
            ou: Some("  ".into()),
            hosts: Some("hub.example.com, 10.0.0.1\nca.example.com".into()),
            key: Some("ecdsa-384".into()),
            years: Some(10),
            ..Default::default()
        };
        let request = form.to_request();
        let csr = request.csr.unwrap();
        assert_eq!(
            csr.hosts.unwrap(),
            ["hub.example.com", "10.0.0.1", "ca.example.com"]
        );
        let name = &csr.names.unwrap()[0];
        assert_eq!(
            (name.cn.as_deref(), name.ou.as_deref()),
            (Some("Hub CA"), None)
        );
        let key = csr.key.unwrap();
        assert_eq!((key.algo.as_deref(), key.size), (Some("ecdsa"), Some(384)));
        assert_eq!(csr.expiry.as_deref(), Some("87600h"));
    }
}
