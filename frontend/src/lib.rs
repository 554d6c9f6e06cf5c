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

/// Room in the read-only data for `cargo leptos build --split`'s splitter (wasm_split_cli_support
/// 0.2.3), which no output module includes.
///
/// The splitter lays out each module's share of `.rodata` again, each share aligned; when the
/// padding makes the laid-out segment longer than the linker's, it keeps the whole segment,
/// every page group's read-only data, in the main module ("Overlong segment 0 by N after
/// relocation, putting it in main module", seen with N = 144): the bundle every page loads grew
/// by a third (from 726 to 803 KB, 40 KB gzip) with a small change elsewhere. Nothing reads this
/// static, so the splitter puts it in no module and its bytes are slack for that padding;
/// `#[used]` keeps it through the linker. Not zeros: zeros would go to `.bss`. `scripts/build`
/// fails when the splitter falls back all the same (the page groups' modules then hold no data).
#[used]
static SPLITTER_SLACK: [u8; 1024] = [0x5a; 1024];
