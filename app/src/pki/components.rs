//! What every certificate view of the portal shares: a certificate's details (with its expiry
//! and a `.pem` download), validation results, and the PEM field that reads a pasted or dropped
//! certificate and shows what it holds before it is submitted.

use domain::pki::validations::{Validation, ValidationResult, ValidationState};
use domain::pki::{CertInfo, CsrInfo};
use leptos::prelude::*;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use crate::components::{INPUT_CLASS, LINK_CLASS, SECONDARY_BUTTON};
use crate::pki::rpc::{list_cas, list_hub_cas, preview_certificates, preview_csr};

/// The environment's own CAs (current first) and its external Hub CAs, loaded for the pages
/// that show or use them; empty while the URL names no environment.
pub struct EnvironmentCas {
    pub internal: Resource<
        Result<Vec<domain::pki::authorities::CertificateAuthority>, crate::error::PortalError>,
    >,
    pub external: Resource<Result<Vec<domain::pki::hub_cas::HubCa>, crate::error::PortalError>>,
}

pub fn environment_cas(
    env_id: Memo<Option<domain::environments::EnvironmentId>>,
) -> EnvironmentCas {
    EnvironmentCas {
        internal: Resource::new(
            move || env_id.get(),
            |env| async move {
                match env {
                    Some(env) => list_cas(env).await,
                    None => Ok(Vec::new()),
                }
            },
        ),
        external: Resource::new(
            move || env_id.get(),
            |env| async move {
                match env {
                    Some(env) => list_hub_cas(env).await,
                    None => Ok(Vec::new()),
                }
            },
        ),
    }
}

/// Seconds since the Unix epoch: the services' clock while rendering on the server, the
/// browser's after.
fn now_unix() -> Option<i64> {
    #[cfg(feature = "ssr")]
    {
        use_context::<domain::Services>().map(|services| services.now().unix_timestamp())
    }
    #[cfg(not(feature = "ssr"))]
    {
        Some((js_sys::Date::now() / 1000.0) as i64)
    }
}

/// Seconds since the epoch of an RFC 3339 UTC instant as `CertInfo` writes them
/// (`2031-11-27T09:30:00Z`).
fn unix_of(instant: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| instant.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// `2031-11-27 09:30 UTC`.
pub fn human_instant(instant: &str) -> String {
    match (instant.get(..10), instant.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => instant.to_owned(),
    }
}

/// How a certificate's validity stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    NotYetValid,
    Expired { days_ago: i64 },
    Soon { days: i64 },
    Valid { days: i64 },
}

pub fn expiry(info: &CertInfo) -> Option<Expiry> {
    let now = now_unix()?;
    let (from, to) = (unix_of(&info.not_before)?, unix_of(&info.not_after)?);
    Some(if now < from {
        Expiry::NotYetValid
    } else if now > to {
        Expiry::Expired {
            days_ago: (now - to) / 86_400,
        }
    } else {
        let days = (to - now) / 86_400;
        if days < 30 {
            Expiry::Soon { days }
        } else {
            Expiry::Valid { days }
        }
    })
}

/// A badge that says whether the certificate is valid now, and for how long.
#[component]
pub fn ExpiryBadge(info: CertInfo) -> impl IntoView {
    let (text, class) = match expiry(&info) {
        Some(Expiry::NotYetValid) => (
            format!("Not valid before {}", human_instant(&info.not_before)),
            "bg-amber-50 text-amber-800 ring-amber-600/30",
        ),
        Some(Expiry::Expired { days_ago }) => (
            format!("Expired {}", days_phrase(days_ago, true)),
            "bg-red-50 text-red-800 ring-red-600/30",
        ),
        Some(Expiry::Soon { days }) => (
            format!("Expires {}", days_phrase(days, false)),
            "bg-amber-50 text-amber-800 ring-amber-600/30",
        ),
        Some(Expiry::Valid { days }) => (
            format!("Valid for {}", duration_phrase(days)),
            "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
        ),
        None => (
            "Validity unknown".to_owned(),
            "bg-slate-50 text-slate-700 ring-slate-500/30",
        ),
    };
    view! {
        <span class=format!("inline-flex whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}") data-testid="expiry">
            {text}
        </span>
    }
}

/// "in 3 days", "tomorrow", "2 days ago", ...: `days` whole days before (`past`: after) now.
pub fn days_phrase(days: i64, past: bool) -> String {
    match (days, past) {
        (0, true) => "today".into(),
        (0, false) => "within a day".into(),
        (1, true) => "yesterday".into(),
        (1, false) => "tomorrow".into(),
        (n, true) => format!("{n} days ago"),
        (n, false) => format!("in {n} days"),
    }
}

