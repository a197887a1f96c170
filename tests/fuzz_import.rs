//! Fuzzing the import path: arbitrary bytes, JSON-like bytes, byte-level
//! mutations of valid map files and structural mutations of their JSON go
//! through `mapfile::parse_map`. Nothing may panic; every refusal must be a
//! message that names the file; every accepted map must validate, score to
//! finite figures, and survive the JSON file and the database unchanged.
//!
//! `cargo test` runs a modest number of cases. `FRICTIONMAP_FUZZ_SECS=600`
//! runs for that many seconds instead and prints the executions per kind of
//! input (`cargo test --release --test engine fuzz_import:: -- --nocapture`).
//! `FRICTIONMAP_FUZZ_SEED=<number>` repeats a run.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::common::byte_edits::{apply_byte_edit, byte_edit};
use frictionmap::domain::validate::validate;
use frictionmap::formats::mapfile::{parse_map, to_json};
use frictionmap::scoring::rank;
use frictionmap::store::Store;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::Value;

const SOURCE: &str = "fuzz-input.json";

/// Valid map files to mutate: the samples and a small synthetic map.
fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [
        include_str!("../sample_maps/accounts-payable.json"),
        include_str!("../sample_maps/claims-intake.json"),
        include_str!("../sample_maps/customer-onboarding.json"),
        include_str!("../sample_maps/it-access-requests.json"),
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let params = frictionmap::domain::synth::GenParams {
        lanes: 3,
        steps: 12,
        edges: 14,
        seed: 7,
    };
    seeds.push(to_json(&frictionmap::domain::synth::generate(&params)).into_bytes());
    for seed in &seeds {
        assert!(parse_map(seed, "seed").is_ok(), "every seed is a valid map");
    }
    seeds
}

/// Tokens that tend to break parsers and validators.
const TOKENS: &[&str] = &[
    "NaN",
    "-Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "0",
    "1",
    "-1",
    "0.95",
    "0.9500000001",
    "1e9",
    "1000000001",
    "1e308",
    "18446744073709551616",
    "4294967296",
    "null",
    "true",
    "[]",
    "{}",
    "\"\"",
    "\" \"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"s1\"",
    "\"pm-1\"",
    "\u{feff}",
    "\u{202e}",
    "é",
    "🙂",
    ",",
    ":",
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    "\"format_version\": 2,",
    "\"id\": \"dup\",",
    "\"from\": \"nowhere\",",
    "\"low\": {\"rework_rate\": 0.99},",
    "\"picks\": [{}],",
];

/// A JSON value to put somewhere in a map.
fn leaf() -> impl Strategy<Value = Value> {
    let tricky_text = "[a-z0-9 ='\"\\\\\u{0}\u{1b}\u{7f}\u{85}\u{200b}\u{feff}\u{202e}é🙂\n\t-]{0,12}";
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just(-1.0),
            Just(0.0),
            Just(0.95),
            Just(0.96),
            Just(1.0),
            Just(1e9),
            Just(1e10)
        ]
        .prop_map(Value::from),
        prop_oneof![Just("s1"), Just("pm-1"), Just("po-match"), Just("dup"), Just("")].prop_map(Value::from),
        proptest::string::string_regex(tricky_text)
            .expect("regex")
            .prop_map(Value::from),
        "[a-z]{0,3}".prop_map(|s| Value::String(s.repeat(70))),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(serde_json::Map::new())),
    ]
}

#[derive(Clone, Debug)]
enum TreeEdit {
    Replace(Value),
    Remove,
    Duplicate,
}

fn tree_edit() -> impl Strategy<Value = (Vec<Index>, TreeEdit)> {
    let edit = prop_oneof![
        3 => leaf().prop_map(TreeEdit::Replace),
        1 => Just(TreeEdit::Remove),
        2 => Just(TreeEdit::Duplicate),
    ];
    (proptest::collection::vec(any::<Index>(), 0..5), edit)
}

/// Walks down `path` (each index picks a child) and edits the node reached;
/// Remove and Duplicate act on the node within its parent.
fn apply_tree_edit(node: &mut Value, path: &[Index], edit: &TreeEdit) {
    let Some((step, rest)) = path.split_first() else {
        if let TreeEdit::Replace(value) = edit {
            *node = value.clone();
        }
        return;
    };
    let last = rest.is_empty();
    match node {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(step.index(map.len())).cloned().unwrap_or_default();
            if last && matches!(edit, TreeEdit::Remove) {
                map.remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                apply_tree_edit(child, rest, edit);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = step.index(items.len());
            match edit {
                TreeEdit::Remove if last => {
                    items.remove(i);
                }
                TreeEdit::Duplicate if last => {
                    let copy = items[i].clone();
                    items.insert(i, copy);
                }
                _ => apply_tree_edit(&mut items[i], rest, edit),
            }
        }
        _ => apply_tree_edit(node, &[], edit),
    }
}

