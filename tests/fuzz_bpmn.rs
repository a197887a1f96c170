//! Fuzzing the BPMN reader: arbitrary bytes, XML-like bytes, byte-level
//! mutations of valid BPMN files and structural mutations of their
//! elements go through `bpmn::import::parse_bpmn`. Nothing may panic;
//! every refusal must be a message that names the file; every accepted map
//! must validate, score to finite figures, be a valid map file, and export
//! to well-formed BPMN that imports back to the same ranking.
//!
//! The valid files are our own exports of the sample maps and of a small
//! synthetic map, the hostile corpus's base file, and the MIWG reference
//! files when `../shared/bpmn-miwg/` is there.
//!
//! `cargo test` runs a modest number of cases. `FRICTIONMAP_FUZZ_SECS=600`
//! runs for that many seconds instead and prints the executions per kind of
//! input (`cargo test --release --test engine fuzz_bpmn:: -- --nocapture`).
//! `FRICTIONMAP_FUZZ_SEED=<number>` repeats a run.

use std::cell::Cell;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::common::byte_edits::{apply_byte_edit, byte_edit};
use frictionmap::domain::validate::validate;
use frictionmap::formats::bpmn::import::parse_bpmn;
use frictionmap::formats::bpmn::{from_bpmn, to_bpmn};
use frictionmap::formats::mapfile::{parse_map, to_json};
use frictionmap::scoring::rank;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

const SOURCE: &str = "fuzz-input.bpmn";

/// Valid BPMN files to mutate.
fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = frictionmap::formats::samples::sample_maps()
        .expect("the sample maps")
        .iter()
        .map(to_bpmn)
        .collect();
    let params = frictionmap::domain::synth::GenParams {
        lanes: 3,
        steps: 12,
        edges: 14,
        seed: 7,
    };
    seeds.push(to_bpmn(&frictionmap::domain::synth::generate(&params)));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    seeds.push(std::fs::read_to_string(root.join("tests/hostile_bpmn/base.bpmn")).expect("the corpus base"));
    let miwg = root.join("../shared/bpmn-miwg");
    match std::fs::read_dir(&miwg) {
        Ok(dir) => {
            let mut files: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
                .collect();
            files.sort();
            seeds.extend(files.iter().filter_map(|f| std::fs::read_to_string(f).ok()));
        }
        Err(_) => println!("fuzz_bpmn: no MIWG files at {}; seeding without them", miwg.display()),
    }
    for seed in &seeds {
        assert!(
            parse_bpmn(seed.as_bytes(), "seed", "seed").is_ok(),
            "every seed is a valid BPMN file"
        );
    }
    seeds
}

/// Tokens that tend to break XML readers and the import.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "/>",
    "</",
    "\"",
    "'",
    "=",
    "&",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#x1B;",
    "&#x85;",
    "&#x9B;",
    "&#xFFFE;",
    "&#xFDD0;",
    "&#x1FFFE;",
    "&#x10FFFF;",
    "&nbsp;",
    "&undefined;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?pi x?>",
    "<!DOCTYPE d [<!ENTITY e \"x\">]>",
    "\u{feff}",
    "\u{85}",
    "\u{202e}",
    "🙂",
    "\t",
    "\r\n",
    " ",
    "NaN",
    "inf",
    "-1",
    "1e400",
    "0.95",
    "0.96",
    "1e9",
    "1e30",
    "xmlns:x=\"urn:x\"",
    "xmlns=\"\"",
    " id=\"dup\"",
    " name=\"\"",
    " sourceRef=\"dup\"",
    " targetRef=\"dup\"",
    " attachedToRef=\"dup\"",
    "<bpmn:task id=\"dup\"/>",
    "<bpmn:exclusiveGateway id=\"dup\"/>",
    "<bpmn:sequenceFlow id=\"f\" sourceRef=\"dup\" targetRef=\"dup\"/>",
    "<bpmn:subProcess id=\"sp\">",
    "</bpmn:subProcess>",
    "<bpmn:lane id=\"l\"><bpmn:flowNodeRef>dup</bpmn:flowNodeRef></bpmn:lane>",
    "<fm:step id=\"dup\" rework_rate=\"0.5\"/>",
];

