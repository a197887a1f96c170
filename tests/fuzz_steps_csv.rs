//! Fuzzing the steps CSV reader: arbitrary bytes, CSV-like bytes, byte-level
//! mutations of valid steps CSVs (the sample maps' own exports, with and
//! without the BOM, and as semicolons with decimal commas) and cell-level
//! mutations of them go through `steps_csv::import_new` and, against a
//! sample map, `steps_csv::import_update`. Nothing may panic; every refusal
//! must be a message that names the file; nothing said may hold a raw
//! control character; every accepted map must validate and score to finite
//! figures; a new map must export and read back to the same file; and an
//! update must be exactly the edit the window applies, which undo reverses.
//!
//! `cargo test` runs a modest number of cases. `FRICTIONMAP_FUZZ_SECS=600`
//! runs for that many seconds instead and prints the executions per kind of
//! input (`cargo test --release --test engine fuzz_steps_csv:: --
//! --nocapture`). `FRICTIONMAP_FUZZ_SEED=<number>` repeats a run.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::common::byte_edits::{apply_byte_edit, byte_edit};
use frictionmap::domain::model::{Attr, Map};
use frictionmap::domain::validate::validate;
use frictionmap::formats::samples::sample_maps;
use frictionmap::formats::steps_csv::{import_new, import_update, steps_csv, update_edit};
use frictionmap::scoring::rank;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

const SOURCE: &str = "fuzz-input.csv";

/// The maps updates are tried on: the samples and a small synthetic map.
fn maps() -> Vec<Map> {
    let mut maps = sample_maps().expect("the sample maps");
    maps.push(frictionmap::domain::synth::generate(
        &frictionmap::domain::synth::GenParams {
            lanes: 3,
            steps: 12,
            edges: 14,
            seed: 7,
        },
    ));
    maps
}

/// The same steps as semicolons and decimal commas, as a German Excel saves them.
fn semicolons(map: &Map) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let header = frictionmap::formats::steps_csv::header();
    writer.write_record(&header).unwrap();
    for step in map.steps.iter() {
        let lane = map.lane(&step.lane).map_or("", |l| l.name.as_str());
        let mut row = vec![lane.to_owned(), step.name.clone()];
        let number = |v: f64| format!("{v}").replace('.', ",");
        row.extend(Attr::ALL.iter().map(|&a| number(step.value(a))));
        for a in Attr::ALL {
            row.push(step.low.get(a).map(number).unwrap_or_default());
            row.push(step.high.get(a).map(number).unwrap_or_default());
        }
        row.push(step.notes.clone());
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

/// Valid steps CSVs to mutate.
fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for map in maps() {
        seeds.push(steps_csv(&map, true));
        seeds.push(steps_csv(&map, false));
        seeds.push(semicolons(&map));
    }
    for seed in &seeds {
        let accepted = import_new(seed, "seed", "Seed");
        assert!(
            accepted.as_ref().is_ok_and(|(_, r)| r.rejected.count == 0),
            "every seed reads whole: {:?}",
            accepted.map(|r| r.1)
        );
    }
    seeds
}

/// Cells that tend to break readers and checks.
const TOKENS: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "-1",
    "0.95",
    "0.9500001",
    "95%",
    "96%",
    "1e9",
    "1000000001",
    "1e308",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "1,5",
    "1.234,5",
    "1,234.5",
    "1 234",
    "1.250",
    "'=1+2",
    "=1+2",
    "@SUM(A1)",
    "+cmd",
    "-2+3",
    "\"",
    "\"\"",
    "\"unclosed",
    "a\"b",
    ",",
    ";",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{1b}[31m",
    "\u{7}",
    "\u{85}",
    "\u{9b}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{feff}",
    "\u{202e}",
    "\u{200b}",
    "é",
    "🙂",
    "lane",
    "step",
    "notes",
    "rework_rate",
    "handle_minutes_low",
    "approval_delay_hours_high",
    "PO invoice matching",
    "Capture invoice from AP inbox",
];

/// A change to the grid of cells.
#[derive(Clone, Debug)]
enum CellEdit {
    /// Puts a token (or a long run of one character) into a cell.
    Replace(Index, Index, Index),
    /// Removes a row (the header among them).
    RemoveRow(Index),
    /// Repeats a row.
    DuplicateRow(Index),
    /// Removes a cell, so the row is one short.
    RemoveCell(Index, Index),
    /// Swaps two columns in every row.
    SwapColumns(Index, Index),
}

fn cell_edit() -> impl Strategy<Value = CellEdit> {
    prop_oneof![
        6 => (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(r, c, t)| CellEdit::Replace(r, c, t)),
        1 => any::<Index>().prop_map(CellEdit::RemoveRow),
        2 => any::<Index>().prop_map(CellEdit::DuplicateRow),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(r, c)| CellEdit::RemoveCell(r, c)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| CellEdit::SwapColumns(a, b)),
    ]
}