fn duration_phrase(days: i64) -> String {
    if days >= 730 {
        format!("{} more years", (days as f64 / 365.25).round())
    } else {
        format!("{days} more days")
    }
}

/// The name a person knows a certificate by: its CN, else its organization, else its serial.
pub fn display_name(info: &CertInfo) -> String {
    info.subject
        .common_name
        .clone()
        .or_else(|| info.subject.organization.clone())
        .unwrap_or_else(|| format!("Serial {}", info.serial_hex))
}

fn key_text(info: &CertInfo) -> String {
    let key = &info.public_key;
    match &key.curve {
        Some(curve) => format!("{} {curve}", key.algorithm),
        None => format!("{} {} bits", key.algorithm, key.bits),
    }
}

/// A link that downloads `pem` as `file_name`, built in the page: it works before hydration.
#[component]
pub fn PemDownload(
    pem: String,
    #[prop(into)] file_name: String,
    #[prop(into)] label: String,
) -> impl IntoView {
    let href = format!(
        "data:application/x-pem-file;charset=utf-8,{}",
        utf8_percent_encode(&pem, NON_ALPHANUMERIC)
    );
    view! {
        <a href=href download=file_name class=SECONDARY_BUTTON data-testid="download">
            <svg class="h-4 w-4" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
                <path d="M10.75 2.75a.75.75 0 0 0-1.5 0v8.614L6.295 8.235a.75.75 0 1 0-1.09 1.03l4.25 4.5a.75.75 0 0 0 1.09 0l4.25-4.5a.75.75 0 0 0-1.09-1.03l-2.955 3.129V2.75Z"/>
                <path d="M3.5 12.75a.75.75 0 0 0-1.5 0v2.5A2.75 2.75 0 0 0 4.75 18h10.5A2.75 2.75 0 0 0 18 15.25v-2.5a.75.75 0 0 0-1.5 0v2.5c0 .69-.56 1.25-1.25 1.25H4.75c-.69 0-1.25-.56-1.25-1.25v-2.5Z"/>
            </svg>
            {label}
        </a>
    }
}

fn detail_row(term: &'static str, value: String, mono: bool) -> impl IntoView {
    let class = if mono {
        "font-mono text-xs text-slate-800 [overflow-wrap:anywhere]"
    } else {
        "text-sm text-slate-800 [overflow-wrap:anywhere]"
    };
    view! {
        <div class="grid grid-cols-1 gap-0.5 py-2 sm:grid-cols-[11rem_1fr] sm:gap-4">
            <dt class="text-xs font-medium uppercase tracking-wide text-slate-500">{term}</dt>
            <dd class=class>{value}</dd>
        </div>
    }
}

/// Everything a person checks in a certificate. `heading` names it ("Root certificate");
/// with `pem`, it can be viewed and downloaded as `file_name`.
#[component]
pub fn CertificateDetails(
    info: CertInfo,
    #[prop(into)] heading: String,
    #[prop(optional)] pem: Option<String>,
    #[prop(optional, into)] file_name: Option<String>,
) -> impl IntoView {
    let name = display_name(&info);
    let mut rows = vec![
        detail_row("Subject", info.subject.to_string(), false).into_any(),
        detail_row("Issuer", info.issuer.to_string(), false).into_any(),
        detail_row(
            "Valid",
            format!(
                "{} to {}",
                human_instant(&info.not_before),
                human_instant(&info.not_after)
            ),
            false,
        )
        .into_any(),
    ];
    let alt_names = alt_names_text(&info.extensions.subject_alt_name);
    if !alt_names.is_empty() {
        rows.push(detail_row("Alternative names", alt_names.join(", "), false).into_any());
    }
    rows.push(detail_row("Key", key_text(&info), false).into_any());
    rows.push(detail_row("Signature", info.signature_algorithm.clone(), false).into_any());
    if let Some(bc) = info.basic_constraints {
        let text = match (bc.ca, bc.path_length) {
            (true, Some(n)) => format!("CA, at most {n} CAs below it"),
            (true, None) => "CA".to_owned(),
            (false, _) => "Not a CA".to_owned(),
        };
        rows.push(detail_row("Basic constraints", text, false).into_any());
    }
    if !info.key_usages.is_empty() {
        rows.push(detail_row("Key usage", info.key_usages.join(", "), false).into_any());
    }
    if !info.extended_key_usages.is_empty() {
        rows.push(
            detail_row(
                "Extended key usage",
                info.extended_key_usages.join(", "),
                false,
            )
            .into_any(),
        );
    }
    rows.push(detail_row("Serial", info.serial_hex.clone(), true).into_any());
    rows.push(detail_row("SHA-256 fingerprint", info.fingerprint_sha256.clone(), true).into_any());
    let file_name = file_name.unwrap_or_else(|| "certificate.pem".into());
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="certificate">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="text-xs font-semibold uppercase tracking-wide text-slate-500">{heading}</p>
                    <h3 class="mt-0.5 text-base font-semibold text-slate-900 [overflow-wrap:anywhere]" data-testid="certificate-name">{name}</h3>
                    <div class="mt-1 flex flex-wrap gap-2">
                        <ExpiryBadge info=info.clone()/>
                        {info.self_issued.then(|| view! {
                            <span class="inline-flex rounded-md bg-slate-50 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-500/30">"Self-signed"</span>
                        })}
                    </div>
                </div>
                {pem.clone().map(|pem| view! { <PemDownload pem file_name label="Download .pem"/> })}
            </div>
            <dl class="mt-3 divide-y divide-slate-100">{rows}</dl>
            {pem.map(|pem| view! {
                <details class="mt-2">
                    <summary class=format!("cursor-pointer text-sm {LINK_CLASS}")>"Show PEM"</summary>
                    <pre class="mt-2 max-h-64 overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" tabindex="0">{pem}</pre>
                </details>
            })}
        </section>
    }
}