/// A valid file with the byte ranges of its elements and attribute values,
/// for structural mutations.
struct Seed {
    text: String,
    elements: Vec<std::ops::Range<usize>>,
    values: Vec<std::ops::Range<usize>>,
    /// Where each element's start tag name ends (to rename it).
    names: Vec<std::ops::Range<usize>>,
}

impl Seed {
    fn new(text: String) -> Self {
        let doc = roxmltree::Document::parse(&text).expect("a seed parses");
        let mut elements = Vec::new();
        let mut values = Vec::new();
        let mut names = Vec::new();
        for node in doc.descendants().filter(|n| n.is_element()) {
            let range = node.range();
            elements.push(range.clone());
            let tag = &text[range.start + 1..];
            let name_len = tag
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(0);
            names.push(range.start + 1..range.start + 1 + name_len);
            for attribute in node.attributes() {
                values.push(attribute.range_value());
            }
        }
        Self {
            text,
            elements,
            values,
            names,
        }
    }
}

/// What replaces an element's name, to turn one kind of node into another.
const KINDS: &[&str] = &[
    "bpmn:task",
    "bpmn:userTask",
    "bpmn:callActivity",
    "bpmn:subProcess",
    "bpmn:transaction",
    "bpmn:exclusiveGateway",
    "bpmn:parallelGateway",
    "bpmn:startEvent",
    "bpmn:boundaryEvent",
    "bpmn:sequenceFlow",
    "bpmn:lane",
    "bpmn:laneSet",
    "bpmn:childLaneSet",
    "bpmn:flowNodeRef",
    "bpmn:participant",
    "bpmn:process",
    "bpmn:documentation",
    "bpmn:extensionElements",
    "fm:step",
    "fm:low",
    "fm:lane",
    "fm:map",
    "bpmndi:BPMNShape",
    "dc:Bounds",
    "other",
];

#[derive(Clone, Debug)]
enum TreeEdit {
    /// Removes an element (with everything in it).
    Remove(Index),
    /// Copies an element right after itself (repeating its ids).
    Duplicate(Index, usize),
    /// Moves an element inside another (or into itself: not well-formed).
    Move(Index, Index),
    /// Renames an element's start tag to another kind (the end tag stays,
    /// unless the element is empty).
    Rename(Index, Index),
    /// Replaces an attribute value with a token or with a copy of another.
    Value(Index, Index, bool),
}

