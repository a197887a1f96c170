//! Hostile steps CSV files. Every file in `tests/hostile_csv/` (listed with
//! what it is in `CORPUS` below) and the large ones made at run time go
//! through the steps CSV import as a new map and as an update, on the
//! command line (`frictionmap steps import FILE [--into MAP]`) and through
//! the window's Map ▸ Import steps CSV as new map… and Update map from steps
//! CSV…. A refused file exits with code 2 (or shows an error dialog) with a
//! message that starts with the file and names the problem; a file that is
//! partly fine is imported with the rows that pass, and the report lists
//! each rejected row with its line and reason. No run panics, none takes
//! more than 10 s, a command's peak memory stays under 200 MiB, nothing it
//! prints carries a raw control character, and the database is
//! byte-for-byte unchanged after every refused file.

use crate::child_process::run_bounded;
use crate::common;
use crate::common::{files_in, shown};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use frictionmap::domain::validate::validate;
use frictionmap::formats::steps_csv::{import_new, import_update, read_file};

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");
/// The map the update runs change: a sample map, in every new database.
const MAP: &str = "Accounts payable: invoice to payment";
/// The longest any import may take, command or window: 10 s. A debug
/// build, whose own code runs unoptimised (about ten times slower on these
/// files), gets four times as long; `cargo test --release` checks the 10 s.
const TIME_LIMIT: Duration = Duration::from_secs(if cfg!(debug_assertions) { 40 } else { 10 });
/// The most memory a command may use on any file of the corpus.
const MEMORY_LIMIT_BYTES: u64 = 200 << 20;

/// What an import of the file must do.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Outcome {
    /// Refuse the whole file: exit code 2, an error dialog.
    Refused,
    /// Import the rows that pass and report the others.
    Partly,
}
use Outcome::{Partly, Refused};

/// One hostile file: its name in `tests/hostile_csv/`, what it is, what an
/// import does with it, and words the message (or the report) must contain.
struct Case {
    file: &'static str,
    what: &'static str,
    outcome: Outcome,
    expect: &'static [&'static str],
}

const fn refused(file: &'static str, what: &'static str, expect: &'static [&'static str]) -> Case {
    Case {
        file,
        what,
        outcome: Refused,
        expect,
    }
}

const fn partly(file: &'static str, what: &'static str, expect: &'static [&'static str]) -> Case {
    Case {
        file,
        what,
        outcome: Partly,
        expect,
    }
}

