//! Hostile map files. Every file in `tests/hostile/` (listed with what it is
//! in `CORPUS` below) and a few large ones made at run time must be refused
//! with a message that names the problem, without a panic, and without any
//! change to the database: through `frictionmap import` (exit code 2) and
//! through the app's Map ▸ Import JSON… (an error dialog).

use crate::common;
use crate::common::{files_in, shown};

use std::path::{Path, PathBuf};
use std::process::Command;

use egui_kittest::kittest::Queryable;
use frictionmap::formats::mapfile::read_map_file;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

/// One bad file: its name in `tests/hostile/`, what it is, and words the
/// error message must contain.
struct Case {
    file: &'static str,
    what: &'static str,
    expect: &'static [&'static str],
}

const fn case(file: &'static str, what: &'static str, expect: &'static [&'static str]) -> Case {
    Case { file, what, expect }
}

/// The committed corpus. The base they are made from is a valid map with two
/// lanes, three steps and two edges; each file breaks one thing.
const CORPUS: &[Case] = &[
    // Size, encoding and text.
    case("empty.json", "zero bytes", &["the file is empty"]),
    case(
        "whitespace-only.json",
        "spaces, tabs and line ends",
        &["the file is empty"],
    ),
    case(
        "bom-only.json",
        "a UTF-8 byte-order mark and nothing else",
        &["the file is empty"],
    ),
    case(
        "binary-png.bin",
        "the start of a PNG image",
        &["not UTF-8 text (invalid byte 0x89 at offset 0, line 1 column 1)"],
    ),
    case(
        "binary-zeros.bin",
        "64 NUL bytes",
        &["a NUL byte at offset 0 (line 1 column 1)", "binary file"],
    ),
    case(
        "invalid-utf8-in-name.json",
        "a 0xFF byte inside the map name",
        &["not UTF-8 text (invalid byte 0xFF at offset 44, line 3 column 20)"],
    ),
    case(
        "overlong-utf8.json",
        "an overlong UTF-8 sequence (C0 AF) in a step name",
        &["invalid byte 0xC0 at offset 392, line 24 column 20"],
    ),
    case(
        "latin1.json",
        "a step name written in Latin-1 (é as E9)",
        &["invalid byte 0xE9 at offset 619, line 35 column 19"],
    ),
    case(
        "utf16le-bom.json",
        "the base map saved as UTF-16 little-endian with its byte-order mark",
        &[
            "UTF-16 text (it starts with the byte-order mark FF FE)",
            "save it as UTF-8",
        ],
    ),
    case(
        "utf16be-bom.json",
        "the base map as UTF-16 big-endian with its byte-order mark",
        &["UTF-16 text (it starts with the byte-order mark FE FF)"],
    ),
    case(
        "utf16le-no-bom.json",
        "the base map as UTF-16 little-endian without a byte-order mark",
        &["a NUL byte at offset 1 (line 1 column 2)", "UTF-16"],
    ),
    case(
        "utf32le-bom.json",
        "the base map as UTF-32 little-endian",
        &["UTF-32 text (it starts with the byte-order mark FF FE 00 00)"],
    ),
    case(
        "double-bom.json",
        "two UTF-8 byte-order marks before the map",
        &["(top level): a map file is a JSON object", "which is not JSON"],
    ),
    // JSON syntax and shape.
    case(
        "truncated.json",
        "the first half of the base map",
        &["EOF while parsing an object at line 33 column 5"],
    ),
    case(
        "truncated-in-string.json",
        "cut off inside a step name",
        &["EOF while parsing a string at line 46 column 19"],
    ),
    case(
        "top-level-array.json",
        "the base map inside an array",
        &["(top level): a map file is a JSON object", "starts with an array"],
    ),
    case(
        "top-level-null.json",
        "just `null`",
        &["(top level)", "starts with null"],
    ),
    case(
        "top-level-string.json",
        "just a string",
        &["(top level)", "starts with a string"],
    ),
    case(
        "trailing-garbage.json",
        "the base map followed by a word",
        &[
            "(after the map): trailing characters at line 66 column 1",
            "near \"garbage\"",
        ],
    ),
    case(
        "two-maps.json",
        "the base map twice in one file",
        &["(after the map): trailing characters at line 66 column 1"],
    ),
    case(
        "comment.json",
        "a // comment line before the map",
        &[
            "(top level)",
            "starts with \"// exported by anoth…\", which is not JSON",
        ],
    ),
    case(
        "single-quotes.json",
        "a key and value in single quotes",
        &[
            "key must be a string at line 3 column 3",
            "JSON strings use double quotes",
        ],
    ),
    case(
        "trailing-comma.json",
        "a comma after the last rate",
        &["rates: ", "at line 9 column 3", "a comma before it with nothing after?"],
    ),
    case(
        "duplicate-key.json",
        "`name` twice in the map",
        &["duplicate field `name` at line 4 column 8"],
    ),
    case(
        "lone-surrogate.json",
        "a lane name with half a UTF-16 surrogate pair (\\ud800)",
        &["lanes[1].name: ", "surrogate pair"],
    ),
    case(
        "raw-control-in-string.json",
        "a raw tab inside a step name",
        &["control character (\\u0000-\\u001F) found while parsing a string at line 35 column 18"],
    ),
    // format_version.
    case(
        "version-2.json",
        "format_version 2",
        &["format_version 2 is not supported"],
    ),
    case(
        "version-string.json",
        "format_version \"1\"",
        &["format_version \"1\" is not supported"],
    ),
    case(
        "version-missing.json",
        "no format_version",
        &["format_version: missing"],
    ),
    case(
        "version-null.json",
        "format_version null",
        &["format_version null is not supported"],
    ),
    case(
        "version-float.json",
        "format_version 1.5",
        &["format_version 1.5 is not supported"],
    ),
    case(
        "version-negative.json",
        "format_version -1",
        &["format_version -1 is not supported"],
    ),
    case(
        "version-1e400.json",
        "format_version 1e400",
        &["format_version: number out of range", "near \"1e400,\""],
    ),
    // Types and missing fields.
    case(
        "wrong-type-volume-string.json",
        "a volume given as text",
        &["steps[0].volume_per_month: invalid type: string \"1450\", expected f64"],
    ),
    case(
        "wrong-type-lanes-object.json",
        "lanes as an object instead of a list",
        &["lanes: invalid type: map, expected a sequence"],
    ),
    case(
        "wrong-type-name-number.json",
        "the map name as a number",
        &["name: invalid type: integer `42`, expected a string"],
    ),
    case(
        "wrong-type-edge-number.json",
        "an edge end as a number",
        &["edges[0].from: invalid type: integer `1`, expected a string"],
    ),
    case(
        "wrong-type-rate-bool.json",
        "a rate as true",
        &["rates.hourly_cost: invalid type: boolean `true`, expected f64"],
    ),
    case(
        "missing-step-lane.json",
        "a step without its lane",
        &["steps[0]: missing field `lane`"],
    ),
    case(
        "missing-name.json",
        "no map name",
        &["(top level): missing field `name`"],
    ),
    case(
        "missing-volume.json",
        "a step without its volume",
        &["steps[2]: missing field `volume_per_month`"],
    ),
    // Numbers.
    case(
        "nan-literal.json",
        "NaN as a bare word",
        &[
            "rates.hourly_cost: expected value at line 6 column 20",
            "JSON has no NaN or infinity",
        ],
    ),
    case(
        "infinity-literal.json",
        "-Infinity as a bare word",
        &["at line 39 column 26", "JSON has no NaN or infinity"],
    ),
    case(
        "nan-string.json",
        "\"NaN\" as a string",
        &["steps[1].handle_minutes: invalid type: string \"NaN\", expected f64"],
    ),
    case(
        "number-1e400.json",
        "a volume of 1e400",
        &["steps[0].volume_per_month: number out of range", "near \"1e400,\""],
    ),
    case(
        "negative-volume.json",
        "a volume of -5",
        &["steps[0].volume_per_month: -5 is below the minimum 0"],
    ),
    case(
        "negative-hourly-cost.json",
        "an hourly cost of -46",
        &["rates.hourly_cost: -46 is below the minimum 0"],
    ),
    case(
        "negative-delay.json",
        "an approval delay of -0.5 hours",
        &["steps[2].approval_delay_hours: -0.5 is below the minimum 0"],
    ),
    case(
        "rework-1.json",
        "a rework rate of 1 (every item forever)",
        &["steps[0].rework_rate: 1 is above the maximum 0.95"],
    ),
    case(
        "rework-1.5.json",
        "a rework rate of 1.5",
        &["steps[1].rework_rate: 1.5 is above the maximum 0.95"],
    ),
    case(
        "x-beyond-f32.json",
        "a card position of 1e39, beyond a 32-bit float",
        &["steps[0].x: number out of range", "near \"1e+39,\""],
    ),
    case(
        "low-above-value.json",
        "a low estimate above the value",
        &["steps[0].low.handle_minutes: 9 is above the value 3"],
    ),
    // Ids and references.
    case(
        "duplicate-lane-id.json",
        "two lanes with the id intake",
        &["lanes[1].id: \"intake\" is already used by lanes[0]"],
    ),
    case(
        "duplicate-step-id.json",
        "two steps with the id s1",
        &["steps[2].id: \"s1\" is already used by steps[0]"],
    ),
    case(
        "dangling-edge.json",
        "an edge to a step that does not exist",
        &["edges[1].to: no step has the id \"ghost\""],
    ),
    case(
        "step-in-missing-lane.json",
        "a step in a lane that does not exist",
        &["steps[2].lane: no lane has the id \"nowhere\""],
    ),
    case(
        "self-edge.json",
        "an edge from a step to itself",
        &["edges[2]: joins step \"s3\" to itself"],
    ),
    case(
        "duplicate-edge.json",
        "the same edge twice",
        &["edges[2]: repeats edges[0] (\"s1\" to \"s2\")"],
    ),
    // Text.
    case(
        "nul-in-name.json",
        "a NUL character (\\u0000) in the map name",
        &["name: contains the control character U+0000 at character 8"],
    ),
    case(
        "escape-in-lane-name.json",
        "a terminal escape code in a lane name",
        &["lanes[0].name: contains the control character U+001B at character 1"],
    ),
    case(
        "noncharacter-in-lane-name.json",
        "the noncharacter U+FFFF in a lane name, which XML may not hold (the BPMN export broke on it)",
        &["lanes[0].name: contains the noncharacter U+FFFF at character 7"],
    ),
    case("empty-name.json", "a map name of spaces", &["name: must not be empty"]),
    case(
        "name-201-chars.json",
        "a map name one character over the limit",
        &["name: is 201 characters long, above the maximum 200"],
    ),
    case(
        "notes-too-long.json",
        "map notes one character over the limit",
        &["notes: is 20001 characters long, above the maximum 20000"],
    ),
    case(
        "bad-currency.json",
        "a currency with a space",
        &["currency: \"US DOLLAR\" is not a currency code"],
    ),
    case(
        "simulation-draws-zero.json",
        "a simulation of no scenarios",
        &["simulation.draws: 0 is below the minimum 1"],
    ),
    case(
        "simulation-seed-text.json",
        "a simulation seed that is text",
        &["simulation.seed: invalid type: string \"lucky\", expected u64"],
    ),
];

