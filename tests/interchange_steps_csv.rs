//! The steps CSV round trip: export every step, read it back as a new map
//! or as an update, with Excel's BOM, semicolons and decimal commas, and a
//! report of every row with line numbers.

use std::path::PathBuf;

use assert_cmd::Command;
use frictionmap::domain::model::{Attr, Map};
use frictionmap::formats::samples::sample_maps;
use frictionmap::formats::steps_csv::{header, import_new, import_update, steps_csv, update_edit};
use frictionmap::scoring::rank;
use predicates::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

#[test]
fn export_then_import_as_new_map_keeps_every_figure_and_the_ranking() {
    for map in sample_maps().unwrap() {
        let bytes = steps_csv(&map, true);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text.lines().next().unwrap(), header().join(","));
        assert_eq!(text.lines().count(), map.steps.len() + 1);
        assert!(text.contains("\r\n"));
        let (back, report) = import_new(&bytes, "steps.csv", &map.name).unwrap();
        assert_eq!(report.added.count, map.steps.len());
        assert_eq!(report.rejected.count, 0, "{:?}", report.rejected);
        assert_eq!(back.lanes.len(), map.lanes.len());
        for (a, b) in map.steps.iter().zip(&back.steps) {
            assert_eq!(a.name, b.name);
            for attr in Attr::ALL {
                assert_eq!(a.value(attr), b.value(attr), "{} {}", a.name, attr.key());
            }
            assert_eq!((&a.low, &a.high, &a.notes), (&b.low, &b.high, &b.notes));
        }
        // The ranking does not depend on ids, rates aside.
        let mut back = back;
        back.rates = map.rates;
        back.currency = map.currency.clone();
        let (r1, r2) = (rank(&map), rank(&back));
        let view = |r: &frictionmap::scoring::Ranking| {
            r.lanes
                .iter()
                .map(|l| (l.lane.clone(), (l.monthly_friction * 100.0).round()))
                .collect::<Vec<_>>()
        };
        assert_eq!(view(&r1), view(&r2), "{}", map.name);
    }
}

#[test]
fn excel_bom_semicolons_and_decimal_commas_are_accepted() {
    let text = "\u{feff}Lane;Step;volume_per_month;handle_minutes;rework_rate;approval_delay_hours;handle_minutes_low;notes\r\n\
                Intake;Open mail;1.250;2,5;12%;0;1,5;=HYPERLINK(\"x\")\r\n\
                Intake;Scan;300;1,25;0,05;0,5;;\r\n";
    let (map, report) = import_new(text.as_bytes(), "excel.csv", "Excel").unwrap();
    assert_eq!(report.rejected.count, 0, "{:?}", report.rejected);
    assert!(report.notes.iter().any(|n| n.contains("Semicolon")));
    assert!(report.notes.iter().any(|n| n.contains("decimal comma")));
    let s = &map.steps[0];
    assert_eq!(
        (
            s.volume_per_month,
            s.handle_minutes,
            s.rework_rate,
            s.low.get(Attr::HandleMinutes)
        ),
        (1250.0, 2.5, 0.12, Some(1.5))
    );
    assert_eq!(s.notes, "=HYPERLINK(\"x\")");
    let s = &map.steps[1];
    assert_eq!(
        (
            s.volume_per_month,
            s.handle_minutes,
            s.rework_rate,
            s.approval_delay_hours
        ),
        (300.0, 1.25, 0.05, 0.5)
    );
    // Comma-separated with quoted decimal commas is read too.
    let text = "lane,step,handle_minutes\nA,B,\"2,5\"\n";
    let (map, report) = import_new(text.as_bytes(), "q.csv", "Q").unwrap();
    assert_eq!(map.steps[0].handle_minutes, 2.5);
    assert!(report.notes.iter().any(|n| n.contains("decimal comma")));
}

