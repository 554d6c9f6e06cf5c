#![allow(clippy::type_complexity)]

use futures::{stream::once, Stream, StreamExt};
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::{
    context::provide_context,
    nonce::use_nonce,
    prelude::ReadValue,
    reactive::owner::{Owner, Sandboxed},
    IntoView, PrefetchLazyFn, WasmSplitManifest,
};
use leptos_config::LeptosOptions;
use leptos::prelude::use_context;
use leptos_meta::ServerMetaContextOutput;
use std::{future::Future, pin::Pin, sync::Arc};

pub type PinnedStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;
pub type PinnedFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub type BoxedFnOnce<T> = Box<dyn FnOnce() -> T + Send>;

pub trait ExtendResponse: Sized {
    type ResponseOptions: Send;

    fn from_stream(stream: impl Stream<Item = String> + Send + 'static)
        -> Self;

    fn extend_response(&mut self, opt: &Self::ResponseOptions);

    fn set_default_content_type(&mut self, content_type: &str);

    fn from_app<IV>(
        app_fn: impl FnOnce() -> IV + Send + 'static,
        meta_context: ServerMetaContextOutput,
        additional_context: impl FnOnce() + Send + 'static,
        res_options: Self::ResponseOptions,
        stream_builder: fn(
            IV,
            BoxedFnOnce<PinnedStream<String>>,
            bool,
        ) -> PinnedFuture<PinnedStream<String>>,
        supports_ooo: bool,
    ) -> impl Future<Output = Self> + Send
    where
        IV: IntoView + 'static,
    {
        async move {
            let prefetches = PrefetchLazyFn::default();

            let (owner, stream) = build_response(
                app_fn,
                additional_context,
                stream_builder,
                supports_ooo,
            );

            owner.with(|| provide_context(prefetches.clone()));

            let sc = owner.shared_context().unwrap();

            let stream = stream.await.ready_chunks(32).map(|n| n.join(""));

            while let Some(pending) = sc.await_deferred() {
                pending.await;
            }

            // Patched (see vendor/README.md): awaiting the render may have resumed this task
            // on another thread, so the nonce and the split manifest the preload links are
            // made from are looked up under this response's owner, not whichever owner is
            // current on that thread (another request's, or none).
            let preloads = owner.with(|| {
                let prefetches =
                    prefetches.0.try_read_value().filter(|p| !p.is_empty())?;
                let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
                let manifest_read = use_context::<WasmSplitManifest>()
                    .and_then(|m| m.0.try_read_value())?;
                let (pkg_path, manifest, wasm_split_file) = &*manifest_read;
                let modules = prefetches
                    .iter()
                    .flat_map(|key| manifest.get(*key).into_iter().flatten());
                Some(preload_links(pkg_path, modules, wasm_split_file, &nonce))
            });
            let mut stream = Box::pin(
                meta_context.inject_meta_context(stream).await.then({
                    let sc = Arc::clone(&sc);
                    move |chunk| {
                        let sc = Arc::clone(&sc);
                        async move {
                            while let Some(pending) = sc.await_deferred() {
                                pending.await;
                            }
                            chunk
                        }
                    }
                }),
            );

            // wait for the first chunk of the stream, then set the status and headers
            let mut first_chunk = stream.next().await.unwrap_or_default();
            // Patched: the links go into the head as one string, written here, rather than
            // as a `leptos_meta` `<Link>` each (a component, a view and a string of its own
            // per link, some twenty allocations each): the same elements, in the same place.
            if let Some(links) = preloads {
                insert_into_head(&mut first_chunk, &links);
            }

            let mut res = Self::from_stream(Sandboxed::new(
                once(async move { first_chunk })
                    .chain(stream)
                    // drop the owner, cleaning up the reactive runtime,
                    // once the stream is over
                    .chain(once(async move {
                        owner.unset_with_forced_cleanup();
                        Default::default()
                    })),
            ));

            res.extend_response(&res_options);

            // Set the Content Type headers on all responses. This makes Firefox show the page source
            // without complaining
            res.set_default_content_type("text/html; charset=utf-8");

            res
        }
    }
}

pub fn build_response<IV>(
    app_fn: impl FnOnce() -> IV + Send + 'static,
    additional_context: impl FnOnce() + Send + 'static,
    stream_builder: fn(
        IV,
        BoxedFnOnce<PinnedStream<String>>,
        // this argument indicates whether a request wants to support out-of-order streaming
        // responses
        bool,
    ) -> PinnedFuture<PinnedStream<String>>,
    is_islands_router_navigation: bool,
) -> (Owner, PinnedFuture<PinnedStream<String>>)
where
    IV: IntoView + 'static,
{
    let shared_context = Arc::new(SsrSharedContext::new())
        as Arc<dyn SharedContext + Send + Sync>;
    let owner = Owner::new_root(Some(Arc::clone(&shared_context)));
    let stream = Box::pin(Sandboxed::new({
        let owner = owner.clone();
        async move {
            let stream = owner.with(|| {
                additional_context();

                // run app
                let app = app_fn();

                let nonce = use_nonce()
                    .as_ref()
                    .map(|nonce| format!(" nonce=\"{nonce}\""))
                    .unwrap_or_default();

                let shared_context = Owner::current_shared_context().unwrap();

                let chunks = Box::new({
                    let shared_context = shared_context.clone();
                    move || {
                        Box::pin(shared_context.pending_data().unwrap().map(
                            move |chunk| {
                                format!("<script{nonce}>{chunk}</script>")
                            },
                        ))
                            as Pin<Box<dyn Stream<Item = String> + Send>>
                    }
                });

                // convert app to appropriate response type
                // and chain the app stream, followed by chunks
                // in theory, we could select here, and intersperse them
                // the problem is that during the DOM walk, that would be mean random <script> tags
                // interspersed where we expect other children
                //
                // we also don't actually start hydrating until after the whole stream is complete,
                // so it's not useful to send those scripts down earlier.
                stream_builder(app, chunks, is_islands_router_navigation)
            });

            stream.await
        }
    }));
    (owner, stream)
}

pub fn static_file_path(options: &LeptosOptions, path: &str) -> String {
    let trimmed_path = path.trim_start_matches('/');
    let path = if trimmed_path.is_empty() {
        "index"
    } else {
        trimmed_path
    };
    format!("{}/{}.html", options.site_root, path)
}

/// Patched (see vendor/README.md): the `<link>`s that preload a page's WebAssembly chunks and
/// the split loader, as `leptos_meta`'s `<Link>` rendered them in 0.8.9 (attributes in its
/// order, `crossorigin` carrying the nonce as it did there).
fn preload_links<'a>(
    pkg_path: &str,
    modules: impl Iterator<Item = &'a String>,
    wasm_split_file: &str,
    nonce: &str,
) -> String {
    let mut links = String::with_capacity(1024);
    for module in modules {
        links.push_str("<link as=\"fetch\" crossorigin=\"");
        push_escaped(&mut links, nonce);
        links.push_str("\" href=\"");
        push_escaped(&mut links, pkg_path);
        links.push('/');
        push_escaped(&mut links, module);
        links.push_str(".wasm\" rel=\"preload\" type=\"application/wasm\">");
    }
    links.push_str("<link crossorigin=\"");
    push_escaped(&mut links, nonce);
    links.push_str("\" href=\"");
    push_escaped(&mut links, pkg_path);
    links.push('/');
    push_escaped(&mut links, wasm_split_file);
    links.push_str("\" rel=\"modulepreload\">");
    links
}