/// A bad file ready to import, from the corpus or made at run time.
struct Bad {
    path: PathBuf,
    what: String,
    expect: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// The valid map every corpus file starts from.
fn base() -> serde_json::Value {
    serde_json::json!({
        "format_version": 1,
        "name": "Hostile base",
        "currency": "USD",
        "rates": {"hourly_cost": 46, "delay_cost_per_hour": 0.2, "hours_per_fte_month": 140},
        "lanes": [{"id": "intake", "name": "Intake"}, {"id": "approve", "name": "Approval"}],
        "steps": [
            {"id": "s1", "lane": "intake", "name": "Capture", "x": 40, "y": 32, "volume_per_month": 1450,
             "handle_minutes": 3, "rework_rate": 0.03, "approval_delay_hours": 0},
            {"id": "s2", "lane": "approve", "name": "Sign off", "x": 40, "y": 32, "volume_per_month": 300,
             "handle_minutes": 2, "rework_rate": 0, "approval_delay_hours": 16}
        ],
        "edges": [{"from": "s1", "to": "s2"}]
    })
}

const DEPTH: usize = 10_000;

/// The large files, written into `dir` at run time rather than committed.
fn generated(dir: &Path) -> Vec<Bad> {
    let mut out = Vec::new();
    let mut add = |name: &str, bytes: &[u8], what: &str, expect: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        out.push(Bad {
            path,
            what: what.to_owned(),
            expect: expect.iter().map(|s| (*s).to_owned()).collect(),
        });
    };
    let valid = serde_json::to_vec(&base()).unwrap();
    assert!(
        frictionmap::formats::mapfile::parse_map(&valid, "base").is_ok(),
        "the base map is valid"
    );