#[test]
fn update_matches_by_lane_and_step_and_reports_every_row() {
    let map = sample_maps().unwrap().remove(0);
    let lane = map.lane(&map.steps[0].lane).unwrap().name.clone();
    let step = map.steps[0].name.clone();
    let second = map.steps[1].name.clone();
    let text = format!(
        "lane,step,volume_per_month,handle_minutes,rework_rate,approval_delay_hours\n\
         {lane},{step},999,2.5,0.03,0\n\
         {lane},{second},{},{},{},{}\n\
         {lane},A new step,10,1,0,0\n\
         Brand new lane,Another,5,5,0.1,1\n\
         {lane},Bad rework,10,1,2,0\n\
         ,No lane,1,1,0,0\n\
         {lane},{step},1,1,0,0\n",
        map.steps[1].volume_per_month,
        map.steps[1].handle_minutes,
        map.steps[1].rework_rate,
        map.steps[1].approval_delay_hours
    );
    let (after, report) = import_update(text.as_bytes(), "update.csv", &map).unwrap();
    assert_eq!(report.changed.first, vec![(2, lane.clone(), step.clone())]);
    assert_eq!(report.unchanged, 1);
    assert_eq!(report.added.first.iter().map(|a| a.0).collect::<Vec<_>>(), vec![4, 5]);
    assert_eq!(report.lanes_added, 1);
    let rejected: Vec<u64> = report.rejected.first.iter().map(|r| r.0).collect();
    assert_eq!(rejected, vec![6, 7, 8]);
    assert!(report.rejected.first[0].1.contains("rework_rate") && report.rejected.first[0].1.contains("0.95"));
    assert!(report.rejected.first[1].1.contains("lane is empty"));
    assert!(report.rejected.first[2].1.contains("already on line 2"));
    assert_eq!(report.untouched, map.steps.len() - 2);
    assert_eq!(after.steps[0].volume_per_month, 999.0);
    assert_eq!(
        after.steps[0].id, map.steps[0].id,
        "matched steps keep their id, place and edges"
    );
    assert_eq!(after.edges, map.edges);
    let lines = report.lines().join("\n");
    assert!(
        lines.contains("2 row(s) added, 1 changed, 1 unchanged, 3 rejected"),
        "{lines}"
    );
    assert!(lines.contains("line 6: rejected: rework_rate"), "{lines}");

    // The GUI applies it as one edit that undo reverses.
    let mut applied: Map = map.clone();
    let inverse = frictionmap::document::edit::apply(&mut applied, update_edit(&map, &after)).unwrap();
    assert_eq!(applied, after);
    frictionmap::document::edit::apply(&mut applied, inverse).unwrap();
    assert_eq!(applied, map);
}

#[test]
fn whole_file_problems_are_refused() {
    let e = import_new(b"", "e.csv", "x").unwrap_err().to_string();
    assert!(e.contains("e.csv") && e.contains("empty"), "{e}");
    let e = import_new(b"name,value\nA,1\n", "h.csv", "x").unwrap_err().to_string();
    assert!(e.contains("line 1") && e.contains("\"lane\" and a \"step\""), "{e}");
    let e = import_new(b"lane,step\n\xff\xfe,x\n", "b.csv", "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not UTF-8"), "{e}");
    let e = import_new(b"lane,step,rework_rate\nA,B,5\n", "r.csv", "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("no row could be imported") && e.contains("line 2"), "{e}");
}

