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
/// nesting, text, an attribute spread onto a component, a class made of a value and a
/// directive (then an element without one), and a style.
fn page() -> impl IntoView {
    view! {
        <div id="frame" class="mx-auto max-w-7xl px-4" class:hidden=false data-note="a \"quoted\" & <odd> value">
            <label for="field-name">"Name"<span aria-hidden="true">" *"</span></label>
            <input id="field-name" name="form[name]" required=true maxlength=200usize/>
            <br/>
            <p>"Fish & chips < 3"</p>
            <Badge text="new" attr:title="just added"/>
            <p class="text-sm [&::marker]:hidden" class:on=true class:off=false>"a"</p>
            <i>"no class after a class"</i>
            <b style="color: red">"styled & \"quoted\""</b>
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
            && synchronous.contains(
                "<p class=\"text-sm [&amp;::marker]:hidden on\">a<!></p><i>no class after a class</i>\
                 <b style=\"color: red\">styled &amp; \"quoted\"</b>"
            )
            && synchronous.ends_with("</div>"),
        "{synchronous}"
    );
}

/// The patched escaping (vendor/tachys/src/escape.rs) looks at sixteen bytes at a time: every
/// special character at every position of values around that size, in an attribute and as
/// text, comes out as the HTML standard's escaping would have it.
#[test]
fn every_special_character_is_escaped_wherever_it_stands() {
    fn escaped(value: &str, in_attribute: bool) -> String {
        let text = value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        if in_attribute {
            text.replace('"', "&quot;")
        } else {
            text
        }
    }
    for len in 1..40 {
        for at in 0..len {
            for special in ['&', '<', '>', '"', '\'', 'é'] {
                let mut value = "x".repeat(len);
                value.replace_range(at..at + 1, &special.to_string());
                // Two specials in one value, the second in the next sixteen bytes.
                let value = format!("{value}{special}{}", "y".repeat(at));
                let html = view! { <p title=value.clone()>{value.clone()}</p> }.to_html();
                assert_eq!(
                    html,
                    format!(
                        "<p title=\"{}\">{}<!></p>",
                        escaped(&value, true),
                        escaped(&value, false)
                    ),
                    "{value:?}"
                );
            }
        }
    }
}