/// The committed corpus. Most files are the header
/// `lane,step,volume_per_month,handle_minutes,rework_rate,approval_delay_hours`
/// and one or a few rows, with one thing broken.
const CORPUS: &[Case] = &[
    // Encoding and text.
    refused("empty.csv", "zero bytes", &["the file is empty"]),
    refused(
        "whitespace-only.csv",
        "spaces, a tab and line ends",
        &["the file is empty"],
    ),
    refused(
        "bom-only.csv",
        "a UTF-8 byte-order mark and nothing else",
        &["the file is empty"],
    ),
    refused(
        "utf16le-bom.csv",
        "a good file saved as UTF-16 little-endian with its byte-order mark (Excel's \"Unicode text\")",
        &[
            "the file is UTF-16 text (it starts with the byte-order mark FF FE)",
            "save it from the spreadsheet as \"CSV UTF-8\"",
        ],
    ),
    refused(
        "utf16be-bom.csv",
        "a good file as UTF-16 big-endian with its byte-order mark",
        &["UTF-16 text (it starts with the byte-order mark FE FF)"],
    ),
    refused(
        "utf16le-no-bom.csv",
        "a good file as UTF-16 little-endian without a byte-order mark",
        &[
            "the header line holds a NUL byte (its byte 2)",
            "looks like UTF-16 or a binary file",
        ],
    ),
    refused(
        "utf32le-bom.csv",
        "a good file as UTF-32 little-endian",
        &["UTF-32 text (it starts with the byte-order mark FF FE 00 00)"],
    ),
    refused(
        "latin1.csv",
        "a step name written in Latin-1 (é as E9), as older Excel saves CSV",
        &["not UTF-8 text (invalid byte 0xE9 at offset 86, line 2 column 11)"],
    ),
    refused(
        "overlong-utf8.csv",
        "an overlong UTF-8 sequence (C0 AF) in a step name",
        &["not UTF-8 text (invalid byte 0xC0 at offset 89, line 2 column 14)"],
    ),
    refused(
        "binary-png.bin",
        "the start of a PNG image",
        &["not UTF-8 text (invalid byte 0x89 at offset 0, line 1 column 1)"],
    ),
    refused(
        "binary-zeros.bin",
        "64 NUL bytes",
        &["the header line holds a NUL byte (its byte 1)", "binary file"],
    ),
    refused(
        "xlsx-renamed.csv",
        "the start of a spreadsheet (a zip file) renamed to .csv",
        &["not UTF-8 text (invalid byte 0xB5 at offset 14, line 1 column 15)"],
    ),
    // The header.
    refused(
        "no-lane-column.csv",
        "a header without a lane column",
        &["line 1: the header needs a \"lane\" and a \"step\" column (found: \"step\", \"volume_per_month\")"],
    ),
    refused(
        "tab-separated.csv",
        "a good file separated by tabs, so the header is one cell",
        &[
            "the header needs a \"lane\" and a \"step\" column",
            "(found: \"lane\\tstep\\tvolume_per_month",
            "(74 characters)",
        ],
    ),
    refused(
        "header-only.csv",
        "the header and no rows",
        &["the file has a header (line 1) but no rows under it"],
    ),
    refused(
        "only-blank-rows.csv",
        "the header, then rows of empty cells and spaces",
        &["the file has a header (line 1) but no rows under it"],
    ),
    refused(
        "header-unclosed-quote.csv",
        "a quote opened in the header and never closed",
        &["line 1: a quoted cell starts here and no closing quote (\") ends it"],
    ),
    refused(
        "unclosed-quote.csv",
        "a quote opened in a step name on line 3 and never closed",
        &[
            "line 3: a quoted cell starts here and no closing quote (\") ends it, so the rest of the file would be one cell",
        ],
    ),
    // Values: every row rejected, so the file is refused with the reasons.
    refused(
        "rework-above-max.csv",
        "a rework rate of 1.5",
        &[
            "no row could be imported",
            "line 2: rejected: rework_rate: 1.5 is above the maximum 0.95",
        ],
    ),
    refused(
        "rework-percent-above-max.csv",
        "a rework rate of 96%",
        &["line 2: rejected: rework_rate: 0.96 is above the maximum 0.95"],
    ),
    refused(
        "negative-volume.csv",
        "a volume of -5",
        &["line 2: rejected: volume_per_month: -5 is below the minimum 0"],
    ),
    refused(
        "volume-above-max.csv",
        "a volume of 1e308",
        &["line 2: rejected: volume_per_month: 1e308 is above the maximum 1000000000"],
    ),
    refused(
        "nan-value.csv",
        "NaN as handling minutes",
        &["line 2: rejected: handle_minutes: \"NaN\" is not a finite number"],
    ),
    refused(
        "infinity-value.csv",
        "-inf as an approval delay",
        &["line 2: rejected: approval_delay_hours: \"-inf\" is not a finite number"],
    ),
    refused(
        "number-1e400.csv",
        "a volume of 1e400, beyond a 64-bit float",
        &["line 2: rejected: volume_per_month: \"1e400\" is not a finite number"],
    ),
    refused(
        "text-in-number.csv",
        "a volume of \"lots\"",
        &["line 2: rejected: volume_per_month: \"lots\" is not a number"],
    ),
    refused(
        "percent-in-volume.csv",
        "a volume of 12% (a percentage is read only as a rework rate)",
        &["line 2: rejected: volume_per_month: \"12%\" is not a number"],
    ),
    refused(
        "low-above-value.csv",
        "a low estimate above the value",
        &["line 2: rejected: handle_minutes_low: 9 is above the value 3"],
    ),
    refused(
        "high-below-value.csv",
        "a high estimate below the value",
        &["line 2: rejected: approval_delay_hours_high: 4 is below the value 16"],
    ),
    refused(
        "too-few-cells.csv",
        "a row with 3 cells under a header of 6",
        &["line 2: rejected: has 3 cells, the header has 6"],
    ),
    refused(
        "too-many-cells.csv",
        "a row with 8 cells under a header of 6",
        &["line 2: rejected: has 8 cells, the header has 6"],
    ),
    refused(
        "every-row-rejected.csv",
        "four rows, each wrong in its own way",
        &[
            "no row could be imported",
            "line 2: rejected: rework_rate: 2 is above the maximum 0.95",
            "line 3: rejected: the lane is empty",
            "line 4: rejected: volume_per_month: \"ten\" is not a number",
            "line 5: rejected: has 5 cells, the header has 6",
        ],
    ),
    // Names and notes.
    refused(
        "empty-lane.csv",
        "an empty lane cell",
        &["line 2: rejected: the lane is empty"],
    ),
    refused(
        "spaces-as-step.csv",
        "a step name of spaces",
        &["line 2: rejected: the step is empty"],
    ),
    refused(
        "name-201-chars.csv",
        "a step name one character over the limit",
        &["line 2: rejected: the step name is 201 characters long, above the maximum 200"],
    ),
    refused(
        "escape-in-lane-name.csv",
        "a terminal escape code (ESC [31m) in a lane name",
        &["line 2: rejected: the lane name contains the control character U+001B at character 7"],
    ),
    refused(
        "nul-in-step-name.csv",
        "a NUL character in a step name",
        &["line 2: rejected: the step name contains the control character U+0000 at character 5"],
    ),
    refused(
        "csi-in-step-name.csv",
        "the one-character terminal escape CSI (U+009B) in a step name",
        &["line 2: rejected: the step name contains the control character U+009B at character 5"],
    ),
    refused(
        "noncharacter-fffe.csv",
        "the noncharacter U+FFFE in a step name",
        &["line 2: rejected: the step name contains the noncharacter U+FFFE at character 10"],
    ),
    refused(
        "noncharacter-ffff-lane.csv",
        "the noncharacter U+FFFF in a lane name",
        &["line 2: rejected: the lane name contains the noncharacter U+FFFF at character 7"],
    ),
    refused(
        "bell-in-notes.csv",
        "a bell character in the notes",
        &["line 2: rejected: notes: contains the control character U+0007 at character 5"],
    ),
    refused(
        "notes-too-long.csv",
        "notes one character over the limit",
        &["line 2: rejected: notes: is 20001 characters long, above the maximum 20000"],
    ),
    // Partly fine: the good rows are imported (or match, when the map has
    // them already), the others reported.
    partly(
        "duplicate-rows.csv",
        "one row, then the same lane and step twice more",
        &[
            ", 2 rejected",
            "line 3: rejected: lane \"Intake\" step \"Open mail\" is already on line 2",
            "line 4: rejected: lane \"Intake\" step \"Open mail\" is already on line 2",
        ],
    ),
    partly(
        "formula-cells.csv",
        "spreadsheet formulas as names and notes (kept as text) and as a volume (rejected)",
        &[
            ", 1 rejected",
            "line 3: rejected: volume_per_month: \"=1+2\" is not a number",
        ],
    ),
    partly(
        "mixed-line-ends.csv",
        "CR, LF and CRLF line ends in one file, a bad row on line 4",
        &[
            ", 1 rejected",
            "line 4: rejected: rework_rate: 7 is above the maximum 0.95",
        ],
    ),
    partly(
        "newline-in-name.csv",
        "quoted step names with a line end and with quotes, then a bad row on line 5",
        &[
            ", 1 rejected",
            "line 5: rejected: approval_delay_hours: -1 is below the minimum 0",
        ],
    ),
    partly(
        "semicolons-bad-value.csv",
        "a semicolon-separated file with decimal commas and a word for a number",
        &[
            "Semicolon-separated file",
            "Numbers read with a decimal comma",
            "line 3: rejected: handle_minutes: \"zwei\" is not a number",
        ],
    ),
];