fn tree_edit() -> impl Strategy<Value = TreeEdit> {
    prop_oneof![
        any::<Index>().prop_map(TreeEdit::Remove),
        (any::<Index>(), 1usize..40).prop_map(|(at, n)| TreeEdit::Duplicate(at, n)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TreeEdit::Move(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TreeEdit::Rename(a, b)),
        (any::<Index>(), any::<Index>(), any::<bool>()).prop_map(|(a, b, copy)| TreeEdit::Value(a, b, copy)),
    ]
}

fn apply_tree_edit(seed: &Seed, edit: &TreeEdit) -> String {
    let text = &seed.text;
    let pick = |ranges: &[std::ops::Range<usize>], i: &Index| ranges[i.index(ranges.len())].clone();
    match edit {
        TreeEdit::Remove(i) => {
            let r = pick(&seed.elements, i);
            format!("{}{}", &text[..r.start], &text[r.end..])
        }
        TreeEdit::Duplicate(i, n) => {
            let r = pick(&seed.elements, i);
            format!("{}{}{}", &text[..r.end], text[r.clone()].repeat(*n), &text[r.end..])
        }
        TreeEdit::Move(a, b) => {
            let (from, into) = (pick(&seed.elements, a), pick(&seed.elements, b));
            if from.contains(&into.start) {
                return text.clone();
            }
            let moved = &text[from.clone()];
            let without = format!("{}{}", &text[..from.start], &text[from.end..]);
            // Just inside the target's start tag, in the text without the element.
            let target = if into.start >= from.end {
                into.start - from.len()
            } else {
                into.start
            };
            let at = without[target..].find('>').map_or(without.len(), |i| target + i + 1);
            format!("{}{moved}{}", &without[..at], &without[at..])
        }
        TreeEdit::Rename(a, b) => {
            let r = pick(&seed.names, a);
            format!("{}{}{}", &text[..r.start], KINDS[b.index(KINDS.len())], &text[r.end..])
        }
        TreeEdit::Value(a, b, copy) if !seed.values.is_empty() => {
            let r = pick(&seed.values, a);
            let value = if *copy {
                text[pick(&seed.values, b)].to_owned()
            } else {
                TOKENS[b.index(TOKENS.len())].to_owned()
            };
            format!("{}{value}{}", &text[..r.start], &text[r.end..])
        }
        TreeEdit::Value(..) => text.clone(),
    }
}

/// The property every input must hold.
fn check(bytes: &[u8], accepted: &Cell<u64>) -> Result<(), TestCaseError> {
    match parse_bpmn(bytes, SOURCE, "fuzz") {
        Err(error) => {
            let message = error.to_string();
            prop_assert!(message.starts_with(SOURCE), "the message names the file: {message}");
            prop_assert!(
                message.len() > SOURCE.len() + 2,
                "the message says something: {message}"
            );
        }
        Ok((map, summary)) => {
            accepted.set(accepted.get() + 1);
            prop_assert!(validate(&map).is_ok(), "accepted but invalid: {:?}", validate(&map));
            prop_assert_eq!(summary.steps, map.steps.len());
            let ranking = rank(&map);
            prop_assert!(ranking.total_friction.is_finite() && ranking.total_friction >= 0.0);
            for lane in &ranking.lanes {
                prop_assert!(lane.monthly_friction.is_finite() && lane.share_pct.is_finite());
            }
            let again = parse_map(to_json(&map).as_bytes(), "again.json");
            prop_assert!(
                again.as_ref().is_ok_and(|m| *m == map),
                "map file round trip: {again:?}"
            );
            let xml = to_bpmn(&map);
            let parsed = roxmltree::Document::parse(&xml);
            prop_assert!(parsed.is_ok(), "the export is not well-formed: {:?}", parsed.err());
            let back = from_bpmn(&xml, "export.bpmn", "x");
            let Ok((back, _)) = back else {
                return Err(TestCaseError::fail(format!("the export does not import: {back:?}")));
            };
            prop_assert_eq!(back.steps.len(), map.steps.len());
            prop_assert_eq!(back.edges.len(), map.edges.len());
            prop_assert_eq!(rank(&back), ranking, "the export's ranking");
        }
    }
    Ok(())
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Runs `strategy` through `check` in batches until `deadline` (or once, with
/// `cases` cases). Returns (executions, accepted).
fn fuzz<S: Strategy<Value = Vec<u8>>>(
    kind: &str,
    strategy: S,
    cases: u32,
    deadline: Option<Instant>,
    seed: u64,
) -> (u64, u64) {
    let executed = Cell::new(0u64);
    let accepted = Cell::new(0u64);
    let mut batch = 0u64;
    loop {
        let config = Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 2000,
            ..Config::default()
        };
        let mut rng_seed = [0u8; 32];
        rng_seed[..8].copy_from_slice(&seed.to_le_bytes());
        rng_seed[8..16].copy_from_slice(&batch.to_le_bytes());
        rng_seed[16..].copy_from_slice(&kind.as_bytes().iter().fold([0u8; 16], |mut acc, b| {
            acc[usize::from(*b) % 16] ^= *b;
            acc
        }));
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &rng_seed);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let result = runner.run(&strategy, |bytes| {
            executed.set(executed.get() + 1);
            check(&bytes, &accepted)
        });
        if let Err(error) = result {
            let detail = match error {
                TestError::Fail(reason, bytes) => {
                    format!(
                        "{reason}\ninput ({} bytes): {:?}",
                        bytes.len(),
                        String::from_utf8_lossy(&bytes)
                    )
                }
                TestError::Abort(reason) => reason.to_string(),
            };
            panic!("{kind}: FRICTIONMAP_FUZZ_SEED={seed} (batch {batch}) fails:\n{detail}");
        }
        batch += 1;
        match deadline {
            Some(d) if Instant::now() < d => {}
            _ => return (executed.get(), accepted.get()),
        }
    }
}

fn mutated_bytes(seeds: &[String]) -> impl Strategy<Value = Vec<u8>> + use<> {
    let seeds: Vec<Vec<u8>> = seeds.iter().map(|s| s.as_bytes().to_vec()).collect();
    (any::<Index>(), proptest::collection::vec(byte_edit(512), 1..6)).prop_map(move |(seed, edits)| {
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for edit in &edits {
            apply_byte_edit(&mut bytes, edit, TOKENS);
        }
        bytes
    })
}

fn mutated_tree(seeds: &[String]) -> impl Strategy<Value = Vec<u8>> + use<> {
    let seeds: Vec<Seed> = seeds.iter().map(|s| Seed::new(s.clone())).collect();
    (any::<Index>(), proptest::collection::vec(tree_edit(), 1..4)).prop_map(move |(seed, edits)| {
        // Each edit after the first applies to the seed's own ranges, on
        // the text the edits before it made, when that still parses.
        let mut current = Seed::new(seeds[seed.index(seeds.len())].text.clone());
        let mut text = current.text.clone();
        for edit in &edits {
            text = apply_tree_edit(&current, edit);
            if roxmltree::Document::parse(&text).is_err() {
                break;
            }
            current = Seed::new(text.clone());
        }
        text.into_bytes()
    })
}

fn xml_alphabet() -> impl Strategy<Value = Vec<u8>> {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "/",
        "=",
        "\"",
        " ",
        "\n",
        "task",
        "bpmn:task",
        "exclusiveGateway",
        "subProcess",
        "sequenceFlow",
        "lane",
        "laneSet",
        "flowNodeRef",
        "process",
        "id",
        "name",
        "sourceRef",
        "targetRef",
        "a",
        "b",
        "fm:step",
        "volume_per_month",
        "1",
        "&",
        ";",
        "#x",
        "!--",
        "-->",
        "?",
        "]]>",
    ];
    let prefix = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" \
                  xmlns:fm=\"urn:frictionmap:bpmn:1\" xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\
                  <process id=\"p\"><task id=\"a\"/>";
    proptest::collection::vec(proptest::sample::select(PIECES), 0..200).prop_map(move |pieces| {
        let mut text = prefix.to_owned();
        for piece in pieces {
            text.push_str(piece);
        }
        text.push_str("</process></definitions>");
        text.into_bytes()
    })
}

