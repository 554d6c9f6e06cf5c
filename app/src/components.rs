//! Building blocks shared by every portal page: headings, cards, form fields, buttons,
//! notices, empty states and the delete confirmation.

use leptos::either::Either;
use leptos::oco::Oco;
use leptos::prelude::*;

use leptos_meta::Title;

use crate::error::PortalError;

pub const INPUT_CLASS: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-red-500/20";
pub const PRIMARY_BUTTON: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-wait disabled:opacity-60";
pub const SECONDARY_BUTTON: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-white px-3 py-2 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";
pub const DANGER_BUTTON: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-red-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:cursor-wait disabled:opacity-60";
/// For the cells of a column that a narrow screen leaves out (see `Table`).
pub const NARROW_HIDDEN: &str = "hidden sm:table-cell";
/// The rows of a table made with `stack_narrow`: on a narrow screen a row wraps, its first cell
/// (`STACKED_FIRST`) takes the whole line and the others follow under it, the last one
/// (`STACKED_LAST`, the actions) at the right.
pub const STACKED_ROW: &str = "max-sm:flex max-sm:flex-wrap max-sm:items-start";
pub const STACKED_FIRST: &str = "max-sm:w-full max-sm:pb-1";
pub const STACKED_LAST: &str = "max-sm:ml-auto max-sm:pt-1";
pub const LINK_CLASS: &str = "font-medium text-indigo-700 hover:text-indigo-500 hover:underline";

/// The title block of a page, with optional actions on the right.
#[component]
pub fn PageHeader(
    #[prop(into)] title: Signal<String>,
    #[prop(optional, into)] subtitle: MaybeProp<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
            <div class="min-w-0">
                <h1 class="truncate text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
                {move || subtitle.get().map(|s| view! { <p class="mt-1 text-sm text-slate-600">{s}</p> })}
            </div>
            {children.map(|c| view! { <div class="flex items-center gap-2">{c()}</div> })}
        </div>
    }
}

#[component]
pub fn Card(
    #[prop(optional, into)] title: Option<String>,
    #[prop(optional, into)] description: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="rounded-lg border border-slate-200 bg-white shadow-sm">
            {title.map(|t| view! {
                <div class="border-b border-slate-200 px-5 py-4">
                    <h2 class="text-base font-semibold text-slate-900">{t}</h2>
                    {description.map(|d| view! { <p class="mt-1 text-sm text-slate-600">{d}</p> })}
                </div>
            })}
            <div class="px-5 py-4">{children()}</div>
        </section>
    }
}