    let mut map = base();
    map["name"] = "n".repeat(1 << 20).into();
    add(
        "name-1mb.json",
        &serde_json::to_vec(&map).unwrap(),
        "a map name of 1 MiB",
        &["name: is 1048576 characters long, above the maximum 200"],
    );

    let mut padded = valid.clone();
    padded.resize(60 << 20, b' ');
    add(
        "file-60mb.json",
        &padded,
        "a valid map padded with spaces to 60 MiB",
        &["the file is 62914560 bytes, above the 50 MB limit"],
    );

    let arrays = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    add(
        "nesting-10000-arrays.json",
        arrays.as_bytes(),
        "arrays nested 10,000 deep",
        &["(top level)", "starts with an array"],
    );
    add(
        "nesting-10000-version.json",
        format!("{{\"format_version\": {arrays}}}").as_bytes(),
        "format_version holding arrays nested 10,000 deep",
        &["format_version", "nested too deeply (more than 128 levels"],
    );
    add(
        "nesting-10000-lanes.json",
        format!("{{\"format_version\": 1, \"name\": \"Deep\", \"lanes\": {arrays}}}").as_bytes(),
        "lanes holding arrays nested 10,000 deep",
        &["lanes[0]", "invalid type: sequence"],
    );
    let objects = format!("{}1{}", "{\"a\": ".repeat(DEPTH), "}".repeat(DEPTH));
    add(
        "nesting-10000-objects.json",
        format!("{{\"format_version\": 1, \"extra\": {objects}}}").as_bytes(),
        "an unknown field holding objects nested 10,000 deep, and no map name",
        &["(top level): missing field `name`"],
    );