/// Puts `links` where `leptos_meta` put the `<Link>`s registered after the render: after the
/// other meta elements, just before the `<title>` if the head has one, else at its end.
fn insert_into_head(page: &mut String, links: &str) {
    let Some(head_end) = page.find("</head>") else {
        return;
    };
    let at = page[..head_end].rfind("<title>").unwrap_or(head_end);
    // Into a new string of the full size: one copy of the page, where `insert_str` grew it
    // (a copy) and then moved its tail (another).
    let mut joined = String::with_capacity(page.len() + links.len());
    joined.push_str(&page[..at]);
    joined.push_str(links);
    joined.push_str(&page[at..]);
    *page = joined;
}

/// Appends `value` escaped for a double-quoted attribute value.
fn push_escaped(buf: &mut String, value: &str) {
    // The values (a path, module names, a nonce) hardly ever hold one: whole when they don't.
    if !value.bytes().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"')) {
        buf.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' => buf.push_str("&quot;"),
            c => buf.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preload_links_are_the_elements_leptos_meta_rendered() {
        let modules = ["chunk_6".to_owned(), "split_pages_1".to_owned()];
        assert_eq!(
            preload_links("/pkg", modules.iter(), "__wasm_split.js", "n0nce"),
            "<link as=\"fetch\" crossorigin=\"n0nce\" href=\"/pkg/chunk_6.wasm\" rel=\"preload\" type=\"application/wasm\">\
             <link as=\"fetch\" crossorigin=\"n0nce\" href=\"/pkg/split_pages_1.wasm\" rel=\"preload\" type=\"application/wasm\">\
             <link crossorigin=\"n0nce\" href=\"/pkg/__wasm_split.js\" rel=\"modulepreload\">"
        );
    }

    #[test]
    fn preload_links_go_before_the_title_or_at_the_head_end() {
        let mut page = "<html><head><!--HEAD--><link id=\"leptos\"><title>T</title><!></head><body><svg><title>S</title></svg></body>".to_owned();
        insert_into_head(&mut page, "<link x>");
        assert_eq!(page, "<html><head><!--HEAD--><link id=\"leptos\"><link x><title>T</title><!></head><body><svg><title>S</title></svg></body>");
        let mut page = "<head><meta></head><body><title>no</title></body>".to_owned();
        insert_into_head(&mut page, "<link x>");
        assert_eq!(page, "<head><meta><link x></head><body><title>no</title></body>");
        let mut page = "<p>a fragment</p>".to_owned();
        insert_into_head(&mut page, "<link x>");
        assert_eq!(page, "<p>a fragment</p>");
    }

    #[test]
    fn preload_links_escape_their_values() {
        let links = preload_links("/a&b", [].iter(), "x\"<y>.js", "");
        assert_eq!(
            links,
            "<link crossorigin=\"\" href=\"/a&amp;b/x&quot;&lt;y&gt;.js\" rel=\"modulepreload\">"
        );
    }
}
