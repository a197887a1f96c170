//! Databases edited with the sqlite3 shell. Each script in `tests/hostile_db/`
//! (listed with what it is in `CORPUS` below) is applied with the shell's
//! defaults (foreign keys off) to a database holding the sample maps. Then
//! the command line reads it (`check`, `list`, and every command that reads
//! the edited map) and the window opens it. Guarantees: no panic, no hang
//! past 10 s, a bounded peak memory, a message that names the problem, a map
//! with problems never scored or exported, and the database byte-for-byte
//! unchanged by every reading command. The window may write (it recovers
//! rows of deleted maps as a map); it never loses a row.
//!
//! The shell is `sqlite3` (Debian package sqlite3, which `.ci/run`
//! installs); without it the test says so and skips.

use crate::child_process::{Finished, run_bounded};
use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use frictionmap::store::MapId;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

/// What a script does to the database, as the app must see it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Seen {
    /// Map 1 (accounts payable) has problems: refused by every command that
    /// reads it (exit 2), opened read-only for repair in the window.
    Problems,
    /// Map 1 reads with corrections (a note), and works.
    Corrected,
    /// Rows of a deleted map: commands warn; the window recovers them.
    Orphans,
    /// The schema was changed: the database is refused and left untouched.
    Refused,
    /// Nothing the app minds.
    Fine,
}

struct Case {
    file: &'static str,
    what: &'static str,
    seen: Seen,
    /// Words the message must contain (from `check`, or the refusal).
    expect: &'static str,
}

const fn case(file: &'static str, what: &'static str, seen: Seen, expect: &'static str) -> Case {
    Case {
        file,
        what,
        seen,
        expect,
    }
}

use Seen::*;