fn validation_icon(result: ValidationResult) -> impl IntoView {
    let (path, class, label) = match result {
        ValidationResult::Valid => (
            "M16.704 4.153a.75.75 0 0 1 .143 1.052l-8 10.5a.75.75 0 0 1-1.127.075l-4.5-4.5a.75.75 0 0 1 1.06-1.06l3.894 3.893 7.48-9.817a.75.75 0 0 1 1.05-.143Z",
            "text-emerald-600",
            "Passed",
        ),
        ValidationResult::Invalid => (
            "M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z",
            "text-red-600",
            "Failed",
        ),
        ValidationResult::NotAvailable => (
            "M4 10a.75.75 0 0 1 .75-.75h10.5a.75.75 0 0 1 0 1.5H4.75A.75.75 0 0 1 4 10Z",
            "text-slate-400",
            "Not checked",
        ),
    };
    view! {
        <span class="mt-0.5 shrink-0">
            <svg class=format!("h-5 w-5 {class}") viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path fill-rule="evenodd" d=path clip-rule="evenodd"/></svg>
            <span class="sr-only">{label}</span>
        </span>
    }
}

/// The outcome of a set of validations: a banner that says it in one line, then every check.
/// `subject` names what was checked ("certificate authority").
#[component]
pub fn ValidationResults(
    state: ValidationState,
    validations: Vec<Validation>,
    #[prop(into)] subject: String,
) -> impl IntoView {
    let failed = validations
        .iter()
        .filter(|v| v.result == ValidationResult::Invalid)
        .count();
    let (text, class) = match state {
        ValidationState::Valid => (
            format!("This {subject} passed every check."),
            "border-emerald-200 bg-emerald-50 text-emerald-900",
        ),
        ValidationState::Invalid => (
            format!(
                "This {subject} failed {failed} check{}: see below what to fix.",
                if failed == 1 { "" } else { "s" }
            ),
            "border-red-200 bg-red-50 text-red-900",
        ),
        ValidationState::NotAvailable => (
            format!("There is no {subject} to check yet."),
            "border-slate-200 bg-slate-50 text-slate-700",
        ),
    };
    let checks = validations.len();
    let state_name = match state {
        ValidationState::Valid => "VALID",
        ValidationState::Invalid => "INVALID",
        ValidationState::NotAvailable => "NOT_AVAILABLE",
    };
    view! {
        <div class="space-y-2" data-testid="validations" data-state=state_name>
            <p class=format!("rounded-md border px-4 py-2.5 text-sm font-medium {class}") data-testid="validation-state">{text}</p>
            {(!validations.is_empty()).then(|| view! {
                // Open when something failed; one click away otherwise.
                <details class="group" open=state == ValidationState::Invalid>
                <summary class=format!("cursor-pointer text-sm {LINK_CLASS}")>{format!("The {checks} checks")}</summary>
                <ul class="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
                    {validations.into_iter().map(|v| {
                        let code = serde_json::to_value(v.validation_code).ok().and_then(|c| c.as_str().map(str::to_owned)).unwrap_or_default();
                        let result = v.result;
                        let code_attribute = code.clone();
                        view! {
                            <li class="flex gap-3 px-4 py-2.5" data-testid="validation" data-code=code_attribute
                                data-result=match result { ValidationResult::Valid => "VALID", ValidationResult::Invalid => "INVALID", ValidationResult::NotAvailable => "NOT_AVAILABLE" }>
                                {validation_icon(result)}
                                <div class="min-w-0">
                                    <p class="text-sm text-slate-800 [overflow-wrap:anywhere]">{v.message}</p>
                                    <p class="mt-0.5 font-mono text-[11px] text-slate-500 [overflow-wrap:anywhere]">{code}</p>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                </details>
            })}
        </div>
    }
}

/// A short summary of one certificate of a preview.
fn preview_line(info: &CertInfo) -> impl IntoView {
    let ca = info.basic_constraints.is_some_and(|bc| bc.ca);
    let kind = match (ca, info.self_issued) {
        (true, true) => "Root CA",
        (true, false) => "Intermediate CA",
        (false, true) => "Self-signed certificate",
        (false, false) => "Certificate",
    };
    view! {
        <li class="py-2" data-testid="preview-certificate">
            <p class="flex flex-wrap items-center gap-2 text-sm">
                <span class="font-semibold text-slate-900 [overflow-wrap:anywhere]">{display_name(info)}</span>
                <span class="text-xs text-slate-500">{kind}</span>
                <ExpiryBadge info=info.clone()/>
            </p>
            <p class="mt-0.5 text-xs text-slate-600 [overflow-wrap:anywhere]">
                {format!("Issued by {} · {} to {} · {}", info.issuer, human_instant(&info.not_before), human_instant(&info.not_after), key_text(info))}
            </p>
        </li>
    }
}

fn alt_names_text(names: &domain::pki::SubjectAltNames) -> Vec<String> {
    [
        ("DNS", &names.dns),
        ("IP", &names.ips),
        ("email", &names.email_addresses),
        ("URI", &names.uris),
    ]
    .into_iter()
    .flat_map(|(kind, list)| list.iter().map(move |name| format!("{kind}:{name}")))
    .collect()
}

fn csr_key_text(info: &CsrInfo) -> String {
    let key = &info.public_key;
    match &key.curve {
        Some(curve) => format!("{} {curve}", key.algorithm),
        None => format!("{} {} bits", key.algorithm, key.bits),
    }
}

/// One line about a CSR: its name, key and alternative names.
fn csr_summary(info: &CsrInfo) -> impl IntoView {
    let names = alt_names_text(&info.extensions.subject_alt_name);
    view! {
        <p class="text-sm font-semibold text-slate-900 [overflow-wrap:anywhere]">{info.subject.to_string()}</p>
        <p class="mt-0.5 text-xs text-slate-600 [overflow-wrap:anywhere]">
            {format!("{} · {}{}", csr_key_text(info), info.signature_algorithm,
                if names.is_empty() { String::new() } else { format!(" · {}", names.join(", ")) })}
        </p>
    }
}

/// What a CSR asks for: its subject, alternative names, key and signature; with `pem`, it can
/// be viewed and downloaded as `file_name`.
#[component]
pub fn CsrDetails(
    info: CsrInfo,
    #[prop(optional)] pem: Option<String>,
    #[prop(optional, into)] file_name: Option<String>,
) -> impl IntoView {
    let names = alt_names_text(&info.extensions.subject_alt_name);
    let mut rows = vec![detail_row("Subject", info.subject.to_string(), false).into_any()];
    if !names.is_empty() {
        rows.push(detail_row("Alternative names", names.join(", "), false).into_any());
    }
    rows.push(detail_row("Key", csr_key_text(&info), false).into_any());
    rows.push(detail_row("Signature", info.signature_algorithm.clone(), false).into_any());
    let title = info
        .subject
        .common_name
        .clone()
        .unwrap_or_else(|| "A CSR without a common name".into());
    let file_name = file_name.unwrap_or_else(|| "request.csr".into());
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="csr">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="text-xs font-semibold uppercase tracking-wide text-slate-500">"Certificate signing request"</p>
                    <h3 class="mt-0.5 text-base font-semibold text-slate-900 [overflow-wrap:anywhere]">{title}</h3>
                </div>
                {pem.clone().map(|pem| view! { <PemDownload pem file_name label="Download CSR"/> })}
            </div>
            <dl class="mt-3 divide-y divide-slate-100">{rows}</dl>
        </section>
    }
}

/// A certificate field: paste PEM, drop a file on it, or choose one. What it holds is read and
/// shown at once (before anything is submitted), by the same reader the server uses. `many`:
/// a chain of certificates rather than exactly one.
#[component]
pub fn PemField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// The form field's name (`form[root]`).
    #[prop(into)]
    name: String,
    #[prop(into)] hint: String,
    #[prop(optional)] many: bool,
    /// A CSR rather than certificates.
    #[prop(optional)]
    csr: bool,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] error: Signal<Option<String>>,
    /// Cleared with the form (bumped after a successful submission).
    #[prop(optional, into)]
    reset: Signal<usize>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    // The server's message is about what was submitted: once the text changes, the preview
    // speaks for it instead, until the next answer.
    let edited = RwSignal::new(false);
    Effect::new(move |_| {
        error.track();
        edited.set(false);
    });
    let error = Signal::derive(move || if edited.get() { None } else { error.get() });
    Effect::new(move |previous: Option<usize>| {
        let now = reset.get();
        if previous.is_some_and(|p| p != now) {
            text.set(String::new());
        }
        now
    });
    // What the text holds, asked of the server whenever it changes; an answer to an older text
    // is dropped. Not a resource: the preview must never hold up the page it is on (a pending
    // resource inside a <Transition> shows the page's fallback).
    let preview = RwSignal::new(None::<Result<Vec<CertInfo>, crate::error::PortalError>>);
    let csr_preview = RwSignal::new(None::<Result<CsrInfo, crate::error::PortalError>>);
    let asked = RwSignal::new(0usize);
    Effect::new(move |_| {
        let pasted = text.get();
        let ticket = asked.get_untracked() + 1;
        asked.set(ticket);
        if pasted.trim().is_empty() {
            preview.set(None);
            csr_preview.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            if csr {
                let answer = preview_csr(pasted).await;
                if asked.get_untracked() == ticket {
                    csr_preview.set(Some(answer));
                }
            } else {
                let answer = preview_certificates(pasted).await;
                if asked.get_untracked() == ticket {
                    preview.set(Some(answer));
                }
            }
        });
    });
    let read_file = move |file: web_sys::File| {
        leptos::task::spawn_local(async move {
            if let Ok(value) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                if let Some(content) = value.as_string() {
                    edited.set(true);
                    text.set(content);
                }
            }
        });
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|transfer| transfer.files())
            .and_then(|files| files.get(0))
        {
            read_file(file);
        }
    };
    let on_choose = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            read_file(file);
        }
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let preview_id = format!("{id}-preview");
    let file_id = format!("{id}-file");
    let described_by = {
        let (hint_id, error_id, preview_id) =
            (hint_id.clone(), error_id.clone(), preview_id.clone());
        move || {
            let mut ids = vec![hint_id.clone(), preview_id.clone()];
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    let frame = move || {
        if dragging.get() {
            "rounded-md ring-2 ring-indigo-500 ring-offset-2"
        } else {
            "rounded-md"
        }
    };
    let testid = format!("pem-{id}");
    let label_for = id.clone();
    let file_label_for = file_id.clone();
    view! {
        <div data-testid=testid>
            <div class="mb-1 flex flex-wrap items-baseline justify-between gap-2">
                <label for=label_for class="block text-sm font-medium text-slate-700">
                    {label}
                    {required.then(|| view! { <span class="text-red-600" aria-hidden="true">" *"</span> })}
                </label>
                <label for=file_label_for class=format!("cursor-pointer text-sm {LINK_CLASS}")>
                    "Choose a file"
                    <input id=file_id type="file" accept=".pem,.crt,.cer,.csr,.req,application/x-pem-file" class="sr-only" on:change=on_choose/>
                </label>
            </div>
            <div class=frame
                on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <textarea id=id name=name rows="5" spellcheck="false" required=required
                    class=format!("{INPUT_CLASS} font-mono text-xs")
                    placeholder=if csr { "-----BEGIN CERTIFICATE REQUEST-----" } else { "-----BEGIN CERTIFICATE-----" }
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=described_by
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        edited.set(true);
                        text.set(event_target_value(&ev));
                    }></textarea>
            </div>
            <p id=hint_id class="mt-1 text-xs text-slate-500">{hint}</p>
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="mt-1 text-sm text-red-700" data-testid="field-error">{e}</p> })}
            <div id=preview_id aria-live="polite" data-testid="preview">
                {move || csr_preview.get().map(|result| match result {
                    Ok(info) => view! {
                        <div class="mt-2 rounded-md border border-slate-200 bg-slate-50 px-3 py-2" data-testid="preview-csr">
                            {csr_summary(&info)}
                        </div>
                    }.into_any(),
                    Err(error) => view! {
                        <p class="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="preview-error">
                            {format!("This is not a CSR that can be read: it {}", error_text(&error))}
                        </p>
                    }.into_any(),
                })}
                {move || preview.get().map(|result| match result {
                    Ok(infos) => {
                        let warning = (!many && infos.len() > 1).then(|| view! {
                            <p class="text-sm text-amber-800">{format!("This holds {} certificates where one is expected: keep the root here and put the others under the intermediate chain.", infos.len())}</p>
                        });
                        view! {
                            <div class="mt-2 rounded-md border border-slate-200 bg-slate-50 px-3">
                                {warning}
                                <ul class="divide-y divide-slate-200">{infos.iter().map(preview_line).collect_view()}</ul>
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! {
                        <p class="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="preview-error">
                            {format!("This is not a certificate that can be read: it {}", error_text(&error))}
                        </p>
                    }.into_any(),
                })}
            </div>
        </div>
    }
}

