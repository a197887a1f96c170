//! The layers, checked. Each folder under `src/` is a layer, and each
//! layer names only the layers listed for it in [`LAYERS`]: the core (the
//! map and its rules, scoring, the plan, the document, the layout and
//! design tokens, the file formats) names no UI toolkit, no database and no
//! shell; the store names no UI toolkit; and no two modules name each other
//! round a cycle. ARCHITECTURE.md states each rule; this test makes it one
//! that cannot silently lapse. Unit-test modules (`#[cfg(test)] mod`) are
//! left out: they may borrow any layer for fixtures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every layer, lowest first, with the layers it may name and the crates it
/// may not. A file belongs to the layer of its first path component under
/// `src/` (`scoring.rs` is a layer of one file).
const LAYERS: &[(&str, &[&str], &[&str])] = &[
    ("domain", &[], CORE_MAY_NOT),
    ("scoring", &["domain"], CORE_MAY_NOT),
    ("plan", &["domain", "scoring"], CORE_MAY_NOT),
    ("document", &["domain", "scoring", "plan"], CORE_MAY_NOT),
    ("layout", &["domain", "scoring"], CORE_MAY_NOT),
    (
        "formats",
        &["domain", "scoring", "plan", "document", "layout"],
        CORE_MAY_NOT,
    ),
    (
        "store",
        &["domain", "scoring", "plan", "document", "formats"],
        &["egui", "eframe", "egui_plot", "rfd"],
    ),
    (
        "ui",
        &["domain", "scoring", "plan", "document", "layout", "formats", "store"],
        &[],
    ),
    (
        "app",
        &[
            "domain", "scoring", "plan", "document", "layout", "formats", "store", "ui",
        ],
        &[],
    ),
    (
        "cli",
        &[
            "domain", "scoring", "plan", "document", "layout", "formats", "store", "app",
        ],
        &["egui", "egui_plot"],
    ),
];

/// The crates the core may not name: the UI toolkit and the database.
const CORE_MAY_NOT: &[&str] = &["egui", "eframe", "egui_plot", "rusqlite", "rfd"];

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

/// A file's text less its `//` comments (doc comments included) and its
/// unit-test modules.
fn code_of(text: &str) -> String {
    let code = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    without_test_modules(&code)
}