const CORPUS: &[Case] = &[
    case(
        "rework-1.sql",
        "rework of exactly 1",
        Problems,
        "steps[0].rework_rate: 1 is above the maximum 0.95",
    ),
    case(
        "rework-negative.sql",
        "rework -500",
        Problems,
        "steps[0].rework_rate: -500 is below the minimum 0",
    ),
    case(
        "volume-1e308.sql",
        "a volume of 1e308",
        Problems,
        "steps[0].volume_per_month: 1e308 is above the maximum 1000000000",
    ),
    case(
        "handle-infinity.sql",
        "+Inf minutes",
        Problems,
        "steps[0].handle_minutes: inf is not a finite number",
    ),
    case(
        "delay-minus-infinity.sql",
        "-Inf hours of wait",
        Problems,
        "steps[0].approval_delay_hours: -inf is not a finite number",
    ),
    case(
        "text-nan.sql",
        "the text 'NaN' in a number column",
        Problems,
        "steps[0].handle_minutes: the database holds the text \"NaN\" here, not a number",
    ),
    case(
        "text-word.sql",
        "words in a number column",
        Problems,
        "steps[0].volume_per_month: the database holds the text \"twelve hundred\" here",
    ),
    case(
        "decimal-comma-text.sql",
        "a decimal comma typed in the shell",
        Problems,
        "steps[0].handle_minutes: the database holds the text \"2,5\" here, not a number",
    ),
    case(
        "blob-number.sql",
        "binary data in a number column",
        Problems,
        "steps[0].approval_delay_hours: the database holds 3 bytes of binary data here",
    ),
    case(
        "low-above-value.sql",
        "a low estimate above the value",
        Problems,
        "steps[0].low.volume_per_month: 99999 is above the value 1450",
    ),
    case(
        "high-text.sql",
        "text in an estimate column",
        Problems,
        "steps[0].high.rework_rate: the database holds the text \"high\" here",
    ),
    case(
        "map-name-invalid-utf8.sql",
        "a 0xFF byte in the map name",
        Corrected,
        "name: is not valid UTF-8 text in the database (a bad byte at offset 8)",
    ),
    case(
        "lane-name-invalid-utf8.sql",
        "an overlong UTF-8 sequence in a lane name",
        Corrected,
        "lanes[0].name: is not valid UTF-8 text in the database (a bad byte at offset 2)",
    ),
    case(
        "map-name-10mb.sql",
        "a map name of 10 MB",
        Problems,
        "name: is 10485760 characters long in the database; read as its first 20001",
    ),
    case(
        "step-name-escape.sql",
        "a terminal escape code in a step name",
        Problems,
        "steps[0].name: contains the control character U+001B at character 1",
    ),
    case(
        "step-name-nul.sql",
        "a NUL in a step name",
        Problems,
        "steps[0].name: contains the control character U+0000 at character 4",
    ),
    case(
        "map-name-empty.sql",
        "an empty map name",
        Problems,
        "name: must not be empty",
    ),
    case(
        "lane-name-noncharacter.sql",
        "U+FFFF in a lane name",
        Problems,
        "lanes[0].name: contains the noncharacter U+FFFF at character 7",
    ),
    case(
        "currency-100k.sql",
        "a currency of 100,000 characters",
        Problems,
        "currency: is 100000 characters long in the database",
    ),
    case(
        "hourly-cost-negative.sql",
        "a negative labour cost",
        Problems,
        "rates.hourly_cost: -46 is below the minimum 0",
    ),
    case(
        "hours-per-fte-zero.sql",
        "0 hours per FTE month",
        Problems,
        "rates.hours_per_fte_month: 0 is below the minimum 1",
    ),
    case(
        "rates-text.sql",
        "text in a rate",
        Problems,
        "rates.delay_cost_per_hour: the database holds the text \"cheap\" here",
    ),
    case(
        "sim-draws-text.sql",
        "text for the number of scenarios",
        Corrected,
        "simulation.draws: the database holds the text \"lots\" here, not a whole number; read as 10000",
    ),
    case(
        "effort-negative.sql",
        "a negative effort",
        Problems,
        "lanes[0].effort_weeks: -3 weeks is not above 0",
    ),
    case(
        "step-x-huge.sql",
        "a card at x = 1e300",
        Problems,
        "steps[0].x: inf is not a finite number",
    ),
    case(
        "lane-deleted.sql",
        "a lane deleted, its steps left",
        Problems,
        "steps[12].lane: no lane has the id \"exceptions\"",
    ),
    case(
        "step-deleted.sql",
        "a step deleted, its edges left",
        Problems,
        "edges[0].to: no step has the id \"pm-2\"",
    ),
    case(
        "self-edge.sql",
        "an edge from a step to itself",
        Problems,
        "joins step \"pm-1\" to itself",
    ),
    case(
        "step-moved-to-missing-lane.sql",
        "a step moved to a lane that does not exist",
        Problems,
        "steps[0].lane: no lane has the id \"nowhere\"",
    ),
    case(
        "pick-of-missing-lane.sql",
        "a pick of a lane the map lacks",
        Problems,
        "picks[0].lane: no lane has the id \"ghost\"",
    ),
    case(
        "pick-date-not-iso.sql",
        "a pick date written 30/11/2025",
        Problems,
        "picks[0].picked_on: the database holds \"30/11/2025\" here, which is not a date (YYYY-MM-DD)",
    ),
    case(
        "pick-baseline-infinite.sql",
        "an infinite baseline",
        Problems,
        "picks[0].baseline.monthly_friction: inf is not a finite number",
    ),
    case(
        "review-of-missing-pick.sql",
        "review entries of a pick that is gone",
        Corrected,
        "1 review entry of pick \"gone\", which the map no longer has",
    ),
    case(
        "position-text.sql",
        "text in a step's position",
        Corrected,
        "steps[21].position: the database holds the text \"first\" here, not a whole number; read as 0",
    ),
    case(
        "map-deleted.sql",
        "a map deleted, its rows left",
        Orphans,
        "Rows of a map deleted with another tool (id 1): 4 lanes, 22 steps, 25 edges",
    ),
    case(
        "map-deleted-then-added.sql",
        "a map deleted and another added in the shell",
        Orphans,
        "Rows of a map deleted with another tool (id 1): 4 lanes, 22 steps, 25 edges",
    ),
    case(
        "updated-at-text.sql",
        "text in updated_at",
        Fine,
        "All 4 maps are fine.",
    ),
    case(
        "settings-last-map-bad.sql",
        "a last-opened map that is not an id",
        Fine,
        "All 4 maps are fine.",
    ),
    case(
        "user-version-reset.sql",
        "the schema version reset to 0",
        Refused,
        "its schema version (PRAGMA user_version) is 0, but it already holds Friction Map's tables",
    ),
    case(
        "table-dropped.sql",
        "a table dropped",
        Refused,
        "the table reviews is missing",
    ),
    case(
        "column-dropped.sql",
        "a column dropped",
        Refused,
        "the column notes of the table steps is missing",
    ),
    case(
        "user-version-newer.sql",
        "a schema version from the future",
        Refused,
        "the database has schema version 99, newer than this build understands",
    ),
];