/// What went wrong, in words, with the per-field problems listed.
#[component]
pub fn ErrorPanel(error: PortalError) -> impl IntoView {
    let fields = error.field_errors().to_vec();
    view! {
        <div role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800" data-testid="error">
            <p class="font-semibold">{error.title()}</p>
            <p class="mt-1">{error.to_string()}</p>
            {(!fields.is_empty()).then(|| view! {
                <ul class="mt-2 list-disc space-y-0.5 pl-5">
                    {fields.into_iter().map(|f| view! { <li><span class="font-mono">{f.field}</span>": "{f.message}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// The error of a form whose fields show their own messages: for input problems a pointer to
/// the highlighted fields, for anything else the whole story.
#[component]
pub fn FormError(error: PortalError) -> impl IntoView {
    use domain::DomainError;
    match &error {
        PortalError::Domain(DomainError::Invalid { fields, .. }) if !fields.is_empty() => {
            let count = fields.len();
            view! {
                <div role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm font-medium text-red-800" data-testid="error">
                    {if count == 1 { "Please correct the highlighted field.".to_owned() } else { format!("Please correct the {count} highlighted fields.") }}
                </div>
            }
            .into_any()
        }
        PortalError::Domain(DomainError::Conflict(_)) => view! {
            <div role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm font-medium text-red-800" data-testid="error">
                "This would duplicate what already exists; see the highlighted field."
            </div>
        }
        .into_any(),
        _ => view! { <ErrorPanel error/> }.into_any(),
    }
}

#[component]
pub fn SuccessNotice(children: Children) -> impl IntoView {
    view! {
        <div role="status" class="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800" data-testid="success">
            {children()}
        </div>
    }
}

/// A labelled text input. `error` shows under the input and marks it invalid.
#[component]
pub fn TextField(
    // `Oco`s: most are written in the page's source, and a `String` would copy each of them
    // for every render (a dozen fields on some pages).
    #[prop(into)] label: Oco<'static, str>,
    #[prop(into)] name: Oco<'static, str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional, into)] placeholder: Option<Oco<'static, str>>,
    #[prop(optional, into)] hint: Option<Oco<'static, str>>,
    #[prop(optional, into)] pattern: Option<Oco<'static, str>>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional, into)] on_input: Option<Callback<String>>,
    /// Keeps the input's value in step with a signal (for fields filled in by the page).
    #[prop(optional, into)]
    live_value: Option<Signal<String>>,
    /// The element id, where a page has several inputs of one name; `field-<name>` otherwise.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    // Ids joined by hand rather than with `format!`: a page renders a dozen of these fields.
    let id = id.unwrap_or_else(|| ["field-", name.as_str()].concat());
    let error_id = [id.as_str(), "-error"].concat();
    let hint_id = hint.is_some().then(|| [id.as_str(), "-hint"].concat());
    let described_by = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || match (&hint_id, error.get().is_some()) {
            (Some(hint_id), true) => Some([hint_id.as_str(), " ", error_id.as_str()].concat()),
            (Some(hint_id), false) => Some(hint_id.clone()),
            (None, true) => Some(error_id.clone()),
            (None, false) => None,
        }
    };
    let aria_invalid = move || {
        if error.get().is_some() {
            "true"
        } else {
            "false"
        }
    };
    let on_input = move |ev| {
        if let Some(cb) = on_input {
            cb.run(event_target_value(&ev));
        }
    };
    // Two spellings of one input: a live value must be a DOM property, or typing in the other
    // field would not show up here.
    let input = match live_value {
        Some(live) => Either::Left(view! {
            <input id=id.clone() name=name type="text" class=INPUT_CLASS required=required
                maxlength=maxlength pattern=pattern placeholder=placeholder
                aria-invalid=aria_invalid aria-describedby=described_by on:input=on_input
                prop:value=move || live.get()/>
        }),
        None => Either::Right(view! {
            <input id=id.clone() name=name type="text" class=INPUT_CLASS required=required
                maxlength=maxlength pattern=pattern placeholder=placeholder value=value
                aria-invalid=aria_invalid aria-describedby=described_by on:input=on_input/>
        }),
    };
    view! {
        <div>
            <label for=id class="mb-1 block text-sm font-medium text-slate-700">
                {label}
                {required.then(|| view! { <span class="text-red-600" aria-hidden="true">" *"</span> })}
            </label>
            {input}
            {hint.map(|h| view! { <p id=hint_id class="mt-1 text-xs text-slate-500">{h}</p> })}
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="mt-1 text-sm text-red-700" data-testid="field-error">{e}</p> })}
        </div>
    }
}

#[component]
pub fn SubmitButton(
    #[prop(into)] label: String,
    #[prop(into)] pending_label: String,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=if danger { DANGER_BUTTON } else { PRIMARY_BUTTON }
            disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()
        >
            {move || if pending.get() {
                view! { <Spinner/> {pending_label.clone()} }.into_any()
            } else {
                label.clone().into_any()
            }}
        </button>
    }
}

#[component]
pub fn Spinner() -> impl IntoView {
    view! {
        <svg class="h-4 w-4 animate-spin" viewBox="0 0 24 24" fill="none" aria-hidden="true">
            <circle class="opacity-25" cx="12" cy="12" r="10" stroke="currentColor" stroke-width="4"></circle>
            <path class="opacity-75" fill="currentColor" d="M4 12a8 8 0 018-8v4a4 4 0 00-4 4H4z"></path>
        </svg>
    }
}

#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <p class="flex items-center gap-2 py-6 text-sm text-slate-500" role="status">
            <Spinner/> {format!("Loading {what}…")}
        </p>
    }
}

/// Shown where a list is empty: what it is, and what to do next.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into)] body: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="rounded-lg border-2 border-dashed border-slate-200 px-6 py-10 text-center" data-testid="empty-state">
            <p class="text-sm font-semibold text-slate-800">{title}</p>
            <p class="mx-auto mt-1 max-w-md text-sm text-slate-600">{body}</p>
            {children.map(|c| view! { <div class="mt-4">{c()}</div> })}
        </div>
    }
}

