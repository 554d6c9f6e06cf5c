//! Every server function reads the Leptos context only before its first `.await`: through
//! `server::context()`, `server::Reply::capture()` or `use_context` (and the helpers built on
//! it). A server function that a page's resource calls keeps running after the page was sent
//! when the page did not need its answer, and the request's reactive owners are dropped under
//! it; reading the context then deadlocked a worker thread (see `server::context`). Checked on
//! the source, so a new server function that reads the context late fails here by name.
//!
//! `redirect` (which also reads the context) is left out: only form posts and actions call it,
//! over HTTP, where the request's owner lives until the function returns.

use std::path::{Path, PathBuf};

/// What reads the Leptos context from a server function.
const CONTEXT_READS: [&str; 5] = [
    "use_context",
    "context()",
    "Reply::capture()",
    "signed_in_user()",
    "awaiting_second_factor()",
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The body of the function whose `fn` starts at `text[0..]`: from its first `{` to the brace
/// that closes it. (Braces in its strings come in pairs: `format!("{x}")`.)
fn body(text: &str) -> &str {
    let start = text.find('{').expect("a function body");
    let mut depth = 0usize;
    for (offset, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[start..start + offset + 1];
                }
            }
            _ => {}
        }
    }
    panic!("unclosed function body")
}

/// `(file, function name, body, attribute)` of every `#[server]` function of the portal.
fn server_functions() -> Vec<(String, String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut functions = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Server functions are items at the start of a line; `#[server(default)]` on an
        // argument is indented.
        for (index, _) in text.match_indices("\n#[server(") {
            let rest = &text[index..];
            let fn_at = rest
                .find("async fn ")
                .expect("a server function is an async fn");
            let signature = &rest[fn_at + "async fn ".len()..];
            let name = &signature[..signature.find(['(', '<']).unwrap()];
            let attribute = &rest[..rest.find(")]").expect("a closed attribute") + 2];
            functions.push((
                file.strip_prefix(&src).unwrap().display().to_string(),
                name.trim().to_owned(),
                body(&rest[fn_at..]).to_owned(),
                attribute.trim().to_owned(),
            ));
        }
    }
    functions
}

#[test]
fn server_functions_read_the_context_before_their_first_await() {
    let functions = server_functions();
    assert!(
        functions.len() >= 45
            && functions
                .iter()
                .any(|(_, name, _, _)| name == "list_endpoints"),
        "the server functions were not read: {} found",
        functions.len()
    );
    let mut late = Vec::new();
    for (file, name, body, _) in &functions {
        let Some(first_await) = body.find(".await") else {
            continue;
        };
        for read in CONTEXT_READS {
            if body[first_await..].contains(read) {
                late.push(format!("{file}: {name} reads {read} after an .await"));
            }
        }
    }
    assert!(late.is_empty(), "{}", late.join("\n"));
}

#[test]
fn the_check_finds_a_late_read() {
    let late =
        body("fn f() { let x = load().await; let (s, w, reply) = crate::server::context()?; }");
    let first_await = late.find(".await").unwrap();
    assert!(late[first_await..].contains("context()"));
    assert_eq!(
        body("fn g() { format!(\"{x}\"); } fn h() {}"),
        "{ format!(\"{x}\"); }"
    );
}

/// Every server function answers through `codec::JsonAnswer`: with server_fn's own `Json` its
/// answer type would get a second deserializer in the browser bundle (see `app::codec`).
#[test]
fn server_functions_answer_through_the_portal_codec() {
    let functions = server_functions();
    assert!(functions.len() >= 45, "{} found", functions.len());
    let others: Vec<String> = functions
        .iter()
        .filter(|(_, _, _, attribute)| !attribute.contains("output = crate::codec::JsonAnswer"))
        .map(|(file, name, _, attribute)| format!("{file}: {name}: {attribute}"))
        .collect();
    assert!(others.is_empty(), "{}", others.join("\n"));
}