/// The longest any command may take, and the most memory it may use.
const TIME_LIMIT: Duration = Duration::from_secs(10);
const MEMORY_LIMIT_BYTES: u64 = 400 << 20;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("hostile_db")
}

fn sqlite3_shell() -> Option<()> {
    let found = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skipped: the sqlite3 shell is not installed (Debian: apt-get install sqlite3)");
    }
    found.then_some(())
}

/// A database with the sample maps, then the script applied by the shell.
fn edited(dir: &Path, script: &str) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("fm.sqlite3");
    let seeded = Command::new(BIN).arg("--db").arg(&db).arg("list").output().unwrap();
    assert!(seeded.status.success());
    let sql = std::fs::read_to_string(corpus_dir().join(script)).unwrap();
    let mut shell = Command::new("sqlite3");
    shell.arg(&db).stdin(std::process::Stdio::piped());
    let mut child = shell.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(sql.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "{script} applies");
    db
}

fn run(db: &Path, args: &[&str]) -> Finished {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db").arg(db).args(args);
    let out = run_bounded(cmd, TIME_LIMIT);
    assert!(!out.timed_out, "{args:?}: {}", out.describe());
    assert!(out.peak_rss_bytes < MEMORY_LIMIT_BYTES, "{args:?}: {}", out.describe());
    assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.describe());
    out
}

#[test]
fn the_manifest_lists_every_script_and_nothing_else() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|c| c.file.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(CORPUS.len() >= 25);
}

#[test]
fn the_command_line_reads_every_edited_database_safely() {
    if sqlite3_shell().is_none() {
        return;
    }
    let mut peak = 0;
    for case in CORPUS {
        let dir = tempfile::tempdir().unwrap();
        let db = edited(dir.path(), case.file);
        let before = common::files_in_tree(dir.path());
        let name = format!("{} ({})", case.file, case.what);
        let check = run(&db, &["check"]);
        let said = format!("{}{}", check.stdout, check.stderr);
        let code = match case.seen {
            Problems | Orphans => 2,
            Refused => 1,
            Corrected | Fine => 0,
        };
        assert_eq!(check.code, Some(code), "{name}: check:\n{said}");
        assert!(said.contains(case.expect), "{name}: check says:\n{said}");

        let list = run(&db, &["list"]);
        assert_eq!(
            list.code,
            Some(if case.seen == Refused { 1 } else { 0 }),
            "{name}: {}",
            list.stderr
        );
        if case.seen == Problems {
            assert!(
                list.stdout.contains("⚠"),
                "{name}: list marks the map:\n{}",
                list.stdout
            );
        }
        // Every way a stored map is read, by its id.
        let out = dir.path().join("out");
        let out = out.to_str().unwrap();
        for args in [
            vec!["rank", "--map", "1"],
            vec!["export", "1", "--out", out],
            vec!["render", "1", "--svg", out],
            vec!["chart", "1", "--svg", out],
            vec!["bpmn", "export", "1", "--out", out],
            vec!["steps", "export", "1", "--out", out],
        ] {
            let result = run(&db, &args);
            peak = peak.max(result.peak_rss_bytes);
            let expected = match case.seen {
                Problems => Some(2),
                Refused => Some(1),
                Corrected | Fine => Some(0),
                // The map's id now names no map; "1" is not a name either.
                Orphans => Some(2),
            };
            assert_eq!(result.code, expected, "{name}: {args:?}: {}", result.stderr);
            match case.seen {
                Problems => {
                    assert!(
                        result.stderr.contains("has problems, so it is not used")
                            && result.stderr.contains(case.expect),
                        "{name}: {args:?}: {}",
                        result.stderr
                    );
                    assert!(!Path::new(out).exists(), "{name}: {args:?} wrote nothing");
                }
                Corrected => assert!(result.stderr.contains("warning: map"), "{name}: {}", result.stderr),
                Orphans => assert!(
                    result.stderr.contains("rows of a map that was deleted"),
                    "{}",
                    result.stderr
                ),
                Refused => assert!(result.stderr.contains(case.expect), "{name}: {}", result.stderr),
                Fine => {}
            }
            let _ = std::fs::remove_file(out);
        }
        assert_eq!(
            common::files_in_tree(dir.path()),
            before,
            "{name}: reading changed the database"
        );
    }
    println!(
        "{} edited databases read by 8 commands each; peak memory of any command {} MiB",
        CORPUS.len(),
        peak >> 20
    );
}

