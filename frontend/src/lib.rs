//! The browser side of the portal: hydrates the server-rendered pages.
// Release builds (without cargo-leptos' dev-only `erase_components`) nest view types deeply.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