/// A file to import, from the corpus or made at run time.
struct Hostile {
    path: PathBuf,
    what: String,
    outcome: Outcome,
    expect: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile_csv")
}

const HEADER: &str = "lane,step,volume_per_month,handle_minutes,rework_rate,approval_delay_hours\r\n";

/// The large and special files, made in `dir` at run time.
fn generated(dir: &Path) -> Vec<Hostile> {
    let mut out = Vec::new();
    let mut add = |name: &str, bytes: &[u8], what: &str, expect: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        out.push(Hostile {
            path,
            what: what.to_owned(),
            outcome: Refused,
            expect: expect.iter().map(|s| (*s).to_owned()).collect(),
        });
    };
    let mut padded = format!("{HEADER}Intake,Open mail,10,1,0,0\r\n").into_bytes();
    padded.resize(60 << 20, b' ');
    add(
        "file-60mb.csv",
        &padded,
        "a good file padded with spaces to 60 MiB",
        &["the file is 62914560 bytes, above the 50 MB limit"],
    );
    add(
        "header-1mb.csv",
        format!("{}\r\nIntake,Open mail\r\n", "h".repeat(1 << 20)).as_bytes(),
        "a header of one 1 MiB cell",
        &[
            "line 1: the header needs a \"lane\" and a \"step\" column (found: \"hhhh",
            "\"… (1048576 characters))",
        ],
    );
    add(
        "cell-1mb-name.csv",
        format!("{HEADER}Intake,{},10,1,0,0\r\n", "n".repeat(1 << 20)).as_bytes(),
        "a step name of 1 MiB",
        &["line 2: rejected: the step name is 1048576 characters long, above the maximum 200"],
    );
    add(
        "cell-1mb-number.csv",
        format!("{HEADER}Intake,Open mail,{},1,0,0\r\n", "9".repeat(1 << 20)).as_bytes(),
        "a volume of a million nines",
        &[
            "line 2: rejected: volume_per_month: \"999999",
            "… (1048576 characters) is not a finite number",
        ],
    );
    let mut rows = String::from(HEADER);
    for i in 0..1_000_000 {
        rows.push_str(&format!("Lane {},Step {i},1,1,2,0\n", i % 50));
    }
    add(
        "rows-1000000-rejected.csv",
        rows.as_bytes(),
        "1,000,000 rows, each with a rework rate of 2",
        &[
            "no row could be imported",
            "line 2: rejected: rework_rate: 2 is above the maximum 0.95",
            "line 101: rejected: rework_rate: 2",
            "…and 999900 more rejected row(s), not listed",
        ],
    );
    let mut rows = String::from("lane,step\n");
    for i in 0..1_000_001 {
        rows.push_str(&format!("L,{i}\n"));
    }
    add(
        "rows-1000001.csv",
        rows.as_bytes(),
        "1,000,001 good rows, one more than a file may hold",
        &["line 1000002: the file has more than 1000000 rows"],
    );
    add(
        "cells-10000000.csv",
        format!("lane,step\nIntake,Open mail{}\n", ",".repeat(10_000_000)).as_bytes(),
        "a row of ten million empty cells",
        &["line 2: rejected: has 10000002 cells, the header has 2"],
    );
    add(
        "header-100000-columns.csv",
        format!("lane,step{}\nIntake,Open mail\n", ",x".repeat(100_000)).as_bytes(),
        "a header of 100,002 columns",
        &["line 1: the header has 100002 columns, above the 16384 a steps CSV may have"],
    );
    add(
        "quotes-10mb.csv",
        &vec![b'"'; 10 << 20],
        "ten million quote characters",
        &["line 1: the header needs a \"lane\" and a \"step\" column"],
    );
    add(
        "unclosed-quote-10mb.csv",
        format!("{HEADER}Intake,\"Open mail{}", ",1".repeat(5 << 20)).as_bytes(),
        "a quote opened on line 2 and 10 MiB of cells after it",
        &["line 2: a quoted cell starts here and no closing quote"],
    );
    #[cfg(unix)]
    {
        let fifo = dir.join("pipe.csv");
        let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        let folder = dir.join("folder.csv");
        std::fs::create_dir(&folder).unwrap();
        let mut special = vec![(folder, "a folder named like a CSV file", "a folder")];
        if made {
            special.push((fifo, "a named pipe nobody writes to", "a named pipe"));
        }
        if Path::new("/dev/zero").exists() {
            special.push((PathBuf::from("/dev/zero"), "/dev/zero, endless zero bytes", "a device"));
        }
        for (path, what, kind) in special {
            out.push(Hostile {
                path,
                what: what.to_owned(),
                outcome: Refused,
                expect: vec![format!("cannot read the file: not a regular file (it is {kind})")],
            });
        }
    }
    out
}

