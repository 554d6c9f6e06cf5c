//! Server and JWS certificates in the portal: the Hub's server certificate with every DFSP's
//! at a glance, a DFSP's server certificate, and a DFSP's JWS certificate with its peers'.
//! Each shows what is stored (its checks, certificates and downloads), a form that replaces it
//! and its removal.

use domain::dfsps::{Dfsp, DfspId};
use domain::environments::EnvironmentId;
use domain::pki::validations::ValidationState;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::certificates::rpc::*;
use crate::components::*;
use crate::pki::components::*;
use crate::scope::{
    dfsp_resource, use_dfsp_path, use_environment_id, DfspHeader, EnvironmentPageHeader,
};
use crate::urls;

/// The words a set's section uses, by kind.
struct Wording {
    subject: &'static str,
    empty_title: &'static str,
    empty_body: &'static str,
    certificate_label: &'static str,
    certificate_hint: &'static str,
    upload_title: &'static str,
    upload_description: &'static str,
    remove_warning: &'static str,
}

fn wording(kind: SetKind) -> Wording {
    const UPLOAD: &str = "Replaces what is stored as a whole. Paste the certificates (PEM), drop \
        their files on the fields, or choose the files; what they hold is shown before you upload.";
    match kind {
        SetKind::HubServer => Wording {
            subject: "server certificate",
            empty_title: "No server certificate yet",
            empty_body: "Upload the TLS certificate the Hub presents to the DFSPs, with the CA certificates it chains to, with the form below.",
            certificate_label: "Server certificate",
            certificate_hint: "The Hub's TLS server certificate: one certificate, with serverAuth in its extended key usage.",
            upload_title: "Upload the Hub's server certificate",
            upload_description: UPLOAD,
            remove_warning: "Remove the Hub's server certificate? The DFSPs can no longer fetch it here.",
        },
        SetKind::DfspServer => Wording {
            subject: "server certificate",
            empty_title: "No server certificate yet",
            empty_body: "Upload the TLS certificate the DFSP presents to the Hub, with the CA certificates it chains to, with the form below.",
            certificate_label: "Server certificate",
            certificate_hint: "The DFSP's TLS server certificate: one certificate, with serverAuth in its extended key usage.",
            upload_title: "Upload the server certificate",
            upload_description: UPLOAD,
            remove_warning: "Remove the DFSP's server certificate? The Hub can no longer fetch it here.",
        },
        SetKind::HubJws => Wording {
            subject: "JWS certificate",
            empty_title: "No JWS certificate yet",
            empty_body: "Upload the certificate whose key signs the Hub's API messages, with the form below; the DFSPs verify the Hub's signatures with it.",
            certificate_label: "JWS certificate",
            certificate_hint: "One certificate, with a key of at least 2048 bits (RSA) or an EC key.",
            upload_title: "Upload the Hub's JWS certificate",
            upload_description: "Replaces the current certificate, which is kept as the previous one until you remove it, so that the DFSPs still verify what it signed. Paste the certificates (PEM), drop their files on the fields, or choose the files.",
            remove_warning: "Remove the Hub's JWS certificates, the current one and the previous one? The DFSPs can no longer fetch them here.",
        },
        SetKind::DfspJws => Wording {
            subject: "JWS certificate",
            empty_title: "No JWS certificate yet",
            empty_body: "Upload the certificate whose key signs the DFSP's API messages, with the form below; the other DFSPs verify the signatures with it.",
            certificate_label: "JWS certificate",
            certificate_hint: "One certificate, with a key of at least 2048 bits (RSA) or an EC key.",
            upload_title: "Upload the JWS certificate",
            upload_description: UPLOAD,
            remove_warning: "Remove the DFSP's JWS certificate? The other DFSPs can no longer verify its signatures with it.",
        },
    }
}

/// One owner's set of one kind as the page holds it: what is stored, and the actions that
/// replace and remove it. Made where the page's other resources are, never inside a `Suspend`,
/// so that hydration finds the resource in the order the server made it.
#[derive(Clone, Copy)]
struct SetEditor {
    set: Resource<Result<Option<CertificateSet>, crate::error::PortalError>>,
    store: ServerAction<StoreSet>,
    remove: ServerAction<DeleteSet>,
}