/// A destructive action behind a second step. Built on `<details>`, so it works before the
/// page is hydrated and without JavaScript; `children` is the form that really deletes.
#[component]
pub fn ConfirmDelete(
    /// The label of the first button, e.g. "Delete".
    #[prop(into)]
    label: String,
    /// What will be lost, in words.
    #[prop(into)]
    warning: String,
    /// Opens in the page flow (for a "delete" section) instead of as a popover (for tables).
    #[prop(optional)]
    inline: bool,
    children: Children,
) -> impl IntoView {
    let panel = if inline {
        "mt-3 max-w-lg rounded-lg border border-red-200 bg-red-50/40 p-4"
    } else {
        // In the flow of its table cell, not floating: a table scrolls sideways on a narrow
        // screen, and a floating panel would be clipped by it.
        "mt-2 w-72 max-w-[80vw] whitespace-normal rounded-lg border border-red-200 bg-white p-4 text-left shadow-sm"
    };
    view! {
        <details class="group relative inline-block text-left">
            <summary class="inline-flex cursor-pointer list-none items-center rounded-md px-3 py-1.5 text-sm font-semibold text-red-700 ring-1 ring-inset ring-red-200 hover:bg-red-50 group-open:bg-red-50 [&::-webkit-details-marker]:hidden">
                {label}
            </summary>
            <div class=panel>
                <p class="text-sm text-slate-700">{warning}</p>
                <div class="mt-3 flex justify-end gap-2">{children()}</div>
            </div>
        </details>
    }
}

/// How a table's rows are sorted, and the links that sort them otherwise: for each column, the
/// URL that sorts by it (`None`: the column does not sort).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sorting {
    pub links: Vec<Option<String>>,
    /// The column the rows are sorted by, and whether ascending.
    pub column: usize,
    pub ascending: bool,
}

/// A list table: column headings (the last one, "Actions", only for screen readers) and the rows
/// given as children.
#[component]
pub fn Table(
    /// For tests: `data-testid` of the table.
    #[prop(into)]
    testid: String,
    columns: &'static [&'static str],
    /// For a table without links or buttons: its name, which makes the scrolling area a
    /// labelled region that the keyboard can reach (to scroll it on a narrow screen).
    #[prop(default = None)]
    label: Option<String>,
    /// Columns (by position) left out on a narrow screen; their cells carry `NARROW_HIDDEN`.
    #[prop(default = &[])]
    narrow_hidden: &'static [usize],
    /// Rows that wrap on a narrow screen instead of scrolling sideways; their cells carry
    /// `STACKED_ROW`, `STACKED_FIRST` and `STACKED_LAST`. The headings are then read out only.
    #[prop(optional)]
    stack_narrow: bool,
    /// Headings that sort the rows by their column, as links.
    #[prop(default = None)]
    sorting: Option<Sorting>,
    children: Children,
) -> impl IntoView {
    let focusable = label.is_some().then_some("0");
    let role = label.is_some().then_some("region");
    let head_class = if stack_narrow {
        "whitespace-nowrap bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 max-sm:sr-only"
    } else {
        "whitespace-nowrap bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
    };
    view! {
        // Scrolls sideways inside its card when the screen is narrower than the table.
        <div class="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
            tabindex=focusable role=role aria-label=label>
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid=testid>
                <thead class=head_class>
                    <tr>
                        {columns.iter().enumerate().map(|(i, c)| {
                            let class = if narrow_hidden.contains(&i) { format!("{NARROW_HIDDEN} px-4 py-3") } else { "px-4 py-3".to_owned() };
                            let sorted = sorting.as_ref().filter(|s| s.column == i).map(|s| s.ascending);
                            let link = sorting.as_ref().and_then(|s| s.links.get(i).cloned().flatten());
                            let heading = match link {
                                Some(href) => view! {
                                    <a href=href class="inline-flex items-center gap-1 uppercase hover:text-slate-900 aria-[current=true]:text-slate-900" aria-current=sorted.map(|_| "true")>
                                        {*c}
                                        <span aria-hidden="true">{match sorted { Some(true) => "▲", Some(false) => "▼", None => "↕" }}</span>
                                    </a>
                                }.into_any(),
                                None => view! { {*c} }.into_any(),
                            };
                            let aria_sort = sorted.map(|ascending| if ascending { "ascending" } else { "descending" });
                            view! { <th scope="col" class=class aria-sort=aria_sort>{heading}</th> }
                        }).collect_view()}
                        <th scope="col" class="px-4 py-3"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{children()}</tbody>
            </table>
        </div>
    }
}