/// The field message of a preview error ("is not valid PEM: ..."), else its whole message.
fn error_text(error: &crate::error::PortalError) -> String {
    match error {
        crate::error::PortalError::Domain(domain) => domain
            .field_message("text")
            .map(str::to_owned)
            .unwrap_or_else(|| domain.to_string()),
        other => other.to_string(),
    }
}

/// A file name made of `parts`, safe on every system: `DEV-root.pem`.
pub fn file_name(parts: &[&str]) -> String {
    let stem: String = parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}.pem")
}

/// The intermediates of a chain, each with its details.
pub fn intermediates_view(
    infos: Vec<CertInfo>,
    chain_pem: Option<String>,
    name: String,
) -> impl IntoView {
    let pems = split_pem_blocks(chain_pem.as_deref().unwrap_or_default());
    let count = infos.len();
    infos
        .into_iter()
        .enumerate()
        .map(|(i, info)| {
            let pem = pems.get(i).cloned();
            let heading = if count == 1 {
                "Intermediate certificate".to_owned()
            } else {
                format!("Intermediate certificate {} of {count}", i + 1)
            };
            let file = file_name(&[&name, &format!("intermediate-{}", i + 1)]);
            match pem {
                Some(pem) => {
                    view! { <CertificateDetails info heading pem file_name=file/> }.into_any()
                }
                None => view! { <CertificateDetails info heading/> }.into_any(),
            }
        })
        .collect_view()
}