fn apply_cell_edit(rows: &mut Vec<Vec<String>>, edit: &CellEdit) {
    if rows.is_empty() {
        return;
    }
    let n = rows.len();
    match edit {
        CellEdit::Replace(r, c, t) => {
            let row = &mut rows[r.index(n)];
            if row.is_empty() {
                return;
            }
            let len = row.len();
            let token = TOKENS[t.index(TOKENS.len())];
            // One in eight times, a cell just over the name limit.
            row[c.index(len)] = if t.index(8) == 0 {
                "n".repeat(199 + t.index(3))
            } else {
                token.to_owned()
            };
        }
        CellEdit::RemoveRow(r) => {
            rows.remove(r.index(n));
        }
        CellEdit::DuplicateRow(r) => {
            let copy = rows[r.index(n)].clone();
            rows.insert(r.index(n), copy);
        }
        CellEdit::RemoveCell(r, c) => {
            let row = &mut rows[r.index(n)];
            if !row.is_empty() {
                let len = row.len();
                row.remove(c.index(len));
            }
        }
        CellEdit::SwapColumns(a, b) => {
            for row in rows.iter_mut().filter(|row| !row.is_empty()) {
                let len = row.len();
                row.swap(a.index(len), b.index(len));
            }
        }
    }
}

fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