#[test]
fn cli_steps_export_import_and_update() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let cmd = || {
        let mut c = Command::new(BIN);
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db);
        c
    };
    let csv = dir.path().join("steps.csv");
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_maps/it-access-requests.json");
    cmd()
        .args(["steps", "export"])
        .arg(&sample)
        .arg("--out")
        .arg(&csv)
        .assert()
        .success();
    cmd()
        .args(["steps", "import"])
        .arg(&csv)
        .args(["--into", "IT access requests"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 row(s) added, 0 changed, 26 unchanged, 0 rejected",
        ));
    cmd()
        .args(["steps", "import"])
        .arg(&csv)
        .args(["--name", "From CSV"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Imported map \"From CSV\"").and(predicate::str::contains("26 row(s) added")));
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "step,value\n").unwrap();
    cmd()
        .args(["steps", "import"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv: line 1"));
    cmd()
        .args(["steps", "import"])
        .arg(&csv)
        .args(["--into", "No such map"])
        .assert()
        .code(2);
}

// ---------------------------------------------------------------------------
// Defects a hostile tester found; each test failed before its fix.

use std::path::Path;
use std::time::Duration;

use crate::child_process::{Finished, run_bounded, within};
use frictionmap::domain::validate::validate;
use frictionmap::store::Store;

/// The sample map the `--into` tests update.
const AP: &str = "Accounts payable: invoice to payment";
/// How long any steps command may take on any input.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// The most memory a steps command may use on a refused file.
const MEMORY_LIMIT_BYTES: u64 = 256 << 20;

/// A database seeded with the sample maps, in `dir`.
fn seeded_db(dir: &Path) -> PathBuf {
    let db = dir.join("data").join("fm.sqlite3");
    let out = steps_cmd(&db, &["list".as_ref()]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    db
}

fn steps_cmd(db: &Path, args: &[&std::ffi::OsStr]) -> Finished {
    let mut command = std::process::Command::new(BIN);
    command.env_remove("FRICTIONMAP_DB").arg("--db").arg(db).args(args);
    run_bounded(command, TIME_LIMIT)
}

/// Every file of the database's folder (not the lock file), by name.
fn db_files(db: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file() && !e.file_name().to_string_lossy().ends_with(".lock"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

#[test]
fn devices_pipes_and_folders_are_refused_at_once_by_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let fifo = dir.path().join("pipe.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for path in [PathBuf::from("/dev/zero"), fifo, dir.path().to_owned()] {
        for into in [None, Some(AP)] {
            let mut args = vec!["steps".as_ref(), "import".as_ref(), path.as_os_str()];
            if let Some(map) = into {
                args.push("--into".as_ref());
                args.push(map.as_ref());
            }
            let out = steps_cmd(&db, &args);
            let name = format!("{} {into:?}: {}", path.display(), out.describe());
            assert_eq!(out.code, Some(2), "{name}");
            assert!(
                out.stderr.contains("cannot read the file: not a regular file"),
                "{name}"
            );
            assert!(out.peak_rss_bytes < MEMORY_LIMIT_BYTES, "{name}");
        }
    }
}

#[test]
fn a_named_pipe_is_refused_at_once_by_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let db = dir.path().join("fm.sqlite3");
    within(
        Duration::from_secs(60),
        "the window's steps CSV imports of a named pipe",
        move || {
            let mut harness = crate::common::app(&db);
            for (item, title) in [
                ("Import steps CSV as new map…", "Import a steps CSV as a new map failed"),
                ("Update map from steps CSV…", "Update this map from a steps CSV failed"),
            ] {
                crate::common::menu(&mut harness, item);
                crate::common::type_path(&mut harness, &fifo);
                use egui_kittest::kittest::Queryable;
                harness.get_by_label_contains(title);
                harness.get_by_label_contains("not a regular file (it is a named pipe)");
                harness.get_by_label("OK").click();
                harness.run();
            }
        },
    );
}

/// Rows whose lane or step name holds a control character or a Unicode
/// noncharacter, and one good row.
fn rows_with_bad_names() -> String {
    "lane,step,volume_per_month\n\
     Intake\u{1b}[31m,Open mail,10\n\
     Intake,Scan\u{0},10\n\
     Intake,Sort\u{fffe},10\n\
     Intake\u{ffff},Stamp,10\n\
     Intake,File\u{85}away,10\n\
     Intake,Bell\u{7},10\n\
     Intake,Good step,10\n"
        .to_owned()
}

#[test]
fn names_with_control_characters_or_noncharacters_reject_their_row() {
    let text = rows_with_bad_names();
    let expected = [
        (2, "the lane name contains the control character U+001B at character 7"),
        (3, "the step name contains the control character U+0000 at character 5"),
        (4, "the step name contains the noncharacter U+FFFE at character 5"),
        (5, "the lane name contains the noncharacter U+FFFF at character 7"),
        (6, "the step name contains the control character U+0085 at character 5"),
        (7, "the step name contains the control character U+0007 at character 5"),
    ];
    let base = sample_maps().unwrap().remove(0);
    let new = import_new(text.as_bytes(), "names.csv", "Names").unwrap();
    let update = import_update(text.as_bytes(), "names.csv", &base).unwrap();
    for (map, report) in [new, update] {
        let rejected: Vec<(u64, &str)> = report.rejected.first.iter().map(|(l, r)| (*l, r.as_str())).collect();
        assert_eq!(rejected, expected);
        assert!(validate(&map).is_ok(), "{:?}", validate(&map));
        let lines = report.lines().join("\n");
        assert!(!has_raw_control(&lines), "{lines:?}");
        assert!(lines.contains("line 8: added \"Intake\" / \"Good step\""), "{lines}");
    }
}

#[test]
fn the_name_option_is_checked_and_a_name_from_the_file_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let csv = dir.path().join("steps.csv");
    std::fs::write(&csv, "lane,step\nA,B\n").unwrap();
    let out = steps_cmd(
        &db,
        &[
            "steps".as_ref(),
            "import".as_ref(),
            csv.as_os_str(),
            "--name".as_ref(),
            "Bad\u{1b}]0;x\u{7}".as_ref(),
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        out.stderr
            .contains("--name: contains the control character U+001B at character 4"),
        "{}",
        out.describe()
    );
    assert!(!has_raw_control(&out.stderr), "{:?}", out.stderr);

    let evil = dir
        .path()
        .join(format!("evil\u{1b}[31m\u{ffff}{}.csv", "x".repeat(230)));
    std::fs::write(&evil, "lane,step,x\u{1b}[2J\nA\u{1b}[2J,B\u{1b},1\nA,B,2\n").unwrap();
    let out = steps_cmd(&db, &["steps".as_ref(), "import".as_ref(), evil.as_os_str()]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        !has_raw_control(&out.stdout) && !has_raw_control(&out.stderr),
        "{}",
        out.describe()
    );
    let store = Store::open(&db).unwrap();
    let name = store
        .list()
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .find(|n| n.starts_with("evil"))
        .unwrap();
    assert_eq!(name, format!("evil[31m{}", "x".repeat(192)));
    let map = store.load(store.find_by_name(&name).unwrap()).unwrap();
    assert!(validate(&map).is_ok());
}

#[test]
fn import_and_update_take_time_linear_in_the_rows() {
    // Before: 10,000 rows took 8.7 s and 20,000 rows 43 s as a new map.
    let rows = 20_000;
    let csv = |volume: usize| {
        let mut text = String::from("lane,step,volume_per_month\n");
        for i in 0..rows {
            text.push_str(&format!("Lane {},Step {i},{}\n", i % 40, i * volume));
        }
        text
    };
    let text = csv(1);
    let (map, report) = within(TIME_LIMIT, "a new map of 20,000 rows", move || {
        import_new(text.as_bytes(), "big.csv", "Big").unwrap()
    });
    assert_eq!((report.added.count, map.steps.len(), map.lanes.len()), (rows, rows, 40));
    assert!(validate(&map).is_ok());
    let text = csv(2);
    let (after, report) = within(TIME_LIMIT, "an update of 20,000 steps from 20,000 rows", move || {
        import_update(text.as_bytes(), "big.csv", &map).unwrap()
    });
    assert_eq!(
        (report.added.count, report.changed.count, report.unchanged),
        (0, rows - 1, 1)
    );
    assert!(validate(&after).is_ok());
}

#[test]
fn an_update_with_every_row_rejected_or_nothing_changed_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "lane,step,rework_rate\nA,B,5\nA,C,7\n").unwrap();
    let before = db_files(&db);
    let out = steps_cmd(
        &db,
        &[
            "steps".as_ref(),
            "import".as_ref(),
            bad.as_os_str(),
            "--into".as_ref(),
            AP.as_ref(),
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(
        out.stderr.contains("no row could be imported") && out.stderr.contains("line 3"),
        "{}",
        out.describe()
    );
    assert!(db_files(&db) == before, "the database is unchanged");

    let own = dir.path().join("own.csv");
    let out = steps_cmd(
        &db,
        &[
            "steps".as_ref(),
            "export".as_ref(),
            AP.as_ref(),
            "--out".as_ref(),
            own.as_os_str(),
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let before = db_files(&db);
    let out = steps_cmd(
        &db,
        &[
            "steps".as_ref(),
            "import".as_ref(),
            own.as_os_str(),
            "--into".as_ref(),
            AP.as_ref(),
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(out.stdout.contains("nothing was written"), "{}", out.describe());
    assert!(db_files(&db) == before, "the database is unchanged");
}

#[test]
fn a_long_header_is_cut_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let csv = dir.path().join("header.csv");
    std::fs::write(&csv, format!("{}\nA,B\n", "h".repeat(1 << 20))).unwrap();
    let out = steps_cmd(&db, &["steps".as_ref(), "import".as_ref(), csv.as_os_str()]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(out.stderr.len() < 2000, "{}", out.describe());
    assert!(
        out.stderr.contains("the header needs a \"lane\" and a \"step\" column"),
        "{}",
        out.describe()
    );
    assert!(out.stderr.contains("1048576 characters"), "{}", out.describe());
}

#[test]
fn a_dry_run_update_reads_while_the_window_holds_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let csv = dir.path().join("update.csv");
    std::fs::write(
        &csv,
        "lane,step,volume_per_month\nPO invoice matching,Capture invoice from AP inbox,7\n",
    )
    .unwrap();
    let _window = frictionmap::store::instance::InstanceLock::acquire(&db).unwrap();
    let before = db_files(&db);
    let out = steps_cmd(
        &db,
        &[
            "steps".as_ref(),
            "import".as_ref(),
            csv.as_os_str(),
            "--into".as_ref(),
            AP.as_ref(),
            "--dry-run".as_ref(),
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        out.stdout.contains("Dry run: nothing was stored") && out.stdout.contains("1 changed"),
        "{}",
        out.describe()
    );
    assert!(db_files(&db) == before, "the database is unchanged");
}

#[test]
fn the_windows_edit_for_an_update_of_every_step_is_linear() {
    // Before: Document::apply looked each changed step up by a scan of the
    // map, 2 s in a release build for 20,000 steps.
    let rows = 20_000;
    let csv = |volume: usize| {
        let mut text = String::from("lane,step,volume_per_month\n");
        for i in 0..rows {
            text.push_str(&format!("Lane {},Step {i},{}\n", i % 40, i * volume + 1));
        }
        text
    };
    let (before, _) = import_new(csv(1).as_bytes(), "big.csv", "Big").unwrap();
    let (after, report) = import_update(csv(2).as_bytes(), "big.csv", &before).unwrap();
    assert_eq!(report.changed.count, rows - 1);
    let edit = update_edit(&before, &after);
    let (doc, undone) = within(TIME_LIMIT, "applying and undoing the update's edit", move || {
        let mut doc = frictionmap::document::Document::new(frictionmap::store::MapId(1), before.clone());
        doc.apply(edit, None).unwrap();
        let applied = doc.map().clone();
        assert!(doc.undo());
        (applied, doc.map() == &before)
    });
    assert_eq!(doc, after);
    assert!(undone, "undo restores the map");
}