/// The corpus and the generated files, refused ones first: the partly fine
/// ones change the database.
fn all_files(dir: &Path) -> Vec<Hostile> {
    let mut all: Vec<Hostile> = CORPUS
        .iter()
        .map(|c| Hostile {
            path: corpus_dir().join(c.file),
            what: c.what.to_owned(),
            outcome: c.outcome,
            expect: c.expect.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect();
    all.extend(generated(dir));
    all.sort_by_key(|h| h.outcome == Partly);
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
    let dir = tempfile::tempdir().unwrap();
    assert!(all_files(dir.path()).len() >= 40, "at least 40 hostile files");
    for c in CORPUS {
        assert!(!c.expect.is_empty() && !c.what.is_empty(), "{}", c.file);
    }
}

fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

#[test]
fn the_library_refuses_or_reports_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let base = frictionmap::formats::samples::sample_maps().unwrap().remove(0);
    assert_eq!(base.name, MAP);
    for file in all_files(dir.path()) {
        let name = format!("{} ({})", file.path.display(), file.what);
        let source = file.path.display().to_string();
        let results = match read_file(&file.path) {
            Ok(bytes) => vec![
                import_new(&bytes, &source, "Hostile"),
                import_update(&bytes, &source, &base),
            ],
            Err(error) => vec![Err(error)],
        };
        for result in results {
            let text = match (file.outcome, result) {
                (Refused, Err(error)) => {
                    let text = error.to_string();
                    assert!(text.starts_with(&format!("{source}: ")), "{name}: {text}");
                    text
                }
                (Partly, Ok((map, report))) => {
                    assert!(validate(&map).is_ok(), "{name}: {:?}", validate(&map));
                    assert!(report.rejected.count > 0, "{name}: {report:?}");
                    assert!(report.added.count + report.unchanged > 0, "{name}: {report:?}");
                    report.lines().join("\n")
                }
                (outcome, result) => panic!("{name}: expected {outcome:?}, got {:?}", result.map(|r| r.1)),
            };
            assert!(!has_raw_control(&text), "{name}: {text:?}");
            for word in &file.expect {
                assert!(text.contains(word.as_str()), "{name}: lacks {word:?}:\n{text}");
            }
        }
    }
}

#[test]
fn the_command_line_refuses_or_reports_every_file_in_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("frictionmap.sqlite3");
    let run = |args: &[&std::ffi::OsStr]| {
        let mut command = Command::new(BIN);
        command.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db).args(args);
        run_bounded(command, TIME_LIMIT)
    };
    assert_eq!(run(&["list".as_ref()]).code, Some(0));
    let mut peak = (0, String::new());
    let mut slowest = (Duration::ZERO, String::new());
    for file in all_files(dir.path()) {
        for into in [None, Some(MAP)] {
            let before = files_in(db.parent().unwrap());
            let mut args = vec!["steps".as_ref(), "import".as_ref(), file.path.as_os_str()];
            if let Some(map) = into {
                args.push("--into".as_ref());
                args.push(map.as_ref());
            }
            let out = run(&args);
            let name = format!("{} {into:?} ({}): {}", file.path.display(), file.what, out.describe());
            assert!(!out.timed_out, "{name}");
            assert!(!out.stderr.contains("panicked"), "{name}");
            assert!(!has_raw_control(&out.stdout) && !has_raw_control(&out.stderr), "{name}");
            assert!(out.peak_rss_bytes < MEMORY_LIMIT_BYTES, "{name}");
            let first_line = || name.lines().next().unwrap_or_default().to_owned();
            if out.peak_rss_bytes > peak.0 {
                peak = (out.peak_rss_bytes, first_line());
            }
            if out.elapsed > slowest.0 {
                slowest = (out.elapsed, first_line());
            }
            let text = match file.outcome {
                Refused => {
                    assert_eq!(out.code, Some(2), "{name}");
                    assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
                    assert!(
                        out.stderr.starts_with(&format!("error: {}: ", file.path.display())),
                        "{name}: the message starts with the file"
                    );
                    assert!(
                        files_in(db.parent().unwrap()) == before,
                        "{name}: the database is byte-for-byte unchanged"
                    );
                    &out.stderr
                }
                Partly => {
                    assert_eq!(out.code, Some(0), "{name}");
                    &out.stdout
                }
            };
            for word in &file.expect {
                assert!(text.contains(word.as_str()), "{name}: lacks {word:?}");
            }
        }
    }
    println!("highest peak memory: {} MiB, {}", peak.0 >> 20, peak.1);
    println!("slowest: {:.2} s, {}", slowest.0.as_secs_f64(), slowest.1);
}