/// The property every input must hold, as a new map and as an update.
fn check(bytes: &[u8], base: &Map, accepted: &Cell<u64>) -> Result<(), TestCaseError> {
    match import_new(bytes, SOURCE, "Fuzzed") {
        Err(error) => {
            let message = error.to_string();
            prop_assert!(message.starts_with(SOURCE), "the message names the file: {message}");
            prop_assert!(
                message.len() > SOURCE.len() + 2,
                "the message says something: {message}"
            );
            prop_assert!(!has_raw_control(&message), "{message:?}");
        }
        Ok((map, report)) => {
            accepted.set(accepted.get() + 1);
            prop_assert!(validate(&map).is_ok(), "accepted but invalid: {:?}", validate(&map));
            let lines = report.lines().join("\n");
            prop_assert!(!has_raw_control(&lines), "{lines:?}");
            prop_assert_eq!(report.added.count, map.steps.len());
            let ranking = rank(&map);
            prop_assert!(ranking.total_friction.is_finite() && ranking.total_friction >= 0.0);
            for lane in &ranking.lanes {
                prop_assert!(lane.monthly_friction.is_finite() && lane.share_pct.is_finite());
            }
            let exported = steps_csv(&map, true);
            let again = import_new(&exported, "again.csv", "Again");
            prop_assert!(
                again
                    .as_ref()
                    .is_ok_and(|(m, r)| r.rejected.count == 0 && steps_csv(m, true) == exported),
                "export and read back: {:?}",
                again.map(|r| r.1)
            );
        }
    }
    match import_update(bytes, SOURCE, base) {
        Err(error) => {
            let message = error.to_string();
            prop_assert!(message.starts_with(SOURCE), "the message names the file: {message}");
            prop_assert!(!has_raw_control(&message), "{message:?}");
        }
        Ok((after, report)) => {
            prop_assert!(validate(&after).is_ok(), "updated but invalid: {:?}", validate(&after));
            prop_assert!(!has_raw_control(&report.lines().join("\n")));
            prop_assert_eq!(after.steps.len(), base.steps.len() + report.added.count);
            prop_assert_eq!(after.lanes.len(), base.lanes.len() + report.lanes_added);
            prop_assert_eq!(&after.edges, &base.edges);
            prop_assert!(rank(&after).total_friction.is_finite());
            let mut applied = base.clone();
            let inverse = frictionmap::document::edit::apply(&mut applied, update_edit(base, &after))
                .map_err(|e| TestCaseError::fail(format!("the update's edit: {e}")))?;
            prop_assert!(applied == after, "the edit makes the update");
            frictionmap::document::edit::apply(&mut applied, inverse)
                .map_err(|e| TestCaseError::fail(format!("its undo: {e}")))?;
            prop_assert!(&applied == base, "undo restores the map");
        }
    }
    Ok(())
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Runs `strategy` through `check` in batches until `deadline` (or once, with
/// `cases` cases). Returns (executions, accepted as a new map).
fn fuzz<S: Strategy<Value = (Vec<u8>, usize)>>(
    kind: &str,
    strategy: S,
    cases: u32,
    deadline: Option<Instant>,
    seed: u64,
) -> (u64, u64) {
    let bases = maps();
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
        let result = runner.run(&strategy, |(bytes, base)| {
            executed.set(executed.get() + 1);
            check(&bytes, &bases[base % bases.len()], &accepted)
        });
        if let Err(error) = result {
            let detail = match error {
                TestError::Fail(reason, (bytes, base)) => format!(
                    "{reason}\nupdating map {base}, input ({} bytes): {:?}",
                    bytes.len(),
                    String::from_utf8_lossy(&bytes)
                ),
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

fn mutated_cells() -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<(u8, Vec<Vec<String>>)> = seeds()
        .iter()
        .map(|bytes| {
            let delimiter = if bytes.contains(&b';') { b';' } else { b',' };
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
            let rows = reader
                .records()
                .map(|r| r.expect("a seed row").iter().map(str::to_owned).collect())
                .collect();
            (delimiter, rows)
        })
        .collect();
    (
        any::<Index>(),
        proptest::collection::vec(cell_edit(), 1..5),
        any::<bool>(),
    )
        .prop_map(move |(seed, edits, crlf)| {
            let (delimiter, mut rows) = seeds[seed.index(seeds.len())].clone();
            for edit in &edits {
                apply_cell_edit(&mut rows, edit);
            }
            let terminator = if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            };
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .terminator(terminator)
                .flexible(true)
                .from_writer(Vec::new());
            for row in &rows {
                let _ = writer.write_record(row);
            }
            writer.into_inner().unwrap_or_default()
        })
}

/// A cell of CSV-like text: a name, a number as spreadsheets write it, a
/// tricky token, or a few characters of the CSV alphabet.
fn csv_cell() -> impl Strategy<Value = String> {
    const ALPHABET: &[char] = &[
        'a', 'b', ',', ';', '"', '\r', '\n', ' ', '\t', '0', '1', '9', '.', '%', '-', 'e', '\'', '=', '\u{0}',
        '\u{1b}', '\u{a0}', '\u{feff}', '\u{ffff}',
    ];
    prop_oneof![
        3 => proptest::sample::select(&["A", "B", "Intake", "a", "Sign off", "Lane 1"][..]).prop_map(str::to_owned),
        3 => proptest::sample::select(&["0", "1", "2.5", "2,5", "0.05", "12%", "1.250", "1e9", "300"][..])
            .prop_map(str::to_owned),
        2 => proptest::sample::select(TOKENS).prop_map(str::to_owned),
        2 => proptest::collection::vec(proptest::sample::select(ALPHABET), 0..6)
            .prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// Rows of CSV-like cells under one of a few headers, joined by one
/// separator and one kind of line end; quotes and separators inside cells
/// are left as they are.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let header = proptest::sample::select(
        &[
            "lane,step,volume_per_month,rework_rate",
            "lane;step;handle_minutes;handle_minutes_low;notes",
            "\u{feff}Step,Lane,approval_delay_hours_high,approval_delay_hours",
            "lane,step",
            "",
        ][..],
    );
    let rows = proptest::collection::vec(proptest::collection::vec(csv_cell(), 0..7), 0..12);
    let line_end = proptest::sample::select(&["\n", "\r\n", "\r"][..]);
    (header, rows, line_end).prop_map(|(header, rows, line_end)| {
        let separator = if header.contains(';') { ";" } else { "," };
        let mut text = format!("{header}{line_end}");
        for row in rows {
            text.push_str(&row.join(separator));
            text.push_str(line_end);
        }
        text.into_bytes()
    })
}

#[test]
fn the_steps_csv_reader_never_panics_and_accepts_only_valid_maps() {
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
    let cases = 128;
    for kind in [
        "arbitrary bytes",
        "CSV-like bytes",
        "byte mutations of valid CSVs",
        "cell mutations of valid CSVs",
    ] {
        let deadline = share.map(|s| Instant::now() + s);
        let base = any::<usize>();
        let (executed, accepted) = match kind {
            "arbitrary bytes" => fuzz(
                kind,
                (proptest::collection::vec(any::<u8>(), 0..1024), base),
                cases,
                deadline,
                seed,
            ),
            "CSV-like bytes" => fuzz(kind, (csv_like(), base), cases, deadline, seed),
            "byte mutations of valid CSVs" => fuzz(kind, (mutated_bytes(), base), cases, deadline, seed),
            _ => fuzz(kind, (mutated_cells(), base), cases, deadline, seed),
        };
        assert!(executed >= u64::from(cases), "{kind}: {executed} cases ran");
        total += executed;
        report.push(format!(
            "{kind}: {executed} executions, {accepted} accepted as a new map"
        ));
    }
    if seconds.is_some() {
        println!(
            "fuzz seed {seed}: {total} executions in {:.0} s, no failure\n{}",
            started.elapsed().as_secs_f64(),
            report.join("\n")
        );
    }
}
