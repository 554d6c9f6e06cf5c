//! The browser side of the portal: hydrates the server-rendered pages.
// Release builds (without cargo-leptos' dev-only `erase_components`) nest view types deeply.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: the page's group of pages is split off the bundle (app/src/routes.rs), and is loaded
    // before the page is hydrated.
    leptos::mount::hydrate_lazy(app::App);
}