#[test]
fn the_bpmn_reader_never_panics_and_accepts_only_valid_maps() {
    let seconds = env_number("FRICTIONMAP_FUZZ_SECS");
    let seed = env_number("FRICTIONMAP_FUZZ_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let seeds = seeds();
    // With a time budget each kind of input gets a quarter of it.
    let share = seconds.map(|s| Duration::from_secs(s.max(4) / 4));
    let started = Instant::now();
    let mut total = 0;
    let mut report = Vec::new();
    for (kind, cases) in [
        ("arbitrary bytes", 256),
        ("XML-like bytes", 256),
        ("byte mutations of valid BPMN", 128),
        ("structural mutations of valid BPMN", 128),
    ] {
        let deadline = share.map(|s| Instant::now() + s);
        let (executed, accepted) = match kind {
            "arbitrary bytes" => fuzz(
                kind,
                proptest::collection::vec(any::<u8>(), 0..1024),
                cases,
                deadline,
                seed,
            ),
            "XML-like bytes" => fuzz(kind, xml_alphabet(), cases, deadline, seed),
            "byte mutations of valid BPMN" => fuzz(kind, mutated_bytes(&seeds), cases, deadline, seed),
            _ => fuzz(kind, mutated_tree(&seeds), cases, deadline, seed),
        };
        assert!(executed >= u64::from(cases), "{kind}: {executed} cases ran");
        total += executed;
        report.push(format!("{kind}: {executed} executions, {accepted} accepted"));
    }
    if seconds.is_some() {
        println!(
            "fuzz seed {seed}: {total} executions in {:.0} s, no failure ({} seed files)\n{}",
            started.elapsed().as_secs_f64(),
            seeds.len(),
            report.join("\n")
        );
    }
}