/// A definition list row for detail pages.
#[component]
pub fn Detail(#[prop(into)] term: String, children: Children) -> impl IntoView {
    view! {
        <div class="grid grid-cols-3 gap-4 py-2.5">
            <dt class="text-sm font-medium text-slate-500">{term}</dt>
            <dd class="col-span-2 text-sm text-slate-900 break-words">{children()}</dd>
        </div>
    }
}

/// A value or a muted dash when absent.
pub fn or_dash(value: Option<String>) -> AnyView {
    match value {
        Some(v) => v.into_any(),
        None => view! { <span class="text-slate-400">"—"</span> }.into_any(),
    }
}

/// Empties `form` each time `succeeded` turns true (its action's latest result is a success),
/// ready for the next entry. Without JavaScript the page reloads, which empties it anyway.
pub fn reset_after_success(
    succeeded: impl Fn() -> bool + 'static,
    form: NodeRef<leptos::html::Form>,
    also: impl Fn() + 'static,
) {
    Effect::new(move |_| {
        if succeeded() {
            if let Some(form) = form.get() {
                form.reset();
            }
            also();
        }
    });
}

/// A page-level error. Missing things are answered with HTTP 404 when rendered on the server.
#[component]
pub fn ErrorPage(error: PortalError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::StatusCode;
        response.set_status(if error.is_not_found() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        });
    }
    let title = if error.is_not_found() {
        "Not found"
    } else {
        "Something went wrong"
    };
    view! {
        <Title text=title/>
        <div class="mx-auto max-w-xl py-10">
            <h1 class="mb-4 text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
            <ErrorPanel error/>
            <p class="mt-4 text-sm">
                <a href="/environments" class=LINK_CLASS>"Back to all environments"</a>
            </p>
        </div>
    }
}

/// The tabs of a DFSP's pages.
#[component]
pub fn DfspTabs(
    env: domain::environments::EnvironmentId,
    dfsp: domain::dfsps::DfspId,
    current: &'static str,
) -> impl IntoView {
    let tab = "whitespace-nowrap border-b-2 px-1 pb-3 text-sm font-medium";
    let active = "border-indigo-600 text-indigo-700";
    let idle = "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-800";
    let tabs = [
        ("details", "Details", crate::urls::dfsp(env, dfsp.as_str())),
        (
            "endpoints",
            "Endpoints",
            crate::urls::dfsp_endpoints(env, dfsp.as_str()),
        ),
        ("ca", "CA", crate::urls::dfsp_ca(env, dfsp.as_str())),
        (
            "certificates",
            "Client certificates",
            crate::urls::dfsp_certificates(env, dfsp.as_str()),
        ),
        (
            "hub-certificates",
            "Hub certificates",
            crate::urls::hub_certificates(env, dfsp.as_str()),
        ),
        (
            "server-certificate",
            "Server certificate",
            crate::urls::dfsp_server_certificate(env, dfsp.as_str()),
        ),
        ("jws", "JWS", crate::urls::dfsp_jws(env, dfsp.as_str())),
    ];
    view! {
        <nav class="mb-6 flex flex-wrap gap-x-6 gap-y-1 border-b border-slate-200" aria-label="DFSP sections">
            {tabs.into_iter().map(|(key, label, href)| {
                let class = format!("{tab} {}", if key == current { active } else { idle });
                let current_page = (key == current).then_some("page");
                view! { <a href=href class=class aria-current=current_page>{label}</a> }
            }).collect_view()}
        </nav>
    }
}

/// What the last submission of a form answered: its error, and each field's message in it.
/// Every form's fields take their `error` from [`FormFeedback::field`].
#[derive(Clone, Copy)]
pub struct FormFeedback {
    error: Signal<Option<PortalError>>,
}

impl FormFeedback {
    pub fn new<T>(result: MappedSignal<Option<Result<T, PortalError>>>) -> Self
    where
        T: Clone + Send + Sync + 'static,
    {
        FormFeedback {
            error: Signal::derive(move || {
                result.with(|r| r.as_ref().and_then(|r| r.as_ref().err().cloned()))
            }),
        }
    }