    let mut map = base();
    let edges: Vec<serde_json::Value> = (0..200_000)
        .map(|i| serde_json::json!({"from": "s1", "to": format!("ghost{i}")}))
        .collect();
    map["edges"] = edges.into();
    add(
        "edges-200000-dangling.json",
        &serde_json::to_vec(&map).unwrap(),
        "200,000 edges to steps that do not exist",
        &[
            "edges[0].to: no step has the id \"ghost0\"",
            "…and 199980 more problems",
        ],
    );

    let numbers = format!(
        "{{\"format_version\": 1, \"name\": \"Numbers\", \"steps\": [{}0]}}",
        "0,".repeat(5_000_000)
    );
    add(
        "steps-5000000-numbers.json",
        numbers.as_bytes(),
        "five million numbers where steps belong",
        &["steps[0]: invalid type: integer `0`, expected struct Step"],
    );
    #[cfg(unix)]
    {
        let fifo = dir.join("pipe.json");
        let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        let mut special = vec![(dir.to_owned(), "a folder")];
        if made {
            special.push((fifo, "a named pipe nobody writes to"));
        }
        if Path::new("/dev/zero").exists() {
            special.push((PathBuf::from("/dev/zero"), "/dev/zero, endless zero bytes"));
        }
        for (path, what) in special {
            out.push(Bad {
                path,
                what: what.to_owned(),
                expect: vec!["cannot read the file: not a regular file".to_owned()],
            });
        }
    }
    out
}