#[test]
fn a_writing_command_keeps_the_rows_of_a_deleted_map_as_a_map() {
    if sqlite3_shell().is_none() {
        return;
    }
    // See issue: importing the deleted map again failed with "UNIQUE
    // constraint failed", and the next new map took its rows over.
    let dir = tempfile::tempdir().unwrap();
    let db = edited(dir.path(), "map-deleted-then-added.sql");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_maps")
        .join("accounts-payable.json");
    let import = run(&db, &["import", sample.to_str().unwrap()]);
    assert_eq!(import.code, Some(0), "{}", import.stderr);
    assert!(
        import.stderr.contains("were recovered as the map \"Recovered map 1\""),
        "{}",
        import.stderr
    );
    let list = run(&db, &["list"]);
    for line in [
        "Accounts payable: invoice to payment  (4 lanes, 22 steps)",
        "Added in the shell  (0 lanes, 0 steps)",
        "Recovered map 1  (4 lanes, 22 steps)",
    ] {
        assert!(list.stdout.contains(line), "{line}:\n{}", list.stdout);
    }
}

#[test]
fn the_window_opens_every_edited_database_and_shows_what_it_found() {
    if sqlite3_shell().is_none() {
        return;
    }
    for case in CORPUS {
        let dir = tempfile::tempdir().unwrap();
        let db = edited(dir.path(), case.file);
        let name = format!("{} ({})", case.file, case.what);
        // Names edited in the shell may hold characters that no font has
        // (U+FFFF); the app draws a box for them.
        let mut harness = common::app_drawing_missing_glyphs(&db);
        if case.seen == Refused {
            let problem = format!("{:?}", harness.state().startup_problem().expect(&name));
            assert!(problem.contains(case.expect), "{name}: {problem}");
            continue;
        }
        let ctx = harness.ctx.clone();
        let maps = common::ws(&harness).maps().to_vec();
        let ws = common::ws_mut(&mut harness);
        match case.seen {
            Problems => {
                ws.handle(&ctx, frictionmap::ui::Action::OpenMap(MapId(1)));
                let doc = ws.document();
                assert_eq!(doc.id, MapId(1));
                let problems: Vec<String> = doc.problems().iter().map(|p| p.to_string()).collect();
                assert!(problems.iter().any(|p| p.contains(case.expect)), "{name}: {problems:?}");
            }
            Corrected => {
                ws.handle(&ctx, frictionmap::ui::Action::OpenMap(MapId(1)));
                assert!(ws.document().problems().is_empty(), "{name}");
                let notice = ws.notice().unwrap_or_default().to_owned();
                assert!(notice.contains("changed outside Friction Map"), "{name}: {notice}");
            }
            Orphans => {
                assert!(
                    maps.iter()
                        .any(|m| m.id == MapId(1) && m.name == "Recovered map 1" && m.steps == 22),
                    "{name}: {maps:?}"
                );
            }
            Fine | Refused => {}
        }
        harness.run();
        drop(harness);
    }
}