    /// The same feedback, shown only while `applies` holds: for one of several forms that
    /// share an action, the one that was submitted last.
    pub fn only_when(self, applies: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        let error = self.error;
        FormFeedback {
            error: Signal::derive(move || if applies() { error.get() } else { None }),
        }
    }

    pub fn error(&self) -> Option<PortalError> {
        self.error.get()
    }

    /// The message for one field (as the domain names it, e.g. `value.address`).
    pub fn field(&self, name: &'static str) -> Signal<Option<String>> {
        let error = self.error;
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    }

    /// The messages for a list field and its items (`fxpCurrencies`, `fxpCurrencies[1]`),
    /// joined: one input holds the whole list.
    pub fn list_field(&self, name: &'static str) -> Signal<Option<String>> {
        let error = self.error;
        Signal::derive(move || {
            let error = error.get()?;
            let PortalError::Domain(error) = error else {
                return None;
            };
            let messages: Vec<&str> = error
                .field_errors()
                .iter()
                .filter(|f| {
                    f.field == name
                        || f.field
                            .strip_prefix(name)
                            .is_some_and(|rest| rest.starts_with('['))
                })
                .map(|f| f.message.as_str())
                .collect();
            (!messages.is_empty()).then(|| messages.join("; "))
        })
    }
}

/// The view `build` makes, built when it is shown: for what a `Suspend` gives once its data are
/// in.
///
/// On the server a `<Transition>` walks what its `Suspend`s give (`dry_resolve`) after its data
/// load, looking for further reads, and then renders it: a view built inside the `Suspend` was
/// built twice per request, with any resources it made (their data read twice). Every resource
/// of the portal is read with `.await` in a `Suspend` of a `<Transition>` of its own, which waits
/// for it itself, so the walk need not look inside (the environment's frame, holding the page,
/// is built this way too). The browser builds the view at once and keeps its type: the wrapper
/// only matters to the server, and erasing the type costs bundle size (where a `Suspend` gives
/// one of several views, the caller erases it with `.into_any()`).
pub fn built_once<V>(build: impl FnOnce() -> V + Send + 'static) -> impl IntoView
where
    V: IntoView + 'static,
{
    #[cfg(feature = "ssr")]
    {
        Unsuspend::new(build)
    }
    #[cfg(not(feature = "ssr"))]
    {
        build()
    }
}

/// Loads `resource` and shows it with `render`: a spinner meanwhile, the page's "not found"
/// (with its 404) when what it lists does not exist, and the error otherwise.
#[component]
pub fn AsyncPanel<T, V, F>(
    /// Completes "Loading …".
    #[prop(into)]
    what: String,
    resource: Resource<Result<T, PortalError>>,
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <Loading what=what.clone()/> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => built_once(move || render(value)).into_any(),
                        Err(error) if error.is_not_found() => view! { <ErrorPage error/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A field's message while the user types: the client's own check of what is typed once the
/// field was edited, the server's answer to the last submission until then.
#[derive(Clone, Copy)]
pub struct LiveCheck {
    typed: RwSignal<Option<Option<String>>>,
    server: Signal<Option<String>>,
}

impl LiveCheck {
    pub fn new(server: Signal<Option<String>>) -> Self {
        LiveCheck {
            typed: RwSignal::new(None),
            server,
        }
    }

    /// Checks what was typed (blank is not an error while typing).
    pub fn typed(&self, message: Option<String>) {
        self.typed.set(Some(message));
    }

    /// Back to the server's answer, when the form is submitted.
    pub fn submitted(&self) {
        self.typed.set(None);
    }

    pub fn message(&self) -> Signal<Option<String>> {
        let (typed, server) = (self.typed, self.server);
        Signal::derive(move || match typed.get() {
            Some(message) => message,
            None => server.get(),
        })
    }
}

/// Whether the acting user is a hub operator, as the portal's frame learnt it with the page
/// (see `shell::AppShell`), for pages to decide synchronously what to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HubRole(pub bool);

/// Whether the page's user is a hub operator (`false` outside the portal's frame).
pub fn acting_as_hub_operator() -> bool {
    use_context::<HubRole>().is_some_and(|role| role.0)
}

/// Shows `children` to hub operators only: the forms and buttons of what only the Hub does
/// (the server refuses it to everyone else anyway, so hiding it only spares them a dead end).
#[component]
pub fn HubOnly(children: Children) -> impl IntoView {
    acting_as_hub_operator().then(children)
}