/// The property every input must hold.
fn check(bytes: &[u8], store: &RefCell<Store>, accepted: &Cell<u64>) -> Result<(), TestCaseError> {
    match parse_map(bytes, SOURCE) {
        Err(error) => {
            let message = error.to_string();
            prop_assert!(message.contains(SOURCE), "the message names the file: {message}");
            prop_assert!(
                message.len() > SOURCE.len() + 2,
                "the message says something: {message}"
            );
        }
        Ok(map) => {
            accepted.set(accepted.get() + 1);
            prop_assert!(validate(&map).is_ok(), "accepted but invalid: {:?}", validate(&map));
            let ranking = rank(&map);
            prop_assert!(ranking.total_friction.is_finite() && ranking.total_friction >= 0.0);
            for lane in &ranking.lanes {
                prop_assert!(lane.monthly_friction.is_finite() && lane.share_pct.is_finite());
            }
            let again = parse_map(to_json(&map).as_bytes(), "again.json");
            prop_assert!(again.as_ref().is_ok_and(|m| *m == map), "JSON round trip: {again:?}");
            let mut store = store.borrow_mut();
            let id = store
                .create(&map)
                .map_err(|e| TestCaseError::fail(format!("store: {e}")))?;
            let loaded = store.load(id).map_err(|e| TestCaseError::fail(format!("load: {e}")))?;
            store
                .delete(id)
                .map_err(|e| TestCaseError::fail(format!("delete: {e}")))?;
            prop_assert_eq!(loaded, map, "database round trip");
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
    let store = RefCell::new(Store::open_in_memory().expect("in-memory store"));
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
            check(&bytes, &store, &accepted)
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

fn mutated_bytes() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    (any::<Index>(), proptest::collection::vec(byte_edit(256), 1..6)).prop_map(move |(seed, edits)| {
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for edit in &edits {
            apply_byte_edit(&mut bytes, edit, TOKENS);
        }
        bytes
    })
}

fn mutated_tree() -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Value> = seeds()
        .iter()
        .map(|s| serde_json::from_slice(s).expect("seed JSON"))
        .collect();
    (any::<Index>(), proptest::collection::vec(tree_edit(), 1..4)).prop_map(move |(seed, edits)| {
        let mut value = seeds[seed.index(seeds.len())].clone();
        for (path, edit) in &edits {
            apply_tree_edit(&mut value, path, edit);
        }
        serde_json::to_vec(&value).unwrap_or_default()
    })
}

fn json_alphabet() -> impl Strategy<Value = Vec<u8>> {
    const ALPHABET: &[u8] = b"{}[]\":,0123456789.eE-+ ntrufalsNI\\u\x00\xff\xef\xbb\xbf";
    let prefix = Just(b"{\"format_version\": 1, ".to_vec());
    (
        prefix,
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..256),
    )
        .prop_map(|(mut p, tail)| {
            p.extend(tail);
            p
        })
}

#[test]
fn the_import_path_never_panics_and_accepts_only_valid_maps() {
    let seconds = env_number("FRICTIONMAP_FUZZ_SECS");
    let seed = env_number("FRICTIONMAP_FUZZ_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    // With a time budget each kind of input gets a quarter of it.
    let share = seconds.map(|s| Duration::from_secs(s.max(4) / 4));
    let started = Instant::now();
    let mut total = 0;
    let mut report = Vec::new();
    for (kind, cases) in [
        ("arbitrary bytes", 256),
        ("JSON-like bytes", 256),
        ("byte mutations of valid maps", 256),
        ("structural mutations of valid maps", 256),
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
            "JSON-like bytes" => fuzz(kind, json_alphabet(), cases, deadline, seed),
            "byte mutations of valid maps" => fuzz(kind, mutated_bytes(), cases, deadline, seed),
            _ => fuzz(kind, mutated_tree(), cases, deadline, seed),
        };
        assert!(executed >= u64::from(cases), "{kind}: {executed} cases ran");
        total += executed;
        report.push(format!("{kind}: {executed} executions, {accepted} accepted"));
    }
    if seconds.is_some() {
        println!(
            "fuzz seed {seed}: {total} executions in {:.0} s, no failure\n{}",
            started.elapsed().as_secs_f64(),
            report.join("\n")
        );
    }
}