/// The PEM blocks of a text, in order.
pub fn split_pem_blocks(text: &str) -> Vec<String> {
    const END: &str = "-----END CERTIFICATE-----";
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let Some(end) = rest[start..].find(END) else {
            break;
        };
        let stop = start + end + END.len();
        blocks.push(format!("{}\n", &rest[start..stop]));
        rest = &rest[stop..];
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name(&["DEV env", "root"]), "DEV_env-root.pem");
        assert_eq!(file_name(&["hub", "a/b\\c", "root"]), "hub-a_b_c-root.pem");
    }

    #[test]
    fn a_chain_splits_into_its_blocks() {
        let block =
            |n: u8| format!("-----BEGIN CERTIFICATE-----\nQUFB{n}\n-----END CERTIFICATE-----");
        let text = format!("s:/CN=a\n{}\n{}\n", block(1), block(2));
        assert_eq!(
            split_pem_blocks(&text),
            [format!("{}\n", block(1)), format!("{}\n", block(2))]
        );
        assert!(split_pem_blocks("garbage").is_empty());
    }

    #[test]
    fn instants_are_read_as_unix_seconds() {
        assert_eq!(unix_of("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_of("2026-11-28T09:30:00Z"), Some(1_795_858_200));
        assert_eq!(unix_of("2000-02-29T23:59:59Z"), Some(951_868_799));
        assert_eq!(unix_of("not a date"), None);
        assert_eq!(
            human_instant("2031-11-27T09:30:00Z"),
            "2031-11-27 09:30 UTC"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_phrase(3649), "10 more years");
        assert_eq!(duration_phrase(400), "400 more days");
        assert_eq!(days_phrase(1, false), "tomorrow");
        assert_eq!(days_phrase(12, true), "12 days ago");
    }
}
