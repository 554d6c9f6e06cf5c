//! The portal's pages are rendered by tachys's asynchronous render (they load their data in
//! `<Suspense>`/`<Transition>`), which `vendor/tachys` patches to write elements straight into
//! the page's buffer (vendor/README.md). It must write exactly what the synchronous render
//! writes, and what the browser's hydration expects.
#![cfg(feature = "ssr")]

use futures::StreamExt;
use leptos::prelude::*;

fn rendered_asynchronously(view: impl IntoView + 'static) -> String {
    futures::executor::block_on(
        view.into_view()
            .to_html_stream_in_order()
            .collect::<String>(),
    )
}

#[component]
fn Badge(#[prop(into)] text: String) -> impl IntoView {
    view! { <span class="rounded px-1">{text}</span> }
}

/// Elements with attributes that need escaping, a class built from parts, void elements,
/// nesting, text, and an attribute spread onto a component.
fn page() -> impl IntoView {
    view! {
        <div id="frame" class="mx-auto max-w-7xl px-4" class:hidden=false data-note="a \"quoted\" & <odd> value">
            <label for="field-name">"Name"<span aria-hidden="true">" *"</span></label>
            <input id="field-name" name="form[name]" required=true maxlength=200usize/>
            <br/>
            <p>"Fish & chips < 3"</p>
            <Badge text="new" attr:title="just added"/>
        </div>
    }
}

#[test]
fn the_asynchronous_render_writes_what_the_synchronous_render_writes() {
    let synchronous = page().to_html();
    assert_eq!(rendered_asynchronously(page()), synchronous);
    assert!(
        synchronous.starts_with(
            "<div id=\"frame\" data-note=\"a &quot;quoted&quot; &amp; &lt;odd&gt; value\" \
             class=\"mx-auto max-w-7xl px-4\"><label for=\"field-name\">Name<span \
             aria-hidden=\"true\"> *</span></label><input id=\"field-name\" \
             name=\"form[name]\" required maxlength=\"200\"><br><p>Fish &amp; chips &lt; 3</p>"
        ),
        "{synchronous}"
    );
    assert!(
        synchronous.contains("<span title=\"just added\" class=\"rounded px-1\">new")
            && synchronous.ends_with("</div>"),
        "{synchronous}"
    );
}