/// `code` less each `#[cfg(test)] mod name { … }`, braces balanced.
fn without_test_modules(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let is_module = after["#[cfg(test)]".len()..].trim_start().starts_with("mod ");
        match after.find('{').filter(|_| is_module) {
            Some(open) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (i, c) in after[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &after[end..];
            }
            None => {
                out.push_str("#[cfg(test)]");
                rest = &after["#[cfg(test)]".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The layer a file under `src/` belongs to: its first path component.
fn layer_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.strip_suffix(".rs").unwrap_or(&name).to_owned()
}

/// The module a file belongs to: a layer's own module (`domain::model` for
/// `src/domain/model/steps.rs`), or the layer for its `mod.rs` and for a
/// one-file layer.
fn module_of(path: &Path) -> String {
    let layer = layer_of(path);
    let rel = path.strip_prefix(src()).expect("under src");
    match rel
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
    {
        Some(second) if second != "mod.rs" => {
            format!("{layer}::{}", second.strip_suffix(".rs").unwrap_or(&second))
        }
        _ => layer,
    }
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

/// The paths `code` names under `crate::`, cut to their first two
/// segments (`domain::model`, `scoring::rank`), in plain paths and in the
/// top-level items of `use crate::{…}` groups.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let head = |item: &str| -> String {
        let path: String = item
            .trim()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        path.split("::")
            .filter(|s| !s.is_empty())
            .take(2)
            .collect::<Vec<_>>()
            .join("::")
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The items at the group's own level, so that in
            // `crate::{domain::model::{Map, Step}, store}` both count.
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
            found.extend(items.iter().map(|item| head(item)));
        } else {
            found.insert(head(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

/// What a file names that its layer may not, one line per finding.
fn layer_breaches(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut breaches = Vec::new();
    for (path, code) in files {
        let shown = path.strip_prefix(src()).unwrap_or(path).display().to_string();
        let layer = layer_of(path);
        let Some((_, may_name, may_not)) = LAYERS.iter().find(|(name, ..)| *name == layer) else {
            breaches.push(format!("src/{shown} is in no layer ({layer}); add it to LAYERS"));
            continue;
        };
        for word in *may_not {
            if names(code, word) {
                breaches.push(format!("src/{shown} names {word}"));
            }
        }
        for module in crate_paths(code) {
            let named = module.split("::").next().unwrap_or_default();
            if named != layer && !may_name.contains(&named) {
                breaches.push(format!("src/{shown} names crate::{named}"));
            }
        }
    }
    breaches
}

/// The graph of modules (a layer's own modules, such as `domain::model`,
/// or a one-file layer): who names whom.
fn module_graph(files: &[(PathBuf, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in files {
        let from = module_of(path);
        let to = graph.entry(from.clone()).or_default();
        for named in crate_paths(code) {
            // `crate::domain::model::Map` names `domain::model`; `crate::scoring::rank`
            // names `scoring`.
            let mut segments = named.split("::");
            let first = segments.next().unwrap_or_default().to_owned();
            let second = segments.next().map(|s| format!("{first}::{s}"));
            let module = second.filter(|m| modules.contains(m)).unwrap_or(first);
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

/// Every file of the library but its root (`lib.rs` only declares the
/// layers) and the binary's `main.rs`.
fn library_sources() -> Vec<(PathBuf, String)> {
    let roots = [src().join("lib.rs"), src().join("main.rs")];
    sources(&src())
        .into_iter()
        .filter(|(path, _)| !roots.contains(path))
        .collect()
}

#[test]
fn every_layer_names_only_the_layers_it_lists() {
    let breaches = layer_breaches(&library_sources());
    assert!(breaches.is_empty(), "a layer reaches up:\n{}", breaches.join("\n"));
}

/// The table itself runs one way: each layer lists only layers before it,
/// so the layers cannot form a cycle.
#[test]
fn the_layers_are_in_order() {
    for (at, (layer, may_name, _)) in LAYERS.iter().enumerate() {
        for named in *may_name {
            let before = LAYERS[..at].iter().any(|(l, ..)| l == named);
            assert!(before, "{layer} may name {named}, which is not below it");
        }
    }
}

#[test]
fn no_two_modules_name_each_other_round_a_cycle() {
    let graph = module_graph(&library_sources());
    assert!(graph.len() > 40, "the modules were found: {graph:?}");
    if let Some(cycle) = a_cycle(&graph) {
        panic!("a cycle of modules: {}", cycle.join(" → "));
    }
}

/// The checks themselves catch what they are for.
#[test]
fn the_checks_catch_a_breach_and_a_cycle() {
    let file = |rel: &str, text: &str| (src().join(rel), code_of(text));
    let breaches = layer_breaches(&[
        file("domain/model.rs", "use eframe::egui;\nfn f() {}"),
        file("scoring.rs", "use crate::{domain::model::Map, store::Store};"),
        file("ui/canvas/mod.rs", "use eframe::egui;"),
        file("plan/mod.rs", "// egui is not named here, only in this comment"),
        file(
            "plan/brief.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests { fn g() { crate::store::x(); } }",
        ),
        file("store/mod.rs", "use crate::ui::theme;"),
        file("shiny/new.rs", "fn f() {}"),
    ]);
    assert_eq!(
        breaches,
        [
            "src/domain/model.rs names egui",
            "src/domain/model.rs names eframe",
            "src/scoring.rs names crate::store",
            "src/store/mod.rs names crate::ui",
            "src/shiny/new.rs is in no layer (shiny); add it to LAYERS",
        ]
    );
    let graph = module_graph(&[
        file("domain/model.rs", "use crate::plan::Pick;"),
        file("plan/mod.rs", "use crate::scoring::rank;"),
        file("scoring.rs", "use crate::domain::model::Map;"),
    ]);
    assert_eq!(
        a_cycle(&graph).map(|c| c.join(" → ")).as_deref(),
        Some("domain::model → plan → scoring → domain::model")
    );
}

/// Every file a user hands in is read through the one guarded reader,
/// `formats::input_file::InputFile` (regular files only, size capped while
/// reading): no other file of the library opens a file to read it.
#[test]
fn only_the_guarded_reader_reads_files() {
    let own = ["formats/input_file.rs", "formats/fsutil.rs"];
    let mut readers = Vec::new();
    for (path, code) in library_sources() {
        let shown = path.strip_prefix(src()).unwrap_or(&path).display().to_string();
        if own.contains(&shown.as_str()) {
            continue;
        }
        for reader in ["fs::read(", "read_to_string(", "File::open("] {
            let is_ident = |c: char| c.is_alphanumeric() || c == '_';
            let named = code
                .match_indices(reader)
                .any(|(at, _)| !code[..at].chars().next_back().is_some_and(is_ident));
            if named {
                readers.push(format!("src/{shown} calls {reader}…)"));
            }
        }
    }
    assert!(
        readers.is_empty(),
        "read through formats::input_file::InputFile instead:\n{}",
        readers.join("\n")
    );
}