impl SetEditor {
    /// `owner`: the environment and the DFSP (`None` for the Hub), when the URL names valid
    /// ones.
    fn new(
        kind: SetKind,
        owner: impl Fn() -> Option<(EnvironmentId, Option<DfspId>)> + Send + Sync + 'static,
    ) -> Self {
        let store = ServerAction::<StoreSet>::new();
        let remove = ServerAction::<DeleteSet>::new();
        let set = Resource::new(
            move || (owner(), store.version().get(), remove.version().get()),
            move |(owner, ..)| async move {
                match owner {
                    Some((env, dfsp)) => get_set(env, kind, dfsp).await,
                    None => Ok(None),
                }
            },
        );
        SetEditor { set, store, remove }
    }
}

/// One owner's set of one kind: what is stored, the upload form, and the removal. `stem`
/// begins the names of the downloads (`DFSP1-server` gives `DFSP1-server-certificate.pem`,
/// `DFSP1-server-root.pem`, ...).
#[component]
fn CertificateSetSection(
    env: EnvironmentId,
    kind: SetKind,
    dfsp: Option<DfspId>,
    editor: SetEditor,
    #[prop(into)] stem: String,
) -> impl IntoView {
    let SetEditor { set, store, remove } = editor;
    let words = wording(kind);
    let removal = dfsp.clone();
    view! {
        <div class="space-y-4">
            <AsyncPanel what=words.subject resource=set render={
                let stem = stem.clone();
                move |stored: Option<CertificateSet>| match stored {
                    Some(stored) => {
                        let dfsp = removal.clone();
                        view! {
                            <SetView set=stored stem=stem.clone() subject=words.subject heading=words.certificate_label/>
                            <RemoveSet env kind dfsp remove warning=words.remove_warning/>
                        }.into_any()
                    }
                    None => view! { <EmptyState title=words.empty_title body=words.empty_body/> }.into_any(),
                }
            }/>
            <UploadSet env kind dfsp store/>
        </div>
    }
}

/// What is stored: the checks, then each certificate with its download.
#[component]
fn SetView(
    set: CertificateSet,
    stem: String,
    subject: &'static str,
    /// The certificate's heading: "Server certificate", "JWS certificate".
    heading: &'static str,
) -> impl IntoView {
    let root = set.root_certificate_info.clone().map(|info| {
        let pem = set.root_certificate.clone().unwrap_or_default();
        view! { <CertificateDetails info heading="Root certificate" pem file_name=file_name(&[&stem, "root"])/> }
    });
    // The chain is folded: the certificate itself is what a reader looks for first.
    let in_chain = set.intermediate_chain_info.len() + usize::from(root.is_some());
    let chain = (in_chain > 0).then(|| {
        let intermediates =
            intermediates_view(set.intermediate_chain_info, set.intermediate_chain, stem.clone());
        view! {
            <details data-testid="set-chain">
                <summary class=format!("cursor-pointer text-sm {LINK_CLASS}")>
                    {format!("The CA certificate{} it chains to ({in_chain})", if in_chain == 1 { "" } else { "s" })}
                </summary>
                <div class="mt-3 space-y-3">{intermediates}{root}</div>
            </details>
        }
    });
    view! {
        <div class="space-y-3" data-testid="certificate-set">
            <ValidationResults state=set.validation_state validations=set.validations subject/>
            <CertificateDetails info=set.certificate_info heading pem=set.certificate file_name=file_name(&[&stem, "certificate"])/>
            {chain}
            <p class="text-xs text-slate-500">{format!("Uploaded {} by {}", human_instant(&set.updated_date), set.updated_by.unwrap_or_else(|| "an unknown user".into()))}</p>
        </div>
    }
}

