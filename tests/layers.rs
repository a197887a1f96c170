//! The layers, checked: the core (the map and its rules, scoring, the plan,
//! the document, the layout and design tokens, and the file formats) names
//! no UI toolkit, no database and no shell, and no two top-level modules
//! name each other round a cycle. ARCHITECTURE.md states each rule; this
//! test makes it one that cannot silently lapse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules that make the core. A file belongs to the module
/// of its first path component under `src/`.
const CORE: &[&str] = &[
    "model",
    "validate",
    "money",
    "dates",
    "locale",
    "scoring",
    "plan",
    "brief",
    "guide",
    "document",
    "edit",
    "history",
    "scenario",
    "repair",
    "clipboard",
    "layout",
    "tokens",
    "input_file",
    "mapfile",
    "ranking_csv",
    "steps_csv",
    "bpmn",
    "picture",
    "synth",
];

/// What the core may not name: the UI toolkit, the database, and the
/// modules above it.
const FORBIDDEN_CRATES: &[&str] = &["egui", "eframe", "egui_plot", "rusqlite", "rfd"];
const FORBIDDEN_MODULES: &[&str] = &["ui", "theme", "app", "gui", "store", "cli", "autosave", "autobackup"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its text less `//` comments.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.push((path, code_of(&text)));
            }
        }
    }
    out.sort();
    out
}

/// A file's text less its `//` comments (doc comments included).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file under `src/` belongs to.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.strip_suffix(".rs").unwrap_or(&name).to_owned()
}

/// Whether `code` names `word` as a whole identifier.
fn names(code: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The `crate::x` modules `code` names (in paths and in `use crate::{…}`).
fn crate_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The items at the group's own level, so that in
            // `crate::{model::{Map, Step}, store}` both model and store count.
            let mut items = vec![String::new()];
            let mut depth = 0usize;
            for c in group.chars() {
                match c {
                    '}' if depth == 0 => break,
                    ',' if depth == 0 => items.push(String::new()),
                    _ => {
                        depth = match c {
                            '{' => depth + 1,
                            '}' => depth - 1,
                            _ => depth,
                        };
                        items.last_mut().expect("one item at least").push(c);
                    }
                }
            }
            for item in items {
                let head: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.insert(head);
            }
        } else {
            found.insert(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

/// What a core file names that it may not, one line per finding.
fn layer_breaches(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut breaches = Vec::new();
    for (path, code) in files {
        if !CORE.contains(&module_of(path).as_str()) {
            continue;
        }
        let shown = path.strip_prefix(src()).unwrap_or(path).display().to_string();
        for word in FORBIDDEN_CRATES {
            if names(code, word) {
                breaches.push(format!("src/{shown} names {word}"));
            }
        }
        for module in crate_modules(code) {
            if FORBIDDEN_MODULES.contains(&module.as_str()) {
                breaches.push(format!("src/{shown} names crate::{module}"));
            }
        }
    }
    breaches
}

/// The graph of top-level modules: who names whom.
fn module_graph(files: &[(PathBuf, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in files {
        let from = module_of(path);
        let to = graph.entry(from.clone()).or_default();
        for module in crate_modules(code) {
            if module != from && modules.contains(&module) {
                to.insert(module);
            }
        }
    }
    graph
}

/// A cycle of the graph, if it has one, as the modules round it.
fn a_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
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
fn the_core_names_no_ui_database_or_shell() {
    let breaches = layer_breaches(&sources(&src()));
    assert!(breaches.is_empty(), "the core reaches up:\n{}", breaches.join("\n"));
}

#[test]
fn no_two_modules_name_each_other_round_a_cycle() {
    let graph = module_graph(&sources(&src()));
    assert!(graph.len() > 20, "the modules were found: {graph:?}");
    if let Some(cycle) = a_cycle(&graph) {
        panic!("a cycle of modules: {}", cycle.join(" → "));
    }
}

/// The checks themselves catch what they are for.
#[test]
fn the_checks_catch_a_breach_and_a_cycle() {
    let file = |module: &str, text: &str| (src().join(format!("{module}.rs")), code_of(text));
    let breaches = layer_breaches(&[
        file("model", "use eframe::egui;\nfn f() {}"),
        file("scoring", "use crate::{model::Map, store::Store};"),
        file("ui", "use eframe::egui;"),
        file("plan", "// egui is not named here, only in this comment"),
    ]);
    assert_eq!(
        breaches,
        [
            "src/model.rs names egui",
            "src/model.rs names eframe",
            "src/scoring.rs names crate::store"
        ]
    );
    let graph = module_graph(&[
        file("model", "use crate::plan::Pick;"),
        file("plan", "use crate::scoring::rank;"),
        file("scoring", "use crate::model::Map;"),
    ]);
    assert_eq!(
        a_cycle(&graph).map(|c| c.join(" → ")).as_deref(),
        Some("model → plan → scoring → model")
    );
}
