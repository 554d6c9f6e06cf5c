//! Enrollments in the portal: a DFSP's client certificates (submit a CSR, follow it, download
//! the certificate and its chain), the Hub's queue of CSRs to sign, and the Hub's own client
//! certificates for a DFSP (make a CSR, return the certificate the DFSP's CA signed, validate).

use domain::dfsps::{Dfsp, DfspId};
use domain::enrollments::inbound::{InboundEnrollment, InboundState};
use domain::enrollments::outbound::{OutboundEnrollment, OutboundState};
use domain::environments::EnvironmentId;
use domain::pki::authorities::CertificateAuthority;
use domain::pki::hub_cas::HubCa;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::*;
use crate::enrollments::rpc::*;
use crate::pki::components::*;
use crate::scope::{
    current_environment, dfsp_resource, no_such_dfsp, use_dfsp_path, use_environment_id,
    DfspHeader, EnvironmentPageHeader,
};
use crate::urls;

#[component]
fn InboundStateBadge(state: InboundState) -> impl IntoView {
    let (label, class) = match state {
        InboundState::CsrLoaded => (
            "Awaiting the Hub",
            "bg-amber-50 text-amber-800 ring-amber-600/30",
        ),
        InboundState::CertSigned => (
            "Certificate issued",
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
    };
    view! {
        <span class=format!("inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}") data-testid="enrollment-state">
            {label}
        </span>
    }
}

/// The certificates above `enrollment`'s certificate, up to its root: the environment's CA
/// that signed it, or the external Hub CA's chain. Empty when neither is known any more.
fn issuer_chain(
    enrollment: &InboundEnrollment,
    cas: &[CertificateAuthority],
    hub_cas: &[HubCa],
) -> Vec<String> {
    let Some(info) = &enrollment.cert_info else {
        return Vec::new();
    };
    if let Some(id) = enrollment.hub_ca_id {
        return hub_cas
            .iter()
            .find(|ca| ca.id == id)
            .map(|ca| {
                let mut chain: Vec<String> = ca.intermediate_chain.iter().cloned().collect();
                chain.push(ca.root_certificate.clone());
                chain
            })
            .unwrap_or_default();
    }
    cas.iter()
        .find(|ca| {
            ca.cert_info.subject_key_identifier.is_some()
                && ca.cert_info.subject_key_identifier == info.authority_key_identifier
        })
        .map(|ca| vec![ca.certificate.clone()])
        .unwrap_or_default()
}

/// One enrollment: where it stands, its checks, the CSR and the certificate with downloads.
#[component]
fn EnrollmentCard(
    enrollment: InboundEnrollment,
    /// The certificates above the certificate (intermediates, then the root), PEM.
    chain: Vec<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let stem = format!(
        "{}-{}",
        enrollment
            .dfsp_id
            .as_str()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>(),
        enrollment.id
    );
    let subject = if enrollment.certificate.is_some() {
        "certificate"
    } else {
        "CSR"
    };
    let certificate = enrollment
        .certificate
        .clone()
        .zip(enrollment.cert_info.clone());
    let revoked = enrollment.revocation.clone().map(|revocation| {
        view! {
            <div class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" role="status" data-testid="revoked">
                <p class="font-semibold">{format!("Revoked on {}", revocation.revoked_at.get(..10).unwrap_or_default())}</p>
                <p>{format!("{}. The CA's CRL lists this certificate: parties that check it refuse it. Submit a new CSR for a new certificate.", revocation.reason.label())}</p>
            </div>
        }
    });
    view! {
        <article class="space-y-3 rounded-lg border border-slate-200 bg-slate-50/60 p-4" data-testid="enrollment" id=format!("enrollment-{}", enrollment.id)>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <div class="min-w-0">
                    <h3 class="text-base font-semibold text-slate-900">{format!("Enrollment {}", enrollment.id)}</h3>
                    <p class="text-xs text-slate-500">{format!("DFSP {} · submitted {} by {}", enrollment.dfsp_id, enrollment.created_date.get(..10).unwrap_or_default(), enrollment.created_by.clone().unwrap_or_else(|| "an unknown user".into()))}</p>
                </div>
                <InboundStateBadge state=enrollment.state/>
            </div>
            {revoked}
            <ValidationResults state=enrollment.validation_state validations=enrollment.validations.clone() subject=subject/>
            {children.map(|c| c())}
            {certificate.map(|(pem, info)| {
                let full_chain: String = std::iter::once(pem.clone()).chain(chain.iter().cloned()).collect();
                let has_chain = !chain.is_empty();
                let root = chain.last().cloned();
                let root_file = format!("{stem}-ca-root.pem");
                view! {
                    <CertificateDetails info heading="Certificate" pem=pem file_name=format!("{stem}-client.pem")/>
                    {has_chain.then(|| view! {
                        <div class="flex flex-wrap gap-2">
                            <PemDownload pem=full_chain file_name=format!("{stem}-client-chain.pem") label="Download the certificate with its chain"/>
                            {root.map(|root| view! { <PemDownload pem=root file_name=root_file label="Download the Hub's root"/> })}
                        </div>
                    })}
                }
            })}
            <CsrDetails info=enrollment.csr_info.clone() pem=enrollment.csr.clone() file_name=format!("{stem}.csr")/>
        </article>
    }
}

/// `/environments/{id}/dfsps/{dfspId}/certificates`: the DFSP's CSRs and client certificates.
#[component]
pub fn DfspCertificatesPage() -> impl IntoView {
    let env_id = use_environment_id();
    let parsed = use_dfsp_path();
    let create = ServerAction::<CreateInbound>::new();
    let dfsp = dfsp_resource(parsed);
    let enrollments = Resource::new(
        move || (parsed.get(), create.version().get()),
        move |(parsed, _)| async move {
            match parsed {
                Some((env, id)) => list_inbound(env, id).await,
                None => Err(no_such_dfsp()),
            }
        },
    );
    let EnvironmentCas {
        internal: cas,
        external: hub_cas,
    } = environment_cas(env_id);
    view! {
        <AsyncPanel what="the DFSP" resource=dfsp render={move |dfsp: Dfsp| {
            let env = dfsp.env_id;
            view! {
                <DfspHeader dfsp=dfsp.clone() page="Client certificates" about="its client certificates, which the Hub issues from the DFSP's CSRs." current="certificates"/>
                <div class="space-y-8">
                    <SubmitCsr env dfsp=dfsp.id.clone() create/>
                    <section aria-labelledby="enrollments-title" class="space-y-4">
                        <h2 id="enrollments-title" class="text-lg font-semibold text-slate-900">"CSRs and certificates"</h2>
                        <AsyncPanel what="the CSRs" resource=enrollments render={move |list: Vec<InboundEnrollment>| {
                            if list.is_empty() {
                                return view! { <EmptyState title="No CSR yet" body="Submit the DFSP's CSR above; the Hub then signs it and the certificate appears here."/> }.into_any();
                            }
                            view! {
                                <Transition fallback=|| view! { <Loading what="the CAs"/> }>
                                    {move || {
                                        let list = list.clone();
                                        Suspend::new(async move {
                                            let cas = cas.await.unwrap_or_default();
                                            let hub_cas = hub_cas.await.unwrap_or_default();
                                            built_once(move || view! { <div class="space-y-4">{list.into_iter().rev().map(|enrollment| {
                                                let chain = issuer_chain(&enrollment, &cas, &hub_cas);
                                                view! { <EnrollmentCard enrollment chain/> }
                                            }).collect_view()}</div> })
                                        })
                                    }}
                                </Transition>
                            }.into_any()
                        }}/>
                    </section>
                </div>
            }
        }}/>
    }
}

#[component]
fn SubmitCsr(
    env: EnvironmentId,
    dfsp: DfspId,
    create: ServerAction<CreateInbound>,
) -> impl IntoView {
    let result = create.value();
    let feedback = FormFeedback::new(result);
    let form = NodeRef::<leptos::html::Form>::new();
    let submitted = RwSignal::new(0usize);
    reset_after_success(
        move || result.with(|r| matches!(r, Some(Ok(_)))),
        form,
        move || submitted.update(|n| *n += 1),
    );
    view! {
        <Card title="Submit a CSR" description="The Hub signs the DFSP's certificate signing request with its CA. Paste the CSR (PEM), drop its file on the field, or choose the file; what it asks for is shown before you submit.">
            <ActionForm action=create node_ref=form attr:class="space-y-4" attr:id="submit-csr">
                {move || match result.get() {
                    Some(Ok(enrollment)) => view! { <SuccessNotice>{format!("Submitted as enrollment {}. The Hub signs it next.", enrollment.id)}</SuccessNotice> }.into_any(),
                    Some(Err(error)) => view! { <FormError error/> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="env_id" value=env.get()/>
                <input type="hidden" name="dfsp_id" value=dfsp.to_string()/>
                <PemField id="client-csr" label="CSR" name="csr" csr=true required=true
                    hint="A 4096-bit RSA key, SHA-256, and a subject with CN, OU, O, L, ST, C and emailAddress pass every check."
                    error=feedback.field("clientCSR") reset=submitted/>
                <SubmitButton label="Submit CSR" pending_label="Submitting…" pending=create.pending()/>
            </ActionForm>
        </Card>
    }
}

/// `/environments/{id}/csrs`: every DFSP's CSR that awaits the Hub.
#[component]
pub fn CsrQueuePage() -> impl IntoView {
    let env_id = use_environment_id();
    let sign = ServerAction::<SignInbound>::new();
    let upload = ServerAction::<UploadInboundCertificate>::new();
    // Every card's upload form shares one action: its field errors belong under the form that
    // was submitted last, not under every open one.
    let uploaded_from = RwSignal::new(None::<i64>);
    // The list reloads after a success only: a refused form inside it stays open, as typed.
    let issued = RwSignal::new(0usize);
    Effect::new(move |_| {
        if sign.value().with(|r| matches!(r, Some(Ok(_)))) {
            issued.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if upload.value().with(|r| matches!(r, Some(Ok(_)))) {
            issued.update(|n| *n += 1);
        }
    });
    let awaiting = Resource::new(
        move || (env_id.get(), issued.get()),
        |(env, ..)| async move {
            match env {
                Some(env) => awaiting_inbound(env).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let EnvironmentCas {
        internal: cas,
        external: hub_cas,
    } = environment_cas(env_id);
    view! {
        <EnvironmentPageHeader title="CSRs to sign" subtitle=|_| "The DFSPs' certificate signing requests that await the Hub. Check each one, then sign it with the Hub's CA or add the certificate an external CA signed.".into()/>
        {move || match sign.value().get().or_else(|| upload.value().get()) {
            Some(Ok(enrollment)) => view! {
                <div class="mb-4"><SuccessNotice>
                    {format!("Enrollment {} of DFSP {} has its certificate. ", enrollment.id, enrollment.dfsp_id)}
                    <A href=urls::dfsp_certificates(enrollment.env_id, enrollment.dfsp_id.as_str()) attr:class=LINK_CLASS>"See it"</A>
                </SuccessNotice></div>
            }.into_any(),
            Some(Err(error)) => view! { <div class="mb-4"><ErrorPanel error/></div> }.into_any(),
            None => ().into_any(),
        }}
        <AsyncPanel what="the CSRs" resource=awaiting render={move |list: Vec<InboundEnrollment>| {
            if list.is_empty() {
                return view! { <EmptyState title="No CSR waits" body="Every DFSP CSR of this environment has its certificate. New ones appear here as DFSPs submit them."/> }.into_any();
            }
            let count = list.len();
            view! {
                <h2 class="mb-3 text-lg font-semibold text-slate-900">{format!("Waiting for the Hub ({count})")}</h2>
                <Transition fallback=|| view! { <Loading what="the CAs"/> }>
                    {move || {
                        let list = list.clone();
                        Suspend::new(async move {
                            let current = cas.await.unwrap_or_default().into_iter().next();
                            let external = hub_cas.await.unwrap_or_default();
                            built_once(move || view! { <div class="space-y-4">{list.into_iter().map(|enrollment| {
                                let actions = view! { <SignActions enrollment=enrollment.clone() current=current.clone() external=external.clone() sign upload uploaded_from/> };
                                view! { <EnrollmentCard enrollment chain=Vec::new()>{actions}</EnrollmentCard> }
                            }).collect_view()}</div> })
                        })
                    }}
                </Transition>
            }.into_any()
        }}/>
    }
}

/// Sign with the environment's CA, or add an external CA's certificate.
#[component]
fn SignActions(
    enrollment: InboundEnrollment,
    current: Option<CertificateAuthority>,
    external: Vec<HubCa>,
    sign: ServerAction<SignInbound>,
    upload: ServerAction<UploadInboundCertificate>,
    /// The enrollment whose upload form was submitted last.
    uploaded_from: RwSignal<Option<i64>>,
) -> impl IntoView {
    let env = enrollment.env_id;
    let dfsp = enrollment.dfsp_id.to_string();
    let id = enrollment.id;
    let upload_id = format!("upload-{id}");
    let select_id = format!("hub-ca-{id}");
    let sign_dfsp = dfsp.clone();
    let sign_part = match current {
        Some(ca) => view! {
            <ActionForm action=sign attr:class="flex flex-wrap items-center gap-3">
                <input type="hidden" name="env_id" value=env.get()/>
                <input type="hidden" name="dfsp_id" value=sign_dfsp/>
                <input type="hidden" name="id" value=id/>
                <SubmitButton label="Sign with the Hub's CA" pending_label="Signing…" pending=sign.pending()/>
                <span class="text-xs text-slate-600">{format!("Signed by {}, under its profile ({}).", display_name(&ca.cert_info), ca.signing_profile.usages.join(", "))}</span>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <p class="text-sm text-slate-700" data-testid="no-ca-to-sign">
                "The Hub has no CA to sign with yet. "
                <A href=urls::certificate_authorities(env) attr:class=LINK_CLASS>"Create it"</A>
                " first, or add a certificate an external CA signed."
            </p>
        }
        .into_any(),
    };
    let upload_part = (!external.is_empty()).then(|| {
        let feedback =
            FormFeedback::new(upload.value()).only_when(move || uploaded_from.get() == Some(id));
        view! {
            // A submit event bubbles up from the form: it says which card's form it was.
            <details class="rounded-md border border-slate-200 bg-white p-3" on:submit=move |_| uploaded_from.set(Some(id))>
                <summary class="cursor-pointer text-sm font-semibold text-slate-800">"Add a certificate an external CA signed"</summary>
                <ActionForm action=upload attr:class="mt-3 space-y-3" attr:id=upload_id.clone()>
                    <input type="hidden" name="env_id" value=env.get()/>
                    <input type="hidden" name="dfsp_id" value=dfsp.clone()/>
                    <input type="hidden" name="id" value=id/>
                    <div>
                        <label for=select_id.clone() class="mb-1 block text-sm font-medium text-slate-700">"External CA"</label>
                        <select id=select_id name="hub_ca_id" class=INPUT_CLASS required=true>
                            {external.into_iter().map(|ca| view! { <option value=ca.id.to_string()>{ca.name}</option> }).collect_view()}
                        </select>
                    </div>
                    <PemField id=format!("certificate-{id}") label="Certificate" name="certificate" required=true
                        hint="The certificate the external CA issued for this CSR." error=feedback.field("certificate")/>
                    <SubmitButton label="Add certificate" pending_label="Checking…" pending=upload.pending()/>
                </ActionForm>
            </details>
        }
    });
    view! {
        <div class="space-y-3 rounded-md border border-indigo-100 bg-white p-3" data-testid="sign-actions">
            {sign_part}
            {upload_part}
        </div>
    }
}

#[component]
fn OutboundStateBadge(state: OutboundState) -> impl IntoView {
    let (label, class) = match state {
        OutboundState::CsrLoaded => (
            "Awaiting the DFSP's CA",
            "bg-amber-50 text-amber-800 ring-amber-600/30",
        ),
        OutboundState::CertSigned => (
            "Certificate returned",
            "bg-sky-50 text-sky-800 ring-sky-600/30",
        ),
        OutboundState::Validated => (
            "Validated",
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
    };
    view! {
        <span class=format!("inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}") data-testid="enrollment-state">
            {label}
        </span>
    }
}

/// The actions of the Hub's certificates page, made at its top level.
#[derive(Clone, Copy)]
struct OutboundActions {
    make: ServerAction<MakeOutboundCsr>,
    upload_csr: ServerAction<UploadOutboundCsr>,
    certificate: ServerAction<ReturnOutboundCertificate>,
    validate: ServerAction<ValidateOutbound>,
}

impl OutboundActions {
    /// Bumps `changed` after each success (not after a failure: a refused form inside the list
    /// stays open, as typed).
    fn reload_on_success(&self, changed: RwSignal<usize>) {
        let bump = move |ok: bool| {
            if ok {
                changed.update(|n| *n += 1);
            }
        };
        let (make, upload_csr, certificate, validate) =
            (self.make, self.upload_csr, self.certificate, self.validate);
        Effect::new(move |_| bump(make.value().with(|r| matches!(r, Some(Ok(_))))));
        Effect::new(move |_| bump(upload_csr.value().with(|r| matches!(r, Some(Ok(_))))));
        Effect::new(move |_| bump(certificate.value().with(|r| matches!(r, Some(Ok(_))))));
        Effect::new(move |_| bump(validate.value().with(|r| matches!(r, Some(Ok(_))))));
    }
}

/// `/environments/{id}/dfsps/{dfspId}/hub-certificates`: the Hub's client certificates for the
/// DFSP, which the DFSP's CA signs.
#[component]
pub fn HubCertificatesPage() -> impl IntoView {
    let environment = current_environment();
    let parsed = use_dfsp_path();
    let actions = OutboundActions {
        make: ServerAction::new(),
        upload_csr: ServerAction::new(),
        certificate: ServerAction::new(),
        validate: ServerAction::new(),
    };
    let dfsp = dfsp_resource(parsed);
    let changed = RwSignal::new(0usize);
    actions.reload_on_success(changed);
    let enrollments = Resource::new(
        move || (parsed.get(), changed.get()),
        move |(parsed, _)| async move {
            match parsed {
                Some((env, id)) => list_outbound(env, id).await,
                None => Err(no_such_dfsp()),
            }
        },
    );
    view! {
        <AsyncPanel what="the DFSP" resource=dfsp render={move |dfsp: Dfsp| {
            let env = dfsp.env_id;
            let id = dfsp.id.clone();
            view! {
                <DfspHeader dfsp=dfsp.clone() page="Hub certificates" about="the Hub's client certificates for it. The Hub makes a CSR, the DFSP's CA signs it, the Hub validates the certificate." current="hub-certificates"/>
                <div class="space-y-8">
                    // The Hub makes its CSRs; the DFSP's operator returns the signed certificates.
                    <HubOnly>
                        {let id = id.clone();
                        view! {
                            <Transition fallback=|| view! { <Loading what="the environment"/> }>
                                {move || {
                                    let id = id.clone();
                                    Suspend::new(async move {
                                        let dn = environment.await.map(|e| e.default_dn).unwrap_or_default();
                                        built_once(move || view! { <NewHubCsr env dfsp=id dn actions/> })
                                    })
                                }}
                            </Transition>
                        }}
                    </HubOnly>
                    <section aria-labelledby="outbound-title" class="space-y-4">
                        <h2 id="outbound-title" class="text-lg font-semibold text-slate-900">"The Hub's CSRs and certificates"</h2>
                        {move || match actions.certificate.value().get().or_else(|| actions.validate.value().get()) {
                            Some(Err(error)) => view! { <ErrorPanel error/> }.into_any(),
                            _ => ().into_any(),
                        }}
                        <AsyncPanel what="the CSRs" resource=enrollments render={move |list: Vec<OutboundEnrollment>| {
                            if list.is_empty() {
                                return view! { <EmptyState title="No CSR yet" body="Make the Hub's CSR above; the DFSP's CA signs it and the certificate comes back here."/> }.into_any();
                            }
                            view! { <div class="space-y-4">{list.into_iter().rev().map(|enrollment| view! { <OutboundCard enrollment actions/> }).collect_view()}</div> }.into_any()
                        }}/>
                    </section>
                </div>
            }
        }}/>
    }
}

#[component]
fn NewHubCsr(
    env: EnvironmentId,
    dfsp: DfspId,
    dn: domain::environments::DistinguishedName,
    actions: OutboundActions,
) -> impl IntoView {
    let make = actions.make;
    let feedback = FormFeedback::new(make.value());
    let field = move |name: &'static str| feedback.field(name);
    let upload = actions.upload_csr;
    let upload_feedback = FormFeedback::new(upload.value());
    let uploaded = RwSignal::new(0usize);
    let upload_form = NodeRef::<leptos::html::Form>::new();
    reset_after_success(
        move || upload.value().with(|r| matches!(r, Some(Ok(_)))),
        upload_form,
        move || uploaded.update(|n| *n += 1),
    );
    let dfsp_value = dfsp.to_string();
    let upload_dfsp = dfsp_value.clone();
    view! {
        <Card title="Make the Hub's CSR" description="The server makes an RSA-4096 key, keeps it sealed, and a CSR for it. Download the CSR below for the DFSP's CA to sign. A subject with CN, OU, O, L, ST, C and an email address passes every check.">
            <ActionForm action=make attr:class="grid grid-cols-1 gap-4 md:grid-cols-2" attr:id="make-hub-csr">
                {move || match make.value().get() {
                    Some(Ok(enrollment)) => view! { <div class="md:col-span-2"><SuccessNotice>{format!("Made enrollment {}: its CSR is below.", enrollment.id)}</SuccessNotice></div> }.into_any(),
                    Some(Err(error)) => view! { <div class="md:col-span-2"><FormError error/></div> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="env_id" value=env.get()/>
                <input type="hidden" name="dfsp_id" value=dfsp_value/>
                <TextField id="hub-csr-cn" label="Common name (CN)" name="form[cn]" value=dn.cn.unwrap_or_default() required=true maxlength=64 error=field("subject.CN")/>
                <TextField id="hub-csr-email" label="Email address" name="form[email]" maxlength=128 error=field("subject.emailAddress")/>
                <TextField id="hub-csr-o" label="Organization (O)" name="form[o]" value=dn.o.unwrap_or_default() maxlength=64 error=field("subject.O")/>
                <TextField id="hub-csr-ou" label="Organizational unit (OU)" name="form[ou]" value=dn.ou.unwrap_or_default() maxlength=64 error=field("subject.OU")/>
                <TextField id="hub-csr-c" label="Country (C)" name="form[c]" value=dn.c.unwrap_or_default() maxlength=2 error=field("subject.C")/>
                <TextField id="hub-csr-st" label="State or province (ST)" name="form[st]" value=dn.st.unwrap_or_default() maxlength=128 error=field("subject.ST")/>
                <TextField id="hub-csr-l" label="Locality (L)" name="form[l]" value=dn.l.unwrap_or_default() maxlength=128 error=field("subject.L")/>
                <TextField id="hub-csr-dns" label="DNS names" name="form[dns]" placeholder="hub.example.com" hint="Separated by commas; a DNS name or an IP address is required." error=field("extensions.subjectAltName")/>
                <TextField id="hub-csr-ips" label="IP addresses" name="form[ips]" placeholder="163.10.5.24"/>
                <div class="md:col-span-2">
                    <SubmitButton label="Make CSR" pending_label="Making the key and the CSR…" pending=make.pending()/>
                </div>
            </ActionForm>
            <details class="mt-6 border-t border-slate-100 pt-4">
                <summary class=format!("cursor-pointer text-sm {LINK_CLASS}")>"Or upload a CSR the Hub made elsewhere"</summary>
                <ActionForm action=upload node_ref=upload_form attr:class="mt-3 space-y-3" attr:id="upload-hub-csr">
                    {move || upload.value().get().and_then(Result::err).map(|error| view! { <FormError error/> })}
                    <input type="hidden" name="env_id" value=env.get()/>
                    <input type="hidden" name="dfsp_id" value=upload_dfsp/>
                    <PemField id="hub-csr" label="CSR" name="csr" csr=true required=true hint="Its key stays where it was made." error=upload_feedback.field("hubCSR") reset=uploaded/>
                    <SubmitButton label="Upload CSR" pending_label="Uploading…" pending=upload.pending()/>
                </ActionForm>
            </details>
        </Card>
    }
}

#[component]
fn OutboundCard(enrollment: OutboundEnrollment, actions: OutboundActions) -> impl IntoView {
    let env = enrollment.env_id;
    let dfsp = enrollment.dfsp_id.to_string();
    let id = enrollment.id;
    let stem = format!(
        "hub-{}-{id}",
        dfsp.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
    );
    let subject = if enrollment.certificate.is_some() {
        "certificate"
    } else {
        "CSR"
    };
    let certificate = enrollment
        .certificate
        .clone()
        .zip(enrollment.cert_info.clone());
    let can_return = enrollment.state != OutboundState::Validated;
    let can_validate = enrollment.state == OutboundState::CertSigned;
    let (return_action, validate) = (actions.certificate, actions.validate);
    let return_id = format!("return-{id}");
    let validate_dfsp = dfsp.clone();
    view! {
        <article class="space-y-3 rounded-lg border border-slate-200 bg-slate-50/60 p-4" data-testid="outbound">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <div class="min-w-0">
                    <h3 class="text-base font-semibold text-slate-900">{format!("Enrollment {id}")}</h3>
                    <p class="text-xs text-slate-500">{format!("Made {} by {}{}", enrollment.created_date.get(..10).unwrap_or_default(), enrollment.created_by.clone().unwrap_or_else(|| "an unknown user".into()),
                        if enrollment.key_kept { " · key kept sealed here" } else { " · key kept elsewhere" })}</p>
                </div>
                <OutboundStateBadge state=enrollment.state/>
            </div>
            <ValidationResults state=enrollment.validation_state validations=enrollment.validations.clone() subject=subject/>
            // The Hub validates what comes back.
            {can_validate.then(|| view! {
                <HubOnly>
                    {let validate_dfsp = validate_dfsp.clone();
                    view! {
                        <ActionForm action=validate attr:class="flex flex-wrap items-center gap-3">
                            <input type="hidden" name="env_id" value=env.get()/>
                            <input type="hidden" name="dfsp_id" value=validate_dfsp/>
                            <input type="hidden" name="id" value=id/>
                            <SubmitButton label="Validate" pending_label="Validating…" pending=validate.pending()/>
                            <span class="text-xs text-slate-600">"Checks the certificate against the DFSP's CA as it is now; it becomes Validated when every check passes."</span>
                        </ActionForm>
                    }}
                </HubOnly>
            })}
            {certificate.map(|(pem, info)| view! {
                <CertificateDetails info heading="Certificate" pem file_name=format!("{stem}-client.pem")/>
            })}
            <CsrDetails info=enrollment.csr_info.clone() pem=enrollment.csr.clone() file_name=format!("{stem}.csr")/>
            {can_return.then(|| {
                let feedback = FormFeedback::new(return_action.value());
                view! {
                    <details class="rounded-md border border-slate-200 bg-white p-3">
                        <summary class="cursor-pointer text-sm font-semibold text-slate-800">"Return the certificate the DFSP's CA signed"</summary>
                        <ActionForm action=return_action attr:class="mt-3 space-y-3" attr:id=return_id>
                            <input type="hidden" name="env_id" value=env.get()/>
                            <input type="hidden" name="dfsp_id" value=dfsp.clone()/>
                            <input type="hidden" name="id" value=id/>
                            <PemField id=format!("outbound-certificate-{id}") label="Certificate" name="certificate" required=true
                                hint="Signed by the DFSP's CA for this CSR." error=feedback.field("certificate")/>
                            <SubmitButton label="Return certificate" pending_label="Checking…" pending=return_action.pending()/>
                        </ActionForm>
                    </details>
                }
            })}
        </article>
    }
}
