//! The portal's modules form no cycle: areas' pages may use the shell pieces, the environment
//! scope, components and any area's server functions; server functions use no page; and the
//! shared pieces use no area's pages. Checked on the source, so a new import that breaks the
//! layering fails here with the path that closes the loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The module a file is, at the granularity of the layering: `components`, `scope`,
/// `network::pages`, ...
fn unit_of_file(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [root] if root == "lib" => None,
        [top] => Some(top.clone()),
        [area, module] if module == "mod" => Some(area.clone()),
        [area, module] => Some(format!("{area}::{module}")),
        _ => Some(parts.join("::")),
    }
}

fn identifier(text: &str) -> &str {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The unit a path below `crate::` names: `network::pages` for an area's module, else the
/// top-level module. `None` for items of the crate root.
fn unit_of_path(src: &Path, path: &str) -> Option<String> {
    let mut segments = path.split("::").map(identifier);
    let first = segments.next().filter(|s| !s.is_empty())?;
    if src.join(first).is_dir() {
        match segments.next() {
            Some(second) if src.join(first).join(format!("{second}.rs")).exists() => {
                Some(format!("{first}::{second}"))
            }
            _ => Some(first.to_owned()),
        }
    } else if src.join(format!("{first}.rs")).exists() {
        Some(first.to_owned())
    } else {
        None
    }
}

/// The units a file names through `crate::...` paths, including `use crate::{a, b::c}`.
fn referenced_units(src: &Path, text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (index, _) in text.match_indices("crate::") {
        let rest = &text[index + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').filter_map(|p| unit_of_path(src, p.trim())));
        } else {
            found.extend(unit_of_path(src, rest));
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(unit) = unit_of_file(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let mut uses = referenced_units(&src, &text);
        uses.remove(&unit);
        graph.entry(unit).or_default().extend(uses);
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_portal_modules_have_no_cycle() {
    let graph = graph();
    assert!(
        graph["scope"].contains("environments::rpc") && graph["network::pages"].contains("scope"),
        "the graph was not read: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn server_functions_and_shared_pieces_use_no_page() {
    let shared = ["components", "urls", "error", "server", "scope", "shell"];
    for (unit, uses) in graph() {
        if unit.ends_with("::rpc") || shared.contains(&unit.as_str()) {
            let pages: Vec<_> = uses.iter().filter(|u| u.ends_with("::pages")).collect();
            assert!(pages.is_empty(), "{unit} uses {pages:?}");
        }
    }
}

/// Pages reach the router only through `routes`, whose lazy groups split them out of the
/// browser bundle: a page named in `lib.rs` would be loaded by every page.
#[test]
fn only_the_lazy_routes_name_the_pages() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(
        !lib.contains("::pages"),
        "lib.rs names a page; add it to routes.rs"
    );
    assert!(
        graph()["routes"].contains("network::pages"),
        "the routes were not read"
    );
}

#[test]
fn a_cycle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
            .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}