/// The corpus and the generated files, each with its words.
fn all_bad_files(dir: &Path) -> Vec<Bad> {
    let mut all: Vec<Bad> = CORPUS
        .iter()
        .map(|c| Bad {
            path: corpus_dir().join(c.file),
            what: c.what.to_owned(),
            expect: c.expect.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect();
    all.extend(generated(dir));
    all
}

#[test]
fn the_manifest_lists_every_corpus_file_and_nothing_else() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|c| c.file.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(CORPUS.len() >= 30, "at least 30 committed bad files");
    for c in CORPUS {
        assert!(!c.expect.is_empty() && !c.what.is_empty(), "{}", c.file);
    }
}

#[test]
fn the_library_refuses_every_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    for bad in all_bad_files(dir.path()) {
        let error = read_map_file(&bad.path).expect_err(&bad.what).to_string();
        for word in &bad.expect {
            assert!(
                error.contains(word.as_str()),
                "{} ({}): the message lacks {word:?}:\n{error}",
                bad.path.display(),
                bad.what
            );
        }
    }
}

#[test]
fn the_command_line_refuses_every_bad_file_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("frictionmap.sqlite3");
    let run = |args: &[&std::ffi::OsStr]| {
        Command::new(BIN)
            .env_remove("FRICTIONMAP_DB")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["list".as_ref()]).status.success());
    let before = files_in(db.parent().unwrap());
    let bad_files = all_bad_files(dir.path());
    for bad in &bad_files {
        for command in ["import", "rank"] {
            let output = run(&[command.as_ref(), bad.path.as_os_str()]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let name = format!("{command} {} ({})", bad.path.display(), bad.what);
            assert_eq!(output.status.code(), Some(2), "{name}: exit code; stderr:\n{stderr}");
            assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
            assert!(!stderr.contains("panicked"), "{name}: {stderr}");
            assert!(
                stderr.starts_with(&format!("error: {}", bad.path.display())),
                "{name}: the message starts with the file:\n{stderr}"
            );
            for word in &bad.expect {
                assert!(
                    stderr.contains(word.as_str()),
                    "{name}: stderr lacks {word:?}:\n{stderr}"
                );
            }
        }
    }
    assert_eq!(
        files_in(db.parent().unwrap()),
        before,
        "the database is byte-for-byte unchanged after {} refused imports",
        bad_files.len()
    );
}

#[test]
fn the_app_refuses_every_bad_file_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut harness = common::app(&data.join("fm.sqlite3"));
    let maps_before = common::ws(&harness).maps().to_vec();
    let open_before = common::ws(&harness).document().map().clone();
    let files_before = files_in(&data);
    let bad_files = all_bad_files(dir.path());
    for bad in &bad_files {
        common::menu(&mut harness, "Import JSON…");
        common::type_path(&mut harness, &bad.path);
        let name = format!("{} ({})", bad.path.display(), bad.what);
        assert!(
            shown(&harness, &["Import a map (JSON) failed".to_owned()]),
            "{name}: no error dialog"
        );
        assert!(
            shown(&harness, &bad.expect),
            "{name}: the dialog lacks {:?}",
            bad.expect
        );
        // A long message's dialog grows for a few frames before it settles.
        for _ in 0..20 {
            harness.step();
        }
        harness.get_by_label("OK").click();
        harness.run();
        assert!(
            !shown(&harness, &["Import a map (JSON) failed".to_owned()]),
            "{name}: the dialog closes"
        );
        assert_eq!(
            common::ws(&harness).maps(),
            maps_before.as_slice(),
            "{name}: the library changed"
        );
        assert_eq!(
            common::ws(&harness).document().map(),
            &open_before,
            "{name}: the open map changed"
        );
    }
    harness.run();
    assert_eq!(
        files_in(&data),
        files_before,
        "the database is byte-for-byte unchanged after {} refused imports",
        bad_files.len()
    );
}