#[test]
fn the_window_refuses_or_reports_every_file_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let files = all_files(dir.path());
    let last = files
        .last()
        .map(|f| format!("{} ({})", f.path.display(), f.what))
        .unwrap_or_default();
    // The window runs on a thread of its own that says when it starts each
    // file, so a file that blocks fails the test instead of hanging it.
    let (progress, started) = mpsc::channel::<String>();
    let window = std::thread::spawn(move || {
        let mut harness = common::app(&data.join("fm.sqlite3"));
        for file in &files {
            let _ = progress.send(format!("{} ({})", file.path.display(), file.what));
            for (item, title) in [
                ("Import steps CSV as new map…", "Import a steps CSV as a new map"),
                ("Update map from steps CSV…", "Update this map from a steps CSV"),
            ] {
                let name = format!("{} via {item} ({})", file.path.display(), file.what);
                let maps_before = common::ws(&harness).maps().to_vec();
                let open_before = common::ws(&harness).document().map().clone();
                let files_before = files_in(&data);
                common::menu(&mut harness, item);
                let clock = Instant::now();
                common::type_path(&mut harness, &file.path);
                let took = clock.elapsed();
                assert!(took < TIME_LIMIT, "{name}: took {took:?}");
                let title = match file.outcome {
                    Refused => format!("{title} failed"),
                    Partly => title.to_owned(),
                };
                assert!(
                    shown(&harness, std::slice::from_ref(&title)),
                    "{name}: no dialog {title:?}"
                );
                assert!(
                    shown(&harness, &file.expect),
                    "{name}: the dialog lacks {:?}",
                    file.expect
                );
                // A long message's dialog grows for a few frames before it settles.
                for _ in 0..20 {
                    harness.step();
                }
                harness.get_by_label("OK").click();
                harness.run();
                assert!(!shown(&harness, &[title]), "{name}: the dialog closes");
                if file.outcome == Refused {
                    let ws = common::ws(&harness);
                    assert_eq!(ws.maps(), maps_before.as_slice(), "{name}: the library changed");
                    assert_eq!(ws.document().map(), &open_before, "{name}: the open map changed");
                    assert!(files_in(&data) == files_before, "{name}: the database changed");
                }
            }
        }
    });
    // Two imports of a file, and the frames around them.
    let per_file = TIME_LIMIT * 3;
    let mut current = "the start".to_owned();
    loop {
        match started.recv_timeout(per_file) {
            Ok(file) => current = file,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("the window hangs on {current}"),
        }
    }
    if let Err(panic) = window.join() {
        std::panic::resume_unwind(panic);
    }
    assert_eq!(current, last, "every file was tried");
}