#[component]
fn UploadSet(
    env: EnvironmentId,
    kind: SetKind,
    dfsp: Option<DfspId>,
    store: ServerAction<StoreSet>,
) -> impl IntoView {
    let words = wording(kind);
    let result = store.value();
    let feedback = FormFeedback::new(result);
    let form = NodeRef::<leptos::html::Form>::new();
    let uploaded = RwSignal::new(0usize);
    reset_after_success(
        move || result.with(|r| matches!(r, Some(Ok(_)))),
        form,
        move || uploaded.update(|n| *n += 1),
    );
    view! {
        <Card title=words.upload_title description=words.upload_description>
            <ActionForm action=store node_ref=form attr:class="space-y-4" attr:id="upload-certificate-set">
                {move || match result.get() {
                    Some(Ok(_)) => view! { <SuccessNotice>"Uploaded. The checks above are of what you uploaded."</SuccessNotice> }.into_any(),
                    Some(Err(error)) => view! { <FormError error/> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="env_id" value=env.get()/>
                <input type="hidden" name="kind" value=kind.form_value()/>
                {dfsp.map(|dfsp| view! { <input type="hidden" name="dfsp_id" value=dfsp.to_string()/> })}
                <PemField id="set-certificate" label=words.certificate_label name="form[certificate]" required=true
                    hint=words.certificate_hint error=feedback.field(kind.certificate_field()) reset=uploaded/>
                <PemField id="set-chain" label="Intermediate chain" name="form[chain]" many=true
                    hint="Optional: the CA certificates between the certificate and the root, in any order." error=feedback.field("intermediateChain") reset=uploaded/>
                <PemField id="set-root" label="Root certificate" name="form[root]"
                    hint="Optional: the self-signed root the chain ends in." error=feedback.field("rootCertificate") reset=uploaded/>
                <SubmitButton label="Upload" pending_label="Checking and uploading…" pending=store.pending()/>
            </ActionForm>
        </Card>
    }
}

#[component]
fn RemoveSet(
    env: EnvironmentId,
    kind: SetKind,
    dfsp: Option<DfspId>,
    remove: ServerAction<DeleteSet>,
    warning: &'static str,
) -> impl IntoView {
    view! {
        {move || remove.value().get().and_then(Result::err).map(|error| view! { <div class="mb-3"><ErrorPanel error/></div> })}
        <ConfirmDelete label="Remove…" warning inline=true>
            <ActionForm action=remove>
                <input type="hidden" name="env_id" value=env.get()/>
                <input type="hidden" name="kind" value=kind.form_value()/>
                {dfsp.map(|dfsp| view! { <input type="hidden" name="dfsp_id" value=dfsp.to_string()/> })}
                <SubmitButton label="Remove" pending_label="Removing…" pending=remove.pending() danger=true/>
            </ActionForm>
        </ConfirmDelete>
    }
}

/// `/environments/{id}/server-certificates`: the Hub's TLS server certificate, and every
/// DFSP's at a glance.
#[component]
pub fn ServerCertificatesPage() -> impl IntoView {
    let env_id = use_environment_id();
    let editor = SetEditor::new(SetKind::HubServer, move || {
        env_id.get().map(|env| (env, None))
    });
    let dfsp_sets = Resource::new(
        move || env_id.get(),
        |env| async move {
            match env {
                Some(env) => dfsp_server_sets(env).await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <EnvironmentPageHeader title="Server certificates" subtitle=|name| format!("The TLS server certificates the Hub and the DFSPs present to each other in {name}.")/>
        <div class="space-y-10">
            <section aria-labelledby="hub-server-title" class="space-y-4">
                <div>
                    <h2 id="hub-server-title" class="text-lg font-semibold text-slate-900">"The Hub's server certificate"</h2>
                    <p class="mt-0.5 text-sm text-slate-600">"What the Hub's TLS endpoints present, with the CA certificates it chains to. The DFSPs check it against them."</p>
                </div>
                {move || env_id.get().map(|env| view! {
                    <CertificateSetSection env kind=SetKind::HubServer dfsp=None editor stem=format!("hub-{}-server", env.get())/>
                })}
            </section>
            <section aria-labelledby="dfsp-servers-title" class="space-y-4">
                <div>
                    <h2 id="dfsp-servers-title" class="text-lg font-semibold text-slate-900">"DFSPs' server certificates"</h2>
                    <p class="mt-0.5 text-sm text-slate-600">"What each DFSP's TLS endpoints present, as the DFSP uploaded it."</p>
                </div>
                <AsyncPanel what="the DFSPs' server certificates" resource=dfsp_sets render={move |list: Vec<CertificateSet>| match env_id.get() {
                    _ if list.is_empty() => view! { <EmptyState title="No DFSP server certificate yet" body="Each DFSP uploads its own from its Server certificate tab."/> }.into_any(),
                    Some(env) => view! { <DfspServerTable env list/> }.into_any(),
                    None => ().into_any(),
                }}/>
            </section>
        </div>
    }
}

/// `/environments/{id}/hub-jws`: the Hub's JWS certificate, and the one it replaced while
/// that is kept for the DFSPs to verify older messages with.
#[component]
pub fn HubJwsPage() -> impl IntoView {
    let env_id = use_environment_id();
    let editor = SetEditor::new(SetKind::HubJws, move || env_id.get().map(|env| (env, None)));
    let superseded = Resource::new(
        move || {
            (
                env_id.get(),
                editor.store.version().get(),
                editor.remove.version().get(),
            )
        },
        |(env, ..)| async move {
            match env {
                Some(env) => superseded_hub_jws(env).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <EnvironmentPageHeader title="Hub JWS certificate" subtitle=|name| format!("The certificate whose key signs the Hub's API messages in {name}; every DFSP fetches it to verify them.")/>
        <div class="space-y-10">
            <section aria-labelledby="hub-jws-title" class="space-y-4">
                <div>
                    <h2 id="hub-jws-title" class="text-lg font-semibold text-slate-900">"The current certificate"</h2>
                    <p class="mt-0.5 text-sm text-slate-600">"What the Hub signs with now. Uploading another keeps this one as the previous certificate."</p>
                </div>
                {move || env_id.get().map(|env| view! {
                    <CertificateSetSection env kind=SetKind::HubJws dfsp=None editor stem=format!("hub-{}-jws", env.get())/>
                })}
            </section>
            <section aria-labelledby="hub-jws-previous-title" class="space-y-4">
                <div>
                    <h2 id="hub-jws-previous-title" class="text-lg font-semibold text-slate-900">"The previous certificate"</h2>
                    <p class="mt-0.5 text-sm text-slate-600">"Kept after a rotation, and listed for the DFSPs as superseded, until every DFSP verifies with the current one. Then remove it."</p>
                </div>
                <AsyncPanel what="the previous certificate" resource=superseded render={move |previous: Option<CertificateSet>| match (previous, env_id.get()) {
                    (Some(previous), Some(env)) => view! { <SupersededHubJws env previous remove=editor.remove/> }.into_any(),
                    _ => view! { <EmptyState title="No previous certificate" body="One is kept here when the current certificate is replaced."/> }.into_any(),
                }}/>
            </section>
            <HubOnly>
                <ExternalJwsKeys/>
            </HubOnly>
        </div>
    }
}

/// Other schemes' DFSPs' JWS keys (MCM v3): what interscheme proxies gave, which this scheme's
/// DFSPs verify those DFSPs' messages with. Hub operators see them all and remove those of
/// DFSPs that left the other scheme.
#[component]
fn ExternalJwsKeys() -> impl IntoView {
    let env_id = use_environment_id();
    let remove = ServerAction::<DeleteExternalJwsKey>::new();
    let keys = Resource::new(
        move || (env_id.get(), remove.version().get()),
        |(env, _)| async move {
            match env {
                Some(env) => list_external_jws_keys(env).await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <section aria-labelledby="external-jws-title" class="space-y-4">
            <div>
                <h2 id="external-jws-title" class="text-lg font-semibold text-slate-900">"Other schemes' DFSPs"</h2>
                <p class="mt-0.5 text-sm text-slate-600">"The JWS keys of DFSPs in other schemes, which interscheme proxies give the Hub. Every DFSP here receives them with its peers' keys."</p>
            </div>
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error/> })}
            <AsyncPanel what="the other schemes' keys" resource=keys render={move |list: Vec<domain::pki::jws_keys::JwsKey>| {
                if list.is_empty() {
                    return view! {
                        <EmptyState title="No other scheme's keys"
                            body="An interscheme proxy's client gives them (POST /api/external-dfsps/jwscerts): mark the proxy's DFSP as an interscheme proxy on its page."/>
                    }.into_any();
                }
                let env = env_id.get().map(|env| env.get()).unwrap_or_default();
                view! {
                    <Table testid="external-jws-keys" columns=&["DFSP", "Given by", "Made", "State"] stack_narrow=true>
                        {list.into_iter().map(|key| {
                            let id = key.dfsp_id.to_string();
                            let given_by = key.source_dfsp_id.as_ref().map_or_else(|| "A hub operator".to_owned(), |proxy| format!("Proxy {proxy}"));
                            let made = key.made_at();
                            let warning = format!("Remove the JWS key of {id}? The DFSPs here can no longer verify its messages.");
                            let label = format!("Remove {id}");
                            view! {
                                <tr class=format!("{STACKED_ROW} align-top hover:bg-slate-50") data-testid="external-jws-row">
                                    <td class=format!("{STACKED_FIRST} px-4 py-3 font-mono text-xs text-slate-900")>{id.clone()}</td>
                                    <td class="px-4 py-3 text-sm text-slate-700">{given_by}</td>
                                    <td class="px-4 py-3 text-sm text-slate-700">{made}</td>
                                    <td class="px-4 py-3"><StateBadge state=key.validation_state/></td>
                                    <td class=format!("{STACKED_LAST} whitespace-nowrap px-4 py-3 text-right")>
                                        <ConfirmDelete label="Remove" warning>
                                            <ActionForm action=remove>
                                                <input type="hidden" name="env_id" value=env/>
                                                <input type="hidden" name="dfsp_id" value=id.clone()/>
                                                <SubmitButton label pending_label="Removing…" pending=remove.pending() danger=true/>
                                            </ActionForm>
                                        </ConfirmDelete>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </Table>
                }.into_any()
            }}/>
        </section>
    }
}

#[component]
fn SupersededHubJws(
    env: EnvironmentId,
    previous: CertificateSet,
    remove: ServerAction<DeleteSet>,
) -> impl IntoView {
    let file = file_name(&[&format!("hub-{}-jws", env.get()), "previous"]);
    view! {
        <div class="space-y-3" data-testid="superseded-jws">
            <CertificateDetails info=previous.certificate_info heading="Previous JWS certificate (superseded)" pem=previous.certificate file_name=file/>
            <ConfirmDelete label="Remove the previous certificate…" warning="Remove the previous certificate? DFSPs can then verify only what the current one signs." inline=true>
                <ActionForm action=remove>
                    <input type="hidden" name="env_id" value=env.get()/>
                    <input type="hidden" name="kind" value=SetKind::HubJws.form_value()/>
                    <input type="hidden" name="superseded" value="true"/>
                    <SubmitButton label="Remove" pending_label="Removing…" pending=remove.pending() danger=true/>
                </ActionForm>
            </ConfirmDelete>
        </div>
    }
}

#[component]
fn DfspServerTable(env: EnvironmentId, list: Vec<CertificateSet>) -> impl IntoView {
    view! {
        <Table testid="dfsp-server-certificates" columns=&["DFSP", "State", "Certificate", "Expiry"] narrow_hidden=&[2] stack_narrow=true>
            {list.into_iter().map(|set| {
                let dfsp = set.dfsp_id.clone().map(|id| id.to_string()).unwrap_or_default();
                let href = urls::dfsp_server_certificate(env, &dfsp);
                view! {
                    <tr class=format!("{STACKED_ROW} align-top hover:bg-slate-50") data-testid="dfsp-server-row">
                        <td class=format!("{STACKED_FIRST} px-4 py-3 font-medium text-slate-900")>{dfsp.clone()}</td>
                        <td class="px-4 py-3"><StateBadge state=set.validation_state/></td>
                        <td class=format!("{NARROW_HIDDEN} px-4 py-3 text-xs text-slate-700 [overflow-wrap:anywhere]")>{display_name(&set.certificate_info)}</td>
                        <td class="px-4 py-3"><ExpiryBadge info=set.certificate_info/></td>
                        <td class=format!("{STACKED_LAST} whitespace-nowrap px-4 py-3 text-right")>
                            <A href=href attr:class=LINK_CLASS>"Open"<span class="sr-only">{format!(" the server certificate of {dfsp}")}</span></A>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

#[component]
fn StateBadge(state: ValidationState) -> impl IntoView {
    let (label, class) = match state {
        ValidationState::Invalid => ("Invalid", "bg-red-50 text-red-800 ring-red-600/30"),
        ValidationState::Valid => (
            "Valid",
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
        ValidationState::NotAvailable => (
            "Not checked",
            "bg-slate-50 text-slate-700 ring-slate-500/30",
        ),
    };
    view! {
        <span class=format!("inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}") data-testid="set-state">{label}</span>
    }
}

/// `/environments/{id}/dfsps/{dfspId}/server-certificate`: the DFSP's TLS server certificate.
#[component]
pub fn DfspServerCertificatePage() -> impl IntoView {
    let parsed = use_dfsp_path();
    let dfsp = dfsp_resource(parsed);
    let editor = SetEditor::new(SetKind::DfspServer, move || {
        parsed.get().map(|(env, id)| (env, Some(id)))
    });
    view! {
        <AsyncPanel what="the DFSP" resource=dfsp render={move |dfsp: Dfsp| {
            let (env, id) = (dfsp.env_id, dfsp.id.clone());
            view! {
                <DfspHeader dfsp page="Server certificate" about="the TLS server certificate it presents to the Hub." current="server-certificate"/>
                <section aria-labelledby="dfsp-server-title" class="space-y-4">
                    <div>
                        <h2 id="dfsp-server-title" class="text-lg font-semibold text-slate-900">"The DFSP's server certificate"</h2>
                        <p class="mt-0.5 text-sm text-slate-600">"What the DFSP's TLS endpoints present to the Hub, with the CA certificates it chains to. The Hub checks it against them."</p>
                    </div>
                    <CertificateSetSection env kind=SetKind::DfspServer dfsp=Some(id.clone()) editor stem=format!("{id}-server")/>
                </section>
            }
        }}/>
    }
}

/// `/environments/{id}/dfsps/{dfspId}/jws`: the DFSP's JWS certificate, and its peers'.
#[component]
pub fn DfspJwsPage() -> impl IntoView {
    let parsed = use_dfsp_path();
    let dfsp = dfsp_resource(parsed);
    let editor = SetEditor::new(SetKind::DfspJws, move || {
        parsed.get().map(|(env, id)| (env, Some(id)))
    });
    let peers = Resource::new(
        move || parsed.get(),
        |parsed| async move {
            match parsed {
                Some((env, id)) => peer_jws_sets(env, id).await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <AsyncPanel what="the DFSP" resource=dfsp render={move |dfsp: Dfsp| {
            let (env, id) = (dfsp.env_id, dfsp.id.clone());
            let zone = dfsp.monetary_zone_id.clone();
            view! {
                <DfspHeader dfsp page="JWS certificate" about="the certificate its API messages are signed with, and its peers'." current="jws"/>
                <div class="space-y-10">
                    <section aria-labelledby="own-jws-title" class="space-y-4">
                        <div>
                            <h2 id="own-jws-title" class="text-lg font-semibold text-slate-900">"The DFSP's JWS certificate"</h2>
                            <p class="mt-0.5 text-sm text-slate-600">"The certificate whose key signs the DFSP's API messages. The other DFSPs fetch it to verify them."</p>
                        </div>
                        <CertificateSetSection env kind=SetKind::DfspJws dfsp=Some(id.clone()) editor stem=format!("{id}-jws")/>
                    </section>
                    <PeerJws peers zone/>
                </div>
            }
        }}/>
    }
}

#[component]
fn PeerJws(
    peers: Resource<Result<Vec<CertificateSet>, crate::error::PortalError>>,
    zone: Option<String>,
) -> impl IntoView {
    let about = match &zone {
        Some(zone) => format!("The other DFSPs of monetary zone {zone}: the DFSP verifies their signatures with these."),
        None => "Every other DFSP (this DFSP has no monetary zone): the DFSP verifies their signatures with these.".to_owned(),
    };
    view! {
        <section aria-labelledby="peer-jws-title" class="space-y-4 border-t border-slate-200 pt-6">
            <div>
                <h2 id="peer-jws-title" class="text-lg font-semibold text-slate-900">"Other DFSPs' JWS certificates"</h2>
                <p class="mt-0.5 text-sm text-slate-600">{about}</p>
            </div>
            <AsyncPanel what="the other DFSPs' JWS certificates" resource=peers render={move |list: Vec<CertificateSet>| {
                if list.is_empty() {
                    return view! { <p class="text-sm text-slate-600" data-testid="no-peer-jws">"No other DFSP has uploaded a JWS certificate yet."</p> }.into_any();
                }
                list.into_iter().map(|set| {
                    let dfsp = set.dfsp_id.clone().map(|id| id.to_string()).unwrap_or_default();
                    view! {
                        <div class="space-y-2" data-testid="peer-jws">
                            <div class="flex flex-wrap items-center gap-2">
                                <h3 class="font-medium text-slate-900">{dfsp.clone()}</h3>
                                <StateBadge state=set.validation_state/>
                            </div>
                            <CertificateDetails info=set.certificate_info heading=format!("{dfsp}'s JWS certificate") pem=set.certificate file_name=file_name(&[&dfsp, "jws"])/>
                        </div>
                    }
                }).collect_view().into_any()
            }}/>
        </section>
    }
}
